package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/internal/smtptest"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// smtpConfig is a config that only delivers: every job is off, SMTP goes to
// the test server in clear text.
func smtpConfig(driver, dsn string, port int, extra string) string {
	jobs := ""
	for _, j := range []string{"course-reminders", "refresher-hours", "reappointments", "planning-review",
		"evaluation-season", "monthly-digest", "delivery-failures"} {
		jobs += fmt.Sprintf("  %s: {enabled: false}\n", j)
	}
	return fmt.Sprintf(`
timezone: Asia/Ho_Chi_Minh
calendar: {country: none} # the tests run on any day of the week
database: {driver: %s, dsn: %q}
mail:
  transport: smtp
  from: "Ban Tổ chức <tochuc@example.vn>"
  smtp:
    host: 127.0.0.1
    port: %d
    tls: none
%s
recipients: {hr: [tochuc@example.vn]}
http: {listen: "off"}
jobs:
%s`, driver, dsn, port, extra, jobs)
}

func startServe(t *testing.T, dir, config string) (*exec.Cmd, *testkit.Log) {
	t.Helper()
	path := writeConfig(t, dir, config)
	cmd := exec.Command(binary, "-config", path, "serve")
	cmd.Dir = dir
	logs := &testkit.Log{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, logs
}

// waitFor polls cond (the state of another process) until it holds or the
// deadline passes.
func waitForLogged(t *testing.T, within time.Duration, what string, cond func() bool, logs *testkit.Log) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; log:\n%s", what, within, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The crash test: a few thousand messages planned, tickler serve killed with
// SIGKILL in the middle of delivering them, started again. At the SMTP
// server, every planned message arrived; the only ones that arrived twice
// are those the server had accepted but tickler had not yet recorded as sent
// when it died (in flight).
func TestKillDuringDeliveryLosesNothing(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { testKillDuringDelivery(t, d) })
	}
}

func testKillDuringDelivery(t *testing.T, d store.Dialect) {
	const n = 3000
	driver, dsn := storetest.DSN(t, d)
	st, err := store.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := notifytest.Plan(t, st, n, time.Now().Add(-time.Minute))

	killAt := make(chan struct{})
	var once sync.Once
	sink := smtptest.Start(t, smtptest.Options{OnAccept: func(accepted int) {
		if accepted >= n/3 {
			once.Do(func() { close(killAt) })
		}
	}})
	dir := t.TempDir()
	// A short lease, so that the rows the dead process held are taken over
	// quickly; a rate that makes the batch last a few seconds.
	config := smtpConfig(driver, dsn, sink.Port, `  delivery:
    workers: 4
    batch_size: 100
    lease: 3s
    timeout: 2s
    poll: 200ms
    rate_per_second: 1500`)
	first, logs := startServe(t, dir, config)
	select {
	case <-killAt:
	case <-time.After(60 * time.Second):
		t.Fatalf("the SMTP server got %d messages in 60s; log:\n%s", sink.Accepted(), logs)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	if !sink.WaitIdle(5 * time.Second) {
		t.Fatal("the dead process's connections stayed open")
	}
	atKill := sink.Copies()
	var sentAtKill []string
	if err := st.SelectSQL(context.Background(), &sentAtKill, "SELECT message_id FROM deliveries WHERE state = 'sent'"); err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, id := range sentAtKill {
		recorded[id] = true
	}
	inFlight := 0 // accepted by the server, not recorded by tickler
	for id := range atKill {
		if !recorded[id] {
			inFlight++
		}
	}
	if len(atKill) >= n {
		t.Fatalf("everything arrived before the kill (%d): the test proves nothing", len(atKill))
	}

	second, logs2 := startServe(t, dir, config)
	waitForLogged(t, 60*time.Second, "every message sent", func() bool {
		var left int
		st.GetSQL(context.Background(), &left, "SELECT count(*) FROM deliveries WHERE state <> 'sent'")
		return left == 0
	}, logs2)
	second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v; log:\n%s", err, logs2)
	}

	copies := sink.Copies()
	var lost, twice []string
	for _, id := range ids {
		switch c := copies[id]; {
		case c == 0:
			lost = append(lost, id)
		case c > 1:
			twice = append(twice, id)
			if recorded[id] {
				t.Errorf("%s was recorded as sent before the kill, and sent again", id)
			}
		}
	}
	t.Logf("%s: %d planned; at the kill %d accepted by the server, %d recorded as sent, %d in flight; after the restart %d arrived, %d of them twice",
		d, n, len(atKill), len(sentAtKill), inFlight, len(copies), len(twice))
	if len(lost) > 0 {
		t.Errorf("%d planned messages never arrived: %v", len(lost), lost[:min(5, len(lost))])
	}
	if len(twice) > inFlight {
		t.Errorf("%d arrived twice, more than the %d in flight at the kill", len(twice), inFlight)
	}
	if len(copies) != n {
		t.Errorf("the server got %d distinct messages, want %d", len(copies), n)
	}
}

// A wrong SMTP password: the deliveries fail with a reason that says what to
// fix, seen in the log and in tickler status, and the password is in neither.
func TestSMTPSecretNeverInLogsOrStatus(t *testing.T) {
	const secret = "Mk-bí-mật-7Q2"
	driver, dsn := storetest.DSN(t, store.SQLite)
	st, err := store.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	notifytest.Plan(t, st, 3, time.Now().Add(-time.Minute))
	sink := smtptest.Start(t, smtptest.Options{Users: map[string]string{"tickler": "the-right-one"}})
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	os.WriteFile(pwFile, []byte(secret+"\n"), 0o600)
	config := smtpConfig(driver, dsn, sink.Port, `    username: tickler
    password_file: `+pwFile+`
  delivery:
    max_attempts: 1
    poll: 200ms`)
	cmd, logs := startServe(t, dir, config)
	waitForLogged(t, 30*time.Second, "the deliveries failed", func() bool {
		var failed int
		st.GetSQL(context.Background(), &failed, "SELECT count(*) FROM deliveries WHERE state = 'failed'")
		return failed == 3
	}, logs)
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	code, out, errOut := tickler(t, "-config", filepath.Join(dir, "tickler.yaml"), "status")
	if code != 0 {
		t.Fatalf("status exited %d: %s", code, errOut)
	}
	if !strings.Contains(logs.String(), `refused: 535 5.7.8 Authentication failed (check mail.smtp.username and mail.smtp.password)`) {
		t.Errorf("the log does not say why:\n%s", logs)
	}
	if !strings.Contains(out, "0 sent, 3 failed") || !strings.Contains(out, `login as "tickler" refused`) {
		t.Errorf("status does not show the failures:\n%s", out)
	}
	for what, text := range map[string]string{"log": logs.String(), "status": out + errOut} {
		if strings.Contains(text, secret) {
			t.Errorf("the password is in the %s:\n%s", what, text)
		}
	}
}
