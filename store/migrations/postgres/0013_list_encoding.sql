-- +goose Up
-- A message's whole list is kept compressed (gzip): a province's list of
-- thirty thousand rows is written as it is read, a few hundred kilobytes
-- held instead of megabytes, and served as it is kept to the browsers that
-- take gzip (every one). encoding is '' for a list kept as it is (rows
-- written before this), 'gzip' for a compressed one.
ALTER TABLE delivery_lists ADD COLUMN encoding TEXT NOT NULL DEFAULT '';

-- +goose Down
-- A tickler before this one would serve a compressed list as text: those
-- lists go (their links answer 404, "not found"), the others stay.
DELETE FROM delivery_lists WHERE encoding <> '';
ALTER TABLE delivery_lists DROP COLUMN encoding;
