package digest

import (
	"strings"
	"testing"
)

// BenchmarkReportText: one full report's text, through the reference
// template and through the Go writer. (The tests comparing the two are with
// the HTML's, in html_test.go.)
func BenchmarkReportText(b *testing.B) {
	r := fullHTMLReport(0)
	b.Run("template", func(b *testing.B) {
		for b.Loop() {
			referenceText(b, r, "vi")
		}
	})
	b.Run("go", func(b *testing.B) {
		var s strings.Builder
		for b.Loop() {
			s.Reset()
			writeReportText(&s, r, "vi")
		}
	})
}
