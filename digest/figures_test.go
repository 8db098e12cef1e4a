package digest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

var d = civil.MustParse

// same fails the test unless got and want marshal to the same JSON.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
		for i := range max(len(gl), len(wl)) {
			var a, b string
			if i < len(gl) {
				a = gl[i]
			}
			if i < len(wl) {
				b = wl[i]
			}
			if a != b {
				t.Errorf("%s differs at line %d:\n got: %s\nwant: %s\n\nwhole got:\n%s", what, i+1, a, b, g)
				return
			}
		}
	}
}

func ok[T any](t *testing.T, name string, s digest.Section[T]) *T {
	t.Helper()
	if s.Status != digest.StatusOK || s.Data == nil {
		t.Fatalf("section %s: status %q, error %q", name, s.Status, s.Error)
	}
	return s.Data
}

// TestAgencyFigures checks every figure of the agency's October 2026 digest
// against numbers worked out by hand from the fixture (fixture_test.go).
func TestAgencyFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		r, err := c.Compute(context.Background(), october, "")
		if err != nil {
			t.Fatal(err)
		}
		agencyOctober(t, r)
		// The monthly-digest job's pass over every scope gives the agency the
		// same figures.
		agencyOctober(t, eachScope(t, c, october)[""])
	})
}

// eachScope returns the reports of EachScope by scope key.
func eachScope(t *testing.T, c *digest.Computer, month digest.Month) map[string]*digest.Report {
	t.Helper()
	out := map[string]*digest.Report{}
	err := c.EachScope(context.Background(), month, func(r *digest.Report, _ *digest.UnitHead) error {
		out[r.Scope.Key()] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// agencyOctober checks every figure of the agency's October 2026 digest.
func agencyOctober(t *testing.T, r *digest.Report) {
	t.Helper()
	same(t, "scope", r.Scope, digest.Scope{Kind: "agency", Code: "U1", Name: "Ban Tổ chức Tỉnh ủy", Units: 4})
	if r.AsOf != d("2026-10-31") || r.Month != "2026-10" || r.Version != 1 {
		t.Errorf("month %s as of %s version %d", r.Month, r.AsOf, r.Version)
	}

	// Workforce: 23 on staff (P24 left, P25 not yet hired).
	// Ranks 2, 10, 11 of 23 (the seed report's 2018 mix): 2/23 = 8.695…,
	// 10/23 = 43.478…, 11/23 = 47.826…; rounded down 8.69 + 43.47 + 47.82 =
	// 99.98, the two missing hundredths go to the largest remainders (.826
	// principal, .608 specialist): 8.69, 43.48, 47.83, as the report prints.
	// Education: doctorate 1, master 5 (P06's master's degree, completed on
	// 15/10, raised her record at import), bachelor 14, college 2,
	// vocational 1; intellectuals 20/23 = 86.956… → 86.96. Rounded down
	// 4.34 + 21.73 + 60.86 + 8.69 + 4.34 = 99.96; remainders (×23):
	// bachelor 22, master 21, doctorate 18, vocational 18, college 13: the
	// four hundredths go to the first four.
	// Political theory: advanced 6, intermediate 8, elementary 4, none 4,
	// not recorded 1 (P23): rounded down 26.08 + 34.78 + 17.39 + 17.39 + 4.34
	// = 99.98; remainders 16, 6, 3, 3, 18: not recorded then advanced.
	// All 23 hold a civil-service rank: none without one, none unrecorded.
	same(t, "workforce", ok(t, "workforce", r.Workforce), &digest.Workforce{
		Headcount: 23, Intellectuals: 20, IntellectualShare: 8696, Ranked: 23,
		Ranks: []digest.Share{
			{Code: "senior_specialist", Count: 2, Percent: 869},
			{Code: "principal_specialist", Count: 10, Percent: 4348},
			{Code: "specialist", Count: 11, Percent: 4783},
			{Code: "officer", Count: 0, Percent: 0},
			{Code: "staff", Count: 0, Percent: 0},
		},
		Education: []digest.Share{
			{Code: "doctorate", Count: 1, Percent: 435},
			{Code: "master", Count: 5, Percent: 2174},
			{Code: "bachelor", Count: 14, Percent: 6087},
			{Code: "college", Count: 2, Percent: 869},
			{Code: "vocational", Count: 1, Percent: 435},
			{Code: "secondary", Count: 0, Percent: 0},
		},
		PoliticalTheory: []digest.Share{
			{Code: "advanced", Count: 6, Percent: 2609},
			{Code: "intermediate", Count: 8, Percent: 3478},
			{Code: "elementary", Count: 4, Percent: 1739},
			{Code: "none", Count: 4, Percent: 1739},
			{Code: "", Count: 1, Percent: 435},
		},
	})
	var fmtd []string
	for _, s := range r.Workforce.Data.Ranks[:3] {
		fmtd = append(fmtd, s.Percent.Format("vi"))
	}
	if got := strings.Join(fmtd, " "); got != "8,69% 43,48% 47,83%" {
		t.Errorf("ranks printed %q, want the seed report's 8,69%% 43,48%% 47,83%%", got)
	}

	// Training, plan 2026-2030 (from 01/01/2026); month = October.
	// degree/master: P06 completed 15/10 (started 2024: not since the plan).
	// political_theory/advanced: P07 started 05/10; P11 dropped, due 20/10
	// (started 01/02); P10 completed 20/02 (started 2025).
	// state_management: P12 started 01/10; P13's is only planned.
	// refresher: started in October P09 (12/10, completed 14/10) and P19
	// (20/10); since the plan also P08 (completed 06/03), P09's BD3
	// (completed 01/05), P24 (who left since; completed 05/09) and P20
	// (started 01/09); P17's is of 2025.
	// it: P14 (started 01/06, completed 03/06), P18 (started 20/09, completed
	// 05/11, after the month). defense_security: P16 starts in November.
	plan := &digest.Plan{Name: "2026-2030", StartsOn: d("2026-01-01"), EndsOn: d("2030-12-31")}
	same(t, "training", ok(t, "training", r.Training), &digest.Training{
		Plan: plan,
		Rows: []digest.TrainingRow{
			{Category: "degree", Level: "master", Month: digest.Counts{Completed: 1}, SincePlanStart: digest.Counts{Completed: 1}},
			{Category: "political_theory", Level: "advanced", Month: digest.Counts{Started: 1, Dropped: 1}, SincePlanStart: digest.Counts{Started: 2, Completed: 1, Dropped: 1}},
			{Category: "state_management", Month: digest.Counts{Started: 1}, SincePlanStart: digest.Counts{Started: 1}},
			{Category: "refresher", Month: digest.Counts{Started: 2, Completed: 1}, SincePlanStart: digest.Counts{Started: 6, Completed: 4}},
			{Category: "it", SincePlanStart: digest.Counts{Started: 2, Completed: 1}},
		},
		Totals: digest.TrainingRow{Month: digest.Counts{Started: 4, Completed: 2, Dropped: 1}, SincePlanStart: digest.Counts{Started: 11, Completed: 7, Dropped: 1}},
	})

	// In training on 31/10: P05 (master), P07 (advanced), P12 (state
	// management), P19 and P20 (refresher), P18 (IT, completed only on 05/11).
	same(t, "in training", ok(t, "in_training", r.InTraining), &digest.InTraining{
		People: 6, Participations: 6,
		ByCategory: []digest.CategoryCount{
			{Category: "degree", People: 1, Participations: 1},
			{Category: "political_theory", People: 1, Participations: 1},
			{Category: "state_management", People: 1, Participations: 1},
			{Category: "refresher", People: 2, Participations: 2},
			{Category: "it", People: 1, Participations: 1},
		},
	})

	// Targets of 2026-2030 (the 2021-2025 one has ended). The span is 1826
	// days, 304 of them gone by on 31/10/2026: 304/1826 = 16.648… → 16.65%.
	// On track when done/target ≥ 304/1826: master 1/5 (1826 ≥ 1520),
	// advanced 1/4 (1826 ≥ 1216), refresher 4/20 (P08, P09 ×2, P24: 7304 ≥
	// 6080); IT 1/10 is behind (1826 < 3040).
	tg := func(cat, level string, target, done int64, pc digest.Percent, state string) digest.Target {
		return digest.Target{Plan: "2026-2030", Category: cat, Level: level, StartsOn: d("2026-01-01"), EndsOn: d("2030-12-31"),
			Target: target, Done: done, ScopeDone: done, DonePercent: pc, Elapsed: 1665, State: state}
	}
	same(t, "targets", ok(t, "targets", r.Targets), &digest.Targets{Rows: []digest.Target{
		tg("degree", "master", 5, 1, 2000, "on_track"),
		tg("political_theory", "advanced", 4, 1, 2500, "on_track"),
		tg("refresher", "", 20, 4, 2000, "on_track"),
		tg("it", "", 10, 1, 1000, "behind"),
	}})

	// Refresher hours in 2026 of the 23 on staff: P08 40 (the course's
	// hours), P09 24 + 8, P14 16 (IT counts); the minimum is 40: 1 meets it
	// (1/23 = 4.35%), 22 short; 88 hours / 23 = 3.8 on average. Furthest
	// behind: the first ten with none, by code.
	ref := ok(t, "refresher", r.Refresher)
	var behind []string
	for _, p := range ref.FurthestBehind {
		behind = append(behind, p.StaffCode)
	}
	ref.FurthestBehind = nil
	same(t, "refresher", ref, &digest.Refresher{Year: 2026, MinimumHours: 40, People: 23, Meeting: 1, Short: 22, MeetingShare: 435, AverageHours: 3.8})
	if got := strings.Join(behind, " "); got != "P01 P02 P03 P04 P05 P06 P07 P10 P11 P12" {
		t.Errorf("furthest behind %s", got)
	}

	// Due by 30/11: P12 (state management, 15/11), P16 (defence, 06/11,
	// planned); overdue: P13 (state management, due 10/10, 21 days), P20
	// (refresher, 25/10, 6 days). P05's is due after 30/11, P19's has no
	// due date, P11's was dropped.
	same(t, "due", ok(t, "due", r.Due), &digest.Due{
		Days: 30, Due: 2, DuePeople: 2, Overdue: 2, OverduePeople: 2,
		ByCategory: []digest.DueCategory{
			{Category: "state_management", Due: 1, Overdue: 1},
			{Category: "refresher", Due: 0, Overdue: 1},
			{Category: "defense_security", Due: 1, Overdue: 0},
		},
		MostOverdue: []digest.OverdueTraining{
			{StaffCode: "P13", FullName: "Phan Văn Tú", CourseCode: "QLNN", CourseName: "Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính", DueOn: d("2026-10-10"), DaysOverdue: 21},
			{StaffCode: "P20", FullName: "Tạ Thị Oanh", CourseCode: "BD1", CourseName: "Bồi dưỡng nghiệp vụ công tác tổ chức", DueOn: d("2026-10-25"), DaysOverdue: 6},
		},
	})

	// Terms ending by 30/04/2027, soonest first:
	// P15 (man, born 05/1985): 62 in 05/2047 → 31/05/2047, a full term.
	// P04 (woman, born 01/1970): 2027 asks 57y4m, reached in 05/2027 →
	// 31/05/2027, 6 months after the term: extension to retirement.
	// P01 (man, born 03/1968): 62 from 2028, reached 03/2030 → 31/03/2030,
	// 3 years after the term: a term to retirement.
	// P22: no birth date, the case is unknown.
	// P03 (man, born 06/1965): 2026 asks 61y6m, reached 12/2026 → 31/12/2026,
	// before the term ends on 01/04/2027.
	// P02's term ended 01/07/2026 with no decision recorded: lapsed. P05's
	// old term was ended.
	same(t, "terms", ok(t, "terms", r.Terms), &digest.Terms{
		Until: d("2027-04-30"), Ending: 5, Lapsed: 1,
		ByCase: []digest.CaseCount{{Case: "retires_first", Count: 1}, {Case: "extension", Count: 1},
			{Case: "until_retirement", Count: 1}, {Case: "full_term", Count: 1}, {Case: "unknown", Count: 1}},
		List: []digest.TermEnding{
			{StaffCode: "P15", FullName: "Trịnh Văn Khải", Position: "Trưởng phòng", Unit: "Phòng Đào tạo", EndOn: d("2026-11-20"), RetirementOn: d("2047-05-31"), Case: "full_term"},
			{StaffCode: "P04", FullName: "Phạm Thị Lan", Position: "Trưởng phòng", Unit: "Phòng Tổ chức cán bộ", EndOn: d("2026-12-01"), RetirementOn: d("2027-05-31"), Case: "extension"},
			{StaffCode: "P01", FullName: "Nguyễn Văn Quyết", Position: "Trưởng ban", Unit: "Ban Tổ chức Tỉnh ủy", EndOn: d("2027-01-15"), RetirementOn: d("2030-03-31"), Case: "until_retirement"},
			{StaffCode: "P22", FullName: "Chu Thị Loan", Position: "Tổ trưởng", Unit: "Phòng Đào tạo", EndOn: d("2027-03-01"), Case: "unknown"},
			{StaffCode: "P03", FullName: "Lê Văn Đức", Position: "Phó Trưởng ban", Unit: "Ban Tổ chức Tỉnh ủy", EndOn: d("2027-04-01"), RetirementOn: d("2026-12-31"), Case: "retires_first"},
		},
	})

	// Planning: active entries of people on staff: P05, P06 ×2, P12 (P07's
	// was removed, P24 left). Reviewed in 2026: P05, P06 (Phó Trưởng ban),
	// P12; not: P06 (Trưởng phòng). Of 3 people, women P06, P12 (2/3 =
	// 66.67%); young (45 or under on 31/10/2026, born after 31/10/1980):
	// P05 (1985), P12 (1990).
	same(t, "planning", ok(t, "planning", r.Planning), &digest.Planning{
		Year: 2026, Entries: 4, People: 3, ReviewedThisYear: 3, NotReviewed: 1,
		Women: 2, WomenShare: 6667, WomenTarget: 2500, Young: 2, YoungShare: 6667, YoungTarget: 1500, YoungMaxAge: 45,
	})

	// Evaluation: in October the season for 2026 is not open yet (it opens
	// in November, the month before the 15 December deadline): 2025. Of
	// the 23, 20 are rated: 2 excellent, 12 good, 5 completed, 1 not
	// completed (10, 60, 25, 5%); P21, P22, P23 are not.
	same(t, "evaluation", ok(t, "evaluation", r.Evaluation), &digest.Evaluation{
		Year: 2025, Deadline: d("2025-12-15"), Staff: 23, Rated: 20, NotRated: 3,
		Ratings: []digest.Share{{Code: "excellent", Count: 2, Percent: 1000}, {Code: "good", Count: 12, Percent: 6000},
			{Code: "completed", Count: 5, Percent: 2500}, {Code: "not_completed", Count: 1, Percent: 500}},
	})

	// Deliveries failed in October in Hanoi: k1 and k2; k3 is 1 November in
	// Hanoi, k4 September, k5 was sent.
	same(t, "deliveries", ok(t, "deliveries", r.Deliveries), &digest.Deliveries{
		Failed: 2,
		ByJob:  []digest.JobCount{{Job: "course-reminders", Count: 1}, {Job: "monthly-digest", Count: 1}},
		List: []digest.FailedDelivery{
			{Job: "monthly-digest", Recipient: "lanhdao@example.vn", Subject: "Nhắc việc", Reply: "550 5.1.1 mailbox unavailable", CreatedAt: "2026-10-31T20:00:00+07:00"},
			{Job: "course-reminders", Recipient: "p05@example.vn", Subject: "Nhắc việc", Reply: "550 5.1.1 mailbox unavailable", CreatedAt: "2026-10-10T08:00:00+07:00"},
		},
	})

	// Data to fix: P22 no birth date; P15 and P21 no e-mail; P23 no
	// political theory; P19 no hire date; P19's open training has no due
	// date; U3 has no head; U4's head P15 has no e-mail.
	same(t, "data quality", ok(t, "data_quality", r.DataQuality), &digest.DataQuality{
		Problems: []digest.Problem{{Kind: "no_birth_date", Count: 1}, {Kind: "no_email", Count: 2},
			{Kind: "no_political_theory", Count: 1}, {Kind: "no_hired_on", Count: 1}, {Kind: "training_no_due", Count: 1},
			{Kind: "unit_no_head", Count: 1}, {Kind: "unit_head_unreachable", Count: 1}},
		People: []digest.PersonProblems{
			{StaffCode: "P15", FullName: "Trịnh Văn Khải", Kinds: []string{"no_email"}},
			{StaffCode: "P19", FullName: "Hà Văn Sơn", Kinds: []string{"no_hired_on"}},
			{StaffCode: "P21", FullName: "Kiều Văn Thịnh", Kinds: []string{"no_email"}},
			{StaffCode: "P22", FullName: "Chu Thị Loan", Kinds: []string{"no_birth_date"}},
			{StaffCode: "P23", FullName: "Quách Văn Bảo", Kinds: []string{"no_political_theory"}},
		},
	})
}
