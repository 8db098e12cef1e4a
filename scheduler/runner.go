package scheduler

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
)

// Runner runs one job for one slot: records → notices → outbox.
type Runner struct {
	Store     *store.Store
	Templates *message.Templates
	Now       func() time.Time
	// Report, when set, is handed each message of a run once it is written
	// (in a dry run: once it would be), as the run goes: `tickler run` lists
	// them without keeping them all.
	Report func(*plan.Planned) error
	// Signer signs the answer links of personal reminders, written when
	// http.public_url is set (nil: none).
	Signer *answers.Signer
	// KeepContent keeps the messages, with their rendered content, in
	// Result.Planned (tests and previews); the daemon leaves it off, so a
	// run's memory does not grow with its messages.
	KeepContent bool
}

// Result is what a run did.
type Result struct {
	Job      string
	Slot     time.Time
	Items    int // notices the job emitted
	Messages int // messages planned
	// Times is where the run's time went (plan.Stats).
	Times plan.Stats
	// Planned are the messages, with KeepContent only.
	Planned []plan.Planned
}

// Execute runs job for slot with cfg. With dryRun nothing is written.
func (r *Runner) Execute(ctx context.Context, cfg *config.Config, job jobs.Job, slot time.Time, dryRun bool) (Result, error) {
	env := &jobs.Env{Store: r.Store, Config: cfg, Links: answers.NewLinks(cfg.HTTP.PublicURL, r.Signer, cfg.HTTP.LinkTTL.D())}
	res := Result{Job: job.Name(), Slot: slot}
	planner := NewPlanner(r.Store, r.Templates, cfg, r.Now)
	planner.KeepContent = r.KeepContent
	planner.Unusable = jobs.Unusable(cfg, job.Name())
	if lists := answers.NewListLinks(cfg.HTTP.PublicURL, r.Signer, cfg.HTTP.LinkTTL.D()); lists != nil {
		planner.ListLink = func(key, email string) (string, time.Time) {
			expires := lists.Expires(slot, planner.Now())
			return lists.URL(key, expires), expires
		}
	}
	report := r.Report
	if r.KeepContent {
		report = func(p *plan.Planned) error {
			res.Planned = append(res.Planned, *p)
			if r.Report != nil {
				return r.Report(p)
			}
			return nil
		}
	}
	// A failure of the job's own (a query) and one of the planner's (a bad
	// address in a notice) are told apart in the error.
	var jobErr, emitErr error
	tell := func(emit notify.Emit) notify.Emit {
		return func(n notify.Notice) error {
			if err := emit(n); err != nil {
				emitErr = err
				return err
			}
			return nil
		}
	}
	var stats plan.Stats
	var err error
	if s, ok := job.(jobs.Streamer); ok {
		stats, err = planner.PlanStream(ctx, job.Name(), slot, dryRun, func(ctx context.Context, tx *store.Tx, emit notify.Emit) error {
			jobErr = s.Stream(ctx, env, slot, tx, tell(emit))
			return jobErr
		}, report)
	} else {
		stats, err = planner.Run(ctx, job.Name(), slot, dryRun, func(ctx context.Context, emit notify.Emit) error {
			jobErr = job.Notices(ctx, env, slot, tell(emit))
			return jobErr
		}, report)
	}
	res.Items, res.Messages, res.Times = stats.Notices, stats.Messages, stats
	switch {
	case err == nil:
	case jobErr != nil && emitErr == nil:
		return res, fmt.Errorf("%s: %w", job.Name(), err)
	default:
		return res, fmt.Errorf("%s: plan: %w", job.Name(), err)
	}
	if rec, ok := job.(jobs.Recorder); ok && !dryRun {
		if err := rec.Record(ctx, env, slot); err != nil {
			return res, fmt.Errorf("%s: record: %w", job.Name(), err)
		}
	}
	return res, nil
}

// NewPlanner returns the outbox planner for cfg.
func NewPlanner(st *store.Store, t *message.Templates, cfg *config.Config, now func() time.Time) *plan.Planner {
	office, domain := "tickler", ""
	if a, err := mail.ParseAddress(cfg.Mail.From); err == nil {
		if a.Name != "" {
			office = a.Name
		}
		domain = a.Address[strings.LastIndexByte(a.Address, '@')+1:]
	}
	return &plan.Planner{Store: st, Templates: t, Lang: cfg.Language, Loc: cfg.Location, Office: office, IDDomain: domain,
		From: cfg.Mail.From, ReplyTo: cfg.Mail.ReplyTo, ListLimit: cfg.Mail.ListLimit, Now: now, RenderAtSend: true}
}

// RecordManualRun keeps a run started by hand (tickler run) in job_runs with
// state "manual", for status; the scheduler ignores such rows.
func RecordManualRun(ctx context.Context, st *store.Store, res Result, owner string, now time.Time, runErr error) error {
	errText := ""
	if runErr != nil {
		errText = runErr.Error()
	}
	return st.RecordManualRun(ctx, res.Job, res.Slot, owner, now, now, res.Items, res.Messages, errText)
}
