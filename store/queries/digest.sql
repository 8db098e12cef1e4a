-- The digest's figures (digest/figures.go). Every query starts with the scope:
-- the units counted, found by walking the unit tree down from its root. The
-- first two parameters are the root unit's code twice; "" means the whole
-- agency (every unit without a parent, and all below). "On staff at the
-- month's end" is: hired on or before it (or no hire date), and not left by it.
-- Dates are passed as parameters; no query reads the clock.

-- name: digest-unit
SELECT code, name FROM units WHERE code = ?;

-- name: digest-root
-- The agency's name: its root unit (the first, if the tree has several roots).
SELECT code, name FROM units WHERE parent_code IS NULL ORDER BY code LIMIT 1;

-- name: digest-scope-units
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT count(*) FROM scope;

-- name: digest-workforce
-- People on staff at the month's end by rank, education and political theory;
-- the three distributions are the margins of this one table.
-- Parameters: scope root ×2, as of ×2.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT COALESCE(s.rank, '') AS rank, COALESCE(s.education, '') AS education,
       COALESCE(s.political_theory, '') AS political_theory, count(*) AS n
FROM staff s
WHERE s.unit_code IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?)
GROUP BY COALESCE(s.rank, ''), COALESCE(s.education, ''), COALESCE(s.political_theory, '');

-- name: digest-plan
-- The plan in force on a day: the targets' plan whose span holds it, the
-- latest starting if several do. Parameters: day ×2.
SELECT plan, min(starts_on) AS starts_on, max(ends_on) AS ends_on
FROM targets
GROUP BY plan
HAVING min(starts_on) <= ? AND max(ends_on) >= ?
ORDER BY min(starts_on) DESC, plan
LIMIT 1;

-- name: digest-training
-- Participations by kind of training: started, completed and dropped in the
-- month and since the plan's start. A dropped training is dated by its
-- completed_on if given, else its due date, else its start.
-- Parameters: scope root ×2; month start, end ×3; plan start, month end ×3;
-- earliest start of the two periods, month end.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT c.category, COALESCE(c.level, '') AS level,
       SUM(CASE WHEN t.status <> 'planned' AND t.start_on BETWEEN ? AND ? THEN 1 ELSE 0 END) AS started_month,
       SUM(CASE WHEN t.status = 'completed' AND t.completed_on BETWEEN ? AND ? THEN 1 ELSE 0 END) AS completed_month,
       SUM(CASE WHEN t.status = 'dropped' AND COALESCE(t.completed_on, t.due_on, t.start_on) BETWEEN ? AND ?
                THEN 1 ELSE 0 END) AS dropped_month,
       SUM(CASE WHEN t.status <> 'planned' AND t.start_on BETWEEN ? AND ? THEN 1 ELSE 0 END) AS started_plan,
       SUM(CASE WHEN t.status = 'completed' AND t.completed_on BETWEEN ? AND ? THEN 1 ELSE 0 END) AS completed_plan,
       SUM(CASE WHEN t.status = 'dropped' AND COALESCE(t.completed_on, t.due_on, t.start_on) BETWEEN ? AND ?
                THEN 1 ELSE 0 END) AS dropped_plan
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
WHERE s.unit_code IN (SELECT code FROM scope)
  AND (t.start_on >= ? OR t.completed_on >= ? OR t.due_on >= ?)
  AND t.start_on <= ?
GROUP BY c.category, COALESCE(c.level, '');

-- name: digest-in-training
-- Who was in training at the month's end, by category; the row with an empty
-- category is the total (a person in two categories counts once there).
-- Parameters: scope root ×2, as of ×4.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
),
open AS (
    SELECT t.staff_code, c.category
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE s.unit_code IN (SELECT code FROM scope)
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND t.start_on <= ?
      AND (t.status = 'enrolled' OR (t.status = 'completed' AND t.completed_on > ?))
)
SELECT category, count(*) AS participations, count(DISTINCT staff_code) AS people
FROM open GROUP BY category
UNION ALL
SELECT '' AS category, count(*) AS participations, count(DISTINCT staff_code) AS people
FROM open;

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

-- name: digest-targets-scope
-- The part of those completions by a unit's people (read from their
-- trainings, not the whole agency's). Parameters: scope root ×2; month end;
-- month end, month start.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
),
mine AS (
    SELECT t.course_code, t.completed_on
    FROM training t
    JOIN staff s ON s.code = t.staff_code
    WHERE s.unit_code IN (SELECT code FROM scope) AND t.status = 'completed' AND t.completed_on <= ?
)
SELECT g.id, count(m.course_code) AS scope_done
FROM targets g
JOIN courses c ON c.category = g.category AND (g.level = '' OR c.level = g.level)
JOIN mine m ON m.course_code = c.code AND m.completed_on >= g.starts_on AND m.completed_on <= g.ends_on
WHERE g.starts_on <= ? AND g.ends_on >= ?
GROUP BY g.id;

-- name: digest-refresher
-- Refresher hours this year per person on staff: the people with the fewest
-- (ties by code), each row carrying the totals over everyone (window
-- aggregates, computed before the limit): one pass for both. A training's own
-- hours count, else its course's.
-- Parameters: scope root ×2; year start, month end, categories (IN list);
-- as of ×2; minimum hours; limit.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
),
done AS (
    SELECT t.staff_code, SUM(COALESCE(t.hours, c.hours, 0)) AS hours
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE s.unit_code IN (SELECT code FROM scope)
      AND t.status = 'completed' AND t.completed_on BETWEEN ? AND ? AND c.category IN (?)
    GROUP BY t.staff_code
),
people AS (
    SELECT s.code, s.full_name, s.unit_code, COALESCE(d.hours, 0) AS hours
    FROM staff s
    LEFT JOIN done d ON d.staff_code = s.code
    WHERE s.unit_code IN (SELECT code FROM scope)
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
)
SELECT p.code AS staff_code, p.full_name, u.name AS unit, p.hours,
       count(*) OVER () AS people,
       SUM(CASE WHEN p.hours >= ? THEN 1 ELSE 0 END) OVER () AS meeting,
       SUM(p.hours) OVER () AS total_hours
FROM people p
JOIN units u ON u.code = p.unit_code
ORDER BY p.hours, p.code
LIMIT ?;

-- name: digest-due
-- Trainings open at the month's end (planned or enrolled, or completed only
-- after it) of people on staff: due from the month's end to 30 days after it,
-- or overdue (due before it), by category; the empty category is the total.
-- Parameters: scope root ×2; as of ×3; horizon; as of ×4.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
),
open AS (
    SELECT t.staff_code, t.due_on, c.category
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE s.unit_code IN (SELECT code FROM scope)
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND (t.status IN ('planned', 'enrolled') OR (t.status = 'completed' AND t.completed_on > ?))
      AND t.due_on <= ?
)
SELECT category,
       SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END) AS due,
       count(DISTINCT CASE WHEN due_on >= ? THEN staff_code END) AS due_people,
       SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) AS overdue,
       count(DISTINCT CASE WHEN due_on < ? THEN staff_code END) AS overdue_people
FROM open GROUP BY category
UNION ALL
SELECT '' AS category,
       SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END),
       count(DISTINCT CASE WHEN due_on >= ? THEN staff_code END),
       SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END),
       count(DISTINCT CASE WHEN due_on < ? THEN staff_code END)
FROM open;

-- name: digest-most-overdue
-- The trainings longest overdue at the month's end (the start date breaks
-- the last ties, so the list is the same every time).
-- Parameters: scope root ×2; as of ×4; limit.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT t.staff_code, s.full_name, t.course_code, c.name AS course_name, t.due_on
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
WHERE s.unit_code IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND (t.status IN ('planned', 'enrolled') OR (t.status = 'completed' AND t.completed_on > ?))
  AND t.due_on < ?
ORDER BY t.due_on, t.staff_code, t.course_code, t.start_on
LIMIT ?;

-- name: digest-terms
-- Appointment terms open at the month's end (no end recorded by then) of
-- people on staff, ending on or before the window's end, soonest first: those
-- ending before the month's end are lapsed (no new decision recorded). The
-- unit is the appointment's, else the person's. The start date breaks the
-- last ties, so the list is the same every time.
-- Parameters: scope root ×2; as of ×3; window end.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT a.staff_code, s.full_name, a.position, u.name AS unit, a.end_on,
       s.birth_date, COALESCE(s.gender, '') AS gender
FROM appointments a
JOIN staff s ON s.code = a.staff_code
JOIN units u ON u.code = COALESCE(a.unit_code, s.unit_code)
WHERE COALESCE(a.unit_code, s.unit_code) IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND (a.ended_on IS NULL OR a.ended_on > ?)
  AND a.end_on <= ?
ORDER BY a.end_on, a.staff_code, a.position, a.start_on;

-- name: digest-planning
-- Active planning entries of people on staff: reviewed this year, women,
-- young (born after the cut-off).
-- Parameters: scope root ×2; year start, as of; young cut-off; as of ×2.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT count(*) AS entries,
       count(DISTINCT p.staff_code) AS people,
       COALESCE(SUM(CASE WHEN p.reviewed_on BETWEEN ? AND ? THEN 1 ELSE 0 END), 0) AS reviewed,
       count(DISTINCT CASE WHEN s.gender = 'female' THEN p.staff_code END) AS women,
       count(DISTINCT CASE WHEN s.birth_date > ? THEN p.staff_code END) AS young
FROM planning p
JOIN staff s ON s.code = p.staff_code
WHERE p.status = 'active'
  AND s.unit_code IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?);

-- name: digest-evaluations
-- Ratings of the evaluation year of people on staff; "" is not rated yet.
-- Parameters: year; scope root ×2; as of ×2.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT COALESCE(e.rating, '') AS rating, count(*) AS n
FROM staff s
LEFT JOIN evaluations e ON e.staff_code = s.code AND e.year = ?
WHERE s.unit_code IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?)
GROUP BY COALESCE(e.rating, '');

-- name: digest-failed-by-job
-- Deliveries created in the month that failed for good, by job; for a unit,
-- those to its people's addresses.
-- Parameters: scope root ×2; from, to (instants); scope root.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT d.job, count(*) AS n
FROM deliveries d
WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
  AND (? = '' OR d.recipient IN (SELECT lower(s.email) FROM staff s WHERE s.unit_code IN (SELECT code FROM scope)))
GROUP BY d.job
ORDER BY count(*) DESC, d.job;

-- name: digest-failed-list
-- The newest of them. Parameters: as digest-failed-by-job; then the limit.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT d.job, d.recipient, d.subject, d.reply, d.created_at
FROM deliveries d
WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
  AND (? = '' OR d.recipient IN (SELECT lower(s.email) FROM staff s WHERE s.unit_code IN (SELECT code FROM scope)))
ORDER BY d.created_at DESC, d.id DESC
LIMIT ?;

-- name: digest-data-quality
-- Gaps in the records of people on staff, of their open trainings and of the
-- scope's units.
-- Parameters: scope root ×2; as of ×2; as of ×2; as of.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
),
people AS (
    SELECT s.* FROM staff s
    WHERE s.unit_code IN (SELECT code FROM scope)
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
)
SELECT
    (SELECT count(*) FROM people WHERE birth_date IS NULL) AS no_birth_date,
    (SELECT count(*) FROM people WHERE gender IS NULL OR gender = '') AS no_gender,
    (SELECT count(*) FROM people WHERE email IS NULL OR email = '') AS no_email,
    (SELECT count(*) FROM people WHERE rank IS NULL OR rank = '') AS no_rank,
    (SELECT count(*) FROM people WHERE education IS NULL OR education = '') AS no_education,
    (SELECT count(*) FROM people WHERE political_theory IS NULL OR political_theory = '') AS no_political_theory,
    (SELECT count(*) FROM people WHERE hired_on IS NULL) AS no_hired_on,
    (SELECT count(*) FROM training t JOIN people p ON p.code = t.staff_code
      WHERE t.status IN ('planned', 'enrolled') AND t.due_on IS NULL) AS training_no_due,
    (SELECT count(*) FROM units u WHERE u.code IN (SELECT code FROM scope) AND u.head_code IS NULL) AS unit_no_head,
    (SELECT count(*) FROM units u JOIN staff h ON h.code = u.head_code
      WHERE u.code IN (SELECT code FROM scope) AND (h.email IS NULL OR h.email = '' OR h.left_on <= ?)) AS unit_head_unreachable;

-- name: digest-data-quality-people
-- The first people (by code) with gaps in their record.
-- Parameters: scope root ×2; as of ×2; limit.
WITH RECURSIVE scope (code) AS (
    SELECT code FROM units WHERE (? = '' AND parent_code IS NULL) OR code = ?
    UNION ALL
    SELECT u.code FROM units u JOIN scope ON u.parent_code = scope.code
)
SELECT s.code, s.full_name,
       CASE WHEN s.birth_date IS NULL THEN 1 ELSE 0 END AS no_birth_date,
       CASE WHEN s.gender IS NULL OR s.gender = '' THEN 1 ELSE 0 END AS no_gender,
       CASE WHEN s.email IS NULL OR s.email = '' THEN 1 ELSE 0 END AS no_email,
       CASE WHEN s.rank IS NULL OR s.rank = '' THEN 1 ELSE 0 END AS no_rank,
       CASE WHEN s.education IS NULL OR s.education = '' THEN 1 ELSE 0 END AS no_education,
       CASE WHEN s.political_theory IS NULL OR s.political_theory = '' THEN 1 ELSE 0 END AS no_political_theory,
       CASE WHEN s.hired_on IS NULL THEN 1 ELSE 0 END AS no_hired_on
FROM staff s
WHERE s.unit_code IN (SELECT code FROM scope)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND (s.birth_date IS NULL OR s.gender IS NULL OR s.gender = '' OR s.email IS NULL OR s.email = ''
       OR s.rank IS NULL OR s.rank = '' OR s.education IS NULL OR s.education = ''
       OR s.political_theory IS NULL OR s.political_theory = '' OR s.hired_on IS NULL)
ORDER BY s.code
LIMIT ?;

-- name: digest-unit-heads
-- Units whose head is on staff at the day with an address: each gets the
-- digest of their unit. Parameter: day.
SELECT u.code, u.name, h.code AS head_code, h.full_name AS head_name, h.email AS head_email
FROM units u
JOIN staff h ON h.code = u.head_code
WHERE h.email IS NOT NULL AND h.email <> '' AND (h.left_on IS NULL OR h.left_on > ?)
ORDER BY u.code;

-- name: digest-figures-load
-- The figures kept for a scope from one month to another (YYYY-MM, inclusive).
SELECT month, figures FROM digest_figures WHERE scope = ? AND month >= ? AND month <= ? ORDER BY month;

-- name: digest-figures-save
-- Keep months' figures for scopes, many rows at once (store.Bulk repeats the
-- rows tuple); a run again for the month replaces them.
INSERT INTO digest_figures (month, scope, figures, slot) VALUES /*rows*/ (?, ?, ?, ?)
ON CONFLICT (month, scope) DO UPDATE SET figures = excluded.figures, slot = excluded.slot;
