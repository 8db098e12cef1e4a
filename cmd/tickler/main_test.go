package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary is the tickler built once for the tests that start the real process.
var binary string

// envDaemon names the variable that makes the test binary run tickler
// with test hooks (startDaemon): the daemon's tests that need a short tick,
// short leases or a run held mid-way start this binary, not the product's,
// which has no such hooks.
const envDaemon = "TICKLER_DAEMON_UNDER_TEST"

// testHooks set a daemon's serveOptions from a test.
type testHooks struct {
	Tick, Lease time.Duration
	JobDelay    time.Duration // a run waits this long once claimed
	JobGate     string        // then, until this file exists
}

func (h testHooks) options() serveOptions {
	o := serveOptions{Tick: h.Tick, Lease: h.Lease}
	if h.JobDelay > 0 || h.JobGate != "" {
		o.Hold = func(ctx context.Context, _ string) error {
			select {
			case <-time.After(h.JobDelay):
			case <-ctx.Done():
				return ctx.Err()
			}
			for h.JobGate != "" {
				if _, err := os.Stat(h.JobGate); err == nil {
					return nil
				}
				select {
				case <-time.After(20 * time.Millisecond):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}
	}
	return o
}

func TestMain(m *testing.M) {
	if h := os.Getenv(envDaemon); h != "" {
		var hooks testHooks
		if err := json.Unmarshal([]byte(h), &hooks); err != nil {
			panic(err)
		}
		os.Exit(runMain(os.Args[1:], hooks.options()))
	}
	dir, err := os.MkdirTemp("", "tickler-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tickler")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build tickler: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// tickler runs the command in-process and returns its exit code, stdout and stderr.
func tickler(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeConfig writes a config file into dir and returns its path.
func writeConfig(t *testing.T, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "tickler.yaml")
	if err := os.WriteFile(p, []byte(strings.TrimLeft(text, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
