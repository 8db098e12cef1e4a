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
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
)

// bundle is what a job test works with.
type bundle struct {
	st     *store.Store
	cfg    *config.Config
	runner *scheduler.Runner
}

// setupFiles imports files (the import format) and returns a runner with the
// embedded templates and the configuration baseConfig + extra.
func setupFiles(t *testing.T, st *store.Store, extra string, files map[string]string) *bundle {
	t.Helper()
	testkit.Import(t, st, files)
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{st: st, cfg: testkit.Config(t, baseConfig+extra), runner: &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now, KeepContent: true}}
}

// run runs job for the slot at 07:00 on date; dry runs write nothing.
func (b *bundle) run(t *testing.T, job jobs.Job, date string, dry bool) scheduler.Result {
	t.Helper()
	res, err := b.runner.Execute(context.Background(), b.cfg, job, at(date), dry)
	if err != nil {
		t.Fatalf("%s at %s: %v", job.Name(), date, err)
	}
	return res
}

// items lists a run's items as "to|kind staff step" lines, sorted; ref is
// left out where the kind has none.
func items(planned []plan.Planned) []string {
	var out []string
	for _, p := range planned {
		for _, it := range p.Items {
			who := it.StaffCode
			if who == "" {
				who = it.Ref
			}
			out = append(out, fmt.Sprintf("%s|%s %s %s", p.To.Email, it.Kind, who, it.Step))
		}
	}
	slices.Sort(out)
	return out
}

// find returns the item of kind about staff in the message to email.
func find(t *testing.T, planned []plan.Planned, email, kind, staff string) notify.Item {
	t.Helper()
	for _, p := range planned {
		if p.To.Email != email {
			continue
		}
		for _, it := range p.Items {
			if it.Kind == kind && (it.StaffCode == staff || it.Ref == staff) {
				return *it
			}
		}
	}
	t.Fatalf("no %s item about %s for %s in %q", kind, staff, email, items(planned))
	return notify.Item{}
}

// message returns the message to email.
func messageTo(t *testing.T, planned []plan.Planned, email string) plan.Planned {
	t.Helper()
	for _, p := range planned {
		if p.To.Email == email {
			return p
		}
	}
	t.Fatalf("no message to %s in %q", email, items(planned))
	return plan.Planned{}
}

// diff reports a difference of two sorted line lists readably.
func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\ngot\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
