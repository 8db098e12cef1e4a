package jobs

import "fmt"

// dueStep returns the reminder step for something due in days days, given the
// steps in days before the deadline, sorted from farthest to nearest
// ([30, 7, 1]). It is the tightest step the date has reached: 20 days before
// is the 30-day step, 5 days before the 7-day step, the day itself the 1-day
// step. A run after downtime thus sends only the tightest step still ahead and
// skips those the date has passed. ok is false while the date is farther than
// the first step, and for dates already past (see overdueStep).
func dueStep(days int, steps []int) (step string, ok bool) {
	if days < 0 || len(steps) == 0 {
		return "", false
	}
	best := -1
	for _, s := range steps {
		if days <= s && (best < 0 || s < best) {
			best = s
		}
	}
	if best < 0 {
		return "", false
	}
	return fmt.Sprintf("%dd", best), true
}

// overdueStep returns the step of something days days past its date (days < 0):
// one step for each period of every days, the first on the day after the
// deadline, so a daily job repeats an overdue reminder every `every` days.
// every = 0 means once: a single overdue step.
func overdueStep(days, every int) string {
	if every <= 0 {
		return "overdue/0"
	}
	return fmt.Sprintf("overdue/%d", (-days-1)/every)
}
