package schedule

import (
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/civil"
)

// Calendar says which days are working days (package calendar's Calendar).
type Calendar interface {
	// NextWorkday is d when d is a working day, else the first one after it.
	NextWorkday(d civil.Date) civil.Date
	// Why says why d is a day off (in lang), off false when it is not.
	Why(d civil.Date, lang string) (reason string, off bool)
}

// OnWorkdays returns s with every slot that falls on a day off (its date in
// loc) moved to the next working day at the same wall-clock time. Slots
// that move onto the same instant are one slot: a daily job's Saturday,
// Sunday and Monday slots are one run on Monday. A nil cal gives s.
//
// The moved instant is the slot: it is the run's key in job_runs, the date
// the run counts from, and what the catch-up window is measured from.
func OnWorkdays(s cron.Schedule, cal Calendar, loc *time.Location) cron.Schedule {
	if cal == nil || s == nil {
		return s
	}
	if loc == nil {
		loc = time.UTC
	}
	return &workdays{s: s, cal: cal, loc: loc}
}

type workdays struct {
	s   cron.Schedule
	cal Calendar
	loc *time.Location
}

// Next implements cron.Schedule: the first moved slot after t. A slot of s
// after t moves to an instant no earlier than itself, so the next slot of s
// gives it; the slots of s between t and a moved slot (a weekend's) are
// passed over, since they move onto it too.
func (w *workdays) Next(t time.Time) time.Time {
	n := Next(w.s, w.loc, t)
	if n.IsZero() {
		return n
	}
	return w.move(n)
}

// move returns where slot n of s runs.
func (w *workdays) move(n time.Time) time.Time {
	n = n.In(w.loc)
	d := civil.Of(n)
	to := w.cal.NextWorkday(d)
	if to == d {
		return n
	}
	return firstReaching(to.Year, to.Month, to.Day, n.Hour(), n.Minute(), n.Second(), w.loc)
}

// MovedSlot is a slot of a schedule that fell on a day off, and why it was
// one.
type MovedSlot struct {
	From time.Time // where the schedule put it
	Why  string    // the day off: "Chủ nhật", "Tết Nguyên Đán"
}

// Moved returns the slots that OnWorkdays moved onto slot (a slot of the
// moved schedule), earliest first, with why their day was off; none when
// slot is at its own time or s is not a moved schedule.
func Moved(s cron.Schedule, slot time.Time, lang string) []MovedSlot {
	w, ok := s.(*workdays)
	if !ok {
		return nil
	}
	// The slots of s that move onto slot lie after the previous working
	// day's end: look from a day before the first day off before slot.
	start := civil.Of(slot.In(w.loc))
	for i := 0; i < 60; i++ { // no run of days off is this long
		prev := start.AddDays(-1)
		if _, off := w.cal.Why(prev, lang); !off {
			break
		}
		start = prev
	}
	var out []MovedSlot
	for t := Next(w.s, w.loc, start.AddDays(-1).Time(w.loc)); !t.IsZero() && !t.After(slot); t = Next(w.s, w.loc, t) {
		if t.Equal(slot) || !w.move(t).Equal(slot) {
			continue
		}
		why, _ := w.cal.Why(civil.Of(t.In(w.loc)), lang)
		out = append(out, MovedSlot{From: t.In(w.loc), Why: why})
	}
	return out
}
