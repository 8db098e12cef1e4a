package jobs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// refresherAgency: R24 and R16 are refresher courses of 24 and 16 hours, TH
// an IT course (counted by default), DG a degree (not counted).
var refresherAgency = map[string]string{
	"units.csv": `code,name,head_code
		U1,Phòng Tổ chức cán bộ,H1`,
	"staff.csv": `code,full_name,email,unit_code,manager_code,hired_on,left_on
		H1,Trần Thị Hoa,h1@example.vn,U1,,2010-01-01,
		MIN,Nguyễn Văn Đủ,min@example.vn,U1,H1,2015-01-01,
		UNDER,Lê Văn Thiếu,under@example.vn,U1,H1,2015-01-01,
		PLAN,Phạm Thị Dự,plan@example.vn,U1,H1,2015-01-01,
		DEG,Đỗ Văn Bằng,deg@example.vn,U1,H1,2015-01-01,
		OLD,Ngô Văn Cũ,old@example.vn,U1,H1,2015-01-01,
		NOMAIL,Bùi Văn Thư,,U1,H1,2015-01-01,
		LEFT,Lý Văn Nghỉ,left@example.vn,U1,H1,2015-01-01,2026-06-30`,
	"courses.csv": `code,name,category,hours
		R24,Bồi dưỡng nghiệp vụ công tác tổ chức,refresher,24
		R16,Bồi dưỡng kỹ năng soạn thảo văn bản,refresher,16
		TH,Tin học ứng dụng,it,40
		DG,Thạc sĩ Quản lý công,degree,600`,
	"training.csv": `staff_code,course_code,start_on,status,due_on,completed_on,hours
		H1,TH,2026-03-01,completed,,2026-03-20,
		MIN,R24,2026-03-01,completed,,2026-03-10,
		MIN,R16,2026-05-01,completed,,2026-05-10,
		UNDER,R24,2026-03-01,completed,,2026-03-10,
		UNDER,R16,2026-05-01,completed,,2026-05-10,15
		PLAN,R16,2026-10-01,enrolled,2026-12-15,,
		PLAN,R24,2027-01-05,planned,2027-02-01,,
		DEG,DG,2024-09-01,completed,,2026-06-30,
		OLD,R24,2025-03-01,completed,,2025-12-31,
		NOMAIL,R24,2026-03-01,completed,,2026-03-10,
		LEFT,R16,2026-03-01,completed,,2026-03-10,`,
}

func TestRefresherHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", refresherAgency)
		// Before 1 September nobody is told.
		if res := b.run(t, jobs.RefresherHours{}, "2026-08-01", false); len(res.Planned) != 0 {
			t.Errorf("August planned %q", items(res.Planned))
		}
		res := b.run(t, jobs.RefresherHours{}, "2026-09-01", false)
		var want []string
		for _, who := range []string{"UNDER", "PLAN", "DEG", "OLD", "NOMAIL"} {
			// HR gets everyone short ...
			want = append(want, "tochuc@example.vn|refresher_short "+who+" 2026-09")
		}
		want = append(want,
			// ... each person their own (MIN has exactly 40 hours: not short;
			// H1's IT course counts; LEFT has left) ...
			"under@example.vn|refresher_short UNDER 2026-09",
			"plan@example.vn|refresher_short PLAN 2026-09",
			"deg@example.vn|refresher_short DEG 2026-09",
			"old@example.vn|refresher_short OLD 2026-09",
			// ... and NOMAIL, who cannot be written to, is a data problem.
			"tochuc@example.vn|data_problem NOMAIL 2026-09",
		)
		slices.Sort(want)
		diff(t, "1 September", items(res.Planned), want)

		cases := []struct {
			staff         string
			done, planned float64
		}{
			// 24 + 15 (the training's own hours beat the course's 16): one hour under.
			{"UNDER", 39, 0},
			// 16 hours enrolled, due this year; the 2027 course does not count.
			{"PLAN", 0, 16},
			// A degree is not refresher training.
			{"DEG", 0, 0},
			// Last year's hours do not count.
			{"OLD", 0, 0},
		}
		for _, c := range cases {
			it := find(t, res.Planned, "tochuc@example.vn", "refresher_short", c.staff)
			if it.Fields["done"] != c.done || it.Fields["planned_hours"] != c.planned {
				t.Errorf("%s: %v done, %v planned; want %v, %v", c.staff, it.Fields["done"], it.Fields["planned_hours"], c.done, c.planned)
			}
		}
		if it := find(t, res.Planned, "under@example.vn", "refresher_short", "UNDER"); it.Note != "Năm 2026 đã hoàn thành 39/40 giờ bồi dưỡng, còn thiếu 1 giờ; đã đăng ký 0 giờ" {
			t.Errorf("note %q", it.Note)
		}
		// The person's letter speaks to them; HR's is a list.
		plan := messageTo(t, res.Planned, "plan@example.vn")
		if !strings.Contains(plan.Subject, "của đồng chí") || !strings.Contains(plan.Content.Text, "Bồi dưỡng kỹ năng soạn thảo văn bản: 16 giờ, hạn hoàn thành 15/12/2026 (đang học)") {
			t.Errorf("PLAN's letter: %s\n%s", plan.Subject, plan.Content.Text)
		}
		hr := messageTo(t, res.Planned, "tochuc@example.vn")
		if !strings.Contains(hr.Subject, "Danh sách") || !strings.Contains(hr.Content.Text, "5 người") {
			t.Errorf("HR's list: %s\n%s", hr.Subject, hr.Content.Text)
		}

		// The same slot again adds nothing; the next month reminds again.
		if again := b.run(t, jobs.RefresherHours{}, "2026-09-01", false); len(again.Planned) != 0 {
			t.Errorf("second run of the slot planned %q", items(again.Planned))
		}
		if oct := b.run(t, jobs.RefresherHours{}, "2026-10-01", true); !slices.Contains(items(oct.Planned), "under@example.vn|refresher_short UNDER 2026-10") {
			t.Errorf("October: %q", items(oct.Planned))
		}
	})
}

func TestRefresherHoursConfig(t *testing.T) {
	// The minimum and the counted categories are configuration: with 39 hours
	// as the minimum UNDER is no longer short; counting only refresher
	// courses makes H1 (an IT course) short.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "rules: {refresher_min_hours: 39}\njobs: {refresher-hours: {categories: [refresher], list_to: []}}\n", refresherAgency)
		got := items(b.run(t, jobs.RefresherHours{}, "2026-09-01", true).Planned)
		want := []string{
			"deg@example.vn|refresher_short DEG 2026-09",
			"h1@example.vn|refresher_short H1 2026-09",
			"old@example.vn|refresher_short OLD 2026-09",
			"plan@example.vn|refresher_short PLAN 2026-09",
			"tochuc@example.vn|data_problem NOMAIL 2026-09",
		}
		diff(t, "39-hour minimum, refresher only, no list", got, want)
	})
}
