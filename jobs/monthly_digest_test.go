package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// The monthly digest: the agency's to the lists, each unit head their unit's,
// one message per recipient; every scope's figures kept once, messages sent
// once; charts in the digests of the agency and of units of at least
// charts_min_staff people.
func TestMonthlyDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// U1 headed by H1 (also on the HR list), U2 under it headed by A, U3
		// under it headed by B, who has no address, U4 under U2 headed by A too.
		testkit.Import(t, st, map[string]string{
			"units.csv": `code,name,parent_code,head_code
				U1,Ban Tổ chức Tỉnh ủy,,H1
				U2,Phòng Tổ chức cán bộ,U1,A
				U3,Phòng Đào tạo,U1,B
				U4,Tổ Chính sách,U2,A`,
			"staff.csv": `code,full_name,email,unit_code,birth_date,gender,rank,education,political_theory,hired_on
				H1,Trần Thị Hoa,h1@example.vn,U1,1975-03-02,female,senior_specialist,master,advanced,2000-01-01
				A,Nguyễn Văn An,a@example.vn,U2,1985-05-01,male,principal_specialist,bachelor,intermediate,2010-01-01
				C,Phạm Thị Cúc,c@example.vn,U2,1987-05-01,female,specialist,bachelor,elementary,2012-01-01
				B,Lê Văn Bình,,U3,1986-05-01,male,specialist,college,none,2011-01-01`,
			"courses.csv": `code,name,category,hours
				BD,Bồi dưỡng nghiệp vụ,refresher,40`,
			"training.csv": `staff_code,course_code,start_on,status,completed_on
				C,BD,2026-10-05,completed,2026-10-07`,
		})
		cfg := testkit.Config(t, `
timezone: Asia/Ho_Chi_Minh
mail: {from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn, h1@example.vn], leadership: [lanhdao@example.vn]}
`)
		tmpl, err := jobs.Templates("")
		if err != nil {
			t.Fatal(err)
		}
		runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now, KeepContent: true}
		ctx := context.Background()
		job, err := jobs.Lookup("monthly-digest")
		if err != nil {
			t.Fatal(err)
		}

		// A dry run shows the messages and keeps nothing.
		res, err := runner.Execute(ctx, cfg, job, at("2026-11-01"), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 4 {
			t.Errorf("dry run: %d messages, want 4", len(res.Planned))
		}
		var kept int
		if err := st.GetSQL(context.Background(), &kept, "SELECT count(*) FROM digest_figures"); err != nil || kept != 0 {
			t.Fatalf("a dry run kept %d figures (%v)", kept, err)
		}

		// The run on 1 November: October's digest. lanhdao and tochuc get the
		// agency's; h1 the agency's and U1's (with U2, U3 and U4) in one
		// message; A U2's and U4's in one; B has no address. With fewer than
		// 200 people (charts_min_staff), the units' digests have no charts
		// and say so; the agency's has them.
		job, _ = jobs.Lookup("monthly-digest")
		res, err = runner.Execute(ctx, cfg, job, at("2026-11-01"), false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Planned {
			var refs []string
			for _, it := range p.Items {
				refs = append(refs, it.Key+"@"+it.Step)
			}
			got = append(got, p.To.Email+": "+strings.Join(refs, " "))
			if !strings.Contains(p.Subject, "10/2026") {
				t.Errorf("subject %q", p.Subject)
			}
			agency := p.Items[0].Key == "digest/agency"
			if agency != (len(p.Content.Attachments) == 2) { // ranks and trend; no plan targets here
				t.Errorf("%s: %d charts", p.To.Email, len(p.Content.Attachments))
			}
			for _, a := range p.Content.Attachments {
				if a.ContentID == "" || !strings.Contains(p.Content.HTML, "cid:"+a.ContentID) || !strings.HasSuffix(a.Filename, "-1.png") {
					t.Errorf("%s: chart %s is not the agency's, shown inline", p.To.Email, a.Filename)
				}
			}
			if omitted := strings.Count(p.Content.HTML, "Bản tin của đơn vị dưới 200 người không kèm biểu đồ"); omitted != len(p.Items) && !agency ||
				agency && omitted != len(p.Items)-1 {
				t.Errorf("%s: %d digests say they have no charts", p.To.Email, omitted)
			}
			if p.To.Email == "h1@example.vn" {
				for _, want := range []string{"Kính gửi đồng chí Trần Thị Hoa,", "Toàn cơ quan: Ban Tổ chức Tỉnh ủy", "Đơn vị: Ban Tổ chức Tỉnh ủy (U1), gồm 4 đơn vị"} {
					if !strings.Contains(p.Content.Text, want) {
						t.Errorf("h1's message lacks %q", want)
					}
				}
			}
		}
		slices.Sort(got)
		want := []string{
			"a@example.vn: digest/unit/U2@2026-10 digest/unit/U4@2026-10",
			"h1@example.vn: digest/agency@2026-10 digest/unit/U1@2026-10",
			"lanhdao@example.vn: digest/agency@2026-10",
			"tochuc@example.vn: digest/agency@2026-10",
		}
		if !slices.Equal(got, want) {
			t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		var rows []struct {
			Month string `db:"month"`
			Scope string `db:"scope"`
		}
		if err := st.SelectSQL(context.Background(), &rows, "SELECT month, scope FROM digest_figures ORDER BY scope"); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(rows) != "[{2026-10 } {2026-10 U1} {2026-10 U2} {2026-10 U3} {2026-10 U4}]" {
			t.Errorf("figures kept: %v", rows)
		}
		var outbox int
		if err := st.GetSQL(context.Background(), &outbox, "SELECT count(*) FROM deliveries WHERE job = 'monthly-digest' AND wire LIKE '%Content-Type: image/png%'"); err != nil || outbox != 3 {
			t.Errorf("%d messages with charts in the outbox (%v)", outbox, err)
		}

		// Run again (a retry, or the schedule changed): nothing new is sent.
		job, _ = jobs.Lookup("monthly-digest")
		res, err = runner.Execute(ctx, cfg, job, at("2026-11-02"), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 0 {
			t.Errorf("second run sent %d messages", len(res.Planned))
		}

		// December's digest compares with October's... November's: the
		// figures kept on 1 November are October's, the previous month of
		// November's digest sent on 1 December.
		job, _ = jobs.Lookup("monthly-digest")
		res, err = runner.Execute(ctx, cfg, job, at("2026-12-01"), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Planned {
			if p.To.Email == "lanhdao@example.vn" && !strings.Contains(p.Content.Text, "so với tháng trước") {
				t.Errorf("November's digest does not compare with October:\n%s", p.Content.Text)
			}
		}

		// charts_min_staff: 0 draws every digest's charts.
		cfg.Jobs.MonthlyDigest.ChartsMinStaff = 0
		job, _ = jobs.Lookup("monthly-digest")
		res, err = runner.Execute(ctx, cfg, job, at("2026-12-01"), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Planned {
			var names []string
			for _, a := range p.Content.Attachments {
				names = append(names, a.Filename)
			}
			for i := range p.Items {
				if !slices.Contains(names, fmt.Sprintf("trend-%d.png", i+1)) || strings.Contains(p.Content.HTML, "không kèm biểu đồ") {
					t.Errorf("%s: charts %v for %d digests", p.To.Email, names, len(p.Items))
				}
			}
		}
	})
}
