package plan

import (
	"bytes"
	"compress/gzip"
	"context"
	"time"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/store"
)

// writer records a run's messages and their items in the outbox, in the
// run's transaction (store.Tx.AddMessages). The recipients whose message of
// the slot was already in the outbox, and the items already sent, were left
// out when the spill was read, so every row written is new. Should another
// process write the same key meanwhile (two `tickler run` of one slot at
// once), the unique keys refuse it and the whole run rolls back: nothing is
// sent twice.
type writer struct {
	p    *Planner
	tx   *store.Tx
	job  string
	slot time.Time
	now  time.Time
	msgs []store.NewMessage // reused from batch to batch
	// set is the run's render set; kept in the outbox with the first
	// message rendered at send (setKept).
	set     *renderSet
	setKept bool
}

func (w *writer) write(ctx context.Context, batch []*group) error {
	w.msgs = w.msgs[:0]
	for _, g := range batch {
		var set string
		if g.payload != "" {
			if !w.setKept {
				if err := w.tx.AddRenderSet(ctx, w.set.id, w.set.spec, w.now); err != nil {
					return err
				}
				w.setKept = true
			}
			set = w.set.id
		}
		var items []store.NewItem
		if g.longKeys != nil {
			items = g.longKeys.newItems()
		} else {
			items = make([]store.NewItem, len(g.items))
			for i, it := range g.items {
				items[i] = store.NewItem{Key: it.Key, Step: it.Step, Since: it.Since}
			}
		}
		w.msgs = append(w.msgs, store.NewMessage{
			Recipient: g.email, RecipientName: notify.CleanHeader(g.to.Name), Cc: notify.FormatCc(g.cc),
			Subject: g.content.Subject, MessageID: notify.MessageID(store.DeliveryKey(w.job, w.slot, g.email), w.p.IDDomain),
			Wire: g.wire, Payload: g.payload, RenderSet: set, Items: items,
		})
	}
	err := w.tx.AddMessages(ctx, w.job, w.slot, w.now, w.msgs)
	clear(w.msgs) // let the batch's bodies go
	if err != nil {
		return err
	}
	for _, g := range batch {
		if g.list != nil {
			data := g.list.Data
			if !g.gzipped {
				var err error
				if data, err = gzipped(data); err != nil {
					return err
				}
			}
			err := w.tx.AddList(ctx, store.DeliveryKey(w.job, w.slot, g.email), g.list.Filename, g.list.ContentType, "gzip", data, w.now)
			if err != nil {
				return err
			}
			g.list = nil
		}
	}
	return nil
}

// gzipped returns data compressed, as lists are kept (store.ListFile).
func gzipped(data []byte) ([]byte, error) {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // a valid level: no error
	if _, err := z.Write(data); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
