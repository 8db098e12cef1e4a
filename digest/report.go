// Package digest computes the monthly progress digest: the figures an
// agency's own reports print (docs/domain.md "Figures an agency reports") for a
// month and a scope (the whole agency, or a unit with its sub-units), with the
// change against earlier months, and renders it as text, JSON or an HTML
// e-mail with charts. The figures come from set-based SQL
// (store/queries/digest-units.sql: one query per section, every unit's own
// figures, added up the unit tree in Go); each section is computed on its
// own, so one that fails shows one line saying so and the rest of the digest
// stands.
package digest

import (
	"github.com/tickler-dev/tickler/civil"
)

// Version is the version of the JSON shape (docs/digest.md). It changes only
// when a field is removed or changes meaning; new fields may be added.
const Version = 1

// Section states.
const (
	StatusOK    = "ok"    // the section has figures
	StatusEmpty = "empty" // nothing this month
	StatusError = "error" // the section could not be computed; Error says why
)

// Section is one part of the digest: its state and, unless it failed, its figures.
type Section[T any] struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	Data   *T     `json:"data"`
}

// OK reports whether the section has figures to show.
func (s Section[T]) OK() bool { return s.Status == StatusOK && s.Data != nil }

// Report is the digest of one month for one scope. Its JSON form is the
// stable shape documented in docs/digest.md.
type Report struct {
	Version int        `json:"version"`
	Month   string     `json:"month"` // YYYY-MM
	AsOf    civil.Date `json:"as_of"` // the month's last day: every figure is as of it
	Scope   Scope      `json:"scope"`

	Workforce   Section[Workforce]   `json:"workforce"`
	Trend       Section[Trend]       `json:"trend"`
	Training    Section[Training]    `json:"training"`
	InTraining  Section[InTraining]  `json:"in_training"`
	Targets     Section[Targets]     `json:"targets"`
	Refresher   Section[Refresher]   `json:"refresher"`
	Due         Section[Due]         `json:"due"`
	Terms       Section[Terms]       `json:"terms"`
	Planning    Section[Planning]    `json:"planning"`
	Evaluation  Section[Evaluation]  `json:"evaluation"`
	Deliveries  Section[Deliveries]  `json:"deliveries"`
	DataQuality Section[DataQuality] `json:"data_quality"`
	// SelfReported is the agency's only (answers.go).
	SelfReported *Section[SelfReported] `json:"self_reported,omitempty"`
}

// Scope says whose figures these are.
type Scope struct {
	Kind string `json:"kind"` // "agency" or "unit"
	Code string `json:"code"` // the unit's code; the root unit's for the agency
	Name string `json:"name"`
	// Units is the number of units counted: the unit and all its sub-units.
	Units int `json:"units"`
}

// Key is the scope's key in stored figures: "" for the agency, else the unit's code.
func (s Scope) Key() string {
	if s.Kind == ScopeAgency {
		return ""
	}
	return s.Code
}

// Scope kinds.
const (
	ScopeAgency = "agency"
	ScopeUnit   = "unit"
)

// Share is one value of a distribution: how many people, and their share of
// the whole with two decimals. The shares of one distribution add up to
// exactly 100.00 (largest remainder; see Shares).
type Share struct {
	Code    string  `json:"code"` // the coded value; "" for "not recorded"
	Count   int64   `json:"count"`
	Percent Percent `json:"percent"`
}

// Workforce is the headcount and its qualifications, as of the month's end:
// people on staff (hired on or before, not left by then) in the scope.
type Workforce struct {
	Headcount     int64 `json:"headcount"`
	Intellectuals int64 `json:"intellectuals"` // education bachelor or higher
	// IntellectualShare is Intellectuals / Headcount, rounded half up.
	IntellectualShare Percent `json:"intellectual_share"`
	// Ranks are the civil-service ranks, from the highest down, with their
	// shares among the Ranked people who hold one, as official reports count
	// them (the 100% is Ranked, not Headcount). Those recorded as holding no
	// rank (RankNone, on a contract) and those with no rank recorded
	// (RankNotRecorded) are counted apart, outside the shares.
	Ranks           []Share `json:"ranks"`
	Ranked          int64   `json:"ranked"`
	RankNone        int64   `json:"rank_none"`
	RankNotRecorded int64   `json:"rank_not_recorded"`
	// Education and PoliticalTheory are shares of the whole Headcount, from
	// the highest value down; "not recorded" comes last and only when
	// someone has no value, apart from a value of none (political theory
	// "Chưa qua đào tạo").
	Education       []Share `json:"education"`
	PoliticalTheory []Share `json:"political_theory"`
}

// Figures are the numbers kept for each month and scope when the digest job
// runs (table digest_figures), for the trend and the comparisons.
type Figures struct {
	Headcount         int64   `json:"headcount"`
	Intellectuals     int64   `json:"intellectuals"`
	IntellectualShare Percent `json:"intellectual_share"`
	Started           int64   `json:"started"`
	Completed         int64   `json:"completed"`
	Dropped           int64   `json:"dropped"`
	InTraining        int64   `json:"in_training"` // people
	// Ranks counts people by rank code, "none" (no civil-service rank) and
	// "" (not recorded) included when anyone has them.
	Ranks map[string]int64 `json:"ranks"`
}

// MonthFigures is one month's figures in the trend.
type MonthFigures struct {
	Month string `json:"month"`
	// Stored is false for the month of the report itself (computed now) and
	// true for months read from the figures kept by earlier digest runs.
	Stored bool `json:"stored"`
	Figures
}

// Change is the difference of the key figures against an earlier month.
type Change struct {
	Month             string  `json:"month"`
	Headcount         int64   `json:"headcount"`
	IntellectualShare Percent `json:"intellectual_share"` // percentage points
	Completed         int64   `json:"completed"`
	InTraining        int64   `json:"in_training"`
}

// Trend compares the month with the figures kept for earlier months.
type Trend struct {
	// Months are the 12 months ending with the report's, oldest first; a month
	// with no figures kept is left out.
	Months []MonthFigures `json:"months"`
	// PreviousMonth and YearAgo are the changes against the month before and
	// the same month a year earlier, null when no figures were kept for them.
	PreviousMonth *Change `json:"previous_month"`
	YearAgo       *Change `json:"year_ago"`
	// YearAgoRanks is the rank distribution of the same month a year earlier
	// (shares among those who held a rank), in the order of Workforce.Ranks;
	// null when not kept.
	YearAgoRanks []Share `json:"year_ago_ranks"`
}

// Plan is the training plan in force at the month's end: the targets' plan
// whose span holds that day (the latest starting, if several do).
type Plan struct {
	Name     string     `json:"name"`
	StartsOn civil.Date `json:"starts_on"`
	EndsOn   civil.Date `json:"ends_on"`
}

// Counts are trainings started, completed and dropped in a period.
type Counts struct {
	Started   int64 `json:"started"`
	Completed int64 `json:"completed"`
	Dropped   int64 `json:"dropped"`
}

// TrainingRow is one kind of training (category and level).
type TrainingRow struct {
	Category string `json:"category"`
	Level    string `json:"level"` // "" when the course grants no level
	Month    Counts `json:"month"`
	// SincePlanStart counts from the plan's start to the month's end.
	SincePlanStart Counts `json:"since_plan_start"`
}

// Training counts participations (lượt) of the scope's people — also of those
// who have left since — by the kind of training: started (enrolled, and not
// merely planned) in the period, completed in it, or dropped (dated by the
// drop's completed_on if given, else the due date, else the start).
type Training struct {
	Plan   *Plan         `json:"plan"` // null when no plan is in force
	Rows   []TrainingRow `json:"rows"`
	Totals TrainingRow   `json:"totals"`
}

// CategoryCount is a count for one training category.
type CategoryCount struct {
	Category       string `json:"category"`
	People         int64  `json:"people"`
	Participations int64  `json:"participations"`
}

// InTraining is who was in training at the month's end: started (not merely
// planned) on or before it, and not completed by then; dropped trainings are
// left out, their end being unknown.
type InTraining struct {
	People         int64           `json:"people"`
	Participations int64           `json:"participations"`
	ByCategory     []CategoryCount `json:"by_category"`
}

// Target is one plan target's progress. Done counts completions of courses of
// the target's category (and level, when it has one) from the target's start
// to the month's end, by the whole agency; ScopeDone is the part of them by
// the scope's people (equal to Done for the agency).
type Target struct {
	Plan      string     `json:"plan"`
	Category  string     `json:"category"`
	Level     string     `json:"level"`
	StartsOn  civil.Date `json:"starts_on"`
	EndsOn    civil.Date `json:"ends_on"`
	Target    int64      `json:"target"`
	Done      int64      `json:"done"`
	ScopeDone int64      `json:"scope_done"`
	// DonePercent is Done / Target (may pass 100); Elapsed the share of the
	// target's span gone by at the month's end.
	DonePercent Percent `json:"done_percent"`
	Elapsed     Percent `json:"elapsed"`
	// State is "done" (target reached), "on_track" (done at least the target's
	// share for the time elapsed) or "behind".
	State string `json:"state"`
}

// Target states.
const (
	TargetDone    = "done"
	TargetOnTrack = "on_track"
	TargetBehind  = "behind"
)

// Targets are the targets of the plans in force during the month.
type Targets struct {
	Rows []Target `json:"rows"`
}

// PersonHours is a person's refresher hours this year.
type PersonHours struct {
	StaffCode string  `json:"staff_code" db:"staff_code"`
	FullName  string  `json:"full_name" db:"full_name"`
	Unit      string  `json:"unit" db:"unit"`
	Hours     float64 `json:"hours" db:"hours"`
}

// Refresher is refresher training this year (1 January to the month's end)
// against the yearly minimum (rules.refresher_min_hours): hours of completed
// courses of the refresher-hours job's categories, per person on staff.
type Refresher struct {
	Year         int     `json:"year"`
	MinimumHours float64 `json:"minimum_hours"`
	People       int64   `json:"people"`
	Meeting      int64   `json:"meeting"` // at or above the minimum
	Short        int64   `json:"short"`
	MeetingShare Percent `json:"meeting_share"`
	AverageHours float64 `json:"average_hours"`
	// FurthestBehind are the people with the fewest hours (up to 10; ties by code).
	FurthestBehind []PersonHours `json:"furthest_behind"`
}

// DueCategory counts open trainings of one category.
type DueCategory struct {
	Category string `json:"category"`
	Due      int64  `json:"due"`
	Overdue  int64  `json:"overdue"`
}

// OverdueTraining is one training past its due date.
type OverdueTraining struct {
	StaffCode   string     `json:"staff_code"`
	FullName    string     `json:"full_name"`
	CourseCode  string     `json:"course_code"`
	CourseName  string     `json:"course_name"`
	DueOn       civil.Date `json:"due_on"`
	DaysOverdue int        `json:"days_overdue"`
}

// Due counts trainings open at the month's end (planned or enrolled, or
// completed only after it) of people on staff: due in the next 30 days (from
// the month's end, inclusive) and overdue (due before it).
type Due struct {
	Days          int               `json:"days"` // 30
	Due           int64             `json:"due"`
	DuePeople     int64             `json:"due_people"`
	Overdue       int64             `json:"overdue"`
	OverduePeople int64             `json:"overdue_people"`
	ByCategory    []DueCategory     `json:"by_category"`
	MostOverdue   []OverdueTraining `json:"most_overdue"` // up to 10, longest overdue first
}

// TermEnding is an appointment term ending in the window, with its case.
type TermEnding struct {
	StaffCode    string     `json:"staff_code"`
	FullName     string     `json:"full_name"`
	Position     string     `json:"position"`
	Unit         string     `json:"unit"`
	EndOn        civil.Date `json:"end_on"`
	RetirementOn civil.Date `json:"retirement_on"` // null when unknown
	Case         string     `json:"case"`
}

// CaseCount counts terms of one case.
type CaseCount struct {
	Case  string `json:"case"`
	Count int64  `json:"count"`
}

// Terms are appointment terms still open at the month's end that end within
// the next 6 months, with the re-appointment case each falls in, and those
// already past their end with no decision recorded (lapsed).
type Terms struct {
	Until  civil.Date   `json:"until"`
	Ending int64        `json:"ending"`
	ByCase []CaseCount  `json:"by_case"`
	Lapsed int64        `json:"lapsed"`
	List   []TermEnding `json:"list"` // up to 20, soonest first
}

// Planning is the state of cadre planning: active entries of people on staff.
type Planning struct {
	Year             int     `json:"year"`
	Entries          int64   `json:"entries"`
	People           int64   `json:"people"`
	ReviewedThisYear int64   `json:"reviewed_this_year"` // entries reviewed from 1 January to the month's end
	NotReviewed      int64   `json:"not_reviewed"`
	Women            int64   `json:"women"`
	WomenShare       Percent `json:"women_share"`
	WomenTarget      Percent `json:"women_target"` // planning-review women_share
	Young            int64   `json:"young"`        // at most young_max_age at the month's end
	YoungShare       Percent `json:"young_share"`
	YoungTarget      Percent `json:"young_target"`
	YoungMaxAge      int     `json:"young_max_age"`
}

// Evaluation is the yearly rating of the evaluation year: the month's year
// from the month before the deadline's month (the season), else the year before.
type Evaluation struct {
	Year       int        `json:"year"`
	Deadline   civil.Date `json:"deadline"`
	InProgress bool       `json:"in_progress"` // the deadline is after the month's end
	Staff      int64      `json:"staff"`
	Rated      int64      `json:"rated"`
	NotRated   int64      `json:"not_rated"`
	// Ratings run from excellent down; the shares are of those rated.
	Ratings []Share `json:"ratings"`
}

// FailedDelivery is one message that could not be delivered.
type FailedDelivery struct {
	Job       string `json:"job"`
	Recipient string `json:"recipient"`
	Subject   string `json:"subject"`
	Reply     string `json:"reply"`
	CreatedAt string `json:"created_at"` // RFC 3339, in the agency's zone
}

// JobCount counts failed deliveries of one job.
type JobCount struct {
	Job   string `json:"job" db:"job"`
	Count int64  `json:"count" db:"n"`
}

// Deliveries are the messages created during the month that failed for good;
// for a unit, those to its people.
type Deliveries struct {
	Failed int64            `json:"failed"`
	ByJob  []JobCount       `json:"by_job"`
	List   []FailedDelivery `json:"list"` // up to 20, newest first
}

// Problem counts records with one kind of gap.
type Problem struct {
	Kind  string `json:"kind"`
	Count int64  `json:"count"`
}

// PersonProblems is a person whose record has gaps.
type PersonProblems struct {
	StaffCode string   `json:"staff_code"`
	FullName  string   `json:"full_name"`
	Kinds     []string `json:"kinds"`
}

// DataQuality counts the gaps in the scope's records that make figures or
// reminders wrong, and lists the first people concerned.
type DataQuality struct {
	Problems []Problem        `json:"problems"` // only kinds with a count
	People   []PersonProblems `json:"people"`   // up to 20, by code
}
