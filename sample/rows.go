package sample

import "github.com/tickler-dev/tickler/civil"

// The row types below mirror the columns of docs/design.md "Columns". An empty
// string, a zero civil.Date or a zero number stands for an empty cell (NULL).

// Unit is a row of units.csv.
type Unit struct {
	Code       string
	Name       string
	ParentCode string
	HeadCode   string // the staff code of the unit head, a member of the unit
	Email      string
}

// Staff is a row of staff.csv.
type Staff struct {
	Code            string
	FullName        string
	Email           string
	UnitCode        string
	ManagerCode     string // the unit head; for a head, the parent unit's head
	BirthDate       civil.Date
	Gender          string // codes.Gender
	Rank            string // codes.Rank
	Education       string // codes.Education
	PoliticalTheory string // codes.PoliticalTheory
	HiredOn         civil.Date
	LeftOn          civil.Date
}

// Course is a row of courses.csv.
type Course struct {
	Code        string
	Name        string
	Category    string // codes.Category
	Level       string // for degree and political_theory: the qualification it grants
	Hours       float64
	ValidMonths int // a certificate that expires this many months after completion
}

// Training is a row of training.csv: one person in one course from a start date.
type Training struct {
	StaffCode   string
	CourseCode  string
	StartOn     civil.Date
	Status      string // codes.TrainingStatus
	DueOn       civil.Date
	CompletedOn civil.Date
	Hours       float64
}

// Appointment is a row of appointments.csv: a leadership post held for a term.
type Appointment struct {
	StaffCode  string
	Position   string
	StartOn    civil.Date
	UnitCode   string
	DecisionNo string
	EndOn      civil.Date // start + 5 years
	EndedOn    civil.Date // set when the appointment ended (re-appointment, promotion)
}

// Planning is a row of planning.csv: a person planned for a post in a period.
type Planning struct {
	StaffCode  string
	Position   string // the full post, unique across the agency
	Period     string // e.g. 2025-2030
	ApprovedOn civil.Date
	ReviewedOn civil.Date
	Status     string // codes.PlanningStatus
}

// Target is a row of targets.csv: completions wanted of a category (and level)
// over a training plan's span.
type Target struct {
	Plan     string
	Category string
	Level    string
	StartsOn civil.Date
	EndsOn   civil.Date
	Target   int
}

// Evaluation is a row of evaluations.csv: a person's rating for a year.
type Evaluation struct {
	StaffCode string
	Year      int
	Rating    string  // codes.Rating
	Score     float64 // on 100 points, from 2026 (Decree 335/2025)
}
