-- name: certificate-courses
-- The courses whose certificate expires: valid_months after completion.
SELECT code, valid_months FROM courses WHERE valid_months > 0 ORDER BY code;

-- name: expiring-certificates
-- One course's completed trainings with completed_on in a window (the job
-- computes it from the course's validity, so the planner sees plain dates and
-- range-scans training_completed), of people still on staff, unless the
-- person took the same course again later and completed it (a lookup on the
-- unique (staff_code, course_code, start_on) index), or answered that it
-- was (an answer that stands: answers.sql). The exact expiry
-- (clamped to the month's end) is checked in Go.
SELECT t.id, t.course_code, t.completed_on, c.valid_months, c.name AS course_name,
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
WHERE t.course_code = ?
  AND t.status = 'completed'
  AND t.completed_on >= ? AND t.completed_on <= ?
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM training n
      WHERE n.staff_code = t.staff_code AND n.course_code = t.course_code
        AND n.start_on > t.start_on AND n.status = 'completed')
  AND NOT EXISTS (
      SELECT 1 FROM answers a
      WHERE a.subject = 'certificate' AND a.ref_id = t.id AND a.state IN ('pending', 'confirmed'))
ORDER BY s.code, t.completed_on, t.id;
