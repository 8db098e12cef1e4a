package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
)

// Scheduler runs each enabled job at its slots. The slots due are computed
// from the last slot stored in job_runs, not from "now" alone, so a stop, a
// suspended machine or a changed clock loses nothing: at each tick, the
// latest slot missed within the job's catchup_window runs once and older ones
// are recorded as missed. A slot is claimed in job_runs before it runs (unique
// job+slot), with a lease renewed while it runs, so among several replicas a
// slot runs once, and a replica that dies mid-run is taken over.
type Scheduler struct {
	Store  *store.Store
	Runner *Runner
	// Config returns the configuration in force (it changes on reload).
	Config func() *config.Config
	Owner  string
	Now    func() time.Time
	Log    *slog.Logger
	// Tick is the longest wait between two looks at the clock (default 30s).
	Tick time.Duration
	// Lease is how long a claim holds without renewal (default 1m).
	Lease time.Duration
	// RetryFailed is how long to wait before running a failed slot again (default 1m).
	RetryFailed time.Duration
	// Grace is how long running jobs may finish after shutdown begins (default 20s).
	Grace time.Duration
	// OnRun, when set, is called after each run (metrics, waking delivery).
	OnRun func(job string, slot time.Time, res Result, err error, lag time.Duration)
	// OnMissed, when set, is told of slots recorded as missed.
	OnMissed func(job string, n int)

	mu      sync.Mutex
	running map[string]bool
	wg      sync.WaitGroup
	dbDown  bool
	wake    chan struct{}
}

func (s *Scheduler) defaults() {
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
		s.Grace = 20 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	s.running = map[string]bool{}
	s.wake = make(chan struct{}, 1)
}

// Wake makes the scheduler look at the clock now (after a reload).
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run schedules until ctx ends, then waits up to Grace for running jobs.
func (s *Scheduler) Run(ctx context.Context) {
	s.defaults()
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	s.logNext(s.Config(), s.Now())
	for {
		now := s.Now()
		next := s.tick(ctx, runCtx, now)
		wait := s.Tick
		if d := next.Sub(s.Now()); !next.IsZero() && d < wait {
			wait = max(d, 0) + 50*time.Millisecond
		}
		select {
		case <-ctx.Done():
			done := make(chan struct{})
			go func() { s.wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(s.Grace):
				s.Log.Warn("scheduler: jobs still running at shutdown; their slots will be taken over after the lease")
				cancelRuns()
				<-done
			}
			return
		case <-time.After(wait):
		case <-s.wake:
			s.logNext(s.Config(), s.Now())
		}
	}
}

// logNext logs each job's next slot.
func (s *Scheduler) logNext(cfg *config.Config, now time.Time) {
	for _, name := range config.JobNames {
		sc, ok := cfg.Job(name)
		if !ok || !sc.IsEnabled() || !Implemented(name) {
			continue
		}
		sched, err := cron.ParseStandard(sc.Cron)
		if err != nil {
			continue
		}
		s.Log.Info("scheduled", "job", name, "schedule", sc.Cron, "zone", sc.Location.String(),
			"next", sched.Next(now.In(sc.Location)).Format(time.RFC3339))
	}
}

// tick starts what is due at now and returns the earliest next slot of any job.
func (s *Scheduler) tick(ctx, runCtx context.Context, now time.Time) time.Time {
	cfg := s.Config()
	var next time.Time
	var dbErr error
	for _, name := range config.JobNames {
		sc, ok := cfg.Job(name)
		if !ok || !sc.IsEnabled() || !Implemented(name) {
			continue
		}
		sched, err := cron.ParseStandard(sc.Cron)
		if err != nil {
			continue // validated at load; cannot happen
		}
		if n := sched.Next(now.In(sc.Location)); next.IsZero() || n.Before(next) {
			next = n
		}
		if ctx.Err() != nil {
			break
		}
		if err := s.consider(runCtx, cfg, name, sc, sched, now); err != nil {
			dbErr = err
		}
	}
	s.noteDB(dbErr)
	return next
}

// noteDB logs a database outage once, and its end once.
func (s *Scheduler) noteDB(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil && !s.dbDown:
		s.dbDown = true
		s.Log.Error("scheduler: database unreachable; slots will run when it is back", "err", err)
	case err == nil && s.dbDown:
		s.dbDown = false
		s.Log.Info("scheduler: database reachable again")
	}
}

type lastRun struct {
	ID         int64      `db:"id"`
	Job        string     `db:"job"`
	Slot       store.Time `db:"slot"`
	State      string     `db:"state"`
	Owner      string     `db:"owner"`
	Attempts   int        `db:"attempts"`
	FinishedAt store.Time `db:"finished_at"`
}

// consider decides what to do for one job at now.
func (s *Scheduler) consider(ctx context.Context, cfg *config.Config, name string, sc *config.Schedule, sched cron.Schedule, now time.Time) error {
	if s.isRunning(name) {
		return nil // its slots are looked at again when it finishes
	}
	var last lastRun
	err := s.Store.DB.GetContext(ctx, &last, s.Store.Q("last-run"), name)
	if err != nil && !errors.Is(err, store.ErrNoRows) {
		return err
	}
	window := sc.CatchupWindow.D()
	from := now.Add(-window)
	if err == nil {
		from = last.Slot.Time
		switch {
		case last.State == "running":
			return s.takeOverIfStale(ctx, cfg, name, sc, last.Slot.Time, now)
		case last.State == "failed" && now.Sub(last.Slot.Time) <= window && now.Sub(last.FinishedAt.Time) >= s.RetryFailed:
			var id int64
			err := s.Store.DB.GetContext(ctx, &id, s.Store.Q("retry-slot"), s.Owner, store.T(now.Add(s.Lease)), store.T(now), last.ID)
			if errors.Is(err, store.ErrNoRows) {
				return nil // another replica took it
			}
			if err != nil {
				return err
			}
			s.Log.Info("retrying failed run", "job", name, "slot", last.Slot.Time.In(sc.Location).Format(time.RFC3339), "attempt", last.Attempts+1)
			s.start(ctx, cfg, name, id, last.Slot.Time, now)
			return nil
		}
	}
	slots, total := dueSlots(sched, sc.Location, from, now)
	if total == 0 {
		return nil
	}
	latest := slots[len(slots)-1]
	if now.Sub(latest) > window {
		// Even the latest is too old to be worth sending: record it as missed,
		// so the next look starts after it.
		s.recordMissed(ctx, name, latest, now, total, "outside catchup_window "+sc.CatchupWindow.String())
		return nil
	}
	if total > 1 {
		s.Log.Warn("missed slots", "job", name, "missed", total-1, "running latest", latest.In(sc.Location).Format(time.RFC3339))
		if s.OnMissed != nil {
			s.OnMissed(name, total-1)
		}
	}
	var id int64
	err = s.Store.DB.GetContext(ctx, &id, s.Store.Q("claim-slot"), name, store.T(latest), s.Owner, store.T(now.Add(s.Lease)), store.T(now))
	if errors.Is(err, store.ErrNoRows) {
		return nil // another replica claimed it
	}
	if err != nil {
		return err
	}
	s.start(ctx, cfg, name, id, latest, now)
	return nil
}

// dueSlots returns the slots in (from, now] (at most the last 1000, oldest
// first) and how many there were in all.
func dueSlots(sched cron.Schedule, loc *time.Location, from, now time.Time) ([]time.Time, int) {
	var slots []time.Time
	total := 0
	for t := sched.Next(from.In(loc)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		total++
		slots = append(slots, t)
		if len(slots) > 1000 {
			slots = slots[1:]
		}
		if total > 1_000_000 {
			break
		}
	}
	return slots, total
}

func (s *Scheduler) recordMissed(ctx context.Context, name string, slot, now time.Time, n int, why string) {
	_, err := s.Store.DB.ExecContext(ctx, s.Store.Q("record-missed-slot"), name, store.T(slot), s.Owner, store.T(now), store.T(now), why)
	if err != nil {
		return
	}
	s.Log.Warn("missed slots", "job", name, "missed", n, "latest", slot.Format(time.RFC3339), "why", why)
	if s.OnMissed != nil {
		s.OnMissed(name, n)
	}
}

// takeOverIfStale runs again a slot whose owner stopped renewing its lease.
func (s *Scheduler) takeOverIfStale(ctx context.Context, cfg *config.Config, name string, sc *config.Schedule, slot, now time.Time) error {
	var id int64
	err := s.Store.DB.GetContext(ctx, &id, s.Store.Q("take-over-slot"), s.Owner, store.T(now.Add(s.Lease)), store.T(now), name, store.T(slot), store.T(now))
	if errors.Is(err, store.ErrNoRows) {
		return nil // its owner is alive (or another replica took it)
	}
	if err != nil {
		return err
	}
	s.Log.Warn("taking over a run whose owner stopped", "job", name, "slot", slot.In(sc.Location).Format(time.RFC3339))
	s.start(ctx, cfg, name, id, slot, now)
	return nil
}

func (s *Scheduler) isRunning(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[name]
}

// start runs a claimed slot in the background, renewing its lease.
func (s *Scheduler) start(ctx context.Context, cfg *config.Config, name string, id int64, slot, now time.Time) {
	job, err := Lookup(name)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.running[name] = true
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.running, name)
			s.mu.Unlock()
			s.Wake()
		}()
		lag := now.Sub(slot)
		renewCtx, stopRenew := context.WithCancel(ctx)
		go s.renew(renewCtx, id)
		started := s.Now()
		res, runErr := s.Runner.Execute(ctx, cfg, job, slot, false)
		stopRenew()
		state, errText := "done", ""
		if runErr != nil {
			state, errText = "failed", runErr.Error()
			s.Log.Error("job failed", "job", name, "slot", slot.Format(time.RFC3339), "err", runErr)
		} else {
			s.Log.Info("job ran", "job", name, "slot", slot.Format(time.RFC3339), "items", res.Items,
				"messages", len(res.Planned), "took", s.Now().Sub(started).Round(time.Millisecond))
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := s.Store.DB.ExecContext(fctx, s.Store.Q("finish-slot"), state, store.T(s.Now()), res.Items, len(res.Planned), errText, id, s.Owner); err != nil {
			s.Log.Error("record job run", "job", name, "err", err)
		}
		if s.OnRun != nil {
			s.OnRun(name, slot, res, runErr, lag)
		}
	}()
}

func (s *Scheduler) renew(ctx context.Context, id int64) {
	t := time.NewTicker(s.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Store.DB.ExecContext(ctx, s.Store.Q("renew-slot"), store.T(s.Now().Add(s.Lease)), id, s.Owner); err != nil && ctx.Err() == nil {
				s.Log.Warn("renew job lease", "err", fmt.Sprint(err))
			}
		}
	}
}
