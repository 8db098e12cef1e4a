// Package scheduler runs the jobs at their slots: it counts the slots due
// from what job_runs holds, claims each in the database with a lease (so
// that among replicas a slot runs once), catches up missed slots within a
// job's window, and has a Runner take a job's notices to the outbox. It is
// about time, leases and runs; the rules are package jobs'.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/schedule"
	"github.com/tickler-dev/tickler/store"
)

// Scheduler runs each enabled job at its slots.
//
// The slots due are counted from the job's latest slot stored in job_runs,
// not from "now" alone, so a stop, a suspended machine, a database outage or a
// changed clock loses nothing: at each look, the latest slot due within the
// job's catchup_window runs once and older ones are recorded as missed.
//
// A slot is claimed in job_runs before it runs (unique job+slot), with a lease
// renewed while it runs: among several replicas a slot runs once, and a
// replica that dies mid-run is taken over when its lease runs out. A slot that
// falls while the job's previous run is still running (here or on another
// replica) waits for it, then runs once (overlap: queue) or is skipped
// (overlap: skip).
type Scheduler struct {
	Store *store.Store
	// Config returns the configuration in force (it changes on reload).
	Config func() *config.Config
	// Execute runs one job for one slot. Nil: Runner with the job of that name.
	Execute func(ctx context.Context, cfg *config.Config, job string, slot time.Time) (Result, error)
	Runner  *Runner
	// Owner names this process in leases (host:pid).
	Owner string
	Now   func() time.Time
	Log   *slog.Logger
	// Observer, when set, is told of runs and missed slots (metrics).
	Observer Observer
	// OnRun, when set, is called after each run (to wake delivery).
	OnRun func(job string)
	// Tick is the longest wait between two looks at the clock (default 30s):
	// a changed clock or a resumed machine is noticed within it.
	Tick time.Duration
	// Lease is how long a claim holds without renewal (default 1m).
	Lease time.Duration
	// RetryFailed is the wait before a failed slot runs again; it doubles with
	// each attempt, up to an hour (default 1m).
	RetryFailed time.Duration
	// Grace is how long running jobs may finish after shutdown begins (default 10s).
	Grace time.Duration

	once    sync.Once
	mu      sync.Mutex
	running map[string]bool
	wg      sync.WaitGroup
	dbDown  bool
	lookErr map[string]string // job → the error of its last look, if any
	// unrecorded: job → the outcome of its last run, which ended while its
	// job_runs row could not be written (the database was away); written
	// at the next look that reaches the database.
	unrecorded map[string]outcome
	wake       chan struct{}
	seen       map[string]string    // job → schedule and zone last looked at
	changed    map[string]time.Time // job → when its schedule last changed
	runCtx     context.Context      // runs: cancelled only when Grace is over
	stopRuns   context.CancelFunc
}

// Observer is told what the scheduler does; package metrics implements it.
type Observer interface {
	// JobRun: a run ended (result "done" or "failed"), lag after its slot.
	JobRun(job, result string, lag time.Duration, finished time.Time)
	// SlotsMissed: n slots of job did not run, and why ("late",
	// "superseded", "overlap").
	SlotsMissed(job, reason string, n int)
	// DatabaseUp: whether the last look reached the database.
	DatabaseUp(up bool)
}

// Slot reasons recorded in job_runs.error and counted in metrics.
const (
	reasonLate       = "late"       // the latest slot was already outside catchup_window
	reasonSuperseded = "superseded" // an older slot, when a later one ran
	reasonOverlap    = "overlap"    // fell while the previous run ran (overlap: skip)
)

func (s *Scheduler) init() {
	s.once.Do(func() {
		if s.Tick <= 0 {
			s.Tick = 30 * time.Second
		}
		if s.Lease <= 0 {
			s.Lease = time.Minute
		}
		if s.RetryFailed <= 0 {
			s.RetryFailed = time.Minute
		}
		if s.Grace <= 0 {
			s.Grace = 10 * time.Second
		}
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
		if s.Execute == nil {
			s.Execute = func(ctx context.Context, cfg *config.Config, name string, slot time.Time) (Result, error) {
				job, err := jobs.Lookup(name)
				if err != nil {
					return Result{Job: name, Slot: slot}, err
				}
				return s.Runner.Execute(ctx, cfg, job, slot, false)
			}
		}
		s.running = map[string]bool{}
		s.seen = map[string]string{}
		s.changed = map[string]time.Time{}
		s.lookErr = map[string]string{}
		s.unrecorded = map[string]outcome{}
		s.wake = make(chan struct{}, 1)
		s.runCtx, s.stopRuns = context.WithCancel(context.Background())
	})
}

// Wake makes the scheduler look at the clock now (after a reload, or when a
// run ends).
func (s *Scheduler) Wake() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run schedules until ctx ends (stop taking work), then waits up to Grace for
// the runs in flight; runs still going then are cancelled, and their slots are
// taken over after their lease by another replica or the next start.
func (s *Scheduler) Run(ctx context.Context) {
	s.init()
	s.logNext(s.Config(), s.Now())
	for {
		next := s.Look(ctx)
		wait := s.Tick
		if d := next.Sub(s.Now()); !next.IsZero() && d < wait {
			// Wake just after the slot; the Tick bound still catches clock jumps.
			wait = max(d, 0) + 20*time.Millisecond
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			s.finish()
			return
		case <-timer.C:
		case <-s.wake:
			timer.Stop()
		}
	}
}

// finish waits for the runs in flight, at most Grace.
func (s *Scheduler) finish() {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.Grace):
		s.Log.Warn("scheduler: runs still going at shutdown were stopped; their slots are taken over after the lease")
		s.stopRuns()
		<-done
	}
}

// Wait blocks until the runs started so far have ended (tests).
func (s *Scheduler) Wait() { s.init(); s.wg.Wait() }

// logNext logs each enabled job's next slot.
func (s *Scheduler) logNext(cfg *config.Config, now time.Time) {
	for _, name := range config.JobNames {
		sc, spec, ok := s.job(cfg, name)
		if !ok {
			continue
		}
		s.Log.Info("scheduled", "job", name, "schedule", sc.Cron, "zone", sc.Location.String(),
			"catchup_window", sc.CatchupWindow.String(), "overlap", sc.Overlap,
			"next", schedule.Next(spec, sc.Location, now).Format(time.RFC3339))
	}
}

// job returns the schedule of an enabled, implemented job.
func (s *Scheduler) job(cfg *config.Config, name string) (*config.Schedule, cron.Schedule, bool) {
	sc, ok := cfg.Job(name)
	if !ok || !sc.IsEnabled() || !jobs.Implemented(name) {
		return nil, nil, false
	}
	spec := sc.Spec() // the slots on days off moved to working days (working_days)
	if spec == nil {
		return nil, nil, false // validated at load: cannot happen
	}
	return sc, spec, true
}

// Look reads the clock, starts what is due and returns the earliest next slot
// of any job. Run calls it on every tick; tests call it with a stubbed clock.
func (s *Scheduler) Look(ctx context.Context) time.Time {
	s.init()
	cfg := s.Config()
	now := s.Now()
	var next time.Time
	errs := s.recordOutcomes(ctx) // a job whose outcome is still unwritten counts as running
	for _, name := range config.JobNames {
		sc, spec, ok := s.job(cfg, name)
		if !ok {
			continue
		}
		if n := schedule.Next(spec, sc.Location, now); !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
		if ctx.Err() != nil {
			break
		}
		if err := s.consider(ctx, cfg, name, sc, spec, now); err != nil {
			errs[name] = err
		}
	}
	s.noteDB(ctx, errs)
	return next
}

// noteDB tells an outage from a failure of one job's bookkeeping: with
// errors, the database is pinged. An outage is logged once, and its end
// once; a job's error while the database answers is logged once per
// change of its text (not at every tick), never as an outage.
func (s *Scheduler) noteDB(ctx context.Context, errs map[string]error) {
	if ctx.Err() != nil {
		// Stopping: a look cut short by the stop is not a failure, and
		// nothing is learnt about the database from it.
		return
	}
	down := false
	var outage error
	if len(errs) > 0 {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		outage = s.Store.Ping(pctx)
		cancel()
		down = outage != nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Observer != nil {
		s.Observer.DatabaseUp(!down)
	}
	switch {
	case down && !s.dbDown:
		s.dbDown = true
		s.Log.Error("scheduler: database unreachable; missed slots will run when it is back (within their catch-up windows)", "err", outage)
	case !down && s.dbDown:
		s.dbDown = false
		s.Log.Info("scheduler: database reachable again")
	}
	if down {
		return
	}
	for _, name := range config.JobNames {
		err, prev := errs[name], s.lookErr[name]
		switch {
		case err != nil && err.Error() != prev:
			s.Log.Error("scheduler: could not look at a job's slots; it is tried again at the next look", "job", name, "err", err)
			s.lookErr[name] = err.Error()
		case err == nil && prev != "":
			delete(s.lookErr, name)
		}
	}
}

// consider decides what to do for one job at now; an error is the database's.
func (s *Scheduler) consider(ctx context.Context, cfg *config.Config, name string, sc *config.Schedule, spec cron.Schedule, now time.Time) error {
	if s.isRunning(name) {
		return nil // looked at again when its run ends
	}
	// A slot up to two ticks late is on time, whatever catchup_window says.
	window := max(sc.CatchupWindow.D(), 2*s.Tick)
	last, hasLast, err := s.Store.LastRun(ctx, name)
	if err != nil {
		return err
	}
	if hasLast && last.State == "running" {
		// The previous run is going on (here or elsewhere): no new slot starts.
		// If its owner stopped renewing the lease, take the run over. If the
		// owner is this process, which is not running it (checked above) and
		// has written every outcome it kept (recordOutcomes), the run was
		// lost without an outcome: take it over at once.
		if last.LeaseUntil.Before(now) || last.Owner == s.Owner {
			return s.takeOver(ctx, cfg, name, sc, last, now)
		}
		return nil
	}

	// Slots are counted after the latest stored one; on a first start, after
	// the start of the window (nothing before the daemon existed is missed);
	// after a schedule change, after the change (it applies from the next slot).
	from := now.Add(-window)
	if hasLast {
		from = last.Slot.Time
	}
	if c, ok := s.schedChanged(name, sc, now); ok && c.After(from) {
		from = c
	}
	due, total := schedule.Between(spec, sc.Location, from, now, 1, 1_000_000)
	if !hasLast && total > 1 {
		total = 1 // the slots before the first start were nobody's to run
	}

	// overlap: skip — slots that fell before the previous run finished are
	// skipped, not run after it.
	overlapped := 0
	ran := hasLast && (last.State == "done" || last.State == "failed")
	if ran && sc.Overlap == "skip" && last.FinishedAt.After(from) && total > 0 {
		var lastOverlapped []time.Time
		lastOverlapped, overlapped = schedule.Between(spec, sc.Location, from, minTime(last.FinishedAt.Time, now), 1, 1_000_000)
		if overlapped > 0 {
			due, total = schedule.Between(spec, sc.Location, lastOverlapped[0], now, 1, 1_000_000)
			if total == 0 {
				// Nothing else is due: record the latest skipped slot, so the
				// next look counts from it.
				return s.recordSlot(ctx, name, sc, lastOverlapped[0], "skipped", reasonOverlap, overlapped, now)
			}
		}
	}

	if total == 0 {
		if hasLast && last.State == "failed" {
			return s.retry(ctx, cfg, name, sc, last, window, now)
		}
		return nil
	}
	latest := due[0]
	if now.Sub(latest) > window {
		// Even the latest is too old to be worth sending: record it as missed,
		// so the next look counts from it.
		return s.recordSlot(ctx, name, sc, latest, "missed", reasonLate, total+overlapped, now)
	}
	id, ok, err := s.Store.ClaimSlot(ctx, name, latest, s.Owner, now.Add(s.Lease), now)
	if err != nil {
		return fmt.Errorf("claim %s: %w", name, err)
	}
	if !ok {
		return nil // another replica claimed it
	}
	// Only the replica that won the claim counts what the run passes over.
	if overlapped > 0 {
		s.missed(name, sc, reasonOverlap, overlapped, latest)
	}
	if total > 1 {
		s.missed(name, sc, reasonSuperseded, total-1, latest)
	}
	s.start(cfg, name, sc.Location, id, latest, now, 1)
	return nil
}

// schedChanged notes a job's schedule or zone changing (a reload) and returns
// when it last did.
func (s *Scheduler) schedChanged(name string, sc *config.Schedule, now time.Time) (time.Time, bool) {
	key := sc.Cron + " " + sc.Location.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.seen[name]; ok && prev != key {
		s.changed[name] = now
		s.Log.Info("schedule changed; it applies from its next slot", "job", name, "schedule", sc.Cron, "zone", sc.Location.String())
	}
	s.seen[name] = key
	c, ok := s.changed[name]
	return c, ok
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// missed logs and counts slots that did not run.
func (s *Scheduler) missed(name string, sc *config.Schedule, reason string, n int, ref time.Time) {
	what := map[string]string{
		reasonLate:       "the latest slot was outside catchup_window " + sc.CatchupWindow.String(),
		reasonSuperseded: "older slots; only the latest runs",
		reasonOverlap:    "fell while the previous run was running (overlap: skip)",
	}[reason]
	s.Log.Warn("missed slots", "job", name, "missed", n, "why", what, "latest", ref.In(sc.Location).Format(time.RFC3339))
	if s.Observer != nil {
		s.Observer.SlotsMissed(name, reason, n)
	}
}

// recordSlot writes a slot that does not run, and counts n missed slots if
// this replica wrote it.
func (s *Scheduler) recordSlot(ctx context.Context, name string, sc *config.Schedule, slot time.Time, state, reason string, n int, now time.Time) error {
	ok, err := s.Store.RecordSlot(ctx, name, slot, state, s.Owner, reason, now)
	if err != nil {
		return fmt.Errorf("record %s slot of %s: %w", state, name, err)
	}
	if !ok {
		return nil // another replica recorded or claimed it
	}
	s.missed(name, sc, reason, n, slot)
	return nil
}

// takeOver runs again a slot whose owner stopped renewing its lease.
func (s *Scheduler) takeOver(ctx context.Context, cfg *config.Config, name string, sc *config.Schedule, last store.Run, now time.Time) error {
	ok, err := s.Store.TakeOverSlot(ctx, last.ID, s.Owner, now.Add(s.Lease), now)
	if err != nil {
		return fmt.Errorf("take over %s: %w", name, err)
	}
	if !ok {
		return nil // another replica took it
	}
	s.Log.Warn("taking over a run whose owner stopped", "job", name, "slot", last.Slot.In(sc.Location).Format(time.RFC3339),
		"previous_owner", last.Owner, "attempt", last.Attempts+1)
	s.start(cfg, name, sc.Location, last.ID, last.Slot.Time, now, last.Attempts+1)
	return nil
}

// retry runs a failed slot again, while it is inside the catch-up window,
// after a wait that doubles with each attempt.
func (s *Scheduler) retry(ctx context.Context, cfg *config.Config, name string, sc *config.Schedule, last store.Run, window time.Duration, now time.Time) error {
	wait := s.RetryFailed
	for i := 1; i < last.Attempts && wait < time.Hour; i++ {
		wait *= 2
	}
	wait = min(wait, time.Hour)
	if now.Sub(last.Slot.Time) > window || now.Sub(last.FinishedAt.Time) < wait {
		return nil
	}
	ok, err := s.Store.RetrySlot(ctx, last.ID, s.Owner, now.Add(s.Lease), now)
	if err != nil {
		return fmt.Errorf("retry %s: %w", name, err)
	}
	if !ok {
		return nil // another replica took it
	}
	s.Log.Info("retrying failed run", "job", name, "slot", last.Slot.In(sc.Location).Format(time.RFC3339), "attempt", last.Attempts+1)
	s.start(cfg, name, sc.Location, last.ID, last.Slot.Time, now, last.Attempts+1)
	return nil
}

// isRunning reports whether the job has a run going here, or one ended
// whose outcome is not written yet (it counts as running until it is, so
// that its row, still "running" under this process, is never taken over).
func (s *Scheduler) isRunning(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, unrecorded := s.unrecorded[name]
	return s.running[name] || unrecorded
}

// start runs a claimed slot in the background, renewing its lease.
func (s *Scheduler) start(cfg *config.Config, name string, loc *time.Location, id int64, slot, now time.Time, attempt int) {
	slot = slot.In(loc) // logged in the job's zone, also when it comes back from the database
	s.mu.Lock()
	s.running[name] = true
	s.mu.Unlock()
	s.wg.Add(1)
	ctx := s.runCtx
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.running, name)
			s.mu.Unlock()
			s.Wake()
		}()
		lag := now.Sub(slot)
		s.Log.Info("job started", "job", name, "slot", slot.Format(time.RFC3339), "lag", lag.Round(time.Millisecond).String(), "attempt", attempt, "owner", s.Owner)
		renewCtx, stopRenew := context.WithCancel(ctx)
		renewed := make(chan struct{})
		go func() { defer close(renewed); s.renew(renewCtx, name, id) }()
		started := s.Now()
		res, runErr := s.Execute(ctx, cfg, name, slot)
		stopRenew()
		<-renewed
		state, errText := "done", ""
		if runErr != nil {
			state, errText = "failed", runErr.Error()
			s.Log.Error("job failed", "job", name, "slot", slot.Format(time.RFC3339), "err", runErr)
		} else {
			s.Log.Info("job ran", "job", name, "slot", slot.Format(time.RFC3339), "items", res.Items,
				"messages", res.Messages, "took", s.Now().Sub(started).Round(time.Millisecond).String())
		}
		finished := s.Now()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		o := outcome{id: id, state: state, finished: finished, items: res.Items, messages: res.Messages, err: errText}
		if ok, err := s.finishSlot(fctx, o); err != nil {
			// Written at the next look that reaches the database: until then
			// the job starts nothing, and its row says "running" under a
			// lease. If this process stops first, the lease runs out and the
			// slot is run again (its messages are not sent twice: the outbox
			// keys them).
			s.mu.Lock()
			s.unrecorded[name] = o
			s.mu.Unlock()
			s.Log.Error("record job run; it is recorded when the database answers", "job", name, "state", state, "err", err)
		} else if !ok {
			s.takenOver(name, o)
		}
		if s.Observer != nil {
			s.Observer.JobRun(name, state, lag, finished)
		}
		if s.OnRun != nil {
			s.OnRun(name)
		}
	}()
}

// outcome is how a run ended, as its job_runs row records it.
type outcome struct {
	id              int64
	state           string // done, failed
	finished        time.Time
	items, messages int
	err             string
}

func (s *Scheduler) finishSlot(ctx context.Context, o outcome) (bool, error) {
	return s.Store.FinishSlot(ctx, o.id, s.Owner, o.state, o.finished, o.items, o.messages, o.err)
}

// takenOver logs a run whose slot another process took over before its
// outcome was written (its lease ran out): the slot's outcome is the other
// run's.
func (s *Scheduler) takenOver(name string, o outcome) {
	s.Log.Warn("job run not recorded: its slot was taken over by another process meanwhile", "job", name, "state", o.state,
		"finished", o.finished.Format(time.RFC3339))
}

// recordOutcomes writes the outcomes of the runs that ended while the
// database was away, with the time they ended: a run cut by an outage is a
// failed run of its slot, so the slots that fell after it are counted from
// its end (the latest of them runs, and supersedes it), not taken for slots
// that fell while it was running. It returns the errors by job.
func (s *Scheduler) recordOutcomes(ctx context.Context) map[string]error {
	errs := map[string]error{}
	s.mu.Lock()
	pending := maps.Clone(s.unrecorded)
	s.mu.Unlock()
	for name, o := range pending {
		ok, err := s.finishSlot(ctx, o)
		if err != nil {
			errs[name] = fmt.Errorf("record the run of %s that ended at %s: %w", name, o.finished.Format(time.RFC3339), err)
			continue
		}
		s.mu.Lock()
		delete(s.unrecorded, name)
		s.mu.Unlock()
		if !ok {
			s.takenOver(name, o)
			continue
		}
		s.Log.Info("job run recorded", "job", name, "state", o.state, "finished", o.finished.Format(time.RFC3339))
	}
	return errs
}

// renew extends the lease of a running slot every third of the lease.
func (s *Scheduler) renew(ctx context.Context, name string, id int64) {
	t := time.NewTicker(s.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Store.RenewSlot(ctx, id, s.Owner, s.Now().Add(s.Lease)); err != nil && ctx.Err() == nil {
				s.Log.Warn("renew job lease", "job", name, "err", err)
			}
		}
	}
}
