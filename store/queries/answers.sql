-- Answers: what a person said about one of their obligations through the
-- link in their reminder (answers), every change to them (answer_log), and
-- the secret that signs the links (secrets). subject and ref_id name the
-- obligation: "training" and the training row, or "certificate" and the
-- completed training row whose certificate expires. An answer stands while it
-- is pending or confirmed: the reminders of its obligation stop (due-trainings
-- and expiring-certificates leave it out); a rejected one does not stand.

-- name: answer-save
-- A new answer, or a new revision of the one already given (pending again,
-- even after a rejection), unless the records already confirmed it: then no
-- row comes back. Parameters: subject, ref_id, staff_code, item_kind,
-- choice, done_on, certificate_no, starts_on, reason, answered_at.
INSERT INTO answers (subject, ref_id, staff_code, item_kind, choice, done_on, certificate_no, starts_on,
                     reason, state, revision, answered_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, ?)
ON CONFLICT (subject, ref_id) DO UPDATE SET
    item_kind = excluded.item_kind, choice = excluded.choice, done_on = excluded.done_on,
    certificate_no = excluded.certificate_no, starts_on = excluded.starts_on, reason = excluded.reason,
    state = 'pending', revision = answers.revision + 1, answered_at = excluded.answered_at,
    settled_at = NULL, settle_note = ''
WHERE answers.state <> 'confirmed'
RETURNING id, subject, ref_id, staff_code, item_kind, choice, done_on, certificate_no, starts_on, reason,
          state, revision, answered_at, settled_at, settle_note;

-- name: answer-reject
-- HR rejects a pending answer: the obligation's reminders resume.
-- Parameters: when, the reason, the answer.
UPDATE answers SET state = 'rejected', settled_at = ?, settle_note = ?
WHERE id = ? AND state = 'pending'
RETURNING id, subject, ref_id, staff_code, item_kind, choice, done_on, certificate_no, starts_on, reason,
          state, revision, answered_at, settled_at, settle_note;

-- name: answers-confirm
-- Pending answers whose obligation the records no longer hold open become
-- confirmed: the training completed (or dropped), the certificate renewed by
-- a later completion of the same course (as expiring-certificates reads it).
-- Parameter: when.
UPDATE answers SET state = 'confirmed', settled_at = ?
WHERE state = 'pending' AND (
    (subject = 'training' AND EXISTS (
        SELECT 1 FROM training t WHERE t.id = answers.ref_id AND t.status IN ('completed', 'dropped')))
    OR (subject = 'certificate' AND EXISTS (
        SELECT 1 FROM training o
        JOIN training n ON n.staff_code = o.staff_code AND n.course_code = o.course_code
                       AND n.start_on > o.start_on AND n.status = 'completed'
        WHERE o.id = answers.ref_id)))
RETURNING id;

-- name: answer-log
-- One change to an answer. Parameters: answer, event (answered, updated,
-- rejected, confirmed), actor, choice, detail (JSON), remote address, user
-- agent, when.
INSERT INTO answer_log (answer_id, event, actor, choice, detail, remote_addr, user_agent, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: answer-log-confirmed
-- The log lines of answers just confirmed, from their rows. Parameters:
-- actor, when, the answers' ids.
INSERT INTO answer_log (answer_id, event, actor, choice, at)
SELECT id, 'confirmed', ?, choice, ? FROM answers WHERE id IN (?);

-- name: answer-of
-- The answer given about an obligation, if any.
SELECT id, subject, ref_id, staff_code, item_kind, choice, done_on, certificate_no, starts_on, reason,
       state, revision, answered_at, settled_at, settle_note
FROM answers WHERE subject = ? AND ref_id = ?;

-- name: answer-get
SELECT id, subject, ref_id, staff_code, item_kind, choice, done_on, certificate_no, starts_on, reason,
       state, revision, answered_at, settled_at, settle_note
FROM answers WHERE id = ?;

-- name: answer-history
-- An answer's log, oldest first.
SELECT id, answer_id, event, actor, choice, detail, remote_addr, user_agent, at
FROM answer_log WHERE answer_id = ? ORDER BY at, id;

-- name: answer-obligation
-- What the page of a link shows: the training row an obligation names, the
-- person's name and the course's, and whether the records still hold it
-- open (a training planned or enrolled; a certificate not yet renewed by a
-- later completion). The certificate's expiry is completed_on plus
-- valid_months, counted in Go.
SELECT t.id, t.staff_code, s.full_name AS staff_name, t.course_code, c.name AS course_name, t.status,
       t.start_on, t.due_on, t.completed_on, COALESCE(c.valid_months, 0) AS valid_months,
       CASE WHEN EXISTS (
           SELECT 1 FROM training n
           WHERE n.staff_code = t.staff_code AND n.course_code = t.course_code
             AND n.start_on > t.start_on AND n.status = 'completed') THEN 1 ELSE 0 END AS renewed
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
WHERE t.id = ?;

-- name: answers-list
-- Answers in one state ('all': every state), oldest first, with what HR
-- copies into its records: the person, the course, the dates. Parameters:
-- the state, twice.
SELECT a.id, a.subject, a.ref_id, a.staff_code, a.item_kind, a.choice, a.done_on, a.certificate_no,
       a.starts_on, a.reason, a.state, a.revision, a.answered_at, a.settled_at, a.settle_note,
       COALESCE(s.full_name, '') AS staff_name, COALESCE(s.unit_code, '') AS unit_code,
       COALESCE(t.course_code, '') AS course_code, COALESCE(c.name, '') AS course_name,
       t.due_on, t.completed_on, COALESCE(c.valid_months, 0) AS valid_months
FROM answers a
LEFT JOIN staff s ON s.code = a.staff_code
LEFT JOIN training t ON t.id = a.ref_id
LEFT JOIN courses c ON c.code = t.course_code
WHERE ? = 'all' OR a.state = ?
ORDER BY a.answered_at, a.id;

-- name: answers-counts
SELECT state, count(*) AS n FROM answers GROUP BY state;

-- name: self-reported-answers
-- Pending answers whose obligation the records still hold open: HR's daily
-- notice lists each revision once ("self-reported, awaiting the records").
SELECT a.id, a.subject, a.ref_id, a.staff_code, a.item_kind, a.choice, a.done_on, a.certificate_no,
       a.starts_on, a.reason, a.state, a.revision, a.answered_at, a.settled_at, a.settle_note,
       s.full_name AS staff_name, s.unit_code, t.course_code, c.name AS course_name,
       t.due_on, t.completed_on, COALESCE(c.valid_months, 0) AS valid_months
FROM answers a
JOIN training t ON t.id = a.ref_id
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = a.staff_code
WHERE a.state = 'pending'
  AND ((a.subject = 'training' AND t.status IN ('planned', 'enrolled'))
       OR (a.subject = 'certificate' AND NOT EXISTS (
           SELECT 1 FROM training n
           WHERE n.staff_code = t.staff_code AND n.course_code = t.course_code
             AND n.start_on > t.start_on AND n.status = 'completed')))
ORDER BY a.answered_at, a.id;

-- name: answers-month
-- The answers given in a month [from, to), by their state now: the monthly
-- digest's count.
SELECT state, count(*) AS n FROM answers WHERE answered_at >= ? AND answered_at < ? GROUP BY state;

-- name: answers-month-pending
-- The first of the month's answers still pending, oldest first: the digest's
-- short list. Parameters: from, to, how many.
SELECT a.id, a.staff_code, COALESCE(s.full_name, '') AS staff_name, COALESCE(c.name, '') AS course_name,
       a.choice, a.answered_at
FROM answers a
LEFT JOIN staff s ON s.code = a.staff_code
LEFT JOIN training t ON t.id = a.ref_id
LEFT JOIN courses c ON c.code = t.course_code
WHERE a.state = 'pending' AND a.answered_at >= ? AND a.answered_at < ?
ORDER BY a.answered_at, a.id
LIMIT ?;

-- name: secret-put
-- Keep a secret made by this process unless one is there: the first wins.
INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING;

-- name: secret-get
SELECT value FROM secrets WHERE name = ?;

-- name: answers-pending-first
-- The oldest answers awaiting the records: the status page's list.
SELECT a.id, a.staff_code, COALESCE(s.full_name, '') AS staff_name, COALESCE(c.name, '') AS course_name,
       a.choice, a.answered_at
FROM answers a
LEFT JOIN staff s ON s.code = a.staff_code
LEFT JOIN training t ON t.id = a.ref_id
LEFT JOIN courses c ON c.code = t.course_code
WHERE a.state = 'pending'
ORDER BY a.answered_at, a.id
LIMIT ?;
