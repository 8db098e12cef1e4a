-- A run's notices, spilled to a temporary table as the job emits them and
-- read back in recipient order (store.Spill). The table lives in the
-- run's transaction, on its connection; nobody else sees it.
-- These queries are not prepared at start like store/queries: the table
-- exists only during a run. Reads begin with store.OwnWork, which keeps them
-- out of TICKLER_SQL_LOG: they are tickler's own work, not a read of the
-- records.

-- name: insert-spill
INSERT INTO tickler_spill (recipient, seq, item_key, mark, since, notice) VALUES /*rows*/ (?, ?, ?, ?, ?, ?);

-- name: index-spill
CREATE INDEX tickler_spill_order ON tickler_spill (recipient, seq);
