-- +goose Up
-- Messages rendered when they are sent. A planning run may keep, instead of a
-- message's wire form, what rendering it takes: its notices (recipient,
-- copies, items) in the planner's encoding, and the name of its run's render
-- set, which holds everything else (the templates' files as they were at
-- planning, the language, the date, the envelope). The deliverer renders such
-- a row when it claims it; rendering is deterministic (boundaries included),
-- so the same row rendered again by the same version of tickler gives the
-- bytes that were sent.
CREATE TABLE render_sets (
    id         TEXT PRIMARY KEY,
    spec       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- delivery_payloads: a message's notices, under its key, written once with
-- the message and never updated. They are kept out of deliveries, whose rows
-- are written again at every claim and every outcome: a row holding its
-- payload would be copied whole each time (PostgreSQL moves a value out of
-- the row only beyond 2 kB, and a payload is a few hundred bytes).
CREATE TABLE delivery_payloads (
    key        TEXT PRIMARY KEY,
    render_set TEXT NOT NULL,
    payload    TEXT NOT NULL
);
-- payload_key names the row's payload: its own key, or, for a recipient the
-- relay refused (a row of its own), the key of the message it was refused.
-- NULL: the row keeps its wire form.
ALTER TABLE deliveries ADD COLUMN payload_key TEXT;

-- +goose Down
ALTER TABLE deliveries DROP COLUMN payload_key;
DROP TABLE delivery_payloads;
DROP TABLE render_sets;
