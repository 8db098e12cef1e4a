package store_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// Migrations apply on both dialects, twice without harm, and every query prepares.
func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		var n int
		if err := st.DB.Get(&n, st.Q("count-staff")); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("fresh database has %d staff", n)
		}
	})
}

// A plain SQLite path may hold characters a file: URI treats specially.
func TestSQLitePathWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"a#1", "b?x=1", "c%20d"} {
		path := dir + "/" + name + "/t.db"
		st, err := store.Open(ctx, "sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the database is not where the path says: %v", name, err)
		}
	}
}

// Bulk repeats the marked VALUES tuple and numbers the placeholders on.
func TestBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		q := st.Bulk("insert-delivery-items", 3)
		want := map[store.Dialect]string{
			store.SQLite:   "VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?);",
			store.Postgres: "VALUES ($1, $2, $3, $4), ($5, $6, $7, $8), ($9, $10, $11, $12);",
		}[st.Dialect]
		if !strings.HasSuffix(q, want) {
			t.Errorf("got %q, want it to end in %q", q, want)
		}
		if n := strings.Count(st.Bulk("insert-deliveries", 2), "'pending'"); n != 2 {
			t.Errorf("insert-deliveries for 2 rows has %d tuples", n)
		}
	})
}

// With TICKLER_SQL_LOG set, reads are written to the file with their
// parameters as literals, and the file runs as SQL.
func TestSQLLog(t *testing.T) {
	log := t.TempDir() + "/reads.sql"
	t.Setenv(store.EnvSQLLog, log)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var n int
		if err := st.DB.Get(&n, st.DB.Rebind("SELECT count(*) FROM staff WHERE code = ? OR code = ?"), "it's", "7"); err != nil {
			t.Fatal(err)
		}
		// A named query from a .sql file starts with the comments saying what it counts.
		if err := st.DB.Get(&n, "-- name: people\n-- How many.\nSELECT count(*) FROM units"); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\nSELECT count(*) FROM units;") {
			t.Errorf("log lacks the query that starts with comments:\n%s", b)
		}
		want := "SELECT count(*) FROM staff WHERE code = 'it''s' OR code = '7';"
		if !strings.Contains(string(b), want) {
			t.Errorf("log lacks %q:\n%s", want, b)
		}
		// A named query's doc comment is left out, and the SQL kept on one
		// line; tickler's own bookkeeping is not recorded at all.
		if err := st.DB.Get(&n, st.DB.Rebind("-- name: x\n-- Who's there -- twice\nSELECT count(*)\n  FROM units -- all of them\n  WHERE code <> '--' AND code <> ?"), "U"); err != nil {
			t.Fatal(err)
		}
		if err := st.DB.Get(&n, store.OwnWork+" SELECT count(*) FROM units WHERE code = 'own'"); err != nil {
			t.Fatal(err)
		}
		b, _ = os.ReadFile(log)
		if want := "SELECT count(*) FROM units WHERE code <> '--' AND code <> 'U';\n"; !strings.Contains(string(b), want) {
			t.Errorf("log lacks %q:\n%s", want, b)
		}
		if strings.Contains(string(b), "own") {
			t.Errorf("own work recorded:\n%s", b)
		}
		// What was recorded runs.
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if strings.HasPrefix(line, "SELECT count(*) FROM staff") {
				if _, err := st.DB.Exec(line); err != nil {
					t.Errorf("%s: %v", line, err)
				}
			}
		}
	})
}

// A run by hand recorded for an instant does not stop the scheduler claiming
// that instant's slot; a scheduled claim still stops a second one.
func TestManualRunDoesNotBlockTheSlot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		slot := store.T(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
		now := store.T(time.Now())
		if _, err := st.DB.Exec(st.Q("record-manual-run"), "course-reminders", slot, "me", now, now, 3, 2, ""); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := st.DB.Get(&id, st.Q("claim-slot"), "course-reminders", slot, "replica1", now, now); err != nil {
			t.Fatalf("the scheduler could not claim a slot run by hand: %v", err)
		}
		err := st.DB.Get(&id, st.Q("claim-slot"), "course-reminders", slot, "replica2", now, now)
		if err != store.ErrNoRows {
			t.Errorf("a second claim of a scheduled slot: %v, want no row", err)
		}
		// A manual run of the same instant now leaves the scheduled row alone.
		if _, err := st.DB.Exec(st.Q("record-manual-run"), "course-reminders", slot, "me", now, now, 9, 9, "x"); err != nil {
			t.Fatal(err)
		}
		var state, owner string
		st.DB.QueryRow(st.DB.Rebind("SELECT state, owner FROM job_runs WHERE id = ?"), id).Scan(&state, &owner)
		if state != "running" || owner != "replica1" {
			t.Errorf("scheduled row became %s/%s", state, owner)
		}
	})
}
