package notify

import (
	"context"
	"embed"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/store"
)

//go:embed queries
var queryFiles embed.FS

// spill keeps a run's notices out of memory: a temporary table in the run's
// transaction, written as the job emits them (COPY on PostgreSQL, multi-row
// INSERTs on SQLite) and read back in recipient order, so that each
// recipient's notices come together and the run is planned a batch of
// recipients at a time. The planner's memory then depends on the batch, not
// on how many items fall due.
type spill struct {
	st  *store.Store
	q   store.Queries
	tx  *sqlx.Tx
	job string

	seq  int64 // notices written
	data []any // Notice.Data values, by the index written with each notice

	copy *store.Copy // PostgreSQL: one COPY while the job runs
	args []any       // SQLite: rows waiting for their INSERT
	rows int

	enc noticeWriter
	cc  []Recipient
	err error // the first failure; every later add returns it
}

// spillInsert is how many rows one INSERT writes on SQLite (4 parameters
// each, far below SQLite's limit of 32766).
const spillInsert = 500

func openSpill(ctx context.Context, st *store.Store, q store.Queries, tx *sqlx.Tx, job string) (*spill, error) {
	s := &spill{st: st, q: q, tx: tx, job: job}
	names := []string{"drop-spill", "create-spill"}
	if st.Dialect == store.Postgres {
		names = append([]string{"begin-run"}, names...)
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, q.Get(name)); err != nil {
			return nil, fmt.Errorf("spill: %w", err)
		}
	}
	if st.Dialect == store.Postgres {
		var err error
		if s.copy, err = st.CopyIn(ctx, tx, "tickler_spill", "recipient", "seq", "item_key", "notice"); err != nil {
			return nil, fmt.Errorf("spill: %w", err)
		}
	}
	return s, nil
}

// add writes one notice. Addresses are checked here, before anything reaches
// the outbox: a bad one fails the run.
func (s *spill) add(ctx context.Context, n Notice) error {
	if s.err != nil {
		return s.err
	}
	email, err := NormalizeAddress(n.To.Email)
	if err != nil {
		s.err = fmt.Errorf("notice for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
		return s.err
	}
	n.To.Email = email
	// The job's Cc slice may be shared by many notices: normalise a copy.
	s.cc = s.cc[:0]
	for _, c := range n.Cc {
		if c.Email, err = NormalizeAddress(c.Email); err != nil {
			s.err = fmt.Errorf("copy for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
			return s.err
		}
		s.cc = append(s.cc, c)
	}
	n.Cc = s.cc
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
	key := itemKey(s.job, n.Item, email)
	if s.copy != nil {
		if err := s.copy.Row(email, s.seq, key, string(s.enc.b)); err != nil {
			s.err = err
		}
		return s.err
	}
	s.args = append(s.args, email, s.seq, key, string(s.enc.b))
	if s.rows++; s.rows == spillInsert {
		s.err = s.flush(ctx)
	}
	return s.err
}

// flush writes the rows waiting on SQLite.
func (s *spill) flush(ctx context.Context) error {
	if s.rows == 0 {
		return nil
	}
	if _, err := s.tx.ExecContext(ctx, s.q.Bulk("insert-spill", s.rows), s.args...); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	s.args, s.rows = s.args[:0], 0
	return nil
}

// finish ends the writing and indexes the table for reading in order.
func (s *spill) finish(ctx context.Context) error {
	if s.err != nil {
		if s.copy != nil {
			s.copy.Close() // the run fails anyway; the COPY must end first
		}
		return s.err
	}
	if s.copy != nil {
		if err := s.copy.Close(); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	} else if err := s.flush(ctx); err != nil {
		return err
	}
	for _, name := range []string{"index-spill", "analyze-spill"} {
		if _, err := s.tx.ExecContext(ctx, s.q.Get(name)); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	}
	return nil
}

// spilled is one notice read back. Done: its item was already sent to the
// recipient, or the recipient's message of the slot is already in the
// outbox.
type spilled struct {
	Recipient string `db:"recipient"`
	Seq       int64  `db:"seq"`
	Notice    string `db:"notice"`
	Done      bool   `db:"done"`
}

// read returns up to limit notices after (recipient, seq) in recipient
// order (keyPrefix + address is a message's key in the outbox).
func (s *spill) read(ctx context.Context, recipient string, seq int64, keyPrefix string, limit int) ([]spilled, error) {
	var out []spilled
	if err := s.tx.SelectContext(ctx, &out, s.q.Get("read-spill"), keyPrefix, recipient, seq, limit); err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return out, nil
}

// drop removes the table (PostgreSQL drops it at commit by itself).
func (s *spill) drop(ctx context.Context) error {
	if _, err := s.tx.ExecContext(ctx, s.q.Get("drop-spill")); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	return nil
}
