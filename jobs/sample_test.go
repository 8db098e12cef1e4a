package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/rules"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// sampleAgency imports the generated sample agency of 200 people placed
// around 26/11/2026 (`tickler sample -staff 200 -at 2026-11-26`).
func sampleAgency(t *testing.T, st *store.Store, extra string) *bundle {
	t.Helper()
	return sampleAgencyOf(t, st, sample.Options{Staff: 200, At: civil.MustParse("2026-11-26"), Seed: 1}, extra)
}

// sampleAgencyOf imports the sample agency that opts describe.
func sampleAgencyOf(t *testing.T, st *store.Store, opts sample.Options, extra string) *bundle {
	t.Helper()
	dir := t.TempDir()
	if _, err := sample.Generate(dir, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{st: st, cfg: testkit.Config(t, baseConfig+extra), runner: &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now, KeepContent: true}}
}

func TestSampleAgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := sampleAgency(t, st, "")

		// The sample places four terms to end 28, 59, 88 and 118 days after
		// 26/11/2026: on Monday 30/11 each is listed to HR with its review
		// deadline (end − 90 days), retirement date and case.
		res := b.run(t, jobs.Reappointments{}, "2026-11-30", true)
		hr := messageTo(t, res.Planned, "tochuc@example.vn")
		ends := map[string]bool{}
		for _, it := range hr.Items {
			if it.Kind != "term_ending" && it.Kind != "review_overdue" {
				continue
			}
			ends[it.Date.String()] = true
			review, _ := it.Fields["review_deadline"].(civil.Date)
			retire, _ := it.Fields["retirement"].(civil.Date)
			c, _ := it.Fields["case"].(string)
			if review != it.Date.AddDays(-90) || retire.IsZero() || c == "" || c == string(rules.CaseUnknown) {
				t.Errorf("%s: review %s, retirement %s, case %q", it.StaffCode, review, retire, c)
			}
			if !strings.Contains(it.Note, "hạn bắt đầu quy trình xem xét bổ nhiệm lại") || !strings.Contains(it.Note, "nghỉ hưu") {
				t.Errorf("%s: note %q", it.StaffCode, it.Note)
			}
		}
		for _, d := range []string{"2026-12-24", "2027-01-24", "2027-02-22", "2027-03-24"} {
			if !ends[d] {
				t.Errorf("no term ending %s in HR's message (%q)", d, items(res.Planned))
			}
		}

		// Every job runs on the sample and renders in Vietnamese, and in
		// English on a second copy; a second run of the same slot adds nothing.
		allJobs(t, b, "[Nhắc việc]", "Trân trọng,")
		allJobs(t, sampleAgency(t, storetest.New(t, st.Dialect), "language: en\n"), "[Reminder]", "Kind regards,")
	})
}

// allJobs runs every reminder job on the sample agency and checks that each
// sends something, renders completely, and sends nothing more the second time.
func allJobs(t *testing.T, b *bundle, subject, closing string) {
	t.Helper()
	for _, c := range []struct {
		job  jobs.Job
		date string
	}{
		{jobs.CourseReminders{}, "2026-11-26"},
		{jobs.Reappointments{}, "2026-11-30"},
		{jobs.RefresherHours{}, "2026-11-01"},
		{jobs.PlanningReview{}, "2026-11-30"},
		{jobs.EvaluationSeason{}, "2026-12-01"},
	} {
		compiledSameAsTemplates(t, b, c.job, c.date)
		first := b.run(t, c.job, c.date, false)
		if len(first.Planned) == 0 {
			t.Errorf("%s on %s: no message", c.job.Name(), c.date)
		}
		for _, p := range first.Planned {
			if !strings.HasPrefix(p.Subject, subject) || !strings.Contains(p.Content.Text, closing) || !strings.Contains(p.Content.HTML, "</html>") {
				t.Errorf("%s to %s: subject %q, text or HTML incomplete", c.job.Name(), p.To.Email, p.Subject)
			}
		}
		if again := b.run(t, c.job, c.date, false); len(again.Planned) != 0 {
			t.Errorf("%s: a second run of %s planned %d messages", c.job.Name(), c.date, len(again.Planned))
		}
	}
}

// compiledSameAsTemplates plans job's messages on date (dry) with the
// compiled templates and with text/template and html/template alone: every
// message is the same, byte for byte, and none was left to the templates.
func compiledSameAsTemplates(t *testing.T, b *bundle, job jobs.Job, date string) {
	t.Helper()
	fast := b.runner.Templates
	before := fast.Fallbacks()
	got := b.run(t, job, date, true).Planned
	slow := *b.runner
	slow.Templates = fast.Interpreted()
	res, err := slow.Execute(context.Background(), b.cfg, job, at(date), true)
	if err != nil {
		t.Fatal(err)
	}
	want := res.Planned
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%s: %d messages compiled, %d interpreted", job.Name(), len(got), len(want))
	}
	byKey := func(a, b plan.Planned) int { return strings.Compare(a.Key+a.To.Email, b.Key+b.To.Email) }
	slices.SortFunc(got, byKey)
	slices.SortFunc(want, byKey)
	for i := range got {
		g, w := got[i].Content, want[i].Content
		if g.Subject != w.Subject || g.Text != w.Text || g.HTML != w.HTML {
			t.Errorf("%s to %s: compiled and interpreted templates differ:\n%s\n---\n%s", job.Name(), got[i].To.Email, g.Text, w.Text)
		}
	}
	if n := fast.Fallbacks() - before; n > 0 {
		t.Errorf("%s: %d message parts left to text/template or html/template", job.Name(), n)
	}
}
