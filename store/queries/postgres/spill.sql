-- name: begin-run
-- The reads below probe indexes for each notice; their cost estimates can be
-- high enough to have each read compiled by JIT first, which takes longer
-- than the read itself.
SET LOCAL jit = off;

-- name: create-spill
-- Binary ("C") order for the addresses: grouping needs equal addresses
-- together, not a language's collation, which costs more to sort by.
CREATE TEMPORARY TABLE tickler_spill (
    recipient TEXT COLLATE "C" NOT NULL,
    seq       BIGINT NOT NULL,
    item_key  TEXT NOT NULL,
    mark      TEXT,
    since     DATE,
    notice    TEXT NOT NULL
) ON COMMIT DROP;

-- name: analyze-spill
-- A temporary table has no statistics until asked.
ANALYZE tickler_spill;

-- name: drop-spill
DROP TABLE IF EXISTS pg_temp.tickler_spill;

-- name: read-spill
-- The next notices after (recipient, seq), in recipient order, and whether
-- each is done: its item was already sent to this recipient at this step
-- (delivery_items) or at a step that began no earlier (its mark), or the
-- recipient's message of this slot is already in the outbox (its key is the
-- delivery key's prefix followed by the address). The checks are in the
-- select list, so that they are index probes on the rows read and never
-- filter the range scan (as a filter, the planner may misjudge how many rows
-- pass and sort the whole table at every read). Keys and addresses are
-- compared in the database's collation, that of the indexes.
-- OFFSET 0 keeps each check a probe: without it PostgreSQL may plan an
-- EXISTS as a hashed subplan, reading the whole of delivery_items or
-- deliveries into a hash at every read, when its statistics say the table
-- is small. They say so after a TRUNCATE, on a new installation, or as this
-- very transaction fills the tables, which they do not count: every read
-- then reads more than the last, and a run's reads grow with the square of
-- its size (course reminders at a million staff: 7.6 to 29 s of reads
-- instead of 4 to 5).
-- Parameters: the delivery key's prefix, the last recipient and seq read,
-- how many.
/* own work */ SELECT s.recipient, s.seq, s.notice,
       EXISTS (SELECT 1 FROM delivery_items AS d WHERE d.key = s.item_key OFFSET 0)
    OR EXISTS (SELECT 1 FROM delivery_items AS m
               WHERE m.mark = s.mark COLLATE "default" AND m.mark IS NOT NULL AND m.since >= s.since OFFSET 0)
    OR EXISTS (SELECT 1 FROM deliveries AS o WHERE o.key = (? || s.recipient) COLLATE "default" OFFSET 0) AS done
FROM tickler_spill AS s
WHERE (s.recipient, s.seq) > (?, ?)
ORDER BY s.recipient, s.seq
LIMIT ?;

-- name: reserve-delivery-ids
-- Ids for the next rows of deliveries, taken from its sequence (BIGSERIAL's
-- own), so that a COPY can write the messages and their items with the
-- links between them.
/* own work */ SELECT nextval('deliveries_id_seq'::regclass) FROM generate_series(1, ?);
