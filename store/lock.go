package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrServed is returned by LockServe when another process serves the database.
var ErrServed = errors.New("database already served")

// ServeLock is held by the one `tickler serve` of an SQLite database: SQLite
// has one writer and no way to share slots between processes, so a second
// daemon on the same file is refused instead of running every job twice.
// Several replicas need PostgreSQL.
type ServeLock struct {
	f    *os.File
	path string
}

// LockServe takes the serve lock of the database driver and dsn name: on
// SQLite an exclusive flock on "<file>.lock", which the kernel drops when the
// process dies, so a crash leaves no stale lock (the file says who holds
// it); on PostgreSQL nothing, since replicas share it.
func LockServe(driver, dsn, owner string, now time.Time) (*ServeLock, error) {
	if Dialect(driver) != SQLite {
		return &ServeLock{}, nil
	}
	db := SQLitePath(dsn)
	if db == "" {
		return &ServeLock{}, nil
	}
	path := db + ".lock"
	// The database's folder may not exist yet: Open would create it too.
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("serve lock: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("serve lock %s: %w", path, err)
	}
	if !held {
		b, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(b))
		if who == "" {
			who = "another process"
		}
		return nil, fmt.Errorf("%w: %s is already served by %s (lock %s); stop that tickler first, or use PostgreSQL to run several replicas", ErrServed, db, who, path)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "tickler serve %s since %s\n", OwnerText(owner), now.Format(time.RFC3339))
	}
	return &ServeLock{f: f, path: path}, nil
}

// OwnerText turns an owner "host:pid" into "pid 123 on host h".
func OwnerText(owner string) string {
	if i := strings.LastIndexByte(owner, ':'); i > 0 {
		return fmt.Sprintf("pid %s on host %s", owner[i+1:], owner[:i])
	}
	return owner
}

// Release drops the lock.
func (l *ServeLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	unlock(l.f)
	return l.f.Close()
}

// MustExist refuses an SQLite database file that is not there, for the
// commands that read what is there (run, status, digest): a missing file is
// a mistyped database.dsn, not an empty agency.
func MustExist(driver, dsn string) error {
	if Dialect(driver) != SQLite {
		return nil
	}
	path := SQLitePath(dsn)
	if _, err := os.Stat(path); path != "" && errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no file %s (database.dsn); import the records first: tickler import PATH", path)
	}
	return nil
}
