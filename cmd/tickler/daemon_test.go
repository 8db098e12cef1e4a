package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// daemon is a `tickler serve` process started by a test, its log kept.
type daemon struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	mu     sync.Mutex
	lines  []string
	exited chan struct{}
	err    error // Wait's result, after exited
}

// startDaemon starts `tickler -config path serve` in dir with extra
// environment variables.
func startDaemon(t *testing.T, name, dir, path string, hooks ...testHooks) *daemon {
	t.Helper()
	d := &daemon{t: t, name: name, exited: make(chan struct{})}
	d.cmd = exec.Command(binary, "-config", path, "serve")
	d.cmd.Dir = dir
	d.cmd.Env = os.Environ()
	if len(hooks) > 0 {
		// The daemon with hooks is the test binary itself (TestMain).
		b, err := json.Marshal(hooks[0])
		if err != nil {
			t.Fatal(err)
		}
		d.cmd.Path, d.cmd.Args[0] = os.Args[0], os.Args[0]
		d.cmd.Env = append(d.cmd.Env, envDaemon+"="+string(b))
	}
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	d.cmd.Stdout = io.Discard
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			d.mu.Lock()
			d.lines = append(d.lines, sc.Text())
			d.mu.Unlock()
		}
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.exited
		if t.Failed() {
			t.Logf("log of %s:\n%s", d.name, d.log())
		}
	})
	return d
}

func (d *daemon) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.lines, "\n")
}

// count is how many log lines contain every one of subs.
func (d *daemon) count(subs ...string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
line:
	for _, l := range d.lines {
		for _, s := range subs {
			if !strings.Contains(l, s) {
				continue line
			}
		}
		n++
	}
	return n
}

// waitLog waits for a log line containing every one of subs and returns it.
func (d *daemon) waitLog(timeout time.Duration, subs ...string) string {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		d.mu.Lock()
		for _, l := range d.lines {
			ok := true
			for _, s := range subs {
				ok = ok && strings.Contains(l, s)
			}
			if ok {
				d.mu.Unlock()
				return l
			}
		}
		d.mu.Unlock()
		select {
		case <-d.exited:
			d.t.Fatalf("%s exited (%v) before logging %q:\n%s", d.name, d.err, subs, d.log())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s logged no %q within %v:\n%s", d.name, subs, timeout, d.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var addrRE = regexp.MustCompile(`addr=(\S+)`)

// url returns the daemon's HTTP base URL, waiting for it to listen.
func (d *daemon) url() string {
	d.t.Helper()
	l := d.waitLog(10*time.Second, "http listening")
	return "http://" + addrRE.FindStringSubmatch(l)[1]
}

// get fetches path from the daemon's HTTP server.
func (d *daemon) get(path string) (int, string) {
	d.t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(d.url() + path)
	if err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitStatus polls path until it answers code.
func (d *daemon) waitStatus(path string, code int, timeout time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, body := d.get(path)
		if got == code {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s %s answers %d (%s), want %d within %v", d.name, path, got, strings.TrimSpace(body), code, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and checks a clean exit within limit.
func (d *daemon) stop(limit time.Duration) {
	d.t.Helper()
	start := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(limit):
		d.t.Fatalf("%s still running %v after SIGTERM", d.name, limit)
	}
	if d.err != nil {
		d.t.Errorf("%s exit after SIGTERM: %v", d.name, d.err)
	}
	d.t.Logf("%s stopped in %v", d.name, time.Since(start).Round(time.Millisecond))
}

func (d *daemon) running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return true
	}
}

// daemonConfig is a config for the binary tests: course-reminders only (the
// job this build has), .eml files in outbox, HTTP on a free port.
func daemonConfig(driver, dsn, outbox, schedule, window string) string {
	return fmt.Sprintf(`
timezone: Asia/Ho_Chi_Minh
calendar: {country: none} # the tests run on any day of the week
language: en
database:
  driver: %s
  dsn: %q
mail:
  transport: outbox
  outbox_dir: %q
  from: "Ban Tổ chức <tochuc@example.vn>"
  delivery:
    poll: 200ms
    lease: 10s
    timeout: 5s
recipients:
  hr: [tochuc@example.vn]
  leadership: [lanhdao@example.vn]
http:
  listen: 127.0.0.1:0
jobs:
  course-reminders:
    schedule: %q
    catchup_window: %s
`, driver, dsn, outbox, schedule, window)
}

// importSample fills the database of the config at path with a generated
// agency of n people around today.
func importSample(t *testing.T, path string, n int) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errs := tickler(t, "sample", "-staff", fmt.Sprint(n), "-out", dir, "-seed", "7"); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
	if code, _, errs := tickler(t, "-config", path, "import", dir); code != 0 {
		t.Fatalf("import: %s", errs)
	}
}

// openDB opens the database a test's daemons use.
func openDB(t *testing.T, driver, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitFor polls cond (a question to the database or the file system, asked
// of external processes) until it holds.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// emlFiles lists the messages written to the outbox folder, leaving out
// the hidden temporary files of messages being written (Glob's "*" matches
// a leading dot).
func emlFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	out := files[:0]
	for _, f := range files {
		if !strings.HasPrefix(filepath.Base(f), ".") {
			out = append(out, f)
		}
	}
	return out
}

// messageIDs reads the Message-ID of each .eml file.
func messageIDs(t *testing.T, files []string) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^Message-ID: (<[^>]+>)`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s has no Message-ID", f)
		}
		ids[string(m[1])]++
	}
	return ids
}
