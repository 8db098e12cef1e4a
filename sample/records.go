package sample

import (
	"strconv"

	"github.com/tickler-dev/tickler/civil"
)

// arow is one appointment of the current person.
type arow struct {
	deputy            bool // the unit's deputy post, else its head post
	start, end, ended day
	decision          int
}

// terms draws the terms of a head or deputy: the current one started in
// the last five years (so terms end all through the next five), for some a
// previous term they were re-appointed from, and for some heads the deputy
// post they were promoted from.
func (g *generator) terms(p *person) []arow {
	g.ap = g.ap[:0]
	if p.role == member {
		return g.ap
	}
	g.reseed(streamAppoint, uint64(p.idx))
	r := g.rng
	earliest := max(p.hired+365, p.birth+yearsDays(28))
	start := g.at - day(30+r.IntN(5*365-30))
	start = min(max(start, earliest), g.at)
	// Demo: terms ending within 30, 60, 90 and 120 days.
	if ends, ok := demoTermEnds[p.idx]; ok {
		start = g.at + day(ends)
		start = dayOf(start.date().AddYears(-5))
	}
	first := start
	if again := r.IntN(100) < 35; (again || p.idx == 1) && start.addMonths(-60) >= earliest {
		first = start.addMonths(-60)
		g.ap = append(g.ap, arow{deputy: p.role == deputy, start: first, end: first.addMonths(60), ended: start, decision: 1 + r.IntN(400)})
	}
	if promoted := r.IntN(100) < 30; promoted && p.role == head {
		if ps := first - day(730+r.IntN(3*365)); ps >= earliest {
			g.ap = append([]arow{{deputy: true, start: ps, end: ps.addMonths(60), ended: first, decision: 1 + r.IntN(400)}}, g.ap...)
		}
	}
	g.ap = append(g.ap, arow{deputy: p.role == deputy, start: start, end: start.addMonths(60), decision: 1 + r.IntN(400)})
	return g.ap
}

// demoTermEnds: days from At to the end of the first staff's terms.
var demoTermEnds = map[int]int{0: 88, 1: 28, 2: 59, 3: 118}

// decisionNo formats an appointment decision as the appointing body numbers it:
// the Provincial or District Party Committee for a board's leadership, the
// board itself for its departments.
func decisionNo(u *unitInfo, n int) string {
	s := strconv.Itoa(n)
	switch u.kind {
	case rootUnit:
		return s + "-QĐ/TU"
	case subAgency:
		return s + "-QĐ/HU"
	case rootDept:
		return s + "/QĐ-BTCTU"
	}
	return s + "/QĐ-BTCHU"
}

// pentry is one planning entry of the current unit.
type pentry struct {
	pos                int // member position in the unit
	post               string
	next               bool // planned for the next period
	approved, reviewed day
	removed            bool
}

// planEntries draws a unit's succession planning: deputies planned for the
// head post, promising staff for the deputy post (four on it now and then, so
// that the review has an over-subscribed post to flag), and the head for the
// parent unit's deputy post.
func (g *generator) planEntries(u *unitInfo, ms []person, parentDeputy string) []pentry {
	g.reseed(streamPlanning, uint64(u.index))
	r := g.rng
	out := g.pl[:0]
	headPost, deputyPost := posts(u)
	deps := g.lay.deputies(u)
	for i := 1; i <= deps && i < len(ms); i++ {
		if r.IntN(100) < 55 {
			out = append(out, pentry{pos: i, post: headPost})
		}
	}
	if rest := len(ms) - deps - 1; rest > 0 {
		k := max(1, (rest+4)/14)
		if u.index == 1 || r.IntN(100) < 5 {
			k = 4
		}
		// Weighted draw without replacement among those who could serve a full
		// term; younger people weigh more, as the planning rules ask.
		var weight [64]int
		total := 0
		for i := deps + 1; i < len(ms) && i < len(weight); i++ {
			p := &ms[i]
			if p.hasLeft || p.noBirth || p.rank < rSpecialist || p.edu < eBachelor {
				continue
			}
			age := p.age(g.at)
			if age+5 > float64(retirementAgeMonths(p.male, g.year+5))/12 && r.IntN(100) >= 5 {
				continue
			}
			w := 1
			switch {
			case age < 35:
				w = 6
			case age < 40:
				w = 3
			case age < 48:
				w = 2
			}
			weight[i] = w
			total += w
		}
		for ; k > 0 && total > 0; k-- {
			x := r.IntN(total)
			for i := range weight {
				if x < weight[i] {
					out = append(out, pentry{pos: i, post: deputyPost})
					total -= weight[i]
					weight[i] = 0
					break
				}
				x -= weight[i]
			}
		}
	}
	if parentDeputy != "" && len(ms) > 0 && r.IntN(100) < 25 {
		out = append(out, pentry{pos: 0, post: parentDeputy})
	}

	// Periods follow the Party congress terms (2020-2025, 2025-2030, ...).
	c := 2020 + 5*floorDiv(g.year-2020, 5)
	thisYear, lastYear := jan1(g.year), jan1(g.year-1)
	for i := range out {
		e := &out[i]
		demo := u.index == 1 && e.post == deputyPost // keep the demo's four on one post and period
		if g.year > c && r.IntN(100) < 20 && !demo {
			e.next = true
			e.approved = g.between(jan1(c+1), g.at)
		} else if r.IntN(100) < 70 {
			e.approved = g.between(jan1(c-2)+150, min(jan1(c)-1, g.at))
		} else {
			e.approved = g.between(jan1(c), g.at)
		}
		switch x := r.IntN(100); {
		case x < 60 && g.at > thisYear:
			e.reviewed = g.between(max(thisYear, e.approved), g.at)
		case x < 88 && e.approved < thisYear:
			e.reviewed = g.between(max(lastYear, e.approved), thisYear-1)
		}
		if r.IntN(100) < 3 && g.at > thisYear && !demo {
			e.removed = true
			e.reviewed = g.between(max(thisYear, e.approved), g.at)
		}
	}
	g.pl = out
	return out
}

// period formats a planning period starting in year c.
func period(c int) string { return strconv.Itoa(c) + "-" + strconv.Itoa(c+5) }

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// between draws a day in [a, b]; a if the span is empty.
func (g *generator) between(a, b day) day {
	if b <= a {
		return a
	}
	return a + day(g.rng.IntN(int(b-a)+1))
}

// Ratings, per mille: mostly good or completed, 10-20% excellent, about 1% not
// completed; leaders are rated excellent more often.
var (
	ratingCodes = [4]string{"not_completed", "completed", "good", "excellent"}
	ratingCum   = cumulative(10, 200, 640, 150)
	leaderCum   = cumulative(5, 120, 625, 250)
	scoreBand   = [4][2]int{{30, 49}, {50, 69}, {70, 89}, {90, 100}}
)

// scoredFrom is the first year rated on 100 points (Decree 335/2025).
const scoredFrom = 2026

// targetRates: training-plan targets per 100 staff over a five-year plan, for
// the previous plan and the current one. The current plan asks more, above all
// refresher and IT (digital transformation) training; with the generated
// history, the previous plan ends at 85-110% and the current one runs near
// its pace.
var targetRates = []struct {
	category, level   string
	previous, current float64
}{
	{"degree", "doctorate", 0.3, 0.5},
	{"degree", "master", 4, 5},
	{"degree", "bachelor", 1.5, 1.5},
	{"political_theory", "advanced", 6, 6},
	{"political_theory", "intermediate", 7, 7},
	{"state_management", "", 35, 40},
	{"refresher", "", 150, 600},
	{"leadership", "", 5, 5},
	{"defense_security", "", 30, 35},
	{"it", "", 30, 100},
	{"language", "", 2.5, 3},
}

// plans returns the training plans around year y: the five-year plan holding
// it (2026-2030) and the one before (2021-2025).
func plans(y int) [2][2]civil.Date {
	s := 2021 + 5*floorDiv(y-2021, 5)
	var out [2][2]civil.Date
	for i, start := range [2]int{s - 5, s} {
		out[i] = [2]civil.Date{{Year: start, Month: 1, Day: 1}, {Year: start + 4, Month: 12, Day: 31}}
	}
	return out
}
