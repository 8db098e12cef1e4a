// Package store owns the records database (an SQLite file or PostgreSQL): it
// opens it, applies the embedded migrations, loads the SQL that tickler runs
// (store/queries, listmonk-style named queries) and is the only package that
// holds a database handle. The rest of tickler reads through named queries
// (Select, Get, Query) and writes through typed methods: the outbox
// (outbox.go), a planning run's transaction (plan.go), the job runs
// (runs.go) and the import (store/importer).
//
// Every store has two pools. Writes go through the write pool, reads through
// the read pool. On SQLite the write pool is a single connection: SQLite has
// one writer per file, and a second in-process writer waiting inside
// SQLite's busy handler while holding a pooled connection is how jobs
// sharing a slot used to lock each other up. With one writer connection,
// writers queue in Go for the connection, and the read pool (read-only
// connections; WAL lets them read beside the writer) never waits for a
// writer. A transaction therefore never waits for another writer connection
// while it holds one, and the reads it makes on the read pool always find a
// connection: nothing holds a read connection while waiting for the writer.
// Write (and InTx) mark their context, and a write through the pool with
// such a context is refused instead of waiting for a connection its own
// transaction holds.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// Pool sizes. SQLite: one writer by construction, and readers for the jobs
// planning at once (at most one read each at a time), the status page and
// the digest command. PostgreSQL: writers for the planning transactions of
// the jobs that share a slot plus delivery and the scheduler; readers for
// the monthly digest's per-unit cursors (digest.liveCursors, read side by
// side) plus one read for each other job of the slot and the status page.
const (
	sqliteReaders   = 8
	postgresWriters = 8
	postgresReaders = 24
)

// Store is an open database with its queries loaded.
type Store struct {
	Dialect Dialect
	w       *sqlx.DB // the write pool: one connection on SQLite
	r       *sqlx.DB // the read pool: read-only on SQLite
	dsn     string   // the writer's DSN, for migrations
	queries Queries

	stmtMu sync.Mutex
	stmts  map[string]*sqlx.Stmt // hot writes, prepared once on the write pool

	// Applied are the versions the last Migrate applied; Version is the
	// schema's version after it.
	Applied []int64
	Version int64
}

// Open connects to the database, without migrating. dsn is a file path (or a
// file: URI) for SQLite, a postgres:// URL or key=value string for PostgreSQL.
// Open does not reach PostgreSQL: a daemon starts while the database is down.
func Open(ctx context.Context, driver, dsn string) (*Store, error) {
	d := Dialect(driver)
	s := &Store{Dialect: d}
	var err error
	switch d {
	case SQLite:
		err = s.openSQLite(ctx, dsn)
	case Postgres:
		err = s.openPostgres(dsn)
	default:
		return nil, fmt.Errorf("unknown database driver %q (want sqlite or postgres)", driver)
	}
	if err != nil {
		return nil, err
	}
	s.queries, err = LoadQueries(queryFiles, "queries", d)
	if err != nil {
		s.Close()
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

func (s *Store) openSQLite(ctx context.Context, dsn string) error {
	path := SQLitePath(dsn)
	if path == "" {
		// Each connection of an in-memory database is a database of its own:
		// the write and read pools would not see each other.
		return errors.New("database.dsn: SQLite needs a file (an in-memory database cannot be shared by the writer and the readers)")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create database folder: %w", err)
		}
	}
	// The file holds personnel records: readable by its owner only.
	// SQLite gives its -wal and -shm files the same mode.
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
		f.Close()
	}
	// WAL lets readers run beside the one writer; busy_timeout makes a
	// writer of another process (tickler run beside tickler serve) wait
	// instead of failing; immediate transactions take the write lock at
	// BEGIN, so two processes never deadlock upgrading a read lock. With
	// synchronous NORMAL the only fsyncs are at checkpoints: checkpointing
	// every 64 MiB of WAL instead of SQLite's 4 MiB makes them rare enough
	// that delivering the outbox (each row rewritten twice) is not bound by
	// them (bench/README-delivery.md), at the same durability.
	common := []string{"busy_timeout(15000)", "foreign_keys(1)", "synchronous(NORMAL)"}
	wq := url.Values{}
	for _, p := range append([]string{"journal_mode(WAL)"}, append(common, "wal_autocheckpoint(16384)")...) {
		wq.Add("_pragma", p)
	}
	wq.Set("_txlock", "immediate")
	rq := url.Values{}
	for _, p := range append(common, "query_only(1)") {
		rq.Add("_pragma", p)
	}
	base, sep := dsn, "?"
	if !strings.HasPrefix(dsn, "file:") {
		// A plain path: escape what a file: URI would read as its query or
		// fragment ("a#1/t.db" is a file name, not "a" and a fragment).
		base = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(dsn)
	} else if strings.Contains(dsn, "?") {
		sep = "&"
	}
	var err error
	s.dsn = base + sep + wq.Encode()
	if s.w, err = openDB(SQLite, s.dsn); err != nil {
		return err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxIdleTime(0)
	s.w.SetConnMaxLifetime(0)
	// The writer's first connection puts the file in WAL mode before any
	// reader opens it.
	if err := s.w.PingContext(ctx); err != nil {
		s.w.Close()
		return fmt.Errorf("open %s: %w", path, err)
	}
	if s.r, err = openDB(SQLite, base+sep+rq.Encode()); err != nil {
		s.w.Close()
		return err
	}
	s.r.SetMaxOpenConns(sqliteReaders)
	s.r.SetMaxIdleConns(2)
	return nil
}

func (s *Store) openPostgres(dsn string) error {
	var err error
	s.dsn = dsn
	if s.w, err = openDB(Postgres, dsn); err != nil {
		return err
	}
	s.w.SetMaxOpenConns(postgresWriters)
	s.w.SetMaxIdleConns(4)
	s.w.SetConnMaxIdleTime(5 * time.Minute)
	if s.r, err = openDB(Postgres, dsn); err != nil {
		s.w.Close()
		return err
	}
	s.r.SetMaxOpenConns(postgresReaders)
	s.r.SetMaxIdleConns(4)
	s.r.SetConnMaxIdleTime(5 * time.Minute)
	return nil
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

// Migrate applies every pending embedded migration, then prepares every
// named query once, so that a broken one stops tickler at start rather than
// at 07:00 on the first of the month. On PostgreSQL a session advisory lock
// makes replicas starting together migrate one at a time.
func (s *Store) Migrate(ctx context.Context) error {
	if err := writing(ctx); err != nil {
		return err
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(s.Dialect))
	if err != nil {
		return err
	}
	// goose runs on a pool of its own: it may use a connection for its
	// version table beside the one of a migration's transaction, which the
	// single writer connection could not give it.
	db, err := sql.Open(driverName(s.Dialect), s.dsn)
	if err != nil {
		return err
	}
	defer db.Close()
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
	p, err := goose.NewProvider(gd, db, sub, opts...)
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
	return s.queries.Check(ctx, s.w)
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	var errs []error
	for _, db := range []*sqlx.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers within the context's deadline.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// ErrNoRows is sql.ErrNoRows, re-exported so callers need not import database/sql.
var ErrNoRows = sql.ErrNoRows
