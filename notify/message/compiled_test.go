package message

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// TestEveryTemplateCompiled: every part of every embedded template compiles,
// so no default message is run through reflection.
func TestEveryTemplateCompiled(t *testing.T) {
	tm, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	if len(tm.fast) != len(tm.text) || len(tm.text) < 12 {
		t.Fatalf("%d templates compiled of %d", len(tm.fast), len(tm.text))
	}
	if u := tm.Uncompiled(); len(u) > 0 {
		t.Errorf("not compiled: %q", u)
	}
	for key, c := range tm.fast {
		if c.subject == nil || c.text == nil || c.html == nil {
			t.Errorf("%s: a part did not compile (subject %v, text %v, html %v)", key, c.subject != nil, c.text != nil, c.html != nil)
		}
	}
}

// TestEveryFunctionAdapted: each template function runs compiled; one that
// did not would leave every template calling it to text/template.
func TestEveryFunctionAdapted(t *testing.T) {
	for name, f := range commonFuncs("vi") {
		if wrapFunc(f) == nil {
			t.Errorf("%s: no adapter for %T", name, f)
		}
	}
}

// odd strings: HTML and URL syntax, NUL, invalid UTF-8, Vietnamese.
var oddTexts = []string{
	"Nguyễn Thị Ánh", "<b>Đào & tạo</b>", `Trần "Quốc" O'Brien + 1`, "a\x00b", "bad \xff\xfe utf-8",
	"javascript:alert(1)", "", "  spaced  ", "ﷰ\uFFFEend",
}

var oddURLs = []string{
	"https://tickler.example.vn/a/Abc-123_x", "https://x.vn/a b?c=<d>&e='f'", "javascript:alert(1)",
	"HTTP://X.VN/%41%zz", "mailto:a@b.vn", "/relative/path#frag", "data:text/html,<x>",
}

var kinds = []string{
	"training_due", "training_overdue", "certificate_expiry", "self_reported", "data_problem",
	"term_ending", "review_overdue", "planning_entry", "planning_share", "evaluation_unit",
	"evaluation_missing", "refresher_short",
}

// randomView draws a view with items of random kinds, about the recipient or
// others, with the fields the templates read set, unset or of odd values.
func randomView(r *rand.Rand, lang, job string) *View {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	date := civil.MustParse("2026-11-26")
	to := notify.Recipient{Name: pick(oddTexts), Email: "a@example.vn", StaffCode: pick([]string{"S1", "", "S2"})}
	v := &View{Lang: lang, Job: job, Date: date, To: to, Office: pick(oddTexts), IDDomain: "example.vn",
		ListLimit: pick2(r, 0, 1, 3, 200)}
	if r.IntN(2) == 0 {
		v.ListURL, v.ListUntil = pick(oddURLs), date.AddDays(30)
	}
	n := r.IntN(8)
	for i := range n {
		staff := pick([]string{"S1", "S2", "S3", to.StaffCode})
		it := notify.Item{Kind: pick(kinds), Key: fmt.Sprint("k", i), Step: "s", StaffCode: staff, StaffName: pick(oddTexts),
			Unit: pick(oddTexts), Ref: "R", RefName: pick(oddTexts), Note: pick(oddTexts), Days: r.IntN(120) - 60,
			Fields: map[string]any{}}
		if r.IntN(5) > 0 {
			it.Date = date.AddDays(it.Days)
		}
		f := it.Fields
		set := func(k string, v any) {
			if r.IntN(4) > 0 {
				f[k] = v
			}
		}
		set(notify.FieldAnswerURL, pick(oddURLs))
		set("answer_id", pick([]string{"A1", "<x>", ""}))
		set("told", []string{pick(oddTexts), pick(oddTexts)})
		set("person_told", r.IntN(2) == 0)
		set("completed_on", date.AddDays(-400))
		set("valid_months", pick2(r, 12, 24))
		set("unit_name", pick(oddTexts))
		set("review_deadline", date.AddDays(r.IntN(90)))
		set("retirement", date.AddDays(r.IntN(900)))
		set("case_text", pick(oddTexts))
		set("flags", []string{"a", "b"})
		set("flag_texts", []string{pick(oddTexts)})
		set("recipient_name", pick(oddTexts))
		set("attempts", r.IntN(5))
		set("failed_at", pick(oddTexts))
		for _, k := range []string{"people", "young", "women", "no_birth_date", "no_gender", "young_max_age", "missing", "rated", "staff"} {
			set(k, r.IntN(50))
		}
		for _, k := range []string{"young_share", "young_target", "women_share", "women_target", "minimum", "done", "short", "planned_hours"} {
			set(k, float64(r.IntN(4000))/100)
		}
		for _, k := range []string{"young_ok", "women_ok", "still_short"} {
			set(k, r.IntN(2) == 0)
		}
		set("period", pick(oddTexts))
		set("planned", []struct {
			Name   string
			Hours  float64
			DueOn  civil.Date
			Status string
		}{{pick(oddTexts), 12.5, date.AddDays(10), "planned"}, {pick(oddTexts), 4, civil.Date{}, "in_progress"}})
		if r.IntN(3) == 0 {
			f[notify.FieldDeadlines] = []notify.Deadline{{Key: it.Key + "/due", Date: date.AddDays(20), Title: pick(oddTexts)}}
		}
		v.Items = append(v.Items, &it)
	}
	return v
}

func pick2(r *rand.Rand, ns ...int) int { return ns[r.IntN(len(ns))] }

// renderBoth renders v with the compiled templates and with text/template
// and html/template alone; the two must agree byte for byte, or both fail.
// It reports whether a compiled part left a render that succeeds to its
// template.
func renderBoth(t *testing.T, tm *Templates, v func() *View) (compiledFell bool) {
	t.Helper()
	before := tm.Fallbacks()
	got, gerr := tm.Render(v())
	want, werr := tm.Interpreted().Render(v())
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("%s/%s: compiled error %v, interpreted error %v", v().Lang, v().Job, gerr, werr)
	}
	for _, p := range [][3]string{{"subject", got.Subject, want.Subject}, {"text", got.Text, want.Text}, {"html", got.HTML, want.HTML}} {
		if p[1] != p[2] {
			t.Fatalf("%s/%s %s differs:\ncompiled:\n%s\ninterpreted:\n%s", v().Lang, v().Job, p[0], p[1], p[2])
		}
	}
	if len(got.Attachments) != len(want.Attachments) || (got.List == nil) != (want.List == nil) {
		t.Fatalf("%s/%s: attachments or list differ", v().Lang, v().Job)
	}
	// A template that fails can only fail through the fallback.
	return werr == nil && tm.Fallbacks() != before
}

// TestCompiledMatchesTemplates renders random views of every job in both
// languages, with odd text and URLs, through the compiled templates and
// through html/template and text/template, and requires the same bytes. The
// default templates must never need the fallback for these views.
func TestCompiledMatchesTemplates(t *testing.T) {
	tm, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var keys []string
	for key := range tm.text {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		lang, job := filepath.Split(key)
		lang = filepath.Clean(lang)
		for range 300 {
			seed1, seed2 := r.Uint64(), r.Uint64()
			view := func() *View { return randomView(rand.New(rand.NewPCG(seed1, seed2)), lang, job) }
			if renderBoth(t, tm, view) {
				t.Errorf("%s: the compiled template fell back (seed %d, %d)", key, seed1, seed2)
			}
		}
	}
}

// TestCompiledCustomTemplate: a template of the agency's own, using what the
// compiled form leaves to text/template (a map, a method it does not know,
// printing a nil), renders the same bytes as text/template gives.
func TestCompiledCustomTemplate(t *testing.T) {
	dir := t.TempDir()
	body := `{{define "subject"}}{{.Date.VN}} {{.Date.Year}}{{end}}
{{define "text"}}{{range .Items}}{{.Fields.unit_name}}|{{field . "nope"}}|{{printf "%05d" .Days}}|{{index $.Items 0 | printf "%v"}}|{{len .Fields}}{{end}}
{{$x := 1}}{{range $i, $e := .Items}}{{$x = $i}}{{$e.StaffCode}}{{end}}{{$x}} {{if and .Items (gt (len .Items) 1)}}many{{else}}few{{end}} {{or .ListURL "none"}}
{{end}}
{{define "html"}}<a href="{{.ListURL}}" title="{{.Office}}">{{range .Items}}{{.Fields.answer_url}}{{end}}</a><script>var x = {{.Office}};</script>{{end}}`
	if err := os.MkdirAll(filepath.Join(dir, "vi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vi", "course-reminders.tmpl"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	tm, err := LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tm.fast["vi/course-reminders"].html != nil {
		t.Error("a template with a <script> value compiled: its JavaScript escaper is not copied here")
	}
	r := rand.New(rand.NewPCG(3, 4))
	fell := 0
	for range 200 {
		seed1, seed2 := r.Uint64(), r.Uint64()
		if renderBoth(t, tm, func() *View { return randomView(rand.New(rand.NewPCG(seed1, seed2)), "vi", "course-reminders") }) {
			fell++
		}
	}
	if fell == 0 {
		t.Error("no render fell back, though the template reads a map and calls civil.Date.VN")
	}
}

// TestHTMLThatCannotBeEscaped: an HTML part html/template refuses (here an
// attribute left open) would fail every message at 07:00; it fails the
// loading, naming the file, so that check and a reload refuse it.
func TestHTMLThatCannotBeEscaped(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "en"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := `{{define "subject"}}x{{end}}{{define "text"}}x{{end}}{{define "html"}}<a href="{{.ListURL}}>x{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "en", "reappointments.tmpl"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadTemplates(dir)
	if err == nil || !strings.Contains(err.Error(), "en/reappointments.tmpl") || !strings.Contains(err.Error(), "html/template") {
		t.Fatalf("got %v, want an error naming en/reappointments.tmpl and html/template's complaint", err)
	}
}

// TestListsShareItems: a template filters, cuts and indexes .Items and the
// lists its filters give (Lists: pointers to the items) as it would lists of
// the items themselves, compiled with the same bytes as text/template. The
// filters copy no item: each element of their lists is one of View.Items.
func TestListsShareItems(t *testing.T) {
	body := `{{define "subject"}}{{len (having .Items "flags")}}/{{len (having (.Of "training_due" "term_ending") "flags")}}{{end}}
{{define "one"}}[{{.StaffCode}} {{.RefName}} {{field . "unit_name"}} {{fdate . "completed_on"}} {{.Days}}]{{end}}
{{define "text"}}{{range $.Shown .Items}}{{template "one" .}}{{end}}
{{with .Others "training_due" "term_ending"}}{{len .}}: {{range $.Shown (having . "flags")}}{{template "one" .}}{{end}} {{template "one" (index . 0)}}{{end}}
{{joined .Items "told"}}|{{joined (.Mine "training_due") "told"}}|{{range .Answerable}}{{.Ref}}{{end}}|{{(.First "term_ending").StaffCode}}
{{end}}
{{define "html"}}<p>{{range $.Shown (having .Items "person_told")}}{{template "one" .}}{{end}}{{range .Of "planning_entry"}}{{.Note}}{{end}}</p>{{end}}`
	tm, err := ParseTemplates(map[string][]byte{"en/course-reminders.tmpl": []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		seed1, seed2 := r.Uint64(), r.Uint64()
		if renderBoth(t, tm, func() *View { return randomView(rand.New(rand.NewPCG(seed1, seed2)), "en", "course-reminders") }) {
			t.Fatal("a list of items was left to text/template")
		}
	}
	v := randomView(rand.New(rand.NewPCG(7, 8)), "en", "course-reminders")
	for len(v.Items) < 6 {
		v = randomView(rand.New(rand.NewPCG(uint64(len(v.Items)), 9)), "en", "course-reminders")
	}
	lists := []List{v.Of(kinds...), v.Of(v.Items[0].Kind), v.Others(kinds...), v.Mine(kinds...), v.Answerable()}
	for _, l := range lists {
		for _, p := range l {
			if !within(v.Items, p) {
				t.Fatalf("an item of a filtered list is a copy, not an item of View.Items")
			}
		}
	}
	if len(lists[0]) != len(v.Items) {
		t.Fatalf("Of(every kind) has %d items of %d", len(lists[0]), len(v.Items))
	}
}

// within reports whether p is an element of items.
func within(items List, p *notify.Item) bool {
	return slices.Contains(items, p)
}
