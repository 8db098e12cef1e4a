package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// TestServeLock: a second holder of one SQLite file is refused with a message
// naming the file and who holds it; after release the file can be served again.
func TestServeLock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tickler.db")
	now := time.Date(2025, 6, 10, 7, 0, 0, 0, time.UTC)
	first, err := store.LockServe("sqlite", "file:"+db+"?_pragma=x", "host-a:111", now)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.LockServe("sqlite", db, "host-b:222", now)
	if !errors.Is(err, store.ErrServed) {
		t.Fatalf("second lock: %v, want ErrServed", err)
	}
	for _, want := range []string{db, "pid 111 on host host-a", db + ".lock", "PostgreSQL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := store.LockServe("sqlite", db, "host-b:222", now)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
	// An in-memory database has nothing to lock.
	if _, err := store.LockServe("sqlite", ":memory:", "x:1", now); err != nil {
		t.Error(err)
	}
}
