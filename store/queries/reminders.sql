-- name: due-trainings
-- Open trainings due on or before a date (the farthest step ahead), of people
-- still on staff, with the person's and the manager's contact. A range scan on
-- the partial index training_open_due.
SELECT t.id, t.staff_code, t.course_code, t.due_on, t.status,
       c.name AS course_name,
       s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email, s.unit_code,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
JOIN units u ON u.code = s.unit_code
LEFT JOIN staff m ON m.code = s.manager_code
LEFT JOIN staff h ON h.code = u.head_code
WHERE t.status IN ('planned', 'enrolled')
  AND t.due_on <= ?
  AND (s.left_on IS NULL OR s.left_on > ?)
ORDER BY t.staff_code, t.due_on, t.id;
