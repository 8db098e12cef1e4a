package digest

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/codes"
)

// writeReportHTML writes r's digest as the reference template "report" of
// testdata/reference/digest.html.tmpl does (with "self-reported" of
// answers.html.tmpl beside it and the helpers "th", "td", "chart" ...),
// byte for byte, escaping included, in plain Go: executing the template costs
// about a millisecond of CPU per digest in reflection and escaper calls. st
// is what the template functions would see: the language, the charts drawn
// (and those that failed) by name, the src of a chart, and why there are no
// charts. html_test.go renders many reports both ways and requires the same
// bytes; a change to one must be made to the other.
func writeReportHTML(b *bytes.Buffer, st *renderState, r *Report) {
	w := &htmlWriter{wording: wording{st.lang}, b: b, st: st, r: r}
	w.report(r)
}

// htmlWriter writes one report's HTML.
type htmlWriter struct {
	wording
	b  *bytes.Buffer
	st *renderState
	r  *Report
}

// The template's fixed markup.
const (
	htmlTable    = `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;margin:6px 0 14px 0;font-size:13px;">`
	htmlThOpen   = `<th align="left" style="background:#eef0f3;border:1px solid #d9dde3;padding:5px 7px;font-weight:bold;">`
	htmlThrOpen  = `<th align="right" style="background:#eef0f3;border:1px solid #d9dde3;padding:5px 7px;font-weight:bold;">`
	htmlTdOpen   = `<td style="border:1px solid #d9dde3;padding:5px 7px;vertical-align:top;">`
	htmlTdrOpen  = `<td align="right" style="border:1px solid #d9dde3;padding:5px 7px;vertical-align:top;white-space:nowrap;">`
	htmlH2Open   = `<h2 style="font-size:16px;margin:26px 0 8px 0;padding:0 0 4px 0;color:#8b1c1c;border-bottom:2px solid #8b1c1c;">`
	htmlH3Open   = `<h3 style="font-size:14px;margin:14px 0 4px 0;color:#1f2933;">`
	htmlPOpen    = `<p style="margin:0 0 8px 0;">`
	htmlErrOpen  = `<p style="margin:0 0 8px 0;color:#c0392b;">`
	htmlWarning  = htmlErrOpen + "&#9888; "
	htmlThGroup  = `<th colspan="3" style="background:#eef0f3;border:1px solid #d9dde3;padding:5px 7px;">`
	htmlTrBold   = `<tr style="font-weight:bold;">`
	htmlTdState  = `<td style="border:1px solid #d9dde3;padding:5px 7px;color:`
	htmlHalfOpen = `<td valign="top" width="50%" style="padding-`
)

func (w *htmlWriter) raw(s string) { w.b.WriteString(s) }

// text writes s where the template prints a string: escaped as html/template
// escapes text (see escapeHTML).
func (w *htmlWriter) text(s string) { escapeHTML(w.b, s) }

// cell writes s escaped between open and close, as the templates "td",
// "h2" ... do.
func (w *htmlWriter) cell(open, s, close string) {
	w.b.WriteString(open)
	escapeHTML(w.b, s)
	w.b.WriteString(close)
}

func (w *htmlWriter) th(s string)  { w.cell(htmlThOpen, s, "</th>") }
func (w *htmlWriter) thr(s string) { w.cell(htmlThrOpen, s, "</th>") }
func (w *htmlWriter) td(s string)  { w.cell(htmlTdOpen, s, "</td>") }
func (w *htmlWriter) tdr(s string) { w.cell(htmlTdrOpen, s, "</td>") }
func (w *htmlWriter) h2(s string)  { w.cell(htmlH2Open, s, "</h2>") }
func (w *htmlWriter) h3(s string)  { w.cell(htmlH3Open, s, "</h3>") }
func (w *htmlWriter) p(s string)   { w.cell(htmlPOpen, s, "</p>") }

// heading writes a section's title and, for a failed or empty section,
// the line that says so (the templates' h2 and "state" with the lines
// between them).
func (w *htmlWriter) heading(title, status, err string) {
	w.h2(title)
	w.raw("\n")
	w.state(status, err)
	w.raw("\n")
}

// state is the template "state": a line for a failed or empty section.
func (w *htmlWriter) state(status, err string) {
	switch status {
	case StatusError:
		w.cell(htmlWarning, w.tf("digest.error", err), "</p>")
	case StatusEmpty:
		w.cell(`<p style="margin:0 0 8px 0;color:#52606d;font-style:italic;">`, w.t("digest.empty"), "</p>")
	}
}

// chart is the template "chart": the image of the chart drawn under name,
// or a line saying it could not be drawn.
func (w *htmlWriter) chart(name string) {
	c := w.st.charts[name]
	if c == nil {
		if e := w.st.chartErrs[name]; e != "" {
			w.cell(htmlWarning, w.tf("digest.chart_failed", e), "</p>")
		}
		return
	}
	src := "cid:" + c.Name
	if w.st.src != nil {
		src = w.st.src(c)
	}
	// The escapers print an int with fmt.Sprint, which strconv.Itoa equals.
	width, height := strconv.Itoa(c.Width), strconv.Itoa(c.Height)
	w.raw(`<p style="margin:8px 0 10px 0;"><img src="`)
	// src is an htmltemplate.URL: urlFilter lets it through, then it is
	// normalized and escaped for the attribute.
	escapeHTML(w.b, normalizeURL(src))
	w.raw(`" width="`)
	escapeHTML(w.b, width)
	w.raw(`" height="`)
	escapeHTML(w.b, height)
	w.raw(`" alt="`)
	escapeHTML(w.b, c.Alt)
	w.raw(`" style="display:block;width:100%;max-width:`)
	escapeHTML(w.b, filterCSSValue(width))
	w.raw(`px;height:auto;border:0;"></p>`)
}

// yearAgoRanks and yearAgoRank are the template functions of the same
// names.
func (w *htmlWriter) yearAgoRanks() bool {
	r := w.r
	return r.Trend.OK() && r.Trend.Data.YearAgoRanks != nil
}

func (w *htmlWriter) yearAgoRank(i int) string { return yearAgoRank(w.r, i, w.lang) }

func (w *htmlWriter) report(r *Report) {
	st := w.st
	w.raw("\n" + `<h1 style="font-size:20px;line-height:1.3;margin:4px 0 4px 0;color:#1f2933;">`)
	w.text(w.tf("digest.title_month", w.t("digest.title"), MonthOfString(r.Month).Format(w.lang)))
	w.raw("</h1>\n" + `<p style="margin:0 0 14px 0;color:#52606d;">`)
	w.text(scopeLine(r, w.lang))
	w.raw(" · ")
	w.text(w.t("digest.as_of"))
	w.raw(" ")
	w.text(w.date(r.AsOf))
	w.raw("</p>\n")
	if st.omitted != "" {
		w.cell(`<p style="margin:-8px 0 14px 0;color:#52606d;font-size:12px;font-style:italic;">`, st.omitted, "</p>")
	}

	// Key figures.
	w.raw("\n" + `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:separate;border-spacing:6px 0;margin:0 0 8px -6px;">` + "\n<tr>")
	for _, k := range keyFigures(r, w.lang) {
		w.raw("\n" + `<td valign="top" width="25%" style="background:#f7f3f3;border-top:3px solid #8b1c1c;padding:10px 10px 8px 10px;">` + "\n" +
			`<div style="font-size:22px;font-weight:bold;color:#1f2933;line-height:1.2;">`)
		w.text(k.Value)
		w.raw("</div>\n" + `<div style="font-size:12px;color:#52606d;line-height:1.35;margin-top:2px;">`)
		w.text(k.Label)
		w.raw("</div>")
		for _, c := range k.Changes {
			w.raw(`<div style="font-size:11px;color:`)
			escapeHTML(w.b, filterCSSValue(c.Color))
			w.raw(`;margin-top:3px;">`)
			w.text(c.Text)
			w.raw("</div>")
		}
		w.raw("\n</td>")
	}
	w.raw("\n</tr></table>\n\n")

	w.workforce(r)
	w.raw("\n\n")
	w.trend(r)
	w.raw("\n\n")
	w.training(r)
	w.raw("\n\n")
	w.inTraining(r)
	w.raw("\n\n")
	w.targets(r)
	w.raw("\n\n")
	w.refresher(r)
	w.raw("\n\n")
	w.due(r)
	w.raw("\n\n")
	w.terms(r)
	w.raw("\n\n")
	w.planning(r)
	w.raw("\n\n")
	w.deliveries(r)
	w.raw("\n\n")
	w.dataQuality(r)
	w.raw("\n")
	w.selfReported(r)
	w.raw("\n")
}

// shares writes the rows of a distribution: label, count, share.
func (w *htmlWriter) shares(set codes.Set, rows []Share) {
	for _, s := range rows {
		w.raw("<tr>")
		w.td(w.coded(set, s.Code))
		w.tdr(w.int(s.Count))
		w.tdr(w.pct(s.Percent))
		w.raw("</tr>\n")
	}
}

func (w *htmlWriter) workforce(r *Report) {
	w.heading(w.t("digest.workforce"), r.Workforce.Status, r.Workforce.Error)
	d := r.Workforce.Data
	if d == nil || r.Workforce.Status != StatusOK {
		return
	}
	yearAgo := w.yearAgoRanks()
	w.raw("\n")
	w.chart("ranks")
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.rank"))
	w.thr(w.t("digest.count"))
	w.thr(w.t("digest.share"))
	if yearAgo {
		w.thr(w.t("digest.year_ago"))
	}
	w.raw("</tr>\n")
	for i, s := range d.Ranks {
		w.raw("<tr>")
		w.td(w.coded(codes.Rank, s.Code))
		w.tdr(w.int(s.Count))
		w.tdr(w.pct(s.Percent))
		if y := w.yearAgoRank(i); y != "" {
			w.tdr(y)
		}
		w.raw("</tr>\n")
	}
	var all Percent // shareOfAll
	if d.Ranked > 0 {
		all = 10000
	}
	for i, row := range []struct{ label, count, share string }{
		{w.t("digest.ranked_total"), w.int(d.Ranked), w.pct(all)},
		{w.coded(codes.Rank, "none"), w.int(d.RankNone), w.t("digest.outside_shares")},
		{w.coded(codes.Rank, ""), w.int(d.RankNotRecorded), w.t("digest.outside_shares")},
		{w.t("digest.total"), w.int(d.Headcount), ""},
	} {
		if i > 0 {
			w.raw("\n")
		}
		w.raw("<tr>")
		w.td(row.label)
		w.tdr(row.count)
		w.tdr(row.share)
		if yearAgo {
			w.tdr("")
		}
		w.raw("</tr>")
	}
	w.raw("</table>\n")
	w.p(w.tf("digest.ranks_note", w.int(d.Ranked), w.int(d.RankNone), w.int(d.RankNotRecorded)))
	w.raw("\n" + `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;"><tr>` + "\n" +
		htmlHalfOpen + `right:6px;">` + "\n" + htmlTable + "<tr>")
	w.th(w.t("digest.education"))
	w.thr(w.t("digest.count"))
	w.thr(w.t("digest.share"))
	w.raw("</tr>\n")
	w.shares(codes.Education, d.Education)
	w.raw("</table></td>\n" + htmlHalfOpen + `left:6px;">` + "\n" + htmlTable + "<tr>")
	w.th(w.t("digest.political_theory"))
	w.thr(w.t("digest.count"))
	w.thr(w.t("digest.share"))
	w.raw("</tr>\n")
	w.shares(codes.PoliticalTheory, d.PoliticalTheory)
	w.raw("</table></td></tr></table>\n")
}

func (w *htmlWriter) trend(r *Report) {
	w.heading(w.t("digest.trend"), r.Trend.Status, r.Trend.Error)
	d := r.Trend.Data
	if d == nil { // the template shows the table whatever the section's status
		return
	}
	w.raw("\n")
	if len(d.Months) <= 1 {
		w.p(w.t("digest.trend_none"))
	}
	w.raw("\n")
	w.chart("trend")
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.trend_month"))
	w.thr(w.t("digest.trend_people"))
	w.thr(w.t("digest.trend_share"))
	w.thr(w.t("digest.trend_completed"))
	w.thr(w.t("digest.trend_in_training"))
	w.raw("</tr>\n")
	for _, m := range d.Months {
		w.raw("<tr>")
		w.td(MonthOfString(m.Month).Format(w.lang))
		w.tdr(w.int(m.Headcount))
		w.tdr(w.pct(m.IntellectualShare))
		w.tdr(w.int(m.Completed))
		w.tdr(w.int(m.InTraining))
		w.raw("</tr>\n")
	}
	w.raw("</table>\n")
}

// counts writes a training row's three counts.
func (w *htmlWriter) counts(c Counts) {
	w.tdr(w.int(c.Started))
	w.tdr(w.int(c.Completed))
	w.tdr(w.int(c.Dropped))
}

func (w *htmlWriter) training(r *Report) {
	w.heading(w.t("digest.training"), r.Training.Status, r.Training.Error)
	d := r.Training.Data
	if d == nil || r.Training.Status != StatusOK {
		return
	}
	plan := d.Plan != nil
	w.raw("\n")
	if plan {
		w.p(w.tf("digest.plan", d.Plan.Name, w.date(d.Plan.StartsOn)))
	} else {
		w.p(w.t("digest.no_plan"))
	}
	w.raw("\n" + htmlTable)
	w.cell(`<tr><th rowspan="2" align="left" style="background:#eef0f3;border:1px solid #d9dde3;padding:5px 7px;">`, w.t("digest.kind"), "</th>")
	w.cell(htmlThGroup, w.t("digest.this_month"), "</th>")
	if plan {
		w.cell(htmlThGroup, w.t("digest.since_plan"), "</th>")
	}
	w.raw("</tr>\n<tr>")
	w.thr(w.t("digest.started"))
	w.thr(w.t("digest.completed"))
	w.thr(w.t("digest.dropped"))
	if plan {
		w.thr(w.t("digest.started"))
		w.thr(w.t("digest.completed"))
		w.thr(w.t("digest.dropped"))
	}
	w.raw("</tr>\n")
	for _, row := range d.Rows {
		w.raw("<tr>")
		w.td(w.kind(row.Category, row.Level))
		w.counts(row.Month)
		if plan {
			w.counts(row.SincePlanStart)
		}
		w.raw("</tr>\n")
	}
	w.raw(htmlTrBold)
	w.td(w.t("digest.total"))
	w.counts(d.Totals.Month)
	if plan {
		w.counts(d.Totals.SincePlanStart)
	}
	w.raw("</tr>\n</table>\n")
}

func (w *htmlWriter) inTraining(r *Report) {
	w.heading(w.t("digest.in_training"), r.InTraining.Status, r.InTraining.Error)
	d := r.InTraining.Data
	if d == nil || r.InTraining.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.in_training_line", d.People, d.Participations))
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.category"))
	w.thr(w.t("digest.count"))
	w.thr(w.t("digest.participations_col"))
	w.raw("</tr>\n")
	for _, c := range d.ByCategory {
		w.raw("<tr>")
		w.td(w.kind(c.Category, ""))
		w.tdr(w.int(c.People))
		w.tdr(w.int(c.Participations))
		w.raw("</tr>\n")
	}
	w.raw("</table>\n")
}

func (w *htmlWriter) targets(r *Report) {
	w.heading(w.t("digest.targets"), r.Targets.Status, r.Targets.Error)
	d := r.Targets.Data
	if d == nil || r.Targets.Status != StatusOK {
		return
	}
	unit := r.Scope.Kind == ScopeUnit
	w.raw("\n")
	w.chart("targets")
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.kind"))
	w.thr(w.t("digest.target"))
	w.thr(w.t("digest.done"))
	if unit {
		w.thr(w.t("digest.scope_done"))
	}
	w.thr("%")
	w.th(w.t("digest.state"))
	w.raw("</tr>\n")
	for _, g := range d.Rows {
		w.raw("<tr>")
		w.td(w.kind(g.Category, g.Level))
		w.tdr(w.int(g.Target))
		w.tdr(w.int(g.Done))
		if unit {
			w.tdr(w.int(g.ScopeDone))
		}
		w.tdr(w.pct(g.DonePercent))
		color := "#2f855a" // stateColor
		if g.State == TargetBehind {
			color = "#c0392b"
		}
		w.raw(htmlTdState)
		escapeHTML(w.b, filterCSSValue(color))
		w.cell(`;font-weight:bold;">`, w.t("digest.state_"+g.State), "</td></tr>\n")
	}
	w.raw("</table>\n")
}

func (w *htmlWriter) refresher(r *Report) {
	// tf's argument is an int: fmt prints it as the template would.
	w.heading(w.tf("digest.refresher", r.AsOf.Year), r.Refresher.Status, r.Refresher.Error)
	d := r.Refresher.Data
	if d == nil || r.Refresher.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.refresher_line", w.num(d.MinimumHours), w.int(d.Meeting), w.int(d.People), w.pct(d.MeetingShare),
		w.int(d.Short), w.num(d.AverageHours)))
	w.raw("\n")
	if len(d.FurthestBehind) > 0 {
		w.h3(w.t("digest.furthest_behind"))
		w.raw("\n" + htmlTable + "<tr>")
		w.th(w.t("digest.person"))
		w.th(w.t("digest.code"))
		w.th(w.t("digest.unit"))
		w.thr(w.t("digest.hours"))
		w.raw("</tr>\n")
		for _, p := range d.FurthestBehind {
			w.raw("<tr>")
			w.td(p.FullName)
			w.td(p.StaffCode)
			w.td(p.Unit)
			w.tdr(w.num(p.Hours))
			w.raw("</tr>\n")
		}
		w.raw("</table>")
	}
	w.raw("\n")
}

func (w *htmlWriter) due(r *Report) {
	w.heading(w.t("digest.due"), r.Due.Status, r.Due.Error)
	d := r.Due.Data
	if d == nil || r.Due.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.due_line", d.Days, d.Due, d.DuePeople, d.Overdue, d.OverduePeople))
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.category"))
	w.thr(w.t("digest.due_col"))
	w.thr(w.t("digest.overdue_col"))
	w.raw("</tr>\n")
	for _, c := range d.ByCategory {
		w.raw("<tr>")
		w.td(w.kind(c.Category, ""))
		w.tdr(w.int(c.Due))
		w.tdr(w.int(c.Overdue))
		w.raw("</tr>\n")
	}
	w.raw("</table>\n")
	if len(d.MostOverdue) > 0 {
		w.h3(w.t("digest.most_overdue"))
		w.raw("\n" + htmlTable + "<tr>")
		w.th(w.t("digest.person"))
		w.th(w.t("digest.course"))
		w.th(w.t("digest.due_on"))
		w.thr(w.t("digest.days_overdue"))
		w.raw("</tr>\n")
		for _, o := range d.MostOverdue {
			w.raw("<tr>")
			w.td(o.FullName + " (" + o.StaffCode + ")")
			w.td(o.CourseName)
			w.td(w.date(o.DueOn))
			w.tdr(w.int(int64(o.DaysOverdue)))
			w.raw("</tr>\n")
		}
		w.raw("</table>")
	}
	w.raw("\n")
}

func (w *htmlWriter) terms(r *Report) {
	w.heading(w.t("digest.terms"), r.Terms.Status, r.Terms.Error)
	d := r.Terms.Data
	if d == nil || r.Terms.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.terms_line", d.Ending, w.date(d.Until)))
	w.raw("\n")
	if d.Lapsed != 0 {
		w.cell(htmlErrOpen, w.tf("digest.terms_lapsed", d.Lapsed), "</p>")
	}
	w.raw("\n")
	if len(d.ByCase) > 0 {
		w.raw(htmlTable + "<tr>")
		w.th(w.t("digest.case"))
		w.thr(w.t("digest.count"))
		w.raw("</tr>\n")
		for _, c := range d.ByCase {
			w.raw("<tr>")
			w.td(w.t("digest.case_" + c.Case))
			w.tdr(w.int(c.Count))
			w.raw("</tr>\n")
		}
		w.raw("</table>")
	}
	w.raw("\n")
	if len(d.List) > 0 {
		w.raw(htmlTable + "<tr>")
		w.th(w.t("digest.person"))
		w.th(w.t("digest.position"))
		w.th(w.t("digest.end_on"))
		w.th(w.t("digest.retirement_on"))
		w.th(w.t("digest.case"))
		w.raw("</tr>\n")
		for _, e := range d.List {
			w.raw("<tr>")
			w.td(e.FullName + " (" + e.StaffCode + ")")
			w.td(e.Position + ", " + e.Unit)
			w.td(w.date(e.EndOn))
			w.td(w.date(e.RetirementOn))
			w.td(w.t("digest.case_" + e.Case))
			w.raw("</tr>\n")
		}
		w.raw("</table>")
	}
	w.raw("\n")
}

// planning writes the planning section and, under the same heading, the
// evaluation's.
func (w *htmlWriter) planning(r *Report) {
	w.heading(w.t("digest.planning"), r.Planning.Status, r.Planning.Error)
	if d := r.Planning.Data; d != nil && r.Planning.Status == StatusOK {
		w.raw("\n")
		w.p(w.tf("digest.planning_line", d.Entries, d.People, d.Year, d.ReviewedThisYear, d.NotReviewed))
		w.raw("\n")
		w.p(w.tf("digest.planning_shares", w.pct(d.WomenShare), w.pct(d.WomenTarget), d.YoungMaxAge, w.pct(d.YoungShare), w.pct(d.YoungTarget)))
		w.raw("\n")
	}
	w.raw("\n")
	w.state(r.Evaluation.Status, r.Evaluation.Error)
	w.raw("\n")
	d := r.Evaluation.Data
	if d == nil || r.Evaluation.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.evaluation_line", d.Year, w.date(d.Deadline), d.Rated, d.Staff, d.NotRated))
	w.raw("\n")
	if d.InProgress {
		w.p(w.t("digest.evaluation_progress"))
	}
	w.raw("\n")
	if d.Rated != 0 {
		w.raw(htmlTable + "<tr>")
		w.th(w.t("digest.rating"))
		w.thr(w.t("digest.count"))
		w.thr(w.t("digest.share"))
		w.raw("</tr>\n")
		w.shares(codes.Rating, d.Ratings)
		w.raw("</table>")
	}
	w.raw("\n")
}

func (w *htmlWriter) deliveries(r *Report) {
	w.heading(w.t("digest.deliveries"), r.Deliveries.Status, r.Deliveries.Error)
	d := r.Deliveries.Data
	if d == nil || r.Deliveries.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.deliveries_line", d.Failed))
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.recipient"))
	w.th(w.t("digest.job"))
	w.th(w.t("digest.reply"))
	w.raw("</tr>\n")
	for _, f := range d.List {
		w.raw("<tr>")
		w.td(f.Recipient)
		w.td(f.Job)
		w.td(f.Reply)
		w.raw("</tr>\n")
	}
	w.raw("</table>\n")
}

func (w *htmlWriter) dataQuality(r *Report) {
	w.heading(w.t("digest.data_quality"), r.DataQuality.Status, r.DataQuality.Error)
	d := r.DataQuality.Data
	if d == nil || r.DataQuality.Status != StatusOK {
		return
	}
	w.raw("\n" + htmlTable + "<tr>")
	w.th(w.t("digest.problem"))
	w.thr(w.t("digest.count"))
	w.raw("</tr>\n")
	for _, p := range d.Problems {
		w.raw("<tr>")
		w.td(w.t("digest.problem_" + p.Kind))
		w.tdr(w.int(p.Count))
		w.raw("</tr>\n")
	}
	w.raw("</table>\n")
	if len(d.People) > 0 {
		w.raw(htmlTable + "<tr>")
		w.th(w.t("digest.person"))
		w.th(w.t("digest.problem"))
		w.raw("</tr>\n")
		for _, p := range d.People {
			w.raw("<tr>")
			w.td(p.FullName + " (" + p.StaffCode + ")")
			w.raw(htmlTdOpen)
			for i, k := range p.Kinds { // the template function problems
				if i > 0 {
					w.raw("; ")
				}
				w.text(w.t("digest.problem_" + k))
			}
			w.raw("</td></tr>\n")
		}
		w.raw("</table>")
	}
	w.raw("\n")
}

// selfReported is the template "self-reported" of answers.html.tmpl.
func (w *htmlWriter) selfReported(r *Report) {
	s := r.SelfReported
	if s == nil {
		return
	}
	w.raw("\n")
	w.h2(w.t("digest.self_reported"))
	w.raw("\n")
	w.state(s.Status, s.Error)
	w.raw("\n")
	d := s.Data
	if d == nil || s.Status != StatusOK {
		return
	}
	w.raw("\n")
	w.p(w.tf("digest.self_reported_line", d.Answered, d.Pending, d.Confirmed, d.Rejected))
	w.raw("\n")
	if len(d.List) > 0 {
		w.raw(htmlTable + "<tr>")
		w.th(w.t("digest.self_reported_person"))
		w.th(w.t("digest.self_reported_course"))
		w.th(w.t("digest.self_reported_answer"))
		w.th(w.t("digest.self_reported_answered_on_th"))
		w.raw("</tr>\n")
		for _, a := range d.List {
			w.raw("<tr>")
			w.td(a.FullName + " (" + a.StaffCode + ")")
			w.td(a.Course)
			w.td(w.t("answers.choice_" + a.Answer))
			w.td(w.date(a.AnsweredOn))
			w.raw("</tr>\n")
		}
		w.raw("</table>\n")
		w.p(w.t("digest.self_reported_how"))
	}
	w.raw("\n")
}

// escapeHTML writes s escaped as html/template escapes a string printed in
// text (htmlEscaper) or in a quoted attribute value (attrEscaper): both
// replace by htmlReplacementTable the NUL, ", &, ', +, < and > and leave
// every other byte as it is (invalid UTF-8 included: with badRunes set, a
// rune outside the table is never touched). The values of type
// htmltemplate.HTML that htmlEscaper lets through never reach the report.
func escapeHTML(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// normalizeURL is html/template's urlNormalizer (processURLOnto with norm):
// a byte that is neither unreserved, reserved nor the % of a valid escape is
// percent-encoded, in lower-case hex.
func normalizeURL(s string) string {
	const hex = "0123456789abcdef"
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		}
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']', '-', '.', '_', '~':
			continue
		case '%':
			if i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		b = append(b, '%', hex[c>>4], hex[c&15])
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// filterCSSValue is html/template's cssValueFilter of a string printed in a
// style attribute: the value with its CSS escapes decoded, or "ZgotmplZ"
// when it holds what could end the declaration or run a script.
func filterCSSValue(s string) string {
	const failsafe = "ZgotmplZ"
	v := decodeCSSEscapes(s)
	var id []byte // the identifier characters, lower-cased
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case 0, '"', '\'', '(', ')', '/', ';', '@', '[', '\\', ']', '`', '{', '}', '<', '>':
			return failsafe
		case '-': // not kept in id
			if i != 0 && v[i-1] == '-' {
				return failsafe
			}
		default:
			if 'A' <= c && c <= 'Z' {
				id = append(id, c+'a'-'A')
			} else if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' {
				id = append(id, c)
			}
		}
	}
	if bytes.Contains(id, []byte("expression")) || bytes.Contains(id, []byte("mozbinding")) {
		return failsafe
	}
	return v
}

// decodeCSSEscapes is html/template's decodeCSS: CSS3 escapes (\41, \")
// decoded.
func decodeCSSEscapes(s string) string {
	if !bytes.Contains([]byte(s), []byte{'\\'}) {
		return s
	}
	var b []byte
	for len(s) != 0 {
		i := 0
		for i < len(s) && s[i] != '\\' {
			i++
		}
		b, s = append(b, s[:i]...), s[i:]
		if len(s) < 2 {
			break
		}
		if isHexDigit(s[1]) {
			j := 2
			for j < len(s) && j < 7 && isHexDigit(s[j]) {
				j++
			}
			r, _ := strconv.ParseUint(s[1:j], 16, 32)
			if r > utf8.MaxRune {
				r, j = r/16, j-1
			}
			b = utf8.AppendRune(b, rune(r))
			s = s[j:]
			// One space after the escape is part of it.
			switch {
			case len(s) == 0:
			case s[0] == '\t' || s[0] == '\n' || s[0] == '\f' || s[0] == ' ':
				s = s[1:]
			case s[0] == '\r':
				if len(s) >= 2 && s[1] == '\n' {
					s = s[2:]
				} else {
					s = s[1:]
				}
			}
		} else {
			_, n := utf8.DecodeRuneInString(s[1:])
			b, s = append(b, s[1:1+n]...), s[1+n:]
		}
	}
	return string(b)
}
