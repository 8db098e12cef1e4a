// Package store opens the records database (SQLite file or PostgreSQL), applies
// the embedded migrations, and loads the SQL that the rest of tickler runs.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// Dialect names a supported database.
type Dialect string

// The supported dialects; the value is also the config's database.driver.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

//go:embed queries
var queryFiles embed.FS

// Store is an open, migrated database with its queries loaded.
type Store struct {
	DB      *sqlx.DB
	Dialect Dialect
	queries Queries
	// Applied are the versions the last Migrate applied; Version is the
	// schema's version after it.
	Applied []int64
	Version int64
}

// Open connects to the database, without migrating. dsn is a file path (or a
// file: URI) for SQLite, a postgres:// URL or key=value string for PostgreSQL.
func Open(ctx context.Context, driver, dsn string) (*Store, error) {
	d := Dialect(driver)
	var db *sqlx.DB
	var err error
	switch d {
	case SQLite:
		db, err = openSQLite(dsn)
	case Postgres:
		db, err = openDB(Postgres, dsn)
		if err == nil {
			db.SetMaxOpenConns(16)
			db.SetMaxIdleConns(8)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	default:
		return nil, fmt.Errorf("unknown database driver %q (want sqlite or postgres)", driver)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{DB: db, Dialect: d}
	s.queries, err = LoadQueries(queryFiles, "queries", d)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// SQLitePath is the file an SQLite DSN names (a plain path or a file: URI),
// "" for an in-memory database.
func SQLitePath(dsn string) string {
	path := dsn
	if p, ok := strings.CutPrefix(dsn, "file:"); ok {
		path, _, _ = strings.Cut(p, "?")
	}
	if path == ":memory:" {
		return ""
	}
	return path
}

func openSQLite(dsn string) (*sqlx.DB, error) {
	if path := SQLitePath(dsn); path != "" {
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		// The file holds personnel records: readable by its owner only.
		// SQLite gives its -wal and -shm files the same mode.
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
			f.Close()
		}
	}
	// WAL lets readers run beside the one writer; busy_timeout makes a second
	// writer wait instead of failing; immediate transactions take the write lock
	// at BEGIN, so two writers never deadlock upgrading a read lock. With
	// synchronous NORMAL the only fsyncs are at checkpoints: checkpointing
	// every 64 MiB of WAL instead of SQLite's 4 MiB makes them rare enough
	// that delivering the outbox (each row rewritten twice) is not bound by
	// them (bench/README-delivery.md), at the same durability.
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(15000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "wal_autocheckpoint(16384)")
	q.Set("_txlock", "immediate")
	sep := "?"
	if !strings.HasPrefix(dsn, "file:") {
		// A plain path: escape what a file: URI would read as its query or
		// fragment ("a#1/t.db" is a file name, not "a" and a fragment).
		dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(dsn)
	} else if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := openDB(SQLite, dsn+sep+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	return db, nil
}

// openDB opens dsn with the dialect's driver (recording reads when
// TICKLER_SQL_LOG is set); sqlx is told the dialect's own name, which decides
// its placeholder style.
func openDB(d Dialect, dsn string) (*sqlx.DB, error) {
	db, err := sql.Open(driverName(d), dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(db, string(d)), nil
}

// Migrate applies every pending embedded migration. On PostgreSQL a session
// advisory lock makes replicas starting together migrate one at a time.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.Dialect))
	if err != nil {
		return err
	}
	gd := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.Dialect == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.DB.DB, sub, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s.Applied = s.Applied[:0]
	for _, r := range results {
		s.Applied = append(s.Applied, r.Source.Version)
	}
	if s.Version, err = p.GetDBVersion(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return s.queries.Check(ctx, s.DB)
}

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// Q returns the SQL of the named query, in the dialect's placeholder style. It
// panics on an unknown name: names are constants checked by the tests.
func (s *Store) Q(name string) string { return s.queries.Get(name) }

// In returns the named query with its "IN (?)" slice arguments expanded.
func (s *Store) In(name string, args ...any) (string, []any, error) {
	return s.queries.In(name, args...)
}

// Bulk returns the named multi-row INSERT for n rows (see Queries.Bulk).
func (s *Store) Bulk(name string, n int) string { return s.queries.Bulk(name, n) }

// Ping checks that the database answers within the context's deadline.
func (s *Store) Ping(ctx context.Context) error { return s.DB.PingContext(ctx) }

// InTx runs fn in one transaction, committing if fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ErrNoRows is sql.ErrNoRows, re-exported so callers need not import database/sql.
var ErrNoRows = sql.ErrNoRows
