package sample

import (
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// One pass per kind. Each walks the unit tree and re-derives what it needs.

func (g *generator) units(s Sink, sum *Summary) error {
	l := &g.lay
	return l.walk(func(u *unitInfo) error {
		row := Unit{
			Code:     l.unitCode(u.index),
			Name:     unitName(u),
			HeadCode: l.staffCode(u.start),
			Email:    unitEmail(l, u),
		}
		if u.parent >= 0 {
			row.ParentCode = l.unitCode(u.parent)
		}
		sum.Units++
		return s.Unit(row)
	})
}

func (g *generator) staff(s Sink, sum *Summary) error {
	l := &g.lay
	return l.walk(func(u *unitInfo) error {
		unit := l.unitCode(u.index)
		headCode := l.staffCode(u.start)
		parentHead := ""
		if u.parentHead >= 0 {
			parentHead = l.staffCode(u.parentHead)
		}
		for i, p := range g.members(u) {
			row := Staff{
				Code:            l.staffCode(p.idx),
				FullName:        p.fullName(),
				Email:           p.email(),
				UnitCode:        unit,
				ManagerCode:     headCode,
				Gender:          "female",
				Rank:            rankCodes[p.rank],
				Education:       educationCodes[p.edu],
				PoliticalTheory: theoryCodes[p.pt],
				HiredOn:         p.hired.date(),
			}
			if i == 0 {
				row.ManagerCode = parentHead
			}
			if p.male {
				row.Gender = "male"
			}
			if !p.noBirth {
				row.BirthDate = p.birth.date()
			}
			if p.hasLeft {
				row.LeftOn = p.left.date()
			}
			sum.Staff++
			if err := s.Staff(row); err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) courses(s Sink, sum *Summary) error {
	for _, c := range catalogue {
		sum.Courses++
		if err := s.Course(c.Course); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) training(s Sink, sum *Summary) error {
	l := &g.lay
	return l.walk(func(u *unitInfo) error {
		for i := range g.members(u) {
			p := &g.ms[i]
			code := l.staffCode(p.idx)
			for _, t := range g.trainings(p, u) {
				c := &catalogue[t.course]
				row := Training{StaffCode: code, CourseCode: c.Code, StartOn: t.start.date(), Status: statusCodes[t.status]}
				if t.status == sCompleted {
					row.CompletedOn = t.done.date()
					row.Hours = c.Hours
				} else {
					row.DueOn = t.due.date()
				}
				sum.Training++
				if err := s.Training(row); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (g *generator) appointments(s Sink, sum *Summary) error {
	l := &g.lay
	return l.walk(func(u *unitInfo) error {
		unit := l.unitCode(u.index)
		for i := range g.members(u) {
			p := &g.ms[i]
			if p.role == member {
				continue
			}
			code := l.staffCode(p.idx)
			for _, a := range g.terms(p) {
				pos := headTitle(u)
				if a.deputy {
					pos = deputyTitle(u)
				}
				row := Appointment{
					StaffCode:  code,
					Position:   pos,
					StartOn:    a.start.date(),
					UnitCode:   unit,
					DecisionNo: decisionNo(u, a.decision),
					EndOn:      a.end.date(),
				}
				if a.ended != 0 {
					row.EndedOn = a.ended.date()
				}
				sum.Appointments++
				if err := s.Appointment(row); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (g *generator) planning(s Sink, sum *Summary) error {
	l := &g.lay
	c := 2020 + 5*floorDiv(g.year-2020, 5)
	current, next := period(c), period(c+5)
	var rootDeputy, subDeputy string
	return l.walk(func(u *unitInfo) error {
		parentDeputy := ""
		switch u.kind {
		case rootUnit:
			_, rootDeputy = posts(u)
		case rootDept:
			parentDeputy = rootDeputy
		case subAgency:
			_, subDeputy = posts(u)
			parentDeputy = rootDeputy
		case subDept:
			parentDeputy = subDeputy
		}
		ms := g.members(u)
		for _, e := range g.planEntries(u, ms, parentDeputy) {
			row := Planning{
				StaffCode:  l.staffCode(ms[e.pos].idx),
				Position:   e.post,
				Period:     current,
				ApprovedOn: e.approved.date(),
				Status:     "active",
			}
			if e.next {
				row.Period = next
			}
			if e.reviewed != 0 {
				row.ReviewedOn = e.reviewed.date()
			}
			if e.removed {
				row.Status = "removed"
			}
			sum.Planning++
			if err := s.Planning(row); err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) targets(s Sink, sum *Summary) error {
	for i, p := range plans(g.year) {
		name := strconv.Itoa(p[0].Year) + "-" + strconv.Itoa(p[1].Year)
		for _, t := range targetRates {
			rate := t.previous
			if i == 1 {
				rate = t.current
			}
			row := Target{
				Plan:     name,
				Category: t.category,
				Level:    t.level,
				StartsOn: p[0],
				EndsOn:   p[1],
				Target:   max(1, int(rate*float64(g.opt.Staff)/100+0.5)),
			}
			sum.Targets++
			if err := s.Target(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluations: one rating per person and past year (the last three) while
// they worked the year; for At's own year, once rating season is on
// (from 1 December), some ratings are already in.
func (g *generator) evaluations(s Sink, sum *Summary) error {
	l := &g.lay
	seasonOn := !g.opt.At.Before(civil.Date{Year: g.year, Month: time.December, Day: 1})
	return l.walk(func(u *unitInfo) error {
		ms := g.members(u)
		poor := -1
		if u.index == 1 {
			// Demo: the first planned for the unit's deputy post was rated
			// not_completed last year, which the planning review flags.
			_, deputyPost := posts(u)
			for _, e := range g.planEntries(u, ms, "") {
				if e.post == deputyPost {
					poor = ms[e.pos].idx
					break
				}
			}
		}
		for i := range ms {
			p := &ms[i]
			code := l.staffCode(p.idx)
			g.reseed(streamEval, uint64(p.idx))
			r := g.rng
			cum := ratingCum
			if p.role != member {
				cum = leaderCum
			}
			last := g.year - 1
			if seasonOn {
				last = g.year
			}
			for y := g.year - 3; y <= last; y++ {
				rating, x := pick(r, cum), r.IntN(100)
				score := scoreBand[rating][0] + r.IntN(scoreBand[rating][1]-scoreBand[rating][0]+1)
				if p.hired > dayOf(civil.Date{Year: y, Month: time.October, Day: 1}) ||
					(p.hasLeft && p.left < dayOf(civil.Date{Year: y, Month: time.December, Day: 15})) ||
					(y == g.year && x >= 60) {
					continue
				}
				if p.idx == poor && y == g.year-1 {
					rating = 0
					score = scoreBand[0][0] + 10
				}
				row := Evaluation{StaffCode: code, Year: y, Rating: ratingCodes[rating]}
				if y >= scoredFrom {
					row.Score = float64(score)
				}
				sum.Evaluations++
				if err := s.Evaluation(row); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
