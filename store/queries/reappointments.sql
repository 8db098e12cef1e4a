-- name: ending-terms
-- Appointment terms still open (no ended_on, and no newer appointment of the
-- same person to the same post or in the same unit) that end on or before a
-- date (the farthest step ahead, or the review lead), of people still on
-- staff: a range scan on the partial index appointments_open_end. Terms long
-- past their end stay in the result: they are flagged until the records say
-- how they ended. The head written to is the head of the post's unit or, for
-- that unit's own head, the head of the unit above.
SELECT a.id, a.position, a.start_on, a.end_on, COALESCE(a.decision_no, '') AS decision_no,
       s.birth_date, COALESCE(s.gender, '') AS gender,
       s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head
FROM appointments a
JOIN staff s ON s.code = a.staff_code
JOIN units u ON u.code = COALESCE(a.unit_code, s.unit_code)
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
WHERE a.ended_on IS NULL
  AND a.end_on <= ?
  AND (s.left_on IS NULL OR s.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM appointments n
      WHERE n.staff_code = a.staff_code AND n.start_on > a.start_on
        AND (n.position = a.position OR n.unit_code = a.unit_code))
ORDER BY a.end_on, s.code, a.id;
