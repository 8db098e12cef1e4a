package deliver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tickler-dev/tickler/notify"

	"golang.org/x/time/rate"

	"github.com/tickler-dev/tickler/store"
)

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

// Deliverer works the outbox off. A claimer takes due rows in batches with a
// lease (the next batch is claimed while the current one is sent), Workers
// send them through Sender side by side (a Sender that streams, as the SMTP
// relay does, takes each worker's next message while the current one's
// answer is awaited), and a recorder writes the outcomes in groups, one
// statement for each. A row is marked
// sent only after the transport accepted its message; a row whose lease would
// run out before its send could finish is not sent but released, so that two
// workers never send the same row.
type Deliverer struct {
	Store  *store.Store
	Sender notify.Sender
	Policy RetryPolicy
	// Owner is this deliverer's name in lease_owner; unique per process.
	Owner     string
	Workers   int           // messages in flight at once (SMTP connections)
	BatchSize int           // rows claimed at once
	Lease     time.Duration // how long a claim holds
	Timeout   time.Duration // per message; at most Lease
	Poll      time.Duration // how often an idle deliverer looks for due rows
	// DrainPatience bounds how long Drain waits for an unreachable database
	// to record the outcomes of messages that left (default 5m); Run waits
	// until it answers or the deliverer stops.
	DrainPatience time.Duration
	// DataTimeout is how much longer a send may wait for the transport to
	// take a message it has (SMTP's answer to the end of DATA; default 10m):
	// a send lasts at most Timeout + DataTimeout (3 Timeout + 2 DataTimeout
	// for a message streamed behind another), and its row's lease is
	// renewed while it does (holdLease).
	DataTimeout time.Duration
	// RatePerSecond limits messages per second (0: unlimited); MaxPerHour
	// caps the messages sent in any hour, counted in the database (0: none).
	RatePerSecond float64
	MaxPerHour    int
	Now           func() time.Time
	Log           *slog.Logger
	// Observe, when set, is told every outcome (metrics).
	Observe func(state string, took time.Duration)
	// Render makes the wire form of a message planned to be rendered when
	// it is sent (Payload set, no Wire), setting m.Wire; it is called for
	// the rows of a claim on every core before they are queued. retry says
	// whether a failure may pass (its render set could not be read) or not
	// (the message cannot be rendered, ever: failed at once).
	Render func(ctx context.Context, m *notify.Message) (retry bool, err error)

	wake     chan struct{}
	once     sync.Once
	limiter  *rate.Limiter
	inFlight atomic.Int64 // claimed rows not yet recorded
	sentSize atomic.Int64 // bytes of the messages the transport accepted
	// held are the ids of the rows this deliverer is working on. A row whose
	// lease ran out while its send still hangs (a transport not honouring
	// Timeout) can come back in this deliverer's own next claim: it is left
	// to the worker that holds it, never sent a second time from here.
	held       sync.Map
	mu         sync.Mutex
	relayErr   error     // the relay's last refusal
	relayUntil time.Time // no sends before this after a refusal

	// What failed, each logged once, again when its reason changes, and
	// once when it works again: not at every retry of an outage.
	claims, records, relay outage
}

// Outcome counts what the deliverer did.
type Outcome struct {
	Sent, Retry, Failed int
	// Bytes is the size of the messages sent, as they went on the wire.
	Bytes int64
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
		if d.DrainPatience <= 0 {
			d.DrainPatience = 5 * time.Minute
		}
		if d.Timeout <= 0 || d.Timeout >= d.Lease {
			d.Timeout = d.Lease / 2
		}
		if d.DataTimeout <= 0 {
			d.DataTimeout = 10 * time.Minute
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
		if d.RatePerSecond > 0 {
			// A burst of one second's messages: claims take what has
			// accumulated, so the average holds without a claim per message.
			d.limiter = rate.NewLimiter(rate.Limit(d.RatePerSecond), max(1, int(math.Ceil(d.RatePerSecond))))
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
// database error is logged once per outage and retried. On return, messages
// in flight have finished (each within Timeout) and rows claimed but not
// tried are released for the next process.
func (d *Deliverer) Run(ctx context.Context) {
	d.init()
	d.work(ctx, false)
}

// Drain delivers until no row is due now (retries scheduled later are left).
func (d *Deliverer) Drain(ctx context.Context) (Outcome, error) {
	d.init()
	return d.work(ctx, true)
}

// claimed is a message with the end of its lease.
type claimed struct {
	*notify.Message
	leaseUntil time.Time
}

// result is the outcome of one row: sent, retry or failed
// (store.Outcome, with the recipients the relay refused of a sent
// message), or "release": not tried.
type result = store.Outcome

func (d *Deliverer) work(ctx context.Context, drain bool) (Outcome, error) {
	queue := make(chan claimed, d.BatchSize)
	results := make(chan result, d.BatchSize)
	var workers sync.WaitGroup
	for range d.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			s, streams := d.Sender.(streamer)
			for m := range queue {
				if streams {
					d.stream(ctx, s, m, queue, results)
					continue
				}
				results <- d.attempt(ctx, m)
			}
		}()
	}
	var total Outcome
	var recordErr error
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		patience := time.Duration(0) // serve: until the database answers, or the stop
		if drain {
			patience = d.DrainPatience
		}
		total, recordErr = d.record(ctx, results, patience)
	}()
	sizeBefore := d.sentSize.Load()
	claimErr := d.claimLoop(ctx, queue, results, drain)
	close(queue)
	workers.Wait()
	close(results)
	<-recorded
	total.Bytes = d.sentSize.Load() - sizeBefore
	return total, errors.Join(claimErr, recordErr)
}

// claimLoop claims batches into queue until ctx ends or, with drain, until
// nothing is due. The outcomes of rows that cannot be sent at all (not
// readable, not renderable) go to results with the others'.
func (d *Deliverer) claimLoop(ctx context.Context, queue chan<- claimed, results chan<- result, drain bool) error {
	for ctx.Err() == nil {
		if until := d.relayPause(); !until.IsZero() {
			if drain {
				return nil // the rows it held are due later
			}
			d.sleep(ctx, until.Sub(d.Now()), false)
			continue
		}
		n, err := d.budget(ctx)
		if err == nil && n == 0 {
			if drain || ctx.Err() != nil {
				return nil // the hourly cap is reached, or shutdown
			}
			d.sleep(ctx, d.Poll, false)
			continue
		}
		var batch []claimed
		var bad []result
		if err == nil {
			batch, bad, err = d.claim(ctx, n)
		}
		for _, r := range bad {
			results <- r
		}
		switch {
		case err != nil && ctx.Err() == nil:
			if drain {
				return err
			}
			d.claims.failed(d.Log, "delivery: outbox unreachable; will keep trying", err)
			d.sleep(ctx, d.Poll, false)
			continue
		case err == nil:
			d.claims.over(d.Log, "delivery: outbox reachable again")
		}
		if len(batch) == 0 && len(bad) == 0 {
			if drain {
				return nil
			}
			d.sleep(ctx, d.Poll, true)
			continue
		}
		for i, m := range batch {
			select {
			case queue <- m:
			case <-ctx.Done():
				d.release(ctx, batch[i:])
				return nil
			}
		}
	}
	return nil
}

// sleep waits for ctx, for wait, or (wakeable) for Wake.
func (d *Deliverer) sleep(ctx context.Context, wait time.Duration, wakeable bool) {
	t := time.NewTimer(max(wait, time.Millisecond))
	defer t.Stop()
	var wake chan struct{}
	if wakeable {
		wake = d.wake
	}
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	}
}

// budget is how many rows the next claim may take under the rate limit and
// the hourly cap; 0 means wait.
func (d *Deliverer) budget(ctx context.Context) (int, error) {
	n := d.BatchSize
	if d.MaxPerHour > 0 {
		// In flight first: a group recorded meanwhile is then counted twice
		// (safe), never not at all.
		inFlight := int(d.inFlight.Load())
		sent, err := d.Store.SentSince(ctx, d.Now().Add(-time.Hour))
		if err != nil {
			return 0, fmt.Errorf("hourly cap: %w", err)
		}
		n = min(n, d.MaxPerHour-sent-inFlight)
		if n <= 0 {
			return 0, nil
		}
	}
	if d.limiter != nil {
		if err := d.limiter.Wait(ctx); err != nil {
			return 0, nil // ctx ended
		}
		extra := min(n-1, int(d.limiter.Tokens()))
		if extra > 0 && d.limiter.AllowN(time.Now(), extra) {
			return 1 + extra, nil
		}
		return 1, nil
	}
	return n, nil
}

func (d *Deliverer) claim(ctx context.Context, n int) ([]claimed, []result, error) {
	now := d.Now()
	until := now.Add(d.Lease)
	rows, err := d.Store.ClaimDeliveries(ctx, d.Owner, until, now, n)
	if err != nil {
		// Rows claimed whose payloads could not be read are given back at
		// once, their attempt not counted.
		var back []result
		for _, r := range rows {
			if _, busy := d.held.LoadOrStore(r.ID, true); !busy {
				d.inFlight.Add(1)
				back = append(back, result{ID: r.ID, State: "release"})
			}
		}
		return nil, back, err
	}
	out := make([]claimed, 0, len(rows))
	var bad []result
	var again []int64
	var unreadable []*notify.Message
	var errs []error
	for _, r := range rows {
		if _, busy := d.held.LoadOrStore(r.ID, true); busy {
			again = append(again, r.ID)
			continue
		}
		d.inFlight.Add(1)
		m, err := MessageOf(r)
		if err != nil {
			// A row that cannot be read cannot be sent, ever.
			unreadable = append(unreadable, m)
			errs = append(errs, err)
			continue
		}
		out = append(out, claimed{m, until})
	}
	if len(unreadable) > 0 {
		ids := make([]int64, len(unreadable))
		for i, m := range unreadable {
			ids[i] = m.ID
		}
		retry := !d.takeBack(ctx, ids)
		for i, m := range unreadable {
			bad = append(bad, d.failure(m, now, retry, errs[i]))
		}
	}
	out, bad = d.render(ctx, out, bad, now)
	if len(again) > 0 {
		if err := d.Store.UncountClaims(ctx, d.Owner, again); err != nil {
			// Their attempt stays counted (one too many): the rows claimed
			// are still sent, not left held and never queued.
			d.Log.Warn("delivery: rows claimed again while in flight keep an attempt too many", "rows", len(again), "err", err)
		}
	}
	return out, bad, nil
}

// MessageOf is the message of an outbox row: what a Sender is given, once
// the row's wire form is made (Render) if it was planned to be made at
// send. An error says the row cannot be read (m is still set).
func MessageOf(r store.Claimed) (*notify.Message, error) {
	m := &notify.Message{
		ID: r.ID, Key: r.Key, MessageID: r.MessageID, Job: r.Job,
		To: notify.Recipient{Name: r.RecipientName, Email: r.Recipient}, Cc: notify.ParseCc(r.Cc),
		Subject: r.Subject, Text: r.Text, HTML: r.HTML, Wire: []byte(r.Wire), Payload: r.Payload, RenderSet: r.RenderSet,
		Created: r.Created.Time, Attempts: r.Attempts,
	}
	if len(r.Attachments) > 0 {
		if err := json.Unmarshal(r.Attachments, &m.Attachments); err != nil {
			return m, fmt.Errorf("unreadable attachments: %w", err)
		}
	}
	if r.PayloadKey != "" && r.Payload == "" {
		// Rendered at send, and what it takes is gone: sending the row's
		// empty parts would be a blank message.
		return m, fmt.Errorf("its payload (%s) is missing from the outbox", r.PayloadKey)
	}
	return m, nil
}

// render makes the wire form of the claimed messages that are to be
// rendered at send, on every core; those that cannot be rendered leave out
// with their outcome in bad.
func (d *Deliverer) render(ctx context.Context, out []claimed, bad []result, now time.Time) ([]claimed, []result) {
	var todo []int
	for i, m := range out {
		if m.Payload != "" && len(m.Wire) == 0 {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return out, bad
	}
	errs := make([]error, len(out))
	retry := make([]bool, len(out))
	if d.Render == nil {
		for _, i := range todo {
			errs[i], retry[i] = errors.New("the message is to be rendered at send, and this deliverer has no templates"), true
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := int(next.Add(1)) - 1
					if k >= len(todo) {
						return
					}
					i := todo[k]
					retry[i], errs[i] = d.Render(ctx, out[i].Message)
				}
			}()
		}
		wg.Wait()
	}
	// A message that can never be rendered told nothing: its items are
	// taken back, due again at the next run (after the template or the
	// record is fixed), and it is failed. Until they are taken back, it is
	// retried instead.
	var never []int64
	for i, m := range out {
		if errs[i] != nil && !retry[i] && ctx.Err() == nil {
			never = append(never, m.ID)
		}
	}
	if !d.takeBack(ctx, never) {
		for i := range out {
			if errs[i] != nil {
				retry[i] = true
			}
		}
	}
	kept := out[:0]
	for i, m := range out {
		if errs[i] != nil && ctx.Err() != nil {
			bad = append(bad, result{ID: m.ID, State: "release"}) // stopping: not tried
			continue
		}
		if errs[i] != nil {
			bad = append(bad, d.failure(m.Message, now, retry[i], fmt.Errorf("cannot render: %w", errs[i])))
			continue
		}
		kept = append(kept, m)
	}
	return kept, bad
}

// takeBack forgets what the messages ids told (their delivery_items): they
// can never be sent, so their items are due again at the next run. false:
// the database did not take it, and the messages are to be retried instead.
func (d *Deliverer) takeBack(ctx context.Context, ids []int64) bool {
	if err := d.Store.TakeBackItems(ctx, ids); err != nil {
		d.Log.Warn("delivery: the items of messages that cannot be sent were not taken back; they are retried", "rows", len(ids), "err", err)
		return false
	}
	return true
}

// attempt sends one claimed message and returns its outcome.
func (d *Deliverer) attempt(ctx context.Context, m claimed) result {
	now := d.Now()
	if res, skip := d.before(ctx, m, now); skip {
		return res
	}
	// A message in flight is finished even when shutdown begins: it is
	// bounded by Timeout and DataTimeout, and abandoning it could send it
	// twice.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.Timeout+d.DataTimeout)
	stop := d.holdLease(ctx, m, now, d.Timeout+d.DataTimeout)
	sent, retry, err := d.Sender.Send(sctx, m.Message)
	stop()
	cancel()
	return d.after(m, now, sent, retry, err)
}

// before says whether m is not to be sent now, and then its outcome:
// released untried when shutting down or when its lease could end mid-send
// (another worker would take the row), retried while the relay refuses us.
func (d *Deliverer) before(ctx context.Context, m claimed, now time.Time) (res result, skip bool) {
	if ctx.Err() != nil || now.Add(d.Timeout).After(m.leaseUntil) {
		return result{ID: m.ID, State: "release"}, true
	}
	if until, err := d.relayDown(); err != nil && now.Before(until) {
		return d.failure(m.Message, now, true, err), true
	}
	return result{}, false
}

// after is the outcome of m's send, begun at began.
func (d *Deliverer) after(m claimed, began time.Time, sent notify.Sent, retry bool, err error) result {
	end := d.Now()
	var res result
	if err == nil {
		d.sentSize.Add(int64(len(m.Wire)))
		res = result{ID: m.ID, State: "sent", Reply: sent.Reply, At: end}
		for _, r := range sent.Refused {
			res.Refused = append(res.Refused, d.refused(m.Message, end, r))
		}
		d.relayUp()
	} else {
		res = d.failure(m.Message, end, retry, err)
		if re := (*notify.RelayError)(nil); errors.As(err, &re) {
			until := end.Add(d.Policy.Initial)
			if res.State == "retry" {
				until = res.Next
			}
			d.relayRefused(re, until)
		}
	}
	if d.Observe != nil {
		d.Observe(res.State, end.Sub(began))
	}
	return res
}

// A streamer sends a run of messages one after another on one connection,
// each message's end overlapping the next one's start (notify/smtp's Relay
// with PIPELINING). next must not block, and returns nil when no message is
// waiting; done is called once for each message, in order.
type streamer interface {
	Stream(ctx context.Context, first *notify.Message, next func() *notify.Message,
		done func(m *notify.Message, sent notify.Sent, retry bool, err error))
}

// stream sends first, and behind it the messages waiting in queue, through
// s. Each is checked as attempt checks it when the stream takes it, and its
// lease is held until its outcome.
func (d *Deliverer) stream(ctx context.Context, s streamer, first claimed, queue <-chan claimed, results chan<- result) {
	type flight struct {
		m     claimed
		began time.Time
		stop  func()
	}
	var flying []flight // taken, outcome not known yet, oldest first
	take := func(m claimed) bool {
		now := d.Now()
		if res, skip := d.before(ctx, m, now); skip {
			results <- res
			return false
		}
		// A message taken behind another waits for that one's end of DATA
		// (or, if it breaks the connection, for a fresh connection) before
		// its own send: its lease is held for that long too.
		span := d.Timeout + d.DataTimeout
		if len(flying) > 0 {
			span = 3*d.Timeout + 2*d.DataTimeout
		}
		flying = append(flying, flight{m, now, d.holdLease(ctx, m, now, span)})
		return true
	}
	if !take(first) {
		return
	}
	next := func() *notify.Message {
		for {
			select {
			case m, ok := <-queue:
				if !ok {
					return nil
				}
				if take(m) {
					return m.Message
				}
			default:
				return nil
			}
		}
	}
	done := func(m *notify.Message, sent notify.Sent, retry bool, err error) {
		f := flying[0]
		if f.m.Message != m {
			panic("deliver: a stream's outcomes out of order")
		}
		flying = flying[1:]
		f.stop()
		results <- d.after(f.m, f.began, sent, retry, err)
	}
	// As in attempt: messages in flight are finished even when shutdown
	// begins; each step of each is bounded by Timeout or DataTimeout.
	s.Stream(context.WithoutCancel(ctx), first.Message, next, done)
	if len(flying) > 0 {
		panic("deliver: a stream returned before the outcome of every message")
	}
}

// holdLease renews m's lease while its send lasts, up to the longest it may
// take (span: Timeout + DataTimeout for a message sent alone): a relay may
// take minutes to answer the end of DATA, and a row whose lease ran out
// meanwhile could be claimed and sent by another worker. A renewal is made
// with a quarter of the lease to spare; a send that ends before, as nearly
// all do, writes nothing. stop ends the renewals.
func (d *Deliverer) holdLease(ctx context.Context, m claimed, began time.Time, span time.Duration) (stop func()) {
	lease, last := m.leaseUntil, began.Add(span)
	if !lease.Before(last) {
		return func() {}
	}
	// No goroutine for the send that ends before its first renewal, as
	// nearly all do: a timer starts the renewals when one is due.
	done, stopped := make(chan struct{}), make(chan struct{})
	first := time.AfterFunc(max(lease.Sub(d.Now())-d.Lease/4, 0), func() {
		defer close(stopped)
		d.renewWhileSending(ctx, m, lease, last, done)
	})
	return func() {
		if first.Stop() {
			return // never started
		}
		close(done)
		<-stopped
	}
}

// renewWhileSending renews m's lease, now and then each time a quarter of
// it is left, until done or the longest a send may take (last).
func (d *Deliverer) renewWhileSending(ctx context.Context, m claimed, lease, last time.Time, done <-chan struct{}) {
	wait := time.Duration(0)
	for lease.Before(last) {
		t := time.NewTimer(max(wait, 0))
		select {
		case <-done:
			t.Stop()
			return
		case <-t.C:
		}
		next := d.Now().Add(d.Lease)
		held, err := d.renewLease(ctx, m.ID, next)
		switch {
		case err != nil:
			d.Log.Warn("delivery: renewing the lease of a message being sent failed; retrying", "id", m.ID, "err", err)
			wait = time.Second
			continue
		case !held:
			d.Log.Error("delivery: a message being sent lost its lease; another worker may send it too", "id", m.ID)
			return
		}
		lease = next
		wait = lease.Sub(d.Now()) - d.Lease/4
	}
}

// renewLease moves the lease of a row this deliverer holds to until; held is
// false when the row is not held by it any more.
func (d *Deliverer) renewLease(ctx context.Context, id int64, until time.Time) (held bool, err error) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return d.Store.RenewDeliveryLease(wctx, id, d.Owner, until)
}

// failure is the outcome of a failed attempt: retry while the policy allows,
// failed otherwise. A *RelayError is logged once per outage by relayRefused.
func (d *Deliverer) failure(m *notify.Message, now time.Time, retry bool, err error) result {
	res := result{ID: m.ID, Reply: err.Error()}
	var relay *notify.RelayError
	isRelay := errors.As(err, &relay)
	if retry {
		if next, ok := d.Policy.Next(now, m.Created, m.Attempts); ok {
			res.State, res.Next = "retry", next
			if !isRelay {
				d.Log.Warn("delivery: temporary failure, will retry", "to", m.To.Email, "job", m.Job,
					"attempt", m.Attempts, "next", next.Format(time.RFC3339), "err", err)
			}
			return res
		}
		res.Reply = fmt.Sprintf("gave up after %d attempts in %s: %s", m.Attempts, roundAge(now.Sub(m.Created)), err)
	}
	res.State, res.At = "failed", now
	d.Log.Error("delivery: failed", "to", m.To.Email, "job", m.Job, "id", m.ID, "reason", res.Reply)
	return res
}

// refused is the outcome for one recipient the relay refused while it
// accepted the message for the others: the message as if it had been to
// that recipient alone, failed, or retried while the policy allows.
func (d *Deliverer) refused(m *notify.Message, now time.Time, r notify.Refusal) store.Refused {
	to := notify.Recipient{Email: r.Email}
	for _, c := range append([]notify.Recipient{m.To}, m.Cc...) {
		if strings.EqualFold(c.Email, r.Email) {
			to = c
			break
		}
	}
	alone := *m
	alone.To, alone.Cc = to, nil
	res := d.failure(&alone, now, r.Retry, r.Err)
	return store.Refused{Email: to.Email, Name: to.Name, State: res.State, Reply: res.Reply, At: res.At, Next: res.Next}
}

func roundAge(d time.Duration) time.Duration {
	if d > time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

// relayRefused records that the relay refused us until the given time.
func (d *Deliverer) relayRefused(err *notify.RelayError, until time.Time) {
	d.mu.Lock()
	d.relayErr, d.relayUntil = err, until
	d.mu.Unlock()
	d.relay.failed(d.Log, "delivery: the mail relay refused us; sending paused", err, "until", until.Format(time.RFC3339))
}

func (d *Deliverer) relayUp() {
	d.mu.Lock()
	d.relayErr = nil
	d.mu.Unlock()
	d.relay.over(d.Log, "delivery: the mail relay accepts messages again")
}

// outage logs a part that fails once per reason (the first failure, then
// each change of reason: connection refused, then 535 login refused), and
// once when it works again, instead of at every retry.
type outage struct {
	mu     sync.Mutex
	reason string // the error last logged; "" while it works
}

// failed logs msg with err unless err says what was last logged.
func (o *outage) failed(log *slog.Logger, msg string, err error, attrs ...any) {
	o.mu.Lock()
	same := o.reason == err.Error()
	o.reason = err.Error()
	o.mu.Unlock()
	if !same {
		log.Error(msg, append([]any{"err", err}, attrs...)...)
	}
}

// over logs msg if a failure was logged since it last worked.
func (o *outage) over(log *slog.Logger, msg string) {
	o.mu.Lock()
	was := o.reason != ""
	o.reason = ""
	o.mu.Unlock()
	if was {
		log.Info(msg)
	}
}

func (d *Deliverer) relayDown() (time.Time, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.relayUntil, d.relayErr
}

// relayPause returns until when to claim nothing, or zero.
func (d *Deliverer) relayPause() time.Time {
	until, err := d.relayDown()
	if err == nil || !d.Now().Before(until) {
		return time.Time{}
	}
	return until
}

// recordWait is how long an outcome waits for others to share its write. One
// write per few rows costs a transaction each (at thousands of messages a
// second, most of the database's work); waiting longer widens the window in
// which a crash leaves a sent message unrecorded, to be sent again.
const recordWait = 10 * time.Millisecond

// record writes outcomes in groups: what arrives within recordWait of a
// group's first outcome, up to maxGroup rows, goes in one write.
func (d *Deliverer) record(ctx context.Context, results <-chan result, patience time.Duration) (Outcome, error) {
	var total Outcome
	var firstErr error
	const maxGroup = 1000
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for r := range results {
		group := []result{r}
		timer.Reset(recordWait)
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-results:
				if !ok {
					break more
				}
				group = append(group, r)
			case <-timer.C:
				break more
			}
		}
		timer.Stop()
		o, err := d.flushRetrying(ctx, group, patience)
		total.add(o)
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return total, firstErr
}

// flushRetrying writes a group. These messages left already, and a "sent"
// not written would send them again (from this process after a restart,
// from another replica once their lease is over), so while the database is
// unreachable (store.Unreachable) the write is retried until it answers:
// meanwhile the workers wait to hand their outcomes over, and rows claimed
// again are not sent again (held). A write the database refuses while it
// answers is retried for a lease, as a passing fault would be, then given
// up. patience, when not 0, bounds the whole wait (tickler run: a command
// does not wait forever). Given up, or stopped first, it logs the rows it
// sent and could not record.
func (d *Deliverer) flushRetrying(ctx context.Context, group []result, patience time.Duration) (Outcome, error) {
	began := time.Now()
	var refusedSince time.Time // first of the refusals in a row, while the database answers
	wait := 100 * time.Millisecond
	for {
		o, err := d.flush(ctx, group)
		if err == nil {
			d.records.over(d.Log, "delivery: recording outcomes works again")
			return o, nil
		}
		now := time.Now()
		if store.Unreachable(err) {
			refusedSince = time.Time{}
		} else if refusedSince.IsZero() {
			refusedSince = now
		}
		why := ""
		switch {
		case ctx.Err() != nil:
			why = "stopped"
		case !refusedSince.IsZero() && now.Sub(refusedSince) >= d.Lease:
			why = "the database refuses them"
		case patience > 0 && now.Sub(began) >= patience:
			why = "waited " + patience.String() + " for the database"
		}
		if why != "" {
			var sent []int64
			for _, r := range group {
				if r.State == "sent" {
					sent = append(sent, r.ID)
				}
			}
			d.Log.Error("delivery: outcomes not recorded; the messages sent among them may be sent again",
				"why", why, "rows", len(group), "sent_ids", sent, "err", err)
			return o, err
		}
		d.records.failed(d.Log, "delivery: recording outcomes failed; retrying", err)
		d.sleep(ctx, wait, false)
		wait = min(2*wait, time.Second)
	}
}

// flush writes outcomes in one statement and releases untried rows in another.
func (d *Deliverer) flush(ctx context.Context, group []result) (Outcome, error) {
	var o Outcome
	var done []result
	var released []int64
	for _, r := range group {
		switch r.State {
		case "release":
			released = append(released, r.ID)
			continue
		case "sent":
			o.Sent++
		case "retry":
			o.Retry++
		case "failed":
			o.Failed++
		}
		done = append(done, r)
		for _, x := range r.Refused {
			if x.State == "retry" {
				o.Retry++
			} else {
				o.Failed++
			}
		}
	}
	// Recorded even if ctx ended meanwhile: the messages left.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if len(done) > 0 {
		if err := d.Store.RecordOutcomes(wctx, d.Owner, done); err != nil {
			return Outcome{}, err
		}
	}
	if len(released) > 0 {
		if err := d.Store.ReleaseDeliveries(wctx, d.Owner, d.Now(), released); err != nil {
			return o, err
		}
	}
	for _, r := range group {
		d.held.Delete(r.ID)
	}
	d.inFlight.Add(-int64(len(group)))
	return o, nil
}

// release frees claimed rows that will not be tried by this process.
func (d *Deliverer) release(ctx context.Context, rows []claimed) {
	group := make([]result, len(rows))
	for i, m := range rows {
		group[i] = result{ID: m.ID, State: "release"}
	}
	if _, err := d.flush(ctx, group); err != nil {
		d.Log.Warn("delivery: releasing claimed rows failed; they are taken over when the lease ends", "err", err)
	}
}
