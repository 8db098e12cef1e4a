-- job_runs: one row per (job, slot); inserting it claims the slot. The row of a
-- job's latest slot is where the scheduler starts counting: slots after it are
-- due (or missed), whatever the clock did meanwhile.
-- States: running (leased), done, failed (retried within the catch-up window),
-- missed (too late, or superseded by a later slot), skipped (fell while the
-- previous run ran, overlap: skip), manual (tickler run; ignored by the scheduler).

-- name: claim-slot
-- A row already there is another replica's claim, unless it only records a
-- run started by hand (tickler run) for the same instant: the scheduled run
-- takes that row over, so a manual run never cancels a scheduled one.
INSERT INTO job_runs (job, slot, state, owner, lease_until, started_at)
VALUES (?, ?, 'running', ?, ?, ?)
ON CONFLICT (job, slot) DO UPDATE SET state = 'running', owner = excluded.owner,
    lease_until = excluded.lease_until, started_at = excluded.started_at, finished_at = NULL,
    items = 0, messages = 0, error = '', attempts = 1
WHERE job_runs.state = 'manual'
RETURNING id;

-- name: take-over-slot
-- A run whose owner stopped renewing its lease (it died, or lost the database)
-- is taken over by another process: same row, one more attempt. Its owner may
-- take it up at once when the run was lost without an outcome to record.
UPDATE job_runs SET owner = ?, lease_until = ?, started_at = ?, attempts = attempts + 1
WHERE id = ? AND state = 'running' AND (lease_until < ? OR owner = ?)
RETURNING id;

-- name: retry-slot
-- Take a failed run up again (the database was down, say): same row, one more attempt.
UPDATE job_runs SET state = 'running', owner = ?, lease_until = ?, started_at = ?, finished_at = NULL,
    attempts = attempts + 1, error = ''
WHERE id = ? AND state = 'failed'
RETURNING id;

-- name: renew-slot
UPDATE job_runs SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'running';

-- name: finish-slot
-- Only the owner records the outcome: a run taken over meanwhile is the new owner's.
UPDATE job_runs SET state = ?, finished_at = ?, items = ?, messages = ?, error = ?, lease_until = NULL
WHERE id = ? AND owner = ? AND state = 'running';

-- name: record-slot
-- A slot that does not run (missed, skipped). RETURNING tells the one replica
-- that wrote it to count and log it.
INSERT INTO job_runs (job, slot, state, owner, started_at, finished_at, error)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (job, slot) DO NOTHING
RETURNING id;

-- name: last-run
-- The job's latest scheduled slot: where counting starts.
SELECT id, slot, state, owner, attempts, started_at, finished_at, lease_until FROM job_runs
WHERE job = ? AND state <> 'manual' ORDER BY slot DESC LIMIT 1;

-- name: last-runs
-- Each job's latest scheduled slot, for status.
SELECT r.job, r.slot, r.state, r.owner, r.started_at, r.finished_at, r.items, r.messages, r.error
FROM job_runs r
JOIN (SELECT job, max(slot) AS slot FROM job_runs WHERE state <> 'manual' GROUP BY job) l
  ON l.job = r.job AND l.slot = r.slot
ORDER BY r.job;

-- name: last-successes
-- When each job last finished a run well (scheduled or by hand), for /metrics.
SELECT job, max(finished_at) AS finished_at FROM job_runs
WHERE state IN ('done', 'manual') AND error = '' AND finished_at IS NOT NULL
GROUP BY job;

-- name: record-manual-run
-- A run started by hand (tickler run): kept for status, ignored by the
-- scheduler; a scheduled run of the same instant takes the row over
-- (claim-slot), and a manual run never overwrites a scheduled run's row.
INSERT INTO job_runs (job, slot, state, owner, started_at, finished_at, items, messages, error)
VALUES (?, ?, 'manual', ?, ?, ?, ?, ?, ?)
ON CONFLICT (job, slot) DO UPDATE SET finished_at = excluded.finished_at, items = excluded.items,
    messages = excluded.messages, error = excluded.error
WHERE job_runs.state = 'manual';

-- name: last-manual-runs
-- Each job's latest run started by hand, for status.
SELECT r.job, r.slot, r.started_at, r.items, r.messages, r.error
FROM job_runs r
JOIN (SELECT job, max(started_at) AS started_at FROM job_runs WHERE state = 'manual' GROUP BY job) l
  ON l.job = r.job AND l.started_at = r.started_at AND r.state = 'manual'
ORDER BY r.job;

-- name: running-slot
-- The scheduled run of (job, slot) while it runs with a live lease: a hand
-- run of the same slot would race it. Parameters: job, slot, now.
SELECT id, job, slot, state, owner, attempts, started_at, finished_at, lease_until FROM job_runs
WHERE job = ? AND slot = ? AND state = 'running' AND lease_until > ?;
