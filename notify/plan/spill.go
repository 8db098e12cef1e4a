package plan

import (
	"context"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/store"
)

// spill writes a run's notices to the store's spill (store.Spill) as the
// job emits them: each encoded (noticecodec.go), under its recipient's
// normalised address and its item key. The data a notice carries (Data)
// stays in memory, by index.
type spill struct {
	p   *Planner
	sp  *store.Spill
	job string

	seq  int64 // notices written
	data []any // Notice.Data values, by the index written with each notice

	enc noticeWriter
	err error // the first failure; every later add returns it
}

func openSpill(ctx context.Context, p *Planner, tx *store.Tx, job string) (*spill, error) {
	sp, err := tx.Spill(ctx)
	if err != nil {
		return nil, err
	}
	return &spill{p: p, sp: sp, job: job}, nil
}

// add writes one notice, and its copies as notices of their own.
// Addresses are checked here, before anything reaches the outbox
// (checkAddresses): one the planner cannot use is replaced by what
// Planner.Unusable says instead, or, without it, fails the run.
func (s *spill) add(ctx context.Context, n notify.Notice) error {
	if s.err != nil {
		return s.err
	}
	n, keep, more, err := s.p.checkAddresses(n)
	if err != nil {
		s.err = err
		return err
	}
	for _, r := range more {
		if err := s.add(ctx, r); err != nil {
			return err
		}
	}
	if !keep {
		return nil
	}
	data := 0
	if n.Data != nil {
		s.data = append(s.data, n.Data)
		data = len(s.data)
	}
	s.enc.b = s.enc.b[:0]
	if err := s.enc.notice(&n, data); err != nil {
		s.err = err
		return err
	}
	s.seq++
	s.err = s.sp.Add(ctx, s.job, n.To.Email, s.seq, n.Item.Key, n.Item.Step, n.Item.Since, string(s.enc.b))
	return s.err
}

// finish ends the writing and prepares the spill to be read in order.
func (s *spill) finish(ctx context.Context) error {
	if s.err != nil {
		s.sp.Abort()
		return s.err
	}
	return s.sp.Finish(ctx)
}
