-- name: due-trainings
-- Open trainings due on or before a date (the farthest step ahead), of people
-- still on staff, with the people around them (the personRow columns: the
-- head above is the unit's head, or for the head themself the head of the
-- unit above), but not those whose answer stands (pending or confirmed:
-- answers.sql). A range scan on the partial index training_open_due.
SELECT t.id, t.course_code, t.due_on, t.status, c.name AS course_name,
       s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
JOIN units u ON u.code = s.unit_code
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
WHERE t.status IN ('planned', 'enrolled')
  AND t.due_on <= ?
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM answers a
      WHERE a.subject = 'training' AND a.ref_id = t.id AND a.state IN ('pending', 'confirmed'))
ORDER BY s.code, t.due_on, t.id;

-- name: undated-trainings
-- Open trainings with no due date, of people still on staff: nothing can be
-- reminded of them, so the office is told to fill the date in. Few rows; the
-- scan is on training_open_undated.
SELECT t.id, t.course_code, c.name AS course_name,
       s.code AS staff_code, s.full_name AS staff_name, s.unit_code
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff s ON s.code = t.staff_code
WHERE t.status IN ('planned', 'enrolled') AND t.due_on IS NULL
  AND (s.left_on IS NULL OR s.left_on > ?)
ORDER BY s.code, t.id;
