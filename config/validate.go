package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	cronzone "github.com/tickler-dev/tickler/schedule"
	"io/fs"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/calendar"
	"github.com/tickler-dev/tickler/civil"

	"github.com/robfig/cron/v3"
	"golang.org/x/crypto/bcrypt"

	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/mailaddr"
)

// validator checks a decoded Config, completes what is derived from it
// (locations, parsed schedules, secrets read from files, codes for labels) and
// records every problem with the line of its key.
type validator struct {
	*decoder
	readFile func(string) ([]byte, error)
	warnings []string
	// lost: what a job sends to a list with no address, or to a role where
	// only lists count; fileModes: secret files others may read.
	lost, fileModes []string

	curJob string              // the job being checked, "" when it is disabled
	uses   map[string][]string // list name -> enabled jobs that send to it
}

// line is the line of path in the file, or of its nearest ancestor written
// there (a missing key is reported at its section), or 0.
func (v *validator) line(path string) int {
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := v.lines[p]; ok {
			return l
		}
	}
	return 0
}

func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// set reports whether the file wrote the key.
func (v *validator) set(path string) bool {
	_, ok := v.lines[path]
	return ok
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errorAt(v.line(path), path, format, args...)
}

// requiredBy reports a missing key at the line of the key that requires it
// (mail.smtp.host at mail.transport: smtp) when the file does not have it.
func (v *validator) requiredBy(path, by, format string, args ...any) {
	line := v.line(path)
	if !v.set(path) && v.set(by) {
		line = v.line(by)
	}
	v.errorAt(line, path, format, args...)
}

func (v *validator) warnf(path, format string, args ...any) {
	e := &Error{File: v.file, Line: v.line(path), Key: path, Msg: fmt.Sprintf(format, args...)}
	v.warnings = append(v.warnings, e.Error())
}

// oneOf checks that *s is one of the allowed values.
func (v *validator) oneOf(path, s string, allowed ...string) {
	if !slices.Contains(allowed, s) {
		v.errorf(path, "%s is not one of %s", v.show(path, s), strings.Join(allowed, ", "))
	}
}

func (v *validator) atLeast(path string, n, least int) {
	if n < least {
		v.errorf(path, "%d: must be at least %d", n, least)
	}
}

func (v *validator) percent(path string, f float64) {
	if f < 0 || f > 100 {
		v.errorf(path, "%g is not a percentage (0 to 100)", f)
	}
}

func (v *validator) positive(path string, d Duration) {
	if d <= 0 {
		v.errorf(path, "must be longer than 0s")
	}
}

// address checks an email address ("a@b.vn" or "Name <a@b.vn>").
func (v *validator) address(path, s string) {
	if _, err := mail.ParseAddress(s); err != nil {
		v.errorf(path, "%s is not a valid email address", v.show(path, s))
	}
}

// recipient checks a recipient in a list or a job's entries, "a@b.vn" or
// "Name <a@b.vn>": the address must pass the rule the planner applies to every
// recipient (package mailaddr), or it would fail the job's runs.
func (v *validator) recipient(path, s string) {
	addr := s
	if strings.ContainsAny(s, "<>") {
		a, err := mail.ParseAddress(s)
		if err != nil {
			v.errorf(path, "%s is not a valid email address", v.show(path, s))
			return
		}
		addr = a.Address
	}
	if _, err := mailaddr.Normalize(addr); err != nil {
		v.errorf(path, "%s is not a valid email address%s", v.show(path, s), mailaddr.Why(err))
	}
}

// secretFile reads a *_file key: the whole file, less trailing newlines.
func (v *validator) secretFile(path, file string) (string, bool) {
	data, err := v.readFile(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		v.errorf(path, "cannot read %s: %v", file, err)
		return "", false
	}
	s := strings.TrimRight(string(data), "\r\n")
	if s == "" {
		v.errorf(path, "%s is empty", file)
		return "", false
	}
	if fi, err := os.Stat(file); err == nil && othersMayRead(fi) {
		// libpq's words for its key file.
		e := &Error{File: v.file, Line: v.line(path), Key: path, Msg: file + " has group or world access; " +
			"permissions should be u=rw (0600) or less, or u=rw,g=r (0640) or less if owned by root"}
		v.fileModes = append(v.fileModes, e.Error())
	}
	return s, true
}

func (v *validator) config(c *Config) {
	c.Location = time.UTC // until the zone loads, so that jobs can be checked
	if c.Timezone == "" {
		v.errorf("timezone", "must not be empty (an IANA zone like Asia/Ho_Chi_Minh)")
	} else if loc, err := time.LoadLocation(c.Timezone); err != nil {
		v.errorf("timezone", "%s is not a known time zone (an IANA zone like Asia/Ho_Chi_Minh)", v.show("timezone", c.Timezone))
	} else {
		c.Location = loc
	}
	v.oneOf("language", c.Language, "vi", "en")
	v.database(&c.Database)
	v.mail(&c.Mail)
	v.recipientLists(c)
	v.http(&c.HTTP)
	v.calendar(&c.Calendar)
	v.public(&c.HTTP)
	v.rules(&c.Rules)
	v.jobs(c)
	v.atLeast("sample.staff", c.Sample.Staff, 0)
}

func (v *validator) database(d *Database) {
	v.oneOf("database.driver", d.Driver, "sqlite", "postgres")
	key := "database.dsn"
	if d.DSNFile != "" {
		key = "database.dsn_file"
		if v.set("database.dsn") {
			v.errorf(key, "at most one of database.dsn & database.dsn_file must be configured")
			return
		}
		s, ok := v.secretFile(key, d.DSNFile)
		if !ok {
			return
		}
		d.DSN = Secret(s)
	}
	// The messages never quote the DSN: it may hold a password.
	dsn := d.DSN.Reveal()
	switch {
	case d.Driver == "postgres" && !v.set("database.dsn") && d.DSNFile == "":
		v.requiredBy(key, "database.driver", "required when database.driver is postgres (or database.dsn_file)")
	case dsn == "":
		v.errorf(key, "must not be empty")
	case d.Driver == "sqlite" && (strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")):
		v.errorf(key, "a PostgreSQL URL, but database.driver is sqlite (set it to postgres)")
	case d.Driver == "postgres" && strings.Contains(dsn, "://"):
		if u, err := url.Parse(dsn); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			v.errorf(key, "not a postgres:// URL or a key=value connection string")
		}
	}
}

func (v *validator) mail(m *Mail) {
	v.oneOf("mail.transport", m.Transport, "outbox", "smtp")
	smtp := m.Transport == "smtp"
	switch {
	case m.From != "":
		v.address("mail.from", m.From)
	case smtp:
		v.requiredBy("mail.from", "mail.transport", "required when mail.transport is smtp")
	default:
		m.From = defaultOutboxFrom
	}
	if m.ReplyTo != "" {
		v.address("mail.reply_to", m.ReplyTo)
	}
	if m.Transport == "outbox" && m.OutboxDir == "" {
		v.errorf("mail.outbox_dir", "required when mail.transport is outbox")
	}
	if m.ListLimit < 0 {
		v.errorf("mail.list_limit", "must be 0 (no limit) or more")
	}
	if m.TemplatesDir != "" {
		if fi, err := os.Stat(m.TemplatesDir); err != nil || !fi.IsDir() {
			v.errorf("mail.templates_dir", "%q is not a readable folder", m.TemplatesDir)
		}
	}
	v.smtp(&m.SMTP, smtp)
	v.delivery(&m.Delivery)
}

// smtpAuths are the mechanisms of mail.smtp.auth; notify/smtp maps them to go-mail.
var smtpAuths = []string{"", "auto", "plain", "login", "cram-md5", "scram-sha-1", "scram-sha-1-plus", "scram-sha-256", "scram-sha-256-plus", "xoauth2", "none"}

func (v *validator) smtp(s *SMTP, used bool) {
	const p = "mail.smtp."
	switch {
	case s.Host == "" && used:
		v.requiredBy(p+"host", "mail.transport", "required when mail.transport is smtp")
	case s.Host != "":
		if _, _, err := net.SplitHostPort(s.Host); err == nil {
			v.errorf(p+"host", "%s: give the port in mail.smtp.port, not in the host", v.show(p+"host", s.Host))
		}
	}
	if s.Port < 1 || s.Port > 65535 {
		v.errorf(p+"port", "%d is not a port (1 to 65535)", s.Port)
	}
	v.oneOf(p+"tls", s.TLS, "mandatory", "implicit", "opportunistic", "none")
	v.positive(p+"idle_timeout", s.IdleTimeout)
	s.Auth = strings.ToLower(s.Auth)
	if !slices.Contains(smtpAuths, s.Auth) {
		v.errorf(p+"auth", "%s is not one of %s", v.show(p+"auth", s.Auth), strings.Join(smtpAuths[1:], ", "))
	}
	if s.PasswordFile != "" {
		if s.Password != "" {
			v.errorf(p+"password_file", "at most one of mail.smtp.password & mail.smtp.password_file must be configured")
		} else if pw, ok := v.secretFile(p+"password_file", s.PasswordFile); ok {
			s.Password = Secret(pw)
		}
	}
	switch {
	case s.Password != "" && s.Username == "":
		v.requiredBy(p+"username", p+"password", "required when a password is set")
	case used && s.Username != "" && s.Password == "" && s.PasswordFile == "" && s.Auth != "none":
		v.requiredBy(p+"password", p+"username", "required when mail.smtp.username is set (or mail.smtp.password_file)")
	}
	if s.CAFile != "" {
		if pem, err := v.readFile(s.CAFile); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			v.errorf(p+"ca_file", "cannot read %s: %v", s.CAFile, err)
		} else if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			v.errorf(p+"ca_file", "%s holds no PEM certificate", s.CAFile)
		}
	}
}

func (v *validator) delivery(d *Delivery) {
	const p = "mail.delivery."
	v.atLeast(p+"workers", d.Workers, 1)
	v.atLeast(p+"batch_size", d.BatchSize, 1)
	v.positive(p+"lease", d.Lease)
	v.positive(p+"timeout", d.Timeout)
	v.positive(p+"data_timeout", d.DataTimeout)
	if d.Lease > 0 && d.Timeout >= d.Lease {
		// A claimed row is sent only while its lease outlasts a send begun
		// now: with a lease no longer than the timeout, none ever would be.
		v.errorf(p+"lease", "%s is not longer than mail.delivery.timeout (%s): no claimed row would have time to be sent before another worker could take it", d.Lease, d.Timeout)
	}
	v.atLeast(p+"max_attempts", d.MaxAttempts, 1)
	v.positive(p+"backoff_initial", d.BackoffInitial)
	if d.BackoffMax < d.BackoffInitial {
		v.errorf(p+"backoff_max", "%s is shorter than mail.delivery.backoff_initial (%s)", d.BackoffMax, d.BackoffInitial)
	}
	if d.RatePerSecond < 0 {
		v.errorf(p+"rate_per_second", "must not be negative (0 = unlimited)")
	}
	v.atLeast(p+"max_per_hour", d.MaxPerHour, 0)
	v.positive(p+"poll", d.Poll)
}

// recipientLists checks the named lists: names are not roles, entries are
// addresses.
func (v *validator) recipientLists(c *Config) {
	for _, name := range slices.Sorted(maps.Keys(c.Recipients)) {
		p := "recipients." + name
		switch {
		case name == "":
			v.errorf(p, "a list needs a name")
		case IsRole(name):
			v.errorf(p, "%s is a role (person, manager, unit_head), not a list name", name)
		case strings.Contains(name, "@"):
			v.errorf(p, "a list name, not an address, goes here (recipients: {hr: [%s]})", name)
		}
		for i, a := range c.Recipients[name] {
			v.recipient(fmt.Sprintf("%s[%d]", p, i), a)
		}
	}
}

func (v *validator) http(h *HTTP) {
	v.httpAuth(&h.Auth)
	if !h.Enabled() {
		return
	}
	_, port, err := net.SplitHostPort(h.Listen)
	if err == nil {
		var n int
		n, err = strconv.Atoi(port)
		if err == nil && (n < 0 || n > 65535) {
			err = errors.New("port out of range")
		}
	}
	switch {
	case err != nil:
		v.errorf("http.listen", `%s is not host:port (like 127.0.0.1:8080 or :8080), or "off"`, v.show("http.listen", h.Listen))
	case !h.Loopback() && !h.Auth.Set():
		// The status page names people and the mail they were sent.
		v.requiredBy("http.auth", "http.listen", "required when http.listen (%s) is not a loopback address: "+
			"set http.auth.token (or token_file), or http.auth.username and password_hash (or password_hash_file); or listen on 127.0.0.1",
			v.show("http.listen", h.Listen))
	}
}

// httpAuth checks the status server's credential and reads its files.
func (v *validator) httpAuth(a *HTTPAuth) {
	const p = "http.auth."
	hashKey := p + "password_hash"
	if a.PasswordHashFile != "" {
		hashKey = p + "password_hash_file"
		if a.PasswordHash != "" {
			v.errorf(hashKey, "at most one of http.auth.password_hash & http.auth.password_hash_file must be configured")
		} else if s, ok := v.secretFile(hashKey, a.PasswordHashFile); ok {
			a.PasswordHash = Secret(s)
		}
	}
	if a.TokenFile != "" {
		if a.Token != "" {
			v.errorf(p+"token_file", "at most one of http.auth.token & http.auth.token_file must be configured")
		} else if s, ok := v.secretFile(p+"token_file", a.TokenFile); ok {
			a.Token = Secret(s)
		}
	}
	if strings.Contains(a.Username, ":") {
		v.errorf(p+"username", "%s: a user name may not hold \":\"", v.show(p+"username", a.Username))
	}
	switch {
	case a.PasswordHash != "":
		// The message never quotes the hash: it is a secret too.
		if _, err := bcrypt.Cost([]byte(a.PasswordHash.Reveal())); err != nil {
			v.errorf(hashKey, `not a bcrypt hash (like $2y$10$..., from htpasswd -nB USER: the part after "USER:")`)
		}
		if a.Username == "" {
			v.requiredBy(p+"username", hashKey, "required with a password hash")
		}
	case a.Username != "" && a.PasswordHashFile == "":
		v.requiredBy(p+"password_hash", p+"username", "required when http.auth.username is set (or http.auth.password_hash_file)")
	}
}

func (v *validator) rules(r *Rules) {
	const p = "rules."
	if r.TermYears < 1 || r.TermYears > 20 {
		v.errorf(p+"term_years", "%d: must be 1 to 20", r.TermYears)
	}
	if r.ReviewLeadDays < 0 || (r.TermYears > 0 && r.ReviewLeadDays >= r.TermYears*365) {
		v.errorf(p+"review_lead_days", "%d: must be 0 or more and shorter than a term", r.ReviewLeadDays)
	}
	v.ageRoadmap(p+"retirement.male", &r.Retirement.Male)
	v.ageRoadmap(p+"retirement.female", &r.Retirement.Female)
	v.atLeast(p+"no_reappoint_years", r.NoReappointYears, 0)
	if r.ShortTermYears < r.NoReappointYears {
		v.errorf(p+"short_term_years", "%d is less than rules.no_reappoint_years (%d)", r.ShortTermYears, r.NoReappointYears)
	}
	if r.RefresherMinHours < 0 {
		v.errorf(p+"refresher_min_hours", "must not be negative")
	}
}

func (v *validator) ageRoadmap(p string, a *AgeRoadmap) {
	if a.FromYear < 1950 || a.FromYear > 2100 {
		v.errorf(p+".from_year", "%d is not a plausible year", a.FromYear)
	}
	if a.Start < 18*12 || a.Start > 100*12 {
		v.errorf(p+".start", "%s is not a plausible retirement age", a.Start)
	}
	v.atLeast(p+".step_months", a.StepMonths, 0)
	if a.Final < a.Start {
		v.errorf(p+".final", "%s is less than the start age %s", a.Final, a.Start)
	}
}

func (v *validator) jobs(c *Config) {
	v.uses = map[string][]string{}
	j := &c.Jobs
	{
		const p = "jobs.course-reminders"
		v.job(c, p, &j.CourseReminders.Schedule, &j.CourseReminders.Recipients, false)
		j.CourseReminders.StepsDays = v.steps(p+".steps_days", j.CourseReminders.StepsDays)
		v.atLeast(p+".overdue_every_days", j.CourseReminders.OverdueEveryDays, 0)
		for i, e := range j.CourseReminders.Escalation {
			q := fmt.Sprintf("%s.escalation[%d]", p, i)
			v.atLeast(q+".after_weeks", e.AfterWeeks, 0)
			if len(e.To) == 0 {
				v.errorf(q+".to", "no recipients: who hears at this level?")
			}
			v.entries(c, q+".to", e.To)
		}
		v.entries(c, p+".data_to", j.CourseReminders.DataTo)
	}
	{
		const p = "jobs.refresher-hours"
		jr := &j.RefresherHours
		v.job(c, p, &jr.Schedule, &jr.Recipients, false)
		v.monthDay(p+".from", jr.From)
		v.entries(c, p+".list_to", jr.ListTo)
		for i, cat := range jr.Categories {
			pi := fmt.Sprintf("%s.categories[%d]", p, i)
			if code, ok := codes.Category.Parse(cat); ok {
				jr.Categories[i] = code
			} else {
				v.errorf(pi, "%s is not a course category (%s)", v.show(pi, cat), codes.Category.Allowed())
			}
		}
		jr.Categories = dedupe(jr.Categories)
		v.entries(c, p+".data_to", jr.DataTo)
	}
	{
		const p = "jobs.reappointments"
		jr := &j.Reappointments
		v.job(c, p, &jr.Schedule, &jr.Recipients, false)
		jr.StepsDays = v.steps(p+".steps_days", jr.StepsDays)
		v.atLeast(p+".overdue_every_days", jr.OverdueEveryDays, 0)
		v.entries(c, p+".data_to", jr.DataTo)
	}
	{
		const p = "jobs.planning-review"
		jp := &j.PlanningReview
		v.job(c, p, &jp.Schedule, &jp.Recipients, false)
		v.atLeast(p+".poor_rating_years", jp.PoorRatingYears, 0)
		v.atLeast(p+".max_per_post", jp.MaxPerPost, 1)
		v.atLeast(p+".max_posts_per_person", jp.MaxPostsPerPerson, 1)
		if jp.YoungMaxAge < 18 || jp.YoungMaxAge > 100 {
			v.errorf(p+".young_max_age", "%d is not a plausible age", jp.YoungMaxAge)
		}
		v.percent(p+".young_share", jp.YoungShare)
		v.percent(p+".women_share", jp.WomenShare)
		seen := map[string]int{}
		for i := range jp.PostTheory {
			r := &jp.PostTheory[i]
			pi := fmt.Sprintf("%s.post_theory[%d]", p, i)
			kw := fold(r.Keyword)
			if kw == "" {
				v.errorf(pi+".keyword", "required")
			} else if first, dup := seen[kw]; dup {
				v.errorf(pi+".keyword", "%s is already post_theory[%d]", v.show(pi+".keyword", r.Keyword), first)
			} else {
				seen[kw] = i
			}
			if code, ok := codes.PoliticalTheory.Parse(r.Theory); ok {
				r.Theory = code
			} else {
				v.errorf(pi+".theory", "%s is not a political theory level (%s)", v.show(pi+".theory", r.Theory), codes.PoliticalTheory.Allowed())
			}
		}
		v.entries(c, p+".data_to", jp.DataTo)
	}
	{
		const p = "jobs.evaluation-season"
		je := &j.EvaluationSeason
		v.job(c, p, &je.Schedule, &je.Recipients, false)
		v.monthDay(p+".deadline", je.Deadline)
		v.entries(c, p+".data_to", je.DataTo)
	}
	{
		const p = "jobs.monthly-digest"
		jm := &j.MonthlyDigest
		v.job(c, p, &jm.Schedule, &jm.Recipients, jm.UnitHeads != nil && *jm.UnitHeads)
		v.atLeast(p+".charts_min_staff", jm.ChartsMinStaff, 0)
	}
	{
		const p = "jobs.delivery-failures"
		v.job(c, p, &j.DeliveryFailures.Schedule, &j.DeliveryFailures.Recipients, false)
		v.positive(p+".lookback", j.DeliveryFailures.Lookback)
	}
	v.emptyLists(c)
}

// emptyLists reports lists that enabled jobs send to but that hold no
// address: with SMTP a mistake, with the outbox (a trial run) a warning.
func (v *validator) emptyLists(c *Config) {
	for _, name := range slices.Sorted(maps.Keys(v.uses)) {
		if len(c.Recipients[name]) > 0 {
			continue
		}
		p := "recipients." + name
		users := strings.Join(v.uses[name], ", ")
		if c.Mail.Transport == "smtp" {
			v.errorf(p, "no address, but jobs %s send to it", users)
		} else {
			v.warnf(p, "no address: what the jobs %s send to this list reaches nobody", users)
		}
	}
}

// job checks what every job has: its schedule and its to/cc. A job that has
// no `to` sends nothing; that is a mistake unless it has another audience
// (othersGet: the monthly digest's unit heads).
func (v *validator) job(c *Config, p string, s *Schedule, r *Recipients, othersGet bool) {
	v.curJob = ""
	if s.IsEnabled() {
		v.curJob = strings.TrimPrefix(p, "jobs.")
	}
	v.schedule(c, p, s)
	if s.IsEnabled() && len(r.To) == 0 && !othersGet {
		v.errorf(p+".to", "no recipients: the job would send nothing (set enabled: false to turn it off)")
	}
	v.entries(c, p+".to", r.To)
	v.entries(c, p+".cc", r.Cc)
}

func (v *validator) schedule(c *Config, p string, s *Schedule) {
	s.Location = c.Location
	if s.Timezone == "" {
		s.Timezone = c.Timezone
	} else if loc, err := time.LoadLocation(s.Timezone); err != nil {
		v.errorf(p+".timezone", "%s is not a known time zone (an IANA zone like Asia/Ho_Chi_Minh)", v.show(p+".timezone", s.Timezone))
	} else {
		s.Location = loc
	}
	up := strings.ToUpper(strings.TrimSpace(s.Cron))
	switch {
	case up == "":
		v.errorf(p+".schedule", "required (a cron expression like \"0 7 * * *\")")
	case strings.HasPrefix(up, "TZ=") || strings.HasPrefix(up, "CRON_TZ="):
		v.errorf(p+".schedule", "set the zone with %s.timezone, not in the schedule", p)
	default:
		spec, err := cron.ParseStandard(s.Cron)
		if err != nil {
			v.errorf(p+".schedule", "%s is not a cron schedule (minute hour day-of-month month day-of-week, or @daily): %v", v.show(p+".schedule", s.Cron), err)
			break
		}
		if ss, ok := spec.(*cron.SpecSchedule); ok {
			ss.Location = s.Location
		}
		// cron runs "@every 0s", a negative or a sub-second interval every
		// second, and drops a fraction of a second.
		if every, ok := strings.CutPrefix(strings.TrimSpace(s.Cron), "@every "); ok {
			if d, err := time.ParseDuration(strings.TrimSpace(every)); err != nil || d < time.Second || d%time.Second != 0 {
				v.errorf(p+".schedule", "%s: the interval must be at least 1s, in whole seconds (like @every 6h)", v.show(p+".schedule", s.Cron))
				break
			}
		}
		s.spec = spec
		if s.OnWorkingDays() {
			// A nil *Calendar is a nil interface too: every day works.
			if days := c.Calendar.Days(); days != nil {
				s.spec = cronzone.OnWorkdays(spec, days, s.Location)
			}
		}
	}
	v.oneOf(p+".overlap", s.Overlap, "skip", "queue")
}

// calendar checks the working-day calendar and loads it.
func (v *validator) calendar(c *Calendar) {
	v.oneOf("calendar.country", c.Country, "vn", "none")
	dates := func(key string, list []string) []civil.Date {
		var out []civil.Date
		for i, s := range list {
			d, err := civil.Parse(s)
			if err != nil || strings.Count(s, "-") != 2 {
				v.errorf(fmt.Sprintf("%s[%d]", key, i), "%s is not a date (YYYY-MM-DD)", v.show(fmt.Sprintf("%s[%d]", key, i), s))
				continue
			}
			out = append(out, d)
		}
		return out
	}
	holidays, workdays := dates("calendar.holidays", c.Holidays), dates("calendar.workdays", c.Workdays)
	if c.Country == "none" {
		if len(holidays)+len(workdays) > 0 {
			v.errorf("calendar.country", "none: there is no calendar for calendar.holidays and calendar.workdays (use vn)")
		}
		return
	}
	days, err := calendar.New(c.Country, holidays, workdays)
	if err != nil {
		v.errorf("calendar", "%v", err)
		return
	}
	c.days = days
}

// entries checks a list of recipients: each a role, a list name defined under
// `recipients`, or an email address.
func (v *validator) entries(c *Config, p string, list []string) {
	for i, e := range list {
		pi := fmt.Sprintf("%s[%d]", p, i)
		switch _, isList := c.Recipients[e]; {
		case IsRole(e):
		case isList:
			if v.curJob != "" && !slices.Contains(v.uses[e], v.curJob) {
				v.uses[e] = append(v.uses[e], v.curJob)
			}
		case strings.Contains(e, "@"):
			v.recipient(pi, e)
		default:
			v.errorf(pi, "%s is not a role (person, manager, unit_head), a list under recipients (%s) or an email address",
				v.show(pi, e), strings.Join(slices.Sorted(maps.Keys(c.Recipients)), ", "))
		}
	}
	if v.curJob != "" {
		v.lostEntries(c, p, list)
	}
}

// lostEntries warns of each entry of an enabled job's key that reaches
// nobody: a list with no address, or a role in a key whose job resolves only
// lists and addresses (jobs/recipients.go, listsOnly).
func (v *validator) lostEntries(c *Config, p string, list []string) {
	key := p[strings.LastIndexByte(p, '.')+1:]
	listsOnly := key == "data_to" || strings.HasPrefix(p, "jobs.monthly-digest.") || strings.HasPrefix(p, "jobs.delivery-failures.")
	type loss struct {
		i   int
		why string
	}
	var lost []loss
	distinct := 0
	for i, e := range list {
		if slices.Index(list, e) < i {
			continue // a repeat
		}
		distinct++
		switch addrs, isList := c.Recipients[e]; {
		case IsRole(e) && listsOnly:
			lost = append(lost, loss{i, fmt.Sprintf("%q is a role, but %s takes lists and addresses only", e, key)})
		case isList && len(addrs) == 0 && v.set("recipients."+e):
			lost = append(lost, loss{i, fmt.Sprintf("list %q has no address under recipients", e)})
		case isList && len(addrs) == 0:
			lost = append(lost, loss{i, fmt.Sprintf("list %q is not defined under recipients", e)})
		}
	}
	what, verb := lostWhat(p, key)
	if len(lost) < distinct {
		what += " sent to it" // others still get theirs
	}
	for _, l := range lost {
		e := &Error{File: v.file, Line: v.line(fmt.Sprintf("%s[%d]", p, l.i)), Key: p, Msg: l.why + ": " + what + " " + verb + " nobody"}
		v.lost = append(v.lost, e.Error())
	}
}

// lostWhat names what a job's recipient key gets, and the verb that agrees
// with it.
func lostWhat(p, key string) (string, string) {
	switch {
	case p == "jobs.monthly-digest.to":
		return "the agency's digest", "reaches"
	case key == "list_to":
		return "the list of everyone short of refresher hours", "reaches"
	case key == "data_to":
		return "data-to-fix items of this job", "reach"
	case strings.Contains(p, ".escalation["):
		return "this level of the escalation of overdue trainings", "reaches"
	case key == "cc":
		return "this job's copies", "reach"
	}
	return "this job's messages", "reach"
}

// steps checks lead times in days and returns them sorted from the earliest
// reminder (the most days ahead) to the last, without repeats.
func (v *validator) steps(p string, steps []int) []int {
	for i, n := range steps {
		if n <= 0 {
			v.errorf(fmt.Sprintf("%s[%d]", p, i), "%d: a step is a number of days ahead, at least 1", n)
		}
	}
	out := slices.Clone(steps)
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return slices.Compact(out)
}

func (v *validator) monthDay(p, s string) {
	if _, _, err := MonthDay(s); err != nil {
		v.errorf(p, "%v", err)
	}
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
