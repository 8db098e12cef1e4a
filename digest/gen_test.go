package digest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// genReport makes a report with every section in a random state and every
// list of random length, its record strings drawn from names that carry what
// escapers and column padding treat specially: the input of the tests that
// compare the Go writers with the reference templates.
func genReport(rng *rand.Rand) *Report {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	name := func() string {
		return pick("Nguyễn Văn An", "Trần Thị Bích Ngọc", `O'Brien & "Sons"`, "<script>alert(1)</script>", "a+b=c; d",
			"Lê\x00Null", "", "Phạm Minh Đức Trọng Nghĩa Hoàng Long Quân", "=HYPERLINK(\"x\")", "tab\there")
	}
	code := func(set ...string) string { return pick(append(set, "", "unknown-code")...) }
	n64 := func(max int64) int64 { return rng.Int64N(max + 1) }
	pct := func() Percent { return Percent(rng.Int64N(10001)) }
	date := func() civil.Date {
		if rng.IntN(8) == 0 {
			return civil.Date{}
		}
		return civil.Date{Year: 2020 + rng.IntN(10), Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
	}
	status := func() (string, string) {
		switch rng.IntN(6) {
		case 0:
			return StatusError, pick("db: <timeout> & \"lost\"", "x'+y", "")
		case 1:
			return StatusEmpty, ""
		}
		return StatusOK, ""
	}
	count := func(max int) int { return rng.IntN(max + 1) }
	shares := func(max int, codes ...string) []Share {
		out := make([]Share, count(max))
		for i := range out {
			out[i] = Share{Code: code(codes...), Count: n64(5000), Percent: pct()}
		}
		return out
	}
	categories := []string{"political_theory", "state_management", "professional", "foreign_language", "it", "defence"}
	levels := []string{"", "advanced", "intermediate", "primary"}

	r := &Report{Version: Version, Month: fmt.Sprintf("%d-%02d", 2024+rng.IntN(3), 1+rng.IntN(12)),
		AsOf: civil.Date{Year: 2026, Month: 10, Day: 31}}
	if rng.IntN(3) == 0 {
		r.Scope = Scope{Kind: ScopeAgency, Code: "U1", Name: pick("", "Ban Tổ chức Tỉnh ủy", name())}
	} else {
		r.Scope = Scope{Kind: ScopeUnit, Code: pick("U2", "U<3>"), Name: name(), Units: count(4)}
	}
	r.Workforce.Status, r.Workforce.Error = status()
	if rng.IntN(5) > 0 {
		r.Workforce.Data = &Workforce{Headcount: n64(1e6), Intellectuals: n64(1e5), IntellectualShare: pct(),
			Ranks: shares(8, "senior", "principal", "specialist", "staff"), Ranked: n64(1e6), RankNone: n64(100), RankNotRecorded: n64(100),
			Education: shares(6, "doctorate", "master", "bachelor"), PoliticalTheory: shares(5, "advanced", "intermediate")}
	}
	r.Trend.Status, r.Trend.Error = status()
	if rng.IntN(5) > 0 {
		t := &Trend{}
		for range count(13) {
			t.Months = append(t.Months, MonthFigures{Month: fmt.Sprintf("2026-%02d", 1+rng.IntN(12)), Stored: rng.IntN(2) == 0,
				Figures: Figures{Headcount: n64(1e6), IntellectualShare: pct(), Completed: n64(1000), InTraining: n64(1000)}})
		}
		change := func() *Change {
			if rng.IntN(3) == 0 {
				return nil
			}
			return &Change{Headcount: n64(200) - 100, IntellectualShare: Percent(n64(400) - 200), Completed: n64(20) - 10, InTraining: n64(20) - 10}
		}
		t.PreviousMonth, t.YearAgo = change(), change()
		if rng.IntN(2) == 0 {
			t.YearAgoRanks = shares(8, "senior", "principal")
		}
		r.Trend.Data = t
	}
	r.Training.Status, r.Training.Error = status()
	if rng.IntN(5) > 0 {
		t := &Training{}
		if rng.IntN(2) == 0 {
			t.Plan = &Plan{Name: name(), StartsOn: date(), EndsOn: date()}
		}
		counts := func() Counts { return Counts{Started: n64(500), Completed: n64(500), Dropped: n64(50)} }
		for range count(10) {
			t.Rows = append(t.Rows, TrainingRow{Category: pick(categories...), Level: pick(levels...), Month: counts(), SincePlanStart: counts()})
		}
		t.Totals = TrainingRow{Month: counts(), SincePlanStart: counts()}
		r.Training.Data = t
	}
	r.InTraining.Status, r.InTraining.Error = status()
	if rng.IntN(5) > 0 {
		x := &InTraining{People: n64(1e5), Participations: n64(1e5)}
		for range count(6) {
			x.ByCategory = append(x.ByCategory, CategoryCount{Category: pick(categories...), People: n64(1e4), Participations: n64(1e4)})
		}
		r.InTraining.Data = x
	}
	r.Targets.Status, r.Targets.Error = status()
	if rng.IntN(5) > 0 {
		x := &Targets{}
		for range 1 + count(6) {
			x.Rows = append(x.Rows, Target{Plan: name(), Category: pick(categories...), Level: pick(levels...), Target: n64(1e4), Done: n64(1e4),
				ScopeDone: n64(1e3), DonePercent: pct(), Elapsed: pct(), State: pick(TargetDone, TargetOnTrack, TargetBehind)})
		}
		r.Targets.Data = x
	}
	r.Refresher.Status, r.Refresher.Error = status()
	if rng.IntN(5) > 0 {
		x := &Refresher{Year: 2026, MinimumHours: float64(rng.IntN(800)) / 10, People: n64(1e5), Meeting: n64(1e5), Short: n64(1e5),
			MeetingShare: pct(), AverageHours: rng.Float64() * 80}
		for range count(10) {
			x.FurthestBehind = append(x.FurthestBehind, PersonHours{StaffCode: pick("P01", "P<2>"), FullName: name(), Unit: name(), Hours: rng.Float64() * 40})
		}
		r.Refresher.Data = x
	}
	r.Due.Status, r.Due.Error = status()
	if rng.IntN(5) > 0 {
		x := &Due{Days: 30, Due: n64(1e4), DuePeople: n64(1e4), Overdue: n64(1e4), OverduePeople: n64(1e4)}
		for range count(6) {
			x.ByCategory = append(x.ByCategory, DueCategory{Category: pick(categories...), Due: n64(1e4), Overdue: n64(1e4)})
		}
		for range count(10) {
			x.MostOverdue = append(x.MostOverdue, OverdueTraining{StaffCode: pick("P01", "P&2"), FullName: name(), CourseCode: "C1",
				CourseName: name(), DueOn: date(), DaysOverdue: count(900)})
		}
		r.Due.Data = x
	}
	r.Terms.Status, r.Terms.Error = status()
	if rng.IntN(5) > 0 {
		x := &Terms{Until: date(), Ending: n64(100), Lapsed: n64(3) * int64(rng.IntN(2))}
		for range count(4) {
			x.ByCase = append(x.ByCase, CaseCount{Case: pick("retires", "reappoint", "ends"), Count: n64(100)})
		}
		for range count(20) {
			x.List = append(x.List, TermEnding{StaffCode: pick("P01", "P'3"), FullName: name(), Position: name(), Unit: name(),
				EndOn: date(), RetirementOn: date(), Case: pick("retires", "reappoint", "ends")})
		}
		r.Terms.Data = x
	}
	r.Planning.Status, r.Planning.Error = status()
	if rng.IntN(5) > 0 {
		r.Planning.Data = &Planning{Year: 2026, Entries: n64(1e4), People: n64(1e4), ReviewedThisYear: n64(1e4), NotReviewed: n64(1e4),
			WomenShare: pct(), WomenTarget: pct(), YoungShare: pct(), YoungTarget: pct(), YoungMaxAge: 35 + rng.IntN(10)}
	}
	r.Evaluation.Status, r.Evaluation.Error = status()
	if rng.IntN(5) > 0 {
		r.Evaluation.Data = &Evaluation{Year: 2026, Deadline: date(), InProgress: rng.IntN(2) == 0, Staff: n64(1e4),
			Rated: n64(1e4) * int64(rng.IntN(2)), NotRated: n64(1e4), Ratings: shares(4, "excellent", "good", "fair", "poor")}
	}
	r.Deliveries.Status, r.Deliveries.Error = status()
	if rng.IntN(5) > 0 {
		x := &Deliveries{Failed: n64(100)}
		for range count(20) {
			x.List = append(x.List, FailedDelivery{Job: pick("course-reminders", "<job>"), Recipient: pick("a@example.vn", name()),
				Subject: name(), Reply: pick("550 5.1.1 <a@example.vn>: user unknown", name())})
		}
		r.Deliveries.Data = x
	}
	r.DataQuality.Status, r.DataQuality.Error = status()
	if rng.IntN(5) > 0 {
		x := &DataQuality{}
		for range count(6) {
			x.Problems = append(x.Problems, Problem{Kind: pick("no_email", "no_birth_date", "bad<kind>"), Count: n64(1e4)})
		}
		for range count(20) {
			x.People = append(x.People, PersonProblems{StaffCode: pick("P01", "P\"4"), FullName: name(),
				Kinds: strings.Fields(pick("no_email", "no_email no_birth_date", ""))})
		}
		r.DataQuality.Data = x
	}
	if rng.IntN(3) > 0 {
		s := &Section[SelfReported]{}
		s.Status, s.Error = status()
		if rng.IntN(5) > 0 {
			x := &SelfReported{Answered: n64(100), Pending: n64(10) * int64(rng.IntN(2)), Confirmed: n64(100), Rejected: n64(100)}
			for range count(10) {
				x.List = append(x.List, SelfReport{StaffCode: pick("P01", "P<5>"), FullName: name(), Course: name(),
					Answer: pick("done", "registered", "not_applicable"), AnsweredOn: date()})
			}
			s.Data = x
		}
		r.SelfReported = s
	}
	return r
}
