package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// A second `serve` on the same SQLite file is refused with a message naming
// the file and the process holding it; the first keeps running.
func TestSecondServeOnOneSQLiteFileIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "tickler.db")
	path := writeConfig(t, dir, daemonConfig("sqlite", db, filepath.Join(dir, "outbox"), "0 7 * * *", "12h"))
	first := startDaemon(t, "first", dir, path)
	first.waitLog(10*time.Second, "tickler started")

	second := startDaemon(t, "second", dir, path)
	select {
	case <-second.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("the second serve is still running")
	}
	var ee *exec.ExitError
	if !errors.As(second.err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("second serve: %v, want exit status 1", second.err)
	}
	msg := second.log()
	for _, want := range []string{db, "already served", "pid " + strconv.Itoa(first.cmd.Process.Pid), "PostgreSQL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not say %q", msg, want)
		}
	}
	if !first.running() {
		t.Fatal("the first serve stopped")
	}
	first.stop(5 * time.Second)
	// Once the first has stopped, the file can be served again.
	third := startDaemon(t, "third", dir, path)
	third.waitLog(10*time.Second, "tickler started")
	third.stop(5 * time.Second)
}

// SIGHUP with a broken config is rejected with its errors and the last good
// config stays in force (the daemon keeps running and serving); a good one is
// taken, and a changed schedule shows at once.
func TestSIGHUPWithABrokenConfigKeepsTheOldOne(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tickler.db")
	outbox := filepath.Join(dir, "outbox")
	good := daemonConfig("sqlite", db, outbox, "0 7 * * *", "12h")
	path := writeConfig(t, dir, good)
	d := startDaemon(t, "serve", dir, path)
	d.waitStatus("/readyz", 200, 10*time.Second)

	broken := strings.Replace(good, `schedule: "0 7 * * *"`, `schedule: "0 25 * * *"`, 1) + "  no-such-job: {}\n"
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	l := d.waitLog(10*time.Second, "reload rejected")
	for _, want := range []string{"jobs.course-reminders.schedule", "no-such-job"} {
		if !strings.Contains(l, want) {
			t.Errorf("rejection %q does not name %s", l, want)
		}
	}
	if _, body := d.get("/metrics"); !strings.Contains(body, "tickler_config_last_reload_successful 0") {
		t.Error("/metrics does not show the failed reload")
	}
	if code, body := d.get("/"); code != 200 || !strings.Contains(body, "0 7 * * *") {
		t.Errorf("status page after a rejected reload: %d, schedule 0 7 * * * missing", code)
	}
	if !d.running() {
		t.Fatal("the daemon stopped on a broken config")
	}

	changed := strings.Replace(good, `schedule: "0 7 * * *"`, `schedule: "30 6 * * 1-5"`, 1)
	if err := os.WriteFile(path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitLog(10*time.Second, "configuration reloaded")
	if _, body := d.get("/metrics"); !strings.Contains(body, "tickler_config_last_reload_successful 1") ||
		!strings.Contains(body, `tickler_config_reloads_total{result="failure"} 1`) {
		t.Error("/metrics does not show the reloads")
	}
	if _, body := d.get("/"); !strings.Contains(body, "30 6 * * 1-5") {
		t.Error("status page does not show the new schedule")
	}
	d.stop(5 * time.Second)
}

// The HTTP endpoints on a daemon that ran its job: /healthz, /readyz, a
// /metrics that passes the client library's linter, and a status page and
// `tickler status` that show the job's last run and the outbox, and no secret.
func TestHTTPEndpointsAndStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tickler.db")
	outbox := filepath.Join(dir, "outbox")
	cfg := daemonConfig("sqlite", db, outbox, "0 7 * * *", "1d")
	path := writeConfig(t, dir, cfg)
	importSample(t, path, 60)
	d := startDaemon(t, "serve", dir, path)
	d.waitLog(30*time.Second, "job ran", "job=course-reminders")
	waitFor(t, "the outbox is worked off", 30*time.Second, func() bool {
		_, body := d.get("/metrics")
		return strings.Contains(body, "tickler_outbox_depth 0") && strings.Contains(body, `tickler_delivery_attempts_total{result="sent"}`)
	})

	if code, body := d.get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, _ := d.get("/readyz"); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	code, metrics := d.get("/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	problems, err := promlint.New(strings.NewReader(metrics)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	for _, want := range []string{
		`tickler_job_runs_total{job="course-reminders",result="done"} 1`,
		`tickler_job_last_success_timestamp_seconds{job="course-reminders"}`,
		`tickler_job_start_lag_seconds_count{job="course-reminders"} 1`,
		`tickler_outbox_deliveries{state="sent"}`,
		`tickler_delivery_send_duration_seconds_count`,
		`tickler_config_last_reload_successful 1`,
		`tickler_database_up 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	code, page := d.get("/")
	if code != 200 {
		t.Fatalf("/: %d", code)
	}
	for _, want := range []string{"<table>", "course-reminders", "0 7 * * *", "Asia/Ho_Chi_Minh", "done", "Next run", "Sent", "No failed or stuck deliveries."} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	for _, secret := range []string{db, "dsn", "password"} {
		if strings.Contains(page, secret) {
			t.Errorf("status page shows %q", secret)
		}
	}
	if os.Getenv("TICKLER_KEEP_STATUS_PAGE") != "" {
		os.WriteFile(os.Getenv("TICKLER_KEEP_STATUS_PAGE"), []byte(page), 0o644)
	}

	code, out, errs := tickler(t, "-config", path, "status")
	if code != 0 {
		t.Fatalf("status: %s", errs)
	}
	for _, want := range []string{"course-reminders", "0 7 * * *", "done", "outbox: 0 pending", "no failed or stuck deliveries"} {
		if !strings.Contains(out, want) {
			t.Errorf("tickler status lacks %q:\n%s", want, out)
		}
	}
	d.stop(5 * time.Second)
}

// check -from shows the daylight-saving days as the scheduler runs them.
func TestCheckShowsDSTDays(t *testing.T) {
	dir := t.TempDir()
	cfg := strings.Replace(daemonConfig("sqlite", filepath.Join(dir, "t.db"), filepath.Join(dir, "outbox"), "30 2 * * *", "12h"),
		"    catchup_window: 12h\n", "    catchup_window: 12h\n    timezone: America/New_York\n", 1)
	path := writeConfig(t, dir, cfg)
	tests := []struct {
		from string
		want []string
	}{
		// 9 March 2025: 02:30 does not exist; the run is at 03:00 EDT.
		{"2025-03-08", []string{"2025-03-08 02:30 -05:00", "2025-03-09 03:00 -04:00 EDT  (the scheduled time does not exist that day", "2025-03-10 02:30 -04:00"}},
		// 2 November 2025: 02:30 happens once (after the repeated hour).
		{"2025-11-01", []string{"2025-11-01 02:30 -04:00", "2025-11-02 02:30 -05:00", "2025-11-03 02:30 -05:00"}},
	}
	for _, tt := range tests {
		code, out, errs := tickler(t, "-config", path, "check", "-from", tt.from)
		if code != 0 {
			t.Fatalf("check: %s", errs)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("check -from %s lacks %q:\n%s", tt.from, w, out)
			}
		}
	}
}

// SIGTERM during a run: no new work is taken, the run in flight finishes and
// is recorded, and the process exits 0 within seconds.
func TestSIGTERMFinishesTheRunInFlight(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tickler.db")
	path := writeConfig(t, dir, daemonConfig("sqlite", db, filepath.Join(dir, "outbox"), "0 7 * * *", "1d"))
	importSample(t, path, 40)
	d := startDaemon(t, "serve", dir, path, testHooks{JobDelay: 2 * time.Second})
	d.waitLog(15*time.Second, "job started", "job=course-reminders")
	d.stop(8 * time.Second)
	if d.count("job ran", "job=course-reminders") != 1 {
		t.Error("the run in flight did not finish before exit")
	}
	st := openDB(t, "sqlite", db)
	var state string
	if err := st.GetSQL(context.Background(), &state, "SELECT state FROM job_runs WHERE job = 'course-reminders'"); err != nil || state != "done" {
		t.Errorf("job_runs state %q (%v), want done", state, err)
	}
	if !strings.Contains(d.log(), "stopped") {
		t.Error("no 'stopped' line")
	}
}

// A hand run of the slot the daemon is running at that moment says so in one
// line, names the process, plans nothing and exits 1 (it used to print the
// outbox's raw unique-key refusal).
func TestHandRunOfARunningSlot(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tickler.db")
	path := writeConfig(t, dir, daemonConfig("sqlite", db, filepath.Join(dir, "outbox"), "0 7 * * *", "1d"))
	importSample(t, path, 40)
	gate := filepath.Join(dir, "go-on")
	d := startDaemon(t, "serve", dir, path, testHooks{JobGate: gate})
	line := d.waitLog(15*time.Second, "job started", "job=course-reminders")
	m := regexp.MustCompile(`slot=(\d{4}-\d\d-\d\dT\d\d:\d\d)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no slot in %q", line)
	}
	code, out, errs := tickler(t, "-config", path, "run", "course-reminders", "-at", m[1])
	if code != 1 {
		t.Errorf("exit %d, want 1; stdout %q", code, out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 1 || !strings.Contains(errs, "is being run right now by tickler serve (pid ") || strings.Contains(errs, "duplicate") {
		t.Errorf("stderr %q, want one line naming the daemon", errs)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d.waitLog(15*time.Second, "job ran", "job=course-reminders")
	d.stop(8 * time.Second)
	st := openDB(t, "sqlite", db)
	var manual int
	if err := st.GetSQL(context.Background(), &manual, "SELECT count(*) FROM job_runs WHERE state = 'manual'"); err != nil || manual != 0 {
		t.Errorf("%d manual runs recorded (%v), want none", manual, err)
	}
}
