package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Run is a row of job_runs: one (job, slot), and what became of it.
type Run struct {
	ID         int64  `db:"id"`
	Job        string `db:"job"`
	Slot       Time   `db:"slot"`
	State      string `db:"state"`
	Owner      string `db:"owner"`
	Attempts   int    `db:"attempts"`
	StartedAt  Time   `db:"started_at"`
	FinishedAt Time   `db:"finished_at"`
	LeaseUntil Time   `db:"lease_until"`
}

// LastRun returns the job's latest scheduled slot (where the scheduler
// counts from); ok is false when the job never had one.
func (s *Store) LastRun(ctx context.Context, job string) (r Run, ok bool, err error) {
	err = s.r.GetContext(ctx, &r, s.queries.Get("last-run"), job)
	if errors.Is(err, ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("last run of %s: %w", job, err)
	}
	return r, true, nil
}

// returning runs a write whose RETURNING id says whether it applied.
func (s *Store) returning(ctx context.Context, name string, args ...any) (int64, bool, error) {
	var id int64
	err := s.getW(ctx, &id, name, args...)
	if errors.Is(err, ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// ClaimSlot claims (job, slot) for owner with a lease until leaseUntil; ok
// is false when another process claimed or recorded it first.
func (s *Store) ClaimSlot(ctx context.Context, job string, slot time.Time, owner string, leaseUntil, now time.Time) (id int64, ok bool, err error) {
	return s.returning(ctx, "claim-slot", job, T(slot), owner, T(leaseUntil), T(now))
}

// TakeOverSlot takes over run id, running, whose lease ran out (or whose
// owner is owner); ok is false when someone else took it.
func (s *Store) TakeOverSlot(ctx context.Context, id int64, owner string, leaseUntil, now time.Time) (bool, error) {
	_, ok, err := s.returning(ctx, "take-over-slot", owner, T(leaseUntil), T(now), id, T(now), owner)
	return ok, err
}

// RetrySlot takes a failed run up again; ok is false when someone else did.
func (s *Store) RetrySlot(ctx context.Context, id int64, owner string, leaseUntil, now time.Time) (bool, error) {
	_, ok, err := s.returning(ctx, "retry-slot", owner, T(leaseUntil), T(now), id)
	return ok, err
}

// RecordSlot records a slot that does not run (state missed or skipped, and
// why); ok is false when it was already recorded or claimed.
func (s *Store) RecordSlot(ctx context.Context, job string, slot time.Time, state, owner, reason string, now time.Time) (bool, error) {
	_, ok, err := s.returning(ctx, "record-slot", job, T(slot), state, owner, T(now), T(now), reason)
	return ok, err
}

// RenewSlot extends the lease of owner's running run id.
func (s *Store) RenewSlot(ctx context.Context, id int64, owner string, leaseUntil time.Time) error {
	_, err := s.exec(ctx, "renew-slot", T(leaseUntil), id, owner)
	return err
}

// FinishSlot records the outcome of owner's run id (done or failed). ok is
// false when the run is not owner's any more (another process took the slot
// over): its outcome is then the new owner's to record.
func (s *Store) FinishSlot(ctx context.Context, id int64, owner, state string, finished time.Time, items, messages int, errText string) (ok bool, err error) {
	res, err := s.exec(ctx, "finish-slot", state, T(finished), items, messages, Storable(errText), id, owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RecordManualRun keeps a run started by hand (tickler run) in job_runs with
// state "manual", for status; the scheduler ignores such rows.
func (s *Store) RecordManualRun(ctx context.Context, job string, slot time.Time, owner string, started, finished time.Time, items, messages int, errText string) error {
	_, err := s.exec(ctx, "record-manual-run", job, T(slot), owner, T(started), T(finished), items, messages, errText)
	return err
}

// RunningSlot returns the scheduled run of (job, slot) while it is running
// with a live lease: a hand run of that slot would race it.
func (s *Store) RunningSlot(ctx context.Context, job string, slot, now time.Time) (r Run, ok bool, err error) {
	err = s.r.GetContext(ctx, &r, s.queries.Get("running-slot"), job, T(slot), T(now))
	if errors.Is(err, ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("running slot of %s: %w", job, err)
	}
	return r, true, nil
}
