package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The files digest writes hold personnel data: readable by their owner only,
// like the .eml files, also when -out names a file that was there with a
// wider mode.
func TestDigestFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "database: {driver: sqlite, dsn: "+filepath.Join(dir, "t.db")+"}\nhttp: {listen: off}\n")
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	out, sql, old := filepath.Join(dir, "digest.txt"), filepath.Join(dir, "digest.sql"), filepath.Join(dir, "old.txt")
	if err := os.WriteFile(old, []byte("an older digest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(old, 0o644)
	for _, args := range [][]string{{"-out", out, "-sql", sql}, {"-out", old}} {
		if code, _, stderr := tickler(t, append([]string{"-config", cfg, "digest", "-month", "2026-10"}, args...)...); code != 0 {
			t.Fatalf("digest %v: %s", args, stderr)
		}
	}
	for _, f := range []string{out, sql, old} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 || fi.Size() < 100 {
			t.Errorf("%s: mode %v, %d bytes; want 0600 and the digest", filepath.Base(f), fi.Mode().Perm(), fi.Size())
		}
	}
}
