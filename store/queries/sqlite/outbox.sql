-- name: claim-deliveries
-- SQLite has one writer at a time, so the UPDATE itself is the claim.
UPDATE deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM deliveries
    WHERE state IN ('pending', 'retry') AND next_attempt_at <= ?
      AND (lease_until IS NULL OR lease_until < ?)
    ORDER BY next_attempt_at, id
    LIMIT ?)
RETURNING id, key, job, recipient, recipient_name, cc, subject, text_body, html_body, attachments,
          message_id, attempts, created_at;
