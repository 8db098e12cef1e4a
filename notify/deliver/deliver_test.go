package deliver_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

var start = time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recorder is a Sender that accepts everything and remembers who sent what.
type recorder struct {
	mu    sync.Mutex
	sends map[int64][]string // row id -> the owners that sent it
	delay time.Duration
	// fn, when set, answers instead of accepting.
	fn func(m *notify.Message) (string, bool, error)
}

func (r *recorder) sender(owner string) notify.Sender { return ownerSender{r, owner} }

type ownerSender struct {
	r     *recorder
	owner string
}

func (s ownerSender) Send(ctx context.Context, m *notify.Message) (notify.Sent, bool, error) {
	if s.r.delay > 0 {
		time.Sleep(s.r.delay)
	}
	if s.r.fn != nil {
		if reply, retry, err := s.r.fn(m); err != nil || reply != "" {
			return notify.Sent{Reply: reply}, retry, err
		}
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.sends == nil {
		s.r.sends = map[int64][]string{}
	}
	s.r.sends[m.ID] = append(s.r.sends[m.ID], s.owner)
	return notify.Sent{Reply: "250 2.0.0 Ok"}, false, nil
}

func deliverer(st *store.Store, s notify.Sender, owner string, now func() time.Time) *deliver.Deliverer {
	return &deliver.Deliverer{
		Store: st, Sender: s, Owner: owner,
		Policy:  deliver.RetryPolicy{MaxAttempts: 3, MaxAge: 24 * time.Hour, Initial: time.Minute, Max: time.Hour},
		Workers: 4, BatchSize: 25, Lease: time.Minute, Timeout: 10 * time.Second, Poll: 10 * time.Millisecond,
		Now: now, Log: quiet, Render: (&plan.AtSend{Store: st}).Render,
	}
}

// Two deliverers (two replicas) working one outbox at the same time: every
// row is sent exactly once, by one of them, and both did part of the work.
func TestTwoDeliverersNeverSendTheSameRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const n = 1500
		notifytest.Plan(t, st, n, time.Now())
		rec := &recorder{delay: 200 * time.Microsecond}
		var wg sync.WaitGroup
		outcomes := make([]deliver.Outcome, 2)
		for i, owner := range []string{"replica-a:1", "replica-b:1"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := deliverer(st, rec.sender(owner), owner, time.Now).Drain(context.Background())
				if err != nil {
					t.Error(err)
				}
				outcomes[i] = o
			}()
		}
		wg.Wait()
		if len(rec.sends) != n {
			t.Fatalf("%d rows sent, want %d", len(rec.sends), n)
		}
		by := map[string]int{}
		for id, owners := range rec.sends {
			if len(owners) != 1 {
				t.Errorf("row %d sent by %v", id, owners)
			}
			by[owners[0]]++
		}
		if by["replica-a:1"] == 0 || by["replica-b:1"] == 0 {
			t.Errorf("one deliverer did everything: %v", by)
		}
		if outcomes[0].Sent+outcomes[1].Sent != n {
			t.Errorf("outcomes %+v", outcomes)
		}
		if s := notifytest.States(t, st); s["sent"] != n {
			t.Errorf("states %v", s)
		}
	})
}

// A deliverer that dies holding rows (its claim is never followed by an
// outcome) leaves them to another one once the lease ends, not before.
func TestRowsOfADeadWorkerAreTakenOverAfterTheLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := notifytest.NewClock(start)
		notifytest.Plan(t, st, 3, clock.Now())
		// The dead worker: it claimed the rows, as its claim query would.
		if _, err := st.ExecSQL(context.Background(), st.Q("claim-deliveries"), "dead:1", store.T(start.Add(time.Minute)), store.T(start), 10); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		d := deliverer(st, rec.sender("alive:1"), "alive:1", clock.Now)
		if o, err := d.Drain(context.Background()); err != nil || o.Sent != 0 {
			t.Fatalf("during the lease: %+v %v", o, err)
		}
		clock.Add(time.Minute + time.Second)
		if o, err := d.Drain(context.Background()); err != nil || o.Sent != 3 {
			t.Fatalf("after the lease: %+v %v", o, err)
		}
		for _, r := range notifytest.Rows(t, st) {
			if r.State != "sent" || r.Attempts != 2 {
				t.Errorf("row %d: %s after %d attempts", r.ID, r.State, r.Attempts)
			}
		}
	})
}

// On shutdown the message in flight is finished and recorded; the rows
// claimed but not started are released at once, their attempt not counted.
func TestShutdownFinishesInFlightAndReleasesTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 20, time.Now())
		started := make(chan struct{})
		finish := make(chan struct{})
		var calls atomic.Int32
		rec := &recorder{fn: func(m *notify.Message) (string, bool, error) {
			if calls.Add(1) == 1 {
				close(started)
				<-finish
			}
			return "", false, nil
		}}
		d := deliverer(st, rec.sender("a:1"), "a:1", time.Now)
		d.Workers = 1
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		<-started
		cancel()
		close(finish)
		<-done
		states := notifytest.States(t, st)
		if states["sent"] != 1 || states["pending"] != 19 {
			t.Fatalf("states %v, want 1 sent and 19 pending", states)
		}
		for _, r := range notifytest.Rows(t, st) {
			if r.State == "pending" && (r.Attempts != 0 || r.LeaseOwner != "") {
				t.Errorf("row %d: attempts %d, lease %q after release", r.ID, r.Attempts, r.LeaseOwner)
			}
		}
		// A new process takes them at once.
		if o, err := deliverer(st, rec.sender("b:1"), "b:1", time.Now).Drain(context.Background()); err != nil || o.Sent != 19 {
			t.Errorf("next process: %+v %v", o, err)
		}
	})
}

// A row whose lease would end before its send could finish is not sent: it
// is released for whoever claims it next, so that no two workers send it.
func TestRowNotSentWhenItsLeaseWouldRunOut(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	clock := notifytest.NewClock(start)
	notifytest.Plan(t, st, 5, clock.Now())
	rec := &recorder{}
	rec.fn = func(m *notify.Message) (string, bool, error) {
		clock.Add(45 * time.Second) // a slow relay: 45s per message, 1m lease, 10s timeout
		return "", false, nil
	}
	d := deliverer(st, rec.sender("a:1"), "a:1", clock.Now)
	d.Workers = 1
	// All 5 are claimed at 0s with a lease to 60s. The first is sent from 0s
	// to 45s; the second may start at 45s since it ends by 55s; the others
	// would start at 90s, after the lease: released, untried.
	if o, err := d.Drain(context.Background()); err != nil || o.Sent != 2 {
		t.Fatalf("%+v %v, want 2 sent", o, err)
	}
	for _, r := range notifytest.Rows(t, st)[2:] {
		if r.State != "pending" || r.Attempts != 0 || r.LeaseOwner != "" {
			t.Errorf("row %d not released: %+v", r.ID, r)
		}
	}
	for range 3 {
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range notifytest.Rows(t, st) {
		if r.State != "sent" || r.Attempts != 1 || len(rec.sends[r.ID]) != 1 {
			t.Errorf("row %d: %s, %d attempts, sent %d times", r.ID, r.State, r.Attempts, len(rec.sends[r.ID]))
		}
	}
}

// Retries end: after max_attempts, or past max_age, the row is failed with
// the last reason and how long it was tried.
func TestRetriesGiveUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := notifytest.NewClock(start)
		notifytest.Plan(t, st, 1, clock.Now())
		rec := &recorder{fn: func(*notify.Message) (string, bool, error) {
			return "", true, errors.New("451 4.3.0 try later")
		}}
		d := deliverer(st, rec.sender("a:1"), "a:1", clock.Now)
		for range 3 {
			if _, err := d.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Hour)
		}
		r := notifytest.Rows(t, st)[0]
		if r.State != "failed" || r.Attempts != 3 || !strings.HasPrefix(r.Reply, "gave up after 3 attempts in 2h") ||
			!strings.Contains(r.Reply, "451 4.3.0 try later") || !r.FailedAt.Equal(start.Add(2*time.Hour)) {
			t.Errorf("%+v", r)
		}
	})
}

// rate_per_second holds across claims: after a burst of one second's worth,
// messages go at the rate.
func TestRateLimitIsHonoured(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	notifytest.Plan(t, st, 250, time.Now())
	rec := &recorder{}
	d := deliverer(st, rec.sender("a:1"), "a:1", time.Now)
	d.RatePerSecond = 100
	began := time.Now()
	o, err := d.Drain(context.Background())
	if err != nil || o.Sent != 250 {
		t.Fatalf("%+v %v", o, err)
	}
	// A full bucket (100) goes at once, the other 150 at 100/s.
	if took := time.Since(began); took < 1400*time.Millisecond || took > 5*time.Second {
		t.Errorf("250 messages at 100/s took %v, want about 1.5s", took)
	}
}

// max_per_hour counts what was sent in the last hour, in the database: a
// restart does not reset it.
func TestHourlyCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := notifytest.NewClock(start)
		notifytest.Plan(t, st, 8, clock.Now())
		rec := &recorder{}
		d := deliverer(st, rec.sender("a:1"), "a:1", clock.Now)
		d.MaxPerHour = 5
		if o, _ := d.Drain(context.Background()); o.Sent != 5 {
			t.Fatalf("first hour: %+v, want 5", o)
		}
		restarted := deliverer(st, rec.sender("a:2"), "a:2", clock.Now)
		restarted.MaxPerHour = 5
		clock.Add(30 * time.Minute)
		if o, _ := restarted.Drain(context.Background()); o.Sent != 0 {
			t.Fatalf("same hour after a restart: %+v, want 0", o)
		}
		clock.Add(31 * time.Minute)
		if o, _ := restarted.Drain(context.Background()); o.Sent != 3 {
			t.Fatalf("next hour: %+v, want 3", o)
		}
	})
}

// refuseCopies accepts every message but refuses its recipients in copy, as
// a relay that answers 550 to their RCPT TO.
type refuseCopies struct{ sends atomic.Int32 }

func (r *refuseCopies) Send(_ context.Context, m *notify.Message) (notify.Sent, bool, error) {
	r.sends.Add(1)
	sent := notify.Sent{Reply: "250 2.0.0 Ok"}
	for _, c := range m.Cc {
		sent.Refused = append(sent.Refused, notify.Refusal{Email: c.Email, Err: errors.New("550 5.1.1 No such user")})
	}
	return sent, false, nil
}

// A message sent again after a crash (the relay took it, its outcome was
// not written) whose copy is refused again still has one row for that
// refused recipient, not two.
func TestRefusedRecipientRecordedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.PlanNotices(t, st, notifytest.Notices(1), start)
		// A row with a recipient in copy: planned before copies were
		// messages of their own, or written by another system.
		if _, err := st.ExecSQL(context.Background(), "UPDATE deliveries SET cc = ?", "Trưởng phòng <tp@example.vn>"); err != nil {
			t.Fatal(err)
		}
		s := &refuseCopies{}
		d := deliverer(st, s, "a:1", func() time.Time { return start })
		for pass := range 2 {
			if o, err := d.Drain(context.Background()); err != nil || o != (deliver.Outcome{Sent: 1, Failed: 1, Bytes: o.Bytes}) || o.Bytes == 0 {
				t.Fatalf("pass %d: %+v %v", pass+1, o, err)
			}
			// The crash: the message's "sent" is lost.
			if _, err := st.ExecSQL(context.Background(), "UPDATE deliveries SET state = 'pending', next_attempt_at = ? WHERE cc <> ''", store.T(start)); err != nil {
				t.Fatal(err)
			}
		}
		rows := notifytest.Rows(t, st)
		if s.sends.Load() != 2 || len(rows) != 2 || rows[1].Recipient != "tp@example.vn" || rows[1].State != "failed" ||
			rows[1].Key != rows[0].Key+"|rcpt:tp@example.vn" || !strings.Contains(rows[1].Reply, "550 5.1.1") {
			t.Errorf("%d sends, rows %+v", s.sends.Load(), rows)
		}
	})
}

// refuseOutcomes makes st refuse the writes of delivery outcomes (a row's
// state changing) with the error of SQLSTATE code (PostgreSQL) or a plain
// trigger error (SQLite), and returns what lets them through again.
func refuseOutcomes(t *testing.T, st *store.Store, code string) (refuse func(), allow func()) {
	t.Helper()
	ctx := context.Background()
	qs := map[store.Dialect][]string{
		store.SQLite: {`CREATE TRIGGER refuse_outcome BEFORE UPDATE ON deliveries WHEN NEW.state <> OLD.state
			BEGIN SELECT RAISE(ABORT, 'the database is away'); END`},
		store.Postgres: {`CREATE OR REPLACE FUNCTION refuse_outcome() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN RAISE EXCEPTION 'the database is away' USING ERRCODE = '` + code + `'; END $$`,
			`CREATE TRIGGER refuse_outcome BEFORE UPDATE ON deliveries FOR EACH ROW
			WHEN (NEW.state <> OLD.state) EXECUTE FUNCTION refuse_outcome()`},
	}[st.Dialect]
	drop := map[store.Dialect]string{
		store.SQLite:   `DROP TRIGGER refuse_outcome`,
		store.Postgres: `DROP TRIGGER refuse_outcome ON deliveries`,
	}[st.Dialect]
	refuse = func() {
		for _, q := range qs {
			if _, err := st.ExecSQL(ctx, q); err != nil {
				t.Error(err)
			}
		}
	}
	allow = func() {
		if _, err := st.ExecSQL(ctx, drop); err != nil {
			t.Error(err)
		}
	}
	return refuse, allow
}

// waitLogged waits for what to be in the log, at most 30 seconds.
func waitLogged(t *testing.T, mu *sync.Mutex, log *strings.Builder, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		ok := strings.Contains(log.String(), what)
		mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("not logged within 30s: %q\n%s", what, log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The database unreachable while messages are sent, for longer than their
// lease (PostgreSQL answering "cannot connect now", 57P03, to the outcomes'
// writes): the daemon's deliverer retries the write until it answers (a
// "sent" given up would send the messages again, after a restart or from
// another replica), claims the rows again when their lease is over without
// sending them again, and logs the failure once, then once when it works
// again.
func TestRecordingRetriedUntilTheDatabaseAnswers(t *testing.T) {
	st := storetest.New(t, store.Postgres)
	notifytest.Plan(t, st, 3, time.Now())
	refuse, allow := refuseOutcomes(t, st, "57P03")
	var away sync.Once
	rec := &recorder{fn: func(*notify.Message) (string, bool, error) {
		away.Do(refuse) // once the first message has left
		return "", false, nil
	}}
	var log strings.Builder
	var mu sync.Mutex
	d := deliverer(st, rec.sender("a:1"), "a:1", time.Now)
	d.Lease, d.Timeout = 2*time.Second, time.Second
	d.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan struct{})
	go func() { d.Run(ctx); close(stopped) }()
	waitLogged(t, &mu, &log, "recording outcomes failed")
	time.Sleep(3 * d.Lease) // the leases run out: the rows are claimed again
	allow()
	deadline := time.Now().Add(30 * time.Second)
	for {
		sent := 0
		for _, row := range notifytest.Rows(t, st) {
			if row.State == "sent" {
				sent++
			}
		}
		if sent == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all sent within 30s of the database answering: %+v", notifytest.Rows(t, st))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-stopped
	rec.mu.Lock()
	for id, owners := range rec.sends {
		if len(owners) != 1 {
			t.Errorf("row %d sent %d times", id, len(owners))
		}
	}
	if len(rec.sends) != 3 {
		t.Errorf("%d rows sent, want 3", len(rec.sends))
	}
	rec.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(log.String(), "recording outcomes failed"); n != 1 {
		t.Errorf("the failure was logged %d times, want once:\n%s", n, log.String())
	}
	if n := strings.Count(log.String(), "recording outcomes works again"); n != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", n, log.String())
	}
	if strings.Contains(log.String(), "outcomes not recorded") {
		t.Errorf("outcomes were given up:\n%s", log.String())
	}
}

// tickler run's Drain waits for an unreachable database at most its
// patience, then gives the outcomes up and says which rows it sent.
func TestDrainWaitsAtMostItsPatience(t *testing.T) {
	st := storetest.New(t, store.Postgres)
	notifytest.Plan(t, st, 1, time.Now())
	refuse, _ := refuseOutcomes(t, st, "57P03")
	refuse()
	var log strings.Builder
	var mu sync.Mutex
	d := deliverer(st, (&recorder{}).sender("a:1"), "a:1", time.Now)
	d.DrainPatience = time.Second
	d.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
	if _, err := d.Drain(context.Background()); err == nil {
		t.Fatal("drain succeeded with the database away")
	}
	waitLogged(t, &mu, &log, `why="waited 1s for the database" rows=1 sent_ids=[1]`)
}

// A write of outcomes that the database refuses while it answers (not an
// outage: a statement it will not take) is retried for a lease, as a
// passing fault would be, then given up, saying which rows were sent:
// waiting longer would stop all delivery for it.
func TestRecordingRefusedIsGivenUpAfterALease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 1, time.Now())
		refuse, _ := refuseOutcomes(t, st, "P0001") // raise_exception
		refuse()
		var log strings.Builder
		var mu sync.Mutex
		d := deliverer(st, (&recorder{}).sender("a:1"), "a:1", time.Now)
		d.Lease, d.Timeout = 2*time.Second, time.Second
		d.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
		began := time.Now()
		if _, err := d.Drain(context.Background()); err == nil {
			t.Fatal("drain succeeded with the outcomes refused")
		}
		if took := time.Since(began); took < d.Lease {
			t.Errorf("given up after %v, before a lease (%v)", took, d.Lease)
		}
		waitLogged(t, &mu, &log, `why="the database refuses them" rows=1 sent_ids=[1]`)
	})
}

// Stopped while the database is gone, the deliverer gives up the outcomes it
// could not write, and says which rows it sent.
func TestStoppedWithOutcomesUnrecorded(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	notifytest.Plan(t, st, 1, time.Now())
	var log strings.Builder
	var mu sync.Mutex
	rec := &recorder{fn: func(*notify.Message) (string, bool, error) {
		st.Close() // the database goes away once the message has left
		return "", false, nil
	}}
	d := deliverer(st, rec.sender("a:1"), "a:1", time.Now)
	d.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := d.Drain(ctx); done <- err }()
	waitLogged(t, &mu, &log, "recording outcomes failed")
	cancel()
	if err := <-done; err == nil {
		t.Fatal("drain succeeded with the database gone")
	}
	waitLogged(t, &mu, &log, `why=stopped rows=1 sent_ids=[1]`)
}

// The relay refusing us is logged once per reason: a connection refused,
// then, when the relay answers but refuses the login, that new reason; and
// once when it accepts again.
func TestRelayRefusalLoggedPerReason(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	notifytest.Plan(t, st, 1, start)
	now := start
	answers := []error{
		&notify.RelayError{Err: errors.New("dial tcp 127.0.0.1:25: connect: connection refused")},
		&notify.RelayError{Err: errors.New("dial tcp 127.0.0.1:25: connect: connection refused")},
		&notify.RelayError{Err: errors.New("535 5.7.8 authentication failed")},
		&notify.RelayError{Err: errors.New("535 5.7.8 authentication failed")},
		nil,
	}
	rec := &recorder{}
	rec.fn = func(*notify.Message) (string, bool, error) {
		err := answers[0]
		answers = answers[1:]
		if err != nil {
			return "", true, err
		}
		return "", false, nil
	}
	var log strings.Builder
	var mu sync.Mutex
	d := deliverer(st, rec.sender("a:1"), "a:1", func() time.Time { return now })
	d.Policy = deliver.RetryPolicy{MaxAttempts: 10, MaxAge: 24 * time.Hour, Initial: time.Minute, Max: time.Minute}
	d.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &log}, nil))
	for len(answers) > 0 {
		if _, err := d.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Minute)
	}
	mu.Lock()
	defer mu.Unlock()
	got := log.String()
	if n := strings.Count(got, "refused us"); n != 2 {
		t.Errorf("the refusal was logged %d times, want twice (two reasons):\n%s", n, got)
	}
	if !strings.Contains(got, "connection refused") || !strings.Contains(got, "535") {
		t.Errorf("both reasons are not in the log:\n%s", got)
	}
	if n := strings.Count(got, "accepts messages again"); n != 1 {
		t.Errorf("the end was logged %d times, want once:\n%s", n, got)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// pipeSender streams (as notify/smtp's Relay does with PIPELINING): it takes
// the next message before the current one's outcome is known.
type pipeSender struct {
	recorder
	hook func(m *notify.Message) // before each message's outcome
	// await: the first message waits (up to 5s) for one to take behind it.
	await bool
}

func (p *pipeSender) Send(ctx context.Context, m *notify.Message) (notify.Sent, bool, error) {
	return p.sender("stream").Send(ctx, m)
}

func (p *pipeSender) Stream(ctx context.Context, first *notify.Message, next func() *notify.Message,
	done func(m *notify.Message, sent notify.Sent, retry bool, err error)) {
	for cur := first; cur != nil; {
		behind := next()
		for t0 := time.Now(); p.await && cur == first && behind == nil && time.Since(t0) < 5*time.Second; {
			time.Sleep(time.Millisecond)
			behind = next()
		}
		if p.hook != nil {
			p.hook(cur)
		}
		sent, retry, err := p.Send(ctx, cur)
		done(cur, sent, retry, err)
		cur = behind
	}
}

// Through a streaming sender every row is sent once, and every outcome is
// recorded by the time Drain returns.
func TestStreamRecordsEveryOutcomeBeforeReturning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 300, time.Now())
		p := &pipeSender{}
		d := deliverer(st, p, "a:1", time.Now)
		o, err := d.Drain(context.Background())
		if err != nil || o.Sent != 300 {
			t.Fatalf("%+v %v", o, err)
		}
		if states := notifytest.States(t, st); states["sent"] != 300 {
			t.Fatalf("states %v right after Drain, want 300 sent", states)
		}
		for _, r := range notifytest.Rows(t, st) {
			if r.Attempts != 1 || r.LeaseOwner != "" {
				t.Errorf("row %d: attempts %d, lease %q", r.ID, r.Attempts, r.LeaseOwner)
			}
		}
		for id, by := range p.sends {
			if len(by) != 1 {
				t.Errorf("row %d sent %d times", id, len(by))
			}
		}
	})
}

// A stop while a stream has a message in flight and the next one taken
// behind it finishes both, records them, and releases the rest untried.
func TestStreamShutdownFinishesBothInFlightAndReleasesTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 20, time.Now())
		started := make(chan struct{})
		finish := make(chan struct{})
		var calls atomic.Int32
		p := &pipeSender{await: true, hook: func(*notify.Message) {
			if calls.Add(1) == 1 {
				close(started)
				<-finish
			}
		}}
		d := deliverer(st, p, "a:1", time.Now)
		d.Workers = 1
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		<-started
		cancel()
		close(finish)
		<-done
		states := notifytest.States(t, st)
		if states["sent"] != 2 || states["pending"] != 18 {
			t.Fatalf("states %v, want 2 sent (the one in flight and the one behind it) and 18 pending", states)
		}
		for _, r := range notifytest.Rows(t, st) {
			if r.State == "pending" && (r.Attempts != 0 || r.LeaseOwner != "") {
				t.Errorf("row %d: attempts %d, lease %q after release", r.ID, r.Attempts, r.LeaseOwner)
			}
		}
	})
}

// A relay's reply with bytes no text column takes (NUL, invalid UTF-8) is
// recorded, cleaned, on both databases: PostgreSQL refused the whole group's
// outcomes for one such reply.
func TestOddReplyRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 2, time.Now())
		odd := oddReply{(&recorder{}).sender("a:1")}
		d := deliverer(st, odd, "a:1", time.Now)
		if o, err := d.Drain(context.Background()); err != nil || o != (deliver.Outcome{Sent: 2, Bytes: o.Bytes}) || o.Bytes == 0 {
			t.Fatalf("drain: %+v %v", o, err)
		}
		for _, row := range notifytest.Rows(t, st) {
			if row.State != "sent" || row.Reply != "250 2.0.0 Ok queued as \uFFFD1" {
				t.Errorf("row %d: %s %q", row.ID, row.State, row.Reply)
			}
		}
	})
}

// oddReply is a sender whose relay answers with a NUL and a stray byte.
type oddReply struct{ notify.Sender }

func (o oddReply) Send(ctx context.Context, m *notify.Message) (notify.Sent, bool, error) {
	sent, retry, err := o.Sender.Send(ctx, m)
	sent.Reply = "250 2.0.0 Ok\x00 queued as \xff1"
	return sent, retry, err
}

// A row planned to be rendered at send is rendered by the deliverer that
// claims it, and the Sender gets its wire form. One that cannot be rendered
// (a payload torn, a render set missing) is failed at once with the reason
// and its items taken back (due again at the next run),
// counted in what Drain reports, never handed to the Sender; a deliverer
// without the renderer leaves such rows to retry.
func TestRenderedWhenClaimed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock := notifytest.NewClock(start)
		notifytest.Plan(t, st, 5, clock.Now())
		rows := notifytest.Rows(t, st)
		if _, err := st.ExecSQL(ctx, "UPDATE delivery_payloads SET payload = '1;7:torn' WHERE key = ?", rows[1].Key); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExecSQL(ctx, "UPDATE delivery_payloads SET render_set = 'gone' WHERE key = ?", rows[2].Key); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExecSQL(ctx, "DELETE FROM delivery_payloads WHERE key = ?", rows[3].Key); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		got := map[int64][]byte{}
		rec := &recorder{fn: func(m *notify.Message) (string, bool, error) {
			mu.Lock()
			defer mu.Unlock()
			got[m.ID] = m.Wire
			return "", false, nil
		}}
		bare := deliverer(st, rec.sender("a:1"), "a:1", clock.Now)
		bare.Render = nil
		if o, err := bare.Drain(ctx); err != nil || o.Retry != 4 || o.Failed != 1 || len(got) != 0 {
			t.Fatalf("without a renderer: %+v %v, %d sent; want 4 to retry, the one without its payload failed", o, err, len(got))
		}
		clock.Add(2 * time.Hour)
		o, err := deliverer(st, rec.sender("a:1"), "a:1", clock.Now).Drain(ctx)
		if err != nil || o.Sent != 2 || o.Failed != 2 || o.Bytes == 0 {
			t.Fatalf("%+v %v; want 2 sent, 2 failed", o, err)
		}
		var told []int64
		if err := st.SelectSQL(ctx, &told, "SELECT DISTINCT delivery_id FROM delivery_items ORDER BY delivery_id"); err != nil {
			t.Fatal(err)
		}
		if want := []int64{rows[0].ID, rows[4].ID}; !slices.Equal(told, want) {
			t.Errorf("messages with items %v, want %v: the items of those that could not be rendered are due again", told, want)
		}
		after := notifytest.Rows(t, st)
		for i, r := range after {
			switch i {
			case 1, 2, 3:
				want := map[int]string{1: "cannot render: payload", 2: `cannot render: render set "gone" is not in the outbox`,
					3: "its payload (" + r.Key + ") is missing from the outbox"}[i]
				if r.State != "failed" || !strings.HasPrefix(r.Reply, want) || got[r.ID] != nil {
					t.Errorf("row %d: %s %q, want failed %q, not sent", i, r.State, r.Reply, want)
				}
			default:
				if r.State != "sent" || !strings.Contains(string(got[r.ID]), "Message-ID: "+r.MessageID) {
					t.Errorf("row %d: %s, sent %q", i, r.State, got[r.ID])
				}
			}
		}
	})
}

// A stop while the claimed rows are being rendered gives them back
// untried: no attempt spent, no retry pushed back by the policy, no row
// failed; the next process sends them all.
func TestStopWhileRenderingReleasesTheRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		notifytest.Plan(t, st, 6, time.Now())
		rec := &recorder{}
		d := deliverer(st, rec.sender("a:1"), "a:1", time.Now)
		rendering := make(chan struct{})
		var once sync.Once
		d.Render = func(ctx context.Context, m *notify.Message) (bool, error) {
			once.Do(func() { close(rendering) })
			<-ctx.Done() // a render set being read when the stop comes
			return true, ctx.Err()
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { d.Run(ctx); close(done) }()
		<-rendering
		cancel()
		<-done
		for _, r := range notifytest.Rows(t, st) {
			if r.State != "pending" || r.Attempts != 0 || r.LeaseOwner != "" {
				t.Errorf("row %d: %s, attempts %d, lease %q; want pending, untried, free", r.ID, r.State, r.Attempts, r.LeaseOwner)
			}
		}
		if len(rec.sends) != 0 {
			t.Fatalf("%d sent while stopping", len(rec.sends))
		}
		if o, err := deliverer(st, rec.sender("b:1"), "b:1", time.Now).Drain(context.Background()); err != nil || o.Sent != 6 {
			t.Errorf("next process: %+v %v", o, err)
		}
	})
}
