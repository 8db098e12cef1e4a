-- +goose Up
-- step_marks: for each item whose reminder steps are ordered (a training's
-- 30, 7 and 1 days before its deadline, then overdue every week), the day
-- the latest step sent to a recipient began. A step that began no later is
-- not sent to that recipient again, whatever order the slots run in: no
-- "8 days left" after "7 days left" when an earlier slot is caught up after
-- a hand run of a later one.
CREATE TABLE step_marks (
    job       TEXT NOT NULL,
    item_key  TEXT NOT NULL,
    recipient TEXT NOT NULL,
    since     TEXT NOT NULL,
    PRIMARY KEY (job, item_key, recipient)
);

-- +goose Down
DROP TABLE step_marks;
