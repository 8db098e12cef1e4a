-- +goose Up
-- The order of an item's reminder steps (a training's 30, 7 and 1 days
-- before its deadline, then overdue every week): each item a message told
-- keeps, with its step, the day that step began (since) under its mark (job,
-- item, recipient). A step that began no later than one already sent to the
-- recipient is not sent again, whatever order the slots run in: no "8 days
-- left" after "7 days left" when an earlier slot is caught up after a hand
-- run of a later one. Kept on delivery_items, written by the same COPY as
-- the item, rather than in a table of their own that each run would upsert.
ALTER TABLE delivery_items ADD COLUMN mark TEXT;
ALTER TABLE delivery_items ADD COLUMN since TEXT;
CREATE INDEX delivery_items_mark ON delivery_items (mark, since) WHERE mark IS NOT NULL;

-- +goose Down
DROP INDEX delivery_items_mark;
ALTER TABLE delivery_items DROP COLUMN since;
ALTER TABLE delivery_items DROP COLUMN mark;
