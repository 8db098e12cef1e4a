package config

import (
	"fmt"
	"net/mail"
	"reflect"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	cronzone "github.com/tickler-dev/tickler/schedule" // config has its own func schedule
)

// jobsType is Jobs: one field per job, its YAML key the job's name.
var jobsType = reflect.TypeFor[Jobs]()

// jobNames reads the jobs' names from Jobs' YAML keys, in field order.
func jobNames() []string {
	names := make([]string, jobsType.NumField())
	for i := range names {
		names[i] = yamlKey(jobsType.Field(i))
	}
	return names
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// JobName returns the name of the job whose settings are of type T (a field
// of Jobs): JobName[CourseReminders]() is "course-reminders". It panics on
// a type that is not a job's settings, a programming error.
func JobName[T any]() string {
	t := reflect.TypeFor[T]()
	for i := range jobsType.NumField() {
		if f := jobsType.Field(i); f.Type == t {
			return yamlKey(f)
		}
	}
	panic(fmt.Sprintf("config: %s is not a job's settings", t))
}

// JobSettings returns a pointer to the settings of the job called name (a
// *CourseReminders, ...) in c, and whether there is such a job.
func (c *Config) JobSettings(name string) (any, bool) {
	v := reflect.ValueOf(&c.Jobs).Elem()
	for i := range jobsType.NumField() {
		if yamlKey(jobsType.Field(i)) == name {
			return v.Field(i).Addr().Interface(), true
		}
	}
	return nil, false
}

// JobSchedules returns each job's Schedule by job name (JobNames), for the
// scheduler. The pointers point into c.
func (c *Config) JobSchedules() map[string]*Schedule {
	out := make(map[string]*Schedule, len(JobNames))
	for _, name := range JobNames {
		out[name], _ = c.Job(name)
	}
	return out
}

// Job returns the Schedule of the job called name, and whether there is one.
func (c *Config) Job(name string) (*Schedule, bool) {
	j, ok := c.JobSettings(name)
	if !ok {
		return nil, false
	}
	return reflect.ValueOf(j).Elem().FieldByName("Schedule").Addr().Interface().(*Schedule), true
}

// DataTo returns who gets the "data to fix" items of the job called name
// (its data_to), and whether the job has such a list.
func (c *Config) DataTo(name string) ([]string, bool) {
	j, ok := c.JobSettings(name)
	if !ok {
		return nil, false
	}
	f := reflect.ValueOf(j).Elem().FieldByName("DataTo")
	if !f.IsValid() {
		return nil, false
	}
	return f.Interface().([]string), true
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
