package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// Planner puts a run's messages in the outbox: it groups the notices of a run
// per recipient, drops the items whose step that recipient already got,
// renders one message per recipient with what is left, and records it with its
// items in one transaction.
type Planner struct {
	Store     *store.Store
	Templates *Templates
	Lang      string
	Loc       *time.Location
	// Office signs messages (the display name of mail.from).
	Office string
	// IDDomain is the right-hand side of Message-IDs (the domain of mail.from).
	IDDomain string
	// Now is the clock; the row's created_at and first attempt time.
	Now func() time.Time
	// ListLimit is the most items of one list a message shows; the rest go
	// as a CSV attachment (mail.list_limit; 0: no limit).
	ListLimit int
	// KeepContent keeps each message's rendered content in what Plan returns
	// (tests, previews); off, Plan's memory does not grow with the bodies.
	KeepContent bool
	// Each, when set, is handed each message as soon as it is written (in a
	// dry run, rendered), and Plan and PlanStream return none: a run of a
	// hundred thousand messages then holds none of them.
	Each func(Planned)
}

// Planned is one message a run put in the outbox (or, in a dry run, would).
// Content is kept only when the Planner's KeepContent is set: at a province's
// scale a run renders a hundred thousand messages, and only the outbox needs
// their bodies.
type Planned struct {
	Job     string      `json:"job"`
	To      Recipient   `json:"-"`
	Cc      []Recipient `json:"-"`
	Subject string      `json:"subject"`
	Items   []Item      `json:"items"`
	Content Content     `json:"-"`
	Key     string      `json:"-"`
}

// maxKeysPerQuery bounds an IN (...) list; SQLite allows 32766 parameters.
const maxKeysPerQuery = 1000

// planBatch is how many messages are rendered (in parallel) and then written
// with one multi-row INSERT: large enough that a round trip carries many rows,
// small enough that a batch's bodies are a few megabytes.
const planBatch = 200

type group struct {
	to    Recipient
	cc    []Recipient
	items []Item
	data  any
}

// rendered is one group's message, ready for the outbox.
type rendered struct {
	g       *group
	items   []Item
	content Content
	att     []byte
	err     error
}

// Plan records the messages of job's run for slot. With dryRun it renders and
// checks everything, then rolls back: the result shows who would get what.
// Everything is written in one transaction, so a run is in the outbox whole
// or not at all; within it, messages are rendered in parallel and written in
// multi-row batches.
func (p *Planner) Plan(ctx context.Context, job string, slot time.Time, notices []Notice, dryRun bool) ([]Planned, error) {
	groups, err := groupNotices(notices)
	if err != nil {
		return nil, err
	}
	var out []Planned
	err = p.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		sent, err := sentKeys(ctx, p.Store, tx, job, groups)
		if err != nil {
			return err
		}
		// The items each recipient has not had yet; recipients with none are done.
		var todo []rendered
		for _, g := range groups {
			var items []Item
			for _, it := range g.items {
				if !sent[itemKey(job, it, g.to.Email)] {
					items = append(items, it)
				}
			}
			if len(items) > 0 {
				todo = append(todo, rendered{g: g, items: items})
			}
		}
		sent = nil
		w := p.newBatchWriter(ctx, tx, job, slot, &out)
		defer w.drain()
		for start := 0; start < len(todo); start += planBatch {
			if err := w.add(todo[start:min(start+planBatch, len(todo))]); err != nil {
				return err
			}
		}
		if err := w.wait(); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return out, err
}

// batchWriter renders each batch of messages while the batch before it is
// written: the cores render while the database stores.
type batchWriter struct {
	p         *Planner
	ctx       context.Context
	tx        *sqlx.Tx
	job       string
	slot, now time.Time
	date      civil.Date
	out       *[]Planned
	prev      []rendered    // the batch being rendered, to write next
	rendered  chan struct{} // closed when prev is rendered
}

func (p *Planner) newBatchWriter(ctx context.Context, tx *sqlx.Tx, job string, slot time.Time, out *[]Planned) *batchWriter {
	return &batchWriter{p: p, ctx: ctx, tx: tx, job: job, slot: slot, now: p.Now(), date: civil.In(slot, p.Loc), out: out}
}

// add starts rendering batch and writes the batch before it meanwhile.
func (w *batchWriter) add(batch []rendered) error {
	if len(batch) == 0 {
		return nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.p.renderAll(w.job, w.date, batch)
	}()
	err := w.wait()
	w.prev, w.rendered = batch, done
	return err
}

// wait writes the batch being rendered, once it is.
func (w *batchWriter) wait() error {
	if w.prev == nil {
		return nil
	}
	<-w.rendered
	batch := w.prev
	w.prev = nil
	return w.p.writeBatch(w.ctx, w.tx, w.job, w.slot, w.now, batch, w.out)
}

// drain waits for a rendering still going when planning stops on an error.
func (w *batchWriter) drain() {
	if w.prev != nil {
		<-w.rendered
		w.prev = nil
	}
}

// writeBatch writes a rendered batch's messages with their items; the
// messages added are appended to out (or handed to Each).
func (p *Planner) writeBatch(ctx context.Context, tx *sqlx.Tx, job string, slot, now time.Time, batch []rendered, out *[]Planned) error {
	for i := range batch {
		if batch[i].err != nil {
			return batch[i].err
		}
	}
	// One INSERT per few megabytes of bodies: the driver copies a statement's
	// values into one buffer, which for 200 digests with charts would be tens
	// of megabytes.
	for len(batch) > 0 {
		n, size := 0, 0
		for n < len(batch) && (n == 0 || size+batch[n].size() <= maxInsertBytes) {
			size += batch[n].size()
			n++
		}
		if err := p.writeRows(ctx, tx, job, slot, now, batch[:n], out); err != nil {
			return err
		}
		batch = batch[n:]
	}
	return nil
}

// maxInsertBytes bounds the bodies written by one INSERT.
const maxInsertBytes = 4 << 20

func (r *rendered) size() int { return len(r.content.Text) + len(r.content.HTML) + len(r.att) }

// writeRows writes messages with one INSERT, and their items.
func (p *Planner) writeRows(ctx context.Context, tx *sqlx.Tx, job string, slot, now time.Time, batch []rendered, out *[]Planned) error {
	ids, err := p.insertDeliveries(ctx, tx, job, slot, now, batch)
	if err != nil {
		return err
	}
	if err := p.insertItems(ctx, tx, job, slot, batch, ids); err != nil {
		return err
	}
	for i := range batch {
		r := &batch[i]
		if _, ok := ids[deliveryKey(job, slot, r.g.to.Email)]; !ok {
			continue // this slot's message to this recipient was already in the outbox
		}
		pl := Planned{Job: job, To: r.g.to, Cc: r.g.cc, Subject: r.content.Subject, Items: r.items, Key: deliveryKey(job, slot, r.g.to.Email)}
		if p.KeepContent {
			pl.Content = r.content
		}
		if p.Each != nil {
			p.Each(pl)
		} else {
			*out = append(*out, pl)
		}
		r.content, r.att = Content{}, nil // the batch's bodies are written: let them go
	}
	return nil
}

// Source hands PlanStream the notices of a run: it calls emit with each, the
// notices of one recipient one after another (a recipient seen before
// another is an error). tx is the transaction the run's messages are written
// in; what the source writes in it is kept with them, or not at all (a dry
// run, a failure).
type Source func(ctx context.Context, tx *sqlx.Tx, emit func(Notice) error) error

// PlanStream is Plan for a run too large to hold: the notices come from src
// as it computes them, and every planBatch recipients are checked against
// the outbox, rendered and written, in the one transaction of the run. With
// Each set, memory is that of two batches (one rendered while the other is
// written) whatever the size of the run.
func (p *Planner) PlanStream(ctx context.Context, job string, slot time.Time, src Source, dryRun bool) ([]Planned, error) {
	var out []Planned
	err := p.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		w := p.newBatchWriter(ctx, tx, job, slot, &out)
		defer w.drain()
		seed := maphash.MakeSeed()
		seen := map[uint64]bool{} // recipients done: 8 bytes each, not their addresses
		var groups []*group
		flush := func() error {
			if len(groups) == 0 {
				return nil
			}
			sent, err := sentKeys(ctx, p.Store, tx, job, groups)
			if err != nil {
				return err
			}
			var todo []rendered
			for _, g := range groups {
				var items []Item
				for _, it := range g.items {
					if !sent[itemKey(job, it, g.to.Email)] {
						items = append(items, it)
					}
				}
				if len(items) > 0 {
					todo = append(todo, rendered{g: g, items: items})
				}
			}
			groups = groups[:0]
			return w.add(todo)
		}
		emit := func(n Notice) error {
			email, err := NormalizeAddress(n.To.Email)
			if err != nil {
				return fmt.Errorf("notice for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
			}
			if len(groups) > 0 && groups[len(groups)-1].to.Email == email {
				return groups[len(groups)-1].add(n)
			}
			h := maphash.String(seed, email)
			if seen[h] {
				return fmt.Errorf("notices for %s are not together", email)
			}
			seen[h] = true
			if len(groups) == planBatch {
				if err := flush(); err != nil {
					return err
				}
			}
			to := n.To
			to.Email = email
			g := &group{to: to, data: n.Data}
			groups = append(groups, g)
			return g.add(n)
		}
		if err := src(ctx, tx, emit); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if err := w.wait(); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return out, err
}

// renderAll renders a batch's messages on every core.
func (p *Planner) renderAll(job string, date civil.Date, batch []rendered) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(batch)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := &batch[i]
				view := &View{Lang: p.Lang, Job: job, Date: date, To: r.g.to, Items: r.items, Data: r.g.data,
					Office: p.Office, ListLimit: p.ListLimit, IDDomain: p.IDDomain}
				r.content, r.err = p.Templates.Render(view)
				if r.err != nil {
					continue
				}
				r.content.Subject = sanitizeHeader(r.content.Subject)
				if len(r.content.Attachments) > 0 {
					r.att, r.err = json.Marshal(r.content.Attachments)
				}
			}
		}()
	}
	for i := range batch {
		next <- i
	}
	close(next)
	wg.Wait()
}

// insertDeliveries writes a batch's messages with one INSERT and returns the
// ids of the rows it added, by delivery key (a key already present adds none).
func (p *Planner) insertDeliveries(ctx context.Context, tx *sqlx.Tx, job string, slot, now time.Time, batch []rendered) (map[string]int64, error) {
	args := make([]any, 0, len(batch)*14)
	for i := range batch {
		r := &batch[i]
		key := deliveryKey(job, slot, r.g.to.Email)
		args = append(args, key, job, store.T(slot), r.g.to.Email, sanitizeHeader(r.g.to.Name),
			formatCc(r.g.cc), r.content.Subject, r.content.Text, r.content.HTML, r.att,
			MessageID(key, p.IDDomain), store.T(now), store.T(now))
	}
	rows, err := tx.QueryxContext(ctx, p.Store.Bulk("insert-deliveries", len(batch)), args...)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	defer rows.Close()
	ids := make(map[string]int64, len(batch))
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("outbox: %w", err)
		}
		ids[key] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return ids, nil
}

// insertItems records what each new message told, in multi-row INSERTs.
func (p *Planner) insertItems(ctx context.Context, tx *sqlx.Tx, job string, slot time.Time, batch []rendered, ids map[string]int64) error {
	const perInsert = 1000
	args := make([]any, 0, perInsert*4)
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, p.Store.Bulk("insert-delivery-items", n), args...); err != nil {
			return fmt.Errorf("outbox items: %w", err)
		}
		args, n = args[:0], 0
		return nil
	}
	for i := range batch {
		r := &batch[i]
		id, ok := ids[deliveryKey(job, slot, r.g.to.Email)]
		if !ok {
			continue
		}
		for _, it := range r.items {
			args = append(args, itemKey(job, it, r.g.to.Email), id, it.Key, it.Step)
			if n++; n == perInsert {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

var errDryRun = fmt.Errorf("dry run")

// groupNotices gathers the notices per recipient, in the order recipients first
// appear, with copies merged and the recipient's own address left out of Cc.
func groupNotices(notices []Notice) ([]*group, error) {
	byEmail := map[string]*group{}
	var groups []*group
	for _, n := range notices {
		email, err := NormalizeAddress(n.To.Email)
		if err != nil {
			return nil, fmt.Errorf("notice for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
		}
		g := byEmail[email]
		if g == nil {
			to := n.To
			to.Email = email
			g = &group{to: to}
			byEmail[email] = g
			groups = append(groups, g)
		}
		if err := g.add(n); err != nil {
			return nil, err
		}
	}
	return groups, nil
}

// add puts notice n in g: its item, its copies (merged, the recipient's own
// address left out), and its data when g has none yet.
func (g *group) add(n Notice) error {
	g.items = append(g.items, n.Item)
	if g.data == nil {
		g.data = n.Data
	}
	for _, c := range n.Cc {
		ce, err := NormalizeAddress(c.Email)
		if err != nil {
			return fmt.Errorf("copy for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
		}
		if ce == g.to.Email || containsEmail(g.cc, ce) {
			continue
		}
		c.Email = ce
		g.cc = append(g.cc, c)
	}
	return nil
}

func containsEmail(rs []Recipient, email string) bool {
	for _, r := range rs {
		if r.Email == email {
			return true
		}
	}
	return false
}

// NormalizeAddress validates a bare e-mail address and returns it lower-cased.
// Only the address is accepted: a display name or a CR/LF makes it invalid.
func NormalizeAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "", fmt.Errorf("invalid e-mail address %q", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || !strings.Contains(a.Address[at:], ".") {
		return "", fmt.Errorf("invalid e-mail address %q", s)
	}
	return strings.ToLower(a.Address), nil
}

func sentKeys(ctx context.Context, st *store.Store, tx *sqlx.Tx, job string, groups []*group) (map[string]bool, error) {
	var keys []string
	for _, g := range groups {
		for _, it := range g.items {
			keys = append(keys, itemKey(job, it, g.to.Email))
		}
	}
	sent := make(map[string]bool)
	for start := 0; start < len(keys); start += maxKeysPerQuery {
		chunk := keys[start:min(start+maxKeysPerQuery, len(keys))]
		q, args, err := st.In("sent-item-keys", chunk)
		if err != nil {
			return nil, err
		}
		var found []string
		if err := tx.SelectContext(ctx, &found, q, args...); err != nil {
			return nil, fmt.Errorf("outbox lookup: %w", err)
		}
		for _, k := range found {
			sent[k] = true
		}
	}
	return sent, nil
}

// itemKey is the unique key of "this step of this item was sent to this
// recipient by this job".
func itemKey(job string, it Item, email string) string {
	return job + "|" + it.Key + "|" + it.Step + "|" + email
}

// deliveryKey is the unique key of one message: a job's run for a slot, to one recipient.
func deliveryKey(job string, slot time.Time, email string) string {
	return job + "|" + slot.UTC().Format(time.RFC3339) + "|" + email
}

// MessageID derives the Message-ID from a delivery's key, so a resend after a
// crash carries the same Message-ID and the recipient's client sees one message.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	if domain == "" {
		domain = "tickler.localhost"
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// formatCc stores copies one per line as "Name <address>".
func formatCc(cc []Recipient) string {
	lines := make([]string, len(cc))
	for i, c := range cc {
		lines[i] = (&mail.Address{Name: sanitizeHeader(c.Name), Address: c.Email}).String()
	}
	return strings.Join(lines, "\n")
}

func parseCc(s string) []Recipient {
	var out []Recipient
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		if a, err := mail.ParseAddress(line); err == nil {
			out = append(out, Recipient{Name: a.Name, Email: a.Address})
		}
	}
	return out
}
