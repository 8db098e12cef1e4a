package digest_test

import (
	"bytes"
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

// TestReportHTMLFixtures: the HTML report section and the text written in Go are the
// template's, byte for byte (digest.CompareReportHTML, html_test.go), for
// every report the fixtures compute: each scope of the hand-made agency in
// September, October (with the figures of earlier months kept) and November,
// with self-reported answers, with failed sections, and each scope of a
// generated agency of 300 people.
func TestReportHTMLFixtures(t *testing.T) {
	ctx := context.Background()
	var reports, renderings, size int
	check := func(t *testing.T, name string, r *digest.Report) {
		t.Helper()
		n, b := digest.CompareReportHTML(t, name, r)
		reports, renderings, size = reports+1, renderings+n, size+b
	}
	eachScope := func(t *testing.T, c *digest.Computer, m digest.Month) []*digest.Report {
		t.Helper()
		var all []*digest.Report
		err := c.EachScope(ctx, m, func(r *digest.Report, _ *digest.UnitHead) error {
			check(t, fmt.Sprintf("%s, scope %q", m, r.Scope.Key()), r)
			all = append(all, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return all
	}

	t.Run("hand-made", func(t *testing.T) {
		r, st := october2026(t)
		check(t, "october2026", r)
		cfg := testkit.Config(t, testConfig)
		c, err := digest.NewComputer(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []digest.Month{october.Add(-1), october, october.Add(1)} {
			eachScope(t, c, m)
		}
		// Answers through the reminders' links: two pending, one rejected.
		var rows []struct {
			ID    int64  `db:"id"`
			Staff string `db:"staff_code"`
		}
		if err := st.SelectSQL(ctx, &rows, "SELECT id, staff_code FROM training WHERE staff_code IN ('P05', 'P12', 'P13')"); err != nil {
			t.Fatal(err)
		}
		hanoi := cfg.Location
		for i, row := range rows {
			at := time.Date(2026, 10, 5+i, 9, 0, 0, 0, hanoi)
			saved, _, err := st.SaveAnswer(ctx, store.Answer{Subject: "training", RefID: row.ID, StaffCode: row.Staff,
				Choice: []string{"registered", "done", "not_applicable"}[i%3], StartsOn: civil.MustParse("2026-12-01")},
				store.Actor{Who: "self", At: at})
			if err != nil {
				t.Fatal(err)
			}
			if row.Staff == "P13" {
				if _, err := st.RejectAnswer(ctx, saved.ID, "", store.Actor{Who: "hr", At: at}); err != nil {
					t.Fatal(err)
				}
			}
		}
		r, err = c.Compute(ctx, october, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.SelfReported == nil || r.SelfReported.Data == nil || len(r.SelfReported.Data.List) != 2 {
			t.Fatalf("no self-reported answers listed: %+v", r.SelfReported)
		}
		check(t, "october2026 with answers", r)
	})

	t.Run("failed sections", func(t *testing.T) {
		st := storetest.New(t, store.SQLite)
		_, c := setup(t, st)
		for _, q := range []string{"DROP TABLE delivery_items", "DROP TABLE deliveries", "DROP TABLE evaluations"} {
			if _, err := st.ExecSQL(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		eachScope(t, c, october)
	})

	t.Run("sample", func(t *testing.T) {
		_, c := sampleAgency(t)
		all := eachScope(t, c, october)
		if err := c.SaveFigures(ctx, time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), all); err != nil {
			t.Fatal(err)
		}
		eachScope(t, c, october.Add(1))
	})
	t.Logf("%d fixture reports, %d renderings, %d bytes: identical", reports, renderings, size)
}

// sampleAgency is a generated agency of 300 people (sample.Generate, seed 7),
// as TestEachScopeSample imports it.
func sampleAgency(tb testing.TB) (*store.Store, *digest.Computer) {
	tb.Helper()
	st := storetest.New(tb, store.SQLite)
	dir := tb.TempDir()
	if _, err := sample.Generate(dir, sample.Options{Staff: 300, At: civil.MustParse("2026-11-26"), Seed: 7}); err != nil {
		tb.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
		tb.Fatal(err)
	}
	c, err := digest.NewComputer(context.Background(), st, testkit.Config(tb, testConfig))
	if err != nil {
		tb.Fatal(err)
	}
	return st, c
}

// BenchmarkReportHTML writes the HTML report section of the generated
// agency's November digest (October's figures kept: its trend and changes),
// in Vietnamese with its charts, through the templates and in Go.
func BenchmarkReportHTML(b *testing.B) {
	ctx := context.Background()
	_, c := sampleAgency(b)
	oct, err := c.Compute(ctx, october, "")
	if err != nil {
		b.Fatal(err)
	}
	if err := c.SaveFigures(ctx, time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), []*digest.Report{oct}); err != nil {
		b.Fatal(err)
	}
	r, err := c.Compute(ctx, october.Add(1), "")
	if err != nil {
		b.Fatal(err)
	}
	template, writer := digest.ReportHTMLWays(b, r, "vi")
	for _, way := range []struct {
		name  string
		write func(*bytes.Buffer)
	}{{"template", template}, {"go", writer}} {
		b.Run(way.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				way.write(&buf)
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
