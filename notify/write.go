package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/store"
)

// writer records a run's messages and their items in the outbox, in the
// run's transaction. The recipients whose message of the slot was already in
// the outbox, and the items already sent, were left out when the spill was
// read, so every row written is new: on PostgreSQL the rows go by COPY, with
// ids taken from the sequence first to link the items to their message; on
// SQLite by multi-row INSERTs. Should another process write the same key
// meanwhile (two `tickler run` of one slot at once), the unique keys refuse
// it and the whole run rolls back: nothing is sent twice.
type writer struct {
	p    *Planner
	tx   *sqlx.Tx
	q    store.Queries
	job  string
	slot time.Time
	now  time.Time
	ids  []int64 // reserved on PostgreSQL, not used yet
}

// idBlock is how many ids one round trip reserves.
const idBlock = 4 * planBatch

func (w *writer) write(ctx context.Context, batch []*group) error {
	if w.p.Store.Dialect == store.Postgres {
		return w.copy(ctx, batch)
	}
	return w.insert(ctx, batch)
}

// deliveryColumns are the columns of deliveries that the COPY writes;
// text_body and html_body (the parts of messages planned before the outbox
// kept the wire form) are left empty.
var deliveryColumns = []string{"id", "key", "job", "slot", "recipient", "recipient_name", "cc", "subject",
	"text_body", "message_id", "state", "next_attempt_at", "created_at", "wire"}

func (w *writer) copy(ctx context.Context, batch []*group) error {
	if len(w.ids) < len(batch) {
		var more []int64
		if err := w.tx.SelectContext(ctx, &more, w.q.Get("reserve-delivery-ids"), max(idBlock, len(batch))); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		w.ids = append(w.ids, more...)
	}
	ids := w.ids[:len(batch)]
	w.ids = w.ids[len(batch):]
	st := w.p.Store
	slot, now := store.T(w.slot), store.T(w.now)
	c, err := st.CopyIn(ctx, w.tx, "deliveries", deliveryColumns...)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	for i, g := range batch {
		key := deliveryKey(w.job, w.slot, g.email)
		if err := c.Row(ids[i], key, w.job, slot, g.email, sanitizeHeader(g.to.Name), formatCc(g.cc),
			g.content.Subject, "", MessageID(key, w.p.IDDomain), "pending", now, now, g.wire); err != nil {
			c.Close()
			return fmt.Errorf("outbox: %w", err)
		}
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	c, err = st.CopyIn(ctx, w.tx, "delivery_items", "key", "delivery_id", "item_key", "step")
	if err != nil {
		return fmt.Errorf("outbox items: %w", err)
	}
	for i, g := range batch {
		for _, it := range g.items {
			if err := c.Row(itemKey(w.job, it, g.email), ids[i], it.Key, it.Step); err != nil {
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

// insert writes a batch on SQLite: the messages with one INSERT, their
// items with as many as their number needs.
func (w *writer) insert(ctx context.Context, batch []*group) error {
	st := w.p.Store
	slot, now := store.T(w.slot), store.T(w.now)
	args := make([]any, 0, len(batch)*12)
	for _, g := range batch {
		key := deliveryKey(w.job, w.slot, g.email)
		args = append(args, key, w.job, slot, g.email, sanitizeHeader(g.to.Name), formatCc(g.cc),
			g.content.Subject, MessageID(key, w.p.IDDomain), now, now, g.wire)
	}
	rows, err := w.tx.QueryxContext(ctx, st.Bulk("insert-deliveries", len(batch)), args...)
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
	const perInsert = 1000
	args = args[:0]
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		if _, err := w.tx.ExecContext(ctx, st.Bulk("insert-delivery-items", n), args...); err != nil {
			return fmt.Errorf("outbox items: %w", err)
		}
		args, n = args[:0], 0
		return nil
	}
	for _, g := range batch {
		id, ok := ids[deliveryKey(w.job, w.slot, g.email)]
		if !ok {
			return fmt.Errorf("outbox: the message to %s was not written", g.email)
		}
		for _, it := range g.items {
			args = append(args, itemKey(w.job, it, g.email), id, it.Key, it.Step)
			if n++; n == perInsert {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}
