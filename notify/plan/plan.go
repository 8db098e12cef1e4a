package plan

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/mailaddr"
	"github.com/tickler-dev/tickler/store"
)

// Planner puts a run's messages in the outbox: it gathers the notices of a
// run per recipient, drops the items whose step that recipient already got,
// renders one message per recipient with what is left, and records it with
// its items, all in one transaction.
type Planner struct {
	Store     *store.Store
	Templates *message.Templates
	Lang      string
	Loc       *time.Location
	// From and ReplyTo are the messages' From and Reply-To (mail.from,
	// mail.reply_to): each message is kept in the outbox as it goes on the
	// wire.
	From    string
	ReplyTo string
	// Office signs messages (the display name of mail.from).
	Office string
	// IDDomain is the right-hand side of Message-IDs (the domain of mail.from).
	IDDomain string
	// Now is the clock; the row's created_at and first attempt time.
	Now func() time.Time
	// ListLimit is the most items of one list a message shows; the rest go
	// as a CSV attachment (mail.list_limit; 0: no limit), or, with
	// ListLink, behind a link.
	ListLimit int
	// ListLink, when set, gives the link to the whole list of the message
	// key sent to email, and when the link expires: a message whose lists
	// are cut links to it instead of attaching it, and the list is kept with
	// the message (store.Tx.AddList), so the message stays small whatever
	// the size of the list.
	ListLink func(key, email string) (url string, until time.Time)
	// KeepContent keeps each message's rendered content in what is reported
	// (tests, previews); off, memory does not hold the bodies.
	KeepContent bool
	// RenderAtSend keeps, for most messages of Run, what rendering them
	// takes instead of their wire form: the deliverer renders them when it
	// sends them (AtSend; atsend.go says which and why). Off, or in a dry
	// run, or with KeepContent, every message is rendered at planning.
	RenderAtSend bool
	// Unusable, when set, gives the notices to plan instead of one whose
	// recipient's address the planner cannot use (a data-to-fix item for
	// HR), and for a copy it cannot use, which is left out. Without it such
	// an address fails the run. The notices it gives must have usable
	// addresses.
	Unusable func(n notify.Notice, err error) []notify.Notice
}

// checkAddresses normalises a notice's addresses and takes its copies
// apart: an address gets at most one message from a run, so a copy is not
// a Cc of this notice's message but a notice of its own to that address
// (its item then shows in that recipient's one message, among what is
// about others). The notices to plan besides this one are returned in
// more: the copies, and what Unusable gives for an address it cannot use.
// A recipient that cannot be used drops the notice (keep false); a copy
// that cannot be used is left out. Without Unusable, or when what it gives
// cannot be used either, an unusable address is an error.
func (p *Planner) checkAddresses(n notify.Notice) (out notify.Notice, keep bool, more []notify.Notice, err error) {
	unusable := func(r notify.Recipient, what string, cause error) error {
		if p.Unusable == nil {
			return fmt.Errorf("%s for %s (%s): %w", what, n.Item.StaffCode, n.Item.Kind, cause)
		}
		for _, x := range p.Unusable(notify.Notice{To: r, Item: n.Item}, cause) {
			if _, err := mailaddr.Normalize(x.To.Email); err != nil {
				return fmt.Errorf("%s for %s (%s): %w; and the notice in its place: %w", what, n.Item.StaffCode, n.Item.Kind, cause, err)
			}
			more = append(more, x)
		}
		return nil
	}
	email, cause := mailaddr.Normalize(n.To.Email)
	if cause != nil {
		return n, false, more, unusable(n.To, "notice", cause)
	}
	n.To.Email = email
	for _, c := range n.Cc {
		ce, cause := mailaddr.Normalize(c.Email)
		if cause != nil {
			if err := unusable(c, "copy", cause); err != nil {
				return n, false, nil, err
			}
			continue
		}
		if ce == email {
			continue
		}
		c.Email = ce
		more = append(more, notify.Notice{To: c, Item: n.Item, Data: n.Data})
	}
	n.Cc = nil
	return n, true, more, nil
}

// Planned is one message a run put in the outbox (or, in a dry run, would).
// Content is kept only when the Planner's KeepContent is set.
type Planned struct {
	Job     string             `json:"job"`
	To      notify.Recipient   `json:"-"`
	Cc      []notify.Recipient `json:"-"`
	Subject string             `json:"subject"`
	Items   message.List       `json:"items"`
	Content notify.Content     `json:"-"`
	Key     string             `json:"-"`
	// Partial is set for a message whose list was too long to hold: its
	// Items past those the message shows are outlines (message.Outliner),
	// shared, whole in the list kept for its link.
	Partial bool `json:"partial,omitempty"`
}

// Stats counts what a run did.
type Stats struct {
	Notices  int // notices the job emitted
	Messages int // messages planned (a dry run: that would be)
	// Where a run's time went (Run only): the job's scan with the spill's
	// writes, reading the spill back, waiting for rendering, writing the
	// outbox. `tickler run` prints them; the benchmarks read them.
	Scan, Read, Render, Write time.Duration
}

// planBatch is how many messages are rendered (in parallel) and then written
// together on PostgreSQL: large enough that one COPY carries many rows, small
// enough that a batch's messages are a few megabytes. Most messages are now
// kept as their notices (a few hundred bytes, rendered at send), so a batch
// is four times what it was when each held its wire form. SQLite's
// multi-row INSERTs are slower with as many rows (statements of 24,000
// parameters): it keeps sqliteBatch (the sizes measured: bench/README.md,
// "Batch size").
const (
	planBatch   = 2048
	sqliteBatch = 512
)

// batchBytes caps a batch by the bytes of its notices, as planBatch does by
// its recipients: a batch of reappointments (a notice of a kilobyte or two,
// with its case written out) takes about 200 recipients; one of course
// reminders, whose notices are smaller, several times as many. What
// planning holds (the chunk being read, the batch being gathered, two with
// the renderer, the one being written) is then a few megabytes whatever the job, and the same for a province as for
// a ministry: at a megabyte, reappointments' peak memory at a million staff
// was 1.3 times that at 100,000 (the pipeline full only at the larger
// scale); at half a megabyte it is within 1.25 times, and course
// reminders' planning takes as long (bench/README.md, "batches by bytes").
const batchBytes = 512 << 10

// cut returns how many of the ready groups make the next batch, and
// whether that batch is full (planBatch recipients, or batchBytes).
func cut(ready []*group, size int) (n int, full bool) {
	b := 0
	for i, g := range ready {
		b += g.size
		if i+1 >= size || b >= batchBytes {
			return i + 1, true
		}
	}
	return len(ready), false
}

// streamBatch is PlanStream's batch: a digest with charts is fifty times a
// reminder's size.
const streamBatch = 256

// readChunk is how many spilled notices one read brings back at most, and
// readBytes about how many bytes of them: the rows of the next read are
// chosen from the mean size of the notices read so far (chunk), so that a
// read of reappointments (two thousand rows of 1.2 KB decoded at once, with
// the batch it fills) does not hold more than one of course reminders.
const (
	readChunk = 2048
	readFirst = 256 // the first read, before any notice's size is known
	readLeast = 64
	readBytes = 512 << 10
)

// chunk sizes the reads of a spill by the notices they bring back.
type chunk struct{ rows, bytes int }

// next is how many notices the next read asks for.
func (c *chunk) next() int {
	if c.rows == 0 || c.bytes == 0 {
		return readFirst
	}
	return min(max(readBytes*c.rows/c.bytes, readLeast), readChunk)
}

// read counts the notices a read brought back.
func (c *chunk) read(rows []store.Spilled) {
	for _, r := range rows {
		c.rows++
		c.bytes += len(r.Notice)
	}
}

// Run plans one run of job for slot: produce emits the job's notices, which
// are spilled as they come; then they are read back a recipient at a time,
// rendered and written to the outbox, and each message planned is handed to
// planned (when not nil) once it is written. Everything happens in one
// transaction, so a run is in the outbox whole or not at all; with dryRun it
// is rolled back at the end. produce is given the transaction's context: it
// reads through the store's read pool, and a write through the store's pool
// with it is refused (store.ErrWriteInTx). An error from produce is
// returned as it is.
func (p *Planner) Run(ctx context.Context, job string, slot time.Time, dryRun bool, produce func(context.Context, notify.Emit) error, planned func(*Planned) error) (Stats, error) {
	var stats Stats
	err := p.Store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		sp, err := openSpill(ctx, p, tx, job)
		if err != nil {
			return err
		}
		began := time.Now()
		perr := produce(ctx, func(n notify.Notice) error { return sp.add(ctx, n) })
		stats.Notices = int(sp.seq)
		if perr != nil && sp.err == nil {
			sp.err = perr
		}
		if err := sp.finish(ctx); err != nil {
			return err
		}
		stats.Scan = time.Since(began)
		w := &writer{p: p, tx: tx, job: job, slot: slot, now: p.Now()}
		if err := p.plan(ctx, sp, w, dryRun, planned, &stats); err != nil {
			return err
		}
		if err := sp.sp.Drop(ctx); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return tx.AnalyzeOutbox(ctx, stats.Messages)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return stats, err
}

// Plan plans the given notices: Run for a job whose notices are at hand
// (tests, benchmarks). It returns the messages planned.
func (p *Planner) Plan(ctx context.Context, job string, slot time.Time, notices []notify.Notice, dryRun bool) ([]Planned, error) {
	var out []Planned
	_, err := p.Run(ctx, job, slot, dryRun, func(_ context.Context, emit notify.Emit) error {
		for _, n := range notices {
			if err := emit(n); err != nil {
				return err
			}
		}
		return nil
	}, func(pl *Planned) error {
		out = append(out, *pl)
		return nil
	})
	return out, err
}

var errDryRun = errors.New("dry run")

// group is one recipient's message of the run: the spilled notices, then
// what rendering makes of them.
type group struct {
	email   string
	notices []string // encoded, in the order the job emitted them

	to      notify.Recipient
	cc      []notify.Recipient
	items   []notify.Item // a long list's are in long, then in longItems
	data    any
	content notify.Content
	list    *notify.Attachment // the whole list, kept for its link (ListLink)
	gzipped bool               // list's Data is gzip (a long list's, long.go)
	partial bool               // items past those shown are outlines (long.go)
	wire    string
	payload string // rendered at send: its notices (payload)
	err     error

	size int // the bytes of notices read (batchBytes)
	// seen is the items taken, for one told once: the hash of an item's
	// (key, step) gives the index in items of the first item taken with it,
	// which says whether it is the same; seenOther holds, exactly, the
	// items whose hash was another item's. A province's list (HR's thirty
	// thousand) is then 12 bytes an item here, not a copy of its keys.
	seen      map[uint64]int32
	seenOther map[[2]string]bool
	long      *longList // a recipient with too many notices to hold (long.go)
	// longItems and longKeys are a long list's items and their keys, once
	// it is drawn, for the outbox and the report (Planned).
	longItems message.List
	longKeys  *itemKeys
}

// count is the number of items the group took.
func (g *group) count() int {
	switch {
	case g.long != nil:
		return len(g.long.items)
	case g.longKeys != nil:
		return len(g.longItems)
	}
	return len(g.items)
}

// viewItems returns the group's items as a template's list.
func (g *group) viewItems() message.List {
	switch {
	case g.long != nil:
		return g.long.items
	case g.longKeys != nil:
		return g.longItems
	}
	return message.ListOf(g.items)
}

// itemHash is the hash of group.seen. A var: a test makes every item's the
// same.
var itemHash = func() func(key, step string) uint64 {
	seed := maphash.MakeSeed()
	return func(key, step string) uint64 { return maphash.Comparable(seed, [2]string{key, step}) }
}()

// firstTaken reports whether the item of key at step is the first the group
// takes (it is then the next it takes, at index count()).
func (g *group) firstTaken(key, step string) bool {
	if g.seen == nil {
		g.seen = make(map[uint64]int32, len(g.notices))
	}
	h := itemHash(key, step)
	i, ok := g.seen[h]
	if !ok {
		g.seen[h] = int32(g.count())
		return true
	}
	if g.long != nil {
		if g.long.keys.is(int(i), key, step) {
			return false
		}
	} else if it := &g.items[i]; it.Key == key && it.Step == step {
		return false
	}
	k := [2]string{key, step}
	if g.seenOther[k] {
		return false
	}
	if g.seenOther == nil {
		g.seenOther = map[[2]string]bool{}
	}
	g.seenOther[[2]string{strings.Clone(key), strings.Clone(step)}] = true
	return true
}

// plan reads the spill in recipient order and plans its recipients in
// batches. One goroutine owns the transaction (reads and writes alternate on
// its connection); the cores render the next batches meanwhile.
func (p *Planner) plan(ctx context.Context, sp *spill, w *writer, dryRun bool, planned func(*Planned) error, stats *Stats) error {
	keyPrefix := store.DeliveryKeyPrefix(w.job, w.slot)
	size := planBatch
	if p.Store.Dialect != store.Postgres {
		size = sqliteBatch
	}
	rs, err := p.newRenderSet(w.job, civil.In(w.slot, p.Loc), p.RenderAtSend && !dryRun && !p.KeepContent)
	if err != nil {
		return err
	}
	w.set = rs
	r := newRenderer(p, rs, w.now, keyPrefix, sp.data)
	defer r.stop()

	var (
		ready     []*group // complete groups not yet handed to the renderer
		readyLen  int      // the bytes of their notices
		cur       *group   // the group being read
		lastTo    string
		lastSeq   int64 = -1
		exhausted bool
		inFlight  int
		reads     chunk // the size of each read
	)
	for {
		for !exhausted && len(ready) < size && readyLen < batchBytes {
			began := time.Now()
			limit := reads.next()
			rows, err := sp.sp.Read(ctx, keyPrefix, lastTo, lastSeq, limit)
			stats.Read += time.Since(began)
			if err != nil {
				return err
			}
			reads.read(rows)
			for _, row := range rows {
				if row.Done {
					continue
				}
				if cur == nil || row.Recipient != cur.email {
					if cur != nil {
						if err := cur.ended(); err != nil {
							return err
						}
						ready, readyLen = append(ready, cur), readyLen+cur.size
					}
					cur = &group{email: row.Recipient}
				}
				if err := p.hold(cur, row.Notice, sp.data); err != nil {
					return err
				}
			}
			if len(rows) > 0 {
				lastTo, lastSeq = rows[len(rows)-1].Recipient, rows[len(rows)-1].Seq
			}
			if len(rows) < limit {
				exhausted = true
				if cur != nil {
					if err := cur.ended(); err != nil {
						return err
					}
					ready, readyLen = append(ready, cur), readyLen+cur.size
					cur = nil
				}
			}
		}
		// Keep two batches with the renderer: one rendering while the
		// other waits to be written.
		if n, full := cut(ready, size); len(ready) > 0 && inFlight < 2 && (full || exhausted) {
			for _, g := range ready[:n] {
				readyLen -= g.size
			}
			r.in <- ready[:n:n]
			ready = ready[n:]
			inFlight++
			continue
		}
		if inFlight == 0 {
			return nil
		}
		inFlight--
		waited := time.Now()
		batch := <-r.out
		stats.Render += time.Since(waited)
		if err := p.written(ctx, w, keyPrefix, batch, planned, stats); err != nil {
			return err
		}
	}
}

// written writes a rendered batch to the outbox, counts it and hands each of
// its messages to planned (when not nil).
func (p *Planner) written(ctx context.Context, w *writer, keyPrefix string, batch []*group, planned func(*Planned) error, stats *Stats) error {
	for _, g := range batch {
		if g.err != nil {
			return g.err
		}
	}
	began := time.Now()
	if err := w.write(ctx, batch); err != nil {
		return err
	}
	stats.Write += time.Since(began)
	stats.Messages += len(batch)
	for _, g := range batch {
		if planned != nil {
			pl := &Planned{Job: w.job, To: g.to, Cc: g.cc, Subject: g.content.Subject, Items: g.viewItems(), Key: keyPrefix + g.email, Partial: g.partial}
			if p.KeepContent {
				pl.Content = g.content
			}
			if err := planned(pl); err != nil {
				return err
			}
		}
		*g = group{} // written: let the batch's bodies go
	}
	return nil
}

// renderer draws batches of groups on every core, and hands them back in
// the order they came. At most two batches are in it at once (plan sees to
// it), so its output never waits.
type renderer struct {
	in  chan []*group
	out chan []*group
	wg  sync.WaitGroup
}

// pendingBatch is a batch whose messages are being rendered.
type pendingBatch struct {
	groups []*group
	done   *sync.WaitGroup
}

func newRenderer(p *Planner, rs *renderSet, now time.Time, keyPrefix string, data []any) *renderer {
	r := &renderer{in: make(chan []*group, 2), out: make(chan []*group, 2)}
	type task struct {
		g    *group
		done *sync.WaitGroup
	}
	tasks := make(chan task)
	workers := runtime.GOMAXPROCS(0)
	r.wg.Add(workers + 2)
	for range workers {
		go func() {
			defer r.wg.Done()
			var rd noticeReader
			for t := range tasks {
				p.render(t.g, rs, now, keyPrefix, data, &rd)
				t.done.Done()
			}
		}()
	}
	// Batches are dispatched as they come and completed in order, so the
	// cores start on the next batch while the last messages of the previous
	// one are drawn.
	pending := make(chan pendingBatch, 2)
	go func() {
		defer r.wg.Done()
		defer close(tasks)
		defer close(pending)
		for b := range r.in {
			done := &sync.WaitGroup{}
			done.Add(len(b))
			pending <- pendingBatch{b, done}
			for _, g := range b {
				tasks <- task{g, done}
			}
		}
	}()
	go func() {
		defer r.wg.Done()
		defer close(r.out)
		for pb := range pending {
			pb.done.Wait()
			r.out <- pb.groups
		}
	}()
	return r
}

// stop waits for the renderer's goroutines to end, once the batches handed
// to it are drawn (an error ends planning with at most two in flight).
func (r *renderer) stop() {
	close(r.in)
	r.wg.Wait()
}

// merge decodes a group's notices into its recipient, copies and items
// (merging copies and repeated items), and its data (a reference into the
// run's data; ref reports whether a notice had one).
func (g *group) merge(rd *noticeReader, data []any) (ref bool, err error) {
	many := len(g.notices) > 1
	for _, s := range g.notices {
		it, fresh, r, err := g.take(rd, s, many, data)
		if err != nil {
			return false, err
		}
		ref = ref || r
		if fresh {
			g.items = append(g.items, it)
		}
	}
	return ref, nil
}

// take decodes one of the group's notices: the first gives the recipient;
// its copies join the group's; its data becomes the group's (ref: it had
// some). fresh is false for an item the group already has (at that step),
// when many (the group has more than one notice) says to look.
func (g *group) take(rd *noticeReader, s string, many bool, data []any) (it notify.Item, fresh, ref bool, err error) {
	rd.s, rd.err = s, nil
	n, r, err := rd.notice()
	if err != nil {
		return it, false, false, fmt.Errorf("outbox: recipient %s: %w", g.email, err)
	}
	if g.to.Email == "" {
		g.to = n.To
		if g.email == "" {
			g.email = n.To.Email
		}
	}
	fresh = true
	if many {
		// One item told once, whatever number of entries reached the
		// same mailbox (the unit head is also on the hr list).
		fresh = g.firstTaken(n.Item.Key, n.Item.Step)
	}
	for _, c := range n.Cc {
		if c.Email != g.email && !containsEmail(g.cc, c.Email) {
			g.cc = append(g.cc, c)
		}
	}
	if r > 0 {
		ref = true
		if g.data == nil && r <= len(data) {
			g.data = data[r-1]
		}
	}
	return n.Item, fresh, ref, nil
}

// render decodes a group's notices and renders its message: whole, with
// its wire form, or, for a message rendered when it is sent (rs.atSend),
// only its subject, keeping its notices as its payload.
func (p *Planner) render(g *group, rs *renderSet, now time.Time, keyPrefix string, data []any, rd *noticeReader) {
	var ref bool
	if g.long != nil {
		ref = g.long.ref // read and merged as the spill was read
	} else {
		if rs.atSend {
			// The payload first, and the notices read from it: the
			// items then share the payload's memory, and the notices as
			// the spill gave them go now, not when the batch is written.
			g.payload = payload(g.notices)
			notices, err := unpayload(g.payload)
			if err != nil {
				g.err = err
				return
			}
			g.notices = notices
		}
		var err error
		if ref, err = g.merge(rd, data); err != nil {
			g.err = err
			return
		}
	}
	key := keyPrefix + g.email
	view := rs.view(g)
	linked := p.ListLink != nil && p.ListLimit > 0 && g.count() > p.ListLimit
	if rs.atSend && !ref && !linked && g.long == nil {
		subject, err := rs.templates.Subject(view)
		if err != nil {
			g.err = err
			return
		}
		g.content = notify.Content{Subject: notify.CleanHeader(subject)}
		g.notices = nil
		return
	}
	g.notices, g.payload = nil, "" // rendered now
	if linked {
		url, until := p.ListLink(key, g.email)
		// The last whole day the link works: the link stops at until, during
		// (or at the start of) its day.
		view.ListURL, view.ListUntil = url, civil.In(until, p.Loc).AddDays(-1)
		view.Partial = g.long != nil
	}
	list := g.list // a long list's, made as it was read
	wire, err := rs.wireString(g, view, notify.MessageID(key, p.IDDomain), now)
	if err != nil {
		g.err = fmt.Errorf("outbox: %w", err)
		return
	}
	if g.long != nil {
		// The list is kept when the message says it was cut, as when the
		// message is planned whole.
		g.list, g.gzipped, g.partial = nil, false, g.long.outlined > 0
		if linked && view.Capped() {
			g.list, g.gzipped = list, true
		}
		g.longItems, g.longKeys = g.long.items, &g.long.keys
		g.long = nil
	}
	g.wire = wire
	if !p.KeepContent {
		g.content = notify.Content{Subject: g.content.Subject}
	}
}

func containsEmail(rs []notify.Recipient, email string) bool {
	for _, r := range rs {
		if r.Email == email {
			return true
		}
	}
	return false
}

// Source hands PlanStream the notices of a run: it calls emit with each, the
// notices of one recipient one after another (a recipient seen before
// another is an error). tx is the transaction the run's messages are written
// in; what the source writes in it is kept with them, or not at all (a dry
// run, a failure). Its reads go through the store's read pool.
type Source func(ctx context.Context, tx *store.Tx, emit notify.Emit) error

// PlanStream is Run for notices that carry large data of their own (the
// monthly digest's figures, one report per unit): nothing is spilled, since
// the data could not be; the source hands each recipient's notices
// together, and every streamBatch recipients are checked against the outbox,
// rendered and written as they come. Memory is that of the batches in
// flight, whatever the size of the run.
func (p *Planner) PlanStream(ctx context.Context, job string, slot time.Time, dryRun bool, src Source, planned func(*Planned) error) (Stats, error) {
	var stats Stats
	err := p.Store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		w := &writer{p: p, tx: tx, job: job, slot: slot, now: p.Now()}
		keyPrefix := store.DeliveryKeyPrefix(job, slot)
		rs, err := p.newRenderSet(job, civil.In(slot, p.Loc), false)
		if err != nil {
			return err
		}
		r := newRenderer(p, rs, w.now, keyPrefix, nil)
		defer r.stop()
		inFlight := 0
		// take writes the oldest batch in the renderer.
		take := func() error {
			inFlight--
			return p.written(ctx, w, keyPrefix, <-r.out, planned, &stats)
		}
		var groups []*group
		flush := func() error {
			if len(groups) == 0 {
				return nil
			}
			todo, err := p.unsent(ctx, tx, job, keyPrefix, groups)
			groups = groups[:0:0]
			if err != nil || len(todo) == 0 {
				return err
			}
			for inFlight >= 2 {
				if err := take(); err != nil {
					return err
				}
			}
			r.in <- todo
			inFlight++
			return nil
		}
		seed := maphash.MakeSeed()
		seen := map[uint64]bool{} // recipients done: 8 bytes each, not their addresses
		// A stream's recipients come one after another, so a notice in the
		// place of an unusable address (to HR, who may have come before)
		// cannot be planned here: the stream's source checks its addresses
		// (the digest counts the heads it cannot reach in its data
		// section), and one it let through fails the run.
		strict := *p
		strict.Unusable = nil
		emit := func(n notify.Notice) error {
			stats.Notices++
			n, _, more, err := strict.checkAddresses(n)
			if err != nil {
				return err
			}
			if len(more) > 0 {
				return fmt.Errorf("notice for %s (%s): a stream's notices have no copies (give them as recipients)", n.To.Email, n.Item.Kind)
			}
			email := n.To.Email
			if len(groups) > 0 && groups[len(groups)-1].email == email {
				return groups[len(groups)-1].add(n)
			}
			h := maphash.String(seed, email)
			if seen[h] {
				return fmt.Errorf("notices for %s are not together", email)
			}
			seen[h] = true
			if len(groups) == streamBatch {
				if err := flush(); err != nil {
					return err
				}
			}
			to := n.To
			to.Email = email
			g := &group{email: email, to: to, data: n.Data}
			groups = append(groups, g)
			return g.add(n)
		}
		if err := src(ctx, tx, emit); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		for inFlight > 0 {
			if err := take(); err != nil {
				return err
			}
		}
		if dryRun {
			return errDryRun
		}
		return tx.AnalyzeOutbox(ctx, stats.Messages)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return stats, err
}

// add puts one more of the recipient's notices in g: its item, once, and
// its copies (their addresses normalised).
func (g *group) add(n notify.Notice) error {
	for _, it := range g.items {
		if it.Key == n.Item.Key && it.Step == n.Item.Step {
			return nil // one item told once, whatever number of entries reached this mailbox
		}
	}
	g.items = append(g.items, n.Item)
	if g.data == nil {
		g.data = n.Data
	}
	for _, c := range n.Cc { // normalised by checkAddresses
		if c.Email != g.email && !containsEmail(g.cc, c.Email) {
			g.cc = append(g.cc, c)
		}
	}
	return nil
}

// unsent returns the groups still to plan, with the items each recipient has
// not had yet (at that step, or at a step that began no earlier): a
// recipient whose message of the slot is already in the outbox, or who has
// had every item, is done.
func (p *Planner) unsent(ctx context.Context, tx *store.Tx, job, keyPrefix string, groups []*group) ([]*group, error) {
	var itemKeys, msgKeys, marks []string
	for _, g := range groups {
		msgKeys = append(msgKeys, keyPrefix+g.email)
		for _, it := range g.items {
			if !it.Since.IsZero() {
				marks = append(marks, store.ItemMark(job, it.Key, g.email))
			}
		}
		for _, it := range g.items {
			itemKeys = append(itemKeys, store.ItemKey(job, it.Key, it.Step, g.email))
		}
	}
	sent, err := tx.SentItems(ctx, itemKeys)
	if err != nil {
		return nil, err
	}
	planned, err := tx.PlannedMessages(ctx, msgKeys)
	if err != nil {
		return nil, err
	}
	later, err := tx.LaterSteps(ctx, marks)
	if err != nil {
		return nil, err
	}
	var todo []*group
	for _, g := range groups {
		if planned[keyPrefix+g.email] {
			continue
		}
		items := g.items[:0:0]
		for _, it := range g.items {
			if sent[store.ItemKey(job, it.Key, it.Step, g.email)] {
				continue
			}
			if m, ok := later[store.ItemMark(job, it.Key, g.email)]; ok && !it.Since.IsZero() && !m.Before(it.Since) {
				continue // a step that began no earlier was sent
			}
			items = append(items, it)
		}
		if len(items) > 0 {
			g.items = items
			todo = append(todo, g)
		}
	}
	return todo, nil
}
