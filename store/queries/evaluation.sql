-- name: evaluation-units
-- Per unit, the people to rate for a year (on staff on the day, hired by then)
-- and how many of them have a rating for that year.
SELECT u.code AS unit_code, u.name AS unit_name, count(*) AS staff, count(e.staff_code) AS rated
FROM staff s
JOIN units u ON u.code = s.unit_code
LEFT JOIN evaluations e ON e.staff_code = s.code AND e.year = ?
WHERE (s.left_on IS NULL OR s.left_on > ?)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
GROUP BY u.code, u.name
ORDER BY u.code;

-- name: evaluation-missing
-- The people to rate for a year who have no rating for it yet, with the head
-- who rates them: the head of their unit or, for the unit's own head, the
-- head of the unit above.
SELECT s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head
FROM staff s
JOIN units u ON u.code = s.unit_code
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
WHERE (s.left_on IS NULL OR s.left_on > ?)
  AND (s.hired_on IS NULL OR s.hired_on <= ?)
  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.staff_code = s.code AND e.year = ?)
ORDER BY u.code, s.code;
