package digest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/i18n"
)

// textWriter writes the plain-text form of one report, as the reference
// template testdata/reference/digest.txt.tmpl does, byte for byte (see
// Renderer for why it is Go code, and html_test.go for the tests that
// compare both).
type textWriter struct {
	wording
	b *strings.Builder
	r *Report
}

// writeReportText writes r as text, in lang.
func writeReportText(b *strings.Builder, r *Report, lang string) {
	w := &textWriter{wording: wording{lang}, b: b, r: r}
	w.report()
}

func (w *textWriter) s(parts ...string) {
	for _, p := range parts {
		w.b.WriteString(p)
	}
}

// wording is the words and numbers of a report in its language: the
// template functions of the same names.
type wording struct{ lang string }

func (w wording) t(key string) string                { return i18n.T(w.lang, key) }
func (w wording) tf(key string, a ...any) string     { return i18n.T(w.lang, key, a...) }
func (w wording) int(n int64) string                 { return formatInt(n, w.lang) }
func (w wording) pct(p Percent) string               { return p.Format(w.lang) }
func (w wording) num(f float64) string               { return formatFloat(f, w.lang) }
func (w wording) date(d civil.Date) string           { return d.Format(w.lang) }
func (w wording) kind(category, level string) string { return kindLabel(category, level, w.lang) }
func (w wording) coded(set codes.Set, c string) string {
	return i18n.Coded(set, c, w.lang)
}

// pad and lpad fill s with spaces to n characters, on the right and on the
// left: the text's columns.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

func lpad(s string, n int) string {
	return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
}

// state writes what a section says when it has no figures: why it failed,
// or that there is nothing this month.
func (w *textWriter) state(status, err string) {
	switch status {
	case StatusError:
		w.s(w.tf("digest.error", err), "\n")
	case StatusEmpty:
		w.s(w.t("digest.empty"), "\n")
	}
}

// share writes one row of a distribution: label, count and share.
func (w *textWriter) share(label string, width int, s Share, countWidth int) {
	w.s("  ", pad(label, width), " ", lpad(w.int(s.Count), countWidth), " ", lpad(w.pct(s.Percent), 8))
}

func (w *textWriter) counts(c Counts) {
	w.s(strconv.FormatInt(c.Started, 10), "/", strconv.FormatInt(c.Completed, 10), "/", strconv.FormatInt(c.Dropped, 10))
}

func (w *textWriter) report() {
	r, lang := w.r, w.lang
	w.s(strings.ToUpper(w.tf("digest.title_month", w.t("digest.title"), MonthOfString(r.Month).Format(lang))), "\n")
	w.s(scopeLine(r, lang), " · ", w.t("digest.as_of"), " ", w.date(r.AsOf), "\n\n")
	for _, kf := range keyFigures(r, lang) {
		w.s("- ", kf.Label, ": ", kf.Value)
		for _, c := range kf.Changes {
			w.s(" (", c.Text, ")")
		}
		w.s("\n")
	}
	w.s("\n", strings.ToUpper(w.t("digest.workforce")), "\n")
	w.state(r.Workforce.Status, r.Workforce.Error)
	if d := r.Workforce.Data; d != nil && r.Workforce.Status == StatusOK {
		w.s(w.t("digest.ranks"), " (", w.tf("digest.ranks_base", w.int(d.Ranked)), "):\n")
		for i, s := range d.Ranks {
			w.share(w.coded(codes.Rank, s.Code), 24, s, 8)
			if y := yearAgoRank(r, i, lang); y != "" {
				w.s("   ", w.t("digest.year_ago"), " ", y)
			}
			w.s("\n")
		}
		w.s(w.tf("digest.ranks_outside", w.int(d.RankNone), w.int(d.RankNotRecorded)), "\n")
		w.s(w.t("digest.education"), ":\n")
		for _, s := range d.Education {
			w.share(w.coded(codes.Education, s.Code), 24, s, 8)
			w.s("\n")
		}
		w.s(w.t("digest.political_theory"), ":\n")
		for _, s := range d.PoliticalTheory {
			w.share(w.coded(codes.PoliticalTheory, s.Code), 24, s, 8)
			w.s("\n")
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.trend")), "\n")
	w.state(r.Trend.Status, r.Trend.Error)
	if d := r.Trend.Data; d != nil {
		if len(d.Months) <= 1 {
			w.s(w.t("digest.trend_none"), "\n")
		}
		w.s("  ", pad(w.t("digest.trend_month"), 16), " ", lpad(w.t("digest.trend_people"), 10), " ", lpad(w.t("digest.trend_share"), 14), " ",
			lpad(w.t("digest.trend_completed"), 11), " ", lpad(w.t("digest.trend_in_training"), 12), "\n")
		for _, m := range d.Months {
			w.s("  ", pad(MonthOfString(m.Month).Format(lang), 16), " ", lpad(w.int(m.Headcount), 10), " ", lpad(w.pct(m.IntellectualShare), 14), " ",
				lpad(w.int(m.Completed), 11), " ", lpad(w.int(m.InTraining), 12), "\n")
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.training")), "\n")
	w.state(r.Training.Status, r.Training.Error)
	if d := r.Training.Data; d != nil && r.Training.Status == StatusOK {
		if d.Plan != nil {
			w.s(w.tf("digest.plan", d.Plan.Name, w.date(d.Plan.StartsOn)))
		} else {
			w.s(w.t("digest.no_plan"))
		}
		w.s("\n  ", pad(w.t("digest.kind"), 36), " ", w.t("digest.this_month"), " (", w.t("digest.started"), "/", w.t("digest.completed"), "/", w.t("digest.dropped"), ")")
		if d.Plan != nil {
			w.s(" · ", w.t("digest.since_plan"))
		}
		w.s("\n")
		row := func(label string, tr TrainingRow) {
			w.s("  ", pad(label, 36), " ")
			w.counts(tr.Month)
			if d.Plan != nil {
				w.s(" · ")
				w.counts(tr.SincePlanStart)
			}
			w.s("\n")
		}
		for _, tr := range d.Rows {
			row(w.kind(tr.Category, tr.Level), tr)
		}
		row(w.t("digest.total"), d.Totals)
	}
	w.s("\n", strings.ToUpper(w.t("digest.in_training")), "\n")
	w.state(r.InTraining.Status, r.InTraining.Error)
	if d := r.InTraining.Data; d != nil && r.InTraining.Status == StatusOK {
		w.s(w.tf("digest.in_training_line", d.People, d.Participations), "\n")
		for _, c := range d.ByCategory {
			w.s("  ", pad(w.kind(c.Category, ""), 36), " ", lpad(w.int(c.People), 6), "\n")
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.targets")), "\n")
	w.state(r.Targets.Status, r.Targets.Error)
	if d := r.Targets.Data; d != nil && r.Targets.Status == StatusOK {
		for _, g := range d.Rows {
			w.s("  ", pad(w.kind(g.Category, g.Level), 36), " ", lpad(w.int(g.Done)+"/"+w.int(g.Target), 11), " ", lpad(w.pct(g.DonePercent), 8),
				"  ", w.t("digest.state_"+g.State))
			if r.Scope.Kind == ScopeUnit {
				w.s(" (", w.t("digest.scope_done"), ": ", w.int(g.ScopeDone), ")")
			}
			w.s("\n")
		}
		if len(d.Rows) > 0 {
			w.s(w.t("digest.elapsed"), ": ", w.pct(d.Rows[0].Elapsed), "\n")
		}
	}
	w.s("\n", strings.ToUpper(w.tf("digest.refresher", r.AsOf.Year)), "\n")
	w.state(r.Refresher.Status, r.Refresher.Error)
	if d := r.Refresher.Data; d != nil && r.Refresher.Status == StatusOK {
		w.s(w.tf("digest.refresher_line", w.num(d.MinimumHours), w.int(d.Meeting), w.int(d.People), w.pct(d.MeetingShare),
			w.int(d.Short), w.num(d.AverageHours)), "\n")
		if len(d.FurthestBehind) > 0 {
			w.s(w.t("digest.furthest_behind"), ":\n")
			for _, p := range d.FurthestBehind {
				w.s("  - ", p.FullName, " (", p.StaffCode, ", ", p.Unit, "): ",
					w.tf("digest.hours_of", w.num(p.Hours), w.num(d.MinimumHours)), "\n")
			}
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.due")), "\n")
	w.state(r.Due.Status, r.Due.Error)
	if d := r.Due.Data; d != nil && r.Due.Status == StatusOK {
		w.s(w.tf("digest.due_line", d.Days, d.Due, d.DuePeople, d.Overdue, d.OverduePeople), "\n")
		for _, c := range d.ByCategory {
			w.s("  ", pad(w.kind(c.Category, ""), 36), " ", w.t("digest.due_col"), " ", strconv.FormatInt(c.Due, 10), ", ",
				w.t("digest.overdue_col"), " ", strconv.FormatInt(c.Overdue, 10), "\n")
		}
		if len(d.MostOverdue) > 0 {
			w.s(w.t("digest.most_overdue"), ":\n")
			for _, o := range d.MostOverdue {
				w.s("  - ", o.FullName, " (", o.StaffCode, "): ", o.CourseName, ", ", w.date(o.DueOn), " (", w.tf("digest.overdue_by", o.DaysOverdue), ")\n")
			}
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.terms")), "\n")
	w.state(r.Terms.Status, r.Terms.Error)
	if d := r.Terms.Data; d != nil && r.Terms.Status == StatusOK {
		w.s(w.tf("digest.terms_line", d.Ending, w.date(d.Until)), "\n")
		if d.Lapsed != 0 {
			w.s(w.tf("digest.terms_lapsed", d.Lapsed), "\n")
		}
		for _, c := range d.ByCase {
			w.s("  ", pad(w.t("digest.case_"+c.Case), 48), " ", lpad(w.int(c.Count), 6), "\n")
		}
		for _, e := range d.List {
			w.s("  - ", e.FullName, " (", e.StaffCode, "), ", e.Position, ", ", e.Unit, ": ", w.date(e.EndOn))
			if !e.RetirementOn.IsZero() {
				w.s(", ", w.t("digest.retirement_on"), " ", w.date(e.RetirementOn))
			}
			w.s(" – ", w.t("digest.case_"+e.Case), "\n")
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.planning")), "\n")
	w.state(r.Planning.Status, r.Planning.Error)
	if d := r.Planning.Data; d != nil && r.Planning.Status == StatusOK {
		w.s(w.tf("digest.planning_line", d.Entries, d.People, d.Year, d.ReviewedThisYear, d.NotReviewed), "\n")
		w.s(w.tf("digest.planning_shares", w.pct(d.WomenShare), w.pct(d.WomenTarget), d.YoungMaxAge, w.pct(d.YoungShare), w.pct(d.YoungTarget)), "\n")
	}
	w.state(r.Evaluation.Status, r.Evaluation.Error)
	if d := r.Evaluation.Data; d != nil && r.Evaluation.Status == StatusOK {
		w.s(w.tf("digest.evaluation_line", d.Year, w.date(d.Deadline), d.Rated, d.Staff, d.NotRated), "\n")
		if d.InProgress {
			w.s(w.t("digest.evaluation_progress"), "\n")
		}
		if d.Rated != 0 {
			for _, s := range d.Ratings {
				w.share(w.coded(codes.Rating, s.Code), 36, s, 6)
				w.s("\n")
			}
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.deliveries")), "\n")
	w.state(r.Deliveries.Status, r.Deliveries.Error)
	if d := r.Deliveries.Data; d != nil && r.Deliveries.Status == StatusOK {
		w.s(w.tf("digest.deliveries_line", d.Failed), "\n")
		for _, f := range d.List {
			w.s("  - ", f.Recipient, " (", f.Job, "): ", f.Reply, "\n")
		}
	}
	w.s("\n", strings.ToUpper(w.t("digest.data_quality")), "\n")
	w.state(r.DataQuality.Status, r.DataQuality.Error)
	if d := r.DataQuality.Data; d != nil && r.DataQuality.Status == StatusOK {
		for _, p := range d.Problems {
			w.s("  ", pad(w.t("digest.problem_"+p.Kind), 56), " ", lpad(w.int(p.Count), 6), "\n")
		}
		for _, p := range d.People {
			w.s("  - ", p.FullName, " (", p.StaffCode, "): ", problemList(p.Kinds, lang), "\n")
		}
	}
	if sr := r.SelfReported; sr != nil {
		w.s("\n", strings.ToUpper(w.t("digest.self_reported")), "\n")
		w.state(sr.Status, sr.Error)
		if d := sr.Data; d != nil && sr.Status == StatusOK {
			w.s(w.tf("digest.self_reported_line", d.Answered, d.Pending, d.Confirmed, d.Rejected), "\n")
			for _, a := range d.List {
				w.s("  - ", a.FullName, " (", a.StaffCode, "), ", a.Course, ": ", w.t("answers.choice_"+a.Answer), ", ",
					w.t("digest.self_reported_answered_on"), " ", w.date(a.AnsweredOn), "\n")
			}
			if d.Pending != 0 {
				w.s(w.t("digest.self_reported_how"), "\n")
			}
		}
	}
}

// yearAgoRank is the i-th rank's count and share a year earlier, when the
// trend kept it ("" otherwise).
func yearAgoRank(r *Report, i int, lang string) string {
	if !r.Trend.OK() || i >= len(r.Trend.Data.YearAgoRanks) {
		return ""
	}
	s := r.Trend.Data.YearAgoRanks[i]
	return formatInt(s.Count, lang) + " (" + s.Percent.Format(lang) + ")"
}

// problemList names a person's data problems, joined with "; ".
func problemList(kinds []string, lang string) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = i18n.T(lang, "digest.problem_"+k)
	}
	return strings.Join(out, "; ")
}
