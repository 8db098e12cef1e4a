-- +goose Up
-- Indexes for the reminder jobs of issue 3, so their scans stay range scans on
-- a million staff.
-- Completed trainings by course and completion date: expiring certificates
-- (per course with a validity, completions in a window) and refresher hours
-- (per refresher course, completions this year).
CREATE INDEX training_completed ON training (course_code, completed_on) WHERE status = 'completed';
-- A person's appointments by start: "is there a newer appointment?" for each
-- ending term.
CREATE INDEX appointments_staff_start ON appointments (staff_code, start_on);
-- Active planning entries (the yearly review reads only those).
CREATE INDEX planning_active ON planning (staff_code) WHERE status = 'active';

-- +goose Down
DROP INDEX planning_active;
DROP INDEX appointments_staff_start;
DROP INDEX training_completed;
