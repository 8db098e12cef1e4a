package store_test

import (
	"context"
	"errors"
	"fmt"
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
		if err := st.GetSQL(context.Background(), &n, st.Q("count-staff")); err != nil {
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

// With TICKLER_SQL_LOG set, reads are written to the file with their
// parameters as literals, and the file runs as SQL.
func TestSQLLog(t *testing.T) {
	log := t.TempDir() + "/reads.sql"
	t.Setenv(store.EnvSQLLog, log)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM staff WHERE code = ? OR code = ?", "it's", "7"); err != nil {
			t.Fatal(err)
		}
		// A named query from a .sql file starts with the comments saying what it counts.
		if err := st.GetSQL(context.Background(), &n, "-- name: people\n-- How many.\nSELECT count(*) FROM units"); err != nil {
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
		if err := st.GetSQL(context.Background(), &n, "-- name: x\n-- Who's there -- twice\nSELECT count(*)\n  FROM units -- all of them\n  WHERE code <> '--' AND code <> ?", "U"); err != nil {
			t.Fatal(err)
		}
		if err := st.GetSQL(context.Background(), &n, store.OwnWork+" SELECT count(*) FROM units WHERE code = 'own'"); err != nil {
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
				if _, err := st.ExecSQL(context.Background(), line); err != nil {
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
		slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		now := time.Now()
		ctx := context.Background()
		if err := st.RecordManualRun(ctx, "course-reminders", slot, "me", now, now, 3, 2, ""); err != nil {
			t.Fatal(err)
		}
		id, ok, err := st.ClaimSlot(ctx, "course-reminders", slot, "replica1", now, now)
		if err != nil || !ok {
			t.Fatalf("the scheduler could not claim a slot run by hand: %v %v", ok, err)
		}
		if _, ok, err := st.ClaimSlot(ctx, "course-reminders", slot, "replica2", now, now); ok || err != nil {
			t.Errorf("a second claim of a scheduled slot: %v %v, want no claim", ok, err)
		}
		// A manual run of the same instant now leaves the scheduled row alone.
		if err := st.RecordManualRun(ctx, "course-reminders", slot, "me", now, now, 9, 9, "x"); err != nil {
			t.Fatal(err)
		}
		var row struct {
			State string `db:"state"`
			Owner string `db:"owner"`
		}
		if err := st.GetSQL(ctx, &row, "SELECT state, owner FROM job_runs WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		state, owner := row.State, row.Owner
		if state != "running" || owner != "replica1" {
			t.Errorf("scheduled row became %s/%s", state, owner)
		}
	})
}

// A message planned twice for one key (a hand run racing the daemon's run
// of the same slot) is refused as ErrPlannedElsewhere, and its whole run
// rolls back.
func TestPlannedElsewhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		msg := store.NewMessage{Recipient: "a@example.vn", Subject: "s", MessageID: "<1@x>", Wire: "w",
			Items: []store.NewItem{{Key: "training/1", Step: "7d"}}}
		plan := func() error {
			return st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
				return tx.AddMessages(ctx, "course-reminders", slot, slot, []store.NewMessage{msg})
			})
		}
		if err := plan(); err != nil {
			t.Fatal(err)
		}
		if err := plan(); !errors.Is(err, store.ErrPlannedElsewhere) {
			t.Fatalf("second plan: %v, want ErrPlannedElsewhere", err)
		}
		var n int
		if err := st.GetSQL(ctx, &n, "SELECT count(*) FROM deliveries"); err != nil || n != 1 {
			t.Errorf("%d deliveries (%v), want 1", n, err)
		}
	})
}

// A write through the pool from within a transaction's context fails at
// once instead of waiting for the connection the transaction holds (on
// SQLite the only writer connection: it would wait for ever).
func TestWriteInsideATransactionIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			var n int
			if err := st.GetSQL(ctx, &n, "SELECT count(*) FROM staff"); err != nil {
				return fmt.Errorf("a read beside the transaction: %w", err)
			}
			return st.RenewSlot(ctx, 1, "me", time.Now())
		})
		if !errors.Is(err, store.ErrWriteInTx) {
			t.Fatalf("got %v, want ErrWriteInTx", err)
		}
	})
}

// A claimed row's wire form comes back byte for byte, each row its own,
// though it is read without a second copy (store.Text).
func TestClaimedWire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		wires := map[string]string{}
		var msgs []store.NewMessage
		for i := range 3 {
			to := fmt.Sprintf("a%d@example.vn", i)
			wires[to] = fmt.Sprintf("Subject: =?utf-8?q?Nh=E1=BA=AFc?= %d\r\n\r\nNhắc việc %d: %s\r\n", i, i, strings.Repeat("ạ", 5000*i))
			msgs = append(msgs, store.NewMessage{Recipient: to, Subject: "s", MessageID: fmt.Sprintf("<%d@x>", i), Wire: wires[to],
				Items: []store.NewItem{{Key: fmt.Sprintf("training/%d", i), Step: "7d"}}})
		}
		if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddMessages(ctx, "course-reminders", slot, slot, msgs)
		}); err != nil {
			t.Fatal(err)
		}
		rows, err := st.ClaimDeliveries(ctx, "me", slot.Add(time.Hour), slot, 10)
		if err != nil || len(rows) != 3 {
			t.Fatalf("claimed %d rows (%v), want 3", len(rows), err)
		}
		for _, r := range rows {
			if string(r.Wire) != wires[r.Recipient] {
				t.Errorf("%s: wire %.60q…, want %.60q…", r.Recipient, r.Wire, wires[r.Recipient])
			}
		}
	})
}

// A driver's []byte may be reused at the next row: Text copies it; a string
// is never changed, and Text shares it.
func TestTextScan(t *testing.T) {
	src := []byte("From: a\r\n")
	var got store.Text
	if err := got.Scan(src); err != nil {
		t.Fatal(err)
	}
	src[0] = 'X'
	if string(got) != "From: a\r\n" {
		t.Errorf("scanned from bytes: %q, changed with the driver's buffer", got)
	}
	if err := got.Scan("To: b\r\n"); err != nil || string(got) != "To: b\r\n" {
		t.Errorf("scanned from a string: %q (%v)", got, err)
	}
	if err := got.Scan(nil); err != nil || got != nil {
		t.Errorf("scanned NULL: %q (%v), want nil", got, err)
	}
	if err := got.Scan(42); err == nil {
		t.Error("scanned an integer without an error")
	}
}
