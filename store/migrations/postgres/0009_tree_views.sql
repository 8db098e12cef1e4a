-- +goose Up
-- unit_tree: every unit under a root (a unit without a parent), with its
-- place in the tree. "path" is the unit's place among its siblings (by
-- code), six digits a level, from the root down: a unit's sub-units are
-- exactly the units whose path starts with its own, and ordering by path
-- lists the units depth first (a unit, then its sub-units). Digits only, so
-- every collation orders it the same way. "depth" is 1 for a root. The
-- digest's per-unit queries (store/queries/digest-units.sql) read the units
-- in this order, and restrict them to one unit's subtree by path.
--
-- The recursive walk is computed whole each time the view is read (a
-- province's 63,000 units in a few tenths of a second): a filter on the view
-- does not enter the recursion. It is written so that PostgreSQL estimates
-- its size near the truth (half the units, where reading the siblings from a
-- common table expression for the roots as well made it 150 times the
-- units): the roots are read from units, whose statistics say how few they
-- are, and the siblings from a materialised table without statistics, so
-- that each level is not underestimated either. Queries restricting it to a
-- small subtree are then planned as such (index lookups), and queries over
-- every unit as scans, without JIT compilation set off by a size 150 times
-- too large.
CREATE VIEW unit_tree AS
WITH RECURSIVE sib AS MATERIALIZED (
    SELECT code, parent_code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS n FROM units
),
tree (code, parent_code, path) AS (
    SELECT code, parent_code, substr('000000' || CAST(n AS TEXT), length(CAST(n AS TEXT)) + 1)
    FROM (SELECT code, parent_code, row_number() OVER (ORDER BY code) AS n FROM units WHERE parent_code IS NULL) r
    UNION ALL
    SELECT s.code, s.parent_code, t.path || substr('000000' || CAST(s.n AS TEXT), length(CAST(s.n AS TEXT)) + 1)
    FROM sib s JOIN tree t ON s.parent_code = t.code
)
SELECT code, parent_code, length(path) / 6 AS depth, path FROM tree;

-- staff_in_unit: a person as seen from a unit (any unit: one row for every
-- person and every unit, so a query always names both), with the people
-- around them, under the column names the jobs read (jobs.personRow): their
-- manager (staff.manager_code), and the head above them: the unit's head, or
-- when they head the unit themself, the head of the unit above (whoever
-- appoints and rates them). top_head is 1 for the head of a unit with no
-- unit above: nobody in the records stands above them. The person's own
-- record columns the jobs filter on come with it. A plain join: the planner
-- inlines it, so a query joining it on (staff_code, unit_code) reads each
-- table by its key as if the joins were written out.
CREATE VIEW staff_in_unit AS
SELECT s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head,
       s.unit_code AS own_unit_code, s.birth_date, s.gender, s.political_theory, s.hired_on, s.left_on
FROM staff s
JOIN units u ON 1 = 1
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code;

-- staff_contacts: each person in their own unit (staff_in_unit's row for
-- staff.unit_code): what most jobs join.
CREATE VIEW staff_contacts AS
SELECT * FROM staff_in_unit WHERE unit_code = own_unit_code;

-- +goose Down
DROP VIEW staff_contacts;
DROP VIEW staff_in_unit;
DROP VIEW unit_tree;
