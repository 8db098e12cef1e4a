package status

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/i18n"
)

//go:embed templates/status.html
var pageFiles embed.FS

var page = template.Must(template.New("status.html").Funcs(template.FuncMap{
	"when": func(t time.Time, loc *time.Location) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	},
	"clock": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04:05") },
	// choice names an answer's choice (done, registered, not_applicable).
	"choice": func(lang, c string) string { return i18n.T(lang, "answers.choice_"+c) },
}).ParseFS(pageFiles, "templates/status.html"))

// StyleSource is the Content-Security-Policy source that allows the page's
// one inline style sheet and nothing else: its SHA-256 hash, taken from the
// page as the template writes it (the style sheet has no template actions,
// so it is the same on every page).
var StyleSource = func() string {
	var b bytes.Buffer
	if err := (&Report{Zone: time.UTC}).WriteHTML(&b, "en"); err != nil {
		panic("status: the page does not render: " + err.Error())
	}
	_, css, _ := strings.Cut(b.String(), "<style>")
	css, _, ok := strings.Cut(css, "</style>")
	if !ok {
		panic("status: the page has no <style> element")
	}
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// WriteHTML writes the report as a plain HTML page in lang (vi or en), in
// the words of package i18n ("status.…", the template's .L).
func (r *Report) WriteHTML(w io.Writer, lang string) error {
	return page.Execute(w, struct {
		*Report
		L    map[string]string
		Lang string
	}{r, i18n.Area(lang, "status"), lang})
}
