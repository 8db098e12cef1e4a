package scheduler_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// sharedSlot are four jobs that share 07:00 on 1 December by default
// (course-reminders daily, refresher-hours and monthly-digest on the 1st,
// evaluation-season on 1 November and 1 December).
var sharedSlot = []string{"course-reminders", "refresher-hours", "evaluation-season", "monthly-digest"}

// sharedAgency imports a sample agency of n people around 26/11/2026 and
// returns a runner of the real jobs and a configuration with the four
// jobs of sharedSlot enabled, the others not.
func sharedAgency(t *testing.T, st *store.Store, n int) (*scheduler.Runner, *config.Config) {
	t.Helper()
	dir := t.TempDir()
	if _, err := sample.Generate(dir, sample.Options{Staff: n, At: civil.MustParse("2026-11-26"), Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{}); err != nil {
		t.Fatal(err)
	}
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	yaml := baseConfig + "jobs:\n"
	for _, name := range config.JobNames {
		if !contains(sharedSlot, name) {
			yaml += "  " + name + ": {enabled: false}\n"
		}
	}
	return &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now}, testkit.Config(t, yaml)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestJobsSharingASlot: the four jobs of 1 December 07:00 start together on
// a few thousand people. All succeed, nothing waits for SQLite's busy
// timeout (they queue for its one writer instead), and the slot is done in
// about the time the four take one after another. Before the store had one
// writer, the first job's transaction waited for a pooled connection that
// the others held while they waited for its write lock: every job but one
// failed with SQLITE_BUSY after 15 s.
func TestJobsSharingASlot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const staff = 2000
		slot := time.Date(2026, 12, 1, 7, 0, 0, 0, hcm)

		// One after another, on a copy of the agency.
		seqStore := storetest.New(t, st.Dialect)
		runner, cfg := sharedAgency(t, seqStore, staff)
		began := time.Now()
		for _, name := range sharedSlot {
			job, err := jobs.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := runner.Execute(context.Background(), cfg, job, slot, false); err != nil {
				t.Fatalf("%s alone: %v", name, err)
			}
		}
		sequential := time.Since(began)

		// Together, as the scheduler starts them.
		runner, cfg = sharedAgency(t, st, staff)
		var logs strings.Builder
		clk := &clock{t: slot.Add(30 * time.Second)}
		s := &scheduler.Scheduler{Store: st, Runner: runner, Config: func() *config.Config { return cfg },
			Owner: "test:1", Now: clk.Now, Lease: time.Minute, Log: slog.New(slog.NewTextHandler(&logs, nil))}
		began = time.Now()
		s.Look(context.Background())
		s.Wait()
		together := time.Since(began)
		t.Logf("%d staff: the four jobs one after another in %v, together in %v",
			staff, sequential.Round(time.Millisecond), together.Round(time.Millisecond))

		var runs []struct {
			Job   string `db:"job"`
			State string `db:"state"`
			Error string `db:"error"`
		}
		if err := st.SelectSQL(context.Background(), &runs, "SELECT job, state, error FROM job_runs ORDER BY job"); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, fmt.Sprintf("%s %s %s", r.Job, r.State, r.Error))
		}
		want := []string{"course-reminders done ", "evaluation-season done ", "monthly-digest done ", "refresher-hours done "}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("runs of the slot:\n%s\nwant\n%s\nlog:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), logs.String())
		}
		for _, bad := range []string{"SQLITE_BUSY", "database is locked", "level=ERROR"} {
			if strings.Contains(logs.String(), bad) {
				t.Errorf("the log says %q:\n%s", bad, logs.String())
			}
		}
		// Queueing for one writer costs little beyond the sum; the old lock-up
		// cost a busy timeout of 15 s. Twice the sum and a second leaves
		// room for a busy machine.
		if together > 2*sequential+time.Second {
			t.Errorf("together took %v, one after another %v", together, sequential)
		}
	})
}
