-- Record import, SQLite: the rows of a batch come as one JSON array parameter,
-- read with json_each. A row is an array of the kind's columns in docs/design.md
-- order. In an upsert, "CASE WHEN ? ..." is a flag per optional column: false
-- when the file has no such column, so the stored value is kept. "WHERE true"
-- lets SQLite parse ON CONFLICT after INSERT ... SELECT.

-- name: import-existing-staff
SELECT code FROM staff WHERE code IN (SELECT value FROM json_each(?));

-- name: import-existing-courses
SELECT code FROM courses WHERE code IN (SELECT value FROM json_each(?));

-- name: import-count-training
SELECT count(*) FROM json_each(?) AS j CROSS JOIN training AS t
WHERE t.staff_code = j.value ->> 0 AND t.course_code = j.value ->> 1 AND t.start_on = j.value ->> 2;

-- name: import-count-appointments
SELECT count(*) FROM json_each(?) AS j CROSS JOIN appointments AS a
WHERE a.staff_code = j.value ->> 0 AND a.position = j.value ->> 1 AND a.start_on = j.value ->> 2;

-- name: import-count-planning
SELECT count(*) FROM json_each(?) AS j CROSS JOIN planning AS p
WHERE p.staff_code = j.value ->> 0 AND p.position = j.value ->> 1 AND p.period = j.value ->> 2;

-- name: import-count-targets
SELECT count(*) FROM json_each(?) AS j CROSS JOIN targets AS t
WHERE t.plan = j.value ->> 0 AND t.category = j.value ->> 1 AND t.level = j.value ->> 2;

-- name: import-count-evaluations
SELECT count(*) FROM json_each(?) AS j CROSS JOIN evaluations AS e
WHERE e.staff_code = j.value ->> 0 AND e.year = j.value ->> 1;

-- name: import-upsert-units
INSERT INTO units (code, name, parent_code, head_code, email)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4
FROM json_each(?) WHERE true
ON CONFLICT (code) DO UPDATE SET
    name        = excluded.name,
    parent_code = CASE WHEN ? THEN excluded.parent_code ELSE units.parent_code END,
    head_code   = CASE WHEN ? THEN excluded.head_code ELSE units.head_code END,
    email       = CASE WHEN ? THEN excluded.email ELSE units.email END;

-- name: import-upsert-staff
INSERT INTO staff (code, full_name, email, unit_code, manager_code, birth_date, gender, rank,
                   education, political_theory, hired_on, left_on)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
       value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11
FROM json_each(?) WHERE true
ON CONFLICT (code) DO UPDATE SET
    full_name        = excluded.full_name,
    unit_code        = excluded.unit_code,
    email            = CASE WHEN ? THEN excluded.email ELSE staff.email END,
    manager_code     = CASE WHEN ? THEN excluded.manager_code ELSE staff.manager_code END,
    birth_date       = CASE WHEN ? THEN excluded.birth_date ELSE staff.birth_date END,
    gender           = CASE WHEN ? THEN excluded.gender ELSE staff.gender END,
    rank             = CASE WHEN ? THEN excluded.rank ELSE staff.rank END,
    education        = CASE WHEN ? THEN excluded.education ELSE staff.education END,
    political_theory = CASE WHEN ? THEN excluded.political_theory ELSE staff.political_theory END,
    hired_on         = CASE WHEN ? THEN excluded.hired_on ELSE staff.hired_on END,
    left_on          = CASE WHEN ? THEN excluded.left_on ELSE staff.left_on END;

-- name: import-upsert-courses
INSERT INTO courses (code, name, category, level, hours, valid_months)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
FROM json_each(?) WHERE true
ON CONFLICT (code) DO UPDATE SET
    name         = excluded.name,
    category     = excluded.category,
    level        = CASE WHEN ? THEN excluded.level ELSE courses.level END,
    hours        = CASE WHEN ? THEN excluded.hours ELSE courses.hours END,
    valid_months = CASE WHEN ? THEN excluded.valid_months ELSE courses.valid_months END;

-- name: import-upsert-training
INSERT INTO training (staff_code, course_code, start_on, status, due_on, completed_on, hours)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
FROM json_each(?) WHERE true
ON CONFLICT (staff_code, course_code, start_on) DO UPDATE SET
    status       = excluded.status,
    due_on       = CASE WHEN ? THEN excluded.due_on ELSE training.due_on END,
    completed_on = CASE WHEN ? THEN excluded.completed_on ELSE training.completed_on END,
    hours        = CASE WHEN ? THEN excluded.hours ELSE training.hours END;

-- name: import-upsert-appointments
INSERT INTO appointments (staff_code, position, start_on, unit_code, decision_no, end_on, ended_on)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
FROM json_each(?) WHERE true
ON CONFLICT (staff_code, position, start_on) DO UPDATE SET
    unit_code   = CASE WHEN ? THEN excluded.unit_code ELSE appointments.unit_code END,
    decision_no = CASE WHEN ? THEN excluded.decision_no ELSE appointments.decision_no END,
    end_on      = CASE WHEN ? THEN excluded.end_on ELSE appointments.end_on END,
    ended_on    = CASE WHEN ? THEN excluded.ended_on ELSE appointments.ended_on END;

-- name: import-upsert-planning
INSERT INTO planning (staff_code, position, period, approved_on, reviewed_on, status)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
FROM json_each(?) WHERE true
ON CONFLICT (staff_code, position, period) DO UPDATE SET
    approved_on = CASE WHEN ? THEN excluded.approved_on ELSE planning.approved_on END,
    reviewed_on = CASE WHEN ? THEN excluded.reviewed_on ELSE planning.reviewed_on END,
    status      = CASE WHEN ? THEN excluded.status ELSE planning.status END;

-- name: import-upsert-targets
INSERT INTO targets (plan, category, level, starts_on, ends_on, target)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
FROM json_each(?) WHERE true
ON CONFLICT (plan, category, level) DO UPDATE SET
    starts_on = excluded.starts_on,
    ends_on   = excluded.ends_on,
    target    = excluded.target;

-- name: import-upsert-evaluations
INSERT INTO evaluations (staff_code, year, rating, score)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3
FROM json_each(?) WHERE true
ON CONFLICT (staff_code, year) DO UPDATE SET
    rating = excluded.rating,
    score  = CASE WHEN ? THEN excluded.score ELSE evaluations.score END;

-- name: import-course-levels
SELECT code, category, level FROM courses WHERE code IN (SELECT value FROM json_each(?));

-- name: import-staff-qualifications
SELECT code, education, political_theory FROM staff WHERE code IN (SELECT value FROM json_each(?));

-- name: import-raise
-- Rows [code, education or null, political_theory or null]: null keeps the value.
UPDATE staff SET
    education        = coalesce(j.value ->> 1, staff.education),
    political_theory = coalesce(j.value ->> 2, staff.political_theory)
FROM json_each(?) AS j
WHERE staff.code = j.value ->> 0;
