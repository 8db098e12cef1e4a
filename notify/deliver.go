package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// Sender hands one message to its transport. A nil error means the transport
// accepted the message (reply is the server's answer, if any). On failure,
// retry says whether trying again later may succeed (a 4xx reply, a network
// error, a timeout) or not (a 5xx reply, a refused address).
type Sender interface {
	Send(ctx context.Context, m *Message) (reply string, retry bool, err error)
}

// RetryPolicy decides when a failed message is tried again.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, then failed
	MaxAge      time.Duration // a message older than this is failed instead of retried
	Initial     time.Duration // delay after the first failure; doubles each time
	Max         time.Duration // cap on the delay
}

// Next returns when to try again after attempt n (1-based) failed, with ±20%
// jitter so that a relay coming back is not hit by every row at once; ok is
// false when the message should be failed instead.
func (p RetryPolicy) Next(now, created time.Time, attempts int) (at time.Time, ok bool) {
	if p.MaxAttempts > 0 && attempts >= p.MaxAttempts {
		return time.Time{}, false
	}
	if p.MaxAge > 0 && now.Sub(created) >= p.MaxAge {
		return time.Time{}, false
	}
	d := p.Initial
	if d <= 0 {
		d = time.Minute
	}
	for i := 1; i < attempts && (p.Max <= 0 || d < p.Max); i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	jitter := time.Duration((rand.Float64()*0.4 - 0.2) * float64(d))
	return now.Add(d + jitter), true
}

// Deliverer works the outbox off: it claims due rows with a lease, sends them
// through Sender with a few workers, and records each outcome.
type Deliverer struct {
	Store     *store.Store
	Sender    Sender
	Policy    RetryPolicy
	Owner     string // this process's name in lease_owner
	Workers   int
	BatchSize int
	Lease     time.Duration
	Poll      time.Duration
	Now       func() time.Time
	Log       *slog.Logger
	// Observe, when set, is told every outcome (metrics).
	Observe func(state string, took time.Duration)

	wake chan struct{}
	once sync.Once
}

// Outcome counts what one pass did.
type Outcome struct {
	Sent, Retry, Failed int
}

func (o *Outcome) add(b Outcome) { o.Sent += b.Sent; o.Retry += b.Retry; o.Failed += b.Failed }

func (d *Deliverer) init() {
	d.once.Do(func() {
		d.wake = make(chan struct{}, 1)
		if d.Workers <= 0 {
			d.Workers = 1
		}
		if d.BatchSize <= 0 {
			d.BatchSize = 100
		}
		if d.Lease <= 0 {
			d.Lease = 2 * time.Minute
		}
		if d.Poll <= 0 {
			d.Poll = 5 * time.Second
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		if d.Log == nil {
			d.Log = slog.Default()
		}
	})
}

// Wake tells a running Deliverer that new rows are due.
func (d *Deliverer) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, polling for due rows and waking on Wake. A
// database error is logged once per outage and retried.
func (d *Deliverer) Run(ctx context.Context) {
	d.init()
	failing := false
	for {
		n, _, err := d.Pass(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				d.Log.Error("delivery: outbox unreachable; will keep trying", "err", err)
			}
			failing = true
		case err == nil && failing:
			d.Log.Info("delivery: outbox reachable again")
			failing = false
		}
		if n > 0 && err == nil {
			continue // more may be due right away
		}
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-time.After(d.Poll):
		}
	}
}

// Drain delivers until no row is due now (retries scheduled later are left).
func (d *Deliverer) Drain(ctx context.Context) (Outcome, error) {
	d.init()
	var total Outcome
	for {
		n, o, err := d.Pass(ctx)
		total.add(o)
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// Pass claims one batch and sends it; n is the number of rows claimed.
func (d *Deliverer) Pass(ctx context.Context) (n int, out Outcome, err error) {
	d.init()
	msgs, err := d.claim(ctx)
	if err != nil || len(msgs) == 0 {
		return 0, out, err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan *Message)
	var firstErr error
	for range min(d.Workers, len(msgs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				o, err := d.deliver(ctx, m)
				mu.Lock()
				out.add(o)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, m := range msgs {
		work <- m
	}
	close(work)
	wg.Wait()
	return len(msgs), out, firstErr
}

type claimedRow struct {
	ID            int64      `db:"id"`
	Key           string     `db:"key"`
	Job           string     `db:"job"`
	Recipient     string     `db:"recipient"`
	RecipientName string     `db:"recipient_name"`
	Cc            string     `db:"cc"`
	Subject       string     `db:"subject"`
	Text          string     `db:"text_body"`
	HTML          string     `db:"html_body"`
	Attachments   []byte     `db:"attachments"`
	MessageID     string     `db:"message_id"`
	Attempts      int        `db:"attempts"`
	Created       store.Time `db:"created_at"`
}

func (d *Deliverer) claim(ctx context.Context) ([]*Message, error) {
	now := d.Now()
	var rows []claimedRow
	err := d.Store.DB.SelectContext(ctx, &rows, d.Store.Q("claim-deliveries"),
		d.Owner, store.T(now.Add(d.Lease)), store.T(now), store.T(now), d.BatchSize)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	out := make([]*Message, 0, len(rows))
	for _, r := range rows {
		m := &Message{
			ID: r.ID, Key: r.Key, MessageID: r.MessageID, Job: r.Job,
			To: Recipient{Name: r.RecipientName, Email: r.Recipient}, Cc: parseCc(r.Cc),
			Subject: r.Subject, Text: r.Text, HTML: r.HTML, Created: r.Created.Time, Attempts: r.Attempts,
		}
		if len(r.Attachments) > 0 {
			if err := json.Unmarshal(r.Attachments, &m.Attachments); err != nil {
				return nil, fmt.Errorf("delivery %d: attachments: %w", r.ID, err)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// deliver sends one message and records the outcome. The row is marked sent
// only after the transport accepted the message.
func (d *Deliverer) deliver(ctx context.Context, m *Message) (Outcome, error) {
	start := d.Now()
	reply, retry, sendErr := d.Sender.Send(ctx, m)
	took := d.Now().Sub(start)
	if ctx.Err() != nil && sendErr != nil {
		// Shutting down: leave the row to its lease; it is retried after.
		return Outcome{}, nil
	}
	// Record the outcome even if ctx was cancelled meanwhile: the message left.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var state string
	var err error
	switch {
	case sendErr == nil:
		state = "sent"
		_, err = d.Store.DB.ExecContext(rctx, d.Store.Q("mark-sent"), store.T(d.Now()), reply, m.ID, d.Owner)
	case retry:
		if at, ok := d.Policy.Next(d.Now(), m.Created, m.Attempts); ok {
			state = "retry"
			_, err = d.Store.DB.ExecContext(rctx, d.Store.Q("mark-retry"), store.T(at), errText(sendErr), m.ID, d.Owner)
			d.Log.Warn("delivery: temporary failure, will retry", "to", m.To.Email, "job", m.Job, "attempt", m.Attempts, "next", at.Format(time.RFC3339), "err", sendErr)
			break
		}
		state = "failed"
		msg := fmt.Sprintf("gave up after %d attempts: %s", m.Attempts, errText(sendErr))
		_, err = d.Store.DB.ExecContext(rctx, d.Store.Q("mark-failed"), msg, m.ID, d.Owner)
		d.Log.Error("delivery: failed", "to", m.To.Email, "job", m.Job, "err", msg)
	default:
		state = "failed"
		_, err = d.Store.DB.ExecContext(rctx, d.Store.Q("mark-failed"), errText(sendErr), m.ID, d.Owner)
		d.Log.Error("delivery: failed", "to", m.To.Email, "job", m.Job, "err", sendErr)
	}
	if d.Observe != nil {
		d.Observe(state, took)
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("record delivery %d as %s: %w", m.ID, state, err)
	}
	switch state {
	case "sent":
		return Outcome{Sent: 1}, nil
	case "retry":
		return Outcome{Retry: 1}, nil
	}
	return Outcome{Failed: 1}, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
