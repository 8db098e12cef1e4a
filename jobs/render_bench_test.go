package jobs_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
)

// BenchmarkRenderAtSend measures what a deliverer spends on each message
// planned to be rendered when it is sent (most of them): the row's
// payload read back into notices, the templates, the calendar attachment
// and the MIME form, as plan.AtSend.Render makes them for the deliverer.
// The messages are a real run's, on a generated agency of
// TICKLER_BENCH_STAFF people (default 20,000) placed around 26/11/2026,
// planned into SQLite as the daemon plans them; one op is one message,
// the run's messages taken in turn:
//
//	go test ./jobs -run '^$' -bench RenderAtSend -benchmem -count 5
func BenchmarkRenderAtSend(b *testing.B) {
	ctx := context.Background()
	st := benchAgency(b, store.SQLite)
	tmpl, err := jobs.Templates("")
	if err != nil {
		b.Fatal(err)
	}
	cfg := testkit.Config(b, baseConfig)
	for _, c := range []struct {
		job  jobs.Job
		date string
	}{
		{jobs.CourseReminders{}, "2026-11-26"},
		{jobs.Reappointments{}, "2026-11-26"},
	} {
		b.Run(c.job.Name(), func(b *testing.B) {
			if _, err := st.ExecSQL(ctx, "DELETE FROM delivery_items"); err != nil {
				b.Fatal(err)
			}
			for _, table := range []string{"delivery_payloads", "render_sets", "deliveries"} {
				if _, err := st.ExecSQL(ctx, "DELETE FROM "+table); err != nil {
					b.Fatal(err)
				}
			}
			runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now}
			if _, err := runner.Execute(ctx, cfg, c.job, at(c.date), false); err != nil {
				b.Fatal(err)
			}
			var ids []int64
			if err := st.SelectSQL(ctx, &ids, "SELECT id FROM deliveries WHERE payload_key IS NOT NULL ORDER BY id"); err != nil {
				b.Fatal(err)
			}
			if len(ids) == 0 {
				b.Fatal("no message of the run is rendered at send")
			}
			var rows []store.Claimed
			for _, id := range ids {
				r, err := st.Delivery(ctx, strconv.FormatInt(id, 10))
				if err != nil {
					b.Fatal(err)
				}
				rows = append(rows, r)
			}
			render := &plan.AtSend{Store: st}
			var bytes int
			i := 0
			for b.Loop() {
				m, err := deliver.MessageOf(rows[i%len(rows)])
				if err != nil {
					b.Fatal(err)
				}
				if _, err := render.Render(ctx, m); err != nil {
					b.Fatal(err)
				}
				bytes += len(m.Wire)
				i++
			}
			b.ReportMetric(float64(bytes)/float64(i), "bytes/msg")
			b.ReportMetric(float64(len(rows)), "messages")
		})
	}
}
