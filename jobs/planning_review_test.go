package jobs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// planAgency is reviewed on 15/03/2026. Each person is there for one flag
// (or for none, next to one that has it); see the cases below.
var planAgency = map[string]string{
	"units.csv": `code,name,head_code
		U1,Sở Nội vụ,H1`,
	"staff.csv": `code,full_name,email,unit_code,birth_date,gender,political_theory,left_on
		H1,Trần Thị Hoa,h1@example.vn,U1,1970-01-01,female,advanced,
		OK1,Nguyễn Văn Một,ok1@example.vn,U1,1985-01-01,male,intermediate,
		NOTREV,Lê Thị Rà,notrev@example.vn,U1,1990-06-01,female,intermediate,
		NEVER,Lê Văn Chưa,never@example.vn,U1,1982-01-01,male,intermediate,
		OLD,Phạm Văn Già,old@example.vn,U1,1969-02-10,male,intermediate,
		EDGE,Phạm Văn Vừa,edge@example.vn,U1,1969-03-10,male,intermediate,
		FUTURE,Phạm Văn Sau,future@example.vn,U1,1972-12-10,male,intermediate,
		FUTUREOK,Phạm Văn Kịp,futureok@example.vn,U1,1973-01-10,male,intermediate,
		POOR,Đỗ Văn Kém,poor@example.vn,U1,1980-03-15,male,intermediate,
		POOR2,Đỗ Thị Cũ,poor2@example.vn,U1,1980-03-16,female,intermediate,
		THEORY,Vũ Thị Luận,theory@example.vn,U1,1978-01-01,female,elementary,
		THEORYOK,Vũ Văn Đạt,theoryok@example.vn,U1,1979-01-01,male,intermediate,
		DIR,Hồ Văn Trưởng,dir@example.vn,U1,1975-01-01,male,intermediate,
		P1,Ngô Thị Một,p1@example.vn,U1,1983-01-01,female,intermediate,
		P2,Ngô Văn Hai,p2@example.vn,U1,1976-01-01,male,intermediate,
		P3,Ngô Văn Ba,p3@example.vn,U1,1977-01-01,male,intermediate,
		P4,Ngô Văn Bốn,p4@example.vn,U1,1974-01-01,male,intermediate,
		MULTI,Mai Văn Nhiều,multi@example.vn,U1,1972-01-01,male,advanced,
		LEFT,Lý Văn Đi,left@example.vn,U1,1984-01-01,male,intermediate,2026-01-31
		PERIOD,Tạ Văn Cũ,period@example.vn,U1,1986-01-01,male,intermediate,
		NOBIRTH,Hoàng Văn Sinh,nobirth@example.vn,U1,,male,intermediate,
		REMOVED,Kiều Văn Ra,removed@example.vn,U1,1985-01-01,male,,`,
	"planning.csv": `staff_code,position,period,approved_on,reviewed_on,status
		OK1,Phó Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,active
		NOTREV,Phó Trưởng phòng Công chức,2025-2030,2024-06-01,2025-12-20,active
		NEVER,Phó Trưởng phòng Cải cách,2025-2030,2024-06-01,,active
		OLD,Phó Trưởng phòng Pháp chế,2025-2030,2024-06-01,2026-02-01,active
		EDGE,Phó Trưởng phòng Thi đua,2025-2030,2024-06-01,2026-02-01,active
		FUTURE,Phó Trưởng phòng Thanh tra,2030-2035,2026-01-10,2026-02-01,active
		FUTUREOK,Phó Trưởng phòng Kiểm tra,2030-2035,2026-01-10,2026-02-01,active
		POOR,Phó Trưởng phòng Văn thư,2025-2030,2024-06-01,2026-02-01,active
		POOR2,Phó Trưởng phòng Tôn giáo,2025-2030,2024-06-01,2026-02-01,active
		THEORY,Phó Giám đốc Sở,2025-2030,2024-06-01,2026-02-01,active
		THEORYOK,Phó Giám đốc Sở,2025-2030,2024-06-01,2026-02-01,active
		DIR,Giám đốc Sở,2025-2030,2024-06-01,2026-02-01,active
		P1,Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,active
		P2,Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,active
		P3,Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,active
		P4,Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,active
		MULTI,Chánh Văn phòng,2025-2030,2024-06-01,2026-02-01,active
		MULTI,Phó Chánh Văn phòng,2025-2030,2024-06-01,2026-02-01,active
		MULTI,Trưởng phòng Tổng hợp,2025-2030,2024-06-01,2026-02-01,active
		MULTI,Trưởng phòng Địa bàn,2025-2030,2024-06-01,2026-02-01,active
		LEFT,Phó Trưởng phòng Kế hoạch,2025-2030,2024-06-01,2026-02-01,active
		PERIOD,Phó Trưởng phòng Tổ chức,2020-2025,2019-06-01,2026-02-01,active
		NOBIRTH,Phó Trưởng phòng Hành chính,2025-2030,2024-06-01,2026-02-01,active
		REMOVED,Phó Trưởng phòng Tổ chức,2025-2030,2024-06-01,2026-02-01,removed`,
	"evaluations.csv": `staff_code,year,rating
		OK1,2025,good
		POOR,2025,not_completed
		POOR2,2024,not_completed`,
}

// flagsOf maps each staff code to the flags of their entries in HR's message.
func flagsOf(t *testing.T, planned []plan.Planned) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, it := range messageTo(t, planned, "tochuc@example.vn").Items {
		if it.Kind != "planning_entry" {
			continue
		}
		flags, _ := it.Fields["flags"].([]string)
		out[it.StaffCode] = append(out[it.StaffCode], strings.Join(flags, ","))
	}
	return out
}

func TestPlanningReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", planAgency)
		res := b.run(t, jobs.PlanningReview{}, "2026-03-15", false)
		if len(res.Planned) != 1 {
			t.Fatalf("%d messages, want one to HR: %q", len(res.Planned), items(res.Planned))
		}
		got := flagsOf(t, res.Planned)
		cases := []struct {
			staff string
			want  []string // the flags of each of their entries
		}{
			// Reviewed this year, can serve a term, rated well, theory enough: nothing.
			{"OK1", []string{""}},
			// Last reviewed in December 2025, or never: not reviewed this year.
			{"NOTREV", []string{jobs.FlagNotReviewed}},
			{"NEVER", []string{jobs.FlagNotReviewed}},
			// Retires 28/02/2031, before 15/03/2031: cannot serve a full term.
			{"OLD", []string{jobs.FlagTooOld}},
			// Retires 31/03/2031: a full term still fits.
			{"EDGE", []string{""}},
			// Planned for 2030-2035: the term is counted from 01/01/2030, and
			// retiring 31/12/2034 leaves less than 5 years then ...
			{"FUTURE", []string{jobs.FlagTooOld}},
			// ... retiring 31/01/2035 leaves 5 years.
			{"FUTUREOK", []string{""}},
			// Rated not completed in 2025, within the last year.
			{"POOR", []string{jobs.FlagPoorRating}},
			// Rated not completed in 2024: older than poor_rating_years (1).
			{"POOR2", []string{""}},
			// Deputy director needs intermediate theory; elementary is short.
			{"THEORY", []string{jobs.FlagTheory}},
			// "Phó Giám đốc" is the longest keyword: intermediate is enough.
			{"THEORYOK", []string{""}},
			// Director needs advanced; intermediate is short.
			{"DIR", []string{jobs.FlagTheory}},
			// Four people on one post (at most 3): each entry is flagged.
			{"P1", []string{jobs.FlagPostOver}},
			{"P4", []string{jobs.FlagPostOver}},
			// One person on four posts (at most 3): each entry is flagged.
			{"MULTI", []string{jobs.FlagPersonOver, jobs.FlagPersonOver, jobs.FlagPersonOver, jobs.FlagPersonOver}},
			// Left the agency on 31/01/2026: to be removed.
			{"LEFT", []string{jobs.FlagLeft}},
			// Planned for 2020-2025, a period that is over.
			{"PERIOD", []string{jobs.FlagPeriodOver}},
			// No birth date: the age check cannot be made (and HR is told to fix it).
			{"NOBIRTH", []string{jobs.FlagRetirementUnknown}},
			// A removed entry is not listed.
			{"REMOVED", nil},
		}
		for _, c := range cases {
			if !slices.Equal(got[c.staff], c.want) {
				t.Errorf("%s: flags %q, want %q", c.staff, got[c.staff], c.want)
			}
		}
		if p := find(t, res.Planned, "tochuc@example.vn", "data_problem", "NOBIRTH"); p.Fields["reason"] != "no_birth_date" {
			t.Errorf("NOBIRTH's problem: %v", p.Fields["reason"])
		}
		if it := find(t, res.Planned, "tochuc@example.vn", "planning_entry", "OLD"); it.Note != "nghỉ hưu ngày 28/02/2031, không đủ tuổi công tác trọn một nhiệm kỳ (05 năm)" {
			t.Errorf("OLD's note: %q", it.Note)
		}

		// The 2025-2030 list: 17 people (MULTI once); young (45 or under on
		// 15/03/2026: POOR turned 46 that day, POOR2 is 45): OK1, NOTREV,
		// NEVER, POOR2, P1, LEFT = 6, 35.29% (target 15%: met); women:
		// NOTREV, POOR2, THEORY, P1 = 4, 23.53% (target 25%: not met).
		share := find(t, res.Planned, "tochuc@example.vn", "planning_share", "2025-2030")
		for k, want := range map[string]any{"people": 17, "young": 6, "women": 4, "young_ok": true, "women_ok": false, "no_birth_date": 1} {
			if share.Fields[k] != want {
				t.Errorf("2025-2030 %s: %v, want %v", k, share.Fields[k], want)
			}
		}
		hr := messageTo(t, res.Planned, "tochuc@example.vn")
		for _, s := range []string{
			"cán bộ trẻ (không quá 45 tuổi) 6 người, chiếm 35,29% (yêu cầu tối thiểu 15%, đạt)",
			"cán bộ nữ 4 người, chiếm 23,53% (yêu cầu tối thiểu 25%, chưa đạt)",
			"23 trường hợp, trong đó 18 trường hợp cần lưu ý",
		} {
			if !strings.Contains(hr.Content.Text, s) {
				t.Errorf("HR's message lacks %q:\n%s", s, hr.Content.Text)
			}
		}

		// The same year again adds nothing.
		if again := b.run(t, jobs.PlanningReview{}, "2026-03-15", false); len(again.Planned) != 0 {
			t.Errorf("second run planned %q", items(again.Planned))
		}
	})
}

func TestPlanningReviewConfig(t *testing.T) {
	// Looking two years back flags POOR2's 2024 rating; allowing 4 people on
	// a post clears the P entries.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "jobs: {planning-review: {poor_rating_years: 2, max_per_post: 4}}\n", planAgency)
		got := flagsOf(t, b.run(t, jobs.PlanningReview{}, "2026-03-15", true).Planned)
		if !slices.Equal(got["POOR2"], []string{jobs.FlagPoorRating}) || !slices.Equal(got["P1"], []string{""}) {
			t.Errorf("POOR2 %q, P1 %q", got["POOR2"], got["P1"])
		}
	})
}
