-- The outbox: deliveries (one message to one recipient) and delivery_items (what
-- each message told, unique per job, item, step and recipient).

-- name: sent-item-keys
SELECT key FROM delivery_items WHERE key IN (?);

-- name: insert-delivery
INSERT INTO deliveries (key, job, slot, recipient, recipient_name, cc, subject, text_body, html_body,
                        attachments, message_id, state, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
ON CONFLICT (key) DO NOTHING
RETURNING id;

-- name: insert-delivery-item
INSERT INTO delivery_items (key, delivery_id, item_key, step) VALUES (?, ?, ?, ?);

-- name: mark-sent
UPDATE deliveries SET state = 'sent', sent_at = ?, reply = ?, lease_owner = '', lease_until = NULL
WHERE id = ? AND lease_owner = ?;

-- name: mark-retry
UPDATE deliveries SET state = 'retry', next_attempt_at = ?, reply = ?, lease_owner = '', lease_until = NULL
WHERE id = ? AND lease_owner = ?;

-- name: mark-failed
UPDATE deliveries SET state = 'failed', reply = ?, lease_owner = '', lease_until = NULL
WHERE id = ? AND lease_owner = ?;

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
