-- name: create-spill
CREATE TEMPORARY TABLE tickler_spill (
    recipient TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    item_key  TEXT NOT NULL,
    notice    TEXT NOT NULL
);

-- name: analyze-spill
ANALYZE temp.tickler_spill;

-- name: drop-spill
DROP TABLE IF EXISTS temp.tickler_spill;

-- name: read-spill
-- The next notices after (recipient, seq), in recipient order, and whether
-- each is done: its item was already sent to this recipient
-- (delivery_items), or the recipient's message of this slot is already in
-- the outbox (its key is the first parameter followed by the address).
-- Parameters: the delivery key's prefix, the last recipient and seq read,
-- how many.
/* own work */ SELECT s.recipient, s.seq, s.notice,
       EXISTS (SELECT 1 FROM delivery_items AS d WHERE d.key = s.item_key)
    OR EXISTS (SELECT 1 FROM deliveries AS o WHERE o.key = ? || s.recipient) AS done
FROM tickler_spill AS s
WHERE (s.recipient, s.seq) > (?, ?)
ORDER BY s.recipient, s.seq
LIMIT ?;
