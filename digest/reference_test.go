package digest

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/i18n"
)

// The reference: the templates a report's HTML and text were drawn with
// before html.go and text.go wrote them in Go. The tests render reports both
// ways and require the same bytes, so a change to the layout is made in both.

//go:embed testdata/reference
var referenceFiles embed.FS

// reference executes the templates; one report at a time, since their
// functions read the report being drawn from st.
type reference struct {
	mu   sync.Mutex
	st   *renderState
	html *htmltemplate.Template
	text *texttemplate.Template
}

var referenceTemplates = sync.OnceValues(func() (*reference, error) {
	ref := &reference{st: &renderState{}}
	fm := funcs(ref.st)
	var err error
	ref.html, err = htmltemplate.New("digest").Funcs(fm).ParseFS(referenceFiles, "testdata/reference/*.html.tmpl")
	if err != nil {
		return nil, err
	}
	ref.text, err = texttemplate.New("digest").Funcs(fm).ParseFS(referenceFiles, "testdata/reference/*.txt.tmpl")
	return ref, err
})

// referenceRender runs execute with the reference templates' functions
// reading st, and returns what it wrote.
func referenceRender(tb testing.TB, st renderState, execute func(ref *reference, b *strings.Builder) error) string {
	tb.Helper()
	ref, err := referenceTemplates()
	if err != nil {
		tb.Fatal(err)
	}
	ref.mu.Lock()
	defer ref.mu.Unlock()
	*ref.st = st
	var b strings.Builder
	if err := execute(ref, &b); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// referenceHTML is the report section of r's HTML as the reference template
// writes it.
func referenceHTML(tb testing.TB, st renderState, r *Report) string {
	tb.Helper()
	return referenceRender(tb, st, func(ref *reference, b *strings.Builder) error { return ref.html.ExecuteTemplate(b, "report", r) })
}

// referenceText is r's text as the reference template writes it.
func referenceText(tb testing.TB, r *Report, lang string) string {
	tb.Helper()
	return referenceRender(tb, renderState{r: r, lang: lang}, func(ref *reference, b *strings.Builder) error {
		return ref.text.ExecuteTemplate(b, "report", r)
	})
}

// funcs are the template functions, which read the report, its language and
// its charts (drawn, failed by name) from st at each call.
func funcs(st *renderState) map[string]any {
	return map[string]any{
		"t":   func(key string) string { return i18n.T(st.lang, key) },
		"tf":  func(key string, a ...any) string { return i18n.T(st.lang, key, a...) },
		"pct": func(p Percent) string { return p.Format(st.lang) },
		// shareOfAll is the share of a distribution's total: 100% unless
		// nobody is counted.
		"shareOfAll": func(n int64) Percent {
			if n > 0 {
				return 10000
			}
			return 0
		},
		"int": func(n any) string {
			switch v := n.(type) {
			case int64:
				return formatInt(v, st.lang)
			case int:
				return formatInt(int64(v), st.lang)
			}
			return fmt.Sprint(n)
		},
		"num":        func(f float64) string { return formatFloat(f, st.lang) },
		"date":       func(d civil.Date) string { return d.Format(st.lang) },
		"month":      func() string { return MonthOfString(st.r.Month).Format(st.lang) },
		"monthName":  func(m string) string { return MonthOfString(m).Format(st.lang) },
		"scopeLine":  func() string { return scopeLine(st.r, st.lang) },
		"keyFigures": func() []keyFigure { return keyFigures(st.r, st.lang) },
		"rank":       func(c string) string { return i18n.Coded(codes.Rank, c, st.lang) },
		"education":  func(c string) string { return i18n.Coded(codes.Education, c, st.lang) },
		"theory":     func(c string) string { return i18n.Coded(codes.PoliticalTheory, c, st.lang) },
		"rating":     func(c string) string { return i18n.Coded(codes.Rating, c, st.lang) },
		"kind":       func(cat, level string) string { return kindLabel(cat, level, st.lang) },
		"caseName":   func(c string) string { return i18n.T(st.lang, "digest.case_"+c) },
		"problem":    func(k string) string { return i18n.T(st.lang, "digest.problem_"+k) },
		"problems":   func(ks []string) string { return problemList(ks, st.lang) },
		"stateColor": func(s string) string {
			if s == TargetBehind {
				return "#c0392b"
			}
			return "#2f855a"
		},
		"yearAgoRanks":  func() bool { return st.r.Trend.OK() && st.r.Trend.Data.YearAgoRanks != nil },
		"yearAgoRank":   func(i int) string { return yearAgoRank(st.r, i, st.lang) },
		"chart":         func(name string) *Chart { return st.charts[name] },
		"chartError":    func(name string) string { return st.chartErrs[name] },
		"chartsOmitted": func() string { return st.omitted },
		"src": func(c *Chart) htmltemplate.URL {
			if st.src == nil {
				return htmltemplate.URL("cid:" + c.Name)
			}
			return htmltemplate.URL(st.src(c))
		},
		"upper": strings.ToUpper,
		"pad":   pad,
		"lpad":  lpad,
	}
}
