package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tickler digest on the example agency: the figures in each format, a unit's
// scope, the SQL it ran, and usage errors.
func TestDigestCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
timezone: Asia/Ho_Chi_Minh
language: en
database: {driver: sqlite, dsn: `+filepath.Join(dir, "t.db")+`}
mail: {from: "Organisation Board <tochuc@example.vn>"}
`)
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}

	code, out, stderr := tickler(t, "-config", cfg, "digest", "-month", "2026-10", "-format", "json", "-sql", filepath.Join(dir, "digest.sql"))
	if code != 0 {
		t.Fatalf("digest: %d %s", code, stderr)
	}
	var r struct {
		Version   int    `json:"version"`
		Month     string `json:"month"`
		Workforce struct {
			Status string `json:"status"`
			Data   struct {
				Headcount int `json:"headcount"`
			} `json:"data"`
		} `json:"workforce"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// examples/agency has 30 people, none of whom left.
	if r.Version != 1 || r.Month != "2026-10" || r.Workforce.Status != "ok" || r.Workforce.Data.Headcount != 30 {
		t.Errorf("json: %+v", r)
	}
	sql, err := os.ReadFile(filepath.Join(dir, "digest.sql"))
	if err != nil || !strings.Contains(string(sql), "'2026-10-31'") || strings.Contains(string(sql), "?") {
		t.Errorf("the SQL written has no values filled in:\n%.400s", sql)
	}

	code, out, _ = tickler(t, "-config", cfg, "digest", "-month", "2026-10", "-unit", "U002")
	if code != 0 || !strings.Contains(out, "Unit: Văn phòng (U002)") || !strings.Contains(out, "1. WORKFORCE") {
		t.Errorf("text of a unit (%d):\n%s", code, out)
	}

	page := filepath.Join(dir, "digest.html")
	if code, _, stderr := tickler(t, "-config", cfg, "digest", "-month", "2026-10", "-format", "html", "-out", page); code != 0 {
		t.Fatalf("html: %s", stderr)
	}
	html, _ := os.ReadFile(page)
	if !strings.Contains(string(html), `<img src="data:image/png;base64,`) || strings.Contains(string(html), "cid:") {
		t.Error("the page does not carry its charts")
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-unit", "NOPE"}, `unknown unit "NOPE"`},
		{[]string{"-format", "xml"}, "-format must be text, json or html"},
		{[]string{"-month", "10/2026"}, "is not a month"},
	} {
		code, _, stderr := tickler(t, append([]string{"-config", cfg, "digest"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, stderr)
		}
	}
}
