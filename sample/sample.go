// Package sample generates a realistic synthetic agency in tickler's import
// format (docs/design.md, contract 2): a tree of units, their staff, a course
// catalogue, training records, appointments, cadre planning, training-plan
// targets and yearly evaluations, with dates placed around a given day so that a
// demo always has something to remind people of.
//
// The output is a pure function of Options: the same (Staff, At, Seed) gives
// byte-identical files. Every person's data is derived from the person's place
// in the unit tree and from random streams seeded by (Seed, that place), never
// from a list of all staff, so a million staff stream out in constant memory.
package sample

import (
	"errors"
	"fmt"
	"os"

	"github.com/tickler-dev/tickler/civil"
)

// Options says what to generate.
type Options struct {
	// Staff is the number of people, at least 1.
	Staff int
	// At is the day the data is placed around: trainings fall due just after it,
	// terms end in the months after it, the last evaluations are for the years
	// before it. Required: the generator never reads the clock.
	At civil.Date
	// Seed picks one agency among all those of this size; the same seed gives
	// the same agency.
	Seed int64
}

// maxStaff bounds Options.Staff; a bigger sample is a typo, not a test.
const maxStaff = 50_000_000

func (o Options) check() error {
	if o.Staff < 1 || o.Staff > maxStaff {
		return fmt.Errorf("sample: staff must be between 1 and %d, not %d", maxStaff, o.Staff)
	}
	if o.At.IsZero() {
		return errors.New("sample: the date to place the data around (At) is required")
	}
	if o.At.Year < 1990 || o.At.Year > 2200 {
		return fmt.Errorf("sample: date %s is out of range (1990-2200)", o.At)
	}
	return nil
}

// Summary counts the rows generated of each kind.
type Summary struct {
	Units        int
	Staff        int
	Courses      int
	Training     int
	Appointments int
	Planning     int
	Targets      int
	Evaluations  int
}

// String lists the counts in the order of the import format.
func (s Summary) String() string {
	return fmt.Sprintf("%d units, %d staff, %d courses, %d training, %d appointments, %d planning, %d targets, %d evaluations",
		s.Units, s.Staff, s.Courses, s.Training, s.Appointments, s.Planning, s.Targets, s.Evaluations)
}

// Sink receives the generated rows, one method per kind. Each calls it kind by
// kind in the order of Kinds (all units, then all staff, and so on), which is
// what a loader using one PostgreSQL COPY per table needs. A method's error
// stops the generation and is returned by Each.
type Sink interface {
	Unit(Unit) error
	Staff(Staff) error
	Course(Course) error
	Training(Training) error
	Appointment(Appointment) error
	Planning(Planning) error
	Target(Target) error
	Evaluation(Evaluation) error
}

// Kinds returns the import kinds in the order Each emits them; each is also
// the base name of its file.
func Kinds() []string {
	return []string{"units", "staff", "courses", "training", "appointments", "planning", "targets", "evaluations"}
}

// Columns returns the header of a kind's file, as docs/design.md "Columns"
// lists it, or nil for an unknown kind.
func Columns(kind string) []string {
	switch kind {
	case "units":
		return []string{"code", "name", "parent_code", "head_code", "email"}
	case "staff":
		return []string{"code", "full_name", "email", "unit_code", "manager_code", "birth_date", "gender", "rank", "education", "political_theory", "hired_on", "left_on"}
	case "courses":
		return []string{"code", "name", "category", "level", "hours", "valid_months"}
	case "training":
		return []string{"staff_code", "course_code", "start_on", "status", "due_on", "completed_on", "hours"}
	case "appointments":
		return []string{"staff_code", "position", "start_on", "unit_code", "decision_no", "end_on", "ended_on"}
	case "planning":
		return []string{"staff_code", "position", "period", "approved_on", "reviewed_on", "status"}
	case "targets":
		return []string{"plan", "category", "level", "starts_on", "ends_on", "target"}
	case "evaluations":
		return []string{"staff_code", "year", "rating", "score"}
	}
	return nil
}

// Each generates the agency described by opt and hands every row to sink,
// kind by kind. Rows are passed by value and the sink may keep them.
func Each(opt Options, sink Sink) (Summary, error) {
	var sum Summary
	if err := opt.check(); err != nil {
		return sum, err
	}
	g := newGenerator(opt)
	steps := []struct {
		kind string
		run  func(Sink, *Summary) error
	}{
		{"units", g.units},
		{"staff", g.staff},
		{"courses", g.courses},
		{"training", g.training},
		{"appointments", g.appointments},
		{"planning", g.planning},
		{"targets", g.targets},
		{"evaluations", g.evaluations},
	}
	for _, s := range steps {
		if err := s.run(sink, &sum); err != nil {
			return sum, fmt.Errorf("sample %s: %w", s.kind, err)
		}
	}
	return sum, nil
}

// Generate writes the agency described by opt into dir as the eight CSV files
// of the import format (units.csv, staff.csv, ...): UTF-8, comma separated,
// header row first, English codes, dates as YYYY-MM-DD. dir is created if
// needed. The files appear only when all are complete: they are written under
// temporary names and renamed at the end.
func Generate(dir string, opt Options) (Summary, error) {
	if err := opt.check(); err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("sample: %w", err)
	}
	w, err := createCSV(dir)
	if err != nil {
		return Summary{}, err
	}
	sum, err := Each(opt, w)
	if err != nil {
		w.abort()
		return sum, err
	}
	if err := w.commit(); err != nil {
		return sum, err
	}
	return sum, nil
}
