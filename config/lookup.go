package config

import (
	"net/mail"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	cronzone "github.com/tickler-dev/tickler/schedule" // config has its own func schedule
)

// JobSchedules returns each job's Schedule by job name (JobNames), for the
// scheduler. The pointers point into c.
func (c *Config) JobSchedules() map[string]*Schedule {
	j := &c.Jobs
	return map[string]*Schedule{
		"course-reminders":  &j.CourseReminders.Schedule,
		"refresher-hours":   &j.RefresherHours.Schedule,
		"reappointments":    &j.Reappointments.Schedule,
		"planning-review":   &j.PlanningReview.Schedule,
		"evaluation-season": &j.EvaluationSeason.Schedule,
		"monthly-digest":    &j.MonthlyDigest.Schedule,
		"delivery-failures": &j.DeliveryFailures.Schedule,
	}
}

// Job returns the Schedule of the job called name, and whether there is one.
func (c *Config) Job(name string) (*Schedule, bool) {
	s, ok := c.JobSchedules()[name]
	return s, ok
}

// ListAddresses resolves a recipient entry that is not a role: the addresses
// of the list called name under `recipients` (a copy), or, if name is itself an
// email address, just that. A role or an unknown name gives nil.
func (c *Config) ListAddresses(name string) []string {
	if list, ok := c.Recipients[name]; ok {
		return slices.Clone(list)
	}
	if !IsRole(name) && strings.Contains(name, "@") {
		if _, err := mail.ParseAddress(name); err == nil {
			return []string{name}
		}
	}
	return nil
}

// Warnings are problems that do not stop tickler, one readable line each
// (file:line: key: what): a job sends to a list that has no address while
// mail.transport is outbox. With smtp they are errors.
func (c *Config) Warnings() []string { return slices.Clone(c.warnings) }

// AllWarnings is every warning `tickler check` prints and `tickler serve`
// logs: Warnings, then, one line per job and key, what a job sends to a list
// with no address (or to a role where only lists and addresses count) and so
// loses, then the secret files (*_file) that others than their owner may read.
func (c *Config) AllWarnings() []string {
	return append(slices.Clone(c.warnings), c.moreWarnings...)
}

// Next returns the first run of the schedule after t, in the job's time zone,
// with the daylight-saving rules of package schedule (a wall-clock job runs
// once on each day it matches). It is the zero time for a Schedule that did not
// come from Load or Parse.
func (s *Schedule) Next(t time.Time) time.Time {
	if s.spec == nil {
		return time.Time{}
	}
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return cronzone.Next(s.spec, loc, t).In(loc)
}

// TheoryFor returns the political theory code that a post needs: that of the
// longest PostTheory keyword found in the post's name (so "Phó Giám đốc Sở"
// matches "Phó Giám đốc", not "Giám đốc"; on equal lengths the first listed
// wins). Matching ignores case and Unicode normalisation. ok is false when no
// keyword matches.
func (j *PlanningReview) TheoryFor(post string) (theory string, ok bool) {
	name := fold(post)
	best := -1
	for _, r := range j.PostTheory {
		kw := fold(r.Keyword)
		if kw != "" && len(kw) > best && strings.Contains(name, kw) {
			theory, ok, best = r.Theory, true, len(kw)
		}
	}
	return theory, ok
}

// fold makes names comparable: NFC, lower case, single spaces.
func fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}
