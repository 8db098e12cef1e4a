package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// TestSpillReadProbes: each notice read back from the spill is checked
// against the outbox by index probes, whatever PostgreSQL's statistics say.
// Here the outbox tables were never analyzed (as after a TRUNCATE, or on a
// new installation) and the run's own transaction has filled them since: a
// planner left free to choose reads the whole of delivery_items and
// deliveries into a hash at every read, which makes a run's reads grow with
// the square of its size.
func TestSpillReadProbes(t *testing.T) {
	st := storetest.New(t, store.Postgres)
	ctx := context.Background()
	slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	const job = "course-reminders"
	errDone := errors.New("done")
	err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		sp, err := tx.Spill(ctx)
		if err != nil {
			return err
		}
		for i := range 20000 {
			to := fmt.Sprintf("p%05d@example.vn", i%5000)
			if err := sp.Add(ctx, job, to, int64(i+1), fmt.Sprintf("training/%d", i), "7d", civil.Date{}, "notice"); err != nil {
				return err
			}
		}
		if err := sp.Finish(ctx); err != nil {
			return err
		}
		// The run so far: 30,000 messages already written in this
		// transaction, each with an item.
		var batch []store.NewMessage
		for i := range 30000 {
			to := fmt.Sprintf("q%05d@example.vn", i)
			batch = append(batch, store.NewMessage{Recipient: to, Subject: "s", MessageID: fmt.Sprintf("<%d@example.vn>", i),
				Wire: "x", Items: []store.NewItem{{Key: fmt.Sprintf("training/x%d", i), Step: "7d"}}})
			if len(batch) == 1000 {
				if err := tx.AddMessages(ctx, job, slot, slot, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		plan, err := store.SpillReadPlan(ctx, sp, store.DeliveryKeyPrefix(job, slot), "p01000@example.vn", 0, 2048)
		if err != nil {
			return err
		}
		for _, table := range []string{"delivery_items", "deliveries"} {
			if strings.Contains(plan, "Seq Scan on "+table) {
				t.Errorf("the spill's read scans the whole of %s at each read:\n%s", table, plan)
			}
		}
		if !strings.Contains(plan, "delivery_items_pkey") || !strings.Contains(plan, "deliveries_key_key") {
			t.Errorf("the spill's read does not probe the outbox's keys:\n%s", plan)
		}
		return errDone
	})
	if !errors.Is(err, errDone) {
		t.Fatal(err)
	}
}
