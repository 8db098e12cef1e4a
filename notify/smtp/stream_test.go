package smtp_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/tickler-dev/tickler/internal/smtptest"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/notify/smtp"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

type streamed struct {
	m     *notify.Message
	sent  notify.Sent
	retry bool
	err   error
}

// stream sends msgs through one Stream of a relay to sink, each taken
// behind the one before, and returns what done was told, in order.
func stream(t *testing.T, sink *smtptest.Server, o smtp.Options, msgs []*notify.Message) []streamed {
	t.Helper()
	o.Host, o.Port, o.TLS = sink.Host, sink.Port, "none"
	o.Timeout = 5 * time.Second
	o.Envelope = message.Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: notifytest.Loc}
	relay, err := smtp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	i := 1
	next := func() *notify.Message {
		if i == len(msgs) {
			return nil
		}
		i++
		return msgs[i-1]
	}
	var got []streamed
	relay.Stream(context.Background(), msgs[0], next, func(m *notify.Message, sent notify.Sent, retry bool, err error) {
		got = append(got, streamed{m, sent, retry, err})
	})
	return got
}

func streamMessages(n int) []*notify.Message {
	var msgs []*notify.Message
	for i := 1; i <= n; i++ {
		msgs = append(msgs, &notify.Message{
			ID: int64(i), Key: fmt.Sprintf("k%d", i), MessageID: fmt.Sprintf("<m%d@example.vn>", i), Job: "test",
			To: notify.Recipient{Name: "Người nhận", Email: fmt.Sprintf("p%d@example.vn", i)}, Subject: "Nhắc việc",
			Text: "Xin chào.\n.Một dòng bắt đầu bằng dấu chấm.\n", Created: time.Now(),
		})
	}
	return msgs
}

// A stream carries every message on one connection, each message's end in
// the write of the next one's envelope; a refused recipient, a refusal
// after DATA and a connection dropped mid-DATA each touch their own message
// only, and done hears of every message once, in order. The message whose
// envelope went behind the dropped one is sent on a fresh connection, once.
func TestStreamKeepsOrderThroughFailures(t *testing.T) {
	bothPaths(t, func(t *testing.T, o smtp.Options) {
		sink := smtptest.Start(t, smtptest.Options{
			Hook: func(step string, n int, c *gosmtp.Conn, body io.Reader) error {
				switch {
				case step == "rcpt" && n == 3: // message 3
					return smtpErr(550, gosmtp.EnhancedCode{5, 1, 1}, "No such user")
				case step == "data" && n == 4: // message 5 (3 had no DATA)
					return smtpErr(451, gosmtp.EnhancedCode{4, 3, 0}, "Queue full")
				case step == "data" && n == 5: // message 6
					io.CopyN(io.Discard, body, 200)
					c.Conn().Close()
					return io.ErrUnexpectedEOF
				}
				return nil
			},
		})
		msgs := streamMessages(10)
		got := stream(t, sink, o, msgs)
		if len(got) != len(msgs) {
			t.Fatalf("done told of %d messages, want %d", len(got), len(msgs))
		}
		for i, g := range got {
			if g.m != msgs[i] {
				t.Fatalf("outcome %d is of message %d", i+1, g.m.ID)
			}
			switch i + 1 {
			case 3:
				if g.err == nil || g.retry || !strings.Contains(g.err.Error(), "550") {
					t.Errorf("message 3: retry %v, err %v; want a 550 failure", g.retry, g.err)
				}
			case 5:
				if g.err == nil || !g.retry || !strings.Contains(g.err.Error(), "451") {
					t.Errorf("message 5: retry %v, err %v; want a 451 to retry", g.retry, g.err)
				}
			case 6:
				if g.err == nil || !g.retry {
					t.Errorf("message 6: retry %v, err %v; want a retry", g.retry, g.err)
				}
			default:
				if g.err != nil || !strings.HasPrefix(g.sent.Reply, "250") {
					t.Errorf("message %d: %q %v", i+1, g.sent.Reply, g.err)
				}
			}
		}
		copies := sink.Copies()
		for i, m := range msgs {
			want := 1
			if n := i + 1; n == 3 || n == 5 || n == 6 {
				want = 0
			}
			if copies[m.MessageID] != want {
				t.Errorf("message %d accepted %d times, want %d", i+1, copies[m.MessageID], want)
			}
		}
		if n := sink.Sessions(); n != 2 {
			t.Errorf("%d connections, want 2 (one dropped mid-DATA)", n)
		}
	})
}

// A message with several recipients goes alone, between streamed ones.
func TestStreamSendsAMessageWithCopiesAlone(t *testing.T) {
	sink := smtptest.Start(t, smtptest.Options{})
	msgs := streamMessages(5)
	msgs[2].Cc = []notify.Recipient{{Email: "cc@example.vn"}}
	got := stream(t, sink, smtp.Options{}, msgs)
	for i, g := range got {
		if g.m != msgs[i] || g.err != nil {
			t.Errorf("outcome %d: message %d, %v", i+1, g.m.ID, g.err)
		}
	}
	if len(got) != 5 || sink.Accepted() != 5 || sink.Received("cc@example.vn") != 1 {
		t.Errorf("%d outcomes, %d accepted, the copy received %d", len(got), sink.Accepted(), sink.Received("cc@example.vn"))
	}
}

// A message streamed behind another waits for that one's end of DATA before
// its own: its lease is held through both, so that another replica does not
// take it meanwhile.
func TestLeaseHoldsBehindASlowMessage(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	waiting := make(chan struct{}, 2)
	sink := smtptest.Start(t, smtptest.Options{Hook: func(s string, _ int, _ *gosmtp.Conn, body io.Reader) error {
		if s == "data" {
			io.Copy(io.Discard, body)
			waiting <- struct{}{}
			time.Sleep(2500 * time.Millisecond) // past the lease of 1s, and most of DataTimeout
		}
		return nil
	}})
	d, b := setup(t, st, sink, 2, smtp.Options{Timeout: 200 * time.Millisecond, DataTimeout: 3 * time.Second})
	d.Lease, d.Now = time.Second, time.Now
	done := make(chan deliver.Outcome)
	go func() { done <- drain(t, d) }()
	<-waiting
	<-waiting // the second message's content is in; its envelope went out 2.5s ago
	time.Sleep(1800 * time.Millisecond)
	other := restart(t, d, b)
	other.Owner = "replica-b:1"
	if o := drain(t, other); o != (deliver.Outcome{}) {
		t.Errorf("the other replica did %+v while the messages were being sent", o)
	}
	if o := <-done; o.Sent != 2 {
		t.Errorf("the sending worker: %+v, want 2 sent", o)
	}
	for _, r := range notifytest.Rows(t, st) {
		if c := sink.Copies()[r.MessageID]; c != 1 || r.State != "sent" || r.Attempts != 1 {
			t.Errorf("row %d accepted %d times; %s after %d attempts", r.ID, c, r.State, r.Attempts)
		}
	}
}
