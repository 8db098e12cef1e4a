// Package schedule computes the slots of a cron schedule in a time zone,
// daylight-saving transitions included. Expressions are parsed by
// robfig/cron/v3; only the "what is the next slot" arithmetic is replaced,
// because cron's own Next skips a day when the zone skips the hour of a
// wall-clock job and fires twice when the zone repeats it.
//
// The rules are those of ISC cron (cron(8), "Daylight Saving Time and other
// time changes"):
//
//   - A job at a wall-clock time (its hour field is not "*": "30 2 * * *")
//     runs exactly once on each calendar day it matches. On the day the zone
//     skips that time it runs at the first instant after the gap (02:30 in
//     New York on 9 March 2025 runs at 03:00 EDT); on the day the zone repeats
//     it, it runs at the first occurrence only.
//   - A job whose hour field is "*" ("*/15 * * * *") runs on real time: at
//     every instant whose local wall clock matches, so it keeps its rhythm
//     through both occurrences of a repeated hour and has nothing to run in a
//     skipped one.
//   - "@every D" runs at the multiples of D since the Unix epoch, so every
//     replica and every restart computes the same slots.
package schedule

import (
	"sort"
	"time"

	"github.com/robfig/cron/v3"
)

// Parse reads a 5-field cron expression ("0 7 * * *") or a descriptor
// (@daily, @every 1h), as the configuration accepts them.
func Parse(expr string) (cron.Schedule, error) { return cron.ParseStandard(expr) }

// starBit marks a field written "*" (robfig/cron's convention).
const starBit = 1 << 63

// horizon is how far Next looks ahead before giving up ("0 0 30 2 *" never
// comes), as robfig/cron does.
const horizonDays = 5*366 + 2

// Next returns the first slot of s strictly after t, in loc (nil: the
// schedule's own location, else UTC). It is the zero time when s has no slot
// within five years.
func Next(s cron.Schedule, loc *time.Location, t time.Time) time.Time {
	switch s := s.(type) {
	case *cron.SpecSchedule:
		if loc == nil {
			loc = s.Location
		}
		if loc == nil {
			loc = time.UTC
		}
		if s.Hour&starBit != 0 {
			return nextRealTime(s, loc, t)
		}
		return nextWallClock(s, loc, t)
	case cron.ConstantDelaySchedule:
		d := s.Delay
		if d < time.Second {
			d = time.Second
		}
		n := t.UnixNano()/int64(d) + 1
		if loc == nil {
			loc = time.UTC
		}
		return time.Unix(0, n*int64(d)).In(loc)
	case nil:
		return time.Time{}
	default:
		return s.Next(t)
	}
}

// Between returns the slots of s in (from, to], oldest first: at most keep of
// the latest, and how many there were in all (counting stops at limit, so a
// minutely job after a year's outage does not count for long).
func Between(s cron.Schedule, loc *time.Location, from, to time.Time, keep, limit int) (latest []time.Time, total int) {
	for t := Next(s, loc, from); !t.IsZero() && !t.After(to); t = Next(s, loc, t) {
		total++
		latest = append(latest, t)
		if len(latest) > keep {
			latest = latest[1:]
		}
		if total >= limit {
			break
		}
	}
	return latest, total
}

// Shifted reports whether slot, a slot of s, is not at the wall-clock time the
// schedule names because the zone skipped that time that day (it runs at the
// end of the gap instead). check and status show it.
func Shifted(s cron.Schedule, loc *time.Location, slot time.Time) bool {
	if w, ok := s.(*workdays); ok {
		s = w.s // moved to another day at the same wall-clock time
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok || ss.Hour&starBit != 0 {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	w := slot.In(loc)
	return !(ss.Hour&(1<<uint(w.Hour())) != 0 && ss.Minute&(1<<uint(w.Minute())) != 0 && ss.Second&(1<<uint(w.Second())) != 0)
}

// nextWallClock: the slots are (day, time of day) pairs, each mapped to the
// first instant at which the zone's wall clock reaches it. That mapping never
// goes backwards, so the first slot after t is found day by day, and within a
// day by binary search.
func nextWallClock(s *cron.SpecSchedule, loc *time.Location, t time.Time) time.Time {
	hours, mins, secs := bits(s.Hour, 0, 23), bits(s.Minute, 0, 59), bits(s.Second, 0, 59)
	n := len(hours) * len(mins) * len(secs)
	if n == 0 {
		return time.Time{}
	}
	at := func(y int, m time.Month, d, k int) time.Time {
		h := hours[k/(len(mins)*len(secs))]
		mi := mins[(k/len(secs))%len(mins)]
		sec := secs[k%len(secs)]
		return firstReaching(y, m, d, h, mi, sec, loc)
	}
	lt := t.In(loc)
	// Start a day early: a slot of the day before can land after t when a gap
	// spans midnight.
	start := time.Date(lt.Year(), lt.Month(), lt.Day()-1, 12, 0, 0, 0, time.UTC)
	for i := range horizonDays {
		day := start.AddDate(0, 0, i)
		y, m, d := day.Date()
		if s.Month&(1<<uint(m)) == 0 || !dayMatches(s, day) {
			continue
		}
		if !at(y, m, d, n-1).After(t) {
			continue
		}
		k := sort.Search(n, func(k int) bool { return at(y, m, d, k).After(t) })
		return at(y, m, d, k)
	}
	return time.Time{}
}

// nextRealTime steps through real minutes (or seconds) after t and returns the
// first whose local wall clock matches.
func nextRealTime(s *cron.SpecSchedule, loc *time.Location, t time.Time) time.Time {
	step := time.Minute
	if s.Second != 1 { // a seconds field other than "0"
		step = time.Second
	}
	u := t.Truncate(step).Add(step)
	end := t.AddDate(0, 0, horizonDays)
	for u.Before(end) {
		lu := u.In(loc)
		if s.Month&(1<<uint(lu.Month())) == 0 || !dayMatches(s, lu) {
			next := time.Date(lu.Year(), lu.Month(), lu.Day()+1, 0, 0, 0, 0, loc)
			if !next.After(u) {
				next = u.Add(time.Hour)
			}
			u = next.Truncate(step)
			continue
		}
		if s.Hour&(1<<uint(lu.Hour())) != 0 && s.Minute&(1<<uint(lu.Minute())) != 0 && s.Second&(1<<uint(lu.Second())) != 0 {
			return lu
		}
		u = u.Add(step)
	}
	return time.Time{}
}

// dayMatches is cron's day rule: with day-of-month or day-of-week written
// "*", both must match; with both restricted, either may.
func dayMatches(s *cron.SpecSchedule, day time.Time) bool {
	dom := s.Dom&(1<<uint(day.Day())) != 0
	dow := s.Dow&(1<<uint(day.Weekday())) != 0
	if s.Dom&starBit != 0 || s.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

func bits(field uint64, lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		if field&(1<<uint(i)) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// firstReaching returns the first instant at which the wall clock in loc
// reads y-m-d h:mi:sec or later: the time itself when it occurs once, its
// first occurrence when the zone repeats it, and the end of the gap when the
// zone skips it.
func firstReaching(y int, m time.Month, d, h, mi, sec int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, h, mi, sec, 0, time.UTC).Unix() // the wall time read as if UTC
	offsetAt := func(u int64) int { _, o := time.Unix(u, 0).In(loc).Zone(); return o }
	before := offsetAt(wall - 86400)
	best := int64(0)
	found := false
	for _, o := range []int{before, offsetAt(wall), offsetAt(wall + 86400)} {
		u := wall - int64(o)
		if offsetAt(u) == o && (!found || u < best) {
			best, found = u, true
		}
	}
	if found {
		return time.Unix(best, 0).In(loc)
	}
	// Skipped: read with the offset in force before the gap, the time falls
	// after the transition; the zone period it falls in starts at the gap's end.
	after := time.Unix(wall-int64(before), 0).In(loc)
	if start, _ := after.ZoneBounds(); !start.IsZero() && !start.After(after) {
		return start.In(loc)
	}
	return after
}
