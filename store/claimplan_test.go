package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// TestClaimPlannedInIndexOrder: after a run writes many messages, a claim
// reads the due index in order and stops at N, whatever autovacuum last
// saw. Here it last saw an empty outbox (a new installation, or a
// benchmark's TRUNCATE); left with that, PostgreSQL plans each claim
// as reading every due row and sorting them all, and a claim of 500 out of
// 160,000 pending takes a hundred times as long. The run's own ANALYZE
// (Tx.AnalyzeOutbox) counts its rows in its transaction.
func TestClaimPlannedInIndexOrder(t *testing.T) {
	st := storetest.New(t, store.Postgres)
	ctx := context.Background()
	slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	write := func(prefix string, n int, analyze bool) {
		t.Helper()
		err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			var batch []store.NewMessage
			for i := range n {
				batch = append(batch, store.NewMessage{Recipient: fmt.Sprintf("%s%05d@example.vn", prefix, i), Subject: "s",
					MessageID: fmt.Sprintf("<%s%d@example.vn>", prefix, i), Wire: "x"})
				if len(batch) == 1000 || i == n-1 {
					if err := tx.AddMessages(ctx, "course-reminders", slot, slot, batch); err != nil {
						return err
					}
					batch = batch[:0]
				}
			}
			if analyze {
				return tx.AnalyzeOutbox(ctx, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// What autovacuum saw last: an empty outbox.
	if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error { return tx.AnalyzeOutbox(ctx, 1000) }); err != nil {
		t.Fatal(err)
	}
	now := slot.Add(time.Hour)

	// A run that leaves the statistics as they were: the claim sorts.
	write("a", 20000, false)
	plan, err := store.ClaimPlan(ctx, st, now, 500)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "Sort") {
		// The case this test stands for is gone: say so, the test below
		// would pass without the ANALYZE.
		t.Errorf("without the run's ANALYZE, the claim already reads the index in order:\n%s", plan)
	}

	// A run that renews them: the claim reads the index in order.
	write("b", 20000, true)
	plan, err = store.ClaimPlan(ctx, st, now, 500)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plan, "Sort") || !strings.Contains(plan, "Index Scan using deliveries_due") {
		t.Errorf("a claim after a run of 20,000 messages does not read the due index in order:\n%s", plan)
	}
}
