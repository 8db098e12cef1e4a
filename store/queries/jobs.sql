-- job_runs: one row per (job, slot); inserting it claims the slot.

-- name: claim-slot
INSERT INTO job_runs (job, slot, state, owner, lease_until, started_at)
VALUES (?, ?, 'running', ?, ?, ?)
ON CONFLICT (job, slot) DO NOTHING
RETURNING id;

-- name: take-over-slot
-- A run whose owner stopped renewing its lease is taken over by another process.
UPDATE job_runs SET owner = ?, lease_until = ?, started_at = ?
WHERE job = ? AND slot = ? AND state = 'running' AND lease_until < ?
RETURNING id;

-- name: renew-slot
UPDATE job_runs SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'running';

-- name: finish-slot
UPDATE job_runs SET state = ?, finished_at = ?, items = ?, messages = ?, error = ?, lease_until = NULL
WHERE id = ? AND owner = ?;

-- name: record-missed-slot
INSERT INTO job_runs (job, slot, state, owner, started_at, finished_at, error)
VALUES (?, ?, 'missed', ?, ?, ?, ?)
ON CONFLICT (job, slot) DO NOTHING;

-- name: last-slot
SELECT slot FROM job_runs WHERE job = ? AND state <> 'manual' ORDER BY slot DESC LIMIT 1;

-- name: job-running
-- Another run of the job holds a live lease (on this or another replica).
SELECT count(*) FROM job_runs WHERE job = ? AND state = 'running' AND lease_until >= ?;

-- name: last-runs
SELECT r.job, r.slot, r.state, r.owner, r.started_at, r.finished_at, r.items, r.messages, r.error
FROM job_runs r
JOIN (SELECT job, max(slot) AS slot FROM job_runs GROUP BY job) l ON l.job = r.job AND l.slot = r.slot
ORDER BY r.job;

-- name: stale-runs
SELECT job, slot FROM job_runs WHERE state = 'running' AND lease_until < ? ORDER BY slot;

-- name: record-manual-run
-- A run started by hand (tickler run): kept for status, ignored by the scheduler.
INSERT INTO job_runs (job, slot, state, owner, started_at, finished_at, items, messages, error)
VALUES (?, ?, 'manual', ?, ?, ?, ?, ?, ?)
ON CONFLICT (job, slot) DO UPDATE SET finished_at = excluded.finished_at, items = excluded.items,
    messages = excluded.messages, error = excluded.error;

-- name: last-run
SELECT id, job, slot, state, owner, attempts, finished_at FROM job_runs
WHERE job = ? AND state <> 'manual' ORDER BY slot DESC LIMIT 1;

-- name: retry-slot
-- Take a failed run up again (the database was down, say): same row, one more attempt.
UPDATE job_runs SET state = 'running', owner = ?, lease_until = ?, started_at = ?, attempts = attempts + 1,
    error = ''
WHERE id = ? AND state = 'failed'
RETURNING id;
