package sample

import (
	"cmp"
	"slices"
)

// Training status indices, in the order of codes.TrainingStatus.
const (
	sPlanned = iota
	sEnrolled
	sCompleted
	sDropped
)

var statusCodes = [...]string{"planned", "enrolled", "completed", "dropped"}

// trow is one training row of the current person.
type trow struct {
	course           int
	start, due, done day
	status           uint8
}

// tctx is the person whose training is being drawn.
type tctx struct {
	hired, end day // the span in which they can have trained
}

// trainings draws a person's training history and what is open now: about
// five rows a person, completed ones at the levels they hold, enrolled and
// planned ones falling due around At.
func (g *generator) trainings(p *person, u *unitInfo) []trow {
	g.reseed(streamTraining, uint64(p.idx))
	r := g.rng
	g.tr = g.tr[:0]
	active := !p.hasLeft
	t := tctx{hired: p.hired, end: g.at}
	if !active {
		t.end = p.left
	}
	age := p.age(g.at)
	lead := p.role != member

	// State-management programme of the rank held; the next one for some.
	if p.rank >= rSpecialist && r.IntN(100) < 85 {
		g.completed(t, cStateSpecialist+int(p.rank-rSpecialist), p.hired+365, t.end-30)
	}
	if active {
		switch {
		case p.rank == rSpecialist && age >= 30 && r.IntN(100) < 6:
			g.open(t, cStatePrincipal)
		case p.rank == rPrincipal && age >= 40 && r.IntN(100) < 5:
			g.open(t, cStateSenior)
		}
	}

	// Political theory: a completed course never grants more than the person holds.
	switch p.pt {
	case ptAdvanced:
		if r.IntN(100) < 60 {
			c := cAdvancedPT
			if r.IntN(100) < 15 {
				c = cAdvancedPTBridge
			}
			g.completed(t, c, p.hired+730, t.end-60)
		}
	case ptIntermediate:
		if r.IntN(100) < 50 {
			g.completed(t, cIntermediatePT, p.hired+365, t.end-60)
		}
		if active && p.rank >= rPrincipal && age < 50 && r.IntN(100) < 12 {
			g.open(t, cAdvancedPT)
		}
	case ptElementary:
		if r.IntN(100) < 30 {
			g.completed(t, cElementaryPT, p.hired+180, t.end-30)
		}
		if active && age < 45 && r.IntN(100) < 5 {
			g.open(t, cIntermediatePT)
		}
	}

	// Degrees: the one held, for some, taken while in service; studies under way.
	switch p.edu {
	case eDoctorate:
		if r.IntN(100) < 50 {
			g.completed(t, cDoctorate, p.hired+365, t.end-90)
		}
	case eMaster:
		if r.IntN(100) < 40 {
			g.completed(t, masters[r.IntN(len(masters))], p.hired+365, t.end-90)
		}
	case eBachelor:
		if r.IntN(100) < 6 { // a second degree taken in service
			g.completed(t, cBachelorAdmin+r.IntN(2), p.hired+365, t.end-90)
		}
		if active && age < 45 && r.IntN(100) < 6 {
			g.open(t, masters[r.IntN(len(masters))])
		}
		if r.IntN(1000) < 8 {
			g.dropped(t, masters[r.IntN(len(masters))], p.hired+365, t.end-400)
		}
	case eCollege, eVocational:
		if active && age < 45 && r.IntN(100) < 10 {
			g.open(t, cBachelorAdmin+r.IntN(2))
		}
	}

	// Defence and security certificate, valid 60 months: leaders nearly all.
	cert := cDefense4
	if lead && (u.kind == rootUnit || u.kind == subAgency || (u.kind == rootDept && p.role == head)) {
		cert = cDefense3
	}
	share := 25
	if lead {
		share = 90
	}
	if r.IntN(100) < share {
		done, ok := g.completed(t, cert, g.at.addMonths(-60)-60, t.end-10)
		if ok && active && done.addMonths(60) < g.at+60 && r.IntN(2) == 0 {
			g.open(t, cert) // the renewal
		}
	}

	// Refresher training this year: 0 to 3 courses done, so some people are
	// short of the yearly hours and some well over; one open for some.
	if active {
		n := pick(r, refresherCount)
		for range n {
			g.completed(t, refreshers[r.IntN(len(refreshers))], jan1(g.year)+10, g.at-1)
		}
		if r.IntN(100) < 22 {
			g.open(t, refreshers[r.IntN(len(refreshers))])
		}
	}
	// ... and in the years before, thinning out (records of older years are
	// patchier), so the previous plan's progress has something to count.
	for back, share := range [4]int{70, 35, 15, 15} {
		y := g.year - 1 - back
		if r.IntN(100) < share {
			g.completed(t, refreshers[r.IntN(len(refreshers))], jan1(y), min(jan1(y+1)-1, t.end))
		}
	}

	// IT and English.
	if r.IntN(100) < 10 {
		g.completed(t, cITBasic+r.IntN(2), p.hired+30, t.end-30)
	}
	if active && r.IntN(100) < 3 {
		g.open(t, cITBasic+r.IntN(2))
	}

	// Leadership course for those holding a post.
	if lead && r.IntN(100) < 70 {
		c := cLeadDept
		if u.kind == rootUnit || u.kind == subAgency {
			c = cLeadAgency
		}
		g.completed(t, c, p.hired+5*365, t.end-30)
	}

	g.demoTrainings(p)
	return g.sortTrainings()
}

// refresherCount: how many refresher courses a person has finished this year.
var refresherCount = cumulative(12, 33, 35, 20)

// completed adds a completed course finished between a and b (and not before
// the course could have started in service); it reports the day, or false if
// the span is empty.
func (g *generator) completed(t tctx, c int, a, b day) (day, bool) {
	dur := day(catalogue[c].days)
	a = max(a, t.hired+dur)
	b = min(b, t.end)
	if b < a {
		return 0, false
	}
	done := a + day(g.rng.IntN(int(b-a)+1))
	g.tr = append(g.tr, trow{course: c, start: done - dur + 1, done: done, status: sCompleted})
	return done, true
}

// dropped adds a course abandoned: started between a and b, never finished.
func (g *generator) dropped(t tctx, c int, a, b day) {
	a = max(a, t.hired)
	if b < a {
		return
	}
	start := a + day(g.rng.IntN(int(b-a)+1))
	g.tr = append(g.tr, trow{course: c, start: start, due: start + day(catalogue[c].days) - 1, status: sDropped})
}

// open adds an enrolled or planned course with its due date spread around At:
// some overdue, a quarter due within 30 days, the rest later.
func (g *generator) open(t tctx, c int) {
	r := g.rng
	var off day
	switch x := r.IntN(100); {
	case x < 15:
		off = -day(1 + r.IntN(120))
	case x < 40:
		off = day(r.IntN(31))
	default:
		off = day(31 + r.IntN(240))
	}
	due := g.at + off
	start := max(due-day(catalogue[c].days)+1, t.hired)
	status := uint8(sEnrolled)
	switch {
	case start > g.at:
		status = sPlanned
	case due < g.at && r.IntN(4) == 0:
		status = sPlanned // planned and never started: overdue all the same
	}
	g.tr = append(g.tr, trow{course: c, start: start, due: due, status: status})
}

// demoTrainings places, on the first staff, one item due in exactly 1, 7 and
// 30 days, two overdue and one certificate expiring in 20 days, so that even a
// sample of 30 staff has reminders to send on its first day.
func (g *generator) demoTrainings(p *person) {
	n, at := g.opt.Staff, g.at
	on := func(i int) bool { return p.idx == i%n }
	if on(3) {
		g.tr = append(g.tr, trow{course: cPartyWork, start: at - 3, due: at + 1, status: sEnrolled})
	}
	if on(4) {
		g.tr = append(g.tr, trow{course: cLeadDept, start: at - 3, due: at + 7, status: sEnrolled})
	}
	if on(5) {
		g.tr = append(g.tr, trow{course: cDigital, start: at + 29, due: at + 30, status: sPlanned})
	}
	if on(6) {
		g.tr = append(g.tr, trow{course: cInternalSecurity, start: at - 17, due: at - 15, status: sEnrolled})
	}
	if on(7) {
		g.tr = append(g.tr, trow{course: cEnglish, start: at - 94, due: at - 5, status: sPlanned})
	}
	if on(8) {
		done := at.addMonths(-60) + 20
		g.tr = append(g.tr, trow{course: cDefense4, start: done - 4, done: done, status: sCompleted})
	}
}

// sortTrainings orders the person's rows by start and makes the key (course,
// start) unique by moving a clashing start a day earlier.
func (g *generator) sortTrainings() []trow {
	rows := g.tr
	for i := 1; i < len(rows); i++ {
		for j := 0; j < i; j++ {
			if rows[j].course == rows[i].course && rows[j].start == rows[i].start {
				rows[i].start--
				j = -1
			}
		}
	}
	slices.SortFunc(rows, func(a, b trow) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.course, b.course)
	})
	return rows
}
