package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lostLine is the warning for HR's data-to-fix items when no hr list is
// defined (packaging/docker.yaml before it had one).
const lostLine = `jobs.course-reminders.data_to: list "hr" is not defined under recipients: data-to-fix items of this job reach nobody`

// check says that the configuration is valid, and which of what the jobs
// send reaches nobody.
func TestCheckWarnsOfLostRecipients(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "mail: {transport: outbox, outbox_dir: "+filepath.Join(dir, "outbox")+"}\nhttp: {listen: off}\n")
	code, out, stderr := tickler(t, "-config", path, "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "warning: " + path + ": " + lostLine + "\n"; !strings.Contains(out, want) {
		t.Errorf("check does not print\n%s\n%s", want, out)
	}
}

// serve logs the same warnings at start and after each reload.
func TestServeLogsWarnings(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig("sqlite", filepath.Join(dir, "t.db"), filepath.Join(dir, "outbox"), "0 7 * * *", "12h")
	cfg = strings.Replace(cfg, "  hr: [tochuc@example.vn]\n", "", 1)
	path := writeConfig(t, dir, cfg)
	d := startDaemon(t, "serve", dir, path)
	logged := strings.ReplaceAll(lostLine, `"`, `\"`) // slog's text quotes the value
	d.waitLog(10*time.Second, "level=WARN", logged)
	d.waitStatus("/readyz", 200, 10*time.Second) // SIGHUP is handled by now
	if err := os.WriteFile(path, []byte(cfg+"    steps_days: [14]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitLog(10*time.Second, "configuration reloaded")
	deadline := time.Now().Add(5 * time.Second)
	for d.count("level=WARN", logged) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the warning is not logged again after the reload:\n%s", d.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	d.stop(10 * time.Second)
}
