// Package jobs holds the rules, one file each: a job reads records as of a
// slot's date and emits notices; it sends nothing. Package scheduler decides
// which slots run, claims them in the database, and has notify's planner
// take the notices as the job emits them.
package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
)

// Job is one rule. Notices emits the rule's notices for the slot, one at a
// time, as it reads the records (a run at a province's scale emits hundreds
// of thousands, which nothing holds in memory at once). It is a pure function
// of the records, the configuration and the slot: run twice for one slot, it
// emits the same. An error from emit ends it and is returned.
type Job interface {
	Name() string
	Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error
}

// Env is what a job reads: the records and the configuration.
type Env struct {
	Store  *store.Store
	Config *config.Config
	// Links writes the answer links of personal reminders (nil: none,
	// http.public_url is not set).
	Links *answers.Links
}

// AsOf is the slot's calendar date in the agency's zone: the date every rule
// counts days from.
func (e *Env) AsOf(slot time.Time) civil.Date { return civil.In(slot, e.Config.Location) }

// Named gives a job its name: the YAML key of its settings, of type T, in
// config.Jobs. A job's name is written there once.
type Named[T any] struct{}

// Name implements Job.
func (Named[T]) Name() string { return config.JobName[T]() }

// registry lists every job by name.
var registry = map[string]func() Job{}

func register(f func() Job) { registry[f().Name()] = f }

// Lookup returns the job of that name.
func Lookup(name string) (Job, error) {
	f, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown job %q (known: %s)", name, knownNames())
	}
	return f(), nil
}

func knownNames() string {
	s := ""
	for _, n := range config.JobNames {
		if _, ok := registry[n]; ok {
			if s != "" {
				s += ", "
			}
			s += n
		}
	}
	return s
}

// Implemented reports whether a job of that name exists in this build.
func Implemented(name string) bool { _, ok := registry[name]; return ok }

// Streamer is a job whose notices carry data too large to hold for a whole
// run (the monthly digest's report for each of a province's tens of
// thousands of units): Execute plans them with plan.Planner.PlanStream as
// Stream hands them to emit, the notices of one recipient one after another.
// Stream runs inside the transaction that writes the run's messages (tx),
// where it writes what it keeps of the run, so that it is kept with the
// messages or not at all (a dry run rolls it back).
type Streamer interface {
	Job
	Stream(ctx context.Context, env *Env, slot time.Time, tx *store.Tx, emit notify.Emit) error
}

// Recorder is a job that keeps something of its run once the run's messages
// are in the outbox (the monthly digest keeps its figures for the trend). It
// is not called on a dry run.
type Recorder interface {
	Record(ctx context.Context, env *Env, slot time.Time) error
}
