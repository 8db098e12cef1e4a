package config_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/config"
)

// A reload keeps the last good configuration when the file is wrong, takes a
// good one, tells the subscribers either way, and says which changes wait
// for a restart.
func TestReloader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tickler.yaml")
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("language: vi\n")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	r := config.NewReloader(path, cfg, slog.New(slog.NewTextHandler(&log, nil)))
	var told []bool
	r.Subscribe(func(ok bool) { told = append(told, ok) })

	write("language: klingon\n")
	if err := r.Reload(); err == nil || !strings.Contains(err.Error(), "language") {
		t.Errorf("a bad file: %v, want an error naming the key", err)
	}
	if r.Current() != cfg {
		t.Error("a bad file replaced the configuration in force")
	}
	write("language: en\nhttp: {listen: \"127.0.0.1:9999\"}\n")
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	if r.Current().Language != "en" {
		t.Errorf("language %q after a good reload", r.Current().Language)
	}
	if len(told) != 2 || told[0] || !told[1] {
		t.Errorf("subscribers told %v, want [false true]", told)
	}
	if !strings.Contains(log.String(), "key=http.listen") || strings.Contains(log.String(), "key=database") {
		t.Errorf("the restart keys logged:\n%s", log.String())
	}
}
