package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// An address in the records that the mail cannot use (written there by
// another system: the importer refuses it) reaches HR as data to fix; the
// run goes on and everyone else gets their mail. It used to fail the whole
// run: "plan: notice for C (training_due): invalid e-mail address".
func TestUnusableAddressGoesToHR(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, "A,QLNN,2026-01-05,enrolled,2026-12-11,,\nC,TH,2026-01-05,enrolled,2026-12-11,,\nA,AV,2026-01-05,enrolled,2026-11-20,,")
		ctx := context.Background()
		for _, q := range []string{
			`UPDATE staff SET email = 'lan@example' WHERE code = 'C'`,       // the .vn forgotten
			`UPDATE staff SET email = '"h x"@example.vn' WHERE code = 'H1'`, // A's manager, copied when overdue
		} {
			if _, err := st.ExecSQL(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		res, err := runner.Execute(ctx, cfg, jobs.CourseReminders{}, at("2026-12-04"), false)
		if err != nil {
			t.Fatalf("the run failed: %v", err)
		}
		want := []string{
			"a@example.vn||training_due A QLNN 7d",
			"a@example.vn||training_overdue A AV overdue/1",
			"tochuc@example.vn||data_problem A AV overdue/1",
			"tochuc@example.vn||data_problem C TH 7d",
		}
		if got := summary(res.Planned); !slices.Equal(got, want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
		for _, p := range res.Planned {
			if p.To.Email != "tochuc@example.vn" {
				continue
			}
			for _, it := range p.Items {
				if !strings.Contains(it.Note, "lan@example") && !strings.Contains(it.Note, `"h x"@example.vn`) {
					t.Errorf("HR's item %s %s does not name the address: %q", it.StaffCode, it.Ref, it.Note)
				}
			}
		}
	})
}

// The planner's last resort: a notice whose address no job checked is
// replaced by what Unusable gives (HR's item); a copy it cannot use is left
// out and HR told; without Unusable the run fails, naming the address.
func TestPlannerReplacesUnusableAddresses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, _ := setup(t, st, "")
		item := notify.Item{Kind: "training_due", Key: "training/1", Step: "7d", StaffCode: "X"}
		notices := []notify.Notice{
			{To: notify.Recipient{Email: "<script>x</script>@example.vn"}, Item: item},
			{To: notify.Recipient{Email: "a@example.vn"}, Cc: []notify.Recipient{{Email: "lan@example"}, {Email: "h1@example.vn"}}, Item: item},
		}
		tmpl, err := jobs.Templates("")
		if err != nil {
			t.Fatal(err)
		}
		p := scheduler.NewPlanner(st, tmpl, cfg, nil)
		p.Now = func() time.Time { return at("2026-12-04") }
		if _, err := p.Plan(context.Background(), "course-reminders", at("2026-12-04"), notices, true); err == nil || !strings.Contains(err.Error(), "<script>") {
			t.Errorf("without Unusable: %v, want an error naming the address", err)
		}
		p.Unusable = jobs.Unusable(cfg, "course-reminders")
		planned, err := p.Plan(context.Background(), "course-reminders", at("2026-12-04"), notices, true)
		if err != nil {
			t.Fatal(err)
		}
		// The copy to h1 is a message of its own.
		want := []string{"a@example.vn||training_due X  7d", "h1@example.vn||training_due X  7d", "tochuc@example.vn||data_problem X  7d"}
		if got := summary(planned); !slices.Equal(got, want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
	})
}
