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
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/notify"
)

//go:embed templates
var templateFiles embed.FS

// Renderer draws digests as text and as an HTML page or e-mail with charts.
// It is also the notify.Renderer of the monthly-digest job's messages.
type Renderer struct {
	html *htmltemplate.Template
	text *texttemplate.Template
}

// NewRenderer parses the digest's templates.
func NewRenderer() (*Renderer, error) {
	// The functions are bound per report at execution (see funcs); these
	// placeholders let the templates parse.
	stub := funcs(&Report{}, "en", nil, nil)
	h, err := htmltemplate.New("digest").Funcs(stub).ParseFS(templateFiles, "templates/digest.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("digest html template: %w", err)
	}
	t, err := texttemplate.New("digest").Funcs(stub).ParseFS(templateFiles, "templates/digest.txt.tmpl")
	if err != nil {
		return nil, fmt.Errorf("digest text template: %w", err)
	}
	return &Renderer{html: h, text: t}, nil
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
}

// keyFigure is one of the cards at the top of a digest.
type keyFigure struct {
	Value   string
	Label   string
	Changes []change
}

type change struct{ Text, Color string }

// funcs are the template functions for report r in lang; charts and chartErrs
// are the report's drawn charts and the ones that failed, by name.
func funcs(r *Report, lang string, charts map[string]*Chart, chartErrs map[string]string) map[string]any {
	src := func(c *Chart) htmltemplate.URL { return htmltemplate.URL("cid:" + c.Name) }
	return map[string]any{
		"t":   func(key string) string { return label(lang, key) },
		"tf":  func(key string, a ...any) string { return fmt.Sprintf(label(lang, key), a...) },
		"pct": func(p Percent) string { return p.Format(lang) },
		"int": func(n any) string {
			switch v := n.(type) {
			case int64:
				return formatInt(v, lang)
			case int:
				return formatInt(int64(v), lang)
			}
			return fmt.Sprint(n)
		},
		"num":        func(f float64) string { return formatFloat(f, lang) },
		"date":       func(d civil.Date) string { return d.Format(lang) },
		"month":      func() string { return MonthOfString(r.Month).Format(lang) },
		"monthName":  func(m string) string { return MonthOfString(m).Format(lang) },
		"scopeLine":  func() string { return scopeLine(r, lang) },
		"keyFigures": func() []keyFigure { return keyFigures(r, lang) },
		"rank":       func(c string) string { return codeLabel(codes.Rank, c, lang) },
		"education":  func(c string) string { return codeLabel(codes.Education, c, lang) },
		"theory":     func(c string) string { return codeLabel(codes.PoliticalTheory, c, lang) },
		"rating":     func(c string) string { return codeLabel(codes.Rating, c, lang) },
		"kind":       func(cat, level string) string { return kindLabel(cat, level, lang) },
		"caseName":   func(c string) string { return label(lang, "case_"+c) },
		"problem":    func(k string) string { return label(lang, "problem_"+k) },
		"problems": func(ks []string) string {
			out := make([]string, len(ks))
			for i, k := range ks {
				out[i] = label(lang, "problem_"+k)
			}
			return strings.Join(out, "; ")
		},
		"stateColor": func(s string) string {
			if s == TargetBehind {
				return "#c0392b"
			}
			return "#2f855a"
		},
		"yearAgoRanks": func() bool { return r.Trend.OK() && r.Trend.Data.YearAgoRanks != nil },
		"yearAgoRank": func(i int) string {
			if !r.Trend.OK() || i >= len(r.Trend.Data.YearAgoRanks) {
				return ""
			}
			s := r.Trend.Data.YearAgoRanks[i]
			return formatInt(s.Count, lang) + " (" + s.Percent.Format(lang) + ")"
		},
		"chart":      func(name string) *Chart { return charts[name] },
		"chartError": func(name string) string { return chartErrs[name] },
		"src":        src,
		"upper":      strings.ToUpper,
		"pad": func(s string, n int) string {
			return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
		},
		"lpad": func(s string, n int) string {
			return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
		},
	}
}

func scopeLine(r *Report, lang string) string {
	if r.Scope.Kind == ScopeAgency {
		s := label(lang, "scope_agency")
		if r.Scope.Name != "" {
			s += ": " + r.Scope.Name
		}
		return s
	}
	s := label(lang, "scope_unit") + ": " + r.Scope.Name + " (" + r.Scope.Code + ")"
	if r.Scope.Units > 1 {
		s += ", " + fmt.Sprintf(label(lang, "units_included"), r.Scope.Units)
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
		}{{trend.PreviousMonth, "vs_previous"}, {trend.YearAgo, "vs_year_ago"}} {
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
			out = append(out, change{txt + " " + label(lang, c.key), color})
		}
		return out
	}
	hc, sh, cp, it := keyFigure{Value: dash}, keyFigure{Value: dash}, keyFigure{Value: dash}, keyFigure{Value: dash}
	hc.Label, sh.Label = label(lang, "headcount"), label(lang, "intellectual_share")
	cp.Label, it.Label = label(lang, "completed_month"), label(lang, "in_training_now")
	if w := r.Workforce.Data; w != nil && r.Workforce.Status != StatusError {
		hc.Value, sh.Value = formatInt(w.Headcount, lang), w.IntellectualShare.Format(lang)
		hc.Changes = changes(func(c *Change) string { return signedInt(c.Headcount, lang) })
		sh.Changes = changes(func(c *Change) string {
			return signed(int64(c.IntellectualShare), Percent(abs(int64(c.IntellectualShare))).Number(lang)) + " " + pointsWord(lang)
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

func pointsWord(lang string) string {
	if lang == "vi" {
		return "điểm phần trăm"
	}
	return "pts"
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
// kept), the plan targets' progress and the 12-month trend. A chart that cannot
// be drawn is reported by name in errs; the digest shows a line instead.
func Charts(r *Report, lang string) (charts []*Chart, errs map[string]string) {
	errs = map[string]string{}
	draw := func(name string, ok bool, f func() (*Chart, error)) {
		if !ok {
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
		t, err := rd.text.Clone()
		if err != nil {
			return "", err
		}
		t.Funcs(funcs(r, p.Lang, nil, nil))
		if err := t.ExecuteTemplate(&b, "report", r); err != nil {
			return "", fmt.Errorf("digest text: %w", err)
		}
	}
	if p.Letter {
		b.WriteString("\n" + fmt.Sprintf(label(p.Lang, "footer"), p.Office) + "\n\n" + label(p.Lang, "regards") + "\n" + p.Office + "\n")
	}
	return b.String(), nil
}

func greeting(p Page) string {
	if p.To != "" {
		return fmt.Sprintf(label(p.Lang, "greeting_named"), p.To)
	}
	return label(p.Lang, "greeting")
}

func intro(reports []*Report, p Page) string {
	month := ""
	if len(reports) > 0 {
		month = MonthOfString(reports[0].Month).Format(p.Lang)
	}
	return fmt.Sprintf(label(p.Lang, "intro"), p.Office, month)
}

// HTML draws reports as one HTML page framed by p, with inline styles and
// tables only (what mail clients show). Charts are drawn and referenced through
// src; each chart's Name is made unique across the reports ("ranks-1").
func (rd *Renderer) HTML(reports []*Report, p Page, src func(*Chart) string) (string, []*Chart, error) {
	var bodies []htmltemplate.HTML
	var all []*Chart
	for i, r := range reports {
		charts, errs := Charts(r, p.Lang)
		byName := map[string]*Chart{}
		for _, c := range charts {
			byName[c.Name] = c
			c.Name = fmt.Sprintf("%s-%d", c.Name, i+1)
			all = append(all, c)
		}
		t, err := rd.html.Clone()
		if err != nil {
			return "", nil, err
		}
		fm := funcs(r, p.Lang, byName, errs)
		fm["src"] = func(c *Chart) htmltemplate.URL { return htmltemplate.URL(src(c)) }
		t.Funcs(fm)
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "report", r); err != nil {
			return "", nil, fmt.Errorf("digest html: %w", err)
		}
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
		page.Footer, page.Regards = fmt.Sprintf(label(p.Lang, "footer"), p.Office), label(p.Lang, "regards")
	}
	t, err := rd.html.Clone() // rd.html itself is never executed, so it can be cloned
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "page", page); err != nil {
		return "", nil, fmt.Errorf("digest html: %w", err)
	}
	return b.String(), all, nil
}

// DataURI is a src for a standalone page: the chart itself, base64-encoded.
func DataURI(c *Chart) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG)
}

// contentID is the Content-ID of a chart in a digest e-mail.
func contentID(c *Chart) string { return c.Name + "@digest.tickler" }

func subject(reports []*Report, lang string) string {
	if len(reports) == 0 {
		return label(lang, "title")
	}
	r := reports[0]
	name := r.Scope.Name
	if r.Scope.Kind == ScopeAgency && name == "" {
		name = label(lang, "scope_agency")
	}
	return fmt.Sprintf(label(lang, "subject"), MonthOfString(r.Month).Format(lang), name)
}

// Bundle is what the monthly-digest job hands to the renderer for one
// recipient: every digest they get this month (the agency's, their units').
type Bundle struct {
	Reports []*Report
}

// Render implements notify.Renderer for the monthly-digest job: one message
// with the digests whose items are still to send to v.To, the charts attached
// inline by Content-ID.
func (rd *Renderer) Render(v *notify.View) (notify.Content, error) {
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
	p := Page{Lang: v.Lang, Office: v.Office, To: v.To.Name, Letter: true}
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
