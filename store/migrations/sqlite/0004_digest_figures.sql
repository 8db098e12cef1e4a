-- +goose Up
-- digest_figures: the key figures of each month's digest, kept when the
-- monthly-digest job runs, for the trend and the comparison with the previous
-- month and the same month a year earlier. scope is "" for the whole agency,
-- else a unit's code; figures is the JSON of digest.Figures.
CREATE TABLE digest_figures (
    month   TEXT NOT NULL,
    scope   TEXT NOT NULL,
    figures TEXT NOT NULL,
    slot    TIMESTAMP NOT NULL,
    PRIMARY KEY (month, scope)
);

-- +goose Down
DROP TABLE digest_figures;
