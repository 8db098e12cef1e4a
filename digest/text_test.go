package digest

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// referenceText renders r's text through the reference template.
func referenceText(t testing.TB, rd *Renderer, r *Report, lang string) string {
	t.Helper()
	bt, err := rd.take()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.give(bt)
	*bt.st = renderState{r: r, lang: lang}
	var b strings.Builder
	if err := bt.text.ExecuteTemplate(&b, "report", r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// firstDiff shows where two renderings part.
func firstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	ctx := func(s string) string { return s[max(0, i-120):min(len(s), i+120)] }
	return "at byte " + itoa(i) + "\n--- template:\n" + ctx(want) + "\n--- go:\n" + ctx(got)
}

func itoa(n int) string { return formatInt(int64(n), "") }

// TestTextMatchesTemplate: the Go writer writes each report's text byte for
// byte as the reference template does.
func TestTextMatchesTemplate(t *testing.T) {
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n, bytes := 0, 0
	for range 2000 {
		r := genReport(rng)
		for _, lang := range []string{"vi", "en"} {
			want := referenceText(t, rd, r, lang)
			var b strings.Builder
			if err := writeReportText(&b, r, lang); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != want {
				t.Fatalf("report %d (%s) differs %s", n, lang, firstDiff(want, got))
			}
			n++
			bytes += len(want)
		}
	}
	t.Logf("%d reports, %d bytes of text, identical", n, bytes)
}

// BenchmarkReportText: one full report's text, through the reference
// template and through the Go writer.
func BenchmarkReportText(b *testing.B) {
	rd, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var r *Report
	for r == nil || !r.Workforce.OK() || !r.Training.OK() || !r.Terms.OK() || !r.Due.OK() {
		r = genReport(rng)
	}
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			referenceText(b, rd, r, "vi")
		}
	})
	b.Run("go", func(b *testing.B) {
		var s strings.Builder
		for b.Loop() {
			s.Reset()
			if err := writeReportText(&s, r, "vi"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
