package config

import "time"

// The defaults, one function per struct. Parse fills a Config with them and
// then decodes the file over it, so a key or section that the file leaves out
// keeps its default, and a list the file gives replaces the default list.
// REFERENCE.md documents each value and where the rules come from.

// JobNames lists the jobs in a stable order: the order of the `jobs` section,
// of `tickler check` and of the documentation. A job's name is written once,
// as the YAML key of its settings in Jobs; everything else (this list, the
// jobs' Name, the lookups by name) reads it from there.
var JobNames = jobNames()

// Roles are the recipients that a job resolves per item, not from a list.
const (
	RolePerson   = "person"    // the staff member the item is about
	RoleManager  = "manager"   // their manager (staff.manager_code)
	RoleUnitHead = "unit_head" // the head of their unit (units.head_code)
)

// IsRole reports whether a recipient entry is a role (person, manager,
// unit_head) rather than a list name or an address.
func IsRole(entry string) bool {
	return entry == RolePerson || entry == RoleManager || entry == RoleUnitHead
}

// The lists that the default jobs send to. They are always defined (empty
// unless the file fills them), so an empty file is a valid configuration.
const (
	ListHR         = "hr"
	ListLeadership = "leadership"
)

// defaultOutboxFrom is the sender of .eml files when mail.from is not given;
// with SMTP, mail.from is required.
const defaultOutboxFrom = "tickler <tickler@localhost>"

// day is a calendar day in a zone without daylight saving (the default zone).
const day = 24 * time.Hour

func ptr[T any](v T) *T { return &v }

func (c *Config) setDefaults() {
	c.Timezone = "Asia/Ho_Chi_Minh"
	c.Language = "vi"
	c.Database.setDefaults()
	c.Mail.setDefaults()
	c.Recipients = map[string][]string{ListHR: {}, ListLeadership: {}}
	c.HTTP.setDefaults()
	c.Calendar.Country = "vn"
	c.Rules.setDefaults()
	c.Jobs.setDefaults()
}

func (d *Database) setDefaults() {
	d.Driver = "sqlite"
	d.DSN = "data/tickler.db"
}

func (m *Mail) setDefaults() {
	m.Transport = "outbox"
	m.OutboxDir = "outbox"
	m.ListLimit = 200
	// From: no default here; validate sets defaultOutboxFrom for the outbox.
	m.SMTP.setDefaults()
	m.Delivery.setDefaults()
}

func (s *SMTP) setDefaults() {
	s.Port = 587
	s.TLS = "mandatory"
	s.IdleTimeout = Duration(30 * time.Second) // below common relays' limits (postfix: 300s)
}

func (d *Delivery) setDefaults() {
	d.Workers = 4
	d.BatchSize = 100
	d.Lease = Duration(2 * time.Minute)
	d.Timeout = Duration(30 * time.Second)
	d.DataTimeout = Duration(10 * time.Minute)
	d.MaxAttempts = 100
	d.MaxAge = Duration(3 * day)
	d.BackoffInitial = Duration(time.Minute)
	d.BackoffMax = Duration(time.Hour)
	d.RatePerSecond = 0
	d.MaxPerHour = 0
	d.Poll = Duration(5 * time.Second)
}

func (h *HTTP) setDefaults() {
	h.Listen = "127.0.0.1:8080"
	h.LinkTTL = Duration(90 * day)
}

func (r *Rules) setDefaults() {
	r.TermYears = 5                                               // Decree 138/2020 art. 41.1
	r.ReviewLeadDays = 90                                         // Decree 170/2025 art. 39.1
	r.Retirement.Male = AgeRoadmap{2021, 60*12 + 3, 3, 62 * 12}   // Decree 135/2020 art. 4
	r.Retirement.Female = AgeRoadmap{2021, 55*12 + 4, 4, 60 * 12} // Decree 135/2020 art. 4
	r.NoReappointYears = 2                                        // Decree 138/2020 art. 49.2
	r.ShortTermYears = 5                                          // a term runs to retirement
	r.RefresherMinHours = 40                                      // Circular 01/2018 art. 3 (unconfirmed)
}

func (j *Jobs) setDefaults() {
	j.CourseReminders.setDefaults()
	j.RefresherHours.setDefaults()
	j.Reappointments.setDefaults()
	j.PlanningReview.setDefaults()
	j.EvaluationSeason.setDefaults()
	j.MonthlyDigest.setDefaults()
	j.DeliveryFailures.setDefaults()
}

// schedule is the part every job's defaults share.
func schedule(cron string, catchup Duration) Schedule {
	return Schedule{Enabled: ptr(true), Cron: cron, CatchupWindow: catchup, Overlap: "skip", WorkingDays: ptr(true)}
}

func (j *CourseReminders) setDefaults() {
	j.Schedule = schedule("0 7 * * *", Duration(12*time.Hour))
	j.Recipients = Recipients{To: []string{RolePerson}}
	j.StepsDays = []int{30, 7, 1}
	j.OverdueEveryDays = 7
	// The manager can act within a month, and hears each week: the team
	// message. A month overdue is the unit's leadership's business; two
	// months, HR's (a plan to revise, a course to reschedule).
	j.Escalation = []Escalation{
		{To: []string{RoleManager}, AfterWeeks: 0, Repeat: true},
		{To: []string{RoleUnitHead}, AfterWeeks: 4},
		{To: []string{ListHR}, AfterWeeks: 8},
	}
	j.Certificates = ptr(true)
	j.DataTo = []string{ListHR}
}

func (j *RefresherHours) setDefaults() {
	j.Schedule = schedule("0 7 1 * *", Duration(7*day))
	j.Recipients = Recipients{To: []string{RolePerson}}
	j.From = "09-01"
	j.ListTo = []string{ListHR}
	j.Categories = []string{"refresher", "state_management", "leadership", "defense_security", "it", "language"}
	j.DataTo = []string{ListHR}
}

func (j *Reappointments) setDefaults() {
	j.Schedule = schedule("0 7 * * 1", Duration(3*day))
	j.Recipients = Recipients{To: []string{ListHR, RoleUnitHead}}
	j.StepsDays = []int{120, 90, 60, 30}
	j.OverdueEveryDays = 7
	j.DataTo = []string{ListHR}
}

func (j *PlanningReview) setDefaults() {
	j.Schedule = schedule("0 7 15 3 *", Duration(30*day))
	j.Recipients = Recipients{To: []string{ListHR}}
	j.PoorRatingYears = 1
	j.MaxPerPost = 3        // QĐ 50-QĐ/TW 2021
	j.MaxPostsPerPerson = 3 // QĐ 50-QĐ/TW 2021
	j.YoungMaxAge = 45
	j.YoungShare = 15 // percent
	j.WomenShare = 25 // percent
	// Decree 29/2024: director needs advanced, deputy intermediate or higher.
	// The longest keyword found in a post's name wins (see TheoryFor).
	j.PostTheory = []PostRequirement{
		{Keyword: "Giám đốc", Theory: "advanced"},
		{Keyword: "Phó Giám đốc", Theory: "intermediate"},
		{Keyword: "Trưởng ban", Theory: "advanced"},
		{Keyword: "Phó Trưởng ban", Theory: "intermediate"},
		{Keyword: "Trưởng phòng", Theory: "intermediate"},
		{Keyword: "Phó Trưởng phòng", Theory: "intermediate"},
	}
	j.DataTo = []string{ListHR}
}

func (j *EvaluationSeason) setDefaults() {
	j.Schedule = schedule("0 7 1 11,12 *", Duration(7*day))
	j.Recipients = Recipients{To: []string{ListHR, RoleUnitHead}}
	j.Deadline = "12-15" // Decree 90/2020 art. 20: before 15 December
	j.DataTo = []string{ListHR}
}

func (j *MonthlyDigest) setDefaults() {
	j.Schedule = schedule("0 7 1 * *", Duration(7*day))
	j.Recipients = Recipients{To: []string{ListLeadership, ListHR}}
	j.UnitHeads = ptr(true)
	// Three charts cost about 0.15 s of CPU and 230 KB per message
	// (docs/digest.md): for the small units of a large agency the tables say
	// as much.
	j.ChartsMinStaff = 200
}

func (j *DeliveryFailures) setDefaults() {
	j.Schedule = schedule("0 8 * * *", Duration(12*time.Hour))
	j.Recipients = Recipients{To: []string{ListHR}}
	j.Lookback = Duration(30 * day)
}
