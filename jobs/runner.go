package jobs

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
)

// Runner runs one job for one slot: records → notices → outbox.
type Runner struct {
	Store     *store.Store
	Templates *notify.Templates
	Now       func() time.Time
	// KeepContent keeps the rendered messages in Result.Planned (tests and
	// previews); the daemon leaves it off so a run's memory does not grow with
	// the bodies of its messages.
	KeepContent bool
	// Each, when set, is handed each message as it is planned, and
	// Result.Planned stays empty: a run of a hundred thousand messages then
	// holds none of them (the daemon only counts them; tickler run prints
	// them as they come).
	Each func(notify.Planned)
}

// Result is what a run did.
type Result struct {
	Job      string
	Slot     time.Time
	Items    int // notices the job returned
	Messages int // messages planned
	Planned  []notify.Planned
}

// Execute runs job for slot with cfg. With dryRun nothing is written.
func (r *Runner) Execute(ctx context.Context, cfg *config.Config, job Job, slot time.Time, dryRun bool) (Result, error) {
	env := &Env{Store: r.Store, Config: cfg}
	res := Result{Job: job.Name(), Slot: slot}
	planner := NewPlanner(r.Store, r.Templates, cfg, r.Now)
	planner.KeepContent = r.KeepContent
	if r.Each != nil {
		planner.Each = func(p notify.Planned) {
			res.Messages++
			r.Each(p)
		}
	}
	if s, ok := job.(Streamer); ok {
		var err error
		res.Planned, err = planner.PlanStream(ctx, job.Name(), slot, func(ctx context.Context, tx *sqlx.Tx, emit func(notify.Notice) error) error {
			return s.Stream(ctx, env, slot, tx, func(n notify.Notice) error {
				res.Items++
				return emit(n)
			})
		}, dryRun)
		if r.Each == nil {
			res.Messages = len(res.Planned)
		}
		if err != nil {
			return res, fmt.Errorf("%s: %w", job.Name(), err)
		}
		return res, nil
	}
	notices, err := job.Notices(ctx, env, slot)
	if err != nil {
		return res, fmt.Errorf("%s: %w", job.Name(), err)
	}
	res.Items = len(notices)
	res.Planned, err = planner.Plan(ctx, job.Name(), slot, notices, dryRun)
	if r.Each == nil {
		res.Messages = len(res.Planned)
	}
	if err != nil {
		return res, fmt.Errorf("%s: plan: %w", job.Name(), err)
	}
	if rec, ok := job.(Recorder); ok && !dryRun {
		if err := rec.Record(ctx, env, slot); err != nil {
			return res, fmt.Errorf("%s: record: %w", job.Name(), err)
		}
	}
	return res, nil
}

// Streamer is a job whose notices are too many to hold at once (the monthly
// digest of a province's tens of thousands of units): Execute plans them
// with notify.Planner.PlanStream as Stream hands them to emit, the notices
// of one recipient one after another. Stream runs inside the transaction
// that writes the run's messages (tx), where it writes what it keeps of the
// run, so that it is kept with the messages or not at all (a dry run rolls
// it back).
type Streamer interface {
	Job
	Stream(ctx context.Context, env *Env, slot time.Time, tx *sqlx.Tx, emit func(notify.Notice) error) error
}

// Recorder is a job that keeps something of its run once the run's messages
// are in the outbox (the monthly digest keeps its figures for the trend). It
// is not called on a dry run.
type Recorder interface {
	Record(ctx context.Context, env *Env, slot time.Time) error
}

// NewPlanner returns the outbox planner for cfg.
func NewPlanner(st *store.Store, t *notify.Templates, cfg *config.Config, now func() time.Time) *notify.Planner {
	office, domain := "tickler", ""
	if a, err := mail.ParseAddress(cfg.Mail.From); err == nil {
		if a.Name != "" {
			office = a.Name
		}
		domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	}
	return &notify.Planner{Store: st, Templates: t, Lang: cfg.Language, Loc: cfg.Location, Office: office, IDDomain: domain,
		ListLimit: cfg.Mail.ListLimit, Now: now}
}

// RecordManualRun keeps a run started by hand (tickler run) in job_runs with
// state "manual", for status; the scheduler ignores such rows.
func RecordManualRun(ctx context.Context, st *store.Store, res Result, owner string, now time.Time, runErr error) error {
	errText := ""
	if runErr != nil {
		errText = runErr.Error()
	}
	_, err := st.DB.ExecContext(ctx, st.Q("record-manual-run"), res.Job, store.T(res.Slot), owner,
		store.T(now), store.T(now), res.Items, res.Messages, errText)
	return err
}
