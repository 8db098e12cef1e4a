package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

const baseConfig = `
timezone: Asia/Ho_Chi_Minh
mail: {from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn]}
`

// agency: one unit headed by H1; A reports to H1; B has no e-mail; C has no
// manager; L has left.
var agency = map[string]string{
	"units.csv": `code,name,head_code,email
		U1,Phòng Tổ chức cán bộ,H1,u1@example.vn`,
	"staff.csv": `code,full_name,email,unit_code,manager_code,birth_date,gender,left_on
		H1,Trần Thị Hoa,h1@example.vn,U1,,1975-03-02,female,
		A,Nguyễn Văn An,a@example.vn,U1,H1,1985-05-01,male,
		B,Lê Văn Bình,,U1,H1,1986-05-01,male,
		C,Phạm Thị Cúc,c@example.vn,U1,,1987-05-01,female,
		L,Hoàng Văn Long,l@example.vn,U1,H1,1970-01-01,male,2026-06-30`,
	"courses.csv": `code,name,category,hours
		QLNN,Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính,state_management,240
		TH,Tin học ứng dụng,it,40
		AV,Tiếng Anh B1,language,120
		QP,Bồi dưỡng kiến thức quốc phòng - an ninh,defense_security,40`,
}

func setup(t *testing.T, st *store.Store, training string) (*config.Config, *scheduler.Runner) {
	t.Helper()
	files := map[string]string{"training.csv": "staff_code,course_code,start_on,status,due_on,completed_on,hours\n" + training}
	for k, v := range agency {
		files[k] = v
	}
	testkit.Import(t, st, files)
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Config(t, baseConfig), &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now, KeepContent: true}
}

// at is 07:00 on a date in Hanoi.
func at(date string) time.Time {
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" 07:00", loc)
	if err != nil {
		panic(err)
	}
	return t
}

// summary lists a run's messages as "to|cc|kind ref step" lines, sorted.
func summary(planned []plan.Planned) []string {
	var out []string
	for _, p := range planned {
		var cc []string
		for _, c := range p.Cc {
			cc = append(cc, c.Email)
		}
		for _, it := range p.Items {
			out = append(out, fmt.Sprintf("%s|%s|%s %s %s %s", p.To.Email, strings.Join(cc, ","), it.Kind, it.StaffCode, it.Ref, it.Step))
		}
	}
	slices.Sort(out)
	return out
}

func TestCourseRemindersSteps(t *testing.T) {
	// One training of A, due 31/12/2026; the run's date decides the step.
	cases := []struct {
		name string
		slot time.Time
		want []string
	}{
		// 31 days before: farther than the first step, nothing yet.
		{"31 days before", at("2026-11-30"), nil},
		// 30 days before: the 30-day step.
		{"30 days before", at("2026-12-01"), []string{"a@example.vn||training_due A QLNN 30d"}},
		// 11 days before is still the 30-day step (the 7-day one is not reached).
		{"11 days before", at("2026-12-20"), []string{"a@example.vn||training_due A QLNN 30d"}},
		// 7 days before: the 7-day step.
		{"7 days before", at("2026-12-24"), []string{"a@example.vn||training_due A QLNN 7d"}},
		// 1 day before and the day itself: the 1-day step.
		{"1 day before", at("2026-12-30"), []string{"a@example.vn||training_due A QLNN 1d"}},
		{"due today", at("2026-12-31"), []string{"a@example.vn||training_due A QLNN 1d"}},
		// The day after: overdue, the first period, manager in copy.
		{"1 day overdue", at("2027-01-01"), []string{"a@example.vn||training_overdue A QLNN overdue/0", "h1@example.vn||training_overdue A QLNN overdue/0"}},
		// Still the first period on day 7, the second from day 8.
		{"7 days overdue", at("2027-01-07"), []string{"a@example.vn||training_overdue A QLNN overdue/0", "h1@example.vn||training_overdue A QLNN overdue/0"}},
		{"8 days overdue", at("2027-01-08"), []string{"a@example.vn||training_overdue A QLNN overdue/1", "h1@example.vn||training_overdue A QLNN overdue/1"}},
		// Midnight in Hanoi on 30/12 is still 29/12 in UTC: the date is Hanoi's, 1 day left.
		{"midnight in the zone", time.Date(2026, 12, 29, 17, 0, 0, 0, time.UTC), []string{"a@example.vn||training_due A QLNN 1d"}},
		// One minute earlier it is 29/12 in Hanoi: 2 days left, the 7-day step.
		{"a minute before midnight", time.Date(2026, 12, 29, 16, 59, 0, 0, time.UTC), []string{"a@example.vn||training_due A QLNN 7d"}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, `A,QLNN,2026-01-05,enrolled,2026-12-31,,`)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, c.slot, true)
				if err != nil {
					t.Fatal(err)
				}
				if got := summary(res.Planned); !slices.Equal(got, c.want) {
					t.Errorf("got %q\nwant %q", got, c.want)
				}
			})
		}
	})
}

func TestCourseRemindersWhoAndWhat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, `
			A,QLNN,2026-01-05,enrolled,2026-12-26,,
			A,TH,2026-09-01,planned,2026-12-03,,
			A,AV,2026-01-05,enrolled,2026-11-20,,
			A,QP,2026-01-05,completed,2026-12-01,2026-10-01,40
			A,AV,2025-01-05,dropped,2026-12-01,,
			A,QP,2026-11-01,planned,2026-12-28,,
			L,QLNN,2026-01-05,enrolled,2026-12-03,,
			B,QLNN,2026-01-05,enrolled,2026-12-03,,
			C,TH,2026-01-05,enrolled,2026-11-10,,`)
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-26"), false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			// A: one message with everything due (30 and 7 days) and overdue.
			// The completed, dropped and not-yet-due rows are left out.
			"a@example.vn||training_due A QLNN 30d",
			"a@example.vn||training_due A TH 7d",
			"a@example.vn||training_overdue A AV overdue/0",
			// C: overdue, but has no manager to tell: C is still told ...
			"c@example.vn||training_overdue C TH overdue/2",
			// The manager, H1, is told of A's overdue training in a message
			// of their own (the team message), not in copy of A's.
			"h1@example.vn||training_overdue A AV overdue/0",
			// ... and HR gets B (no e-mail) and C (no manager) to fix. L has left.
			"tochuc@example.vn||data_problem B QLNN 7d",
			"tochuc@example.vn||data_problem C TH overdue/2",
		}
		if got := summary(res.Planned); !slices.Equal(got, want) {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(res.Planned) != 4 {
			t.Errorf("%d messages, want one per recipient (4)", len(res.Planned))
		}
		// The same slot again adds nothing.
		again, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-26"), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Planned) != 0 {
			t.Errorf("second run of the same slot planned %q", summary(again.Planned))
		}
		// The next day nothing new is due: no message (the steps were sent).
		next, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-27"), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(next.Planned) != 0 {
			t.Errorf("next day planned %q", summary(next.Planned))
		}
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM deliveries"); err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("outbox has %d rows, want 4", n)
		}
	})
}

func TestCourseRemindersAfterDowntime(t *testing.T) {
	// Due 31/12. The daemon ran on 01/12 (30-day step), then was down until
	// 29/12: that run sends the tightest step reached (7 days), never "30 days
	// left" again; the next day the 1-day step.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, `A,QLNN,2026-01-05,enrolled,2026-12-31,,`)
		steps := []struct {
			slot time.Time
			want []string
		}{
			{at("2026-12-01"), []string{"a@example.vn||training_due A QLNN 30d"}},
			{at("2026-12-29"), []string{"a@example.vn||training_due A QLNN 7d"}},
			{at("2026-12-30"), []string{"a@example.vn||training_due A QLNN 1d"}},
			{at("2026-12-31"), nil},
		}
		for _, s := range steps {
			res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, s.slot, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(res.Planned); !slices.Equal(got, s.want) {
				t.Errorf("%s: got %q want %q", s.slot.Format("2006-01-02"), got, s.want)
			}
		}
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, `A,QLNN,2026-01-05,enrolled,2026-12-31,,`)
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-12-30"), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 1 {
			t.Fatalf("dry run shows %d messages, want 1", len(res.Planned))
		}
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT (SELECT count(*) FROM deliveries) + (SELECT count(*) FROM delivery_items)"); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("dry run wrote %d outbox rows", n)
		}
	})
}

// A list entry may carry a display name, as config allows: it reaches the
// message, and the address is what counts.
func TestNamedListEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, runner := setup(t, st, `B,QLNN,2026-01-05,enrolled,2026-12-03,,`)
		cfg := testkit.Config(t, strings.Replace(baseConfig, "[tochuc@example.vn]", `["Phòng Tổ chức cán bộ <TOCHUC@example.vn>"]`, 1))
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-26"), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 1 || res.Planned[0].To.Email != "tochuc@example.vn" || res.Planned[0].To.Name != "Phòng Tổ chức cán bộ" {
			t.Fatalf("planned %+v", res.Planned)
		}
	})
}

// An open training with no due date cannot be reminded of: HR is told, once.
func TestCourseRemindersUndated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, `A,TH,2026-09-01,enrolled,,,
			A,QP,2026-09-01,completed,,2026-10-01,40`)
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-26"), false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"tochuc@example.vn||data_problem A TH undated"}
		if got := summary(res.Planned); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		again, _ := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-27"), false)
		if len(again.Planned) != 0 {
			t.Errorf("told again: %q", summary(again.Planned))
		}
	})
}
