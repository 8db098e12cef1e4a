package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// On a generated agency of 400 people, on a day many trainings are overdue
// (the 7th of December, three weeks after the sample's date), every address
// gets at most one message from each job's run, To or Cc: a manager with six
// overdue subordinates used to get six.
func TestOneMessagePerAddressPerRun(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	b := sampleAgencyOf(t, st, sample.Options{Staff: 400, At: civil.MustParse("2026-11-16"), Seed: 2}, "")
	teams := 0
	for _, name := range []string{"course-reminders", "refresher-hours", "reappointments", "planning-review", "evaluation-season", "monthly-digest", "delivery-failures"} {
		job, err := jobs.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		res := b.run(t, job, "2026-12-07", false)
		per := map[string]int{}
		for _, p := range res.Planned {
			per[p.To.Email]++
			for _, c := range p.Cc {
				per[c.Email]++
			}
			if name == "course-reminders" && len(others(p)) > 1 {
				teams++
			}
		}
		for addr, n := range per {
			if n > 1 {
				t.Errorf("%s: %s got %d messages", name, addr, n)
			}
		}
		t.Logf("%s: %d messages, %d items", name, len(res.Planned), res.Items)
	}
	if teams == 0 {
		t.Error("no manager got a team message: the date has too few overdue trainings to test anything")
	}
}

// others are the items of a message about other people than its recipient.
func others(p plan.Planned) []string {
	var out []string
	for _, it := range p.Items {
		if it.StaffCode != p.To.StaffCode {
			out = append(out, it.StaffCode)
		}
	}
	return out
}

// The escalation chain on one overdue training (due 30/11/2026), run on
// every day of its first ten weeks, some days caught up late and out of
// order, each slot by two replicas at once: the person hears each week, the
// manager each week from the first, the unit head once after four weeks, HR
// once after eight, and no level twice.
func TestEscalationChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, "A,QLNN,2026-01-05,enrolled,2026-11-30,,")
		// A's unit head is H1, who is also A's manager: the unit head's level
		// (after 4 weeks) needs a head of its own to be seen, so the unit is
		// headed by C here.
		if _, err := st.ExecSQL(context.Background(), "UPDATE units SET head_code = 'C'"); err != nil {
			t.Fatal(err)
		}
		told := map[string][]string{} // address → steps, in the order told
		var mu sync.Mutex
		run := func(date string) {
			var wg sync.WaitGroup
			for range 2 { // two replicas, the same slot
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at(date), false)
					if err != nil && !strings.Contains(err.Error(), store.ErrPlannedElsewhere.Error()) {
						t.Errorf("%s: %v", date, err)
					}
					mu.Lock()
					defer mu.Unlock()
					for _, p := range res.Planned {
						for _, it := range p.Items {
							if it.Kind == "training_overdue" {
								told[p.To.Email] = append(told[p.To.Email], it.Step)
							}
						}
					}
				}()
			}
			wg.Wait()
		}
		day := civil.MustParse("2026-12-01")
		for i := 0; i < 70; i++ {
			d := day.AddDays(i)
			switch {
			case i%10 == 3: // down that day: caught up with the next
			case i%10 == 4:
				run(d.String())
				run(d.AddDays(-1).String()) // the missed slot, run after a later one
			default:
				run(d.String())
			}
		}
		weekly := make([]string, 10)
		for n := range weekly {
			weekly[n] = fmt.Sprintf("overdue/%d", n)
		}
		want := map[string][]string{
			"a@example.vn":      weekly,
			"h1@example.vn":     weekly,
			"c@example.vn":      {"escalated/4w"},
			"tochuc@example.vn": {"escalated/8w"},
		}
		for addr, steps := range want {
			if got := told[addr]; !slices.Equal(got, steps) {
				t.Errorf("%s was told %v, want %v", addr, got, steps)
			}
		}
		if len(told) != len(want) {
			t.Errorf("told %v", told)
		}
	})
}

// A's own message says who else was told; the manager's says whether A
// was; a manager with 200 overdue subordinates gets one message, its list cut
// at mail.list_limit with the whole list attached.
func TestTeamMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var staff, training strings.Builder
		staff.WriteString("code,full_name,email,unit_code,manager_code\nM,Trần Văn Mạnh,m@example.vn,U1,\n")
		training.WriteString("staff_code,course_code,start_on,status,due_on,completed_on,hours\n")
		for i := range 200 {
			fmt.Fprintf(&staff, "S%03d,Nguyễn Văn %d,s%03d@example.vn,U1,M\n", i, i, i)
			fmt.Fprintf(&training, "S%03d,QLNN,2026-01-05,enrolled,2026-10-01,,\n", i)
		}
		b := setupFiles(t, st, "", map[string]string{
			"units.csv":    "code,name\nU1,Phòng Tổ chức cán bộ",
			"courses.csv":  "code,name,category\nQLNN,Bồi dưỡng quản lý nhà nước,state_management",
			"staff.csv":    staff.String(),
			"training.csv": training.String(),
		})
		b.cfg.Mail.ListLimit = 50
		res := b.run(t, jobs.CourseReminders{}, "2026-10-20", false)
		m := messageTo(t, res.Planned, "m@example.vn")
		if len(m.Items) != 200 {
			t.Errorf("the manager's message lists %d items, want 200", len(m.Items))
		}
		if !strings.Contains(m.Content.Text, "Các đồng chí dưới đây có khóa đào tạo, bồi dưỡng đã quá hạn") ||
			!strings.Contains(m.Content.Text, "Nguyễn Văn 0 (S000)") || strings.Contains(m.Content.Text, "Nguyễn Văn 199 (S199)") {
			t.Errorf("the team list is not there, or not cut at 50:\n%s", m.Content.Text)
		}
		var csv bool
		for _, a := range m.Content.Attachments {
			csv = csv || strings.HasSuffix(a.Filename, ".csv") && strings.Count(string(a.Data), "\n") == 201
		}
		if !csv {
			t.Error("the whole list is not attached as CSV")
		}
		if !strings.Contains(m.Content.Text, "đã được nhắc") {
			t.Errorf("the team message does not say the people were reminded:\n%s", m.Content.Text[:400])
		}
		s0 := messageTo(t, res.Planned, "s000@example.vn")
		if !strings.Contains(s0.Content.Text, "Lãnh đạo trực tiếp đã được thông báo.") {
			t.Errorf("the person's message does not say who else was told:\n%s", s0.Content.Text)
		}
	})
}
