-- The outbox: deliveries (one message to one recipient) and delivery_items (what
-- each message told, unique per job, item, step and recipient). Claims and
-- outcomes (claim-deliveries, record-deliveries, split-deliveries,
-- release-deliveries) differ per dialect: queries/sqlite and queries/postgres;
-- renew-delivery-lease is the same in both.

-- name: sent-item-keys
-- Of these item keys, those already sent (PlanStream's check; Run's is in
-- its read of the spilled notices).
SELECT key FROM delivery_items WHERE key IN (?);

-- name: planned-delivery-keys
-- Of these message keys, those already in the outbox.
SELECT key FROM deliveries WHERE key IN (?);

-- name: insert-deliveries
-- SQLite's outbox writes (PostgreSQL's go by COPY, notify/write.go), many
-- rows at once: store.Bulk repeats the VALUES tuple marked rows. The message
-- is kept as it goes on the wire, or as what rendering it at send takes
-- (payload_key: its row in delivery_payloads); text_body and html_body only
-- hold the parts of messages planned before the outbox kept the wire form.
INSERT INTO deliveries (key, job, slot, recipient, recipient_name, cc, subject, text_body,
                        message_id, state, next_attempt_at, created_at, wire, payload_key)
VALUES /*rows*/ (?, ?, ?, ?, ?, ?, ?, '', ?, 'pending', ?, ?, ?, ?)
RETURNING id, key;

-- name: insert-delivery-items
INSERT INTO delivery_items (key, delivery_id, item_key, step, mark, since) VALUES /*rows*/ (?, ?, ?, ?, ?, ?);

-- name: renew-delivery-lease
-- A message whose send lasts past its row's lease (a relay slow to answer
-- the end of DATA) keeps the row: its lease and next attempt move on, so
-- that no other worker claims it. Parameters: the new lease end (twice),
-- the row, the worker holding it.
UPDATE deliveries SET lease_until = ?, next_attempt_at = ?
WHERE id = ? AND lease_owner = ? AND state IN ('pending', 'retry');

-- name: outbox-counts
SELECT state, count(*) AS n FROM deliveries GROUP BY state;

-- name: problem-deliveries
-- Failed deliveries, and those retrying for longer than a threshold: what a
-- person must look at.
SELECT id, job, recipient, subject, state, attempts, reply, created_at, next_attempt_at
FROM deliveries
WHERE state = 'failed' OR (state = 'retry' AND created_at < ?)
ORDER BY created_at DESC
LIMIT ?;

-- name: sent-since
-- Messages sent since a time: the hourly cap (mail.delivery.max_per_hour).
SELECT count(*) FROM deliveries WHERE state = 'sent' AND sent_at > ?;

-- name: failed-deliveries
-- Deliveries failed in [from, to), oldest first: the daily notice to HR and
-- the monthly digest.
SELECT id, job, recipient, recipient_name, subject, attempts, reply, created_at, failed_at
FROM deliveries
WHERE state = 'failed' AND failed_at >= ? AND failed_at < ?
ORDER BY failed_at, id;

-- name: item-marks
-- Of these item marks (job|item|recipient), the day the latest step sent
-- under each began (an ordered item's steps: delivery_items.since).
SELECT mark, max(since) AS since FROM delivery_items WHERE mark IN (?) GROUP BY mark;

-- name: delivery-get
-- One delivery, by id or by key, as a deliverer claims it (tickler status
-- -message): what was sent, or is to be.
SELECT id, key, job, recipient, recipient_name, cc, subject, text_body, html_body, attachments,
       wire, COALESCE(payload_key, '') AS payload_key, message_id, attempts, created_at
FROM deliveries WHERE id = ? OR key = ?;

-- name: insert-delivery-payloads
-- SQLite's payload writes (PostgreSQL's go by COPY).
INSERT INTO delivery_payloads (key, render_set, payload) VALUES /*rows*/ (?, ?, ?);

-- name: delivery-payloads
-- The payloads of claimed rows rendered at send, by key.
SELECT key, render_set, payload FROM delivery_payloads WHERE key IN (?);

-- name: take-back-items
-- The items of messages that could not be rendered when they were to be
-- sent: not told, so due again at the next run.
DELETE FROM delivery_items WHERE delivery_id IN (?);
