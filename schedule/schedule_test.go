package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/schedule"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustParse(t *testing.T, expr string) cron.Schedule {
	t.Helper()
	s, err := schedule.Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runs lists the slots of expr in loc from the local midnight of day-2 to
// that of day+3, formatted as local times with their offset.
func runs(t *testing.T, expr string, loc *time.Location, day string) []string {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		t.Fatal(err)
	}
	from, to := d.AddDate(0, 0, -2), d.AddDate(0, 0, 3)
	s := mustParse(t, expr)
	var out []string
	for u := schedule.Next(s, loc, from); !u.IsZero() && u.Before(to); u = schedule.Next(s, loc, u) {
		out = append(out, u.Format("2006-01-02 15:04 -07:00"))
		if len(out) > 1000 {
			t.Fatal("runaway")
		}
	}
	return out
}

// TestWallClockJobsRunOnceADayAcrossDST: a job at 02:30 or 01:30 runs exactly
// once on every calendar day around each transition, at the first instant
// after a skipped time and at the first occurrence of a repeated one.
// robfig/cron's own Next gets each of these days wrong.
func TestWallClockJobsRunOnceADayAcrossDST(t *testing.T) {
	ny, berlin := mustLoad(t, "America/New_York"), mustLoad(t, "Europe/Berlin")
	tests := []struct {
		name string
		expr string
		loc  *time.Location
		day  string // the transition day; runs are checked from day-2 to day+2
		want []string
	}{
		// New York springs forward 02:00 EST → 03:00 EDT: 02:30 does not exist,
		// the job runs at 03:00 EDT, the first instant after the gap.
		{"NY spring 02:30", "30 2 * * *", ny, "2025-03-09", []string{
			"2025-03-07 02:30 -05:00", "2025-03-08 02:30 -05:00", "2025-03-09 03:00 -04:00",
			"2025-03-10 02:30 -04:00", "2025-03-11 02:30 -04:00"}},
		// 01:30 exists once on the spring day: nothing changes.
		{"NY spring 01:30", "30 1 * * *", ny, "2025-03-09", []string{
			"2025-03-07 01:30 -05:00", "2025-03-08 01:30 -05:00", "2025-03-09 01:30 -05:00",
			"2025-03-10 01:30 -04:00", "2025-03-11 01:30 -04:00"}},
		// New York falls back 02:00 EDT → 01:00 EST: 01:30 happens twice, the
		// job runs at the first (EDT) only.
		{"NY fall 01:30", "30 1 * * *", ny, "2025-11-02", []string{
			"2025-10-31 01:30 -04:00", "2025-11-01 01:30 -04:00", "2025-11-02 01:30 -04:00",
			"2025-11-03 01:30 -05:00", "2025-11-04 01:30 -05:00"}},
		// 02:30 exists once on the fall day (after the repeated hour).
		{"NY fall 02:30", "30 2 * * *", ny, "2025-11-02", []string{
			"2025-10-31 02:30 -04:00", "2025-11-01 02:30 -04:00", "2025-11-02 02:30 -05:00",
			"2025-11-03 02:30 -05:00", "2025-11-04 02:30 -05:00"}},
		// Berlin springs forward 02:00 CET → 03:00 CEST on 30 March.
		{"Berlin spring 02:30", "30 2 * * *", berlin, "2025-03-30", []string{
			"2025-03-28 02:30 +01:00", "2025-03-29 02:30 +01:00", "2025-03-30 03:00 +02:00",
			"2025-03-31 02:30 +02:00", "2025-04-01 02:30 +02:00"}},
		{"Berlin spring 01:30", "30 1 * * *", berlin, "2025-03-30", []string{
			"2025-03-28 01:30 +01:00", "2025-03-29 01:30 +01:00", "2025-03-30 01:30 +01:00",
			"2025-03-31 01:30 +02:00", "2025-04-01 01:30 +02:00"}},
		// Berlin falls back 03:00 CEST → 02:00 CET on 26 October: 02:30 happens
		// twice; the job runs at the first (CEST).
		{"Berlin fall 02:30", "30 2 * * *", berlin, "2025-10-26", []string{
			"2025-10-24 02:30 +02:00", "2025-10-25 02:30 +02:00", "2025-10-26 02:30 +02:00",
			"2025-10-27 02:30 +01:00", "2025-10-28 02:30 +01:00"}},
		{"Berlin fall 01:30", "30 1 * * *", berlin, "2025-10-26", []string{
			"2025-10-24 01:30 +02:00", "2025-10-25 01:30 +02:00", "2025-10-26 01:30 +02:00",
			"2025-10-27 01:30 +01:00", "2025-10-28 01:30 +01:00"}},
		// A job at 02:00, the very instant the clock jumps, runs at 03:00 once.
		{"NY spring 02:00", "0 2 * * *", ny, "2025-03-09", []string{
			"2025-03-07 02:00 -05:00", "2025-03-08 02:00 -05:00", "2025-03-09 03:00 -04:00",
			"2025-03-10 02:00 -04:00", "2025-03-11 02:00 -04:00"}},
		// Two times in the skipped hour collapse into one run at the gap's end.
		{"NY spring 02:15 and 02:45", "15,45 2 * * *", ny, "2025-03-09", []string{
			"2025-03-07 02:15 -05:00", "2025-03-07 02:45 -05:00", "2025-03-08 02:15 -05:00", "2025-03-08 02:45 -05:00",
			"2025-03-09 03:00 -04:00",
			"2025-03-10 02:15 -04:00", "2025-03-10 02:45 -04:00", "2025-03-11 02:15 -04:00", "2025-03-11 02:45 -04:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runs(t, tt.expr, tt.loc, tt.day)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("runs of %q:\n got %s\nwant %s", tt.expr, strings.Join(got, ", "), strings.Join(tt.want, ", "))
			}
			// Exactly once per calendar day, checked independently of the list.
			perDay := map[string]int{}
			for _, r := range got {
				perDay[r[:10]]++
			}
			for day, n := range perDay {
				want := strings.Count(tt.expr, ",") + 1
				if day == tt.day {
					want = 1 // the transition day: once, whatever happens to the clock
				}
				if n != want {
					t.Errorf("%s: %d runs, want %d", day, n, want)
				}
			}
			if perDay[tt.day] == 0 {
				t.Errorf("no run on %s", tt.day)
			}
		})
	}
}

// TestCronsOwnNextIsWrongOnDSTDays documents why the package exists: if
// robfig/cron is ever fixed, this test says the wrapper may go.
func TestCronsOwnNextIsWrongOnDSTDays(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	s := mustParse(t, "30 2 * * *")
	got := s.Next(time.Date(2025, 3, 8, 12, 0, 0, 0, ny))
	if got.Day() == 9 {
		t.Skipf("robfig/cron now runs 02:30 on 9 March 2025 (%s)", got)
	}
	if ours := schedule.Next(s, ny, time.Date(2025, 3, 8, 12, 0, 0, 0, ny)); ours.Day() != 9 {
		t.Errorf("schedule.Next skipped 9 March too: %s", ours)
	}
}

// TestRealTimeJobsKeepTheirRhythm: a job whose hour is "*" runs on real time,
// every 30 minutes through both occurrences of a repeated hour and straight
// across a skipped one.
func TestRealTimeJobsKeepTheirRhythm(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name   string
		from   time.Time
		hours  int
		want   int // runs in that many real hours
		within time.Duration
	}{
		// The fall-back day has 25 hours: 50 half-hour runs.
		{"fall back", time.Date(2025, 11, 2, 0, 0, 0, 0, ny), 25, 50, 30 * time.Minute},
		// The spring day has 23 hours: 46 runs, none in the skipped hour.
		{"spring forward", time.Date(2025, 3, 9, 0, 0, 0, 0, ny), 23, 46, 30 * time.Minute},
	}
	s := mustParse(t, "*/30 * * * *")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := tt.from.Add(time.Duration(tt.hours) * time.Hour)
			n := 0
			prev := tt.from.Add(-time.Second)
			for u := schedule.Next(s, ny, prev); u.Before(end); u = schedule.Next(s, ny, u) {
				if n > 0 && u.Sub(prev) != tt.within {
					t.Errorf("gap of %v before %s", u.Sub(prev), u)
				}
				prev = u
				n++
			}
			if n != tt.want {
				t.Errorf("%d runs, want %d", n, tt.want)
			}
		})
	}
}

// TestEveryIsAlignedToTheEpoch: @every gives the same slots whatever the
// starting point, so replicas and restarts agree on them.
func TestEveryIsAlignedToTheEpoch(t *testing.T) {
	s := mustParse(t, "@every 10s")
	a := schedule.Next(s, time.UTC, time.Date(2025, 1, 1, 0, 0, 3, 0, time.UTC))
	b := schedule.Next(s, time.UTC, time.Date(2025, 1, 1, 0, 0, 7, 500, time.UTC))
	if !a.Equal(b) || a.Second() != 10 {
		t.Errorf("@every 10s from :03 = %s, from :07.5 = %s; want both :10", a, b)
	}
	if c := schedule.Next(s, time.UTC, a); c.Sub(a) != 10*time.Second {
		t.Errorf("next after %s = %s", a, c)
	}
}

// TestNextAgreesWithCronOnOrdinaryDays: away from transitions the wrapper is
// robfig/cron's Next, for a spread of expressions.
func TestNextAgreesWithCronOnOrdinaryDays(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	exprs := []string{"0 7 * * *", "0 7 1 * *", "0 7 * * 1", "0 7 15 3 *", "0 7 1 11,12 *", "@daily", "@monthly",
		"*/5 * * * *", "0 * * * *", "0 9-17 * * 1-5", "0 7 1,15 * 1", "30 6 * * 1-5", "0 0 29 2 *"}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, hcm)
	for _, e := range exprs {
		s := mustParse(t, e)
		a, b := from, from
		for i := range 200 {
			a, b = schedule.Next(s, hcm, a), s.Next(b.In(hcm))
			if !a.Equal(b) {
				t.Errorf("%q run %d: ours %s, cron %s", e, i, a, b)
				break
			}
		}
	}
}

// TestBetweenCountsAndKeepsTheLatest: Between gives the latest slots of an
// interval and the count of all of them.
func TestBetweenCountsAndKeepsTheLatest(t *testing.T) {
	s := mustParse(t, "0 7 * * *")
	from := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	latest, total := schedule.Between(s, time.UTC, from, from.AddDate(0, 0, 10), 2, 1000)
	if total != 10 || len(latest) != 2 || latest[1].Day() != 11 || latest[0].Day() != 10 {
		t.Errorf("Between = %v, %d", latest, total)
	}
	_, total = schedule.Between(mustParse(t, "* * * * *"), time.UTC, from, from.AddDate(1, 0, 0), 1, 5000)
	if total != 5000 {
		t.Errorf("limit not applied: %d", total)
	}
}

// TestShifted tells a slot moved by a gap from one at its own time.
func TestShifted(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	s := mustParse(t, "30 2 * * *")
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 3, 9, 3, 0, 0, 0, ny), true},    // 02:30 skipped, run at 03:00
		{time.Date(2025, 3, 10, 2, 30, 0, 0, ny), false}, // an ordinary day
	} {
		if got := schedule.Shifted(s, ny, tt.at); got != tt.want {
			t.Errorf("Shifted(%s) = %v", tt.at, got)
		}
	}
}
