package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's run command: serve on the demo config writes the sample's
// reminders as .eml files, keeps running, and exits 0 on SIGTERM.
// The demo's cold start, three times over from an empty folder: the first
// .eml within a few seconds, no ERROR in the log (jobs sharing the first
// slots used to lock SQLite up until its busy timeout), and a clean stop.
func TestServeDemoWritesEMLAndStopsOnSIGTERM(t *testing.T) {
	for i := range 3 {
		t.Run(fmt.Sprint("start ", i+1), testServeDemo)
	}
}

func testServeDemo(t *testing.T) {
	dir := t.TempDir()
	demo, err := os.ReadFile("../../examples/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.ReplaceAll(string(demo), "127.0.0.1:8080", "127.0.0.1:0")
	path := writeConfig(t, dir, cfg)
	cmd := exec.Command(binary, "-config", path, "serve")
	cmd.Dir = dir // demo-data/ is relative to the working directory
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	// Wait for the log line saying course-reminders ran, then for its files.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log []string
	deadline := time.After(30 * time.Second)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("tickler exited early:\n%s", strings.Join(log, "\n"))
			}
			log = append(log, l)
			if strings.Contains(l, "job ran") && strings.Contains(l, "job=course-reminders") {
				break wait
			}
		case <-deadline:
			t.Fatalf("no course-reminders run within 30s:\n%s", strings.Join(log, "\n"))
		}
	}
	outbox := filepath.Join(dir, "demo-data", "outbox")
	var files []string
	for range 100 {
		files = emlFiles(t, outbox)
		if len(files) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(files) == 0 {
		t.Fatalf("no .eml in %s:\n%s", outbox, strings.Join(log, "\n"))
	}
	// A sample of 120 people is planned in well under a second; ten leaves
	// room for a busy machine, and is less than the 15 s a locked-up SQLite
	// made the first run wait.
	if took := time.Since(started); took > 10*time.Second {
		t.Errorf("the first .eml came %v after the start", took.Round(time.Millisecond))
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", files[0], info.Mode().Perm())
	}
	eml, _ := os.ReadFile(files[0])
	for _, want := range []string{"Auto-Submitted: auto-generated", "Message-ID: <", "Content-Type: text/html", "Content-Type: text/plain"} {
		if !strings.Contains(string(eml), want) {
			t.Errorf("%s lacks %q", files[0], want)
		}
	}
	// Still running after the first run.
	time.Sleep(300 * time.Millisecond)
	if cmd.ProcessState != nil {
		t.Fatal("tickler stopped by itself")
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest := make(chan []string)
	go func() {
		var more []string
		for l := range lines {
			more = append(more, l)
		}
		rest <- more
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	log = append(log, <-rest...)
	for _, l := range log {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, "SQLITE_BUSY") {
			t.Errorf("the log of a cold start has an error:\n%s", strings.Join(log, "\n"))
			break
		}
	}
	if took := time.Since(start); took > 12*time.Second { // a run in flight may finish first (up to 10s)
		t.Errorf("took %v to stop", took)
	}
}
