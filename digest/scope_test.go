package digest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

func TestShares(t *testing.T) {
	cases := []struct {
		name   string
		counts []int64
		want   string // the shares printed in Vietnamese
	}{
		// The seed report's 2018 ranks: 8.69 + 43.48 + 47.83, not the 8.70 that
		// rounding each share alone gives (which would add up to 100.01).
		{"seed 2018", []int64{2, 10, 11}, "8,69% 43,48% 47,83%"},
		// The seed report's 2008 ranks: the three remainders tie (×24: 8, 8,
		// 8); the one missing hundredth goes to the largest count, as printed.
		{"seed 2008 tie", []int64{2, 5, 17}, "8,33% 20,83% 70,84%"},
		// Equal counts tie on everything: the earlier in display order first.
		{"thirds", []int64{1, 1, 1}, "33,34% 33,33% 33,33%"},
		{"sixths", []int64{1, 1, 1, 1, 1, 1}, "16,67% 16,67% 16,67% 16,67% 16,66% 16,66%"},
		// Remainders tie between unequal counts (×12: 4, 4, 4; 9999 given):
		// the larger count wins, wherever it stands.
		{"unequal tie", []int64{1, 7, 4}, "8,33% 58,34% 33,33%"},
		// Zeros keep 0.00 and the rest still adds up.
		{"with zeros", []int64{0, 1, 2, 0}, "0,00% 33,33% 66,67% 0,00%"},
		// Nobody: all zero, not a division by zero.
		{"empty", []int64{0, 0}, "0,00% 0,00%"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got string
			var sum digest.Percent
			for i, p := range digest.Shares(c.counts) {
				if i > 0 {
					got += " "
				}
				got += p.Format("vi")
				sum += p
			}
			if got != c.want {
				t.Errorf("Shares(%v) = %s, want %s", c.counts, got, c.want)
			}
			if sum != 10000 && c.name != "empty" {
				t.Errorf("shares add up to %s", sum.Format("en"))
			}
		})
	}
	if got := digest.Percent(4348).Format("en"); got != "43.48%" {
		t.Errorf("English %s", got)
	}
}

// TestUnitScope: the digest of U2 counts U2 and its sub-unit U3, and nothing of U4.
func TestUnitScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		ctx := context.Background()
		r, err := c.Compute(ctx, october, "U2")
		if err != nil {
			t.Fatal(err)
		}
		r4, err := c.Compute(ctx, october, "U4")
		if err != nil {
			t.Fatal(err)
		}
		unitsOctober(t, r, r4)
		// The monthly-digest job's pass over every scope gives U2 and U4 the
		// same figures.
		all := eachScope(t, c, october)
		unitsOctober(t, all["U2"], all["U4"])

		// A unit that does not exist is an error of its own.
		if _, err := c.Compute(ctx, october, "U9"); !errors.Is(err, digest.ErrUnknownUnit) {
			t.Errorf("unknown unit: %v", err)
		}
	})
}

// unitsOctober checks the October 2026 digests of U2 (r) and U4 (r4).
func unitsOctober(t *testing.T, r, r4 *digest.Report) {
	t.Helper()
	same(t, "scope", r.Scope, digest.Scope{Kind: "unit", Code: "U2", Name: "Phòng Tổ chức cán bộ", Units: 2})
	// U2 and U3: P04 to P14, 11 people (P24 left). Principal 5 (P04, P05,
	// P06, P10, P11), specialist 6: 5/11 = 45.4545…, 6/11 = 54.5454…;
	// rounded down 45.45 + 54.54, the hundredth to the larger remainder
	// (6 against 5, ×11): 45.45, 54.55. Intellectuals 9 (all but P09
	// college and P14 vocational): 81.82%.
	w := ok(t, "workforce", r.Workforce)
	if w.Headcount != 11 || w.Intellectuals != 9 || w.IntellectualShare != 8182 {
		t.Errorf("headcount %d, intellectuals %d (%s)", w.Headcount, w.Intellectuals, w.IntellectualShare.Format("en"))
	}
	same(t, "ranks", w.Ranks[:3], []digest.Share{{Code: "senior_specialist"}, {Code: "principal_specialist", Count: 5, Percent: 4545},
		{Code: "specialist", Count: 6, Percent: 5455}})
	// In October: P07 started (advanced), P11 dropped, P12 started (state
	// management), P09 started and completed (refresher), P06 completed
	// (master); P19's refresher is U4's.
	tr := ok(t, "training", r.Training)
	same(t, "training totals", tr.Totals.Month, digest.Counts{Started: 3, Completed: 2, Dropped: 1})
	// Terms: only P04's; deliveries: only the one to P05; data: U3 has no head.
	if tm := ok(t, "terms", r.Terms); tm.Ending != 1 || tm.List[0].StaffCode != "P04" || tm.Lapsed != 0 {
		t.Errorf("terms %+v", tm)
	}
	if dl := ok(t, "deliveries", r.Deliveries); dl.Failed != 1 || dl.List[0].Recipient != "p05@example.vn" {
		t.Errorf("deliveries %+v", dl)
	}
	same(t, "data quality", ok(t, "data_quality", r.DataQuality).Problems, []digest.Problem{{Kind: "unit_no_head", Count: 1}})

	// U4 (no sub-units): the targets count the whole agency's completions,
	// none of them by U4's people.
	if r4.Scope.Units != 1 || r4.Workforce.Data.Headcount != 9 {
		t.Errorf("U4: %d units, %d people", r4.Scope.Units, r4.Workforce.Data.Headcount)
	}
	for _, g := range ok(t, "targets", r4.Targets).Rows {
		if g.ScopeDone != 0 || g.Done == 0 {
			t.Errorf("U4 target %s: done %d, by U4 %d", g.Category, g.Done, g.ScopeDone)
		}
	}
}

func TestTrend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		ctx := context.Background()

		// Without earlier months: the month's own figures alone, no changes.
		r, err := c.Compute(ctx, october, "")
		if err != nil {
			t.Fatal(err)
		}
		tr := ok(t, "trend", r.Trend)
		if len(tr.Months) != 1 || tr.Months[0].Month != "2026-10" || tr.Months[0].Stored ||
			tr.PreviousMonth != nil || tr.YearAgo != nil || tr.YearAgoRanks != nil {
			t.Fatalf("trend without earlier months: %+v", tr)
		}
		same(t, "October's figures", tr.Months[0].Figures, digest.Figures{Headcount: 23, Intellectuals: 20, IntellectualShare: 8696,
			Started: 4, Completed: 2, Dropped: 1, InTraining: 6,
			Ranks: map[string]int64{"senior_specialist": 2, "principal_specialist": 10, "specialist": 11, "officer": 0, "staff": 0}})

		// The job keeps September's figures (computed and saved as a run would),
		// and figures were kept for October 2025 (the seed report's 2008 mix:
		// 2, 5, 17 of 24), for September 2025 (13 months back: out of the
		// trend) and for U2 (another scope).
		sep, err := c.Compute(ctx, october.Add(-1), "")
		if err != nil {
			t.Fatal(err)
		}
		slot := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		u2, err := c.Compute(ctx, october.Add(-1), "U2")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SaveFigures(ctx, slot, []*digest.Report{sep, u2}); err != nil {
			t.Fatal(err)
		}
		for _, row := range []struct{ month, figures string }{
			{"2025-10", `{"headcount":24,"intellectuals":20,"intellectual_share":83.33,"started":3,"completed":1,"dropped":0,"in_training":5,
				"ranks":{"senior_specialist":2,"principal_specialist":5,"specialist":17}}`},
			{"2025-09", `{"headcount":99,"intellectuals":1,"intellectual_share":1.01,"ranks":{}}`},
		} {
			if _, err := st.ExecSQL(context.Background(), "INSERT INTO digest_figures (month, scope, figures, slot) VALUES (?, '', ?, ?)",
				row.month, row.figures, store.T(slot)); err != nil {
				t.Fatal(err)
			}
		}
		r, err = c.Compute(ctx, october, "")
		if err != nil {
			t.Fatal(err)
		}
		tr = ok(t, "trend", r.Trend)
		var months []string
		for _, m := range tr.Months {
			months = append(months, m.Month)
		}
		if len(months) != 2 || months[0] != "2026-09" || !tr.Months[0].Stored || months[1] != "2026-10" {
			t.Errorf("months %v", months)
		}
		// September 2026: still 23 on staff (P24 left on 30/09, so not at its
		// end), 1 completion (P24's), 4 in training (P05, P06 until 15/10, P18,
		// P20): October has the same headcount and share, 1 completion and 2
		// people in training more.
		same(t, "previous month", tr.PreviousMonth, &digest.Change{Month: "2026-09", Headcount: 0, IntellectualShare: 0, Completed: 1, InTraining: 2})
		// October 2025: 24 people, 83.33% intellectuals: -1 and +3.63 points.
		same(t, "year ago", tr.YearAgo, &digest.Change{Month: "2025-10", Headcount: -1, IntellectualShare: 363, Completed: 1, InTraining: 1})
		same(t, "ranks a year ago", tr.YearAgoRanks, []digest.Share{
			{Code: "senior_specialist", Count: 2, Percent: 833}, {Code: "principal_specialist", Count: 5, Percent: 2083},
			{Code: "specialist", Count: 17, Percent: 7084}, {Code: "officer"}, {Code: "staff"}})

		// Saving again for the same month replaces, not duplicates.
		if err := c.SaveFigures(ctx, slot.Add(time.Hour), []*digest.Report{sep}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM digest_figures WHERE month = '2026-09'"); err != nil || n != 2 {
			t.Errorf("rows for 2026-09: %d, %v (want the agency's and U2's)", n, err)
		}
	})
}

// TestSectionFails: a section whose query fails shows its error; the others
// are computed as usual.
func TestSectionFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		// The outbox is gone (say, a botched manual clean-up).
		for _, q := range []string{"DROP TABLE delivery_items", "DROP TABLE deliveries"} {
			if _, err := st.ExecSQL(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		r, err := c.Compute(context.Background(), october, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Deliveries.Status != digest.StatusError || r.Deliveries.Error == "" || r.Deliveries.Data != nil {
			t.Errorf("deliveries: %+v", r.Deliveries)
		}
		if w := ok(t, "workforce", r.Workforce); w.Headcount != 23 {
			t.Errorf("headcount %d", w.Headcount)
		}
		ok(t, "data quality", r.DataQuality)
		ok(t, "trend", r.Trend)
	})
}
