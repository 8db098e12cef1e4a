package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/tickler-dev/tickler/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d\n%s", resp.StatusCode, b)
	}
	return string(b)
}

// TestMetricsScrapeCleanly: the exposition passes the client library's linter
// and carries what the daemon reported and what the database holds.
func TestMetricsScrapeCleanly(t *testing.T) {
	done := time.Date(2025, 6, 10, 0, 0, 5, 0, time.UTC)
	m := metrics.New(func(ctx context.Context) (metrics.Stored, error) {
		return metrics.Stored{
			Outbox:      map[string]int{"pending": 3, "retry": 2, "sent": 40, "failed": 1},
			LastSuccess: map[string]time.Time{"course-reminders": done},
		}, nil
	}, nil)
	m.JobsKnown([]string{"course-reminders", "monthly-digest"})
	m.JobRun("course-reminders", "done", 90*time.Second, done)
	m.SlotsMissed("course-reminders", "late", 2)
	m.Delivered("sent", 20*time.Millisecond)
	m.Delivered("retry", time.Second)
	m.ConfigLoaded(true, done)
	m.ConfigLoaded(false, done.Add(time.Hour))
	m.DatabaseUp(true)

	text := scrape(t, m)
	problems, err := promlint.New(strings.NewReader(text)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	for _, want := range []string{
		`tickler_job_runs_total{job="course-reminders",result="done"} 1`,
		`tickler_job_runs_total{job="monthly-digest",result="failed"} 0`,
		`tickler_job_missed_slots_total{job="course-reminders",reason="late"} 2`,
		`tickler_job_start_lag_seconds_bucket{job="course-reminders",le="60"} 0`,
		`tickler_job_start_lag_seconds_bucket{job="course-reminders",le="300"} 1`,
		`tickler_job_last_success_timestamp_seconds{job="course-reminders"} 1.749513605e+09`,
		`tickler_delivery_attempts_total{result="sent"} 1`,
		`tickler_delivery_attempts_total{result="retry"} 1`,
		`tickler_delivery_send_duration_seconds_count 2`,
		`tickler_outbox_deliveries{state="failed"} 1`,
		`tickler_outbox_depth 5`,
		`tickler_config_last_reload_successful 0`,
		`tickler_config_last_reload_success_timestamp_seconds 1.749513605e+09`,
		`tickler_config_reloads_total{result="failure"} 1`,
		`tickler_database_up 1`,
		`tickler_scheduler_database_up 1`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestMetricsWithTheDatabaseDown: the scrape still succeeds, says the
// database is down and leaves out the stored figures instead of showing zeros.
func TestMetricsWithTheDatabaseDown(t *testing.T) {
	m := metrics.New(func(ctx context.Context) (metrics.Stored, error) {
		return metrics.Stored{}, errors.New("connection refused")
	}, nil)
	text := scrape(t, m)
	if !strings.Contains(text, "tickler_database_up 0") {
		t.Error("tickler_database_up 0 missing")
	}
	if strings.Contains(text, "tickler_outbox_depth") {
		t.Error("outbox depth shown while the database is down")
	}
}
