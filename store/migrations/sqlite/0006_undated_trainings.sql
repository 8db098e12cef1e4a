-- +goose Up
-- Open trainings with no due date are listed to HR to fix (course-reminders).
CREATE INDEX training_open_undated ON training (staff_code) WHERE due_on IS NULL AND status IN ('planned', 'enrolled');

-- +goose Down
DROP INDEX training_open_undated;
