package jobs_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// Slots run out of order (a hand run of a later slot, then the daemon's
// catch-up of an earlier one; -at in the past; replicas): once a recipient
// had a step of an item, no step that began no later reaches them again,
// and HR's data-to-fix item about it follows the same rule. A tighter step
// still goes out.
func TestLooserStepNeverFollowsATighterOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		// A's training is due 11/12/2026; B has no e-mail: HR is told.
		cfg, runner := setup(t, st, "A,QLNN,2026-01-05,enrolled,2026-12-11,,\nB,TH,2026-01-05,enrolled,2026-12-11,,")
		run := func(date string) []string {
			t.Helper()
			res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at(date), false)
			if err != nil {
				t.Fatal(err)
			}
			var planned []string
			for _, p := range res.Planned {
				for _, it := range p.Items {
					planned = append(planned, p.To.Email+" "+it.Kind+" "+it.StaffCode+" "+it.Step)
				}
			}
			slices.Sort(planned)
			return planned
		}
		for _, c := range []struct {
			date string
			want []string
		}{
			// 7 days before: the 7-day step, and HR's item about B at that step.
			{"2026-12-04", []string{"a@example.vn training_due A 7d", "tochuc@example.vn data_problem B 7d"}},
			// The slot of the day before, caught up later: 8 days left is the
			// 30-day step, which began before the 7-day one: nothing.
			{"2026-12-03", nil},
			// A later slot of the same step: nothing (sent once).
			{"2026-12-05", nil},
			// The 1-day step is tighter: it goes.
			{"2026-12-10", []string{"a@example.vn training_due A 1d", "tochuc@example.vn data_problem B 1d"}},
			// Overdue, second week; then the first week's slot caught up: nothing.
			// (the manager H1 hears of both in the team message, each week)
			{"2026-12-20", []string{"a@example.vn training_overdue A overdue/1", "h1@example.vn training_overdue A overdue/1",
				"h1@example.vn training_overdue B overdue/1", "tochuc@example.vn data_problem B overdue/1"}},
			{"2026-12-12", nil},
		} {
			if got := run(c.date); !slices.Equal(got, c.want) {
				t.Errorf("run at %s planned %q, want %q", c.date, got, c.want)
			}
		}
	})
}

// The marks are per recipient: a person who had the 7-day step does not
// stop the 30-day step of another item, nor of the same item to someone
// else (a new manager in copy is told at the step the item is at).
func TestStepMarksArePerItemAndRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg, runner := setup(t, st, "A,QLNN,2026-01-05,enrolled,2026-12-11,,\nA,TH,2026-01-05,enrolled,2027-01-02,,")
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-12-04"), false)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(res.Planned); !slices.Equal(got, []string{"a@example.vn||training_due A QLNN 7d", "a@example.vn||training_due A TH 30d"}) {
			t.Errorf("got %q", got)
		}
		var marks int
		if err := st.GetSQL(context.Background(), &marks, "SELECT count(DISTINCT mark) FROM delivery_items WHERE mark LIKE 'course-reminders|%'"); err != nil || marks != 2 {
			t.Errorf("%d step marks (%v), want 2", marks, err)
		}
	})
}
