package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the tickler built once for the tests that start the real process.
var binary string

func TestMain(m *testing.M) {
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
