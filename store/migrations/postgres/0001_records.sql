-- +goose Up
-- Records: one table per import kind (docs/design.md, the import format). Codes are the
-- agency's own keys; dates are calendar dates in the agency's zone.
CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT,
    head_code   TEXT,
    email       TEXT
);

CREATE TABLE staff (
    code             TEXT PRIMARY KEY,
    full_name        TEXT NOT NULL,
    email            TEXT,
    unit_code        TEXT NOT NULL REFERENCES units (code),
    manager_code     TEXT,
    birth_date       DATE,
    gender           TEXT,
    rank             TEXT,
    education        TEXT,
    political_theory TEXT,
    hired_on         DATE,
    left_on          DATE
);
CREATE INDEX staff_unit ON staff (unit_code);

CREATE TABLE courses (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    category     TEXT NOT NULL,
    level        TEXT,
    hours        DOUBLE PRECISION,
    valid_months INTEGER
);

CREATE TABLE training (
    id           BIGSERIAL PRIMARY KEY,
    staff_code   TEXT NOT NULL REFERENCES staff (code),
    course_code  TEXT NOT NULL REFERENCES courses (code),
    start_on     DATE NOT NULL,
    status       TEXT NOT NULL,
    due_on       DATE,
    completed_on DATE,
    hours        DOUBLE PRECISION,
    UNIQUE (staff_code, course_code, start_on)
);
-- Reminder scans read open trainings by due date: a range scan on a partial index.
CREATE INDEX training_open_due ON training (due_on) WHERE status IN ('planned', 'enrolled');
CREATE INDEX training_course ON training (course_code);

CREATE TABLE appointments (
    id          BIGSERIAL PRIMARY KEY,
    staff_code  TEXT NOT NULL REFERENCES staff (code),
    position    TEXT NOT NULL,
    start_on    DATE NOT NULL,
    unit_code   TEXT REFERENCES units (code),
    decision_no TEXT,
    end_on      DATE NOT NULL,
    ended_on    DATE,
    UNIQUE (staff_code, position, start_on)
);
CREATE INDEX appointments_open_end ON appointments (end_on) WHERE ended_on IS NULL;

CREATE TABLE planning (
    id          BIGSERIAL PRIMARY KEY,
    staff_code  TEXT NOT NULL REFERENCES staff (code),
    position    TEXT NOT NULL,
    period      TEXT NOT NULL,
    approved_on DATE,
    reviewed_on DATE,
    status      TEXT NOT NULL DEFAULT 'active',
    UNIQUE (staff_code, position, period)
);

CREATE TABLE targets (
    id        BIGSERIAL PRIMARY KEY,
    plan      TEXT NOT NULL,
    category  TEXT NOT NULL,
    level     TEXT NOT NULL DEFAULT '',
    starts_on DATE NOT NULL,
    ends_on   DATE NOT NULL,
    target    INTEGER NOT NULL,
    UNIQUE (plan, category, level)
);

CREATE TABLE evaluations (
    staff_code TEXT NOT NULL REFERENCES staff (code),
    year       INTEGER NOT NULL,
    rating     TEXT NOT NULL,
    score      DOUBLE PRECISION,
    PRIMARY KEY (staff_code, year)
);

-- job_runs: one row per (job, slot). Inserting it is the claim that makes a slot
-- run once, whichever replica gets there first.
CREATE TABLE job_runs (
    id          BIGSERIAL PRIMARY KEY,
    job         TEXT NOT NULL,
    slot        TIMESTAMPTZ NOT NULL,
    state       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    items       INTEGER NOT NULL DEFAULT 0,
    messages    INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (job, slot)
);

-- deliveries: the outbox, one message to one recipient. key is unique, and the
-- Message-ID is derived from it.
CREATE TABLE deliveries (
    id              BIGSERIAL PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    job             TEXT NOT NULL,
    slot            TIMESTAMPTZ NOT NULL,
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    cc              TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL DEFAULT '',
    attachments     BYTEA,
    message_id      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     TIMESTAMPTZ,
    reply           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'retry');
CREATE INDEX deliveries_state ON deliveries (state, created_at);

-- delivery_items: what each message told whom. The unique key (job, item, step,
-- recipient) is what makes "every item's step is sent once" hold across runs.
CREATE TABLE delivery_items (
    key         TEXT PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    item_key    TEXT NOT NULL,
    step        TEXT NOT NULL
);
CREATE INDEX delivery_items_delivery ON delivery_items (delivery_id);

-- +goose Down
DROP TABLE delivery_items;
DROP TABLE deliveries;
DROP TABLE job_runs;
DROP TABLE evaluations;
DROP TABLE targets;
DROP TABLE planning;
DROP TABLE appointments;
DROP TABLE training;
DROP TABLE courses;
DROP TABLE staff;
DROP TABLE units;
