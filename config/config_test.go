package config_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/config"
)

// courseReminderKeys is the list every unknown-key error inside course-reminders prints.
const courseReminderKeys = "enabled, schedule, timezone, catchup_window, overlap, working_days, to, cc, steps_days, overdue_every_days, escalation, certificates, data_to"

// TestLoadErrors loads one fixture per mistake and checks the whole message:
// file:line, the key, and what is wrong.
func TestLoadErrors(t *testing.T) {
	// The variable unset-env.yaml refers to must really be unset.
	t.Setenv("TICKLER_TEST_UNSET", "")
	unsetenv(t, "TICKLER_TEST_UNSET")

	tests := []struct {
		file string
		want string
	}{
		// A typo inside a job, whose struct embeds Schedule and Recipients inline.
		{"unknown-key", "testdata/unknown-key.yaml:6: jobs.course-reminders.stepz: unknown key (known: " + courseReminderKeys + ")"},
		// A typo in a top-level section name.
		{"unknown-section", "testdata/unknown-section.yaml:3: databse: unknown key (known: timezone, language, database, mail, recipients, http, calendar, rules, jobs, sample)"},
		// A job that does not exist.
		{"bad-job-name", "testdata/bad-job-name.yaml:3: jobs.course-reminder: unknown job (known: course-reminders, refresher-hours, reappointments, planning-review, evaluation-season, monthly-digest, delivery-failures)"},
		// Six cron fields (with seconds) instead of five.
		{"bad-cron", `testdata/bad-cron.yaml:4: jobs.monthly-digest.schedule: "0 0 7 1 * *" is not a cron schedule (minute hour day-of-month month day-of-week, or @daily): expected exactly 5 fields, found 6: [0 0 7 1 * *]`},
		// CRON_TZ= inside the schedule would bypass the job's timezone key.
		{"cron-tz", "testdata/cron-tz.yaml:4: jobs.reappointments.schedule: set the zone with jobs.reappointments.timezone, not in the schedule"},
		// A zone name that is not in the IANA database.
		{"bad-timezone", `testdata/bad-timezone.yaml:2: timezone: "Asia/Hanoi" is not a known time zone (an IANA zone like Asia/Ho_Chi_Minh)`},
		// The same for a job's own zone.
		{"bad-job-timezone", `testdata/bad-job-timezone.yaml:4: jobs.delivery-failures.timezone: "GMT+7" is not a known time zone (an IANA zone like Asia/Ho_Chi_Minh)`},
		// password and password_file together (Alertmanager's wording).
		{"password-and-file", "testdata/password-and-file.yaml:9: mail.smtp.password_file: at most one of mail.smtp.password & mail.smtp.password_file must be configured"},
		// A CA bundle that is not PEM.
		{"bad-ca-file", "testdata/bad-ca-file.yaml:4: mail.smtp.ca_file: testdata/smtp-password.txt holds no PEM certificate"},
		// A password file that cannot be read.
		{"password-file-missing", "testdata/password-file-missing.yaml:8: mail.smtp.password_file: cannot read testdata/no-such-file.txt: no such file or directory"},
		// ${VAR} with VAR unset: the variable is named.
		{"unset-env", "testdata/unset-env.yaml:8: mail.smtp.password: environment variable TICKLER_TEST_UNSET is not set"},
		// A negative size below which units' digests have no charts.
		{"bad-charts-min-staff", "testdata/bad-charts-min-staff.yaml:4: jobs.monthly-digest.charts_min_staff: -1: must be at least 0"},
		// A step of 0 days.
		{"bad-steps", "testdata/bad-steps.yaml:4: jobs.reappointments.steps_days[2]: 0: a step is a number of days ahead, at least 1"},
		// A job sends to a list that is not defined.
		{"unknown-list", `testdata/unknown-list.yaml:7: jobs.monthly-digest.to[0]: "leaders" is not a role (person, manager, unit_head), a list under recipients (hr, leadership) or an email address`},
		// SMTP without a host: reported at the transport line, since smtp: is absent.
		{"smtp-without-host", "testdata/smtp-without-host.yaml:3: mail.smtp.host: required when mail.transport is smtp"},
		// SMTP without a sender address.
		{"smtp-without-from", "testdata/smtp-without-from.yaml:3: mail.from: required when mail.transport is smtp"},
		// Real mail to an HR list with no address would silently go nowhere.
		{"smtp-empty-list", "testdata/smtp-empty-list.yaml:7: recipients.hr: no address, but jobs course-reminders, refresher-hours, reappointments, planning-review, evaluation-season, monthly-digest, delivery-failures send to it"},
		// A sender that is a name without an address.
		{"bad-address", `testdata/bad-address.yaml:3: mail.from: "Ban Tổ chức" is not a valid email address`},
		// A list entry that is not an address.
		{"bad-list-address", `testdata/bad-list-address.yaml:3: recipients.hr[1]: "tochuc.example.vn" is not a valid email address`},
		// "7 days" instead of "7d".
		{"bad-duration", `testdata/bad-duration.yaml:4: jobs.refresher-hours.catchup_window: "7 days" is not a duration (like 90s, 12h, 7d or 1d12h)`},
		// A negative duration.
		{"negative-duration", `testdata/negative-duration.yaml:4: mail.delivery.lease: duration "-2m" is negative`},
		// A lease no longer than a send may take: no claimed row would ever be sent.
		{"lease-not-longer", "testdata/lease-not-longer.yaml:4: mail.delivery.lease: 30s is not longer than mail.delivery.timeout (30s): no claimed row would have time to be sent before another worker could take it"},
		// A word where a number goes.
		{"bad-int", `testdata/bad-int.yaml:4: mail.delivery.workers: "four" is not a whole number`},
		// A single value where a list goes.
		{"not-a-list", "testdata/not-a-list.yaml:4: jobs.course-reminders.steps_days: expected a list (like [a, b]), got a single value"},
		// A political theory level that does not exist.
		{"bad-theory", `testdata/bad-theory.yaml:6: jobs.planning-review.post_theory[1].theory: "Trung cao cấp" is not a political theory level (none, elementary, intermediate, advanced)`},
		// A course category that does not exist.
		{"bad-category", `testdata/bad-category.yaml:4: jobs.refresher-hours.categories[1]: "sports" is not a course category (degree, political_theory, state_management, refresher, leadership, language, it, defense_security, other)`},
		// 30 February.
		{"bad-month-day", `testdata/bad-month-day.yaml:4: jobs.evaluation-season.deadline: "02-30": day must be 01 to 28`},
		// A language without messages.
		{"bad-language", `testdata/bad-language.yaml:2: language: "fr" is not one of vi, en`},
		// A listen address without host:port.
		{"bad-listen", `testdata/bad-listen.yaml:3: http.listen: "8080" is not host:port (like 127.0.0.1:8080 or :8080), or "off"`},
		// The final retirement age below the starting age.
		{"bad-age", "testdata/bad-age.yaml:4: rules.retirement.male.final: 60y is less than the start age 60y3m"},
		// An age in words.
		{"bad-age-format", `testdata/bad-age-format.yaml:5: rules.retirement.female.start: "55 years 4 months" is not an age (like 60y3m or 62y)`},
		// A key given twice.
		{"duplicate-key", "testdata/duplicate-key.yaml:4: language: duplicate key (first at line 2)"},
		// An overlap policy that does not exist.
		{"bad-overlap", `testdata/bad-overlap.yaml:4: jobs.course-reminders.overlap: "wait" is not one of skip, queue`},
		// A transport that does not exist.
		{"bad-transport", `testdata/bad-transport.yaml:3: mail.transport: "sendmail" is not one of outbox, smtp`},
		// A database driver that does not exist; its DSN is not echoed.
		{"bad-driver", `testdata/bad-driver.yaml:3: database.driver: "mysql" is not one of sqlite, postgres`},
		// dsn and dsn_file together.
		{"dsn-and-file", "testdata/dsn-and-file.yaml:5: database.dsn_file: at most one of database.dsn & database.dsn_file must be configured"},
		// postgres with the SQLite default DSN left in place.
		{"postgres-without-dsn", "testdata/postgres-without-dsn.yaml:3: database.dsn: required when database.driver is postgres (or database.dsn_file)"},
		// A postgres URL with the sqlite driver.
		{"sqlite-with-url", "testdata/sqlite-with-url.yaml:3: database.dsn: a PostgreSQL URL, but database.driver is sqlite (set it to postgres)"},
		// An enabled job with an empty to.
		{"no-recipients", "testdata/no-recipients.yaml:4: jobs.delivery-failures.to: no recipients: the job would send nothing (set enabled: false to turn it off)"},
		// Broken YAML: the parser's message with the file and line.
		{"syntax-error", "testdata/syntax-error.yaml:2: YAML syntax: found unexpected end of stream"},
		// A second document would be ignored silently by a plain decoder.
		{"two-documents", "testdata/two-documents.yaml:3: a second YAML document (---); the configuration is one document"},
		// A list instead of a mapping at the top.
		{"not-a-mapping", "testdata/not-a-mapping.yaml:2: expected a mapping of keys (timezone:, database:, jobs: ...), got a list"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := config.Load("testdata/" + tt.file + ".yaml")
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.want)
			}
			if c != nil {
				t.Errorf("Load returned a config with the error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n got %s\nwant %s", got, tt.want)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error", err)
			}
			if ce.File != "testdata/"+tt.file+".yaml" || ce.Line == 0 {
				t.Errorf("Error{File: %q, Line: %d}, want the fixture and a line", ce.File, ce.Line)
			}
			for _, secret := range []string{"hunter2", "s3cr3t", "dsn-secret", ":pw@"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows the secret %q: %s", secret, err)
				}
			}
		})
	}
}

// unsetenv removes a variable for the test; t.Setenv before it restores the
// old value at cleanup.
func unsetenv(t *testing.T, name string) {
	t.Helper()
	t.Setenv(name, "")
	if err := os.Unsetenv(name); err != nil {
		t.Fatal(err)
	}
}

// TestAllErrorsReported checks that every problem is reported, not just the
// first, one per line in the order of the file.
func TestAllErrorsReported(t *testing.T) {
	_, err := config.Load("testdata/multiple-errors.yaml")
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %T (%v) is not config.Errors", err, err)
	}
	want := []string{
		`testdata/multiple-errors.yaml:2: timezone: "Asia/Hanoi" is not a known time zone (an IANA zone like Asia/Ho_Chi_Minh)`,
		`testdata/multiple-errors.yaml:3: language: "fr" is not one of vi, en`,
		`testdata/multiple-errors.yaml:6: jobs.course-reminders.steps_days[1]: -7: a step is a number of days ahead, at least 1`,
		`testdata/multiple-errors.yaml:7: jobs.course-reminders.stepz: unknown key (known: ` + courseReminderKeys + `)`,
		`testdata/multiple-errors.yaml:9: jobs.monthly-digest.schedule: "every day" is not a cron schedule (minute hour day-of-month month day-of-week, or @daily): expected exactly 5 fields, found 2: [every day]`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d", len(errs), len(want))
	}
	if errs[3].Key != "jobs.course-reminders.stepz" || errs[3].Line != 7 {
		t.Errorf("errs[3] = %+v, want key jobs.course-reminders.stepz at line 7", *errs[3])
	}
}

// TestLoadMissingFile: a missing file is the os error, not a config error.
func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load("testdata/no-such.yaml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want fs.ErrNotExist", err)
	}
}

// TestDefaults checks every default on an empty file (docs/domain.md, config/REFERENCE.md).
func TestDefaults(t *testing.T) {
	c, err := config.Load("testdata/empty.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "testdata/empty.yaml" {
		t.Errorf("Path = %q", c.Path)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("timezone", c.Timezone, "Asia/Ho_Chi_Minh")
	check("location", c.Location.String(), "Asia/Ho_Chi_Minh")
	check("language", c.Language, "vi")
	check("database.driver", c.Database.Driver, "sqlite")
	check("database.dsn", c.Database.DSN.Reveal(), "data/tickler.db")
	check("mail.transport", c.Mail.Transport, "outbox")
	check("mail.outbox_dir", c.Mail.OutboxDir, "outbox")
	check("mail.from", c.Mail.From, "tickler <tickler@localhost>")
	check("mail.smtp.port", c.Mail.SMTP.Port, 587)
	check("mail.smtp.tls", c.Mail.SMTP.TLS, "mandatory")
	check("mail.delivery", c.Mail.Delivery, config.Delivery{
		Workers: 4, BatchSize: 100, Lease: dur("2m"), Timeout: dur("30s"), DataTimeout: dur("10m"), MaxAttempts: 100,
		MaxAge: dur("3d"), BackoffInitial: dur("1m"), BackoffMax: dur("1h"),
		RatePerSecond: 0, MaxPerHour: 0, Poll: dur("5s"),
	})
	check("recipients", c.Recipients, map[string][]string{"hr": {}, "leadership": {}})
	check("http.listen", c.HTTP.Listen, "127.0.0.1:8080")
	check("rules", c.Rules, config.Rules{
		TermYears: 5, ReviewLeadDays: 90,
		Retirement: config.Retirement{
			Male:   config.AgeRoadmap{FromYear: 2021, Start: age("60y3m"), StepMonths: 3, Final: age("62y")},
			Female: config.AgeRoadmap{FromYear: 2021, Start: age("55y4m"), StepMonths: 4, Final: age("60y")},
		},
		NoReappointYears: 2, ShortTermYears: 5, RefresherMinHours: 40,
	})

	type job struct {
		cron, catchup string
		to            []string
	}
	jobs := map[string]job{
		"course-reminders":  {"0 7 * * *", "12h", []string{"person"}},
		"refresher-hours":   {"0 7 1 * *", "7d", []string{"person"}},
		"reappointments":    {"0 7 * * 1", "3d", []string{"hr", "unit_head"}},
		"planning-review":   {"0 7 15 3 *", "30d", []string{"hr"}},
		"evaluation-season": {"0 7 1 11,12 *", "7d", []string{"hr", "unit_head"}},
		"monthly-digest":    {"0 7 1 * *", "7d", []string{"leadership", "hr"}},
		"delivery-failures": {"0 8 * * *", "12h", []string{"hr"}},
	}
	scheds := c.JobSchedules()
	for name, want := range jobs {
		s := scheds[name]
		check(name+".schedule", s.Cron, want.cron)
		check(name+".catchup_window", s.CatchupWindow, dur(want.catchup))
		check(name+".overlap", s.Overlap, "skip")
		check(name+".enabled", s.IsEnabled(), true)
		check(name+".timezone", s.Timezone, "Asia/Ho_Chi_Minh")
		check(name+".location", s.Location.String(), "Asia/Ho_Chi_Minh")
	}
	j := c.Jobs
	check("course-reminders.to", j.CourseReminders.To, jobs["course-reminders"].to)
	check("course-reminders.steps_days", j.CourseReminders.StepsDays, []int{30, 7, 1})
	check("course-reminders.overdue_every_days", j.CourseReminders.OverdueEveryDays, 7)
	check("course-reminders.escalation", j.CourseReminders.Escalation, []config.Escalation{
		{To: []string{"manager"}, AfterWeeks: 0, Repeat: true}, {To: []string{"unit_head"}, AfterWeeks: 4}, {To: []string{"hr"}, AfterWeeks: 8}})
	check("course-reminders.certificates", *j.CourseReminders.Certificates, true)
	check("course-reminders.data_to", j.CourseReminders.DataTo, []string{"hr"})
	check("refresher-hours.to", j.RefresherHours.To, jobs["refresher-hours"].to)
	check("refresher-hours.from", j.RefresherHours.From, "09-01")
	check("refresher-hours.list_to", j.RefresherHours.ListTo, []string{"hr"})
	check("refresher-hours.categories", j.RefresherHours.Categories, []string{"refresher", "state_management", "leadership", "defense_security", "it", "language"})
	check("refresher-hours.data_to", j.RefresherHours.DataTo, []string{"hr"})
	check("reappointments.to", j.Reappointments.To, jobs["reappointments"].to)
	check("reappointments.steps_days", j.Reappointments.StepsDays, []int{120, 90, 60, 30})
	check("reappointments.overdue_every_days", j.Reappointments.OverdueEveryDays, 7)
	check("reappointments.data_to", j.Reappointments.DataTo, []string{"hr"})
	p := j.PlanningReview
	check("planning-review.to", p.To, jobs["planning-review"].to)
	check("planning-review numbers", []float64{float64(p.PoorRatingYears), float64(p.MaxPerPost), float64(p.MaxPostsPerPerson), float64(p.YoungMaxAge), p.YoungShare, p.WomenShare}, []float64{1, 3, 3, 45, 15, 25})
	check("planning-review.post_theory", p.PostTheory, []config.PostRequirement{
		{Keyword: "Giám đốc", Theory: "advanced"},
		{Keyword: "Phó Giám đốc", Theory: "intermediate"},
		{Keyword: "Trưởng ban", Theory: "advanced"},
		{Keyword: "Phó Trưởng ban", Theory: "intermediate"},
		{Keyword: "Trưởng phòng", Theory: "intermediate"},
		{Keyword: "Phó Trưởng phòng", Theory: "intermediate"},
	})
	check("planning-review.data_to", p.DataTo, []string{"hr"})
	check("evaluation-season.to", j.EvaluationSeason.To, jobs["evaluation-season"].to)
	check("evaluation-season.deadline", j.EvaluationSeason.Deadline, "12-15")
	check("evaluation-season.data_to", j.EvaluationSeason.DataTo, []string{"hr"})
	check("monthly-digest.to", j.MonthlyDigest.To, jobs["monthly-digest"].to)
	check("monthly-digest.unit_heads", *j.MonthlyDigest.UnitHeads, true)
	check("monthly-digest.charts_min_staff", j.MonthlyDigest.ChartsMinStaff, 200)
	check("delivery-failures.to", j.DeliveryFailures.To, jobs["delivery-failures"].to)
	check("sample.staff", c.Sample.Staff, 0)

	// The default jobs send to hr and leadership, which an empty file leaves
	// empty: fine for a trial with the outbox, but worth a warning.
	check("warnings", c.Warnings(), []string{
		"testdata/empty.yaml: recipients.hr: no address: what the jobs course-reminders, refresher-hours, reappointments, planning-review, evaluation-season, monthly-digest, delivery-failures send to this list reaches nobody",
		"testdata/empty.yaml: recipients.leadership: no address: what the jobs monthly-digest send to this list reaches nobody",
	})

	// Default() is the same configuration, under another name.
	d := config.Default()
	if d.Redacted() != c.Redacted() {
		t.Errorf("Default() differs from an empty file:\n%s\nvs\n%s", d.Redacted(), c.Redacted())
	}
}

// TestPartialSection: a section the file gives in part keeps the defaults of
// the keys it leaves out; a list the file gives replaces the default list.
func TestPartialSection(t *testing.T) {
	c, err := config.Parse([]byte(`
mail:
  delivery:
    workers: 2
jobs:
  course-reminders:
    steps_days: [14]
    enabled: false
`), "partial.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Mail.Delivery; d.Workers != 2 || d.BatchSize != 100 || d.Poll != dur("5s") {
		t.Errorf("delivery = %+v, want workers 2 and the other defaults", d)
	}
	cr := c.Jobs.CourseReminders
	if !slices.Equal(cr.StepsDays, []int{14}) {
		t.Errorf("steps_days = %v, want [14] (replaced, not merged)", cr.StepsDays)
	}
	if cr.IsEnabled() || cr.Cron != "0 7 * * *" || !slices.Equal(cr.To, []string{"person"}) {
		t.Errorf("course-reminders = %+v, want disabled with the default schedule and to", cr)
	}
	if c.Mail.Transport != "outbox" || c.Rules.TermYears != 5 {
		t.Errorf("sections the file leaves out lost their defaults")
	}
}

// TestFull loads a file that sets every key and checks the values.
func TestFull(t *testing.T) {
	t.Setenv("TICKLER_TEST_DB_PASSWORD", "db-pass-from-env")
	c, err := config.Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	check("timezone", c.Location.String(), "Asia/Bangkok")
	check("language", c.Language, "en")
	check("database.driver", c.Database.Driver, "postgres")
	check("database.dsn", c.Database.DSN.Reveal(), "postgres://tickler:db-pass-from-env@db:5432/tickler?sslmode=disable")
	m := c.Mail
	check("mail", []string{m.Transport, m.OutboxDir, m.From, m.ReplyTo}, []string{"smtp", "/var/spool/tickler", "Ban Tổ chức <tochuc@example.vn>", "tochuc@example.vn"})
	check("mail.smtp", m.SMTP, config.SMTP{
		Host: "smtp.example.vn", Port: 465, TLS: "implicit", Auth: "plain", Username: "tickler",
		Password: "s3cr3t-from-file", PasswordFile: "testdata/smtp-password.txt", HeloName: "tickler.example.vn",
		IdleTimeout: dur("45s"),
	})
	check("mail.delivery", m.Delivery, config.Delivery{
		Workers: 2, BatchSize: 50, Lease: dur("5m"), Timeout: dur("1m"), DataTimeout: dur("15m"), MaxAttempts: 5, MaxAge: dur("36h"),
		BackoffInitial: dur("90s"), BackoffMax: dur("2h"), RatePerSecond: 2.5, MaxPerHour: 1000, Poll: dur("10s"),
	})
	check("recipients.hr", c.ListAddresses("hr"), []string{"tochuc@example.vn", "Nguyễn Thị Lan <lan@example.vn>"})
	check("recipients.board", c.ListAddresses("board"), []string{"bantochuc@example.vn"})
	check("http.listen", c.HTTP.Listen, ":9090")
	check("rules.review_lead_days", c.Rules.ReviewLeadDays, 120)
	check("rules.refresher_min_hours", c.Rules.RefresherMinHours, 32.5)

	j := c.Jobs
	cr := j.CourseReminders
	check("course-reminders.schedule", []any{cr.Cron, cr.CatchupWindow, cr.Overlap}, []any{"30 6 * * 1-5", dur("1d12h"), "queue"})
	check("course-reminders.cc", cr.Cc, []string{"board"})
	// Sorted from the earliest reminder to the last, the repeat dropped.
	check("course-reminders.steps_days", cr.StepsDays, []int{60, 14, 1})
	check("course-reminders.overdue", []any{cr.OverdueEveryDays, cr.Escalation, *cr.Certificates},
		[]any{3, []config.Escalation{{To: []string{"manager", "unit_head"}, Repeat: true}, {To: []string{"board"}, AfterWeeks: 2}}, false})
	rh := j.RefresherHours
	check("refresher-hours", []any{rh.Cron, rh.From, rh.ListTo}, []any{"@monthly", "10-01", []string{"hr", "board"}})
	// The Vietnamese label "Tin học" is stored as its code, once.
	check("refresher-hours.categories", rh.Categories, []string{"refresher", "it"})
	ra := j.Reappointments
	check("reappointments.timezone", []any{ra.Timezone, ra.Location.String()}, []any{"Europe/Berlin", "Europe/Berlin"})
	check("reappointments.to", ra.To, []string{"hr", "unit_head", "giamdoc@example.vn"})
	check("reappointments.catchup_window", ra.CatchupWindow, dur("90s"))
	pr := j.PlanningReview
	check("planning-review numbers", []float64{float64(pr.PoorRatingYears), float64(pr.MaxPerPost), float64(pr.MaxPostsPerPerson), float64(pr.YoungMaxAge), pr.YoungShare, pr.WomenShare}, []float64{2, 2, 2, 40, 20, 30})
	// The label "Cao cấp" is stored as the code advanced.
	check("planning-review.post_theory", pr.PostTheory, []config.PostRequirement{
		{Keyword: "Chánh Văn phòng", Theory: "advanced"},
		{Keyword: "Phó Chánh Văn phòng", Theory: "intermediate"},
	})
	check("evaluation-season", []any{j.EvaluationSeason.IsEnabled(), j.EvaluationSeason.Deadline}, []any{false, "12-10"})
	check("monthly-digest", []any{j.MonthlyDigest.To, *j.MonthlyDigest.UnitHeads, j.MonthlyDigest.ChartsMinStaff}, []any{[]string{"leadership"}, false, 0})
	check("delivery-failures.to", j.DeliveryFailures.To, []string{"hr", "board"})
	check("delivery-failures.lookback", j.DeliveryFailures.Lookback, dur("7d"))
	check("sample", c.Sample, config.Sample{Staff: 200, Seed: 7})
	check("warnings", c.Warnings(), []string(nil))
}

// TestEnvExpansion: ${VAR} works in any scalar, also numbers; $${ is a
// literal ${; a lone $ stays.
func TestEnvExpansion(t *testing.T) {
	t.Setenv("TICKLER_TEST_HOST", "smtp.example.vn")
	t.Setenv("TICKLER_TEST_PORT", "2525")
	t.Setenv("TICKLER_TEST_PASSWORD", "pa$$-from-env")
	c, err := config.Parse([]byte(`
mail:
  transport: smtp
  from: tochuc@example.vn
  smtp:
    host: ${TICKLER_TEST_HOST}
    port: ${TICKLER_TEST_PORT}
    username: user-$${literal}-$x
    password: ${TICKLER_TEST_PASSWORD}
recipients:
  hr: [tochuc@example.vn]
  leadership: [tochuc@example.vn]
`), "env.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Mail.SMTP
	if s.Host != "smtp.example.vn" || s.Port != 2525 || s.Password.Reveal() != "pa$$-from-env" {
		t.Errorf("smtp = %s:%d, password %q", s.Host, s.Port, s.Password.Reveal())
	}
	if s.Username != "user-${literal}-$x" {
		t.Errorf("username = %q, want user-${literal}-$x", s.Username)
	}
}

// TestEnvValueNotEchoed: a bad value from the environment is reported by the
// text in the file, not by the value.
func TestEnvValueNotEchoed(t *testing.T) {
	t.Setenv("TICKLER_TEST_PORT", "not-a-port-value")
	_, err := config.Parse([]byte("mail:\n  smtp:\n    port: ${TICKLER_TEST_PORT}\n"), "env.yaml")
	want := `env.yaml:3: mail.smtp.port: "${TICKLER_TEST_PORT}" is not a whole number`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestBadReference: a malformed ${...} is an error that does not echo the text,
// which may be part of a literal password.
func TestBadReference(t *testing.T) {
	_, err := config.Parse([]byte("mail:\n  smtp:\n    password: \"ab${c d}ef\"\n"), "ref.yaml")
	want := "ref.yaml:3: mail.smtp.password: a ${...} reference must hold an environment variable name (letters, digits, _); write $${ for a literal ${"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

// TestSecretFiles: password_file and dsn_file are read at load, less the
// trailing newline.
func TestSecretFiles(t *testing.T) {
	c, err := config.Parse([]byte(`
database:
  driver: postgres
  dsn_file: testdata/dsn.txt
mail:
  smtp:
    username: tickler
    password_file: testdata/smtp-password.txt
`), "files.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Mail.SMTP.Password.Reveal(); got != "s3cr3t-from-file" {
		t.Errorf("password = %q, want s3cr3t-from-file", got)
	}
	if got := c.Database.DSN.Reveal(); got != "host=db user=tickler password=dsn-file-secret dbname=tickler" {
		t.Errorf("dsn = %q", got)
	}
}

// TestSecretsHidden: neither Redacted, String, %v/%+v/%#v nor slog show a
// password or the password in a DSN.
func TestSecretsHidden(t *testing.T) {
	t.Setenv("TICKLER_TEST_DB_PASSWORD", "db-pass-from-env")
	c, err := config.Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "password", c.Mail.SMTP.Password, "dsn", c.Database.DSN)
	red := c.Redacted()
	outputs := map[string]string{
		"Redacted": red,
		"String":   c.String(),
		"%v":       fmt.Sprintf("%v", *c),
		"%+v":      fmt.Sprintf("%+v", c.Mail),
		"%#v":      fmt.Sprintf("%#v", c.Mail.SMTP),
		"slog":     logged.String(),
	}
	for name, out := range outputs {
		for _, secret := range []string{"s3cr3t-from-file", "db-pass-from-env"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows the secret %q:\n%s", name, secret, out)
			}
		}
	}
	for _, want := range []string{
		"password: <secret> # read from password_file",
		"dsn: postgres://tickler:<secret>@db:5432/tickler?sslmode=disable",
		"password_file: testdata/smtp-password.txt",
		"catchup_window: 1d12h",
		"start: 60y3m",
	} {
		if !strings.Contains(red, want) {
			t.Errorf("Redacted lacks %q:\n%s", want, red)
		}
	}
	// The redacted output is itself a configuration with the same shape
	// (secrets aside): every key it prints is known.
	if _, err := config.Parse([]byte(strings.ReplaceAll(red, "<secret>", "x")), "redacted.yaml"); err != nil {
		var errs config.Errors
		errors.As(err, &errs)
		for _, e := range errs {
			if strings.Contains(e.Msg, "unknown key") {
				t.Errorf("Redacted prints a key Parse does not know: %v", e)
			}
		}
	}
}

// TestRedactDSN hides passwords in both DSN forms and leaves the rest.
func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		// A SQLite path has nothing to hide.
		{"data/tickler.db", "data/tickler.db"},
		// A URL's user password.
		{"postgres://tickler:pw@db/tickler?sslmode=disable", "postgres://tickler:<secret>@db/tickler?sslmode=disable"},
		// A URL without a password is left alone.
		{"postgres://tickler@db/tickler", "postgres://tickler@db/tickler"},
		// A password as a query parameter.
		{"postgresql://db/tickler?password=pw&user=t", "postgresql://db/tickler?password=<secret>&user=t"},
		// key=value form, quoted and not.
		{"host=db password=pw user=t", "host=db password=<secret> user=t"},
		{"host=db password='p w' sslpassword=x", "host=db password=<secret> sslpassword=<secret>"},
		// A URL that does not parse is hidden whole.
		{"postgres://t:p%zz@db/x", "<secret>"},
	}
	for _, tt := range tests {
		if got := config.RedactDSN(tt.in); got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestJobNames: JobNames, the jobs section and JobSchedules agree.
func TestJobNames(t *testing.T) {
	var tags []string
	typ := reflect.TypeFor[config.Jobs]()
	for i := range typ.NumField() {
		tags = append(tags, typ.Field(i).Tag.Get("yaml"))
	}
	if !slices.Equal(tags, config.JobNames) {
		t.Errorf("Jobs fields %v, JobNames %v", tags, config.JobNames)
	}
	c := config.Default()
	scheds := c.JobSchedules()
	for _, name := range config.JobNames {
		s, ok := c.Job(name)
		if !ok || s != scheds[name] || s == nil {
			t.Errorf("Job(%q) = %p, %v; JobSchedules has %p", name, s, ok, scheds[name])
		}
	}
	if len(scheds) != len(config.JobNames) {
		t.Errorf("JobSchedules has %d jobs, want %d", len(scheds), len(config.JobNames))
	}
	if _, ok := c.Job("no-such-job"); ok {
		t.Errorf("Job(no-such-job) found")
	}
	// The pointer is into the config: the scheduler sees what Load set.
	scheds["monthly-digest"].Overlap = "queue"
	if c.Jobs.MonthlyDigest.Overlap != "queue" {
		t.Errorf("JobSchedules returned a copy")
	}
}

// TestScheduleNext: schedules run in their job's zone.
func TestScheduleNext(t *testing.T) {
	t.Setenv("TICKLER_TEST_DB_PASSWORD", "x")
	c, err := config.Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC) // a Saturday
	tests := []struct {
		job  string
		want string
	}{
		// Weekdays 06:30 in Asia/Bangkok (UTC+7): Monday 30 March.
		{"course-reminders", "2026-03-30T06:30:00+07:00"},
		// Mondays 08:00 in Europe/Berlin, which moves to summer time on 29 March.
		{"reappointments", "2026-03-30T08:00:00+02:00"},
		// @daily: midnight in the agency's zone, every day (working_days: false).
		{"delivery-failures", "2026-03-29T00:00:00+07:00"},
	}
	for _, tt := range tests {
		s, _ := c.Job(tt.job)
		if got := s.Next(from).Format(time.RFC3339); got != tt.want {
			t.Errorf("%s: Next(%s) = %s, want %s", tt.job, from.Format(time.RFC3339), got, tt.want)
		}
	}
	// Default: daily at 07:00 Asia/Ho_Chi_Minh is 00:00 UTC, on working
	// days: Sunday 29 March's slot runs on Monday 30.
	s, _ := config.Default().Job("course-reminders")
	if got := s.Next(from).UTC().Format(time.RFC3339); got != "2026-03-30T00:00:00Z" {
		t.Errorf("default course-reminders next = %s, want 2026-03-30T00:00:00Z", got)
	}
	// A Schedule not from Load has no next run, rather than a wrong one.
	if got := (&config.Schedule{Cron: "0 7 * * *"}).Next(from); !got.IsZero() {
		t.Errorf("hand-made Schedule.Next = %s, want zero", got)
	}
}

// TestTheoryFor: the longest keyword found in the post's name wins.
func TestTheoryFor(t *testing.T) {
	p := config.Default().Jobs.PlanningReview
	tests := []struct {
		post, want string
		ok         bool
	}{
		{"Giám đốc Sở Nội vụ", "advanced", true},
		// "Phó Giám đốc" contains "Giám đốc": the longer keyword wins.
		{"Phó Giám đốc Sở Nội vụ", "intermediate", true},
		{"Phó Trưởng ban Tổ chức Tỉnh ủy", "intermediate", true},
		{"Trưởng ban Tổ chức Tỉnh ủy", "advanced", true},
		// Case does not matter.
		{"phó trưởng phòng tổ chức", "intermediate", true},
		// Decomposed Unicode (as some Windows tools write it) matches too.
		{"Gia\u0301m đô\u0301c Sở", "advanced", true},
		{"Chuyên viên", "", false},
	}
	for _, tt := range tests {
		got, ok := p.TheoryFor(tt.post)
		if got != tt.want || ok != tt.ok {
			t.Errorf("TheoryFor(%q) = %q, %v; want %q, %v", tt.post, got, ok, tt.want, tt.ok)
		}
	}
}

// TestListAddresses resolves list names and addresses, not roles.
func TestListAddresses(t *testing.T) {
	c, err := config.Parse([]byte("recipients:\n  hr: [a@example.vn, b@example.vn]\n  leadership: [c@example.vn]\n"), "lists.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want []string
	}{
		{"hr", []string{"a@example.vn", "b@example.vn"}},
		// An address stands for itself.
		{"d@example.vn", []string{"d@example.vn"}},
		// A role is resolved per item by the job, not here.
		{"manager", nil},
		{"no-such-list", nil},
	}
	for _, tt := range tests {
		if got := c.ListAddresses(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("ListAddresses(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	// The result is a copy.
	c.ListAddresses("hr")[0] = "x"
	if c.Recipients["hr"][0] != "a@example.vn" {
		t.Errorf("ListAddresses returned the config's own slice")
	}
}

// TestAnchors: YAML anchors, aliases and merge keys work like in any YAML tool.
func TestAnchors(t *testing.T) {
	c, err := config.Parse([]byte(`
recipients:
  hr: &hr [tochuc@example.vn]
  leadership: *hr
jobs:
  reappointments: &weekly
    schedule: "0 6 * * 1"
    catchup_window: 2d
  planning-review:
    <<: *weekly
    catchup_window: 5d
`), "anchors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Recipients["leadership"]; !slices.Equal(got, []string{"tochuc@example.vn"}) {
		t.Errorf("leadership = %v", got)
	}
	pr := c.Jobs.PlanningReview
	if pr.Cron != "0 6 * * 1" || pr.CatchupWindow != dur("5d") {
		t.Errorf("planning-review = %q %s, want the merged schedule and its own catchup_window", pr.Cron, pr.CatchupWindow)
	}
}

func dur(s string) config.Duration {
	d, err := config.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func age(s string) config.Age {
	a, err := config.ParseAge(s)
	if err != nil {
		panic(err)
	}
	return a
}
