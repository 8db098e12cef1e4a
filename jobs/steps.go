package jobs

import "fmt"

// Every step function also returns the day the step begins, as an offset
// from the deadline: the outbox never sends an item at a step that begins
// no later than one already sent to the same recipient (Item.Since), so a
// slot run out of order (a hand run, then a catch-up of an earlier slot)
// sends no looser reminder after a tighter one.

// dueStep returns the reminder step for something due in days days, given the
// steps in days before the deadline, sorted from farthest to nearest
// ([30, 7, 1]). It is the tightest step the date has reached: 20 days before
// is the 30-day step, 5 days before the 7-day step, the day itself the 1-day
// step. A run after downtime thus sends only the tightest step still ahead and
// skips those the date has passed. ok is false while the date is farther than
// the first step, and for dates already past (see overdueStep). The step
// begins from days before the deadline (from = -30 for the 30-day step).
func dueStep(days int, steps []int) (step string, from int, ok bool) {
	if days < 0 || len(steps) == 0 {
		return "", 0, false
	}
	best := -1
	for _, s := range steps {
		if days <= s && (best < 0 || s < best) {
			best = s
		}
	}
	if best < 0 {
		return "", 0, false
	}
	return fmt.Sprintf("%dd", best), -best, true
}

// overdueStep returns the step of something days days past its date (days < 0):
// one step for each period of every days, the first on the day after the
// deadline, so a daily job repeats an overdue reminder every `every` days.
// every = 0 means once: a single overdue step. The step begins from days
// after the deadline.
func overdueStep(days, every int) (step string, from int) {
	if every <= 0 {
		return "overdue/0", 1
	}
	n := (-days - 1) / every
	return fmt.Sprintf("overdue/%d", n), 1 + n*every
}

// termStep returns the step of an appointment term days days before its end
// (negative: past it) whose re-appointment review had to open lead days before
// the end. A term goes through stages: the due steps (120, 90, 60, 30 days
// before the end) and, from the day after the review deadline, an overdue/N
// stage every `every` days for as long as the term stays open. The step is the
// latest stage the date has reached, so after downtime only that one is sent,
// and a stage is never sent twice. overdue reports that the review deadline
// has passed; ok is false before the first stage; the stage begins from days
// after the term's end (negative: before it).
func termStep(days, lead int, steps []int, every int) (step string, from int, overdue, ok bool) {
	at := -days // the date, in days after the term's end
	start, found := 0, false
	for _, s := range steps {
		if -s <= at && (!found || -s > start) {
			start, step, found = -s, fmt.Sprintf("%dd", s), true
		}
	}
	if past := at + lead; past > 0 {
		n := 0
		if every > 0 {
			n = (past - 1) / every
		}
		if f := -lead + 1 + n*every; !found || f >= start {
			step, start, found = fmt.Sprintf("overdue/%d", n), f, true
		}
		overdue = true
	}
	return step, start, overdue, found
}
