// Package testkit builds what tests of jobs, notify and the digest need: a
// configuration from a YAML snippet, and records imported from CSV text
// through the real importer, so fixtures are written in the import format a
// user would write.
package testkit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
)

// Config parses yaml (defaults filled) or fails the test.
func Config(t testing.TB, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return cfg
}

// Import writes files (name → CSV text; leading tabs and blank lines are
// trimmed so fixtures can be indented) to a temporary folder and imports them.
func Import(t testing.TB, st *store.Store, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			l = strings.TrimSpace(l)
			if l != "" {
				lines = append(lines, l)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
		t.Fatalf("import fixture: %v", err)
	}
}

// Log collects what several writers write at once (two schedulers' loggers,
// a process's stderr): each Write is whole, and String can be read meanwhile.
type Log struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
