-- name: claim-deliveries
-- Take up to N due rows whose lease is free; SKIP LOCKED lets replicas claim
-- side by side without waiting on each other's rows.
UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM deliveries
    WHERE state IN ('pending', 'retry') AND next_attempt_at <= ?
      AND (lease_until IS NULL OR lease_until < ?)
    ORDER BY next_attempt_at, id
    LIMIT ?
    FOR UPDATE SKIP LOCKED)
RETURNING id, key, job, recipient, recipient_name, cc, subject, text_body, html_body, attachments,
          message_id, attempts, created_at;
