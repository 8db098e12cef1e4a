-- The digest's figures (digest/all.go), each unit's own: every count grouped
-- by the unit people belong to. Go adds each unit's figures to its parent's
-- as the unit tree is walked, so a scope's figures are its own plus its
-- sub-units', and the agency's are the sum over every unit. The
-- monthly-digest job reads them for every unit at once; `tickler digest`
-- reads them for one scope's units.
--
-- Every query starts with its scope: the units of the unit tree (the view
-- unit_tree, migration 0009) under a root. Its first two parameters are the
-- root unit's code twice ("scope" below): its subtree is the units whose path
-- starts with the root's; "" is the agency: every unit. Every
-- query returns its rows ordered by the units' path (depth first: a unit,
-- then its sub-units, siblings by code), the same in every query. Go reads
-- the queries side by side, unit by unit, holding only the units on the path
-- from the root to the current one.
--
-- The rows counted are restricted twice: to the scope's units at the end
-- (the join with scope), and first, for a unit's scope, by the filter
-- "(? = '' OR s.unit_code IN (?))" ("filter" below), given the root and the
-- scope's unit codes (read first by Go from digest-units), or "" and no
-- code when the scope is the agency or too large a part of it for a list. PostgreSQL plans
-- each query with its values: with "" the filter is true and gone, and the
-- counts are planned as scans of whole tables, as the monthly-digest job
-- needs; with a list it reads a few units' people by the index on
-- staff.unit_code. (A join or subquery on the scope itself would be planned
-- the same way for both: a semi-join the agency's counts pay for, or, kept
-- behind the "" test, a filter on every row a unit's counts pay for.)
--
-- "On staff at the month's end" is: hired on or before it (or no hire date),
-- and not left by it. Dates are passed as parameters; no query reads the
-- clock.
--
-- Each query joins its per-unit rows to the scope through units: a unit's
-- code is unique there, and PostgreSQL, which knows nothing of the scope's
-- columns, then counts about one row out per row in instead of a multiple of
-- the scope's size, which made large plans compile to machine code (JIT) for
-- longer than the query ran.
--
-- The lists (furthest behind, longest overdue, people with gaps) keep at most
-- N rows per unit: a scope's first N are among its units' first N. Their
-- "ord" is the row's place in the list's order among all those rows,
-- computed by the database, so Go merges the units' lists in exactly the
-- order the single-scope queries sort in, whatever the collation.

-- name: digest-units
-- The scope's units in tree order, with their depth (1 for a root) and their
-- head when the head is on staff on the day with an address.
-- Parameters: scope; day.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
)
SELECT p.path, u.code, u.name, p.depth,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name, COALESCE(h.email, '') AS head_email
FROM scope p
JOIN units u ON u.code = p.code
LEFT JOIN staff h ON h.code = u.head_code AND h.email IS NOT NULL AND h.email <> ''
     AND (h.left_on IS NULL OR h.left_on > ?)
ORDER BY p.path;

-- name: digest-units-workforce
-- People on staff at the month's end per unit: the rank (r), education (e)
-- and political-theory (p) distributions. Parameters: scope; filter; as of ×2.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
own AS (
    SELECT s.unit_code, COALESCE(s.rank, '') AS rank, COALESCE(s.education, '') AS education,
           COALESCE(s.political_theory, '') AS political_theory
    FROM staff s
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
),
x AS MATERIALIZED (
    SELECT unit_code, 'r' AS dim, rank AS value, count(*) AS n FROM own GROUP BY unit_code, rank
    UNION ALL
    SELECT unit_code, 'e', education, count(*) FROM own GROUP BY unit_code, education
    UNION ALL
    SELECT unit_code, 'p', political_theory, count(*) FROM own GROUP BY unit_code, political_theory
)
SELECT p.path, p.code, x.dim, x.value, x.n
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-training
-- Participations by kind of training per unit: started, completed and
-- dropped in the month and since the plan's start. A dropped training is
-- dated by its completed_on if given, else its due date, else its start.
-- Parameters: scope; month start, end ×3; plan start, month end ×3; filter;
-- earliest start of the two periods ×3, month end.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
x AS MATERIALIZED (
    SELECT s.unit_code, c.category, COALESCE(c.level, '') AS level,
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
    WHERE (? = '' OR s.unit_code IN (?))
      AND (t.start_on >= ? OR t.completed_on >= ? OR t.due_on >= ?)
      AND t.start_on <= ?
    GROUP BY s.unit_code, c.category, COALESCE(c.level, '')
)
SELECT p.path, p.code, x.category, x.level, x.started_month, x.completed_month, x.dropped_month,
       x.started_plan, x.completed_plan, x.dropped_plan
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-in-training
-- Who was in training at the month's end per unit and category; the row with
-- an empty category is the unit's total (a person in two categories counts
-- once there; a person belongs to one unit, so the totals add up the tree).
-- Parameters: scope; filter; as of ×4.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
open AS (
    SELECT s.unit_code, t.staff_code, c.category
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND t.start_on <= ?
      AND (t.status = 'enrolled' OR (t.status = 'completed' AND t.completed_on > ?))
),
x AS MATERIALIZED (
    SELECT unit_code, category, count(*) AS participations, count(DISTINCT staff_code) AS people
    FROM open GROUP BY unit_code, category
    UNION ALL
    SELECT unit_code, '' AS category, count(*) AS participations, count(DISTINCT staff_code) AS people
    FROM open GROUP BY unit_code
)
SELECT p.path, p.code, x.category, x.participations, x.people
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-targets
-- Per unit, the completions by its people counting towards each target of
-- the plans in force during the month (a unit's digest shows the agency's
-- progress, digest-targets, and beside it its own people's part).
-- Parameters: scope; month end, month start; filter; month end.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
kinds AS (
    SELECT g.id, c.code AS course_code, g.starts_on, g.ends_on
    FROM targets g
    JOIN courses c ON c.category = g.category AND (g.level = '' OR c.level = g.level)
    WHERE g.starts_on <= ? AND g.ends_on >= ?
),
x AS MATERIALIZED (
    SELECT s.unit_code, k.id, count(*) AS scope_done
    FROM training t
    JOIN kinds k ON k.course_code = t.course_code AND t.completed_on >= k.starts_on AND t.completed_on <= k.ends_on
    JOIN staff s ON s.code = t.staff_code
    WHERE (? = '' OR s.unit_code IN (?))
      AND t.status = 'completed' AND t.completed_on <= ?
    GROUP BY s.unit_code, k.id
)
SELECT p.path, p.code, x.id, x.scope_done
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-refresher
-- Refresher hours this year per unit: people on staff, how many meet the
-- minimum, the hours in all; and the unit's people with the fewest hours
-- (ties by code), each on a row of its own with the unit's totals repeated.
-- A training's own hours count, else its course's.
-- Parameters: scope; filter; year start, month end, categories (IN list);
-- filter; as of ×2; minimum hours; the list's length.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
done AS (
    SELECT t.staff_code, SUM(COALESCE(t.hours, c.hours, 0)) AS hours
    FROM training t
    JOIN courses c ON c.code = t.course_code
    WHERE (? = '' OR t.staff_code IN (SELECT s.code FROM staff s WHERE s.unit_code IN (?)))
      AND t.status = 'completed' AND t.completed_on BETWEEN ? AND ? AND c.category IN (?)
    GROUP BY t.staff_code
),
people AS (
    SELECT s.code, s.full_name, s.unit_code, COALESCE(d.hours, 0) AS hours
    FROM staff s
    LEFT JOIN done d ON d.staff_code = s.code
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
),
totals AS MATERIALIZED (
    SELECT unit_code, count(*) AS people, SUM(CASE WHEN hours >= ? THEN 1 ELSE 0 END) AS meeting,
           SUM(hours) AS total_hours
    FROM people GROUP BY unit_code
),
firsts AS (
    SELECT code, full_name, unit_code, hours
    FROM (SELECT code, full_name, unit_code, hours,
                 row_number() OVER (PARTITION BY unit_code ORDER BY hours, code) AS rn
          FROM people) r
    WHERE rn <= ?
),
listed AS MATERIALIZED (
    SELECT f.*, row_number() OVER (ORDER BY f.hours, f.code) AS ord FROM firsts f
)
SELECT p.path, p.code, x.people, x.meeting, x.total_hours,
       l.code AS staff_code, l.full_name, u.name AS unit, l.hours, l.ord
FROM totals x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
JOIN listed l ON l.unit_code = u.code
ORDER BY p.path, l.ord;

-- name: digest-units-due
-- Trainings open at the month's end of people on staff, per unit: by
-- category (kind c; the empty category is the unit's total), and the unit's
-- longest overdue (kind o). Open at the month's end: planned or enrolled, or
-- completed only after it; due: from the month's end to the horizon (30
-- days after it); overdue: due before it. The start date breaks the last
-- ties of the list, so it is the same every time.
-- Parameters: scope; filter; as of ×3; horizon; as of ×8; as of; the list's length.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
open AS (
    SELECT s.unit_code, t.staff_code, s.full_name, t.course_code, t.start_on, t.due_on, c.category, c.name AS course_name
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND (t.status IN ('planned', 'enrolled') OR (t.status = 'completed' AND t.completed_on > ?))
      AND t.due_on <= ?
),
counts AS MATERIALIZED (
    SELECT unit_code, category,
           SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END) AS due,
           count(DISTINCT CASE WHEN due_on >= ? THEN staff_code END) AS due_people,
           SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) AS overdue,
           count(DISTINCT CASE WHEN due_on < ? THEN staff_code END) AS overdue_people
    FROM open GROUP BY unit_code, category
    UNION ALL
    SELECT unit_code, '',
           SUM(CASE WHEN due_on >= ? THEN 1 ELSE 0 END),
           count(DISTINCT CASE WHEN due_on >= ? THEN staff_code END),
           SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END),
           count(DISTINCT CASE WHEN due_on < ? THEN staff_code END)
    FROM open GROUP BY unit_code
),
firsts AS (
    SELECT * FROM (
        SELECT o.*, row_number() OVER (PARTITION BY unit_code ORDER BY due_on, staff_code, course_code, start_on) AS rn
        FROM open o WHERE o.due_on < ?
    ) r
    WHERE rn <= ?
),
listed AS MATERIALIZED (
    SELECT f.*, row_number() OVER (ORDER BY f.due_on, f.staff_code, f.course_code, f.start_on) AS ord FROM firsts f
),
x AS MATERIALIZED (
    SELECT unit_code, 'c' AS kind, category, due, due_people, overdue, overdue_people,
           '' AS staff_code, '' AS full_name, '' AS course_code, '' AS course_name, NULL AS due_on, 0 AS ord
    FROM counts
    UNION ALL
    SELECT unit_code, 'o', '', 0, 0, 0, 0, staff_code, full_name, course_code, course_name, due_on, ord
    FROM listed
)
SELECT p.path, p.code, x.kind, x.category, x.due, x.due_people, x.overdue, x.overdue_people,
       x.staff_code, x.full_name, x.course_code, x.course_name, x.due_on, x.ord
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path, x.kind, x.ord;

-- name: digest-units-terms
-- Appointment terms open at the month's end (no end recorded by then) of
-- people on staff, ending on or before the window's end, per unit (the
-- appointment's, else the person's): those ending before the month's end
-- are lapsed (no new decision recorded). ord is the order of the list,
-- soonest first; the start date breaks the last ties.
-- Parameters: scope; filter; as of ×3; window end.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
terms AS MATERIALIZED (
    SELECT COALESCE(a.unit_code, s.unit_code) AS unit_code, a.staff_code, s.full_name, a.position, a.end_on,
           s.birth_date, COALESCE(s.gender, '') AS gender,
           row_number() OVER (ORDER BY a.end_on, a.staff_code, a.position, a.start_on) AS ord
    FROM appointments a
    JOIN staff s ON s.code = a.staff_code
    WHERE (? = '' OR COALESCE(a.unit_code, s.unit_code) IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND (a.ended_on IS NULL OR a.ended_on > ?)
      AND a.end_on <= ?
)
SELECT p.path, p.code, x.staff_code, x.full_name, x.position, u.name AS unit, x.end_on, x.birth_date, x.gender, x.ord
FROM terms x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path, x.ord;

-- name: digest-units-planning
-- Active planning entries of people on staff per unit: reviewed this year,
-- women, young (born after the cut-off).
-- Parameters: scope; year start, as of; young cut-off; filter; as of ×2.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
x AS MATERIALIZED (
    SELECT s.unit_code, count(*) AS entries,
           count(DISTINCT pl.staff_code) AS people,
           COALESCE(SUM(CASE WHEN pl.reviewed_on BETWEEN ? AND ? THEN 1 ELSE 0 END), 0) AS reviewed,
           count(DISTINCT CASE WHEN s.gender = 'female' THEN pl.staff_code END) AS women,
           count(DISTINCT CASE WHEN s.birth_date > ? THEN pl.staff_code END) AS young
    FROM planning pl
    JOIN staff s ON s.code = pl.staff_code
    WHERE pl.status = 'active'
      AND (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
    GROUP BY s.unit_code
)
SELECT p.path, p.code, x.entries, x.people, x.reviewed, x.women, x.young
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-evaluations
-- Ratings of the evaluation year of people on staff per unit; "" is not
-- rated yet. Parameters: scope; year; filter; as of ×2.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
x AS MATERIALIZED (
    SELECT s.unit_code, COALESCE(e.rating, '') AS rating, count(*) AS n
    FROM staff s
    LEFT JOIN evaluations e ON e.staff_code = s.code AND e.year = ?
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
    GROUP BY s.unit_code, COALESCE(e.rating, '')
)
SELECT p.path, p.code, x.rating, x.n
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path;

-- name: digest-units-failed
-- Deliveries created in the month that failed for good, to the addresses of
-- each unit's people: one row per unit and delivery. "units" is how many
-- units the delivery's address belongs to (a shared mailbox: more than one),
-- so Go counts it once in a scope holding several of them. Only the unit's
-- newest are written out whole (rn up to the list's length). The instants
-- are the month's bounds in the agency's zone.
-- Parameters: scope; filter; from, to (instants); the list's length ×3.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
addresses AS (
    SELECT DISTINCT s.unit_code, lower(s.email) AS email FROM staff s
    WHERE s.email IS NOT NULL AND (? = '' OR s.unit_code IN (?))
),
hits AS MATERIALIZED (
    SELECT a.unit_code, d.id, d.job, d.recipient, d.subject, d.reply, d.created_at,
           count(*) OVER (PARTITION BY d.id) AS units,
           row_number() OVER (PARTITION BY a.unit_code ORDER BY d.created_at DESC, d.id DESC) AS rn
    FROM deliveries d
    JOIN addresses a ON a.email = d.recipient
    WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
)
SELECT p.path, p.code, h.id, h.job, h.units, h.created_at,
       CASE WHEN h.rn <= ? THEN h.recipient ELSE '' END AS recipient,
       CASE WHEN h.rn <= ? THEN h.subject ELSE '' END AS subject,
       CASE WHEN h.rn <= ? THEN h.reply ELSE '' END AS reply
FROM hits h
JOIN units u ON u.code = h.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path, h.created_at DESC, h.id DESC;

-- name: digest-units-data-quality
-- Gaps in the records per unit: of its people on staff, of their open
-- trainings, of the unit itself (kind q, one row per unit); and the unit's
-- first people by code with gaps in their record (kind l).
-- Parameters: scope; filter; as of ×2; as of; filter; the list's length.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
),
people AS (
    SELECT s.code, s.full_name, s.unit_code,
           CASE WHEN s.birth_date IS NULL THEN 1 ELSE 0 END AS no_birth_date,
           CASE WHEN s.gender IS NULL OR s.gender = '' THEN 1 ELSE 0 END AS no_gender,
           CASE WHEN s.email IS NULL OR s.email = '' THEN 1 ELSE 0 END AS no_email,
           CASE WHEN s.rank IS NULL OR s.rank = '' THEN 1 ELSE 0 END AS no_rank,
           CASE WHEN s.education IS NULL OR s.education = '' THEN 1 ELSE 0 END AS no_education,
           CASE WHEN s.political_theory IS NULL OR s.political_theory = '' THEN 1 ELSE 0 END AS no_political_theory,
           CASE WHEN s.hired_on IS NULL THEN 1 ELSE 0 END AS no_hired_on
    FROM staff s
    WHERE (? = '' OR s.unit_code IN (?))
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
),
personal AS (
    SELECT unit_code, SUM(no_birth_date) AS no_birth_date, SUM(no_gender) AS no_gender, SUM(no_email) AS no_email,
           SUM(no_rank) AS no_rank, SUM(no_education) AS no_education,
           SUM(no_political_theory) AS no_political_theory, SUM(no_hired_on) AS no_hired_on
    FROM people GROUP BY unit_code
),
undue AS (
    SELECT p.unit_code, count(*) AS n
    FROM training t JOIN people p ON p.code = t.staff_code
    WHERE t.status IN ('planned', 'enrolled') AND t.due_on IS NULL
    GROUP BY p.unit_code
),
heads AS (
    SELECT u.code AS unit_code,
           CASE WHEN u.head_code IS NULL THEN 1 ELSE 0 END AS no_head,
           CASE WHEN h.code IS NOT NULL AND (h.email IS NULL OR h.email = '' OR h.left_on <= ?) THEN 1 ELSE 0 END AS unreachable
    FROM units u LEFT JOIN staff h ON h.code = u.head_code
    WHERE (? = '' OR u.code IN (?))
),
gaps AS (
    SELECT * FROM people
    WHERE no_birth_date + no_gender + no_email + no_rank + no_education + no_political_theory + no_hired_on > 0
),
firsts AS (
    SELECT * FROM (SELECT g.*, row_number() OVER (PARTITION BY unit_code ORDER BY code) AS rn FROM gaps g) r
    WHERE rn <= ?
),
listed AS MATERIALIZED (
    SELECT f.*, row_number() OVER (ORDER BY f.code) AS ord FROM firsts f
),
x AS MATERIALIZED (
    SELECT h.unit_code, 'q' AS kind, COALESCE(q.no_birth_date, 0) AS no_birth_date, COALESCE(q.no_gender, 0) AS no_gender,
           COALESCE(q.no_email, 0) AS no_email, COALESCE(q.no_rank, 0) AS no_rank,
           COALESCE(q.no_education, 0) AS no_education, COALESCE(q.no_political_theory, 0) AS no_political_theory,
           COALESCE(q.no_hired_on, 0) AS no_hired_on, COALESCE(d.n, 0) AS training_no_due,
           h.no_head AS unit_no_head, h.unreachable AS unit_head_unreachable,
           '' AS staff_code, '' AS full_name, 0 AS ord
    FROM heads h
    LEFT JOIN personal q ON q.unit_code = h.unit_code
    LEFT JOIN undue d ON d.unit_code = h.unit_code
    UNION ALL
    SELECT unit_code, 'l', no_birth_date, no_gender, no_email, no_rank, no_education, no_political_theory, no_hired_on,
           0, 0, 0, code, full_name, ord
    FROM listed
)
SELECT p.path, p.code, x.kind, x.no_birth_date, x.no_gender, x.no_email, x.no_rank, x.no_education,
       x.no_political_theory, x.no_hired_on, x.training_no_due, x.unit_no_head, x.unit_head_unreachable,
       x.staff_code, x.full_name, x.ord
FROM x
JOIN units u ON u.code = x.unit_code
JOIN scope p ON p.code = u.code
ORDER BY p.path, x.kind DESC, x.ord;

-- name: digest-units-figures
-- The figures kept for every scope for the months of the trend (YYYY-MM,
-- inclusive): the agency's (scope "", only when the root is "") first, then
-- the units' in tree order. Parameters: scope; from, to; root.
WITH tree AS MATERIALIZED (SELECT code, depth, path FROM unit_tree),
scope AS MATERIALIZED (
    SELECT code, depth, path FROM tree WHERE ? = '' OR path LIKE (SELECT path || '%' FROM tree WHERE code = ?)
)
SELECT COALESCE(p.path, '') AS path, f.scope AS code, f.month, f.figures
FROM digest_figures f
LEFT JOIN scope p ON p.code = f.scope
WHERE f.month >= ? AND f.month <= ? AND ((f.scope = '' AND ? = '') OR p.path IS NOT NULL)
ORDER BY 1, f.month;
