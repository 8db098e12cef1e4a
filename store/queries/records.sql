-- name: count-staff
SELECT count(*) FROM staff;
