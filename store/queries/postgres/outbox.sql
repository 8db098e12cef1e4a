-- name: claim-deliveries
-- Take up to N due rows; SKIP LOCKED lets replicas claim side by side
-- without waiting on each other's rows. next_attempt_at moves to the end of
-- the lease: a claimed row is not due again unless its worker dies and the
-- lease ends. Parameters: owner, lease end, now, N.
UPDATE deliveries SET lease_owner = $1, lease_until = $2, next_attempt_at = $2, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM deliveries
    WHERE state IN ('pending', 'retry') AND next_attempt_at <= $3
    ORDER BY next_attempt_at, id
    LIMIT $4
    FOR UPDATE SKIP LOCKED)
RETURNING id, key, job, recipient, recipient_name, cc, subject, text_body, html_body, attachments,
          wire, COALESCE(payload_key, '') AS payload_key, message_id, attempts, created_at;

-- name: record-deliveries
-- The outcomes of a group of attempts, as a JSON array of
-- {id, state, reply, at, next}: sent (at = when the server accepted it),
-- retry (next = when to try again) or failed (at = when). A retry or a
-- failure is recorded only while this worker (the last parameter) holds the
-- lease; "sent" is recorded in any case unless the row is already sent,
-- because the message did leave.
UPDATE deliveries AS d SET
    state = o.state,
    reply = o.reply,
    sent_at = CASE WHEN o.state = 'sent' THEN o.at ELSE d.sent_at END,
    failed_at = CASE WHEN o.state = 'failed' THEN o.at ELSE d.failed_at END,
    next_attempt_at = CASE WHEN o.state = 'retry' THEN o.next ELSE d.next_attempt_at END,
    lease_owner = '',
    lease_until = NULL
FROM jsonb_to_recordset(?::jsonb) AS o (id BIGINT, state TEXT, reply TEXT, at TIMESTAMPTZ, next TIMESTAMPTZ)
WHERE d.id = o.id
  AND CASE WHEN o.state = 'sent' THEN d.state <> 'sent' ELSE d.lease_owner = ? END;

-- name: split-deliveries
-- Recipients the relay refused while it accepted a message for the others,
-- as a JSON array of {id, email, name, state, reply, at, next}: each becomes
-- a delivery of its own, keyed "<key>|rcpt:<address>", to that address alone
-- (no cc: the envelope names only it) with the message's bytes, headers and
-- Message-ID, failed (at = when) or to retry (next = when). A row already
-- there (the same outcome written again) is left as it is.
INSERT INTO deliveries (key, job, slot, recipient, recipient_name, cc, subject, text_body, html_body,
                        attachments, wire, payload_key, message_id, state, attempts, next_attempt_at, reply,
                        created_at, failed_at)
SELECT d.key || '|rcpt:' || o.email, d.job, d.slot, o.email, o.name, '', d.subject, d.text_body, d.html_body,
       d.attachments, d.wire, d.payload_key, d.message_id, o.state, d.attempts, COALESCE(o.next, o.at), o.reply,
       d.created_at, CASE WHEN o.state = 'failed' THEN o.at END
FROM jsonb_to_recordset(?::jsonb) AS o (id BIGINT, email TEXT, name TEXT, state TEXT, reply TEXT, at TIMESTAMPTZ, next TIMESTAMPTZ)
JOIN deliveries AS d ON d.id = o.id
ON CONFLICT (key) DO NOTHING;

-- name: release-deliveries
-- Claimed rows that were not tried (shutdown, a lease too short to finish in):
-- free them at once, without counting the attempt. Parameters: now, the
-- worker holding them, a JSON array of ids.
UPDATE deliveries SET lease_owner = '', lease_until = NULL, attempts = attempts - 1, next_attempt_at = ?
WHERE lease_owner = ? AND id IN (SELECT value::BIGINT FROM jsonb_array_elements_text(?::jsonb));

-- name: uncount-claims
-- Rows a deliverer claimed again while it still works on them (their lease
-- ran out mid-send): they stay with the worker that has them, and the claim
-- is not an attempt. Parameters: the worker, a JSON array of ids.
UPDATE deliveries SET attempts = attempts - 1
WHERE lease_owner = ? AND id IN (SELECT value::BIGINT FROM jsonb_array_elements_text(?::jsonb));

-- name: analyze-outbox
-- Run by a planning run that wrote many rows, in its transaction: the
-- statistics then count its rows (ANALYZE samples the rows its own
-- transaction wrote) and take effect with them at commit. Without them
-- the planner keeps what autovacuum last saw, which can be an outbox far
-- smaller than the run (empty, on a new installation or after a TRUNCATE),
-- and plans each claim as "read every due row and sort them" instead of
-- "read the due index in order until N": a claim of 500 then sorts all of
-- the 160,000 rows pending, and delivery takes three times as long until
-- autovacuum comes by (bench/README.md; TestClaimPlannedInIndexOrder).
ANALYZE deliveries;
