package importer_test

import (
	"database/sql"

	"github.com/tickler-dev/tickler/civil"
)

// The rows of the records tables, as the import tests read them back.

// Unit is an organisational unit (department, office) of the agency.
type Unit struct {
	Code       string         `db:"code"`
	Name       string         `db:"name"`
	ParentCode sql.NullString `db:"parent_code"`
	HeadCode   sql.NullString `db:"head_code"`
	Email      sql.NullString `db:"email"`
}

// Staff is one cadre, civil servant or public employee.
type Staff struct {
	Code            string         `db:"code"`
	FullName        string         `db:"full_name"`
	Email           sql.NullString `db:"email"`
	UnitCode        string         `db:"unit_code"`
	ManagerCode     sql.NullString `db:"manager_code"`
	BirthDate       civil.Date     `db:"birth_date"`
	Gender          sql.NullString `db:"gender"`
	Rank            sql.NullString `db:"rank"`
	Education       sql.NullString `db:"education"`
	PoliticalTheory sql.NullString `db:"political_theory"`
	HiredOn         civil.Date     `db:"hired_on"`
	LeftOn          civil.Date     `db:"left_on"`
}

// Course is a training course or programme.
type Course struct {
	Code        string          `db:"code"`
	Name        string          `db:"name"`
	Category    string          `db:"category"`
	Level       sql.NullString  `db:"level"`
	Hours       sql.NullFloat64 `db:"hours"`
	ValidMonths sql.NullInt64   `db:"valid_months"`
}

// Training is one participation (lượt): one person in one course from a start date.
type Training struct {
	ID          int64           `db:"id"`
	StaffCode   string          `db:"staff_code"`
	CourseCode  string          `db:"course_code"`
	StartOn     civil.Date      `db:"start_on"`
	Status      string          `db:"status"`
	DueOn       civil.Date      `db:"due_on"`
	CompletedOn civil.Date      `db:"completed_on"`
	Hours       sql.NullFloat64 `db:"hours"`
}

// Appointment is a leadership post held for a term.
type Appointment struct {
	ID         int64          `db:"id"`
	StaffCode  string         `db:"staff_code"`
	Position   string         `db:"position"`
	StartOn    civil.Date     `db:"start_on"`
	UnitCode   sql.NullString `db:"unit_code"`
	DecisionNo sql.NullString `db:"decision_no"`
	EndOn      civil.Date     `db:"end_on"` // given, or start + term_years at import
	EndedOn    civil.Date     `db:"ended_on"`
}

// Planning is one succession-planning entry: a person planned for a post in a period.
type Planning struct {
	ID         int64      `db:"id"`
	StaffCode  string     `db:"staff_code"`
	Position   string     `db:"position"`
	Period     string     `db:"period"`
	ApprovedOn civil.Date `db:"approved_on"`
	ReviewedOn civil.Date `db:"reviewed_on"`
	Status     string     `db:"status"`
}

// Target is a training-plan target: completions wanted of a category (and level)
// over the plan's span.
type Target struct {
	ID       int64      `db:"id"`
	Plan     string     `db:"plan"`
	Category string     `db:"category"`
	Level    string     `db:"level"`
	StartsOn civil.Date `db:"starts_on"`
	EndsOn   civil.Date `db:"ends_on"`
	Target   int        `db:"target"`
}

// Evaluation is a person's rating for a year.
type Evaluation struct {
	StaffCode string          `db:"staff_code"`
	Year      int             `db:"year"`
	Rating    string          `db:"rating"`
	Score     sql.NullFloat64 `db:"score"`
}
