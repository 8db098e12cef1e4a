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
       p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head,
       COALESCE(t.id, 0) AS training_id, COALESCE(t.course_code, '') AS course_code,
       COALESCE(pc.name, '') AS course_name, COALESCE(t.status, '') AS training_status,
       t.due_on, COALESCE(t.hours, pc.hours, 0) AS planned_hours
FROM short sh
JOIN staff_contacts p ON p.staff_code = sh.code
LEFT JOIN training t ON t.staff_code = p.staff_code
     AND t.status IN ('planned', 'enrolled')
     AND (t.due_on IS NULL OR t.due_on <= ?)
     AND t.course_code IN (SELECT code FROM courses WHERE category IN (?))
LEFT JOIN courses pc ON pc.code = t.course_code
ORDER BY p.unit_code, p.staff_code, t.due_on IS NULL, t.due_on, t.id;
