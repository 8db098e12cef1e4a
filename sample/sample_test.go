package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"golang.org/x/text/unicode/norm"
)

var demoAt = civil.MustParse("2026-11-26")

// agency is a generated sample read back from its files: one table per kind,
// rows as maps from column to cell.
type agency struct {
	at     civil.Date
	sum    Summary
	tables map[string][]map[string]string
}

func generate(t testing.TB, n int, at civil.Date, seed int64) *agency {
	t.Helper()
	dir := t.TempDir()
	sum, err := Generate(dir, Options{Staff: n, At: at, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	a := &agency{at: at, sum: sum, tables: map[string][]map[string]string{}}
	for _, kind := range Kinds() {
		f, err := os.Open(filepath.Join(dir, kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s.csv: %v", kind, err)
		}
		if got, want := strings.Join(recs[0], ","), strings.Join(Columns(kind), ","); got != want {
			t.Fatalf("%s.csv header = %s, want %s", kind, got, want)
		}
		rows := make([]map[string]string, 0, len(recs)-1)
		for _, rec := range recs[1:] {
			m := map[string]string{}
			for i, c := range recs[0] {
				m[c] = rec[i]
			}
			rows = append(rows, m)
		}
		a.tables[kind] = rows
	}
	return a
}

func (a *agency) rows(kind string) []map[string]string { return a.tables[kind] }

func (a *agency) date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// byCode indexes a table by its code column.
func (a *agency) byCode(kind string) map[string]map[string]string {
	m := map[string]map[string]string{}
	for _, r := range a.rows(kind) {
		m[r["code"]] = r
	}
	return m
}

func age(birth, at civil.Date) int {
	y := at.Year - birth.Year
	if at.Month < birth.Month || (at.Month == birth.Month && at.Day < birth.Day) {
		y--
	}
	return y
}

func share(n, of int) float64 { return 100 * float64(n) / float64(of) }

func TestSameSeedSameFiles(t *testing.T) {
	files := func(seed int64) map[string][]byte {
		dir := t.TempDir()
		if _, err := Generate(dir, Options{Staff: 700, At: demoAt, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, k := range Kinds() {
			b, err := os.ReadFile(filepath.Join(dir, k+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			out[k] = b
		}
		return out
	}
	a, b, c := files(7), files(7), files(8)
	for _, k := range Kinds() {
		if !bytes.Equal(a[k], b[k]) {
			t.Errorf("%s.csv differs between two runs with the same seed", k)
		}
	}
	for _, k := range []string{"staff", "training", "appointments", "planning", "evaluations"} {
		if bytes.Equal(a[k], c[k]) {
			t.Errorf("%s.csv is the same for seeds 7 and 8", k)
		}
	}
}

func TestOptionsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Options
		want string
	}{
		// No staff is a usage error, not an empty agency.
		{"no staff", Options{Staff: 0, At: demoAt}, "staff must be"},
		// The generator never reads the clock: the date is required.
		{"no date", Options{Staff: 10}, "required"},
	} {
		_, err := Each(tc.opt, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// The shares of the seed report, within tolerance, for an agency of 5,000.
func TestProportions(t *testing.T) {
	a := generate(t, 5000, demoAt, 42)
	staff := a.rows("staff")
	count := func(col string) map[string]int {
		m := map[string]int{}
		for _, s := range staff {
			m[s[col]]++
		}
		return m
	}
	n := len(staff)
	rank, edu, gender := count("rank"), count("education"), count("gender")
	for _, c := range []struct {
		what      string
		got, want float64
		tol       float64
	}{
		{"senior specialists", share(rank["senior_specialist"], n), 9, 1.5},
		{"principal specialists", share(rank["principal_specialist"], n), 43, 2.5},
		{"specialists", share(rank["specialist"], n), 45, 2.5},
		{"officers", share(rank["officer"], n), 2, 1},
		{"staff rank", share(rank["staff"], n), 1, 0.7},
		{"intellectuals", share(edu["doctorate"]+edu["master"]+edu["bachelor"], n), 92, 1.5},
		{"doctorates", share(edu["doctorate"], n), 2, 1},
		{"masters", share(edu["master"], n), 25, 2.5},
		{"men", share(gender["male"], n), 55, 2.5},
	} {
		if c.got < c.want-c.tol || c.got > c.want+c.tol {
			t.Errorf("%s: %.2f%%, want %.0f%% ± %.1f", c.what, c.got, c.want, c.tol)
		}
	}

	holders := map[string]bool{}
	for _, r := range a.rows("appointments") {
		if r["ended_on"] == "" {
			holders[r["staff_code"]] = true
		}
	}
	perPerson := float64(len(a.rows("training"))) / float64(n)
	for _, c := range []struct {
		what      string
		got       float64
		low, high float64
	}{
		{"training rows per person", perPerson, 4.5, 5.5},
		{"% holding an appointment", share(len(holders), n), 18, 30},
		{"appointment rows per 100 staff", share(len(a.rows("appointments")), n), 22, 35},
		{"% who left", share(len(nonEmpty(staff, "left_on")), n), 1, 3},
		{"% without email", 100 - share(len(nonEmpty(staff, "email")), n), 0.5, 2},
		{"% without birth date", 100 - share(len(nonEmpty(staff, "birth_date")), n), 0.1, 1},
	} {
		if c.got < c.low || c.got > c.high {
			t.Errorf("%s: %.2f, want %.1f..%.1f", c.what, c.got, c.low, c.high)
		}
	}
}

func nonEmpty(rows []map[string]string, col string) []map[string]string {
	var out []map[string]string
	for _, r := range rows {
		if r[col] != "" {
			out = append(out, r)
		}
	}
	return out
}

// Planning: about 15% of staff, women at least 25%, young cadres near 15%, at
// most 3 posts a person, and a few posts over-subscribed for the review to flag.
func TestPlanningList(t *testing.T) {
	a := generate(t, 5000, demoAt, 42)
	staff := a.byCode("staff")
	people := map[string]int{}
	perPost := map[string]int{}
	women, young := 0, 0
	for _, r := range a.rows("planning") {
		people[r["staff_code"]]++
		if r["status"] == "active" {
			perPost[r["position"]+" "+r["period"]]++
		}
		s := staff[r["staff_code"]]
		if s["gender"] == "female" {
			women++
		}
		if age(a.date(t, s["birth_date"]), a.at) < 35 {
			young++
		}
	}
	n := len(a.rows("planning"))
	if got := share(len(people), len(staff)); got < 11 || got > 19 {
		t.Errorf("%.1f%% of staff in planning, want about 15%%", got)
	}
	if got := share(women, n); got < 25 {
		t.Errorf("women are %.1f%% of the planning list, want at least 25%%", got)
	}
	if got := share(young, n); got < 12 || got > 25 {
		t.Errorf("young cadres (under 35) are %.1f%% of the planning list, want near 15%%", got)
	}
	for p, k := range people {
		if k > 3 {
			t.Errorf("%s is planned for %d posts", p, k)
		}
	}
	over := 0
	for _, k := range perPost {
		if k > 3 {
			over++
		}
	}
	if over == 0 || over > len(perPost)/10 {
		t.Errorf("%d of %d posts have more than 3 people, want a few", over, len(perPost))
	}
}

// Even the smallest demo has reminders on its first day: trainings due in 1, 7
// and 30 days and overdue, a certificate expiring, terms ending, a person near
// retirement holding a post, people short of refresher hours.
func TestDemoHasReminders(t *testing.T) {
	a := generate(t, 30, demoAt, 1)
	at := a.at
	due := map[string]bool{}
	for _, r := range a.rows("training") {
		if r["status"] != "enrolled" && r["status"] != "planned" {
			continue
		}
		d := at.DaysUntil(a.date(t, r["due_on"]))
		switch {
		case d < 0:
			due["overdue"] = true
		case d == 1:
			due["1 day"] = true
		case d == 7:
			due["7 days"] = true
		case d == 30:
			due["30 days"] = true
		}
	}
	for _, w := range []string{"overdue", "1 day", "7 days", "30 days"} {
		if !due[w] {
			t.Errorf("no training due in %s", w)
		}
	}

	courses := a.byCode("courses")
	expiring := 0
	hours := map[string]float64{}
	for _, r := range a.rows("training") {
		if r["status"] != "completed" {
			continue
		}
		done := a.date(t, r["completed_on"])
		if m := courses[r["course_code"]]["valid_months"]; m != "" {
			k, _ := strconv.Atoi(m)
			if d := at.DaysUntil(done.AddMonths(k)); d >= 0 && d <= 30 {
				expiring++
			}
		}
		if done.Year == at.Year && courses[r["course_code"]]["category"] == "refresher" {
			h, _ := strconv.ParseFloat(r["hours"], 64)
			hours[r["staff_code"]] += h
		}
	}
	if expiring == 0 {
		t.Error("no certificate expires within 30 days")
	}
	short, over := 0, 0
	for _, s := range a.rows("staff") {
		if hours[s["code"]] < 40 {
			short++
		} else {
			over++
		}
	}
	if short == 0 || over == 0 {
		t.Errorf("%d people under 40 refresher hours this year and %d at or over, want some of both", short, over)
	}

	staff := a.byCode("staff")
	ends := map[int]bool{}
	retiring := map[int]bool{}
	for _, r := range a.rows("appointments") {
		if r["ended_on"] != "" {
			continue
		}
		d := at.DaysUntil(a.date(t, r["end_on"]))
		for _, step := range []int{30, 60, 90, 120} {
			if d > step-30 && d <= step {
				ends[step] = true
			}
		}
		s := staff[r["staff_code"]]
		ret := retirement(a.date(t, s["birth_date"]), s["gender"] == "male")
		for _, years := range []int{2, 5} {
			if ret.Before(at.AddYears(years)) {
				retiring[years] = true
			}
		}
	}
	for _, step := range []int{30, 60, 90, 120} {
		if !ends[step] {
			t.Errorf("no term ends within %d days (and after %d)", step, step-30)
		}
	}
	for _, y := range []int{2, 5} {
		if !retiring[y] {
			t.Errorf("no appointment holder retires within %d years", y)
		}
	}

	perPost := map[string]int{}
	planned := map[string]bool{}
	for _, r := range a.rows("planning") {
		if r["status"] == "active" {
			perPost[r["position"]+" "+r["period"]]++
			planned[r["staff_code"]] = true
		}
	}
	over3 := false
	for _, k := range perPost {
		over3 = over3 || k > 3
	}
	if !over3 {
		t.Error("no post has more than 3 people planned")
	}
	poor := false
	for _, r := range a.rows("evaluations") {
		if planned[r["staff_code"]] && r["rating"] == "not_completed" && r["year"] == strconv.Itoa(at.Year-1) {
			poor = true
		}
	}
	if !poor {
		t.Error("no planned person was rated not_completed last year")
	}
}

// Every row of every size: keys unique, references resolved, codes and dates
// valid, people of working age, heads and managers consistent.
func TestIntegrity(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 30, 150, 281, 296, 2000} {
		for _, at := range []civil.Date{demoAt, civil.MustParse("2027-01-03"), civil.MustParse("2030-12-20")} {
			t.Run(fmt.Sprintf("%d staff at %s", n, at), func(t *testing.T) {
				checkIntegrity(t, generate(t, n, at, int64(n)))
			})
		}
	}
}

var (
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dateColumn = regexp.MustCompile(`_on$|_date$`)
)

func checkIntegrity(t *testing.T, a *agency) {
	at := a.at
	// Counts match the files.
	for kind, n := range map[string]int{
		"units": a.sum.Units, "staff": a.sum.Staff, "courses": a.sum.Courses, "training": a.sum.Training,
		"appointments": a.sum.Appointments, "planning": a.sum.Planning, "targets": a.sum.Targets, "evaluations": a.sum.Evaluations,
	} {
		if len(a.rows(kind)) != n {
			t.Errorf("summary says %d %s, the file has %d", n, kind, len(a.rows(kind)))
		}
	}

	// Keys are unique.
	keys := map[string][]string{
		"units": {"code"}, "staff": {"code"}, "courses": {"code"},
		"training":     {"staff_code", "course_code", "start_on"},
		"appointments": {"staff_code", "position", "start_on"},
		"planning":     {"staff_code", "position", "period"},
		"targets":      {"plan", "category", "level"},
		"evaluations":  {"staff_code", "year"},
	}
	for _, kind := range Kinds() {
		seen := map[string]bool{}
		for _, r := range a.rows(kind) {
			var k []string
			for _, c := range keys[kind] {
				k = append(k, r[c])
			}
			key := strings.Join(k, "|")
			if seen[key] {
				t.Errorf("%s: duplicate key %s", kind, key)
			}
			seen[key] = true
			// Dates are well formed.
			for c, v := range r {
				if dateColumn.MatchString(c) && v != "" {
					if !dateRe.MatchString(v) {
						t.Errorf("%s %s: %s = %q is not YYYY-MM-DD", kind, key, c, v)
					} else {
						a.date(t, v)
					}
				}
			}
		}
	}

	units, staff, courses := a.byCode("units"), a.byCode("staff"), a.byCode("courses")
	if len(staff) != a.sum.Staff || a.sum.Staff == 0 {
		t.Fatalf("%d staff", len(staff))
	}
	headOf := map[string]string{}
	for _, u := range a.rows("units") {
		if p := u["parent_code"]; p != "" && units[p] == nil {
			t.Errorf("unit %s: parent %s does not exist", u["code"], p)
		}
		h := staff[u["head_code"]]
		if h == nil || h["unit_code"] != u["code"] {
			t.Errorf("unit %s: head %s is not a member", u["code"], u["head_code"])
		}
		headOf[u["code"]] = u["head_code"]
		if !strings.HasSuffix(u["email"], "@example.vn") {
			t.Errorf("unit %s: email %q", u["code"], u["email"])
		}
		if !norm.NFC.IsNormalString(u["name"]) {
			t.Errorf("unit %s: name %q is not NFC", u["code"], u["name"])
		}
	}
	// Exactly one root.
	roots := 0
	for _, u := range a.rows("units") {
		if u["parent_code"] == "" {
			roots++
		}
	}
	if roots != 1 {
		t.Errorf("%d root units", roots)
	}

	valid := func(set codes.Set, v, what string) {
		if c, ok := set.Parse(v); !ok || c != v {
			t.Errorf("%s: %q is not a %s code", what, v, set.Name)
		}
	}
	emails := map[string]bool{}
	for _, s := range a.rows("staff") {
		code := s["code"]
		u := units[s["unit_code"]]
		if u == nil {
			t.Errorf("staff %s: unit %s does not exist", code, s["unit_code"])
			continue
		}
		wantManager := headOf[s["unit_code"]]
		if wantManager == code {
			wantManager = headOf[u["parent_code"]] // a head reports to the parent unit's head
		}
		if s["manager_code"] != wantManager {
			t.Errorf("staff %s: manager %q, want %q", code, s["manager_code"], wantManager)
		}
		if !norm.NFC.IsNormalString(s["full_name"]) || len(strings.Fields(s["full_name"])) < 3 {
			t.Errorf("staff %s: name %q", code, s["full_name"])
		}
		if e := s["email"]; e != "" {
			if emails[e] || !regexp.MustCompile(`^[a-z]+[0-9]+@example\.vn$`).MatchString(e) {
				t.Errorf("staff %s: email %q", code, e)
			}
			emails[e] = true
		}
		valid(codes.Gender, s["gender"], code)
		valid(codes.Rank, s["rank"], code)
		valid(codes.Education, s["education"], code)
		valid(codes.PoliticalTheory, s["political_theory"], code)
		hired := a.date(t, s["hired_on"])
		if hired.After(at) {
			t.Errorf("staff %s: hired %s, after %s", code, hired, at)
		}
		if l := s["left_on"]; l != "" {
			if left := a.date(t, l); !left.After(hired) || left.After(at) {
				t.Errorf("staff %s: left %s, hired %s", code, left, hired)
			}
		}
		if s["birth_date"] == "" {
			continue
		}
		birth := a.date(t, s["birth_date"])
		if y := age(birth, at); y < 18 || y > 65 {
			t.Errorf("staff %s: %d years old", code, y)
		}
		if hired.Before(birth.AddYears(22)) {
			t.Errorf("staff %s: hired %s before 22 (born %s)", code, hired, birth)
		}
		if s["left_on"] == "" && retirement(birth, s["gender"] == "male").Before(at) {
			t.Errorf("staff %s: still working after retirement (born %s)", code, birth)
		}
	}

	for _, c := range a.rows("courses") {
		valid(codes.Category, c["category"], c["code"])
		if c["level"] != "" {
			if c["category"] == "degree" {
				valid(codes.Education, c["level"], c["code"])
			} else {
				valid(codes.PoliticalTheory, c["level"], c["code"])
			}
		}
	}
	for _, r := range a.rows("training") {
		who := r["staff_code"] + " " + r["course_code"] + " " + r["start_on"]
		s, c := staff[r["staff_code"]], courses[r["course_code"]]
		if s == nil || c == nil {
			t.Errorf("training %s: unknown staff or course", who)
			continue
		}
		valid(codes.TrainingStatus, r["status"], who)
		switch r["status"] {
		case "completed":
			if r["completed_on"] == "" || a.date(t, r["completed_on"]).After(at) || a.date(t, r["completed_on"]).Before(a.date(t, r["start_on"])) {
				t.Errorf("training %s: completed on %q", who, r["completed_on"])
			}
			// A completed course never grants more than the person holds.
			if lv := c["level"]; lv != "" {
				set, held := codes.PoliticalTheory, s["political_theory"]
				if c["category"] == "degree" {
					set, held = codes.Education, s["education"]
				}
				if set.Rank(lv) > set.Rank(held) {
					t.Errorf("training %s: completed %s but holds %s", who, lv, held)
				}
			}
		case "enrolled", "planned":
			if r["due_on"] == "" || r["completed_on"] != "" {
				t.Errorf("training %s: open without a due date", who)
			}
			if s["left_on"] != "" {
				t.Errorf("training %s: open for someone who left", who)
			}
		}
		if a.date(t, r["start_on"]).Before(a.date(t, s["hired_on"])) {
			t.Errorf("training %s: starts before hire %s", who, s["hired_on"])
		}
	}

	holds := map[string]bool{}
	for _, r := range a.rows("appointments") {
		who := r["staff_code"] + " " + r["position"] + " " + r["start_on"]
		s := staff[r["staff_code"]]
		if s == nil || units[r["unit_code"]] == nil || s["unit_code"] != r["unit_code"] {
			t.Errorf("appointment %s: unknown staff or unit", who)
			continue
		}
		start, end := a.date(t, r["start_on"]), a.date(t, r["end_on"])
		if end != start.AddYears(5) {
			t.Errorf("appointment %s: ends %s, want start + 5 years", who, end)
		}
		if start.After(at) || start.Before(a.date(t, s["hired_on"])) {
			t.Errorf("appointment %s: starts %s", who, start)
		}
		if r["ended_on"] == "" {
			holds[r["staff_code"]+" "+r["unit_code"]] = true
		}
		if !regexp.MustCompile(`^\d+(-QĐ/(TU|HU)|/QĐ-BTC(TU|HU))$`).MatchString(r["decision_no"]) {
			t.Errorf("appointment %s: decision %q", who, r["decision_no"])
		}
	}
	for code, h := range headOf {
		if !holds[h+" "+code] {
			t.Errorf("unit %s: head %s holds no appointment there", code, h)
		}
	}

	for _, r := range a.rows("planning") {
		if staff[r["staff_code"]] == nil {
			t.Errorf("planning %s: unknown staff", r["staff_code"])
		}
		valid(codes.PlanningStatus, r["status"], r["staff_code"])
		if !regexp.MustCompile(`^\d{4}-\d{4}$`).MatchString(r["period"]) {
			t.Errorf("planning %s: period %q", r["staff_code"], r["period"])
		}
		if a.date(t, r["approved_on"]).After(at) || (r["reviewed_on"] != "" && a.date(t, r["reviewed_on"]).After(at)) {
			t.Errorf("planning %s: approved or reviewed after %s", r["staff_code"], at)
		}
	}
	for _, r := range a.rows("targets") {
		valid(codes.Category, r["category"], r["plan"])
		if n, err := strconv.Atoi(r["target"]); err != nil || n < 1 {
			t.Errorf("target %v", r)
		}
	}
	for _, r := range a.rows("evaluations") {
		if staff[r["staff_code"]] == nil {
			t.Errorf("evaluation %s: unknown staff", r["staff_code"])
		}
		valid(codes.Rating, r["rating"], r["staff_code"])
		y, _ := strconv.Atoi(r["year"])
		if y > at.Year || y < at.Year-3 {
			t.Errorf("evaluation %s: year %d", r["staff_code"], y)
		}
		if y == at.Year && at.Month < time.December {
			t.Errorf("evaluation %s: rated for %d before the season", r["staff_code"], y)
		}
	}
}

// Each hands the same rows to any sink, kind by kind in the order of Kinds.
func TestEachStreamsKindByKind(t *testing.T) {
	var s orderSink
	sum, err := Each(Options{Staff: 500, At: demoAt, Seed: 3}, &s)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(s.order, ","), strings.Join(Kinds(), ","); got != want {
		t.Errorf("kinds came in the order %s, want %s", got, want)
	}
	if sum.Staff != 500 || sum.Training != s.rows["training"] || sum.Units != s.rows["units"] {
		t.Errorf("summary %v, sink saw %v", sum, s.rows)
	}
}

// orderSink records the order in which kinds arrive and counts rows.
type orderSink struct {
	order []string
	rows  map[string]int
}

func (s *orderSink) saw(kind string) error {
	if s.rows == nil {
		s.rows = map[string]int{}
	}
	if len(s.order) == 0 || s.order[len(s.order)-1] != kind {
		s.order = append(s.order, kind)
	}
	s.rows[kind]++
	return nil
}

func (s *orderSink) Unit(Unit) error               { return s.saw("units") }
func (s *orderSink) Staff(Staff) error             { return s.saw("staff") }
func (s *orderSink) Course(Course) error           { return s.saw("courses") }
func (s *orderSink) Training(Training) error       { return s.saw("training") }
func (s *orderSink) Appointment(Appointment) error { return s.saw("appointments") }
func (s *orderSink) Planning(Planning) error       { return s.saw("planning") }
func (s *orderSink) Target(Target) error           { return s.saw("targets") }
func (s *orderSink) Evaluation(Evaluation) error   { return s.saw("evaluations") }

// A failed generation leaves no files behind that an import could pick up.
func TestFailedGenerationLeavesNoFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Staff: 10, At: demoAt}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	if os.Getuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	if _, err := Generate(dir, Options{Staff: 10, At: demoAt}); err == nil {
		t.Error("no error writing into a read-only directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(Kinds()) {
		t.Errorf("%d entries left in the directory, want the %d files of the first run", len(entries), len(Kinds()))
	}
}

// The retirement rule, against the check rows of docs/domain.md.
func TestRetirement(t *testing.T) {
	for _, c := range []struct {
		born   string
		male   bool
		months int // age at retirement
	}{
		{"1961-01-10", true, 60*12 + 3}, {"1961-10-10", true, 60*12 + 6}, {"1962-07-10", true, 60*12 + 9},
		{"1963-04-10", true, 61 * 12}, {"1964-01-10", true, 61*12 + 3}, {"1966-04-10", true, 62 * 12},
		{"1966-01-10", false, 55*12 + 4}, {"1966-09-10", false, 55*12 + 8}, {"1967-05-10", false, 56 * 12},
		{"1968-01-10", false, 56*12 + 4}, {"1975-05-10", false, 60 * 12},
	} {
		b := civil.MustParse(c.born)
		want := b.AddMonths(c.months).EndOfMonth()
		if got := retirement(b, c.male); got != want {
			t.Errorf("born %s (male %v): retires %s, want %s", c.born, c.male, got, want)
		}
	}
}

func TestDays(t *testing.T) {
	for d := civil.MustParse("1899-12-25"); d.Year < 2201; d = d.AddDays(17) {
		if got := dayOf(d).date(); got != d {
			t.Fatalf("%s round-trips to %s", d, got)
		}
		if dayOf(d.AddDays(1))-dayOf(d) != 1 {
			t.Fatalf("%s: next day is not +1", d)
		}
	}
}

// TestMillion generates the reference size of docs/design.md and reports time and
// memory. It takes several seconds: SAMPLE_MILLION=1 go test -run Million -v.
func TestMillion(t *testing.T) {
	if os.Getenv("SAMPLE_MILLION") == "" {
		t.Skip("set SAMPLE_MILLION=1 to run")
	}
	dir := t.TempDir()
	start := time.Now()
	sum, err := Generate(dir, Options{Staff: 1_000_000, At: demoAt, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var size int64
	for _, k := range Kinds() {
		fi, _ := os.Stat(filepath.Join(dir, k+".csv"))
		size += fi.Size()
	}
	t.Logf("%v in %v; %d MB written; heap in use %d MB, obtained from the OS %d MB, %d GCs",
		sum, time.Since(start).Round(time.Millisecond), size>>20, ms.HeapInuse>>20, ms.Sys>>20, ms.NumGC)
}

func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("staff=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			var sum Summary
			for b.Loop() {
				var err error
				if sum, err = Generate(dir, Options{Staff: n, At: demoAt, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			rows := sum.Units + sum.Staff + sum.Courses + sum.Training + sum.Appointments + sum.Planning + sum.Targets + sum.Evaluations
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// The committed example is what the generator writes today.
func TestExampleIsCurrent(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Staff: 30, At: demoAt, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		want, err := os.ReadFile(filepath.Join(dir, k+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "examples", "agency", k+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("examples/agency/%s.csv is out of date: regenerate it with "+
				"tickler sample -staff 30 -out examples/agency -at 2026-11-26 -seed 1", k)
		}
	}
}
