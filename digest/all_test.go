package digest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// eachScopeAsOracle checks that the one-pass digests of month equal the
// digests worked out in Go straight from the tables (digest.OracleReports),
// for every unit and the agency; that every unit comes once, after its
// sub-units, and the agency last; and that the heads given are UnitHeads'.
// Compute's digest of each scope (the same walk, restricted to the scope's
// units) is checked against the same figures, also the way a scope too large
// to list its units is computed. It returns the one-pass reports by scope
// key.
func eachScopeAsOracle(t *testing.T, st *store.Store, c *digest.Computer, month digest.Month) map[string]*digest.Report {
	t.Helper()
	ctx := context.Background()
	var parents []struct{ Code, Parent string }
	if err := st.SelectSQL(context.Background(), &parents, "SELECT code AS \"code\", COALESCE(parent_code, '') AS \"parent\" FROM units"); err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{}
	for _, u := range parents {
		parent[u.Code] = u.Parent
	}
	heads, err := c.UnitHeads(ctx, month.Last())
	if err != nil {
		t.Fatal(err)
	}
	wantHead := map[string]digest.UnitHead{}
	for _, h := range heads {
		wantHead[h.Code] = h
	}
	oracle, err := digest.OracleReports(ctx, c, month)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*digest.Report{}
	err = c.EachScope(ctx, month, func(r *digest.Report, head *digest.UnitHead) error {
		key := r.Scope.Key()
		if _, dup := got[key]; dup {
			t.Errorf("scope %q given twice", key)
		}
		if _, done := got[""]; done {
			t.Errorf("scope %q given after the agency's", key)
		}
		for code, p := range parent {
			if p == key && got[code] == nil && key != "" {
				t.Errorf("unit %s given before its sub-unit %s", key, code)
			}
		}
		got[key] = r
		same(t, fmt.Sprintf("%s, scope %q", month, key), r, oracle[key])
		switch h, ok := wantHead[key]; {
		case ok && (head == nil || *head != h):
			t.Errorf("scope %q: head %+v, want %+v", key, head, h)
		case !ok && head != nil:
			t.Errorf("scope %q: head %+v, want none", key, head)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(parent)+1 {
		t.Errorf("%d scopes for %d units and the agency", len(got), len(parent))
	}
	for key, want := range oracle {
		r, err := c.Compute(ctx, month, key)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("%s, Compute(%q)", month, key), r, want)
	}
	restore := digest.SetListedUnits(1)
	defer restore()
	for key, want := range oracle {
		if key == "" {
			continue // the agency's units are never listed
		}
		r, err := c.Compute(ctx, month, key)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("%s, Compute(%q) of a scope not listed", month, key), r, want)
	}
	return got
}

// TestEachScopeHandMade: on the hand-made agency, with a second root unit, an
// address shared by people of two units, and figures kept for earlier months,
// every scope's one-pass digest is the one worked out from the tables, and
// the figures checked by hand below are there.
func TestEachScopeHandMade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, c := setup(t, st)
		ctx := context.Background()
		hanoi := cfg.Location
		for _, q := range []string{
			// A second root, with a head and a person of its own.
			"INSERT INTO units (code, name, head_code) VALUES ('U5', 'Văn phòng', 'P25')",
			"UPDATE staff SET unit_code = 'U5', hired_on = '2020-01-01' WHERE code = 'P25'",
			// P13 (U3) and P20 (U4) share a mailbox; P21 (U4) has its own now.
			"UPDATE staff SET email = 'chung@example.vn' WHERE code IN ('P13', 'P20')",
			"UPDATE staff SET email = 'P21@Example.vn' WHERE code = 'P21'",
		} {
			if _, err := st.ExecSQL(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		for i, to := range []string{"chung@example.vn", "chung@example.vn", "p21@example.vn", "p05@example.vn"} {
			at := time.Date(2026, 10, 20+i, 9, 0, 0, 0, hanoi)
			_, err := st.ExecSQL(context.Background(), `INSERT INTO deliveries (key, job, slot, recipient, subject, text_body, message_id,
				state, next_attempt_at, created_at, reply) VALUES (?, ?, ?, ?, 'Nhắc việc', '', ?, 'failed', ?, ?, '550 no such user')`,
				fmt.Sprint("s", i), []string{"course-reminders", "reappointments"}[i%2], store.T(at), to, fmt.Sprintf("<s%d@x>", i), store.T(at), store.T(at))
			if err != nil {
				t.Fatal(err)
			}
		}
		// Figures kept for the agency and U2 in September and a year before.
		var kept []*digest.Report
		for _, m := range []digest.Month{october.Add(-1), october.Add(-12)} {
			for _, scope := range []string{"", "U2"} {
				r, err := c.Compute(ctx, m, scope)
				if err != nil {
					t.Fatal(err)
				}
				kept = append(kept, r)
			}
		}
		if err := c.SaveFigures(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), kept); err != nil {
			t.Fatal(err)
		}

		got := eachScopeAsOracle(t, st, c, october)
		// The checks above compare with the figures worked out in Go; these
		// make sure the cases the fixture adds are really there.
		if u2 := got["U2"]; u2.Trend.Data == nil || u2.Trend.Data.PreviousMonth == nil || u2.Trend.Data.YearAgoRanks == nil {
			t.Errorf("U2's trend lacks the kept months: %+v", u2.Trend)
		}
		// The shared mailbox's two failures count once in U1 (which holds
		// both units), and in each of U2 (via U3) and U4.
		for scope, want := range map[string]int64{"U1": 5, "U2": 4, "U3": 2, "U4": 3, "U5": 0} {
			if d := got[scope].Deliveries.Data; d == nil || d.Failed != want {
				t.Errorf("%s: failed deliveries %+v, want %d", scope, d, want)
			}
		}
		if got[""].Scope.Units != 5 || got["U1"].Scope.Units != 4 || got[""].Workforce.Data.Headcount != 24 {
			t.Errorf("agency: %+v, %d people", got[""].Scope, got[""].Workforce.Data.Headcount)
		}

		// November too: other dates, the figures of October not kept.
		eachScopeAsOracle(t, st, c, october.Add(1))
	})
}

// TestEachScopeSample: on a generated agency of 300 people (three levels of
// units), every scope's one-pass digest is the one worked out from the
// tables, this month and, with the one-pass figures of the month before
// kept, the next.
func TestEachScopeSample(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		if _, err := sample.Generate(dir, sample.Options{Staff: 300, At: civil.MustParse("2026-11-26"), Seed: 7}); err != nil {
			t.Fatal(err)
		}
		if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
			t.Fatal(err)
		}
		c, err := digest.NewComputer(context.Background(), st, testkit.Config(t, testConfig))
		if err != nil {
			t.Fatal(err)
		}
		october := eachScopeAsOracle(t, st, c, digest.Month{Year: 2026, Month: time.October})
		var all []*digest.Report
		for _, r := range october {
			all = append(all, r)
		}
		if err := c.SaveFigures(context.Background(), time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), all); err != nil {
			t.Fatal(err)
		}
		november := eachScopeAsOracle(t, st, c, digest.Month{Year: 2026, Month: time.November})
		var lists, trends int
		for _, r := range november {
			if r.Refresher.Data != nil && len(r.Refresher.Data.FurthestBehind) == 10 && r.Terms.Data != nil && len(r.Terms.Data.List) > 0 {
				lists++
			}
			if r.Trend.Data != nil && r.Trend.Data.PreviousMonth != nil {
				trends++
			}
		}
		if len(november) < 10 || lists < 2 || trends != len(november) {
			t.Errorf("%d scopes, %d with full lists, %d with last month's figures", len(november), lists, trends)
		}
	})
}

// TestEachScopeSectionFails: a query that fails marks its section failed in
// every scope; the other sections are computed as usual.
func TestEachScopeSectionFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		for _, q := range []string{"DROP TABLE delivery_items", "DROP TABLE deliveries", "DROP TABLE evaluations"} {
			if _, err := st.ExecSQL(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		err := c.EachScope(context.Background(), october, func(r *digest.Report, _ *digest.UnitHead) error {
			n++
			if r.Deliveries.Status != digest.StatusError || r.Evaluation.Status != digest.StatusError || r.Evaluation.Error == "" {
				t.Errorf("%s: deliveries %+v, evaluation %+v", r.Scope.Code, r.Deliveries, r.Evaluation)
			}
			if r.Workforce.Status == digest.StatusError || r.Trend.Status == digest.StatusError || r.DataQuality.Status == digest.StatusError {
				t.Errorf("%s: workforce %+v, trend %+v, data %+v", r.Scope.Code, r.Workforce, r.Trend, r.DataQuality)
			}
			return nil
		})
		if err != nil || n != 5 {
			t.Errorf("%d scopes, %v", n, err)
		}
	})
}
