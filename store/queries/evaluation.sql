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
-- who rates them (staff_contacts: the head of their unit or, for the unit's
-- own head, the head of the unit above).
SELECT p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head
FROM staff_contacts p
WHERE (p.left_on IS NULL OR p.left_on > ?)
  AND (p.hired_on IS NULL OR p.hired_on <= ?)
  AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.staff_code = p.staff_code AND e.year = ?)
ORDER BY p.unit_code, p.staff_code;
