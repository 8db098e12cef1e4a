package digest

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
)

//go:embed templates
var templateFiles embed.FS

// Renderer draws digests as text and as an HTML page or e-mail with charts.
// It is also the message.Renderer of the monthly-digest job's messages. It is
// safe for concurrent use.
//
// A report is written by Go code (html.go, text.go), not by a template: a
// month's digests are one message per unit, sixty thousand at a province's
// scale, and the templates' reflection cost about a millisecond of CPU a
// report, most of the planning's CPU. The templates the code was written
// from are kept in testdata/reference, and the tests compare both, byte for
// byte. Only the HTML page's frame is a template.
type Renderer struct {
	page *htmltemplate.Template

	// chartsMu guards targetCharts: the plan-progress chart shows the agency's
	// targets, the same in every digest of a month, so it is drawn once.
	chartsMu     sync.Mutex
	targetCharts map[string]*Chart
}

// NewRenderer parses the page's template.
func NewRenderer() (*Renderer, error) {
	h, err := htmltemplate.New("digest").ParseFS(templateFiles, "templates/page.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("digest html template: %w", err)
	}
	return &Renderer{page: h}, nil
}

// renderState is what the HTML of one report is drawn with: its charts
// (drawn, failed by name), their src, and why it has none.
type renderState struct {
	r         *Report // the report, for the reference templates' functions (tests)
	lang      string
	charts    map[string]*Chart
	chartErrs map[string]string
	src       func(*Chart) string
	omitted   string // why the report has no charts, when it has none
}

// JSON writes the report in its documented shape (docs/digest.md), indented.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Page says how a page of digests is framed: who it is from and to, and
// whether it is a message (greeting, introduction and footer) or a bare page.
type Page struct {
	Lang   string
	Office string // the sender, from mail.from's display name
	To     string // the recipient's name, for the greeting ("" for a list)
	Letter bool   // frame the digests as a letter
	// ChartsMinStaff: a unit's digest with fewer people on staff has no
	// charts (its tables carry the same numbers); 0: every digest has them.
	// The agency's always has them.
	ChartsMinStaff int
}

// keyFigure is one of the cards at the top of a digest.
type keyFigure struct {
	Value   string
	Label   string
	Changes []change
}

type change struct{ Text, Color string }

func scopeLine(r *Report, lang string) string {
	if r.Scope.Kind == ScopeAgency {
		s := i18n.T(lang, "digest.scope_agency")
		if r.Scope.Name != "" {
			s += ": " + r.Scope.Name
		}
		return s
	}
	s := i18n.T(lang, "digest.scope_unit") + ": " + r.Scope.Name + " (" + r.Scope.Code + ")"
	if r.Scope.Units > 1 {
		s += ", " + i18n.T(lang, "digest.units_included", r.Scope.Units)
	}
	return s
}

// keyFigures are the four figures at the top, with their change against the
// previous month and a year earlier when those were kept.
func keyFigures(r *Report, lang string) []keyFigure {
	dash := "–"
	var trend *Trend
	if r.Trend.OK() {
		trend = r.Trend.Data
	}
	changes := func(f func(*Change) string) []change {
		var out []change
		if trend == nil {
			return nil
		}
		for _, c := range []struct {
			ch  *Change
			key string
		}{{trend.PreviousMonth, "digest.vs_previous"}, {trend.YearAgo, "digest.vs_year_ago"}} {
			if c.ch == nil {
				continue
			}
			txt := f(c.ch)
			color := "#52606d"
			if strings.HasPrefix(txt, "+") {
				color = "#2f855a"
			} else if strings.HasPrefix(txt, "−") {
				color = "#c0392b"
			}
			out = append(out, change{txt + " " + i18n.T(lang, c.key), color})
		}
		return out
	}
	hc, sh, cp, it := keyFigure{Value: dash}, keyFigure{Value: dash}, keyFigure{Value: dash}, keyFigure{Value: dash}
	hc.Label, sh.Label = i18n.T(lang, "digest.headcount"), i18n.T(lang, "digest.intellectual_share")
	cp.Label, it.Label = i18n.T(lang, "digest.completed_month"), i18n.T(lang, "digest.in_training_now")
	if w := r.Workforce.Data; w != nil && r.Workforce.Status != StatusError {
		hc.Value, sh.Value = formatInt(w.Headcount, lang), w.IntellectualShare.Format(lang)
		hc.Changes = changes(func(c *Change) string { return signedInt(c.Headcount, lang) })
		sh.Changes = changes(func(c *Change) string {
			return signed(int64(c.IntellectualShare), Percent(abs(int64(c.IntellectualShare))).Number(lang)) + " " + i18n.T(lang, "digest.points")
		})
	}
	if t := r.Training.Data; t != nil && r.Training.Status != StatusError {
		cp.Value = formatInt(t.Totals.Month.Completed, lang)
		cp.Changes = changes(func(c *Change) string { return signedInt(c.Completed, lang) })
	}
	if x := r.InTraining.Data; x != nil && r.InTraining.Status != StatusError {
		it.Value = formatInt(x.People, lang)
		it.Changes = changes(func(c *Change) string { return signedInt(c.InTraining, lang) })
	}
	return []keyFigure{hc, sh, cp, it}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// signed writes a change with its sign: "+3", "−1" (a true minus), "0".
func signed(n int64, text string) string {
	switch {
	case n > 0:
		return "+" + text
	case n < 0:
		return "−" + text
	}
	return "±" + text
}

func signedInt(n int64, lang string) string { return signed(n, formatInt(abs(n), lang)) }

// formatInt groups thousands: 1.000.000 in Vietnamese, 1,000,000 in English.
func formatInt(n int64, lang string) string {
	sep := ","
	if lang == "vi" {
		sep = "."
	}
	s := strconv.FormatInt(abs(n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteString("-")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatFloat writes hours and averages with at most one decimal.
func formatFloat(f float64, lang string) string {
	whole := int64(math.Trunc(f))
	tenth := int64(math.Round(math.Abs(f-float64(whole)) * 10))
	if tenth == 10 {
		whole, tenth = whole+1, 0
	}
	s := formatInt(whole, lang)
	if tenth != 0 {
		dec := "."
		if lang == "vi" {
			dec = ","
		}
		s += dec + strconv.FormatInt(tenth, 10)
	}
	return s
}

// Charts draws the charts of r: the rank distribution (with a year ago when
// kept), the plan targets' progress and the 12-month trend, but those named
// in skip. A chart that cannot be drawn is reported by name in errs; the
// digest shows a line instead.
func Charts(r *Report, lang string, skip ...string) (charts []*Chart, errs map[string]string) {
	errs = map[string]string{}
	draw := func(name string, ok bool, f func() (*Chart, error)) {
		if !ok || slices.Contains(skip, name) {
			return
		}
		defer func() {
			if v := recover(); v != nil {
				errs[name] = fmt.Sprint(v)
			}
		}()
		c, err := f()
		if err != nil {
			errs[name] = oneLine(err.Error())
			return
		}
		if c != nil {
			charts = append(charts, c)
		}
	}
	draw("ranks", r.Workforce.OK(), func() (*Chart, error) { return rankChart(r, lang) })
	draw("trend", r.Trend.OK(), func() (*Chart, error) { return trendChart(r, lang) })
	draw("targets", r.Targets.OK(), func() (*Chart, error) { return targetChart(r, lang) })
	return charts, errs
}

// charts draws r's charts as Charts does, the plan-progress chart once for
// all the digests whose targets are the same.
func (rd *Renderer) charts(r *Report, lang string) ([]*Chart, map[string]string) {
	var targets *Chart
	var key string
	if r.Targets.OK() {
		key = targetsKey(r, lang)
		rd.chartsMu.Lock()
		targets = rd.targetCharts[key]
		rd.chartsMu.Unlock()
	}
	if targets == nil {
		charts, errs := Charts(r, lang)
		for _, c := range charts {
			if c.Name == "targets" {
				rd.chartsMu.Lock()
				if rd.targetCharts == nil || len(rd.targetCharts) >= 8 { // a few months and languages at most
					rd.targetCharts = map[string]*Chart{}
				}
				rd.targetCharts[key] = c
				rd.chartsMu.Unlock()
			}
		}
		return charts, errs
	}
	charts, errs := Charts(r, lang, "targets")
	return append(charts, targets), errs
}

// targetsKey is what the plan-progress chart shows: the agency's targets,
// not the scope's part of them.
func targetsKey(r *Report, lang string) string {
	var b strings.Builder
	b.WriteString(lang)
	for _, g := range r.Targets.Data.Rows {
		fmt.Fprintf(&b, "|%s/%s/%s/%s/%s/%d/%d/%d/%d/%s", g.Plan, g.Category, g.Level, g.StartsOn, g.EndsOn,
			g.Target, g.Done, g.DonePercent, g.Elapsed, g.State)
	}
	return b.String()
}

// Text writes reports as plain text, framed by p.
func (rd *Renderer) Text(reports []*Report, p Page) (string, error) {
	var b strings.Builder
	if p.Letter {
		b.WriteString(greeting(p) + "\n\n" + intro(reports, p) + "\n\n")
	}
	for i, r := range reports {
		if i > 0 {
			b.WriteString("\n" + strings.Repeat("=", 60) + "\n\n")
		}
		writeReportText(&b, r, p.Lang)
	}
	if p.Letter {
		b.WriteString("\n" + i18n.T(p.Lang, "digest.footer", p.Office) + "\n\n" + i18n.T(p.Lang, "digest.regards") + "\n" + p.Office + "\n")
	}
	return b.String(), nil
}

func greeting(p Page) string {
	if p.To != "" {
		return i18n.T(p.Lang, "digest.greeting_named", p.To)
	}
	return i18n.T(p.Lang, "digest.greeting")
}

func intro(reports []*Report, p Page) string {
	month := ""
	if len(reports) > 0 {
		month = MonthOfString(reports[0].Month).Format(p.Lang)
	}
	return i18n.T(p.Lang, "digest.intro", p.Office, month)
}

// HTML draws reports as one HTML page framed by p, with inline styles and
// tables only (what mail clients show). Charts are drawn and referenced through
// src; each chart's Name is made unique across the reports ("ranks-1"). A
// unit's digest with fewer people on staff than p.ChartsMinStaff has no
// charts, and says so.
func (rd *Renderer) HTML(reports []*Report, p Page, src func(*Chart) string) (string, []*Chart, error) {
	var bodies []htmltemplate.HTML
	var all []*Chart
	for i, r := range reports {
		st := renderState{r: r, lang: p.Lang, src: src, charts: map[string]*Chart{}}
		if p.withCharts(r) {
			var charts []*Chart
			charts, st.chartErrs = rd.charts(r, p.Lang)
			for _, c := range charts {
				named := *c // a drawn chart may serve other digests: name a copy
				named.Name = fmt.Sprintf("%s-%d", c.Name, i+1)
				st.charts[c.Name] = &named
				all = append(all, &named)
			}
		} else {
			st.omitted = i18n.T(p.Lang, "digest.charts_omitted", p.ChartsMinStaff)
		}
		var b bytes.Buffer
		writeReportHTML(&b, &st, r)
		if i > 0 {
			bodies = append(bodies, `<hr style="border:0;border-top:1px solid #d9dde3;margin:28px 0;">`)
		}
		bodies = append(bodies, htmltemplate.HTML(b.String()))
	}
	page := struct {
		Lang, Office, Title, Greeting, Intro, Footer, Regards string
		Bodies                                                []htmltemplate.HTML
	}{Lang: p.Lang, Office: p.Office, Title: subject(reports, p.Lang), Bodies: bodies}
	if p.Letter {
		page.Greeting, page.Intro = greeting(p), intro(reports, p)
		page.Footer, page.Regards = i18n.T(p.Lang, "digest.footer", p.Office), i18n.T(p.Lang, "digest.regards")
	}
	var b bytes.Buffer
	if err := rd.page.ExecuteTemplate(&b, "page", page); err != nil {
		return "", nil, fmt.Errorf("digest html: %w", err)
	}
	return b.String(), all, nil
}

// withCharts reports whether r's digest is drawn with its charts: always the
// agency's; a unit's when it has at least ChartsMinStaff people on staff.
func (p Page) withCharts(r *Report) bool {
	if p.ChartsMinStaff <= 0 || r.Scope.Kind == ScopeAgency {
		return true
	}
	return r.Workforce.Data != nil && r.Workforce.Data.Headcount >= int64(p.ChartsMinStaff)
}

// DataURI is a src for a standalone page: the chart itself, base64-encoded.
func DataURI(c *Chart) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG)
}

// contentID is the Content-ID of a chart in a digest e-mail.
func contentID(c *Chart) string { return c.Name + "@digest.tickler" }

func subject(reports []*Report, lang string) string {
	if len(reports) == 0 {
		return i18n.T(lang, "digest.title")
	}
	r := reports[0]
	name := r.Scope.Name
	if r.Scope.Kind == ScopeAgency && name == "" {
		name = i18n.T(lang, "digest.scope_agency")
	}
	return i18n.T(lang, "digest.subject", MonthOfString(r.Month).Format(lang), name)
}

// Bundle is what the monthly-digest job hands to the renderer for one
// recipient: every digest they get this month (the agency's, their units').
type Bundle struct {
	Reports []*Report
	// ChartsMinStaff is the job's charts_min_staff (see Page).
	ChartsMinStaff int
}

// Render implements message.Renderer for the monthly-digest job: one message
// with the digests whose items are still to send to v.To, the charts attached
// inline by Content-ID.
func (rd *Renderer) Render(v *message.View) (notify.Content, error) {
	b, ok := v.Data.(*Bundle)
	if !ok || b == nil {
		return notify.Content{}, fmt.Errorf("monthly digest: no figures in the message data (%T)", v.Data)
	}
	want := map[string]bool{}
	for _, it := range v.Items {
		want[it.Ref] = true
	}
	var reports []*Report
	for _, r := range b.Reports {
		if want[r.Scope.Key()] {
			reports = append(reports, r)
		}
	}
	if len(reports) == 0 {
		return notify.Content{}, fmt.Errorf("monthly digest: no digest for %s", v.To.Email)
	}
	p := Page{Lang: v.Lang, Office: v.Office, To: v.To.Name, Letter: true, ChartsMinStaff: b.ChartsMinStaff}
	text, err := rd.Text(reports, p)
	if err != nil {
		return notify.Content{}, err
	}
	html, charts, err := rd.HTML(reports, p, func(c *Chart) string { return "cid:" + contentID(c) })
	if err != nil {
		return notify.Content{}, err
	}
	content := notify.Content{Subject: subject(reports, v.Lang), Text: text, HTML: html}
	for _, c := range charts {
		content.Attachments = append(content.Attachments, notify.Attachment{
			Filename: c.Name + ".png", ContentType: "image/png", ContentID: contentID(c), Data: c.PNG,
		})
	}
	return content, nil
}
