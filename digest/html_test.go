package digest

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/i18n"
)

// The tests below render the "report" section of the HTML digest through the
// reference templates (reference_test.go) and through writeReportHTML, and
// require the same bytes; each report's text too, through the reference and
// through writeReportText.

var htmlTestRenderer = sync.OnceValues(NewRenderer)

// goReportHTML is the section as writeReportHTML writes it.
func goReportHTML(st renderState, r *Report) string {
	var b bytes.Buffer
	writeReportHTML(&b, &st, r)
	return b.String()
}

// htmlDiff says where got first differs from want, with some context on
// both sides of it in each.
func htmlDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	line := 1 + strings.Count(want[:i], "\n")
	col := i - strings.LastIndexByte(want[:i], '\n')
	show := func(s string) string {
		from, to := max(0, i-200), min(len(s), i+200)
		return fmt.Sprintf("%q ⟪HERE⟫ %q", s[from:min(i, len(s))], s[min(i, len(s)):to])
	}
	return fmt.Sprintf("first difference at byte %d (line %d, column %d; %d bytes from the template, %d from Go)\ntemplate: %s\ngo:       %s",
		i, line, col, len(want), len(got), show(want), show(got))
}

// htmlState is a render state to draw a report in, named for the failures.
type htmlState struct {
	name string
	st   renderState
}

// Nasty strings: what each escaper treats specially, Vietnamese, invalid
// UTF-8, entities already escaped, scripts and style injections.
var htmlNasty = []string{
	"Nguyễn Văn An",
	`<script>alert("x" + 'y')</script>`,
	`O'Brien & Sons + "Co" <b>`,
	"nul\x00byte",
	"k=v; w=x, y=z",
	"",
	"Đặng Thị Ánh Tuyết – Phòng Tổ chức cán bộ",
	"&amp; &#34; already escaped",
	"bad \xff\xfe utf-8 \xe1\xba",
	"tab\tnew\nline\r\n",
	"expression(alert(1)); color:red",
	"%41%zz%",
	"\ufdd0\ufffe\U0001F600",
	"javascript:alert(1)",
	"a/b\\c`d{e}f[g]h@i",
	"Ω≈ç√∫ 中文 ",
}

// htmlStates are the states a report is drawn in, in lang, given the charts
// drawn for it (by their own name, "ranks", and the errors of those that
// could not be): charts with each kind of src ((*Renderer).HTML names them
// "ranks-1" ...), no charts (omitted) and failed ones, and a mix.
func htmlStates(r *Report, lang string, drawn []*Chart, errs map[string]string) []htmlState {
	charts := map[string]*Chart{}
	for _, c := range drawn {
		named := *c
		named.Name = c.Name + "-1"
		charts[c.Name] = &named
	}
	base := renderState{r: r, lang: lang, charts: charts, chartErrs: errs}
	with := func(src func(*Chart) string) renderState {
		st := base
		st.src = src
		return st
	}
	failed := map[string]string{
		"ranks":   `plotter: <script>&"'+ failed`,
		"trend":   "no data \x00 at all; x=y",
		"targets": "vẽ không được: ảnh quá lớn",
	}
	mix := renderState{r: r, lang: lang, charts: map[string]*Chart{}, chartErrs: map[string]string{"trend": failed["trend"]}}
	if c := charts["ranks"]; c != nil {
		mix.charts["ranks"] = c
	}
	if c := charts["targets"]; c != nil {
		mix.chartErrs["ranks"] = failed["ranks"] // a drawn and a failed one at once
		mix.charts["targets"] = c
	}
	return []htmlState{
		{"charts, cid: src", with(nil)},
		{"charts, data: src", with(DataURI)},
		{"charts, Content-ID src", with(func(c *Chart) string { return "cid:" + contentID(c) })},
		{"charts, odd src", with(func(c *Chart) string {
			return `odd src/é ?a=1&b="2"'<x>+%41%zz%4` + "\x00" + c.Name + "#frag;{}|^`\\"
		})},
		{"charts omitted", renderState{r: r, lang: lang, charts: map[string]*Chart{}, omitted: i18n.T(lang, "digest.charts_omitted", 10)}},
		{"charts failed", renderState{r: r, lang: lang, charts: map[string]*Chart{}, chartErrs: failed}},
		{"a chart drawn, one failed", mix},
	}
}

// fakeCharts stand for the charts of a report, with odd alt texts: drawing
// them is slow, and what the HTML shows of them is their name, size and alt.
func fakeCharts(seed int) []*Chart {
	var out []*Chart
	for i, name := range []string{"ranks", "trend", "targets"} {
		out = append(out, &Chart{Name: name, Alt: htmlNasty[(seed+i)%len(htmlNasty)], PNG: []byte{0x89, 'P', 'N', 'G', 0xfb, 0xff, byte(seed)},
			Width: 600 - 100*i, Height: 300 + i})
	}
	return out
}

// htmlCompared counts what the tests compared.
type htmlCompared struct{ renderings, bytes, texts, textBytes int }

// compareHTMLStates renders r in each state both ways, and its text in the
// states' language both ways, and fails tb at the first difference.
func compareHTMLStates(tb testing.TB, name string, r *Report, states []htmlState, n *htmlCompared) {
	tb.Helper()
	if len(states) > 0 {
		lang := states[0].st.lang
		want := referenceText(tb, r, lang)
		var b strings.Builder
		writeReportText(&b, r, lang)
		if got := b.String(); got != want {
			tb.Fatalf("%s (%s): writeReportText differs from the template\n%s", name, lang, htmlDiff(want, got))
		}
		n.texts++
		n.textBytes += len(want)
	}
	for _, s := range states {
		want := referenceHTML(tb, s.st, r)
		if got := goReportHTML(s.st, r); got != want {
			tb.Fatalf("%s (%s, %s): writeReportHTML differs from the template\n%s", name, s.st.lang, s.name, htmlDiff(want, got))
		}
		n.renderings++
		n.bytes += len(want)
	}
}

// CompareReportHTML renders r's report section through the templates and
// through writeReportHTML in Vietnamese and English, with its charts drawn
// as (*Renderer).HTML draws them and each kind of src, with no charts, and
// with failed ones, and fails tb at the first difference. It returns how
// many renderings and bytes it compared. Package digest_test runs it on the
// reports of its fixtures.
func CompareReportHTML(tb testing.TB, name string, r *Report) (renderings, size int) {
	tb.Helper()
	rd, err := htmlTestRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	var n htmlCompared
	for _, lang := range []string{"vi", "en"} {
		drawn, errs := rd.charts(r, lang)
		compareHTMLStates(tb, name, r, htmlStates(r, lang, drawn, errs), &n)
	}
	return n.renderings + n.texts, n.bytes + n.textBytes
}

// ReportHTMLWays are the two ways of writing r's report section in lang,
// with its charts drawn beforehand, for package digest_test's benchmark:
// through the reference templates (one report at a time), and through
// writeReportHTML.
func ReportHTMLWays(tb testing.TB, r *Report, lang string) (template, writer func(*bytes.Buffer)) {
	rd, err := htmlTestRenderer()
	if err != nil {
		tb.Fatal(err)
	}
	drawn, errs := rd.charts(r, lang)
	st := htmlStates(r, lang, drawn, errs)[0].st
	template = func(b *bytes.Buffer) {
		b.WriteString(referenceHTML(tb, st, r))
	}
	writer = func(b *bytes.Buffer) {
		s := st
		writeReportHTML(b, &s, r)
	}
	return template, writer
}

// fullHTMLReport is a report with every section filled, every list holding
// rows, and every record string odd (from htmlNasty, starting at k).
func fullHTMLReport(k int) *Report {
	s := func(i int) string { return htmlNasty[(k+i)%len(htmlNasty)] }
	d := func(y, m, day int) civil.Date { return civil.Date{Year: y, Month: time.Month(m), Day: day} }
	share := func(code string, n int64, p Percent) Share { return Share{Code: code, Count: n, Percent: p} }
	trend := &Trend{
		PreviousMonth: &Change{Month: "2026-09", Headcount: -2, IntellectualShare: 125, Completed: 3, InTraining: 0},
		YearAgo:       &Change{Month: "2025-10", Headcount: 1234567, IntellectualShare: -7, Completed: -1, InTraining: -1000},
		YearAgoRanks:  []Share{share("senior_specialist", 3, 1200), share("specialist", 1000000, 8800)},
	}
	for i := 0; i < 12; i++ {
		m := Month{2025, time.November}.Add(i)
		trend.Months = append(trend.Months, MonthFigures{Month: m.String(), Stored: i < 11,
			Figures: Figures{Headcount: int64(1000 * i), IntellectualShare: Percent(i * 833), Completed: int64(i), InTraining: int64(7 * i)}})
	}
	r := &Report{
		Version: Version, Month: "2026-10", AsOf: d(2026, 10, 31),
		Scope: Scope{Kind: ScopeUnit, Code: s(1), Name: s(0), Units: 3},
		Workforce: Section[Workforce]{Status: StatusOK, Data: &Workforce{Headcount: 1234567, Intellectuals: 1000, IntellectualShare: 8696,
			Ranks:  []Share{share("senior_specialist", 2, 869), share("principal_specialist", 10, 4348), share(s(2), 11, 4783)},
			Ranked: 23, RankNone: 1, RankNotRecorded: 0,
			Education:       []Share{share("doctorate", 1, 435), share("master", 5, 2174), share("", 17, 7391)},
			PoliticalTheory: []Share{share("advanced", 9, 3913), share("none", 4, 1739), share(s(3), 10, 4348)}}},
		Trend: Section[Trend]{Status: StatusOK, Data: trend},
		Training: Section[Training]{Status: StatusOK, Data: &Training{
			Plan: &Plan{Name: s(4), StartsOn: d(2026, 1, 1), EndsOn: d(2030, 12, 31)},
			Rows: []TrainingRow{
				{Category: "degree", Level: "master", Month: Counts{1, 2, 3}, SincePlanStart: Counts{4000, 5000, 6000}},
				{Category: "political_theory", Level: "advanced", Month: Counts{0, 0, 0}, SincePlanStart: Counts{1, 0, 1}},
				{Category: "refresher", Month: Counts{7, 8, 9}},
				{Category: s(5), Level: s(6), Month: Counts{1, 1, 1}},
			},
			Totals: TrainingRow{Month: Counts{9, 11, 13}, SincePlanStart: Counts{4001, 5000, 6001}}}},
		InTraining: Section[InTraining]{Status: StatusOK, Data: &InTraining{People: 12, Participations: 15,
			ByCategory: []CategoryCount{{"degree", 3, 4}, {s(7), 9, 11}}}},
		Targets: Section[Targets]{Status: StatusOK, Data: &Targets{Rows: []Target{
			{Plan: "2026-2030", Category: "degree", Level: "master", Target: 5, Done: 1, ScopeDone: 1, DonePercent: 2000, Elapsed: 1500, State: TargetOnTrack},
			{Plan: "2026-2030", Category: "it", Target: 10, Done: 12, ScopeDone: 3, DonePercent: 12000, Elapsed: 1500, State: TargetDone},
			{Plan: s(8), Category: s(9), Level: s(10), Target: 20, Done: 0, DonePercent: 0, State: TargetBehind},
			{Plan: "x", Category: "refresher", Target: 1, State: s(11)},
		}}},
		Refresher: Section[Refresher]{Status: StatusOK, Data: &Refresher{Year: 2026, MinimumHours: 40, People: 23, Meeting: 3, Short: 20,
			MeetingShare: 1304, AverageHours: 12.35,
			FurthestBehind: []PersonHours{{StaffCode: s(12), FullName: s(13), Unit: s(14), Hours: 0}, {StaffCode: "P02", FullName: s(1), Unit: s(2), Hours: 7.96}}}},
		Due: Section[Due]{Status: StatusOK, Data: &Due{Days: 30, Due: 4, DuePeople: 3, Overdue: 2, OverduePeople: 2,
			ByCategory:  []DueCategory{{"degree", 1, 0}, {s(3), 3, 2}},
			MostOverdue: []OverdueTraining{{StaffCode: s(4), FullName: s(5), CourseCode: "X", CourseName: s(6), DueOn: d(2026, 10, 10), DaysOverdue: 21}, {DaysOverdue: 1234}}}},
		Terms: Section[Terms]{Status: StatusOK, Data: &Terms{Until: d(2027, 4, 30), Ending: 3, Lapsed: 2,
			ByCase: []CaseCount{{"until_retirement", 1}, {"full_term", 1}, {s(7), 1}},
			List: []TermEnding{
				{StaffCode: s(8), FullName: s(9), Position: s(10), Unit: s(11), EndOn: d(2026, 12, 1), RetirementOn: d(2027, 5, 31), Case: "until_retirement"},
				{StaffCode: "P15", FullName: "Trịnh Văn Khải", Position: "Trưởng phòng", Unit: "Phòng Đào tạo", EndOn: d(2026, 11, 20), Case: s(12)},
			}}},
		Planning: Section[Planning]{Status: StatusOK, Data: &Planning{Year: 2026, Entries: 5, People: 4, ReviewedThisYear: 3, NotReviewed: 2,
			Women: 2, WomenShare: 5000, WomenTarget: 3000, Young: 1, YoungShare: 2500, YoungTarget: 1500, YoungMaxAge: 40}},
		Evaluation: Section[Evaluation]{Status: StatusOK, Data: &Evaluation{Year: 2025, Deadline: d(2026, 1, 31), InProgress: true,
			Staff: 23, Rated: 20, NotRated: 3, Ratings: []Share{share("excellent", 2, 1000), share("good", 12, 6000), share(s(13), 6, 3000)}}},
		Deliveries: Section[Deliveries]{Status: StatusOK, Data: &Deliveries{Failed: 2, ByJob: []JobCount{{"course-reminders", 1}},
			List: []FailedDelivery{{Job: s(14), Recipient: s(15), Subject: s(0), Reply: s(1)}, {Job: "monthly-digest", Recipient: "a@b.vn", Reply: "550 5.1.1 <a@b.vn>: mailbox unavailable"}}}},
		DataQuality: Section[DataQuality]{Status: StatusOK, Data: &DataQuality{
			Problems: []Problem{{"no_email", 2}, {s(2), 1}},
			People:   []PersonProblems{{StaffCode: s(3), FullName: s(4), Kinds: []string{"no_email", s(5), "no_rank"}}, {StaffCode: "P22", FullName: "Chu Thị Loan"}}}},
		SelfReported: &Section[SelfReported]{Status: StatusOK, Data: &SelfReported{Answered: 3, Pending: 2, Confirmed: 0, Rejected: 1,
			List: []SelfReport{{StaffCode: s(6), FullName: s(7), Course: s(8), Answer: "registered", AnsweredOn: d(2026, 10, 5)},
				{StaffCode: "P12", FullName: "Lý Thị Ngọc", Course: "QLNN", Answer: s(9)}}}},
	}
	return r
}

// setSection sets a section's status: "ok", "empty" and "error" with and
// without data, and "" (never written, but the template takes it).
func setSection[T any](s *Section[T], how string) {
	data := s.Data
	switch how {
	case "ok":
		*s = Section[T]{Status: StatusOK, Data: data}
	case "ok, no data":
		*s = Section[T]{Status: StatusOK}
	case "empty":
		*s = Section[T]{Status: StatusEmpty}
	case "empty, with data":
		*s = Section[T]{Status: StatusEmpty, Data: data}
	case "error":
		*s = Section[T]{Status: StatusError, Error: `db: <script>alert(1)</script> & "quotes" 'single' a+b; café`}
	case "error, with data":
		*s = Section[T]{Status: StatusError, Error: "x\x00y", Data: data}
	case "no status":
		*s = Section[T]{Data: data}
	}
}

var htmlSectionStates = []string{"ok", "ok, no data", "empty", "empty, with data", "error", "error, with data", "no status"}

// setEachSection sets the section named to how.
func setEachSection(r *Report, section, how string) {
	switch section {
	case "workforce":
		setSection(&r.Workforce, how)
	case "trend":
		setSection(&r.Trend, how)
	case "training":
		setSection(&r.Training, how)
	case "in_training":
		setSection(&r.InTraining, how)
	case "targets":
		setSection(&r.Targets, how)
	case "refresher":
		setSection(&r.Refresher, how)
	case "due":
		setSection(&r.Due, how)
	case "terms":
		setSection(&r.Terms, how)
	case "planning":
		setSection(&r.Planning, how)
	case "evaluation":
		setSection(&r.Evaluation, how)
	case "deliveries":
		setSection(&r.Deliveries, how)
	case "data_quality":
		setSection(&r.DataQuality, how)
	case "self_reported":
		setSection(r.SelfReported, how)
	}
}

var htmlSections = []string{"workforce", "trend", "training", "in_training", "targets", "refresher", "due", "terms", "planning",
	"evaluation", "deliveries", "data_quality", "self_reported"}

// htmlVariants are hand-made reports: the full one, each section in each
// state, and the cases the template tells apart.
func htmlVariants() map[string]*Report {
	out := map[string]*Report{}
	for k := range htmlNasty {
		out[fmt.Sprintf("full %d", k)] = fullHTMLReport(k)
	}
	for _, sec := range htmlSections {
		for _, how := range htmlSectionStates {
			r := fullHTMLReport(len(out))
			setEachSection(r, sec, how)
			out[sec+" "+how] = r
		}
	}
	change := func(name string, f func(r *Report)) {
		r := fullHTMLReport(len(out))
		f(r)
		out[name] = r
	}
	change("agency", func(r *Report) {
		r.Scope = Scope{Kind: ScopeAgency, Code: "U1", Name: "Ban <Tổ chức> & \"Tỉnh ủy\"", Units: 4}
	})
	change("agency unnamed", func(r *Report) { r.Scope = Scope{Kind: ScopeAgency, Code: "U1"} })
	change("unit alone", func(r *Report) { r.Scope.Units = 1 })
	change("no kind", func(r *Report) { r.Scope.Kind = "" })
	change("no plan", func(r *Report) { r.Training.Data.Plan = nil })
	change("no self-reported", func(r *Report) { r.SelfReported = nil })
	change("self-reported nothing listed", func(r *Report) { r.SelfReported.Data.List = []SelfReport{} })
	change("no year-ago ranks", func(r *Report) { r.Trend.Data.YearAgoRanks = nil })
	change("year-ago ranks empty", func(r *Report) { r.Trend.Data.YearAgoRanks = []Share{} })
	change("year-ago ranks longer", func(r *Report) {
		r.Trend.Data.YearAgoRanks = append(r.Trend.Data.YearAgoRanks, Share{Count: 1}, Share{Count: 2}, Share{Count: 3})
	})
	change("year-ago ranks, trend empty", func(r *Report) { r.Trend.Status = StatusEmpty })
	change("no changes", func(r *Report) { r.Trend.Data.PreviousMonth, r.Trend.Data.YearAgo = nil, nil })
	change("zero changes", func(r *Report) {
		r.Trend.Data.PreviousMonth = &Change{}
		r.Trend.Data.YearAgo = nil
	})
	change("one month", func(r *Report) { r.Trend.Data.Months = r.Trend.Data.Months[:1] })
	change("no months", func(r *Report) { r.Trend.Data.Months = nil })
	change("two months", func(r *Report) { r.Trend.Data.Months = r.Trend.Data.Months[:2] })
	change("odd months", func(r *Report) {
		r.Month = "10/2026"
		r.Trend.Data.Months[0].Month = "<bad>"
		r.Trend.Data.Months[1].Month = ""
	})
	change("empty lists", func(r *Report) {
		r.Workforce.Data.Ranks, r.Workforce.Data.Education, r.Workforce.Data.PoliticalTheory = nil, nil, []Share{}
		r.Training.Data.Rows = nil
		r.InTraining.Data.ByCategory = nil
		r.Targets.Data.Rows = nil
		r.Refresher.Data.FurthestBehind = []PersonHours{}
		r.Due.Data.ByCategory, r.Due.Data.MostOverdue = nil, []OverdueTraining{}
		r.Terms.Data.ByCase, r.Terms.Data.List, r.Terms.Data.Lapsed = nil, nil, 0
		r.Evaluation.Data.Ratings, r.Evaluation.Data.Rated, r.Evaluation.Data.InProgress = nil, 0, false
		r.Deliveries.Data.List = nil
		r.DataQuality.Data.Problems, r.DataQuality.Data.People = nil, nil
		r.SelfReported.Data.List = nil
	})
	change("zero figures", func(r *Report) {
		*r.Workforce.Data = Workforce{}
		r.Refresher.Data.MinimumHours, r.Refresher.Data.AverageHours = 0, 0
		r.AsOf = civil.Date{}
	})
	change("negative and large figures", func(r *Report) {
		r.Workforce.Data.Headcount, r.Workforce.Data.Ranked, r.Workforce.Data.RankNone = -1234567, -1, 9223372036854775807
		r.Workforce.Data.IntellectualShare = -12345
		r.Refresher.Data.MinimumHours, r.Refresher.Data.AverageHours = -0.96, 1e15
		r.Due.Data.Days, r.Due.Data.MostOverdue[0].DaysOverdue = -30, -1
		r.Planning.Data.YoungMaxAge, r.Planning.Data.Year = -40, 0
		r.AsOf.Year = 12345
	})
	change("workforce empty with data", func(r *Report) { r.Workforce.Status = StatusEmpty })
	change("training error with data", func(r *Report) { r.Training.Status, r.Training.Error = StatusError, "" })
	change("in training empty", func(r *Report) { r.InTraining.Status = StatusEmpty })
	return out
}

// TestReportHTMLHandMade: the hand-made reports, each in every render state,
// in both languages.
func TestReportHTMLHandMade(t *testing.T) {
	var n htmlCompared
	variants := htmlVariants()
	for i, name := range slices.Sorted(maps.Keys(variants)) {
		r := variants[name]
		for _, lang := range []string{"vi", "en"} {
			compareHTMLStates(t, name, r, htmlStates(r, lang, fakeCharts(i), map[string]string{"trend": "a <b> & 'c'"}), &n)
		}
	}
	t.Logf("%d hand-made reports, %d HTML renderings (%d bytes) and %d texts (%d bytes): identical", len(variants), n.renderings, n.bytes, n.texts, n.textBytes)
}

// randomHTMLReport fills every section of a report at random: its state,
// each list with 0 to a few rows, its figures, its codes (known, unknown
// and odd) and its record strings.
func randomHTMLReport(rng *rand.Rand) *Report {
	str := func() string {
		if rng.IntN(4) == 0 {
			// A string of random bytes, some special.
			const alphabet = "\x00\"&'+<>;=%\\/ aZ9\xc3\xa1\xff-"
			b := make([]byte, rng.IntN(12))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			return string(b)
		}
		return htmlNasty[rng.IntN(len(htmlNasty))]
	}
	code := func(set codes.Set) string {
		switch rng.IntN(6) {
		case 0:
			return ""
		case 1:
			return str()
		}
		cs := set.Codes()
		return cs[rng.IntN(len(cs))]
	}
	pick := func(xs ...string) string {
		if rng.IntN(8) == 0 {
			return str()
		}
		return xs[rng.IntN(len(xs))]
	}
	n64 := func() int64 {
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return -rng.Int64N(100000)
		case 2:
			return rng.Int64()
		}
		return rng.Int64N(5000)
	}
	num := func() int { return int(n64() % 100000) }
	pct := func() Percent { return Percent(n64() % 20000) }
	hours := func() float64 { return float64(rng.IntN(20000)) / float64(1+rng.IntN(100)) }
	date := func() civil.Date {
		if rng.IntN(6) == 0 {
			return civil.Date{}
		}
		return civil.Date{Year: 2020 + rng.IntN(10), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
	}
	rows := func(max int) int { return rng.IntN(max + 1) }
	shares := func(set codes.Set, max int) []Share {
		if rng.IntN(8) == 0 {
			return nil
		}
		out := make([]Share, rows(max))
		for i := range out {
			out[i] = Share{Code: code(set), Count: n64(), Percent: pct()}
		}
		return out
	}
	status := func() (string, bool, string) { // status, data, error
		switch rng.IntN(10) {
		case 0:
			return StatusError, false, str()
		case 1:
			return StatusEmpty, rng.IntN(2) == 0, ""
		case 2:
			return htmlSectionStates[rng.IntN(len(htmlSectionStates))], true, str()
		}
		return StatusOK, true, ""
	}
	category := func() string {
		return code(codes.Category)
	}
	level := func(cat string) string {
		switch cat {
		case "degree":
			return code(codes.Education)
		case "political_theory":
			return code(codes.PoliticalTheory)
		}
		if rng.IntN(3) == 0 {
			return str()
		}
		return ""
	}
	counts := func() Counts { return Counts{n64(), n64(), n64()} }

	r := &Report{Version: Version, Month: Month{2020 + rng.IntN(10), time.Month(1 + rng.IntN(12))}.String(), AsOf: date()}
	r.Scope = Scope{Kind: pick(ScopeAgency, ScopeUnit), Code: str(), Name: str(), Units: rng.IntN(5)}
	// fill sets a section's state, and its data from f when it has some.
	var s string
	var has bool
	var e string
	s, has, e = status()
	r.Workforce = Section[Workforce]{Status: s, Error: e}
	if has {
		r.Workforce.Data = &Workforce{Headcount: n64(), Intellectuals: n64(), IntellectualShare: pct(), Ranks: shares(codes.Rank, 6),
			Ranked: n64(), RankNone: n64(), RankNotRecorded: n64(), Education: shares(codes.Education, 8), PoliticalTheory: shares(codes.PoliticalTheory, 6)}
	}
	s, has, e = status()
	r.Trend = Section[Trend]{Status: s, Error: e}
	if has {
		tr := &Trend{}
		for range rows(13) {
			tr.Months = append(tr.Months, MonthFigures{Month: pick(Month{2020 + rng.IntN(10), time.Month(1 + rng.IntN(12))}.String()),
				Figures: Figures{Headcount: n64(), IntellectualShare: pct(), Completed: n64(), InTraining: n64()}})
		}
		change := func() *Change {
			if rng.IntN(3) == 0 {
				return nil
			}
			return &Change{Headcount: n64(), IntellectualShare: pct(), Completed: n64(), InTraining: n64()}
		}
		tr.PreviousMonth, tr.YearAgo = change(), change()
		if rng.IntN(3) > 0 {
			tr.YearAgoRanks = shares(codes.Rank, 8)
		}
		r.Trend.Data = tr
	}
	s, has, e = status()
	r.Training = Section[Training]{Status: s, Error: e}
	if has {
		tr := &Training{Totals: TrainingRow{Month: counts(), SincePlanStart: counts()}}
		if rng.IntN(3) > 0 {
			tr.Plan = &Plan{Name: str(), StartsOn: date(), EndsOn: date()}
		}
		for range rows(8) {
			cat := category()
			tr.Rows = append(tr.Rows, TrainingRow{Category: cat, Level: level(cat), Month: counts(), SincePlanStart: counts()})
		}
		r.Training.Data = tr
	}
	s, has, e = status()
	r.InTraining = Section[InTraining]{Status: s, Error: e}
	if has {
		x := &InTraining{People: n64(), Participations: n64()}
		for range rows(6) {
			x.ByCategory = append(x.ByCategory, CategoryCount{category(), n64(), n64()})
		}
		r.InTraining.Data = x
	}
	s, has, e = status()
	r.Targets = Section[Targets]{Status: s, Error: e}
	if has {
		x := &Targets{}
		for range rows(6) {
			cat := category()
			x.Rows = append(x.Rows, Target{Plan: str(), Category: cat, Level: level(cat), StartsOn: date(), EndsOn: date(),
				Target: n64(), Done: n64(), ScopeDone: n64(), DonePercent: pct(), Elapsed: pct(), State: pick(TargetDone, TargetOnTrack, TargetBehind)})
		}
		r.Targets.Data = x
	}
	s, has, e = status()
	r.Refresher = Section[Refresher]{Status: s, Error: e}
	if has {
		x := &Refresher{Year: num(), MinimumHours: hours(), People: n64(), Meeting: n64(), Short: n64(), MeetingShare: pct(), AverageHours: hours()}
		for range rows(10) {
			x.FurthestBehind = append(x.FurthestBehind, PersonHours{StaffCode: str(), FullName: str(), Unit: str(), Hours: hours()})
		}
		r.Refresher.Data = x
	}
	s, has, e = status()
	r.Due = Section[Due]{Status: s, Error: e}
	if has {
		x := &Due{Days: num(), Due: n64(), DuePeople: n64(), Overdue: n64(), OverduePeople: n64()}
		for range rows(6) {
			x.ByCategory = append(x.ByCategory, DueCategory{category(), n64(), n64()})
		}
		for range rows(10) {
			x.MostOverdue = append(x.MostOverdue, OverdueTraining{StaffCode: str(), FullName: str(), CourseCode: str(), CourseName: str(),
				DueOn: date(), DaysOverdue: num()})
		}
		r.Due.Data = x
	}
	s, has, e = status()
	r.Terms = Section[Terms]{Status: s, Error: e}
	if has {
		x := &Terms{Until: date(), Ending: n64(), Lapsed: n64()}
		cases := []string{"until_retirement", "full_term", "extension", "retires_first", "unknown"}
		for range rows(5) {
			x.ByCase = append(x.ByCase, CaseCount{pick(cases...), n64()})
		}
		for range rows(20) {
			x.List = append(x.List, TermEnding{StaffCode: str(), FullName: str(), Position: str(), Unit: str(), EndOn: date(),
				RetirementOn: date(), Case: pick(cases...)})
		}
		r.Terms.Data = x
	}
	s, has, e = status()
	r.Planning = Section[Planning]{Status: s, Error: e}
	if has {
		r.Planning.Data = &Planning{Year: num(), Entries: n64(), People: n64(), ReviewedThisYear: n64(), NotReviewed: n64(), Women: n64(),
			WomenShare: pct(), WomenTarget: pct(), Young: n64(), YoungShare: pct(), YoungTarget: pct(), YoungMaxAge: num()}
	}
	s, has, e = status()
	r.Evaluation = Section[Evaluation]{Status: s, Error: e}
	if has {
		r.Evaluation.Data = &Evaluation{Year: num(), Deadline: date(), InProgress: rng.IntN(2) == 0, Staff: n64(), Rated: n64(), NotRated: n64(),
			Ratings: shares(codes.Rating, 5)}
	}
	s, has, e = status()
	r.Deliveries = Section[Deliveries]{Status: s, Error: e}
	if has {
		x := &Deliveries{Failed: n64()}
		for range rows(20) {
			x.List = append(x.List, FailedDelivery{Job: pick("course-reminders", "monthly-digest"), Recipient: str(), Subject: str(), Reply: str()})
		}
		r.Deliveries.Data = x
	}
	s, has, e = status()
	r.DataQuality = Section[DataQuality]{Status: s, Error: e}
	if has {
		kinds := []string{"no_birth_date", "no_education", "no_email", "no_gender", "no_hired_on", "no_political_theory", "no_rank",
			"training_no_due", "unit_head_unreachable", "unit_no_head"}
		x := &DataQuality{}
		for range rows(10) {
			x.Problems = append(x.Problems, Problem{pick(kinds...), n64()})
		}
		for range rows(20) {
			p := PersonProblems{StaffCode: str(), FullName: str()}
			for range rows(4) {
				p.Kinds = append(p.Kinds, pick(kinds...))
			}
			x.People = append(x.People, p)
		}
		r.DataQuality.Data = x
	}
	if rng.IntN(3) > 0 {
		s, has, e = status()
		r.SelfReported = &Section[SelfReported]{Status: s, Error: e}
		if has {
			x := &SelfReported{Answered: n64(), Pending: n64(), Confirmed: n64(), Rejected: n64()}
			for range rows(10) {
				x.List = append(x.List, SelfReport{StaffCode: str(), FullName: str(), Course: str(),
					Answer: pick("done", "registered", "not_applicable"), AnsweredOn: date()})
			}
			r.SelfReported.Data = x
		}
	}
	return r
}

// TestReportHTMLRandom: reports filled at random (a fixed seed), each in
// every render state, in both languages.
func TestReportHTMLRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 10))
	var n htmlCompared
	const reports = 300
	for i := range reports {
		r := randomHTMLReport(rng)
		// Each chart drawn, not drawn, or failed.
		var charts []*Chart
		errs := map[string]string{}
		for _, c := range fakeCharts(i) {
			switch rng.IntN(4) {
			case 0:
			case 1:
				errs[c.Name] = htmlNasty[rng.IntN(len(htmlNasty))]
			default:
				charts = append(charts, c)
			}
		}
		for _, lang := range []string{"vi", "en"} {
			compareHTMLStates(t, fmt.Sprintf("random report %d", i), r, htmlStates(r, lang, charts, errs), &n)
		}
	}
	t.Logf("%d random reports, %d HTML renderings (%d bytes) and %d texts (%d bytes): identical", reports, n.renderings, n.bytes, n.texts, n.textBytes)
}

// htmlEscapersTemplate prints its string in text, in a quoted attribute, in
// a style attribute's value, and as a URL (of type htmltemplate.URL, as the
// template function src gives it) in a src attribute.
func htmlEscapersTemplate(t *testing.T) *htmltemplate.Template {
	t.Helper()
	tmpl, err := htmltemplate.New("escapers").Funcs(htmltemplate.FuncMap{"url": func(s string) htmltemplate.URL { return htmltemplate.URL(s) }}).
		Parse(`<p>{{.}}</p><p title="{{.}}" style="color:{{.}};"><img src="{{url .}}"></p>`)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// TestReportHTMLEscapers: the escapers against html/template's own, through
// a template that prints a value in each context writeReportHTML writes
// one in.
func TestReportHTMLEscapers(t *testing.T) {
	tmpl := htmlEscapersTemplate(t)
	rng := rand.New(rand.NewPCG(7, 7))
	alphabet := "\x00\t\n\r \"#%&'()+,-./0:;<=>?@AZ[\\]^_`az{|}~\x7f\xc3\xa1\xe1\xbb\x87\xef\xb7\x90\xff"
	inputs := append([]string{}, htmlNasty...)
	inputs = append(inputs, "#c0392b", "600", "-600", "1--2", "\\41 bc", "\\0", `\"`, "\\", "a\\", "\\110000", "\\d800x", "ex\\70 ression",
		"eXpReSsIoN", "moz-binding", "Moz\\-Binding", "expr/**/ession", "#fff\\;", "%2", "%4g", "%%41")
	for range 3000 {
		b := make([]byte, rng.IntN(10))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		var want bytes.Buffer
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		got.WriteString("<p>")
		escapeHTML(&got, s)
		got.WriteString(`</p><p title="`)
		escapeHTML(&got, s)
		got.WriteString(`" style="color:`)
		escapeHTML(&got, filterCSSValue(s))
		got.WriteString(`;"><img src="`)
		escapeHTML(&got, normalizeURL(s))
		got.WriteString(`"></p>`)
		if got.String() != want.String() {
			t.Fatalf("%q: %s", s, htmlDiff(want.String(), got.String()))
		}
	}
	t.Logf("%d strings in text, attribute, style and URL: identical", len(inputs))
}
