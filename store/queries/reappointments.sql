-- name: ending-terms
-- Appointment terms still open (no ended_on, and no newer appointment of the
-- same person to the same post or in the same unit) that end on or before a
-- date (the farthest step ahead, or the review lead), of people still on
-- staff: a range scan on the partial index appointments_open_end. Terms long
-- past their end stay in the result: they are flagged until the records say
-- how they ended. The people around the person are seen from the post's unit
-- (staff_in_unit): the head written to is the head of the post's unit or, for
-- that unit's own head, the head of the unit above.
SELECT a.id, a.position, a.start_on, a.end_on, COALESCE(a.decision_no, '') AS decision_no,
       p.birth_date, COALESCE(p.gender, '') AS gender,
       p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head
FROM appointments a
JOIN staff_in_unit p ON p.staff_code = a.staff_code AND p.unit_code = COALESCE(a.unit_code, p.own_unit_code)
WHERE a.ended_on IS NULL
  AND a.end_on <= ?
  AND (p.left_on IS NULL OR p.left_on > ?)
  AND NOT EXISTS (
      SELECT 1 FROM appointments n
      WHERE n.staff_code = a.staff_code AND n.start_on > a.start_on
        AND (n.position = a.position OR n.unit_code = a.unit_code))
ORDER BY a.end_on, p.staff_code, a.id;
