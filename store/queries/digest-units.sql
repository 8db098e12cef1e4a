-- Every unit's own figures at once, for the monthly-digest job (digest/all.go):
-- the same counts as digest.sql, grouped by the unit people belong to instead
-- of summed over one scope. Go adds each unit's figures to its parent's as
-- the unit tree is walked, so a scope's figures are its own plus its
-- sub-units', and the agency's are the sum over every unit.
--
-- Every query starts with the unit tree in a fixed order: "pos" numbers the
-- units depth first (a unit, then its sub-units, siblings by code), the same
-- in every query, and every query returns its rows ordered by pos. Go reads
-- the queries side by side, unit by unit, holding only the units on the path
-- from the root to the current one. "path" is a unit's position among its
-- siblings, six digits a level, from the root down: digits only, so every
-- collation orders it the same way.
--
-- The lists (furthest behind, longest overdue, people with gaps) keep at most
-- N rows per unit: a scope's first N are among its units' first N. Their
-- "ord" is the row's place in the list's order among all those rows,
-- computed by the database, so Go merges the units' lists in exactly the
-- order the single-scope queries sort in, whatever the collation.

-- name: digest-units
-- The units in tree order, with their depth (1 for a root) and their head
-- when the head is on staff on the day with an address. Parameter: day.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree)
SELECT p.pos, u.code, u.name, length(p.path) / 6 AS depth,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name, COALESCE(h.email, '') AS head_email
FROM pos p
JOIN units u ON u.code = p.code
LEFT JOIN staff h ON h.code = u.head_code AND h.email IS NOT NULL AND h.email <> ''
     AND (h.left_on IS NULL OR h.left_on > ?)
ORDER BY p.pos;

-- name: digest-units-workforce
-- People on staff at the month's end per unit: the rank (r), education (e)
-- and political-theory (p) distributions. Parameters: as of ×2.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
own AS (
    SELECT s.unit_code, COALESCE(s.rank, '') AS rank, COALESCE(s.education, '') AS education,
           COALESCE(s.political_theory, '') AS political_theory
    FROM staff s
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
),
x AS MATERIALIZED (
    SELECT unit_code, 'r' AS dim, rank AS value, count(*) AS n FROM own GROUP BY unit_code, rank
    UNION ALL
    SELECT unit_code, 'e', education, count(*) FROM own GROUP BY unit_code, education
    UNION ALL
    SELECT unit_code, 'p', political_theory, count(*) FROM own GROUP BY unit_code, political_theory
)
SELECT p.pos, p.code, x.dim, x.value, x.n
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-training
-- Participations by kind of training per unit, as digest-training.
-- Parameters: month start, end ×3; plan start, month end ×3; earliest start
-- of the two periods ×3, month end.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
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
    WHERE (t.start_on >= ? OR t.completed_on >= ? OR t.due_on >= ?)
      AND t.start_on <= ?
    GROUP BY s.unit_code, c.category, COALESCE(c.level, '')
)
SELECT p.pos, p.code, x.category, x.level, x.started_month, x.completed_month, x.dropped_month,
       x.started_plan, x.completed_plan, x.dropped_plan
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-in-training
-- Who was in training at the month's end per unit and category; the row with
-- an empty category is the unit's total (a person in two categories counts
-- once there; a person belongs to one unit, so the totals add up the tree).
-- Parameters: as of ×4.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
open AS (
    SELECT s.unit_code, t.staff_code, c.category
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
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
SELECT p.pos, p.code, x.category, x.participations, x.people
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-targets
-- Per unit, the completions by its people counting towards each target of
-- the plans in force during the month, as digest-targets-scope.
-- Parameters: month end, month start; month end.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
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
    WHERE t.status = 'completed' AND t.completed_on <= ?
    GROUP BY s.unit_code, k.id
)
SELECT p.pos, p.code, x.id, x.scope_done
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-refresher
-- Refresher hours this year per unit: people on staff, how many meet the
-- minimum, the hours in all; and the unit's people with the fewest hours
-- (ties by code), each on a row of its own with the unit's totals repeated.
-- Parameters: year start, month end, categories (IN list); as of ×2;
-- minimum hours; the list's length.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
done AS (
    SELECT t.staff_code, SUM(COALESCE(t.hours, c.hours, 0)) AS hours
    FROM training t
    JOIN courses c ON c.code = t.course_code
    WHERE t.status = 'completed' AND t.completed_on BETWEEN ? AND ? AND c.category IN (?)
    GROUP BY t.staff_code
),
people AS (
    SELECT s.code, s.full_name, s.unit_code, COALESCE(d.hours, 0) AS hours
    FROM staff s
    LEFT JOIN done d ON d.staff_code = s.code
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
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
SELECT p.pos, p.code, x.people, x.meeting, x.total_hours,
       l.code AS staff_code, l.full_name, u.name AS unit, l.hours, l.ord
FROM totals x
JOIN pos p ON p.code = x.unit_code
JOIN listed l ON l.unit_code = x.unit_code
JOIN units u ON u.code = l.unit_code
ORDER BY p.pos, l.ord;

-- name: digest-units-due
-- Trainings open at the month's end of people on staff, per unit: by
-- category (kind c; the empty category is the unit's total), and the unit's
-- longest overdue (kind o), as digest-due and digest-most-overdue.
-- Parameters: as of ×3; horizon; as of ×4; as of; the list's length.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
open AS (
    SELECT s.unit_code, t.staff_code, s.full_name, t.course_code, t.start_on, t.due_on, c.category, c.name AS course_name
    FROM training t
    JOIN courses c ON c.code = t.course_code
    JOIN staff s ON s.code = t.staff_code
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
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
SELECT p.pos, p.code, x.kind, x.category, x.due, x.due_people, x.overdue, x.overdue_people,
       x.staff_code, x.full_name, x.course_code, x.course_name, x.due_on, x.ord
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos, x.kind, x.ord;

-- name: digest-units-terms
-- Appointment terms open at the month's end of people on staff, ending on or
-- before the window's end, per unit (the appointment's, else the person's),
-- as digest-terms; ord is the order of digest-terms.
-- Parameters: as of ×3; window end.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
terms AS MATERIALIZED (
    SELECT COALESCE(a.unit_code, s.unit_code) AS unit_code, a.staff_code, s.full_name, a.position, a.end_on,
           s.birth_date, COALESCE(s.gender, '') AS gender,
           row_number() OVER (ORDER BY a.end_on, a.staff_code, a.position, a.start_on) AS ord
    FROM appointments a
    JOIN staff s ON s.code = a.staff_code
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
      AND (a.ended_on IS NULL OR a.ended_on > ?)
      AND a.end_on <= ?
)
SELECT p.pos, p.code, x.staff_code, x.full_name, x.position, u.name AS unit, x.end_on, x.birth_date, x.gender, x.ord
FROM terms x
JOIN pos p ON p.code = x.unit_code
JOIN units u ON u.code = x.unit_code
ORDER BY p.pos, x.ord;

-- name: digest-units-planning
-- Active planning entries of people on staff per unit, as digest-planning.
-- Parameters: year start, as of; young cut-off; as of ×2.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
x AS MATERIALIZED (
    SELECT s.unit_code, count(*) AS entries,
           count(DISTINCT pl.staff_code) AS people,
           COALESCE(SUM(CASE WHEN pl.reviewed_on BETWEEN ? AND ? THEN 1 ELSE 0 END), 0) AS reviewed,
           count(DISTINCT CASE WHEN s.gender = 'female' THEN pl.staff_code END) AS women,
           count(DISTINCT CASE WHEN s.birth_date > ? THEN pl.staff_code END) AS young
    FROM planning pl
    JOIN staff s ON s.code = pl.staff_code
    WHERE pl.status = 'active'
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
    GROUP BY s.unit_code
)
SELECT p.pos, p.code, x.entries, x.people, x.reviewed, x.women, x.young
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-evaluations
-- Ratings of the evaluation year of people on staff per unit; "" is not
-- rated yet. Parameters: year; as of ×2.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
x AS MATERIALIZED (
    SELECT s.unit_code, COALESCE(e.rating, '') AS rating, count(*) AS n
    FROM staff s
    LEFT JOIN evaluations e ON e.staff_code = s.code AND e.year = ?
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
      AND (s.left_on IS NULL OR s.left_on > ?)
    GROUP BY s.unit_code, COALESCE(e.rating, '')
)
SELECT p.pos, p.code, x.rating, x.n
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos;

-- name: digest-units-failed
-- Deliveries created in the month that failed for good, to the addresses of
-- each unit's people: one row per unit and delivery. "units" is how many
-- units the delivery's address belongs to (a shared mailbox: more than one),
-- so Go counts it once in a scope holding several of them. Only the unit's
-- newest are written out whole (rn up to the list's length).
-- Parameters: from, to (instants); the list's length ×3.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
addresses AS (
    SELECT DISTINCT s.unit_code, lower(s.email) AS email FROM staff s WHERE s.email IS NOT NULL
),
hits AS MATERIALIZED (
    SELECT a.unit_code, d.id, d.job, d.recipient, d.subject, d.reply, d.created_at,
           count(*) OVER (PARTITION BY d.id) AS units,
           row_number() OVER (PARTITION BY a.unit_code ORDER BY d.created_at DESC, d.id DESC) AS rn
    FROM deliveries d
    JOIN addresses a ON a.email = d.recipient
    WHERE d.state = 'failed' AND d.created_at >= ? AND d.created_at < ?
)
SELECT p.pos, p.code, h.id, h.job, h.units, h.created_at,
       CASE WHEN h.rn <= ? THEN h.recipient ELSE '' END AS recipient,
       CASE WHEN h.rn <= ? THEN h.subject ELSE '' END AS subject,
       CASE WHEN h.rn <= ? THEN h.reply ELSE '' END AS reply
FROM hits h
JOIN pos p ON p.code = h.unit_code
ORDER BY p.pos, h.created_at DESC, h.id DESC;

-- name: digest-units-data-quality
-- Gaps in the records per unit: of its people on staff, of their open
-- trainings, of the unit itself (kind q, one row per unit); and the unit's
-- first people by code with gaps in their record (kind l).
-- Parameters: as of ×2; as of; the list's length.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree),
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
    WHERE (s.hired_on IS NULL OR s.hired_on <= ?)
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
SELECT p.pos, p.code, x.kind, x.no_birth_date, x.no_gender, x.no_email, x.no_rank, x.no_education,
       x.no_political_theory, x.no_hired_on, x.training_no_due, x.unit_no_head, x.unit_head_unreachable,
       x.staff_code, x.full_name, x.ord
FROM x
JOIN pos p ON p.code = x.unit_code
ORDER BY p.pos, x.kind DESC, x.ord;

-- name: digest-units-figures
-- The figures kept for every scope for the months of the trend (YYYY-MM,
-- inclusive): the agency's (scope "") first, then the units' in tree order.
-- Parameters: from, to.
WITH RECURSIVE sib AS (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, path) AS (
    SELECT code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1) FROM sib WHERE parent_code IS NULL
    UNION ALL
    SELECT s.code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
),
pos AS (SELECT code, path, row_number() OVER (ORDER BY path) AS pos FROM tree)
SELECT COALESCE(p.pos, 0) AS pos, f.scope AS code, f.month, f.figures
FROM digest_figures f
LEFT JOIN pos p ON p.code = f.scope
WHERE f.month >= ? AND f.month <= ? AND (f.scope = '' OR p.pos IS NOT NULL)
ORDER BY 1, f.month;
