package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// pgBin is where Debian installs the PostgreSQL 15 server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// cluster is a throwaway PostgreSQL server of the test's own, so that
// stopping it disturbs nobody.
type cluster struct {
	t       *testing.T
	dir     string
	port    int
	asUser  string // run pg_ctl as this user ("" = the test's)
	running bool
}

// newCluster initialises a cluster in a temporary folder on a free port, not
// started. It skips the test when the server programs are not installed.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("PostgreSQL outage test skipped: %s/initdb not found (install postgresql-15)", pgBin)
	}
	c := &cluster{t: t}
	dir, err := os.MkdirTemp("", "tickler-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 { // initdb refuses root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("PostgreSQL outage test skipped: running as root and there is no postgres user")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		c.asUser = "postgres"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c.run(filepath.Join(pgBin, "initdb"), "-D", filepath.Join(dir, "data"), "-A", "trust", "-U", "tickler", "--no-sync", "-E", "UTF8")
	t.Cleanup(func() {
		if c.running {
			c.run(filepath.Join(pgBin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
		}
	})
	return c
}

func (c *cluster) run(prog string, args ...string) {
	c.t.Helper()
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, out)
	}
}

func (c *cluster) dsn() string {
	return fmt.Sprintf("postgres://tickler@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", c.port)
}

func (c *cluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir)
	c.run(filepath.Join(pgBin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "start")
	c.running = true
}

func (c *cluster) stop() {
	c.t.Helper()
	c.run(filepath.Join(pgBin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop")
	c.running = false
}

// A daemon started while PostgreSQL is down keeps trying and is not ready;
// when the server comes up it becomes ready and runs its slot. When the
// server stops under it, in the middle of a run, it stays up, logs the outage
// once, answers 503 on /readyz, and when the server is back it is ready
// again: the cut run is recorded as failed, and the latest slot it missed
// runs (the older ones are counted as superseded).
func TestPostgresOutage(t *testing.T) {
	pg := newCluster(t)
	dir := t.TempDir()
	outbox := filepath.Join(dir, "outbox")
	// Runs wait for this file once claimed: the test cuts one with the outage.
	gate := filepath.Join(dir, "gate")
	open := func() {
		if err := os.WriteFile(gate, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open()
	// A slot every 4 seconds, each inside a 1-minute window.
	path := writeConfig(t, dir, daemonConfig("postgres", pg.dsn(), outbox, "@every 4s", "1m"))
	d := startDaemon(t, "serve", dir, path, testHooks{Tick: 300 * time.Millisecond, JobGate: gate})

	// Down at start.
	d.waitLog(15*time.Second, "database unreachable at start")
	if code, _ := d.get("/healthz"); code != 200 {
		t.Errorf("/healthz while the database is down: %d", code)
	}
	if code, body := d.get("/readyz"); code != 503 {
		t.Errorf("/readyz while the database is down: %d %s", code, body)
	}
	if code, body := d.get("/"); code != 200 || !strings.Contains(body, "course-reminders") {
		t.Errorf("status page while the database is down: %d", code)
	}

	pg.start()
	d.waitStatus("/readyz", 200, 30*time.Second)
	st := openDB(t, "postgres", pg.dsn())
	waitFor(t, "a first run, and every job's catch-up over", 30*time.Second, func() bool {
		return doneRuns(st) >= 1 && runningRuns(st, "") == 0
	})

	// A run held mid-way, and the server down under it for about three slots.
	if err := os.Remove(gate); err != nil {
		t.Fatal(err)
	}
	// (Another job's slot could fall meanwhile and be held too: only
	// course-reminders' run is the one cut.)
	waitFor(t, "a run held at the gate", 30*time.Second, func() bool { return runningRuns(st, "course-reminders") == 1 })
	var cut store.Time
	if err := st.GetSQL(context.Background(), &cut, "SELECT slot FROM job_runs WHERE job = 'course-reminders' AND state = 'running'"); err != nil {
		t.Fatal(err)
	}
	pg.stop()
	down := time.Now()
	open() // the held run goes on, fails, and cannot record it
	d.waitLog(15*time.Second, "record job run; it is recorded when the database answers")
	d.waitStatus("/readyz", 503, 15*time.Second)
	d.waitLog(15*time.Second, "scheduler: database unreachable")
	time.Sleep(12 * time.Second) // slots pass while the server is down: the point of the test
	if !d.running() {
		t.Fatal("the daemon stopped when the database went away")
	}
	if n := d.count("scheduler: database unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times by the scheduler, want once", n)
	}

	pg.start()
	d.waitStatus("/readyz", 200, 30*time.Second)
	d.waitLog(15*time.Second, "scheduler: database reachable again")
	// The look that saw the server back ran the latest slot it had missed: one
	// that fell during the outage as the daemon saw it.
	back := time.Now()
	var slot store.Time
	waitFor(t, "a run of a slot that fell during the outage", 30*time.Second, func() bool {
		return st.GetSQL(context.Background(), &slot, `SELECT slot FROM job_runs WHERE job = 'course-reminders' AND state = 'done'
			AND slot > $1 AND slot < $2 ORDER BY slot DESC LIMIT 1`, store.T(down), store.T(back)) == nil
	})
	var cutRun struct {
		State    string `db:"state"`
		Attempts int    `db:"attempts"`
	}
	if err := st.GetSQL(context.Background(), &cutRun, "SELECT state, attempts FROM job_runs WHERE job = 'course-reminders' AND slot = $1", cut); err != nil {
		t.Fatal(err)
	}
	if cutRun.State != "failed" || cutRun.Attempts != 1 {
		t.Errorf("the run cut by the outage is %s after %d attempts; want failed after 1 (the later slot supersedes it)", cutRun.State, cutRun.Attempts)
	}
	_, metrics := d.get("/metrics")
	if !strings.Contains(metrics, `tickler_job_missed_slots_total{job="course-reminders",reason="superseded"}`) {
		t.Error("/metrics counts no superseded slot after the outage")
	}
	t.Logf("outage %s → %s; cut slot %s; slot %s ran after it", down.Format("15:04:05"), back.Format("15:04:05"),
		cut.Local().Format("15:04:05"), slot.Local().Format("15:04:05"))
	d.stop(10 * time.Second)
}

func doneRuns(st *store.Store) int {
	var n int
	st.GetSQL(context.Background(), &n, "SELECT count(*) FROM job_runs WHERE job = 'course-reminders' AND state = 'done'")
	return n
}

// runningRuns counts the runs going on of job, or of every job ("").
func runningRuns(st *store.Store, job string) int {
	var n int
	st.GetSQL(context.Background(), &n, "SELECT count(*) FROM job_runs WHERE state = 'running' AND (job = $1 OR $1 = '')", job)
	return n
}
