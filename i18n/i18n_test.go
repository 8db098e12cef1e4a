package i18n

import (
	"strings"
	"testing"
)

func TestT(t *testing.T) {
	for _, c := range []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"vi", "jobs.pl_left", []any{"01/02/2026"}, "đã thôi công tác tại cơ quan từ ngày 01/02/2026, đề nghị đưa ra khỏi quy hoạch"},
		{"en", "jobs.pl_left", []any{"2026-02-01"}, "no longer on staff since 2026-02-01: remove from the planning"},
		// A language the catalog has not: English.
		{"fr", "status.never", nil, "none"},
		// No arguments: the text as written, a %% and all.
		{"vi", "jobs.share_note", nil, catalog[VI]["jobs.share_note"]},
		// A key the catalog has not shows itself.
		{"vi", "status.no_such_key", nil, "status.no_such_key"},
	} {
		if got := T(c.lang, c.key, c.args...); got != c.want {
			t.Errorf("T(%s, %s) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	if _, ok := Lookup("vi", "jobs.who_person"); ok {
		t.Error("Lookup found a key the catalog has not")
	}
}

func TestArea(t *testing.T) {
	if got := Area("vi", "status")["never"]; got != "không có" {
		t.Errorf(`Area("vi", "status")["never"] = %q`, got)
	}
	if got := Area("fr", "web")["title"]; got != "Tell the office" {
		t.Errorf(`Area("fr", "web")["title"] = %q, want English`, got)
	}
	for _, lang := range Languages {
		n := 0
		for k := range catalog[lang] {
			if strings.HasPrefix(k, "status.") {
				n++
			}
		}
		if len(Area(lang, "status")) != n {
			t.Errorf("Area(%s, status) has %d texts, the catalog %d", lang, len(Area(lang, "status")), n)
		}
	}
}
