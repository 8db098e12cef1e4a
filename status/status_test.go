package status_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

const cfgYAML = `
timezone: America/New_York
mail: {from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
database: {driver: postgres, dsn: "postgres://tickler:s3cret@db/tickler"}
calendar: {country: none}
jobs:
  course-reminders: {schedule: "30 2 * * *"}
`

// The report shows each job's last scheduled run (not a manual one), its next
// run with the DST note, the outbox counts and failed deliveries, in text and
// HTML, and never the DSN's password.
func TestGather(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testkit.Config(t, cfgYAML)
		ny := cfg.Location
		slot := time.Date(2025, 3, 8, 2, 30, 0, 0, ny)
		ctx := context.Background()
		mustExec(t, st, `INSERT INTO job_runs (job, slot, state, owner, started_at, finished_at, items, messages)
			VALUES ('course-reminders', ?, 'done', 'h:1', ?, ?, 7, 3)`, store.T(slot), store.T(slot), store.T(slot.Add(time.Second)))
		mustExec(t, st, `INSERT INTO job_runs (job, slot, state, owner, started_at, items)
			VALUES ('course-reminders', ?, 'manual', 'h:2', ?, 99)`, store.T(slot.AddDate(0, 1, 0)), store.T(slot))
		now := time.Date(2025, 3, 8, 12, 0, 0, 0, ny)
		r, err := status.Gather(ctx, st, cfg, now, func(n string) bool { return n == "course-reminders" })
		if err != nil {
			t.Fatal(err)
		}
		j := r.Jobs[0]
		if j.Name != "course-reminders" || j.Items != 7 || j.Messages != 3 || j.LastState != "done" {
			t.Errorf("job %+v", j)
		}
		// 9 March 2025: 02:30 does not exist in New York; the run is at 03:00.
		if got := j.NextText(); !strings.HasPrefix(got, "2025-03-09 03:00 -04:00 (moved") {
			t.Errorf("next %q", got)
		}
		var text, html bytes.Buffer
		r.WriteText(&text)
		if err := r.WriteHTML(&html, "vi"); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": text.String(), "html": html.String()} {
			for _, want := range []string{"course-reminders", "30 2 * * *", "2025-03-08 02:30"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s lacks %q", name, want)
				}
			}
			if strings.Contains(out, "s3cret") {
				t.Errorf("%s shows the database password", name)
			}
		}
		if !strings.Contains(html.String(), "hoàn thành") || !strings.Contains(html.String(), "dời do đổi giờ mùa hè") {
			t.Errorf("html is not in Vietnamese:\n%s", html.String())
		}
	})
}

// With no database the report still lists the jobs from the configuration.
func TestGatherWithoutDatabase(t *testing.T) {
	cfg := testkit.Config(t, cfgYAML)
	r, err := status.Gather(context.Background(), nil, cfg, time.Now(), nil)
	if err == nil || r == nil || len(r.Jobs) == 0 || r.DBError == "" {
		t.Fatalf("Gather without a database: %v, %+v", err, r)
	}
	var html bytes.Buffer
	if err := r.WriteHTML(&html, "en"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "cannot be reached") || !strings.Contains(html.String(), "course-reminders") {
		t.Error("page without a database lacks the notice or the jobs")
	}
}

func mustExec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.ExecSQL(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// A job on working days: on a Saturday its next run is Monday's, and the
// report says which days off it stands for and why, in text and HTML.
func TestGatherDaysOff(t *testing.T) {
	cfg := testkit.Config(t, "timezone: Asia/Ho_Chi_Minh\nlanguage: en\njobs:\n  course-reminders: {schedule: \"0 7 * * *\"}\n")
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, cfg.Location)                                                            // Saturday
	r, _ := status.Gather(context.Background(), nil, cfg, now, func(n string) bool { return n == "course-reminders" }) // no database: the schedule alone
	j := r.Jobs[0]
	if got, want := j.NextText(), "2026-12-07 07:00 +07:00 (days off before it: Sat 12-05 Saturday Sun 12-06 Sunday)"; got != want {
		t.Errorf("next %q, want %q", got, want)
	}
	var html strings.Builder
	if err := r.WriteHTML(&html, "en"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "in place of days off: 05/12 (Saturday) 06/12 (Sunday)") {
		t.Errorf("the page does not say why:\n%s", html.String())
	}
}
