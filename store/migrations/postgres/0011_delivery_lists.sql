-- +goose Up
-- delivery_lists: the whole list of a message whose lists were cut to
-- mail.list_limit, kept for the link the message carries instead of an
-- attachment (<http.public_url>/lists/<token>). key is the message's key in
-- deliveries; the row is written in the run's transaction with the message,
-- and kept with it, so what went to whom stays answerable.
CREATE TABLE delivery_lists (
    key          TEXT PRIMARY KEY,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
ALTER TABLE delivery_lists ALTER COLUMN data SET COMPRESSION lz4;

-- +goose Down
DROP TABLE delivery_lists;
