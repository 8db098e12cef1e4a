-- The digest's figures that are not counted per unit (digest/figures.go,
-- digest/all.go): the scope's name, the plan in force, the agency's progress
-- against the plan's targets, the agency's failed deliveries, the unit heads
-- who get their unit's digest, and the figures kept for the trend. Every
-- count per unit is in digest-units.sql. Dates are passed as parameters; no
-- query reads the clock.

-- name: digest-unit
SELECT code, name FROM units WHERE code = ?;

-- name: digest-root
-- The agency's name: its root unit (the first, if the tree has several roots).
SELECT code, name FROM units WHERE parent_code IS NULL ORDER BY code LIMIT 1;

-- name: digest-plan
-- The plan in force on a day: the targets' plan whose span holds it, the
-- latest starting if several do. Parameters: day ×2.
SELECT plan, min(starts_on) AS starts_on, max(ends_on) AS ends_on
FROM targets
GROUP BY plan
HAVING min(starts_on) <= ? AND max(ends_on) >= ?
ORDER BY min(starts_on) DESC, plan
LIMIT 1;

-- name: digest-targets
-- Every target of the plans in force during the month, with the completions
-- of its kind by the whole agency from its start to the month's end.
-- Parameters: month end; month end, month start.
SELECT g.id, g.plan, g.category, g.level, g.starts_on, g.ends_on, g.target, count(t.id) AS done
FROM targets g
LEFT JOIN courses c ON c.category = g.category AND (g.level = '' OR c.level = g.level)
LEFT JOIN training t ON t.course_code = c.code AND t.status = 'completed'
     AND t.completed_on >= g.starts_on AND t.completed_on <= g.ends_on AND t.completed_on <= ?
WHERE g.starts_on <= ? AND g.ends_on >= ?
GROUP BY g.id, g.plan, g.category, g.level, g.starts_on, g.ends_on, g.target
ORDER BY g.plan, g.id;

-- name: digest-failed-by-job
-- Deliveries created in the month that failed for good, by job: the agency's
-- (a unit's are those to its people's addresses, digest-units-failed).
-- Parameters: from, to (instants).
SELECT d.job, count(*) AS n
FROM deliveries d
WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
GROUP BY d.job
ORDER BY count(*) DESC, d.job;

-- name: digest-failed-list
-- The newest of them. Parameters: as digest-failed-by-job; then the limit.
SELECT d.job, d.recipient, d.subject, d.reply, d.created_at
FROM deliveries d
WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
ORDER BY d.created_at DESC, d.id DESC
LIMIT ?;

-- name: digest-unit-heads
-- Units whose head is on staff at the day with an address: each gets the
-- digest of their unit. Parameter: day.
SELECT u.code, u.name, h.code AS head_code, h.full_name AS head_name, h.email AS head_email
FROM units u
JOIN staff h ON h.code = u.head_code
WHERE h.email IS NOT NULL AND h.email <> '' AND (h.left_on IS NULL OR h.left_on > ?)
ORDER BY u.code;

-- name: digest-figures-save
-- Keep months' figures for scopes, many rows at once (store.Bulk repeats the
-- rows tuple); a run again for the month replaces them.
INSERT INTO digest_figures (month, scope, figures, slot) VALUES /*rows*/ (?, ?, ?, ?)
ON CONFLICT (month, scope) DO UPDATE SET figures = excluded.figures, slot = excluded.slot;
