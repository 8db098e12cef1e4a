-- +goose Up
-- answers: what a person said, through the link in their reminder, about one
-- of their obligations (a training to complete, a certificate to renew):
-- done, registered or not applicable. While an answer stands (pending, or
-- confirmed by the records) the obligation is reminded of no more; HR's
-- rejection resumes the reminders. One answer per obligation: a second one
-- updates it (revision counts them). subject and ref_id name the obligation
-- as the reminder's item key does ("training/123": the training row; for
-- "certificate/45", the completed row whose certificate expires).
CREATE TABLE answers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    subject        TEXT NOT NULL,
    ref_id         INTEGER NOT NULL,
    staff_code     TEXT NOT NULL,
    item_kind      TEXT NOT NULL DEFAULT '',
    choice         TEXT NOT NULL,
    done_on        DATE,
    certificate_no TEXT NOT NULL DEFAULT '',
    starts_on      DATE,
    reason         TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,
    revision       INTEGER NOT NULL DEFAULT 1,
    answered_at    TIMESTAMP NOT NULL,
    settled_at     TIMESTAMP,
    settle_note    TEXT NOT NULL DEFAULT '',
    UNIQUE (subject, ref_id)
);
CREATE INDEX answers_state ON answers (state, answered_at);

-- answer_log: every change to an answer, who made it, when, and from where
-- (the person through their link: the client's address and user agent; HR
-- with `tickler answers reject`; an import that confirmed it).
CREATE TABLE answer_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id   INTEGER NOT NULL REFERENCES answers (id),
    event       TEXT NOT NULL,
    actor       TEXT NOT NULL,
    choice      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT '',
    user_agent  TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX answer_log_answer ON answer_log (answer_id, at);

-- secrets: values tickler makes once for all its processes (the key that
-- signs the links in reminders, unless http.link_secret_file gives one).
-- The first process to store one wins; every process reads the same.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE secrets;
DROP TABLE answer_log;
DROP TABLE answers;
