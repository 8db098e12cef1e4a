-- +goose Up
-- Messages rendered when they are sent. A planning run may keep, instead of a
-- message's wire form, what rendering it takes: payload holds the message's
-- notices (recipient, copies, items) in the planner's encoding, and
-- render_set names the run's render_sets row, which holds everything else
-- (the templates' files as they were at planning, the language, the date, the
-- envelope). The deliverer renders such a row when it claims it; rendering is
-- deterministic (boundaries included), so the same row rendered again by the
-- same version of tickler gives the bytes that were sent.
CREATE TABLE render_sets (
    id         TEXT PRIMARY KEY,
    spec       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE deliveries ADD COLUMN payload TEXT;
ALTER TABLE deliveries ADD COLUMN render_set TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE deliveries DROP COLUMN render_set;
ALTER TABLE deliveries DROP COLUMN payload;
DROP TABLE render_sets;
