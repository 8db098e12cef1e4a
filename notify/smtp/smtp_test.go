package smtp_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/tickler-dev/tickler/internal/smtptest"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/notify/smtp"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

var start = time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)

// bundle is what a test looks at besides the deliverer.
type bundle struct {
	st    *store.Store
	sink  *smtptest.Server
	clock *notifytest.Clock
	log   *testkit.Log
	relay *smtp.Relay
	opts  smtp.Options // the relay's, host, port and envelope filled in
}

// setup plans n messages and returns a deliverer sending them to sink
// through a Relay with options o (host, port and envelope filled in).
func setup(t *testing.T, st *store.Store, sink *smtptest.Server, n int, o smtp.Options) (*deliver.Deliverer, *bundle) {
	t.Helper()
	clock := notifytest.NewClock(start)
	notifytest.Plan(t, st, n, clock.Now())
	o.Host, o.Port = sink.Host, sink.Port
	if o.TLS == "" {
		o.TLS = "none"
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	o.Envelope = message.Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: notifytest.Loc}
	relay, err := smtp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	logs := &testkit.Log{}
	d := &deliver.Deliverer{
		Store: st, Sender: relay, Owner: "test:1",
		Policy:  deliver.RetryPolicy{MaxAttempts: 5, MaxAge: 72 * time.Hour, Initial: time.Minute, Max: time.Hour},
		Workers: 1, BatchSize: 50, Lease: time.Minute, Timeout: o.Timeout, DataTimeout: o.DataTimeout, Poll: time.Second,
		Now: clock.Now, Log: slog.New(slog.NewTextHandler(logs, nil)), Render: (&plan.AtSend{Store: st}).Render,
	}
	return d, &bundle{st: st, sink: sink, clock: clock, log: logs, relay: relay, opts: o}
}

// bothPaths runs a test with the pipelined transaction and with one command
// at a time (through go-mail's SMTP client).
func bothPaths(t *testing.T, fn func(t *testing.T, o smtp.Options)) {
	t.Run("pipelined", func(t *testing.T) { fn(t, smtp.Options{}) })
	t.Run("stepwise", func(t *testing.T) { fn(t, smtp.Options{NoPipelining: true}) })
}

func drain(t *testing.T, d *deliver.Deliverer) deliver.Outcome {
	t.Helper()
	o, err := d.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// Five messages through one worker go over one connection, each accepted
// once with the Message-ID of its row, and each row records the server's reply.
func TestSeveralMessagesOnOneConnection(t *testing.T) {
	bothPaths(t, func(t *testing.T, o smtp.Options) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			testSeveralMessagesOnOneConnection(t, st, o)
		})
	})
}

func testSeveralMessagesOnOneConnection(t *testing.T, st *store.Store, o smtp.Options) {
	sink := smtptest.Start(t, smtptest.Options{Keep: true})
	d, b := setup(t, st, sink, 5, o)
	if o := drain(t, d); o.Sent != 5 {
		t.Fatalf("outcome %+v, want 5 sent", o)
	}
	if n := sink.Sessions(); n != 1 {
		t.Errorf("%d connections for 5 messages, want 1", n)
	}
	copies := sink.Copies()
	for _, r := range notifytest.Rows(t, b.st) {
		if r.State != "sent" || !strings.HasPrefix(r.Reply, "250 ") || !r.SentAt.Equal(start) || r.Attempts != 1 {
			t.Errorf("row %d: state %s, attempts %d, reply %q, sent %v", r.ID, r.State, r.Attempts, r.Reply, r.SentAt)
		}
		if copies[r.MessageID] != 1 {
			t.Errorf("row %d (%s) arrived %d times", r.ID, r.MessageID, copies[r.MessageID])
		}
	}
	m := sink.Messages()[0]
	if m.From != "tochuc@example.vn" || len(m.To) != 1 || m.To[0] != "p1@example.vn" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	// The server offers 8BITMIME: the Vietnamese text goes as it is,
	// declared so in MAIL FROM.
	if m.Body != "8BITMIME" || !bytes.Contains(m.Data, []byte("Content-Transfer-Encoding: 8bit")) ||
		!bytes.Contains(m.Data, []byte("Kính gửi đồng chí Nguyễn Văn Số 1")) {
		t.Errorf("BODY=%q, message:\n%s", m.Body, m.Data)
	}
}

// A relay that does not offer 8BITMIME gets the message in 7 bits (the
// Vietnamese text quoted-printable), declared without BODY=8BITMIME, and the
// same text arrives.
func TestRelayWithout8BITMIME(t *testing.T) {
	bothPaths(t, func(t *testing.T, o smtp.Options) {
		sink := smtptest.Start(t, smtptest.Options{Keep: true, No8BitMIME: true})
		d, _ := setup(t, storetest.New(t, store.SQLite), sink, 2, o)
		if o := drain(t, d); o.Sent != 2 {
			t.Fatalf("outcome %+v, want 2 sent", o)
		}
		for _, m := range sink.Messages() {
			if m.Body != "" {
				t.Errorf("BODY=%s to a relay without 8BITMIME", m.Body)
			}
			for i, c := range m.Data {
				if c >= 0x80 {
					t.Fatalf("an 8-bit octet at %d:\n%s", i, m.Data)
				}
			}
			if !bytes.Contains(m.Data, []byte("Content-Transfer-Encoding: quoted-printable")) {
				t.Errorf("no quoted-printable part:\n%s", m.Data)
			}
			parsed, err := mail.ReadMessage(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			text := textPart(parsed.Header.Get("Content-Type"), parsed.Body)
			if !strings.Contains(text, "Kính gửi đồng chí Nguyễn Văn Số") {
				t.Errorf("the text did not arrive whole:\n%s", text)
			}
		}
	})
}

// textPart returns the decoded text/plain part of a MIME body.
func textPart(contentType string, body io.Reader) string {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt == "text/plain" {
		b, _ := io.ReadAll(body)
		return string(b)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		return ""
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return ""
		}
		if s := textPart(p.Header.Get("Content-Type"), p); s != "" {
			return s
		}
	}
}

// Several workers keep one connection each, not one per message.
func TestWorkersReuseTheirConnections(t *testing.T) {
	sink := smtptest.Start(t, smtptest.Options{})
	d, _ := setup(t, storetest.New(t, store.SQLite), sink, 60, smtp.Options{})
	d.Workers = 3
	if o := drain(t, d); o.Sent != 60 {
		t.Fatalf("outcome %+v", o)
	}
	if n := sink.Sessions(); n > 3 {
		t.Errorf("%d connections for 3 workers", n)
	}
}

func smtpErr(code int, enh gosmtp.EnhancedCode, msg string) error {
	return &gosmtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}

// failOnce answers the first call of step with err.
func failOnce(step string, err error) func(string, int, *gosmtp.Conn, io.Reader) error {
	return func(s string, n int, _ *gosmtp.Conn, _ io.Reader) error {
		if s == step && n == 1 {
			return err
		}
		return nil
	}
}

// A temporary failure leaves the row to retry with the reply and a later
// attempt time; the next pass after that time sends it, once.
func TestTemporaryFailureIsRetriedAndSentOnce(t *testing.T) {
	cases := []struct {
		name string
		hook func(string, int, *gosmtp.Conn, io.Reader) error
		want string // in the reply of the failed attempt
	}{
		// The server is going away (and may close the connection).
		{"421 at MAIL FROM", failOnce("mail", smtpErr(421, gosmtp.EnhancedCode{4, 3, 2}, "Service shutting down")), "421 4.3.2"},
		// Greylisting: the usual 451 to a first RCPT.
		{"451 at RCPT TO", failOnce("rcpt", smtpErr(451, gosmtp.EnhancedCode{4, 7, 1}, "Greylisted, try again later")), "451 4.7.1"},
		// The server took the content but could not queue it.
		{"451 after DATA", failOnce("data", smtpErr(451, gosmtp.EnhancedCode{4, 3, 0}, "Queue full")), "451 4.3.0"},
		// The connection dies halfway through the content.
		{"connection dropped mid-DATA", func(s string, n int, c *gosmtp.Conn, body io.Reader) error {
			if s == "data" && n == 1 {
				io.CopyN(io.Discard, body, 200)
				c.Conn().Close()
				return io.ErrUnexpectedEOF
			}
			return nil
		}, "end of DATA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bothPaths(t, func(t *testing.T, o smtp.Options) {
				testTemporaryFailure(t, o, tc.hook, tc.want)
			})
		})
	}
}

func testTemporaryFailure(t *testing.T, o smtp.Options, hook func(string, int, *gosmtp.Conn, io.Reader) error, want string) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sink := smtptest.Start(t, smtptest.Options{Hook: hook})
		d, b := setup(t, st, sink, 1, o)
		if o := drain(t, d); o.Retry != 1 {
			t.Fatalf("first pass: %+v, want 1 retry; %+v", o, notifytest.Rows(t, st))
		}
		r := notifytest.Rows(t, st)[0]
		if r.State != "retry" || !strings.Contains(r.Reply, want) || r.LeaseOwner != "" {
			t.Fatalf("after the failure: state %s, reply %q, lease %q", r.State, r.Reply, r.LeaseOwner)
		}
		// Jitter is ±20% of the 1m first delay.
		if wait := r.Next.Sub(start); wait < 48*time.Second || wait > 72*time.Second {
			t.Errorf("next attempt in %v, want about 1m", wait)
		}
		if o := drain(t, d); o != (deliver.Outcome{}) {
			t.Fatalf("a pass before the retry time did %+v", o)
		}
		b.clock.Add(2 * time.Minute)
		if o := drain(t, d); o.Sent != 1 {
			t.Fatalf("retry pass: %+v, want 1 sent", o)
		}
		r = notifytest.Rows(t, st)[0]
		if r.State != "sent" || r.Attempts != 2 || !strings.HasPrefix(r.Reply, "250") {
			t.Errorf("after the retry: state %s, attempts %d, reply %q", r.State, r.Attempts, r.Reply)
		}
		if c := sink.Copies()[r.MessageID]; c != 1 {
			t.Errorf("accepted %d times, want 1", c)
		}
	})
}

// A permanent refusal fails the row with the server's reply and the time;
// it is never tried again.
func TestPermanentFailureIsNotRetried(t *testing.T) {
	cases := []struct {
		name, step string
		err        error
		want       string
	}{
		{"550 at RCPT TO", "rcpt", smtpErr(550, gosmtp.EnhancedCode{5, 1, 1}, "No such user here"), "550 5.1.1 No such user here"},
		{"554 after DATA", "data", smtpErr(554, gosmtp.EnhancedCode{5, 6, 0}, "Content rejected"), "554 5.6.0 Content rejected"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bothPaths(t, func(t *testing.T, o smtp.Options) {
				testPermanentFailure(t, o, tc.step, tc.err, tc.want)
			})
		})
	}
}

func testPermanentFailure(t *testing.T, o smtp.Options, step string, refusal error, want string) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sink := smtptest.Start(t, smtptest.Options{Hook: func(s string, _ int, _ *gosmtp.Conn, _ io.Reader) error {
			if s == step {
				return refusal
			}
			return nil
		}})
		d, b := setup(t, st, sink, 2, o)
		if o := drain(t, d); o.Failed != 2 {
			t.Fatalf("%+v, want 2 failed", o)
		}
		for _, r := range notifytest.Rows(t, st) {
			if r.State != "failed" || !strings.Contains(r.Reply, want) || !r.FailedAt.Equal(start) {
				t.Errorf("row %d: state %s, reply %q, failed at %v", r.ID, r.State, r.Reply, r.FailedAt)
			}
		}
		before := sink.Steps(step)
		b.clock.Add(48 * time.Hour)
		if o := drain(t, d); o != (deliver.Outcome{}) {
			t.Errorf("a failed row was tried again: %+v", o)
		}
		if sink.Steps(step) != before {
			t.Error("the server saw another attempt")
		}
		if !strings.Contains(b.log.String(), "delivery: failed") {
			t.Errorf("no error logged:\n%s", b.log)
		}
	})
}

// refusingSink is a relay that refuses every address with "-nghi@" in it
// (550: the mailbox is gone) and greylists tp-ban@ once (451).
func refusingSink(t *testing.T) *smtptest.Server {
	var mu sync.Mutex
	greylisted := false
	return smtptest.Start(t, smtptest.Options{Keep: true, Rcpt: func(to string) error {
		switch {
		case strings.Contains(to, "-nghi@"):
			return smtpErr(550, gosmtp.EnhancedCode{5, 1, 1}, "Mailbox unavailable")
		case to == "tp-ban@example.vn":
			mu.Lock()
			defer mu.Unlock()
			if !greylisted {
				greylisted = true
				return smtpErr(451, gosmtp.EnhancedCode{4, 7, 1}, "Greylisted, try again later")
			}
		}
		return nil
	}})
}

// ccPairs are four reminders with a manager in copy: one manager's mailbox
// is gone, one is greylisted, one employee's mailbox is gone, and in the last
// both are.
var ccPairs = [][2]string{
	{"nv1@example.vn", "tp-nghi@example.vn"},
	{"nv2@example.vn", "tp-ban@example.vn"},
	{"nv3-nghi@example.vn", "tp3@example.vn"},
	{"nv4-nghi@example.vn", "tp4-nghi@example.vn"},
}

// planWithCopies plans the four reminders of ccPairs and puts the manager in
// copy of each row: rows with several recipients are what the planner wrote
// before copies became messages of their own (and what another system may
// write), and the deliverer still sends them.
func planWithCopies(t *testing.T, st *store.Store, at time.Time) {
	t.Helper()
	ns := notifytest.Notices(4)
	for i, p := range ccPairs {
		ns[i].To.Email = p[0]
	}
	notifytest.PlanNotices(t, st, ns, at)
	for i, p := range ccPairs {
		cc := notify.FormatCc([]notify.Recipient{{Name: fmt.Sprintf("Trưởng phòng %d", i+1), Email: p[1]}})
		if _, err := st.ExecSQL(context.Background(), "UPDATE deliveries SET cc = ? WHERE recipient = ?", cc, p[0]); err != nil {
			t.Fatal(err)
		}
	}
}

// One recipient refused among several (a manager in copy whose mailbox is
// gone): the message goes to the recipients the relay accepted, and each
// refused one becomes a delivery of its own, "<key>|rcpt:<address>", to that
// address alone, with the message's bytes: failed with the relay's reply
// for a 550, retried for a 451 and then sent to that address only, never
// again to the others. A message fails only when no recipient is accepted.
func TestRefusedRecipientDoesNotStopTheOthers(t *testing.T) {
	bothPaths(t, func(t *testing.T, o smtp.Options) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			testRefusedRecipient(t, st, o)
		})
	})
}

func testRefusedRecipient(t *testing.T, st *store.Store, o smtp.Options) {
	sink := refusingSink(t)
	d, b := setup(t, st, sink, 0, o)
	planWithCopies(t, st, b.clock.Now())
	if o := drain(t, d); o != (deliver.Outcome{Sent: 3, Retry: 1, Failed: 3, Bytes: o.Bytes}) || o.Bytes == 0 {
		t.Errorf("first pass: %+v, want 3 sent, the greylisted copy to retry, 3 failed", o)
	}
	// What reached each mailbox: each DATA the server accepted, per recipient.
	received := func(want map[string]int) {
		t.Helper()
		for addr, n := range want {
			if got := sink.Received(addr); got != n {
				t.Errorf("%s received %d copies, want %d", addr, got, n)
			}
		}
	}
	received(map[string]int{"nv1@example.vn": 1, "tp-nghi@example.vn": 0, "nv2@example.vn": 1, "tp-ban@example.vn": 0,
		"nv3-nghi@example.vn": 0, "tp3@example.vn": 1, "nv4-nghi@example.vn": 0, "tp4-nghi@example.vn": 0})

	all := notifytest.Rows(t, st)
	rows, byKey := map[string]notifytest.Row{}, map[string]notifytest.Row{} // the planned rows by recipient; all by key
	for _, r := range all {
		byKey[r.Key] = r
		if !strings.Contains(r.Key, "|rcpt:") {
			rows[r.Recipient] = r
		}
	}
	if len(all) != 7 {
		t.Errorf("%d rows, want the 4 planned and 3 for refused recipients: %+v", len(all), all)
	}
	for _, to := range []string{"nv1@example.vn", "nv2@example.vn", "nv3-nghi@example.vn"} {
		if r := rows[to]; r.State != "sent" || !strings.HasPrefix(r.Reply, "250 ") || !r.SentAt.Equal(start) {
			t.Errorf("%s: %s, reply %q, sent at %v; want sent to the accepted recipients", to, r.State, r.Reply, r.SentAt)
		}
	}
	if r := rows["nv4-nghi@example.vn"]; r.State != "failed" ||
		!strings.Contains(r.Reply, "RCPT TO <nv4-nghi@example.vn>: 550 5.1.1 Mailbox unavailable") ||
		!strings.Contains(r.Reply, "RCPT TO <tp4-nghi@example.vn>: 550 5.1.1 Mailbox unavailable") {
		t.Errorf("no recipient accepted: %s, reply %q; want failed with both refusals", r.State, r.Reply)
	}
	refused := []struct {
		of, addr, name, state, reply string
	}{
		{"nv1@example.vn", "tp-nghi@example.vn", "Trưởng phòng 1", "failed", "RCPT TO <tp-nghi@example.vn>: 550 5.1.1 Mailbox unavailable"},
		{"nv2@example.vn", "tp-ban@example.vn", "Trưởng phòng 2", "retry", "RCPT TO <tp-ban@example.vn>: 451 4.7.1 Greylisted, try again later"},
		{"nv3-nghi@example.vn", "nv3-nghi@example.vn", "Nguyễn Văn Số 3", "failed", "RCPT TO <nv3-nghi@example.vn>: 550 5.1.1 Mailbox unavailable"},
	}
	for _, w := range refused {
		orig := rows[w.of]
		r := byKey[orig.Key+"|rcpt:"+w.addr]
		if r.Recipient != w.addr || r.RecipientName != w.name || r.Cc != "" || r.MessageID != orig.MessageID ||
			r.State != w.state || !strings.Contains(r.Reply, w.reply) || r.Attempts != 1 || r.LeaseOwner != "" {
			t.Errorf("refused %s of %s: %+v", w.addr, w.of, r)
		}
		switch w.state {
		case "failed":
			if !r.FailedAt.Equal(start) {
				t.Errorf("refused %s failed at %v, want %v", w.addr, r.FailedAt, start)
			}
		case "retry":
			if wait := r.Next.Sub(start); wait < 48*time.Second || wait > 72*time.Second {
				t.Errorf("refused %s: next attempt in %v, want about 1m", w.addr, wait)
			}
		}
	}
	if !strings.Contains(b.log.String(), "tp-nghi@example.vn") {
		t.Errorf("the refused recipient is not in the log:\n%s", b.log)
	}

	// The greylisted manager gets the message on the retry, alone in the
	// envelope, with the headers of the message the others got.
	before := len(sink.Messages())
	b.clock.Add(2 * time.Minute)
	if o := drain(t, d); o != (deliver.Outcome{Sent: 1, Bytes: o.Bytes}) || o.Bytes == 0 {
		t.Errorf("retry pass: %+v, want the greylisted copy sent", o)
	}
	received(map[string]int{"nv1@example.vn": 1, "tp-nghi@example.vn": 0, "nv2@example.vn": 1, "tp-ban@example.vn": 1,
		"nv3-nghi@example.vn": 0, "tp3@example.vn": 1})
	if msgs := sink.Messages(); len(msgs) != before+1 {
		t.Errorf("%d messages accepted on the retry pass, want 1", len(msgs)-before)
	} else {
		m := msgs[before]
		header, _, _ := bytes.Cut(m.Data, []byte("\r\n\r\n"))
		if len(m.To) != 1 || m.To[0] != "tp-ban@example.vn" || m.MessageID != rows["nv2@example.vn"].MessageID ||
			!bytes.Contains(header, []byte("<nv2@example.vn>")) { // the message's own bytes, as planned
			t.Errorf("the retried copy went to %v with Message-ID %s and header:\n%s", m.To, m.MessageID, header)
		}
	}
	for _, r := range notifytest.Rows(t, st) {
		if r.Recipient == "tp-ban@example.vn" && (r.State != "sent" || r.Attempts != 2) {
			t.Errorf("the greylisted copy: %s after %d attempts", r.State, r.Attempts)
		}
	}
	b.clock.Add(48 * time.Hour)
	if o := drain(t, d); o != (deliver.Outcome{}) {
		t.Errorf("a later pass did %+v", o)
	}
}

// A server that answers the end of DATA later than the data timeout: the
// attempt is abandoned and retried; the retry carries the same Message-ID, so
// the copy that the slow server may still have queued is recognisably the
// same.
func TestServerSlowerThanTimeout(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	sink := smtptest.Start(t, smtptest.Options{Keep: true, Hook: func(s string, n int, _ *gosmtp.Conn, _ io.Reader) error {
		if s == "data" && n == 1 {
			<-release
		}
		return nil
	}})
	st := storetest.New(t, store.SQLite)
	d, b := setup(t, st, sink, 1, smtp.Options{Timeout: 300 * time.Millisecond, DataTimeout: 300 * time.Millisecond})
	began := time.Now()
	if o := drain(t, d); o.Retry != 1 {
		t.Fatalf("%+v, want 1 retry", o)
	}
	if took := time.Since(began); took > 3*time.Second {
		t.Errorf("the attempt took %v with a 300ms timeout", took)
	}
	r := notifytest.Rows(t, st)[0]
	if r.State != "retry" || !strings.Contains(r.Reply, "timeout") {
		t.Fatalf("state %s, reply %q", r.State, r.Reply)
	}
	b.clock.Add(2 * time.Minute)
	if o := drain(t, d); o.Sent != 1 {
		t.Fatalf("retry: %+v", o)
	}
	for _, m := range sink.Messages() {
		if m.MessageID != r.MessageID {
			t.Errorf("a copy has Message-ID %s, the row %s", m.MessageID, r.MessageID)
		}
	}
}

// restart is a new process on the same outbox: a new relay and a new
// deliverer with d's settings.
func restart(t *testing.T, d *deliver.Deliverer, b *bundle) *deliver.Deliverer {
	t.Helper()
	relay, err := smtp.New(b.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	return &deliver.Deliverer{
		Store: d.Store, Sender: relay, Owner: d.Owner + "-restarted", Policy: d.Policy,
		Workers: d.Workers, BatchSize: d.BatchSize, Lease: d.Lease, Timeout: d.Timeout, DataTimeout: d.DataTimeout,
		Poll: d.Poll, Now: d.Now, Log: d.Log, Render: d.Render,
	}
}

// A relay that answers the end of DATA later than mail.delivery.timeout
// (Postfix may take its time to queue a message it has) gets every message
// once: the wait for that answer has its own timeout, ten minutes by default
// (RFC 5321 4.5.3.2), so tickler does not give up on a message the relay
// took and send it again after a restart.
func TestSlowAnswerToDataSendsNoDuplicates(t *testing.T) {
	bothPaths(t, func(t *testing.T, o smtp.Options) {
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			const n = 4
			sink := smtptest.Start(t, smtptest.Options{Hook: func(s string, _ int, _ *gosmtp.Conn, body io.Reader) error {
				if s == "data" {
					io.Copy(io.Discard, body)          // the relay has the message
					time.Sleep(800 * time.Millisecond) // and answers after the command timeout
				}
				return nil
			}})
			o.Timeout, o.DataTimeout = 300*time.Millisecond, 5*time.Second
			d, b := setup(t, st, sink, n, o)
			d.Workers = n
			first := drain(t, d)
			b.relay.Close()
			b.clock.Add(2 * time.Minute) // any retry is due
			second := drain(t, restart(t, d, b))
			// Abandoned transactions finish at the server after the client left.
			if !sink.WaitIdle(5 * time.Second) {
				t.Fatal("the server still has connections open")
			}
			extra := 0
			for _, r := range notifytest.Rows(t, st) {
				if c := sink.Copies()[r.MessageID]; c != 1 {
					extra += c - 1
					t.Errorf("row %d: the relay accepted %d copies", r.ID, c)
				}
			}
			t.Logf("%d messages, %d duplicates; outcomes %+v then, after the restart, %+v", n, extra, first, second)
			if first.Sent != n || second != (deliver.Outcome{}) {
				t.Errorf("outcomes %+v then %+v, want %d sent, then nothing to do", first, second, n)
			}
		})
	})
}

// A relay that takes longer to answer the end of DATA than the lease lasts:
// the worker sending the message keeps its claim on the row while it waits,
// so another replica looking for due rows meanwhile does not send it too.
func TestLeaseHoldsWhileTheRelayTakesItsTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		waiting := make(chan struct{}, 2)
		sink := smtptest.Start(t, smtptest.Options{Hook: func(s string, _ int, _ *gosmtp.Conn, body io.Reader) error {
			if s == "data" {
				io.Copy(io.Discard, body)
				waiting <- struct{}{}
				time.Sleep(2500 * time.Millisecond) // past the lease of 1s
			}
			return nil
		}})
		d, b := setup(t, st, sink, 1, smtp.Options{Timeout: 200 * time.Millisecond, DataTimeout: 5 * time.Second})
		d.Lease, d.Now = time.Second, time.Now
		done := make(chan deliver.Outcome)
		go func() { done <- drain(t, d) }()
		<-waiting
		time.Sleep(1200 * time.Millisecond) // the first claim's lease has ended
		other := restart(t, d, b)
		other.Owner = "replica-b:1"
		if o := drain(t, other); o != (deliver.Outcome{}) {
			t.Errorf("the other replica did %+v while the message was being sent", o)
		}
		if o := <-done; o.Sent != 1 {
			t.Errorf("the sending worker: %+v, want 1 sent", o)
		}
		r := notifytest.Rows(t, st)[0]
		if c := sink.Copies()[r.MessageID]; c != 1 || r.State != "sent" || r.Attempts != 1 {
			t.Errorf("accepted %d times; row %s after %d attempts", c, r.State, r.Attempts)
		}
	})
}

// A relay that requires a login: without one, or with a wrong password, the
// rows fail with a reason that says what to fix, the relay is asked once and
// not once per message, and the password appears in no log and no reply.
func TestAuthRequiredAndWrongPassword(t *testing.T) {
	const secret = "đúng-mật-khẩu-9f3"
	cases := []struct {
		name     string
		user     string
		password string
		want     string
	}{
		// No login configured: the relay refuses MAIL FROM.
		{"no login", "", "", "MAIL FROM: 530 5.7.0 Authentication required"},
		// A wrong password.
		{"wrong password", "tickler", "sai-" + secret, `login as "tickler" refused: 535 5.7.8 Authentication failed (check mail.smtp.username and mail.smtp.password)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				sink := smtptest.Start(t, smtptest.Options{Users: map[string]string{"tickler": secret}})
				d, b := setup(t, st, sink, 10, smtp.Options{Username: tc.user, Password: tc.password})
				d.Workers = 3
				d.Policy.MaxAttempts = 1 // fail at once, to see the final reason
				if o := drain(t, d); o.Failed != 10 {
					t.Fatalf("%+v, want 10 failed", o)
				}
				for _, r := range notifytest.Rows(t, st) {
					if r.State != "failed" || !strings.Contains(r.Reply, tc.want) || !strings.HasPrefix(r.Reply, "gave up after 1 attempts") {
						t.Errorf("row %d: state %s, reply %q", r.ID, r.State, r.Reply)
					}
				}
				if n := sink.AuthAttempts() + sink.Steps("mail"); n > 1 {
					t.Errorf("the relay was asked %d times for 10 messages, want once", n)
				}
				if !strings.Contains(b.log.String(), "the mail relay refused us; sending paused") {
					t.Errorf("no clear log line:\n%s", b.log)
				}
				if strings.Contains(b.log.String(), secret) {
					t.Errorf("the password is in the log:\n%s", b.log)
				}
				for _, r := range notifytest.Rows(t, st) {
					if strings.Contains(r.Reply, secret) {
						t.Errorf("the password is in a reply: %q", r.Reply)
					}
				}
			})
		})
	}
}

// With the default retry policy, a refused login is retried later rather
// than failing every message for good at once: fixing the password is enough.
func TestRefusedLoginWaitsForTheFix(t *testing.T) {
	sink := smtptest.Start(t, smtptest.Options{Users: map[string]string{"tickler": "right"}})
	st := storetest.New(t, store.SQLite)
	d, b := setup(t, st, sink, 3, smtp.Options{Username: "tickler", Password: "wrong"})
	if o := drain(t, d); o.Retry != 3 {
		t.Fatalf("%+v, want 3 to retry", o)
	}
	fixed, err := smtp.New(smtp.Options{Host: sink.Host, Port: sink.Port, TLS: "none", Username: "tickler", Password: "right",
		Envelope: message.Envelope{From: "tochuc@example.vn"}})
	if err != nil {
		t.Fatal(err)
	}
	defer fixed.Close()
	d2 := &deliver.Deliverer{Store: st, Sender: fixed, Owner: "test:2", Policy: d.Policy,
		Lease: d.Lease, Timeout: d.Timeout, Now: b.clock.Now, Log: d.Log, Render: d.Render}
	b.clock.Add(2 * time.Minute)
	if o := drain(t, d2); o.Sent != 3 {
		t.Fatalf("after the fix: %+v, want 3 sent", o)
	}
	if m := sink.Messages(); len(m) != 3 || m[0].User != "tickler" {
		t.Errorf("accepted %v", m)
	}
}

// STARTTLS to a server whose certificate a private CA signed: trusted through
// mail.smtp.ca_file, refused with a clear reason without it. Login happens
// inside TLS.
func TestSTARTTLSWithTestCA(t *testing.T) {
	ca := smtptest.NewCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sink := smtptest.Start(t, smtptest.Options{TLS: ca.Server, Users: map[string]string{"tickler": "pw"}})
		d, _ := setup(t, st, sink, 2, smtp.Options{TLS: "mandatory", CAFile: caFile, Username: "tickler", Password: "pw"})
		if o := drain(t, d); o.Sent != 2 {
			t.Fatalf("%+v, want 2 sent; rows %+v", o, notifytest.Rows(t, st))
		}
		for _, m := range sink.Messages() {
			if !m.TLS || m.User != "tickler" {
				t.Errorf("message went with TLS %v, login %q", m.TLS, m.User)
			}
		}
	})
	t.Run("CA not given", func(t *testing.T) {
		sink := smtptest.Start(t, smtptest.Options{TLS: ca.Server})
		st := storetest.New(t, store.SQLite)
		d, _ := setup(t, st, sink, 1, smtp.Options{TLS: "mandatory"})
		if o := drain(t, d); o.Retry != 1 {
			t.Fatalf("%+v", o)
		}
		r := notifytest.Rows(t, st)[0]
		if !strings.Contains(r.Reply, "TLS certificate not trusted") || !strings.Contains(r.Reply, "mail.smtp.ca_file") {
			t.Errorf("reply %q", r.Reply)
		}
		if sink.Steps("mail") != 0 {
			t.Error("a message was offered over an untrusted connection")
		}
	})
}

// TLS from the first byte (port 465 style).
func TestImplicitTLS(t *testing.T) {
	ca := smtptest.NewCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, ca.PEM, 0o600)
	sink := smtptest.Start(t, smtptest.Options{TLS: ca.Server, Implicit: true})
	d, _ := setup(t, storetest.New(t, store.SQLite), sink, 1, smtp.Options{TLS: "implicit", CAFile: caFile})
	if o := drain(t, d); o.Sent != 1 {
		t.Fatalf("%+v", o)
	}
	if m := sink.Messages(); !m[0].TLS {
		t.Error("sent without TLS")
	}
}

// tls: mandatory (the default) against a server without STARTTLS refuses
// to send, and says why; opportunistic sends in clear text.
func TestMandatoryTLSWithoutSTARTTLS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sink := smtptest.Start(t, smtptest.Options{})
		d, b := setup(t, st, sink, 1, smtp.Options{TLS: "mandatory"})
		if o := drain(t, d); o.Retry != 1 {
			t.Fatalf("%+v", o)
		}
		r := notifytest.Rows(t, st)[0]
		want := "does not offer STARTTLS and mail.smtp.tls is mandatory: refusing to send in clear text"
		if !strings.Contains(r.Reply, want) {
			t.Errorf("reply %q, want %q", r.Reply, want)
		}
		if !strings.Contains(b.log.String(), want) {
			t.Errorf("log lacks the reason:\n%s", b.log)
		}
		if sink.Steps("mail") != 0 {
			t.Error("the message was offered in clear text")
		}
	})
	t.Run("opportunistic", func(t *testing.T) {
		sink := smtptest.Start(t, smtptest.Options{})
		d, _ := setup(t, storetest.New(t, store.SQLite), sink, 1, smtp.Options{TLS: "opportunistic"})
		if o := drain(t, d); o.Sent != 1 {
			t.Fatalf("%+v", o)
		}
	})
}

// A pooled connection that the server closed while idle is noticed on use
// and replaced: the message goes on its first attempt.
func TestServerClosedIdleConnection(t *testing.T) {
	bothPaths(t, testServerClosedIdleConnection)
}

func testServerClosedIdleConnection(t *testing.T, o smtp.Options) {
	sink := smtptest.Start(t, smtptest.Options{ReadTimeout: 150 * time.Millisecond})
	st := storetest.New(t, store.SQLite)
	o.IdleTimeout = time.Hour
	d, b := setup(t, st, sink, 1, o)
	if o := drain(t, d); o.Sent != 1 {
		t.Fatalf("%+v", o)
	}
	time.Sleep(400 * time.Millisecond) // the server's idle limit passes: what this test is about
	notifytest.Plan(t, st, 2, b.clock.Now())
	if o := drain(t, d); o.Sent != 1 {
		t.Fatalf("%+v, want the second message sent at once; rows %+v", o, notifytest.Rows(t, st))
	}
	if r := notifytest.Rows(t, st)[1]; r.Attempts != 1 {
		t.Errorf("the second message took %d attempts", r.Attempts)
	}
	if n := sink.Sessions(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// A connection idle for longer than idle_timeout is not reused.
func TestIdleTimeoutRedials(t *testing.T) {
	sink := smtptest.Start(t, smtptest.Options{})
	st := storetest.New(t, store.SQLite)
	d, b := setup(t, st, sink, 1, smtp.Options{IdleTimeout: 100 * time.Millisecond})
	drain(t, d)
	time.Sleep(250 * time.Millisecond) // idle_timeout passes: what this test is about
	notifytest.Plan(t, st, 2, b.clock.Now())
	drain(t, d)
	if n := sink.Sessions(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

// Options printed or logged by mistake do not show the password.
func TestOptionsHideThePassword(t *testing.T) {
	o := smtp.Options{Host: "smtp.example.vn", Port: 587, TLS: "mandatory", Username: "tickler", Password: "pw-9f3Q"}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("relay", "options", o)
	for _, s := range []string{fmt.Sprint(o), fmt.Sprintf("%v %+v %#v %s", o, o, o, o), logged.String()} {
		if strings.Contains(s, "pw-9f3Q") {
			t.Errorf("password shown: %s", s)
		}
		if !strings.Contains(s, "smtp://tickler@smtp.example.vn:587") {
			t.Errorf("relay not described: %s", s)
		}
	}
}
