package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// clock is the scheduler's stubbed clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// schedBundle is what a scheduler test looks at: the runs the job got, and
// what the scheduler reported.
type schedBundle struct {
	st    *store.Store
	clock *clock
	mu    sync.Mutex
	ran   []time.Time            // slots run, in order
	miss  map[string]int         // missed slots by reason
	fail  int                    // Execute calls to fail before succeeding
	gate  chan struct{}          // when set, a run waits on it
	begun chan time.Time         // told of each run as it begins
	runs  map[string]int         // results by "done"/"failed"
	lags  []time.Duration        // lag of each run
	dbUp  []bool                 // DatabaseUp calls
	extra map[string][]time.Time // runs of other jobs
	logs  *testkit.Log           // the schedulers' log (two share it)
}

func (b *schedBundle) JobRun(job, result string, lag time.Duration, _ time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if job == "course-reminders" {
		b.runs[result]++
		b.lags = append(b.lags, lag)
	}
}
func (b *schedBundle) SlotsMissed(job, reason string, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if job == "course-reminders" {
		b.miss[reason] += n
	}
}
func (b *schedBundle) DatabaseUp(up bool) { b.mu.Lock(); b.dbUp = append(b.dbUp, up); b.mu.Unlock() }

func (b *schedBundle) slots(loc *time.Location) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, s := range b.ran {
		out = append(out, s.In(loc).Format("01-02 15:04"))
	}
	return out
}

func (b *schedBundle) missed() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps(b.miss)
}

func maps(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// newScheduler returns a scheduler of course-reminders (other jobs disabled)
// on st, with a stubbed clock and a stubbed run that records its slot.
func newScheduler(t *testing.T, st *store.Store, b *schedBundle, owner, jobYAML string) *scheduler.Scheduler {
	t.Helper()
	yaml := baseConfig + "jobs:\n  course-reminders:\n" + jobYAML
	for _, n := range config.JobNames {
		if n != "course-reminders" {
			yaml += "  " + n + ": {enabled: false}\n"
		}
	}
	cfg := testkit.Config(t, yaml)
	s := &scheduler.Scheduler{
		Store: st, Config: func() *config.Config { return cfg }, Owner: owner,
		Now: b.clock.Now, Tick: 30 * time.Second, Lease: time.Hour, // the stubbed clock jumps past shorter leases
		RetryFailed: time.Minute,
		Log:         slog.New(slog.NewTextHandler(b.logs, nil)), Observer: b,
		Execute: func(ctx context.Context, _ *config.Config, job string, slot time.Time) (scheduler.Result, error) {
			if b.begun != nil {
				b.begun <- slot
			}
			if b.gate != nil {
				<-b.gate
			}
			b.mu.Lock()
			defer b.mu.Unlock()
			if job != "course-reminders" {
				b.extra[job] = append(b.extra[job], slot)
				return scheduler.Result{}, nil
			}
			b.ran = append(b.ran, slot)
			if b.fail > 0 {
				b.fail--
				return scheduler.Result{}, errors.New("database went away")
			}
			return scheduler.Result{Job: job, Slot: slot, Items: 3}, nil
		},
	}
	return s
}

func schedSetup(st *store.Store, start time.Time) *schedBundle {
	return &schedBundle{st: st, clock: &clock{t: start}, miss: map[string]int{}, runs: map[string]int{},
		extra: map[string][]time.Time{}, logs: &testkit.Log{}}
}

// look runs one look of s at the clock's time and waits for what it started.
func look(t *testing.T, s *scheduler.Scheduler) {
	t.Helper()
	s.Look(context.Background())
	s.Wait()
}

var hcm, _ = time.LoadLocation("Asia/Ho_Chi_Minh")

// hanoi is a time on 2025-06-DD in Asia/Ho_Chi_Minh ("10 07:00").
func hanoi(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", "2025-06-"+s+":00", hcm)
	if err != nil {
		panic(err)
	}
	return t
}

type runRow struct {
	Slot     store.Time `db:"slot"`
	State    string     `db:"state"`
	Owner    string     `db:"owner"`
	Attempts int        `db:"attempts"`
	Error    string     `db:"error"`
	Items    int        `db:"items"`
}

func rows(t *testing.T, st *store.Store) []string {
	t.Helper()
	var rs []runRow
	if err := st.SelectSQL(context.Background(), &rs, "SELECT slot, state, owner, attempts, error, items FROM job_runs WHERE job = 'course-reminders' ORDER BY slot"); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("%s %s", r.Slot.In(hcm).Format("01-02 15:04"), r.State)
		if r.Attempts > 1 {
			s += fmt.Sprintf(" x%d", r.Attempts)
		}
		if r.Error != "" {
			s += " (" + r.Error + ")"
		}
		out = append(out, s)
	}
	return out
}

// TestCatchUp: after a stop, the latest slot missed within catchup_window
// runs once; older ones, and a latest one outside the window, are recorded
// and counted as missed.
func TestCatchUp(t *testing.T) {
	tests := []struct {
		name     string
		lastRan  string // a slot that ran before the stop ("" = first start)
		restart  string // when the daemon looks again
		wantRan  []string
		wantMiss map[string]int
		wantRows []string
	}{
		// First start at 09:00: today's 07:00 is inside the 12h window and runs.
		{"first start inside the window", "", "10 09:00", []string{"06-10 07:00"}, map[string]int{},
			[]string{"06-10 07:00 done"}},
		// First start at 20:00: 07:00 is 13h ago; nothing before the daemon
		// existed counts as missed.
		{"first start outside the window", "", "10 20:00", nil, map[string]int{}, nil},
		// Stopped after the 9th's run, back at 10:00 on the 10th: one slot missed,
		// inside the window: it runs.
		{"one slot, inside the window", "09 07:00", "10 10:00", []string{"06-10 07:00"}, map[string]int{},
			[]string{"06-09 07:00 done", "06-10 07:00 done"}},
		// Back at 19:30: the one missed slot is 12h30 old, outside the window.
		{"one slot, outside the window", "09 07:00", "10 19:30", nil, map[string]int{"late": 1},
			[]string{"06-09 07:00 done", "06-10 07:00 missed (late)"}},
		// Stopped for three days, back at 10:00: the latest runs once, the two
		// before it are superseded.
		{"several slots, inside the window", "07 07:00", "10 10:00", []string{"06-10 07:00"}, map[string]int{"superseded": 2},
			[]string{"06-07 07:00 done", "06-10 07:00 done"}},
		// Stopped for three days, back at 20:00: all three are missed.
		{"several slots, outside the window", "07 07:00", "10 20:00", nil, map[string]int{"late": 3},
			[]string{"06-07 07:00 done", "06-10 07:00 missed (late)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				b := schedSetup(st, hanoi("01 00:00"))
				s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n")
				if tt.lastRan != "" {
					b.clock.Set(hanoi(tt.lastRan).Add(time.Second))
					look(t, s)
					b.mu.Lock()
					b.ran = nil
					b.mu.Unlock()
				}
				// The stop: a new process, the clock moved on.
				s = newScheduler(t, st, b, "a:2", "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n")
				b.clock.Set(hanoi(tt.restart))
				look(t, s)
				if got := b.slots(hcm); !slices.Equal(got, tt.wantRan) {
					t.Errorf("ran %v, want %v", got, tt.wantRan)
				}
				if got := b.missed(); fmt.Sprint(got) != fmt.Sprint(tt.wantMiss) {
					t.Errorf("missed %v, want %v", got, tt.wantMiss)
				}
				if got := rows(t, st); !slices.Equal(got, tt.wantRows) {
					t.Errorf("job_runs %q, want %q", got, tt.wantRows)
				}
				// Looking again changes nothing: counted once, run once.
				look(t, s)
				if got := b.slots(hcm); !slices.Equal(got, tt.wantRan) {
					t.Errorf("second look ran %v", got)
				}
				if got := b.missed(); fmt.Sprint(got) != fmt.Sprint(tt.wantMiss) {
					t.Errorf("second look counted missed %v", got)
				}
				// The next day's slot runs on time.
				b.clock.Set(hanoi("11 07:00").Add(20 * time.Millisecond))
				look(t, s)
				if got := b.slots(hcm); len(got) == 0 || got[len(got)-1] != "06-11 07:00" {
					t.Errorf("next day: ran %v", got)
				}
			})
		})
	}
}

// TestOverlap: a slot does not start while the previous run is running; with
// overlap: queue it runs once after (the latest of those that fell meanwhile),
// with overlap: skip those that fell meanwhile are skipped.
func TestOverlap(t *testing.T) {
	tests := []struct {
		overlap   string
		wantAfter []string // runs right after the long run ends at 07:25
		wantMiss  map[string]int
		wantAt730 []string // runs after the 07:30 look
	}{
		// queue: 07:10 and 07:20 fell during the run; 07:20 runs after, 07:10 is superseded.
		{"queue", []string{"07:00", "07:20"}, map[string]int{"superseded": 1}, []string{"07:00", "07:20", "07:30"}},
		// skip: both are skipped; the next run is 07:30's.
		{"skip", []string{"07:00"}, map[string]int{"overlap": 2}, []string{"07:00", "07:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.overlap, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				b := schedSetup(st, hanoi("10 07:00"))
				b.gate = make(chan struct{})
				b.begun = make(chan time.Time, 10)
				job := "    schedule: \"*/10 * * * *\"\n    catchup_window: 1h\n    overlap: " + tt.overlap + "\n"
				s := newScheduler(t, st, b, "a:1", job)
				other := newScheduler(t, st, b, "b:1", job) // a second replica
				s.Look(context.Background())
				<-b.begun // the 07:00 run is going, and takes 25 minutes
				for _, at := range []string{"10 07:10", "10 07:20"} {
					b.clock.Set(hanoi(at))
					s.Look(context.Background())
					other.Look(context.Background())
				}
				select {
				case slot := <-b.begun:
					t.Fatalf("slot %s started while the previous run was running", slot.In(hcm).Format("15:04"))
				default:
				}
				b.clock.Set(hanoi("10 07:25"))
				close(b.gate)
				s.Wait()
				look(t, s)
				short := func() []string {
					var out []string
					for _, x := range b.slots(hcm) {
						out = append(out, x[6:])
					}
					return out
				}
				if got := short(); !slices.Equal(got, tt.wantAfter) {
					t.Errorf("after the long run: ran %v, want %v", got, tt.wantAfter)
				}
				if got := b.missed(); fmt.Sprint(got) != fmt.Sprint(tt.wantMiss) {
					t.Errorf("missed %v, want %v", got, tt.wantMiss)
				}
				b.clock.Set(hanoi("10 07:30").Add(20 * time.Millisecond))
				look(t, other)
				look(t, s)
				if got := short(); !slices.Equal(got, tt.wantAt730) {
					t.Errorf("at 07:30: ran %v, want %v", got, tt.wantAt730)
				}
			})
		})
	}
}

// TestClockJumps: the scheduler counts from the stored slot, so a clock that
// jumps forward (a suspended machine, a corrected clock) catches up within the
// window and counts the rest as missed, and a clock that jumps back never runs
// a slot twice.
func TestClockJumps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := schedSetup(st, hanoi("10 07:00").Add(time.Second))
		s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n")
		look(t, s) // 10th 07:00 runs on time

		// Back two hours (an NTP correction): 07:00 is not run again, not even
		// when the clock passes it a second time.
		b.clock.Set(hanoi("10 05:00"))
		look(t, s)
		b.clock.Set(hanoi("10 07:00").Add(30 * time.Second))
		look(t, s)

		// Suspended from 11th 06:00 to 11th 09:00: 07:00 runs on waking (lag 2h).
		b.clock.Set(hanoi("11 06:00"))
		look(t, s)
		b.clock.Set(hanoi("11 09:00"))
		look(t, s)

		// Forward by two days (a wrong clock set by hand) to 14th 06:00: the
		// 12th and 13th are missed (13th 07:00 is 23h old).
		b.clock.Set(hanoi("14 06:00"))
		look(t, s)
		b.clock.Set(hanoi("14 07:00").Add(time.Second))
		look(t, s)

		want := []string{"06-10 07:00", "06-11 07:00", "06-14 07:00"}
		if got := b.slots(hcm); !slices.Equal(got, want) {
			t.Errorf("ran %v, want %v", got, want)
		}
		if got := b.missed(); fmt.Sprint(got) != fmt.Sprint(map[string]int{"late": 2}) {
			t.Errorf("missed %v, want late:2", got)
		}
		b.mu.Lock()
		lags := slices.Clone(b.lags)
		b.mu.Unlock()
		if len(lags) != 3 || lags[1] != 2*time.Hour {
			t.Errorf("lags %v, want the 11th's to be 2h", lags)
		}
	})
}

// TestTakeOverAndRetry: a run whose owner stopped renewing its lease is taken
// over; a failed run is tried again after RetryFailed, on the same row.
func TestTakeOverAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := schedSetup(st, hanoi("10 07:00"))
		// A replica claimed 07:00 and died: its lease ended at 07:01.
		if _, err := st.ExecSQL(context.Background(), st.Q("claim-slot"), "course-reminders", store.T(hanoi("10 07:00")), "dead:1",
			store.T(hanoi("10 07:01")), store.T(hanoi("10 07:00"))); err != nil {
			t.Fatal(err)
		}
		b.fail = 1 // and the first attempt here fails too
		s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n")
		b.clock.Set(hanoi("10 07:00").Add(30 * time.Second))
		look(t, s) // lease still live: nothing
		if got := b.slots(hcm); len(got) != 0 {
			t.Fatalf("ran %v under a live lease", got)
		}
		b.clock.Set(hanoi("10 07:02"))
		look(t, s) // taken over; fails
		b.clock.Set(hanoi("10 07:02").Add(30 * time.Second))
		look(t, s) // too soon to retry
		b.clock.Set(hanoi("10 07:04"))
		look(t, s) // retried; done
		if got, want := b.slots(hcm), []string{"06-10 07:00", "06-10 07:00"}; !slices.Equal(got, want) {
			t.Errorf("ran %v, want %v", got, want)
		}
		if got, want := rows(t, st), []string{"06-10 07:00 done x3"}; !slices.Equal(got, want) {
			t.Errorf("job_runs %q, want %q", got, want)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.runs["failed"] != 1 || b.runs["done"] != 1 {
			t.Errorf("results %v", b.runs)
		}
	})
}

// TestScheduleChangeAppliesFromTheNextSlot: after a reload that moves the job
// from 07:00 to 06:00, today's 06:00 (already past at the reload) does not
// run; tomorrow's does.
func TestScheduleChangeAppliesFromTheNextSlot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := schedSetup(st, hanoi("09 07:00").Add(time.Second))
		s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n")
		look(t, s)
		b.clock.Set(hanoi("10 06:30"))
		look(t, s)
		changed := newScheduler(t, st, b, "a:1", "    schedule: \"0 6 * * *\"\n    catchup_window: 12h\n")
		s.Config = changed.Config // the reload
		look(t, s)
		b.clock.Set(hanoi("11 06:00").Add(time.Second))
		look(t, s)
		if got, want := b.slots(hcm), []string{"06-09 07:00", "06-11 06:00"}; !slices.Equal(got, want) {
			t.Errorf("ran %v, want %v", got, want)
		}
	})
}

// baseConfig is the configuration every scheduler test starts from: every
// day a working day, but in the tests of working days.
const baseConfig = `
timezone: Asia/Ho_Chi_Minh
calendar: {country: none}
mail: {from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn]}
`

// TestWorkingDays: a daily job on working days. Saturday's and Sunday's slots
// run once, on Monday at 07:00, keyed by Monday's slot; nothing is counted
// missed; the catch-up window counts from the moved time (a restart at 18:00
// on Monday still runs it, 59 hours after Saturday's slot).
func TestWorkingDays(t *testing.T) {
	for _, c := range []struct {
		name    string
		looks   []string // the clock at each look
		wantRan []string
	}{
		// The daemon up all weekend: nothing on Saturday or Sunday, one run on Monday.
		{"up all weekend", []string{"07 07:00", "07 10:00", "08 07:00", "09 07:00"}, []string{"06-09 07:00"}},
		// Down from Friday night to Monday 18:00: Monday's run, inside its window.
		{"back on Monday evening", []string{"09 18:00"}, []string{"06-09 07:00"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				b := schedSetup(st, hanoi("06 08:00")) // Friday, after its run
				yaml := strings.Replace(baseConfig, "calendar: {country: none}", "calendar: {country: vn}", 1) +
					"jobs:\n  course-reminders:\n    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n"
				for _, n := range config.JobNames {
					if n != "course-reminders" {
						yaml += "  " + n + ": {enabled: false}\n"
					}
				}
				s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n")
				cfg := testkit.Config(t, yaml)
				s.Config = func() *config.Config { return cfg }
				look(t, s) // Friday 08:00: its 07:00 slot runs
				b.mu.Lock()
				b.ran = nil
				b.mu.Unlock()
				for _, at := range c.looks {
					b.clock.Set(hanoi(at).Add(time.Second))
					look(t, s)
				}
				if got := b.slots(hcm); !slices.Equal(got, c.wantRan) {
					t.Errorf("ran %v, want %v", got, c.wantRan)
				}
				if got := b.missed(); len(got) != 0 {
					t.Errorf("missed %v, want none", got)
				}
				if got, want := rows(t, st), []string{"06-06 07:00 done", "06-09 07:00 done"}; !slices.Equal(got, want) {
					t.Errorf("job_runs %v, want %v", got, want)
				}
			})
		})
	}
}

// stopMidLook is a context that is cancelled the first time anything below
// the scheduler looks into it: the daemon being stopped in the middle of a
// look, while a store call is under way.
type stopMidLook struct {
	context.Context
	cancel context.CancelFunc
}

func (c stopMidLook) Value(k any) any { c.cancel(); return c.Context.Value(k) }

// TestStopDuringALookIsNotAnError: a look cut short by the stop leaves no
// ERROR line (the demo test counts them) and is not taken for an outage.
func TestStopDuringALookIsNotAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := schedSetup(st, hanoi("10 07:00").Add(10*time.Second))
		s := newScheduler(t, st, b, "a:1", "    schedule: \"0 7 * * *\"\n")
		ctx, cancel := context.WithCancel(context.Background())
		s.Look(stopMidLook{ctx, cancel})
		s.Wait()
		if ctx.Err() == nil {
			t.Fatal("the look never reached the store; the test proves nothing")
		}
		if strings.Contains(b.logs.String(), "level=ERROR") {
			t.Errorf("a stop during a look was logged as an error:\n%s", b.logs)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if slices.Contains(b.dbUp, false) {
			t.Errorf("a stop during a look was taken for an outage: %v", b.dbUp)
		}
	})
}

// TestRunCutByAnOutage: a run that ends while its job_runs row cannot be
// written (here a trigger refuses the write, as a database gone away would)
// is recorded when the database answers, with the time it ended. The slots
// that fell after it are then counted from its end: the latest runs and
// supersedes it; none is taken for a slot that fell during the run
// (overlap), and the cut slot is not run again ahead of them.
func TestRunCutByAnOutage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		refuse := map[store.Dialect][]string{
			store.SQLite: {`CREATE TRIGGER refuse_finish BEFORE UPDATE ON job_runs WHEN NEW.state <> 'running'
				BEGIN SELECT RAISE(ABORT, 'the database is away'); END`},
			store.Postgres: {`CREATE FUNCTION refuse_finish() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'the database is away'; END $$`,
				`CREATE TRIGGER refuse_finish BEFORE UPDATE ON job_runs FOR EACH ROW
				WHEN (NEW.state <> 'running') EXECUTE FUNCTION refuse_finish()`},
		}[st.Dialect]
		allow := map[store.Dialect]string{
			store.SQLite:   `DROP TRIGGER refuse_finish`,
			store.Postgres: `DROP TRIGGER refuse_finish ON job_runs`,
		}[st.Dialect]
		for _, q := range refuse {
			if _, err := st.ExecSQL(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		b := schedSetup(st, hanoi("10 07:00").Add(10*time.Second))
		b.fail = 1 // the run fails: its database went away
		s := newScheduler(t, st, b, "a:1", "    schedule: \"*/10 * * * *\"\n    catchup_window: 1h\n")
		look(t, s) // 07:00 runs, fails, and its outcome cannot be written
		if got, want := rows(t, st), []string{"06-10 07:00 running"}; !slices.Equal(got, want) {
			t.Fatalf("job_runs %q, want %q (the trigger did not refuse the write: the test proves nothing)", got, want)
		}
		b.clock.Set(hanoi("10 07:35"))
		look(t, s) // still away: nothing runs
		if got := b.slots(hcm); len(got) != 1 {
			t.Fatalf("ran %v while the outcome of 07:00 was not on record", got)
		}
		if _, err := st.ExecSQL(ctx, allow); err != nil {
			t.Fatal(err)
		}
		b.clock.Set(hanoi("10 07:36"))
		look(t, s) // back: 07:00 recorded failed; 07:30 runs; 07:10 and 07:20 superseded
		if got, want := b.slots(hcm), []string{"06-10 07:00", "06-10 07:30"}; !slices.Equal(got, want) {
			t.Errorf("ran %v, want %v", got, want)
		}
		if got, want := rows(t, st), []string{"06-10 07:00 failed (database went away)", "06-10 07:30 done"}; !slices.Equal(got, want) {
			t.Errorf("job_runs %q, want %q", got, want)
		}
		if got, want := b.missed(), map[string]int{"superseded": 2}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("missed %v, want %v", got, want)
		}
		var finished store.Time
		if err := st.GetSQL(ctx, &finished, "SELECT finished_at FROM job_runs WHERE job = 'course-reminders' AND state = 'failed'"); err != nil {
			t.Fatal(err)
		}
		if !finished.Equal(hanoi("10 07:00").Add(10 * time.Second)) {
			t.Errorf("the cut run is recorded as ended at %s, want when it ended (07:00:10)", finished.In(hcm).Format("15:04:05"))
		}
		if !strings.Contains(b.logs.String(), "record job run; it is recorded when the database answers") {
			t.Errorf("the unwritten outcome was not logged:\n%s", b.logs)
		}
	})
}

// TestRunTakenOverMeanwhile: a run that outlives its lease while another
// replica takes its slot over ends without writing over the other's row,
// and says so.
func TestRunTakenOverMeanwhile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := schedSetup(st, hanoi("10 07:00").Add(10*time.Second))
		b.gate = make(chan struct{})
		b.begun = make(chan time.Time, 2)
		job := "    schedule: \"0 7 * * *\"\n    catchup_window: 12h\n"
		a := newScheduler(t, st, b, "a:1", job)
		other := newScheduler(t, st, b, "b:1", job)
		a.Look(context.Background())
		<-b.begun // a's run of 07:00 hangs, and its lease (an hour) is not renewed
		b.clock.Set(hanoi("10 08:01"))
		other.Look(context.Background())
		<-b.begun // taken over
		close(b.gate)
		a.Wait()
		other.Wait()
		if got, want := rows(t, st), []string{"06-10 07:00 done x2"}; !slices.Equal(got, want) {
			t.Errorf("job_runs %q, want %q", got, want)
		}
		if n := strings.Count(b.logs.String(), "job run not recorded: its slot was taken over"); n != 1 {
			t.Errorf("the run taken over was logged %d times, want once:\n%s", n, b.logs)
		}
	})
}
