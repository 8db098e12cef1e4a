-- name: due-trainings
-- Open trainings due on or before a date (the farthest step ahead), of people
-- still on staff, with the people around them (the view staff_contacts:
-- the personRow columns), but not those whose answer stands (pending or
-- confirmed: answers.sql). A range scan on the partial index training_open_due.
SELECT t.id, t.course_code, t.due_on, t.status, c.name AS course_name,
       p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff_contacts p ON p.staff_code = t.staff_code
WHERE t.status IN ('planned', 'enrolled')
  AND t.due_on <= ?
  AND (p.left_on IS NULL OR p.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM answers a
      WHERE a.subject = 'training' AND a.ref_id = t.id AND a.state IN ('pending', 'confirmed'))
ORDER BY p.staff_code, t.due_on, t.id;

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
