-- name: planning-entries
-- The active entries of the cadre-planning list, with what the yearly review
-- looks at: the person's birth date, gender and political theory, whether
-- they are still on staff, the latest not_completed rating between two years,
-- how many people are planned for the same post and period (on_post) and for
-- how many posts the person is planned in that period (posts).
SELECT pl.id, pl.position, pl.period, pl.approved_on, pl.reviewed_on,
       p.birth_date, COALESCE(p.gender, '') AS gender,
       COALESCE(p.political_theory, '') AS political_theory, p.left_on,
       COALESCE((SELECT max(e.year) FROM evaluations e
                 WHERE e.staff_code = pl.staff_code AND e.rating = 'not_completed'
                   AND e.year >= ? AND e.year <= ?), 0) AS poor_year,
       count(*) OVER (PARTITION BY pl.position, pl.period) AS on_post,
       count(*) OVER (PARTITION BY pl.staff_code, pl.period) AS posts,
       p.staff_code, p.staff_name, p.staff_email, p.unit_code, p.unit_name,
       p.manager_code, p.manager_name, p.manager_email, p.head_code, p.head_name, p.head_email, p.top_head
FROM planning pl
JOIN staff_contacts p ON p.staff_code = pl.staff_code
WHERE pl.status = 'active'
ORDER BY pl.period, pl.position, p.staff_code;
