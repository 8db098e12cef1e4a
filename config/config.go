// Package config reads tickler's YAML configuration: strictly (an unknown key is
// an error naming the key and its line), with defaults filled in, secrets taken
// from ${ENV} or *_file keys, and every value validated at load, so a mistake
// is reported when the file is read, not when a job first runs.
package config

import (
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/calendar"

	"github.com/robfig/cron/v3"
)

// Config is the whole configuration file.
type Config struct {
	// Timezone is the agency's IANA zone; jobs run and dates are read in it.
	Timezone string `yaml:"timezone"`
	// Language of the messages: vi or en.
	Language string   `yaml:"language"`
	Database Database `yaml:"database"`
	Mail     Mail     `yaml:"mail"`
	// Recipients are named lists of addresses that jobs refer to by name
	// ("hr", "leadership"). The two lists the default jobs use are always
	// defined, empty unless the file fills them.
	Recipients map[string][]string `yaml:"recipients"`
	HTTP       HTTP                `yaml:"http"`
	Calendar   Calendar            `yaml:"calendar"`
	Rules      Rules               `yaml:"rules"`
	Jobs       Jobs                `yaml:"jobs"`
	Sample     Sample              `yaml:"sample"`

	// Location is Timezone loaded; set by Load and Parse.
	Location *time.Location `yaml:"-"`
	// Path is the file the config was read from; set by Load.
	Path string `yaml:"-"`

	// warnings are problems that do not stop tickler (see Warnings);
	// moreWarnings are the rest of AllWarnings.
	warnings, moreWarnings []string
}

// Database says where the records live.
type Database struct {
	Driver string `yaml:"driver"` // sqlite | postgres
	// DSN is a file path for sqlite; a URL or key=value string for postgres
	// (it may hold a password, hence a Secret).
	DSN Secret `yaml:"dsn"`
	// DSNFile is a file holding the DSN (a Docker or Kubernetes secret); read at
	// load into DSN. At most one of dsn and dsn_file.
	DSNFile string `yaml:"dsn_file"`
}

// Mail says how messages leave: .eml files in a folder, or SMTP.
type Mail struct {
	Transport string `yaml:"transport"` // outbox | smtp
	// OutboxDir is the folder .eml files are written to when Transport is outbox.
	OutboxDir string `yaml:"outbox_dir"`
	// ListLimit is the most items of one list a message shows (HR's list of
	// ending terms, say); a longer list is cut there and the whole of it
	// attached as a CSV file. 0 shows everything.
	ListLimit int `yaml:"list_limit"`
	// TemplatesDir, when set, holds message templates ("vi/course-reminders.tmpl")
	// that replace the embedded ones of the same name.
	TemplatesDir string `yaml:"templates_dir"`
	// From is the sender address; required for smtp, "tickler <tickler@localhost>"
	// for the outbox when not given.
	From string `yaml:"from"`
	// ReplyTo, when set, is where replies go (the personnel office's mailbox).
	ReplyTo  string   `yaml:"reply_to"`
	SMTP     SMTP     `yaml:"smtp"`
	Delivery Delivery `yaml:"delivery"`
}

// SMTP is the relay tickler sends through when mail.transport is smtp.
type SMTP struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	TLS  string `yaml:"tls"` // mandatory | implicit | opportunistic | none
	// Auth is the SASL mechanism, lower case after loading: "" (plain or login
	// when a username is set), auto, plain, login, cram-md5, scram-sha-1,
	// scram-sha-1-plus, scram-sha-256, scram-sha-256-plus, xoauth2 or none.
	Auth     string `yaml:"auth"`
	Username string `yaml:"username"`
	// Password is the SMTP password; when PasswordFile is set, Load reads it
	// from there. At most one of password and password_file.
	Password     Secret `yaml:"password"`
	PasswordFile string `yaml:"password_file"`
	// CAFile adds a CA bundle to trust for the server's certificate (a private CA).
	CAFile string `yaml:"ca_file"`
	// HeloName is the name tickler gives in EHLO; default the host name.
	HeloName string `yaml:"helo_name"`
	// IdleTimeout: a pooled connection unused for this long is closed, before
	// the relay's own idle limit drops it.
	IdleTimeout Duration `yaml:"idle_timeout"`
}

// Delivery sets how the outbox is worked off.
type Delivery struct {
	Workers        int      `yaml:"workers"`         // concurrent senders (SMTP connections)
	BatchSize      int      `yaml:"batch_size"`      // rows claimed at once
	Lease          Duration `yaml:"lease"`           // how long a claim holds before another worker may take the row
	Timeout        Duration `yaml:"timeout"`         // per message
	DataTimeout    Duration `yaml:"data_timeout"`    // the relay's answer to a message's content (end of DATA)
	MaxAttempts    int      `yaml:"max_attempts"`    // then failed
	MaxAge         Duration `yaml:"max_age"`         // a row older than this is failed instead of retried
	BackoffInitial Duration `yaml:"backoff_initial"` // first retry delay; doubles, with jitter
	BackoffMax     Duration `yaml:"backoff_max"`
	RatePerSecond  float64  `yaml:"rate_per_second"` // 0 = unlimited
	MaxPerHour     int      `yaml:"max_per_hour"`    // 0 = unlimited
	Poll           Duration `yaml:"poll"`            // how often idle workers look for due rows
}

// Calendar says which days are working days, for the jobs that run on
// working days only (working_days).
type Calendar struct {
	// Country is vn (Saturdays, Sundays and the public holidays of the
	// Labour Code 2019, art. 112, lunar dates at UTC+7) or none (every day
	// is a working day).
	Country string `yaml:"country"`
	// Holidays are extra days off the Government decides (YYYY-MM-DD).
	Holidays []string `yaml:"holidays"`
	// Workdays are days worked that the rules make days off (a make-up
	// Saturday).
	Workdays []string `yaml:"workdays"`

	days *calendar.Calendar // set by Load and Parse; nil: no day off
}

// Days is the calendar loaded: nil when every day is a working day.
func (c *Calendar) Days() *calendar.Calendar { return c.days }

// HTTP is the status server, and the public one that serves the answer
// links of reminders (/ack/).
type HTTP struct {
	Listen string `yaml:"listen"` // host:port; "" or "off" disables it
	// Auth is asked of every request but /healthz and /readyz; it is required
	// when Listen is not a loopback address.
	Auth HTTPAuth `yaml:"auth"`
	// PublicURL is where people reach the answer pages (https://tickler.example.vn,
	// a reverse proxy's address): each personal reminder carries a link
	// PublicURL/ack/<token> per obligation. Empty: no link is written.
	PublicURL string `yaml:"public_url"`
	// PublicListen is the host:port of the listener that serves /ack/ (and
	// /healthz) and nothing else, with no credential: the token in the link
	// is one. "" or "off": none.
	PublicListen string `yaml:"public_listen"`
	// LinkSecret signs the links; read at load from LinkSecretFile. Without
	// the file, a secret made once is kept in the database.
	LinkSecret     Secret `yaml:"-"`
	LinkSecretFile string `yaml:"link_secret_file"`
	// LinkTTL is how long a link works after the reminder's slot.
	LinkTTL Duration `yaml:"link_ttl"`
	// TrustedProxies are the addresses (IPs or CIDRs) of reverse proxies in
	// front of the public listener: from them, X-Forwarded-For names the
	// client (its rate limit, the answers' log). Empty: the peer's address.
	TrustedProxies []string `yaml:"trusted_proxies"`

	proxies []netip.Prefix // TrustedProxies parsed; set by Load and Parse
}

// PublicEnabled reports whether the public listener runs.
func (h HTTP) PublicEnabled() bool { return h.PublicListen != "" && h.PublicListen != "off" }

// Proxies are TrustedProxies parsed, each an address prefix (a single
// address is a /32 or /128).
func (h HTTP) Proxies() []netip.Prefix { return h.proxies }

// Enabled reports whether the status server runs.
func (h HTTP) Enabled() bool { return h.Listen != "" && h.Listen != "off" }

// Loopback reports whether Listen is on a loopback address (127.0.0.0/8,
// ::1 or localhost), which only this machine reaches.
func (h HTTP) Loopback() bool {
	host, _, err := net.SplitHostPort(h.Listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	host, _, _ = strings.Cut(host, "%") // an IPv6 zone
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTPAuth is the status server's credential: a user with a bcrypt hash of
// their password (basic authentication), a bearer token, or both.
type HTTPAuth struct {
	Username string `yaml:"username"`
	// PasswordHash is a bcrypt hash ($2y$..., as htpasswd -B writes it); when
	// PasswordHashFile is set, Load reads it from there. At most one of the two.
	PasswordHash     Secret `yaml:"password_hash"`
	PasswordHashFile string `yaml:"password_hash_file"`
	// Token is a bearer token, also taken as the password of a basic login
	// under any user name (a browser asks for one); when TokenFile is set, Load
	// reads it from there. At most one of the two.
	Token     Secret `yaml:"token"`
	TokenFile string `yaml:"token_file"`
}

// Set reports whether a credential is configured.
func (a HTTPAuth) Set() bool { return a.Token != "" || a.PasswordHash != "" }

// Rules are the regulations' numbers (docs/domain.md "Rules behind the defaults").
type Rules struct {
	// TermYears is the length of an appointment term (Decree 138/2020 art. 41.1).
	TermYears int `yaml:"term_years"`
	// ReviewLeadDays: the re-appointment review opens this many days before the
	// term ends (Decree 170/2025 art. 39.1).
	ReviewLeadDays int        `yaml:"review_lead_days"`
	Retirement     Retirement `yaml:"retirement"`
	// NoReappointYears: less than this left to retirement at term end means no
	// re-appointment, extension until retirement (Decree 138/2020 art. 49.2).
	NoReappointYears int `yaml:"no_reappoint_years"`
	// ShortTermYears: less than this left at term end means the new term runs only
	// to retirement.
	ShortTermYears int `yaml:"short_term_years"`
	// RefresherMinHours is the yearly minimum of refresher training (Circular 01/2018; L).
	RefresherMinHours float64 `yaml:"refresher_min_hours"`
}

// Retirement is the statutory retirement-age roadmap (Labour Code 2019 art. 169,
// Decree 135/2020 art. 4).
type Retirement struct {
	Male   AgeRoadmap `yaml:"male"`
	Female AgeRoadmap `yaml:"female"`
}

// AgeRoadmap is a retirement-age roadmap: the age is Start in FromYear, rising
// by StepMonths each year until Final.
type AgeRoadmap struct {
	FromYear   int `yaml:"from_year"`
	Start      Age `yaml:"start"` // e.g. "60y3m"
	StepMonths int `yaml:"step_months"`
	Final      Age `yaml:"final"` // e.g. "62y"
}

// Sample fills an empty database with a generated agency at start (demo only).
type Sample struct {
	Staff int   `yaml:"staff"` // 0 = off
	Seed  int64 `yaml:"seed"`
}

// Schedule is what every job has: when it runs and how missed runs are handled.
type Schedule struct {
	Enabled *bool `yaml:"enabled"` // default true
	// Cron is a 5-field cron expression ("0 7 * * *") or a descriptor (@daily).
	Cron string `yaml:"schedule"`
	// Timezone overrides the agency's zone for this job's schedule; after
	// loading it holds the effective zone.
	Timezone string `yaml:"timezone"`
	// CatchupWindow: after downtime, the latest slot missed within it runs once.
	CatchupWindow Duration `yaml:"catchup_window"`
	// Overlap: what to do with a slot that falls while the previous run is still
	// running: skip, or run once after (queue).
	Overlap string `yaml:"overlap"`
	// WorkingDays: a slot that falls on a day off (calendar) runs on the next
	// working day at the same time.
	WorkingDays *bool `yaml:"working_days"`

	// Location is Timezone loaded; set by Load and Parse.
	Location *time.Location `yaml:"-"`

	spec cron.Schedule // Cron parsed (moved to working days); set by Load and Parse
}

// Spec is the schedule's slots: Cron in the job's zone, each slot on a day
// off moved to the next working day when WorkingDays (schedule.OnWorkdays).
// Nil for a Schedule that did not come from Load or Parse.
func (s *Schedule) Spec() cron.Schedule { return s.spec }

// OnWorkingDays reports whether the job runs on working days only.
func (s Schedule) OnWorkingDays() bool { return s.WorkingDays == nil || *s.WorkingDays }

// IsEnabled reports whether the job runs.
func (s Schedule) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Recipients names who gets a job's messages. Each entry is a role (person,
// manager, unit_head), a named list from `recipients`, or an address.
type Recipients struct {
	To []string `yaml:"to"`
	Cc []string `yaml:"cc"`
}

// Jobs holds each job's settings; a job missing from the file gets its defaults.
type Jobs struct {
	CourseReminders  CourseReminders  `yaml:"course-reminders"`
	RefresherHours   RefresherHours   `yaml:"refresher-hours"`
	Reappointments   Reappointments   `yaml:"reappointments"`
	PlanningReview   PlanningReview   `yaml:"planning-review"`
	EvaluationSeason EvaluationSeason `yaml:"evaluation-season"`
	MonthlyDigest    MonthlyDigest    `yaml:"monthly-digest"`
	DeliveryFailures DeliveryFailures `yaml:"delivery-failures"`
}

// CourseReminders configures the course-reminders job: trainings due and
// overdue, expiring certificates.
type CourseReminders struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// StepsDays: remind this many days before the due date (and before a certificate expires).
	StepsDays []int `yaml:"steps_days"`
	// OverdueEveryDays: repeat an overdue reminder this often, with the manager in copy.
	OverdueEveryDays int `yaml:"overdue_every_days"`
	// Escalation: who else hears of a training that stays overdue, and
	// from which week (default: the manager from the first overdue week,
	// in a team message each week; the unit head after 4 weeks; HR after 8).
	Escalation []Escalation `yaml:"escalation"`
	// Certificates: remind before certificates (courses with valid_months) expire.
	Certificates *bool `yaml:"certificates"`
	// DataTo: who gets the "data to fix" list (default hr).
	DataTo []string `yaml:"data_to"`
}

// Escalation is a level of a chain of who hears about an obligation that
// stays overdue: the recipients To (roles, lists, addresses) are told once
// it has been overdue for AfterWeeks weeks (0: from the first day), once, or
// again every overdue_every_days when Repeat. Each level's message is that
// recipient's one message of the run, listing every such item of theirs.
type Escalation struct {
	To         []string `yaml:"to"`
	AfterWeeks int      `yaml:"after_weeks"`
	Repeat     bool     `yaml:"repeat"`
}

// RefresherHours configures the refresher-hours job: people short of the
// yearly refresher minimum.
type RefresherHours struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// From is the month-day (MM-DD) from which reminders go out each year.
	From string `yaml:"from"`
	// ListTo gets the list of everyone short (default hr).
	ListTo []string `yaml:"list_to"`
	// Categories count as refresher training (default refresher, state_management, leadership, defense_security, it, language).
	Categories []string `yaml:"categories"`
	// DataTo: who gets the "data to fix" list (default hr).
	DataTo []string `yaml:"data_to"`
}

// Reappointments configures the reappointments job: appointment terms ending,
// with the retirement case.
type Reappointments struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// StepsDays: remind this many days before the term ends.
	StepsDays []int `yaml:"steps_days"`
	// OverdueEveryDays: repeat the "review not opened" flag this often.
	OverdueEveryDays int `yaml:"overdue_every_days"`
	// DataTo: who gets the "data to fix" list (default hr).
	DataTo []string `yaml:"data_to"`
}

// PlanningReview configures the planning-review job: the yearly review of the
// cadre-planning list.
type PlanningReview struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// PoorRatingYears: flag a not_completed rating within this many past years.
	PoorRatingYears int `yaml:"poor_rating_years"`
	// MaxPerPost and MaxPostsPerPerson (QĐ 50/2021).
	MaxPerPost        int `yaml:"max_per_post"`
	MaxPostsPerPerson int `yaml:"max_posts_per_person"`
	// YoungMaxAge: a "young cadre" is at most this old; YoungShare and WomenShare are the targets (percent).
	YoungMaxAge int     `yaml:"young_max_age"`
	YoungShare  float64 `yaml:"young_share"`
	WomenShare  float64 `yaml:"women_share"`
	// PostTheory maps a keyword of the post's name to the political theory it
	// needs. The longest keyword found in a post's name wins, so "Phó Giám đốc"
	// (deputy director: intermediate) beats "Giám đốc" (director: advanced) in
	// "Phó Giám đốc Sở"; see TheoryFor.
	PostTheory []PostRequirement `yaml:"post_theory"`
	// DataTo: who gets the "data to fix" list (default hr).
	DataTo []string `yaml:"data_to"`
}

// PostRequirement says that posts whose name contains Keyword need Theory (a
// codes.PoliticalTheory code; the file may give the Vietnamese label) or higher.
type PostRequirement struct {
	Keyword string `yaml:"keyword"`
	Theory  string `yaml:"theory"`
}

// EvaluationSeason configures the evaluation-season job: the yearly rating,
// due before a deadline.
type EvaluationSeason struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// Deadline is the month-day (MM-DD) by which ratings must be in (Decree 90/2020 art. 20).
	Deadline string `yaml:"deadline"`
	// DataTo: who gets the "data to fix" list (default hr).
	DataTo []string `yaml:"data_to"`
}

// MonthlyDigest configures the monthly-digest job: the progress digest to
// leadership and each unit head.
type MonthlyDigest struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// UnitHeads: also send each unit head the digest of their unit.
	UnitHeads *bool `yaml:"unit_heads"`
	// ChartsMinStaff: a unit's digest has its charts when the unit (with its
	// sub-units) has at least this many people on staff; 0: every unit's has.
	ChartsMinStaff int `yaml:"charts_min_staff"`
}

// DeliveryFailures configures the delivery-failures job: a short daily notice
// to HR when deliveries failed.
type DeliveryFailures struct {
	Schedule   `yaml:",inline"`
	Recipients `yaml:",inline"`
	// Lookback: failures older than this at a run are not reported (the
	// daemon was down longer); they stay in tickler status.
	Lookback Duration `yaml:"lookback"`
}
