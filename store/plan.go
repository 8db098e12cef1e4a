package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/tickler-dev/tickler/civil"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// A planning run writes its messages in one transaction (Store.Write): the
// notices the job emits are spilled to a temporary table (Spill), read back
// a recipient at a time, and each recipient's message is added with the
// items it tells (AddMessages). What makes "sent once" hold is here: a
// message's key is (job, slot, recipient) and an item's is (job, item, step,
// recipient), both unique; the spill's read and SentItems leave out what an
// earlier run already planned, and should another process plan the same key
// meanwhile, the unique index refuses it and the whole run rolls back.

// DeliveryKey is the unique key of one message: a job's run for a slot, to
// one recipient.
func DeliveryKey(job string, slot time.Time, email string) string {
	return DeliveryKeyPrefix(job, slot) + email
}

// DeliveryKeyPrefix is the key of a run's messages before the recipient.
func DeliveryKeyPrefix(job string, slot time.Time) string {
	return job + "|" + slot.UTC().Format(time.RFC3339) + "|"
}

// ItemKey is the unique key of "this step of this item was sent to this
// recipient by this job".
func ItemKey(job, item, step, email string) string {
	return job + "|" + item + "|" + step + "|" + email
}

// ItemMark names an item told to a recipient by a job whatever the step:
// the steps of an ordered item (NewItem.Since) are compared under it.
func ItemMark(job, item, email string) string {
	return job + "|" + item + "|" + email
}

// LaterSteps returns, of these item marks (ItemMark), the day the latest
// step sent under each began.
func (tx *Tx) LaterSteps(ctx context.Context, marks []string) (map[string]civil.Date, error) {
	out := map[string]civil.Date{}
	for start := 0; start < len(marks); start += maxKeysPerQuery {
		var rows []struct {
			Mark  string     `db:"mark"`
			Since civil.Date `db:"since"`
		}
		if err := tx.Select(ctx, &rows, "item-marks", marks[start:min(start+maxKeysPerQuery, len(marks))]); err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.Mark] = r.Since
		}
	}
	return out, nil
}

// NewMessage is one message a planning run adds to the outbox.
type NewMessage struct {
	Recipient     string
	RecipientName string
	Cc            string // "Name <address>" lines
	Subject       string
	MessageID     string
	Wire          string // the message as it goes on the wire
	// Payload and RenderSet, instead of Wire, are what rendering the
	// message at send time takes: its notices in the planner's encoding,
	// and the run's render set (Tx.AddRenderSet). They are kept in
	// delivery_payloads under the message's key.
	Payload   string
	RenderSet string
	Items     []NewItem
}

// NewItem is an item a message tells: what it is about, and at which step.
type NewItem struct {
	Key  string // training/123
	Step string // 7d, overdue/2
	// Since, for an item whose steps are ordered, is the day the step
	// began: no step of the item that began no later is sent to the
	// recipient again (delivery_items.since, under its ItemMark).
	Since civil.Date
}

// mark returns the item's mark and since for delivery_items: NULLs for an
// item whose steps are not ordered.
func (it NewItem) mark(job, email string) (mark, since any) {
	if it.Since.IsZero() {
		return nil, nil
	}
	return ItemMark(job, it.Key, email), it.Since
}

// planBatchIDs is how many delivery ids one round trip reserves for COPY.
const planBatchIDs = 2048

// AddMessages adds a batch of a run's messages (job, slot), created at now,
// with their items. On PostgreSQL the rows go by COPY, with ids taken from
// the sequence first to link the items to their message; on SQLite by
// multi-row INSERTs.
func (tx *Tx) AddMessages(ctx context.Context, job string, slot, now time.Time, batch []NewMessage) error {
	if len(batch) == 0 {
		return nil
	}
	var err error
	if tx.s.Dialect == Postgres {
		err = tx.copyMessages(ctx, job, slot, now, batch)
	} else {
		err = tx.insertMessages(ctx, job, slot, now, batch)
	}
	if err != nil {
		return conflict(err)
	}
	return nil
}

// analyzeAfter is how many messages a run writes before the outbox's
// statistics are renewed in its transaction (AnalyzeOutbox).
const analyzeAfter = 1000

// AnalyzeOutbox renews the outbox's statistics, with the rows this
// transaction wrote counted, when it wrote at least analyzeAfter of them:
// PostgreSQL plans claims by them (the query's comment says why). SQLite's
// claim names its index, and needs none.
func (tx *Tx) AnalyzeOutbox(ctx context.Context, written int) error {
	if tx.s.Dialect != Postgres || written < analyzeAfter {
		return nil
	}
	if _, err := tx.Exec(ctx, "analyze-outbox"); err != nil {
		return fmt.Errorf("outbox statistics: %w", err)
	}
	return nil
}

// deliveryColumns are the columns of deliveries that the COPY writes;
// text_body and html_body (the parts of messages planned before the outbox
// kept the wire form) are left empty.
var deliveryColumns = []string{"id", "key", "job", "slot", "recipient", "recipient_name", "cc", "subject",
	"text_body", "message_id", "state", "next_attempt_at", "created_at", "wire", "payload_key"}

func (tx *Tx) copyMessages(ctx context.Context, job string, slot, now time.Time, batch []NewMessage) error {
	if len(tx.ids) < len(batch) {
		var more []int64
		if err := tx.tx.SelectContext(ctx, &more, tx.s.queries.Get("reserve-delivery-ids"), max(planBatchIDs, len(batch))); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		tx.ids = append(tx.ids, more...)
	}
	ids := tx.ids[:len(batch)]
	tx.ids = tx.ids[len(batch):]
	st, nw := T(slot), T(now)
	c, err := tx.copyIn(ctx, "deliveries", deliveryColumns...)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	payloads := 0
	for i, m := range batch {
		key := DeliveryKey(job, slot, m.Recipient)
		var payloadKey any
		if m.Payload != "" {
			payloadKey = key
			payloads++
		}
		if err := c.Row(ids[i], key, job, st, m.Recipient, m.RecipientName, m.Cc,
			m.Subject, "", m.MessageID, "pending", nw, nw, nullable(m.Wire), payloadKey); err != nil {
			c.Close()
			return fmt.Errorf("outbox: %w", err)
		}
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if payloads > 0 {
		c, err = tx.copyIn(ctx, "delivery_payloads", "key", "render_set", "payload")
		if err != nil {
			return fmt.Errorf("outbox payloads: %w", err)
		}
		for _, m := range batch {
			if m.Payload == "" {
				continue
			}
			if err := c.Row(DeliveryKey(job, slot, m.Recipient), m.RenderSet, m.Payload); err != nil {
				c.Close()
				return fmt.Errorf("outbox payloads: %w", err)
			}
		}
		if err := c.Close(); err != nil {
			return fmt.Errorf("outbox payloads: %w", err)
		}
	}
	c, err = tx.copyIn(ctx, "delivery_items", "key", "delivery_id", "item_key", "step", "mark", "since")
	if err != nil {
		return fmt.Errorf("outbox items: %w", err)
	}
	for i, m := range batch {
		for _, it := range m.Items {
			mark, since := it.mark(job, m.Recipient)
			if err := c.Row(ItemKey(job, it.Key, it.Step, m.Recipient), ids[i], it.Key, it.Step, mark, since); err != nil {
				c.Close()
				return fmt.Errorf("outbox items: %w", err)
			}
		}
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("outbox items: %w", err)
	}
	return nil
}

// insertMessages writes a batch on SQLite: the messages with one INSERT,
// their items with as many as their number needs.
func (tx *Tx) insertMessages(ctx context.Context, job string, slot, now time.Time, batch []NewMessage) error {
	st, nw := T(slot), T(now)
	args := make([]any, 0, len(batch)*12)
	var payloads []any
	for _, m := range batch {
		key := DeliveryKey(job, slot, m.Recipient)
		var payloadKey any
		if m.Payload != "" {
			payloadKey = key
			payloads = append(payloads, key, m.RenderSet, m.Payload)
		}
		args = append(args, key, job, st, m.Recipient, m.RecipientName, m.Cc,
			m.Subject, m.MessageID, nw, nw, nullable(m.Wire), payloadKey)
	}
	const payloadsPerInsert = 300 // 3 parameters each
	for len(payloads) > 0 {
		n := min(len(payloads)/3, payloadsPerInsert)
		if _, err := tx.tx.ExecContext(ctx, tx.s.queries.Bulk("insert-delivery-payloads", n), payloads[:3*n]...); err != nil {
			return fmt.Errorf("outbox payloads: %w", err)
		}
		payloads = payloads[3*n:]
	}
	rows, err := tx.tx.QueryxContext(ctx, tx.s.queries.Bulk("insert-deliveries", len(batch)), args...)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	ids := make(map[string]int64, len(batch))
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return fmt.Errorf("outbox: %w", err)
		}
		ids[key] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	const perInsert = 1000 // 6 parameters each
	args = args[:0]
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, tx.s.queries.Bulk("insert-delivery-items", n), args...); err != nil {
			return fmt.Errorf("outbox items: %w", err)
		}
		args, n = args[:0], 0
		return nil
	}
	for _, m := range batch {
		id, ok := ids[DeliveryKey(job, slot, m.Recipient)]
		if !ok {
			return fmt.Errorf("outbox: the message to %s was not written", m.Recipient)
		}
		for _, it := range m.Items {
			mark, since := it.mark(job, m.Recipient)
			args = append(args, ItemKey(job, it.Key, it.Step, m.Recipient), id, it.Key, it.Step, mark, since)
			if n++; n == perInsert {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// SentItems returns which of the item keys (ItemKey) are already in the
// outbox.
func (tx *Tx) SentItems(ctx context.Context, keys []string) (map[string]bool, error) {
	return tx.existing(ctx, "sent-item-keys", keys)
}

// PlannedMessages returns which of the message keys (DeliveryKey) are
// already in the outbox.
func (tx *Tx) PlannedMessages(ctx context.Context, keys []string) (map[string]bool, error) {
	return tx.existing(ctx, "planned-delivery-keys", keys)
}

// maxKeysPerQuery bounds an IN (...) list; SQLite allows 32766 parameters.
const maxKeysPerQuery = 1000

func (tx *Tx) existing(ctx context.Context, query string, keys []string) (map[string]bool, error) {
	found := make(map[string]bool)
	for start := 0; start < len(keys); start += maxKeysPerQuery {
		var rows []string
		if err := tx.Select(ctx, &rows, query, keys[start:min(start+maxKeysPerQuery, len(keys))]); err != nil {
			return nil, fmt.Errorf("outbox lookup: %w", err)
		}
		for _, k := range rows {
			found[k] = true
		}
	}
	return found, nil
}

// Spill keeps a run's notices out of memory: a temporary table in the run's
// transaction, written as the job emits them (COPY on PostgreSQL, multi-row
// INSERTs on SQLite) and read back in recipient order, so that each
// recipient's notices come together and the run is planned a batch of
// recipients at a time. The planner's memory then depends on the batch, not
// on how many items fall due.
type Spill struct {
	tx   *Tx
	copy *Copy // PostgreSQL: one COPY while the job runs
	args []any // SQLite: rows waiting for their INSERT
	rows int
}

// spillInsert is how many rows one INSERT writes on SQLite (6 parameters
// each, far below SQLite's limit of 32766).
const spillInsert = 500

// Spill creates the run's spill table.
func (tx *Tx) Spill(ctx context.Context) (*Spill, error) {
	sp := &Spill{tx: tx}
	names := []string{"drop-spill", "create-spill"}
	if tx.s.Dialect == Postgres {
		names = append([]string{"begin-run"}, names...)
	}
	for _, name := range names {
		if _, err := tx.tx.ExecContext(ctx, tx.s.queries.Get(name)); err != nil {
			return nil, fmt.Errorf("spill: %w", err)
		}
	}
	if tx.s.Dialect == Postgres {
		var err error
		if sp.copy, err = tx.copyIn(ctx, "tickler_spill", "recipient", "seq", "item_key", "mark", "since", "notice"); err != nil {
			return nil, fmt.Errorf("spill: %w", err)
		}
	}
	return sp, nil
}

// Add writes one notice for recipient, the seq-th of the run, about item
// at step, encoded as notice; since is the day the step began, for an item
// whose steps are ordered (NewItem.Since), zero otherwise.
func (sp *Spill) Add(ctx context.Context, job, recipient string, seq int64, item, step string, since civil.Date, notice string) error {
	key := ItemKey(job, item, step, recipient)
	mark, s := NewItem{Key: item, Since: since}.mark(job, recipient)
	if sp.copy != nil {
		return sp.copy.Row(recipient, seq, key, mark, s, notice)
	}
	sp.args = append(sp.args, recipient, seq, key, mark, s, notice)
	if sp.rows++; sp.rows == spillInsert {
		return sp.flush(ctx)
	}
	return nil
}

// flush writes the rows waiting on SQLite.
func (sp *Spill) flush(ctx context.Context) error {
	if sp.rows == 0 {
		return nil
	}
	if _, err := sp.tx.tx.ExecContext(ctx, sp.tx.s.queries.Bulk("insert-spill", sp.rows), sp.args...); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	sp.args, sp.rows = sp.args[:0], 0
	return nil
}

// Abort ends the writing of a run that fails anyway (a COPY must end before
// the transaction rolls back).
func (sp *Spill) Abort() {
	if sp.copy != nil {
		sp.copy.Close()
		sp.copy = nil
	}
}

// Finish ends the writing and indexes the table for reading in order.
func (sp *Spill) Finish(ctx context.Context) error {
	if sp.copy != nil {
		err := sp.copy.Close()
		sp.copy = nil
		if err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	} else if err := sp.flush(ctx); err != nil {
		return err
	}
	for _, name := range []string{"index-spill", "analyze-spill"} {
		if _, err := sp.tx.tx.ExecContext(ctx, sp.tx.s.queries.Get(name)); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	}
	return nil
}

// Spilled is one notice read back. Done: its item was already sent to the
// recipient, or the recipient's message of the slot is already in the
// outbox.
type Spilled struct {
	Recipient string `db:"recipient"`
	Seq       int64  `db:"seq"`
	Notice    string `db:"notice"`
	Done      bool   `db:"done"`
}

// Read returns up to limit notices after (recipient, seq) in recipient
// order; keyPrefix (DeliveryKeyPrefix) + address is a message's key in the
// outbox.
func (sp *Spill) Read(ctx context.Context, keyPrefix, recipient string, seq int64, limit int) ([]Spilled, error) {
	var out []Spilled
	if err := sp.tx.tx.SelectContext(ctx, &out, sp.tx.s.queries.Get("read-spill"), keyPrefix, recipient, seq, limit); err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return out, nil
}

// Drop removes the table (PostgreSQL drops it at commit by itself).
func (sp *Spill) Drop(ctx context.Context) error {
	if _, err := sp.tx.tx.ExecContext(ctx, sp.tx.s.queries.Get("drop-spill")); err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	return nil
}

// spillQuery reports whether a named query reads or writes the spill, which
// exists only during a run (Check cannot prepare it at start).
func spillQuery(sql string) bool { return strings.Contains(sql, "tickler_spill") }

// Figures is one scope's key figures of a month (JSON), kept for the trend
// of later digests.
type Figures struct {
	Month string // YYYY-MM
	Scope string // agency, or unit/CODE
	JSON  string
}

// KeepFigures keeps figures computed by the run of slot, replacing those of
// an earlier run for the same month and scope, in one statement. A
// statement may not update one row twice: rows must be of distinct (month,
// scope), at most 500 (SQLite's parameter limit).
func (tx *Tx) KeepFigures(ctx context.Context, slot time.Time, rows []Figures) error {
	if len(rows) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(rows))
	for _, r := range rows {
		args = append(args, r.Month, r.Scope, r.JSON, T(slot))
	}
	if _, err := tx.tx.ExecContext(ctx, tx.s.queries.Bulk("digest-figures-save", len(rows)), args...); err != nil {
		return fmt.Errorf("keep digest figures: %w", err)
	}
	return nil
}

// CursorsAtOnce is how many read cursors one reader may keep open at once,
// reading them side by side: many on PostgreSQL's read pool, one on
// SQLite's (whose pool is small: a query is read whole before the next).
func (s *Store) CursorsAtOnce() int {
	if s.Dialect == Postgres {
		return postgresCursors
	}
	return 1
}

// postgresCursors is the part of PostgreSQL's read pool one reader (the
// monthly digest's walk over its per-unit queries) may hold.
const postgresCursors = 14

// ErrPlannedElsewhere is returned when another process planned the same
// messages while this run planned them (a hand run of a slot the daemon
// runs at that moment): the unique keys refused this run's, which rolled
// back. Nothing is sent twice.
var ErrPlannedElsewhere = errors.New("another process planned the same messages at the same time")

// conflict wraps a unique-key refusal of a run's writes as ErrPlannedElsewhere.
func conflict(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%w (%v)", ErrPlannedElsewhere, err)
	}
	return err
}

// isUniqueViolation reports whether err is a unique index refusing a row.
func isUniqueViolation(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// nullable is s, or NULL for an empty s: a row keeps either its wire form
// or a payload.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
