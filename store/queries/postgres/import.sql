-- Record import, PostgreSQL: the rows of a batch come as one JSON array
-- parameter, read with json_array_elements; a row is an array of the kind's
-- columns in docs/design.md order. In an upsert, "CASE WHEN ?::boolean ..." is a
-- flag per optional column: false when the file has no such column, so the
-- stored value is kept.

-- name: import-existing-staff
SELECT code FROM staff WHERE code IN (SELECT json_array_elements_text(?::json));

-- name: import-existing-courses
SELECT code FROM courses WHERE code IN (SELECT json_array_elements_text(?::json));

-- name: import-count-training
SELECT count(*) FROM json_array_elements(?::json) AS j (r)
JOIN training AS t
  ON t.staff_code = j.r ->> 0 AND t.course_code = j.r ->> 1 AND t.start_on = (j.r ->> 2)::date;

-- name: import-count-appointments
SELECT count(*) FROM json_array_elements(?::json) AS j (r)
JOIN appointments AS a
  ON a.staff_code = j.r ->> 0 AND a.position = j.r ->> 1 AND a.start_on = (j.r ->> 2)::date;

-- name: import-count-planning
SELECT count(*) FROM json_array_elements(?::json) AS j (r)
JOIN planning AS p
  ON p.staff_code = j.r ->> 0 AND p.position = j.r ->> 1 AND p.period = j.r ->> 2;

-- name: import-count-targets
SELECT count(*) FROM json_array_elements(?::json) AS j (r)
JOIN targets AS t
  ON t.plan = j.r ->> 0 AND t.category = j.r ->> 1 AND t.level = j.r ->> 2;

-- name: import-count-evaluations
SELECT count(*) FROM json_array_elements(?::json) AS j (r)
JOIN evaluations AS e
  ON e.staff_code = j.r ->> 0 AND e.year = (j.r ->> 1)::integer;

-- name: import-upsert-units
INSERT INTO units (code, name, parent_code, head_code, email)
SELECT r ->> 0, r ->> 1, r ->> 2, r ->> 3, r ->> 4
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (code) DO UPDATE SET
    name        = excluded.name,
    parent_code = CASE WHEN ?::boolean THEN excluded.parent_code ELSE units.parent_code END,
    head_code   = CASE WHEN ?::boolean THEN excluded.head_code ELSE units.head_code END,
    email       = CASE WHEN ?::boolean THEN excluded.email ELSE units.email END;

-- name: import-upsert-staff
INSERT INTO staff (code, full_name, email, unit_code, manager_code, birth_date, gender, rank,
                   education, political_theory, hired_on, left_on)
SELECT r ->> 0, r ->> 1, r ->> 2, r ->> 3, r ->> 4, (r ->> 5)::date,
       r ->> 6, r ->> 7, r ->> 8, r ->> 9, (r ->> 10)::date, (r ->> 11)::date
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (code) DO UPDATE SET
    full_name        = excluded.full_name,
    unit_code        = excluded.unit_code,
    email            = CASE WHEN ?::boolean THEN excluded.email ELSE staff.email END,
    manager_code     = CASE WHEN ?::boolean THEN excluded.manager_code ELSE staff.manager_code END,
    birth_date       = CASE WHEN ?::boolean THEN excluded.birth_date ELSE staff.birth_date END,
    gender           = CASE WHEN ?::boolean THEN excluded.gender ELSE staff.gender END,
    rank             = CASE WHEN ?::boolean THEN excluded.rank ELSE staff.rank END,
    education        = CASE WHEN ?::boolean THEN excluded.education ELSE staff.education END,
    political_theory = CASE WHEN ?::boolean THEN excluded.political_theory ELSE staff.political_theory END,
    hired_on         = CASE WHEN ?::boolean THEN excluded.hired_on ELSE staff.hired_on END,
    left_on          = CASE WHEN ?::boolean THEN excluded.left_on ELSE staff.left_on END;

-- name: import-upsert-courses
INSERT INTO courses (code, name, category, level, hours, valid_months)
SELECT r ->> 0, r ->> 1, r ->> 2, r ->> 3, (r ->> 4)::double precision, (r ->> 5)::integer
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (code) DO UPDATE SET
    name         = excluded.name,
    category     = excluded.category,
    level        = CASE WHEN ?::boolean THEN excluded.level ELSE courses.level END,
    hours        = CASE WHEN ?::boolean THEN excluded.hours ELSE courses.hours END,
    valid_months = CASE WHEN ?::boolean THEN excluded.valid_months ELSE courses.valid_months END;

-- name: import-upsert-training
INSERT INTO training (staff_code, course_code, start_on, status, due_on, completed_on, hours)
SELECT r ->> 0, r ->> 1, (r ->> 2)::date, r ->> 3, (r ->> 4)::date, (r ->> 5)::date,
       (r ->> 6)::double precision
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (staff_code, course_code, start_on) DO UPDATE SET
    status       = excluded.status,
    due_on       = CASE WHEN ?::boolean THEN excluded.due_on ELSE training.due_on END,
    completed_on = CASE WHEN ?::boolean THEN excluded.completed_on ELSE training.completed_on END,
    hours        = CASE WHEN ?::boolean THEN excluded.hours ELSE training.hours END;

-- name: import-upsert-appointments
INSERT INTO appointments (staff_code, position, start_on, unit_code, decision_no, end_on, ended_on)
SELECT r ->> 0, r ->> 1, (r ->> 2)::date, r ->> 3, r ->> 4, (r ->> 5)::date, (r ->> 6)::date
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (staff_code, position, start_on) DO UPDATE SET
    unit_code   = CASE WHEN ?::boolean THEN excluded.unit_code ELSE appointments.unit_code END,
    decision_no = CASE WHEN ?::boolean THEN excluded.decision_no ELSE appointments.decision_no END,
    end_on      = CASE WHEN ?::boolean THEN excluded.end_on ELSE appointments.end_on END,
    ended_on    = CASE WHEN ?::boolean THEN excluded.ended_on ELSE appointments.ended_on END;

-- name: import-upsert-planning
INSERT INTO planning (staff_code, position, period, approved_on, reviewed_on, status)
SELECT r ->> 0, r ->> 1, r ->> 2, (r ->> 3)::date, (r ->> 4)::date, r ->> 5
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (staff_code, position, period) DO UPDATE SET
    approved_on = CASE WHEN ?::boolean THEN excluded.approved_on ELSE planning.approved_on END,
    reviewed_on = CASE WHEN ?::boolean THEN excluded.reviewed_on ELSE planning.reviewed_on END,
    status      = CASE WHEN ?::boolean THEN excluded.status ELSE planning.status END;

-- name: import-upsert-targets
INSERT INTO targets (plan, category, level, starts_on, ends_on, target)
SELECT r ->> 0, r ->> 1, r ->> 2, (r ->> 3)::date, (r ->> 4)::date, (r ->> 5)::integer
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (plan, category, level) DO UPDATE SET
    starts_on = excluded.starts_on,
    ends_on   = excluded.ends_on,
    target    = excluded.target;

-- name: import-upsert-evaluations
INSERT INTO evaluations (staff_code, year, rating, score)
SELECT r ->> 0, (r ->> 1)::integer, r ->> 2, (r ->> 3)::double precision
FROM json_array_elements(?::json) AS j (r)
ON CONFLICT (staff_code, year) DO UPDATE SET
    rating = excluded.rating,
    score  = CASE WHEN ?::boolean THEN excluded.score ELSE evaluations.score END;

-- name: import-course-levels
SELECT code, category, level FROM courses
WHERE code IN (SELECT json_array_elements_text(?::json));

-- name: import-staff-qualifications
SELECT code, education, political_theory FROM staff
WHERE code IN (SELECT json_array_elements_text(?::json));

-- name: import-raise
-- Rows [code, education or null, political_theory or null]: null keeps the value.
UPDATE staff SET
    education        = coalesce(j.r ->> 1, staff.education),
    political_theory = coalesce(j.r ->> 2, staff.political_theory)
FROM json_array_elements(?::json) AS j (r)
WHERE staff.code = j.r ->> 0;
