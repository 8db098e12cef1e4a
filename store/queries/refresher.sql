-- name: refresher-short
-- People on staff whose completed refresher hours this year (courses of the
-- counted categories, completed between two dates) are under the minimum,
-- each with the refresher trainings they have planned or are enrolled in for
-- the year (one row per training; one row with no training when none). The
-- hours done are this year's completions of counted courses (an index range
-- per course on training_completed, or one pass over training when the year
-- holds a large part of it); a training's own hours win over its course's.
-- MATERIALIZED: the sum is computed once, not once per parallel worker.
WITH done AS MATERIALIZED (
    SELECT t.staff_code, SUM(COALESCE(t.hours, c.hours, 0)) AS hours
    FROM courses c
    JOIN training t ON t.course_code = c.code
    WHERE c.category IN (?)
      AND t.status = 'completed'
      AND t.completed_on >= ? AND t.completed_on <= ?
    GROUP BY t.staff_code
), short AS (
    SELECT s.code, COALESCE(d.hours, 0) AS done_hours
    FROM staff s
    LEFT JOIN done d ON d.staff_code = s.code
    WHERE (s.left_on IS NULL OR s.left_on > ?)
      AND (s.hired_on IS NULL OR s.hired_on <= ?)
      AND COALESCE(d.hours, 0) < ?
)
SELECT sh.done_hours,
       s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head,
       COALESCE(t.id, 0) AS training_id, COALESCE(t.course_code, '') AS course_code,
       COALESCE(pc.name, '') AS course_name, COALESCE(t.status, '') AS training_status,
       t.due_on, COALESCE(t.hours, pc.hours, 0) AS planned_hours
FROM short sh
JOIN staff s ON s.code = sh.code
JOIN units u ON u.code = s.unit_code
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
LEFT JOIN training t ON t.staff_code = s.code
     AND t.status IN ('planned', 'enrolled')
     AND (t.due_on IS NULL OR t.due_on <= ?)
     AND t.course_code IN (SELECT code FROM courses WHERE category IN (?))
LEFT JOIN courses pc ON pc.code = t.course_code
ORDER BY u.code, s.code, t.due_on IS NULL, t.due_on, t.id;
