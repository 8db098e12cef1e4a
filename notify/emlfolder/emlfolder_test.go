package emlfolder_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/emlfolder"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

var start = time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)

func deliverer(st *store.Store, s notify.Sender, now func() time.Time) *deliver.Deliverer {
	return &deliver.Deliverer{
		Store: st, Sender: s, Owner: "test:1",
		Policy:  deliver.RetryPolicy{MaxAttempts: 5, Initial: time.Minute, Max: time.Hour},
		Workers: 2, BatchSize: 10, Lease: time.Minute, Timeout: 10 * time.Second,
		Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Render: (&plan.AtSend{Store: st}).Render,
	}
}

var env = message.Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: notifytest.Loc}

// The .eml transport goes through the same rows and states as SMTP: each
// row becomes one file, private to the daemon's user (0600 in a 0700
// folder), the row is sent with the file's name as the reply.
func TestOutboxWritesPrivateFilesAndMarksSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := filepath.Join(t.TempDir(), "outbox")
		f, err := emlfolder.New(dir, env)
		if err != nil {
			t.Fatal(err)
		}
		clock := notifytest.NewClock(start)
		notifytest.Plan(t, st, 3, clock.Now())
		if o, err := deliverer(st, f, clock.Now).Drain(context.Background()); err != nil || o.Sent != 3 {
			t.Fatalf("%+v %v", o, err)
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		if len(files) != 3 {
			t.Fatalf("%d files, want 3", len(files))
		}
		for _, r := range notifytest.Rows(t, st) {
			name := strings.TrimPrefix(r.Reply, "written ")
			if r.State != "sent" || name == r.Reply {
				t.Errorf("row %d: %s, reply %q", r.ID, r.State, r.Reply)
				continue
			}
			path := filepath.Join(dir, name)
			fi, err := os.Stat(path)
			if err != nil {
				t.Errorf("row %d: %v", r.ID, err)
				continue
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
			}
			b, _ := os.ReadFile(path)
			m, err := mail.ReadMessage(bytes.NewReader(b))
			if err != nil || m.Header.Get("Message-Id") != r.MessageID || m.Header.Get("Auto-Submitted") != "auto-generated" {
				t.Errorf("%s: %v, headers %v", name, err, m.Header)
			}
		}
	})
}

// A folder that cannot be written is a temporary failure: the row waits and
// goes once the folder is fixed. A second write of the same row (a lost
// outcome after a crash) replaces its file instead of adding one.
func TestOutboxFailureIsRetriedAndResendReplacesTheFile(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	dir := filepath.Join(t.TempDir(), "outbox")
	f, err := emlfolder.New(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	// Break the folder: a plain file where it was.
	os.RemoveAll(dir)
	os.WriteFile(dir, []byte("not a folder"), 0o600)
	clock := notifytest.NewClock(start)
	notifytest.Plan(t, st, 1, clock.Now())
	d := deliverer(st, f, clock.Now)
	if o, _ := d.Drain(context.Background()); o.Retry != 1 {
		t.Fatalf("%+v, want 1 retry", o)
	}
	if r := notifytest.Rows(t, st)[0]; r.State != "retry" || !strings.Contains(r.Reply, "not a directory") {
		t.Errorf("row %+v", r)
	}
	os.Remove(dir)
	os.Mkdir(dir, 0o700)
	clock.Add(2 * time.Minute)
	if o, _ := d.Drain(context.Background()); o.Sent != 1 {
		t.Fatalf("%+v, want 1 sent", o)
	}
	// The outcome was lost: the row is due again, and written again.
	if _, err := st.ExecSQL(context.Background(), "UPDATE deliveries SET state = 'pending', next_attempt_at = created_at"); err != nil {
		t.Fatal(err)
	}
	if o, _ := d.Drain(context.Background()); o.Sent != 1 {
		t.Fatalf("%+v, want 1 sent", o)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 1 {
		t.Errorf("%d files after a resend, want 1", len(files))
	}
}
