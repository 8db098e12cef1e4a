-- name: planning-entries
-- The active entries of the cadre-planning list, with what the yearly review
-- looks at: the person's birth date, gender and political theory, whether
-- they are still on staff, the latest not_completed rating between two years,
-- how many people are planned for the same post and period (on_post) and for
-- how many posts the person is planned in that period (posts).
SELECT p.id, p.position, p.period, p.approved_on, p.reviewed_on,
       s.birth_date, COALESCE(s.gender, '') AS gender,
       COALESCE(s.political_theory, '') AS political_theory, s.left_on,
       COALESCE((SELECT max(e.year) FROM evaluations e
                 WHERE e.staff_code = p.staff_code AND e.rating = 'not_completed'
                   AND e.year >= ? AND e.year <= ?), 0) AS poor_year,
       count(*) OVER (PARTITION BY p.position, p.period) AS on_post,
       count(*) OVER (PARTITION BY p.staff_code, p.period) AS posts,
       s.code AS staff_code, s.full_name AS staff_name, COALESCE(s.email, '') AS staff_email,
       u.code AS unit_code, u.name AS unit_name,
       COALESCE(m.code, '') AS manager_code, COALESCE(m.full_name, '') AS manager_name,
       COALESCE(m.email, '') AS manager_email,
       COALESCE(h.code, '') AS head_code, COALESCE(h.full_name, '') AS head_name,
       COALESCE(h.email, '') AS head_email,
       CASE WHEN u.head_code = s.code AND pu.code IS NULL THEN 1 ELSE 0 END AS top_head
FROM planning p
JOIN staff s ON s.code = p.staff_code
JOIN units u ON u.code = s.unit_code
LEFT JOIN units pu ON pu.code = u.parent_code
LEFT JOIN staff h ON h.code = CASE WHEN u.head_code = s.code THEN pu.head_code ELSE u.head_code END
LEFT JOIN staff m ON m.code = s.manager_code
WHERE p.status = 'active'
ORDER BY p.period, p.position, s.code;
