package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"github.com/jmoiron/sqlx"
)

// ErrWriteInTx is returned by a write through the pool from within a
// transaction (a context that Write or InTx handed out): on SQLite the
// write would wait for the one writer connection, which that transaction
// holds, for ever. Such a write belongs in the transaction.
var ErrWriteInTx = errors.New("store: a write outside the transaction that this context's run holds (it would wait for its own connection)")

type txKey struct{}

// writing refuses a write through the pool from a context inside a
// transaction.
func writing(ctx context.Context) error {
	if ctx.Value(txKey{}) != nil {
		return ErrWriteInTx
	}
	return nil
}

// Tx is a transaction on the write path: a planning run's, an import's.
// Its named queries run on its connection.
type Tx struct {
	s   *Store
	tx  *sqlx.Tx
	ids []int64 // delivery ids reserved for COPY (PostgreSQL), not used yet
}

// Write runs fn in one transaction on the write pool, committing if fn
// returns nil. On SQLite it first waits for the one writer connection, so
// transactions of jobs sharing a slot run one after another. fn's context
// is marked: a write through the pool with it fails with ErrWriteInTx
// instead of waiting for the connection fn holds. Reads through the store
// (Select, Get, Query) with it are fine: they use the read pool.
func (s *Store) Write(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if err := writing(ctx); err != nil {
		return err
	}
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(context.WithValue(ctx, txKey{}, true), &Tx{s: s, tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// InTx is Write for store/importer, which runs its own SQL on the
// transaction. Other packages write through typed methods.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.Write(ctx, func(_ context.Context, tx *Tx) error { return fn(tx.tx) })
}

// Q returns the SQL of the named query, in the dialect's placeholder style
// (for the SQL a digest ran, `tickler digest -sql`). It panics on an unknown
// name: names are constants checked by the tests.
func (s *Store) Q(name string) string { return s.queries.Get(name) }

// SQL returns the named query as it would run with args: slice arguments
// of an "IN (?)" list expanded, rebound for the dialect.
func (s *Store) SQL(name string, args ...any) (string, []any, error) {
	return s.sql(name, args)
}

func (s *Store) sql(name string, args []any) (string, []any, error) {
	if !hasSlice(args) {
		return s.queries.Get(name), args, nil
	}
	return s.queries.In(name, args...)
}

// hasSlice reports whether an argument is a slice to expand (not []byte).
func hasSlice(args []any) bool {
	for _, a := range args {
		if a == nil {
			continue
		}
		if _, ok := a.([]byte); ok {
			continue
		}
		if k := reflect.TypeOf(a).Kind(); k == reflect.Slice {
			return true
		}
	}
	return false
}

// Select runs the named read query on the read pool into dest, a slice.
// A slice argument fills the query's "IN (?)" list.
func (s *Store) Select(ctx context.Context, dest any, name string, args ...any) error {
	q, flat, err := s.sql(name, args)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := s.r.SelectContext(ctx, dest, q, flat...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Get runs the named one-row read query on the read pool into dest;
// ErrNoRows (wrapped) when there is no row.
func (s *Store) Get(ctx context.Context, dest any, name string, args ...any) error {
	q, flat, err := s.sql(name, args)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := s.r.GetContext(ctx, dest, q, flat...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Query runs the named read query on the read pool and returns its rows,
// to be read one at a time and closed.
func (s *Store) Query(ctx context.Context, name string, args ...any) (*sqlx.Rows, error) {
	q, flat, err := s.sql(name, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rows, err := s.r.QueryxContext(ctx, q, flat...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

// Each runs the named read query and hands each row, scanned into a new T,
// to fn.
func Each[T any](ctx context.Context, s *Store, name string, args []any, fn func(*T) error) error {
	rows, err := s.Query(ctx, name, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := rows.StructScan(&v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// exec runs the named write on the write pool, prepared once.
func (s *Store) exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	if err := writing(ctx); err != nil {
		return nil, err
	}
	if st := s.stmt(ctx, name); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.w.ExecContext(ctx, s.queries.Get(name), args...)
}

// getW runs the named write returning one row (RETURNING) on the write pool.
func (s *Store) getW(ctx context.Context, dest any, name string, args ...any) error {
	if err := writing(ctx); err != nil {
		return err
	}
	if st := s.stmt(ctx, name); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return s.w.GetContext(ctx, dest, s.queries.Get(name), args...)
}

// selectW runs the named write returning rows (RETURNING) on the write pool.
func (s *Store) selectW(ctx context.Context, dest any, name string, args ...any) error {
	if err := writing(ctx); err != nil {
		return err
	}
	if st := s.stmt(ctx, name); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return s.w.SelectContext(ctx, dest, s.queries.Get(name), args...)
}

// stmt returns the named write prepared on the write pool (preparing it the
// first time), or nil while the database cannot prepare it (an outage): the
// caller then runs it unprepared.
func (s *Store) stmt(ctx context.Context, name string) *sqlx.Stmt {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[name]; ok {
		return st
	}
	st, err := s.w.PreparexContext(ctx, s.queries.Get(name))
	if err != nil {
		return nil
	}
	if s.stmts == nil {
		s.stmts = map[string]*sqlx.Stmt{}
	}
	s.stmts[name] = st
	return st
}

// Exec runs the named query in the transaction.
func (tx *Tx) Exec(ctx context.Context, name string, args ...any) (sql.Result, error) {
	q, flat, err := tx.s.sql(name, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r, err := tx.tx.ExecContext(ctx, q, flat...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// Select runs the named query in the transaction into dest, a slice.
func (tx *Tx) Select(ctx context.Context, dest any, name string, args ...any) error {
	q, flat, err := tx.s.sql(name, args)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := tx.tx.SelectContext(ctx, dest, q, flat...); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// ExecSQL runs a statement that is not a named query (tests, benchmarks,
// the sample loader) on the write pool; "?" placeholders are rebound for
// the dialect.
func (s *Store) ExecSQL(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := writing(ctx); err != nil {
		return nil, err
	}
	return s.w.ExecContext(ctx, s.w.Rebind(query), args...)
}

// SelectSQL runs a read that is not a named query (tests, benchmarks) on
// the read pool into dest, a slice; "?" placeholders are rebound.
func (s *Store) SelectSQL(ctx context.Context, dest any, query string, args ...any) error {
	return s.r.SelectContext(ctx, dest, s.r.Rebind(query), args...)
}

// GetSQL is SelectSQL for one row.
func (s *Store) GetSQL(ctx context.Context, dest any, query string, args ...any) error {
	return s.r.GetContext(ctx, dest, s.r.Rebind(query), args...)
}
