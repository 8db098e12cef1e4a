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
       p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head
FROM training t
JOIN courses c ON c.code = t.course_code
JOIN staff_contacts p ON p.staff_code = t.staff_code
WHERE t.course_code = ?
  AND t.status = 'completed'
  AND t.completed_on >= ? AND t.completed_on <= ?
  AND (p.left_on IS NULL OR p.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM training n
      WHERE n.staff_code = t.staff_code AND n.course_code = t.course_code
        AND n.start_on > t.start_on AND n.status = 'completed')
  AND NOT EXISTS (
      SELECT 1 FROM answers a
      WHERE a.subject = 'certificate' AND a.ref_id = t.id AND a.state IN ('pending', 'confirmed'))
ORDER BY p.staff_code, t.completed_on, t.id;
