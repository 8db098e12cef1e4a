package jobs_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// BenchmarkNotices measures each job's Notices (the queries and the items,
// not the outbox) on a generated sample agency of TICKLER_BENCH_STAFF people
// (default 20,000) placed around 26/11/2026, on SQLite and, when
// TICKLER_TEST_POSTGRES is set, PostgreSQL:
//
//	TICKLER_BENCH_STAFF=100000 go test ./jobs -run '^$' -bench Notices -benchtime 3x
func BenchmarkNotices(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			st := benchAgency(b, d)
			// Statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE
			// (SQLite) would have gathered them on a live database.
			if _, err := st.ExecSQL(context.Background(), "ANALYZE"); err != nil {
				b.Fatal(err)
			}
			env := &jobs.Env{Store: st, Config: testkit.Config(b, baseConfig)}
			for _, c := range []struct {
				job  jobs.Job
				date string
			}{
				{jobs.CourseReminders{}, "2026-11-30"},
				{jobs.Reappointments{}, "2026-11-30"},
				{jobs.RefresherHours{}, "2026-11-01"},
				{jobs.PlanningReview{}, "2026-11-30"},
				{jobs.EvaluationSeason{}, "2026-12-01"},
			} {
				b.Run(c.job.Name(), func(b *testing.B) {
					var n int
					for b.Loop() {
						n = 0
						err := c.job.Notices(context.Background(), env, at(c.date), func(notify.Notice) error {
							n++
							return nil
						})
						if err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(n), "notices")
				})
			}
		})
	}
}

// benchAgency is a store of dialect d holding a generated sample agency of
// TICKLER_BENCH_STAFF people (default 20,000) placed around 26/11/2026.
func benchAgency(b *testing.B, d store.Dialect) *store.Store {
	b.Helper()
	staff := 20000
	if s := os.Getenv("TICKLER_BENCH_STAFF"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("TICKLER_BENCH_STAFF: %v", err)
		}
		staff = n
	}
	st := storetest.New(b, d)
	dir := b.TempDir()
	if _, err := sample.Generate(dir, sample.Options{Staff: staff, At: civil.MustParse("2026-11-26"), Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
		b.Fatal(err)
	}
	return st
}
