-- name: expiring-certificates
-- Completed trainings of courses with valid_months whose certificate expires
-- between two dates (completed_on + valid_months), of people still on staff,
-- unless the person completed the same course again later. For each course
-- with a validity, a range scan on training_completed (course_code,
-- completed_on). SQLite's month arithmetic overflows (31 March - 1 month = 3 March), hence the
-- margin of a few days; the exact expiry (clamped to the month's end) is computed in Go.
SELECT t.id, t.course_code, t.completed_on, c.valid_months, c.name AS course_name,
       s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head
FROM courses c
JOIN training t ON t.course_code = c.code
JOIN staff s ON s.code = t.staff_code
JOIN units u ON u.code = s.unit_code
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
WHERE c.valid_months > 0
  AND t.status = 'completed'
  AND t.completed_on >= date(?, '-' || c.valid_months || ' months', '-3 days')
  AND t.completed_on <= date(?, '-' || c.valid_months || ' months', '+3 days')
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM training n
      WHERE n.staff_code = t.staff_code AND n.course_code = t.course_code
        AND n.status = 'completed' AND n.completed_on > t.completed_on)
ORDER BY s.code, t.completed_on, t.id;
