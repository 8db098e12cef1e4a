package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// replicaRun is the one job_runs row of the test's slot.
type replicaRun struct {
	State    string `db:"state"`
	Owner    string `db:"owner"`
	Attempts int    `db:"attempts"`
}

func courseRuns(t *testing.T, st *store.Store) []replicaRun {
	t.Helper()
	var rs []replicaRun
	if err := st.SelectSQL(context.Background(), &rs, "SELECT state, owner, attempts FROM job_runs WHERE job = 'course-reminders' ORDER BY slot"); err != nil {
		t.Fatal(err)
	}
	return rs
}

// waitSettled waits until no job's run is under way and the outbox is worked
// off. The daemons catch up the other jobs' missed slots too, each committing
// its messages when its run ends: an outbox empty between two of those
// commits is not the end (a run ends after its messages are committed).
func waitSettled(t *testing.T, st *store.Store) {
	t.Helper()
	waitFor(t, "every run is over and the outbox is worked off", 60*time.Second, func() bool {
		var running, left int
		st.GetSQL(context.Background(), &running, "SELECT count(*) FROM job_runs WHERE state = 'running'")
		st.GetSQL(context.Background(), &left, "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'retry')")
		return running == 0 && left == 0
	})
}

// checkExactlyOnce checks that every delivery was claimed and sent once, and
// that the outbox folder holds one file per delivery, each Message-ID once.
//
// The .eml transport names a file after its row, so a second send of one row
// would overwrite its file rather than add one: the attempts column (raised by
// every claim) is what proves no row was sent twice.
func checkExactlyOnce(t *testing.T, st *store.Store, outbox string) int {
	t.Helper()
	var n, sent, once int
	if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM deliveries"); err != nil {
		t.Fatal(err)
	}
	st.GetSQL(context.Background(), &sent, "SELECT count(*) FROM deliveries WHERE state = 'sent'")
	st.GetSQL(context.Background(), &once, "SELECT count(*) FROM deliveries WHERE state = 'sent' AND attempts = 1")
	if n == 0 {
		t.Fatal("the job planned no message: the test proves nothing")
	}
	if sent != n || once != n {
		t.Errorf("%d deliveries: %d sent, %d of them at the first attempt", n, sent, once)
	}
	files := emlFiles(t, outbox)
	ids := messageIDs(t, files)
	if len(files) != n || len(ids) != n {
		t.Errorf("%d deliveries, %d files, %d distinct Message-IDs", n, len(files), len(ids))
	}
	return n
}

// Three `serve` processes on one PostgreSQL database, one slot: the slot runs
// once, on one of them, and every message is written exactly once although
// all three deliver.
func TestThreeReplicasRunASlotOnce(t *testing.T) {
	driver, dsn := storetest.DSN(t, store.Postgres)
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	path := writeConfig(t, dir, daemonConfig(driver, dsn, outbox, "0 7 * * *", "1d"))
	importSample(t, path, 300)
	st := openDB(t, driver, dsn)

	var ds []*daemon
	for i := range 3 {
		ds = append(ds, startDaemon(t, fmt.Sprintf("replica%d", i+1), dir, path, testHooks{Tick: 300 * time.Millisecond}))
	}
	waitFor(t, "the slot's run is done", 60*time.Second, func() bool {
		rs := courseRuns(t, st)
		return len(rs) > 0 && rs[0].State == "done"
	})
	waitSettled(t, st)
	if rs := courseRuns(t, st); len(rs) != 1 {
		t.Errorf("job_runs: %+v, want one row", rs)
	}
	ran, started := 0, 0
	for _, d := range ds {
		ran += d.count("job ran", "job=course-reminders")
		started += d.count("job started", "job=course-reminders")
	}
	if ran != 1 || started != 1 {
		t.Errorf("%d replicas started the job and %d ran it, want 1 and 1", started, ran)
	}
	n := checkExactlyOnce(t, st, outbox)
	t.Logf("%d messages, each written once, by 3 replicas", n)
	for _, d := range ds {
		d.stop(10 * time.Second)
	}
}

// kill -9 of the replica running a slot: another replica takes the slot over
// when the lease runs out, and it completes once; no message is doubled.
func TestKilledReplicaSlotCompletesOnAnother(t *testing.T) {
	driver, dsn := storetest.DSN(t, store.Postgres)
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	path := writeConfig(t, dir, daemonConfig(driver, dsn, outbox, "0 7 * * *", "1d"))
	importSample(t, path, 80)
	st := openDB(t, driver, dsn)

	// Each run waits 3s before its work; leases last 2s.
	hooks := testHooks{Tick: 300 * time.Millisecond, Lease: 2 * time.Second, JobDelay: 3 * time.Second}
	byPid := map[string]*daemon{}
	for i := range 3 {
		d := startDaemon(t, fmt.Sprintf("replica%d", i+1), dir, path, hooks)
		byPid[fmt.Sprint(d.cmd.Process.Pid)] = d
	}
	var holder *daemon
	waitFor(t, "a replica claims the slot", 30*time.Second, func() bool {
		rs := courseRuns(t, st)
		if len(rs) == 0 || rs[0].State != "running" {
			return false
		}
		holder = byPid[rs[0].Owner[strings.LastIndexByte(rs[0].Owner, ':')+1:]]
		return holder != nil
	})
	if err := holder.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no lease release
		t.Fatal(err)
	}
	<-holder.exited
	t.Logf("killed %s, which held the slot", holder.name)

	waitFor(t, "the slot completes on another replica", 60*time.Second, func() bool {
		rs := courseRuns(t, st)
		return len(rs) == 1 && rs[0].State == "done"
	})
	rs := courseRuns(t, st)
	if rs[0].Attempts != 2 || strings.HasSuffix(rs[0].Owner, fmt.Sprint(":", holder.cmd.Process.Pid)) {
		t.Errorf("run %+v: want attempt 2 by a survivor", rs[0])
	}
	took := 0
	for _, d := range byPid {
		if d != holder {
			took += d.count(`taking over a run whose owner stopped" job=course-reminders`)
		}
	}
	if took != 1 {
		t.Errorf("%d take-overs, want 1", took)
	}
	waitSettled(t, st)
	checkExactlyOnce(t, st, outbox)
	for _, d := range byPid {
		if d != holder {
			d.stop(10 * time.Second)
		}
	}
}
