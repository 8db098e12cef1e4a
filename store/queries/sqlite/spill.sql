-- name: create-spill
CREATE TEMPORARY TABLE tickler_spill (
    recipient TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    item_key  TEXT NOT NULL,
    mark      TEXT,
    since     TEXT,
    notice    TEXT NOT NULL
);

-- name: analyze-spill
ANALYZE temp.tickler_spill;

-- name: drop-spill
DROP TABLE IF EXISTS temp.tickler_spill;

-- name: read-spill
-- The next notices after (recipient, seq), in recipient order, and whether
-- each is done: its item was already sent to this recipient at this step
-- (delivery_items) or at a step that began no earlier (its mark), or the
-- recipient's message of this slot is already in the outbox (its key is the
-- delivery key's prefix followed by the address).
-- Parameters: the delivery key's prefix, the last recipient and seq read,
-- how many.
/* own work */ SELECT s.recipient, s.seq, s.notice,
       EXISTS (SELECT 1 FROM delivery_items AS d WHERE d.key = s.item_key)
    OR EXISTS (SELECT 1 FROM delivery_items AS m WHERE m.mark = s.mark AND m.since >= s.since)
    OR EXISTS (SELECT 1 FROM deliveries AS o WHERE o.key = ?1 || s.recipient) AS done
FROM tickler_spill AS s
WHERE (s.recipient, s.seq) > (?2, ?3)
ORDER BY s.recipient, s.seq
LIMIT ?4;
