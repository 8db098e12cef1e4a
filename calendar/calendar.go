package calendar

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// Calendar says which days are working days. It is immutable once built and
// safe for concurrent use. A nil *Calendar treats every day as a working day.
type Calendar struct {
	holidays map[civil.Date]bool // extra days off decided for a year
	workdays map[civil.Date]bool // make-up working days; beat every rule
}

// VN returns the calendar of a Vietnamese State agency (see the package
// comment for its rules), with the days off and make-up working days the
// Government decides for a year. A date in both lists is a working day.
func VN(holidays, workdays []civil.Date) *Calendar {
	return &Calendar{holidays: set(holidays), workdays: set(workdays)}
}

// New returns the calendar of a country, as a configuration names it: "vn"
// for VN, "" for none (a nil *Calendar: every day is a working day). It
// rejects an unknown country, lists given with no country, zero dates, and a
// date listed both as a holiday and as a workday.
func New(country string, holidays, workdays []civil.Date) (*Calendar, error) {
	switch strings.ToLower(strings.TrimSpace(country)) {
	case "":
		if len(holidays)+len(workdays) > 0 {
			return nil, fmt.Errorf("calendar: holidays and workdays need a country")
		}
		return nil, nil
	case "vn":
	default:
		return nil, fmt.Errorf("calendar: unknown country %q (known: vn)", country)
	}
	if err := checkLists(holidays, workdays); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return VN(holidays, workdays), nil
}

// checkLists reports a zero date or a date that is both a holiday and a
// workday: either is a mistake in a configuration file.
func checkLists(holidays, workdays []civil.Date) error {
	for _, list := range [][]civil.Date{holidays, workdays} {
		for _, d := range list {
			if d.IsZero() {
				return fmt.Errorf("empty date in holidays or workdays")
			}
		}
	}
	off := set(holidays)
	for _, d := range workdays {
		if off[d] {
			return fmt.Errorf("%s is listed both as a holiday and as a workday", d)
		}
	}
	return nil
}

// set returns the dates of ds as a set.
func set(ds []civil.Date) map[civil.Date]bool {
	m := make(map[civil.Date]bool, len(ds))
	for _, d := range ds {
		m[d] = true
	}
	return m
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d civil.Date) bool {
	_, off := c.Why(d, "en")
	return !off
}

// Why reports whether d is a day off and why, in Vietnamese for lang "vi" and
// in English otherwise (as civil.Date.Format reads lang): the holiday's name,
// the weekday of a weekend, "Nghỉ bù …" for a day off in lieu of a holiday
// that fell on a weekend, or a decision for a listed holiday. For a working
// day the reason is empty, except for a listed make-up working day that the
// rules would have made a day off.
func (c *Calendar) Why(d civil.Date, lang string) (reason string, off bool) {
	if c == nil {
		return "", false
	}
	r := c.reasonFor(d)
	return r.text(lang), r.kind != workday && r.kind != makeUp
}

// NextWorkday returns d if it is a working day, else the first working day
// after it: where the scheduler moves a job that falls on a day off.
func (c *Calendar) NextWorkday(d civil.Date) civil.Date {
	for !c.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}

// reasonFor applies the precedence: a listed workday beats every rule; a
// public holiday is named even when it falls on a weekend or is listed; then
// the weekend, a day off in lieu, and a listed holiday.
func (c *Calendar) reasonFor(d civil.Date) reason {
	rule := ruleFor(d)
	switch {
	case c.workdays[d] && rule.kind != workday:
		return reason{kind: makeUp}
	case c.workdays[d]:
		return reason{kind: workday}
	case rule.kind != workday:
		return rule
	case c.holidays[d]:
		return reason{kind: decided}
	}
	return rule
}

// ruleFor returns why the rules alone make d a day off; its kind is workday
// if they do not. A holiday's name wins over the weekend it falls on.
func ruleFor(d civil.Date) reason {
	offs := daysOff(d.Year)
	i := sort.Search(len(offs), func(i int) bool { return !offs[i].date.Before(d) })
	switch {
	case i < len(offs) && offs[i].date == d && !offs[i].inLieu:
		return offs[i].reason
	case weekday(d) == time.Saturday:
		return reason{kind: saturday}
	case weekday(d) == time.Sunday:
		return reason{kind: sunday}
	case i < len(offs) && offs[i].date == d:
		return offs[i].reason
	}
	return reason{kind: workday}
}

// dayOff is a public holiday or a day off in lieu of one.
type dayOff struct {
	date civil.Date
	reason
}

// daysOff returns the public holidays of Gregorian year y and the days off in
// lieu of those that fall on a weekend, sorted by date. No holiday's day in
// lieu can leave its year: the latest holidays are in early September.
func daysOff(y int) []dayOff {
	hs := publicHolidays(y)
	all := append(hs, inLieu(hs)...)
	sort.Slice(all, func(i, j int) bool { return all[i].date.Before(all[j].date) })
	return all
}

// publicHolidays returns the paid public holidays of Labour Code 2019
// art. 112(1) in Gregorian year y, with this package's defaults for the days
// the Prime Minister fixes each year (art. 112(3): which five days of Tết,
// which day next to National Day), sorted by date.
func publicHolidays(y int) []dayOff {
	tet := TetDate(y)
	hungKings, err := SolarOfLunar(LunarDate{Day: 10, Month: 3, Year: y})
	if err != nil {
		panic(fmt.Sprintf("calendar: 10/3 of lunar year %d: %v", y, err)) // every lunar month 3 has a 10th day
	}
	hs := []dayOff{{civil.New(y, time.January, 1), reason{kind: newYear}}}
	for i := -2; i <= 2; i++ { // the last two days of the old year, mùng 1 to mùng 3
		hs = append(hs, dayOff{tet.AddDays(i), reason{kind: tetHoliday}})
	}
	hs = append(hs,
		dayOff{hungKings, reason{kind: hungKingsDay}},
		dayOff{civil.New(y, time.April, 30), reason{kind: victoryDay}},
		dayOff{civil.New(y, time.May, 1), reason{kind: labourDay}},
		dayOff{civil.New(y, time.September, 2), reason{kind: nationalDay}},
		dayOff{nationalDayNeighbour(y), reason{kind: nationalDay}},
	)
	sort.Slice(hs, func(i, j int) bool { return hs[i].date.Before(hs[j].date) })
	return hs
}

// nationalDayNeighbour picks the second National Day holiday, "one day next
// to 2 September, before or after" (art. 112(1)(đ)), as the Prime Minister did
// in 2021–2025: a weekday, and the one that joins the holiday to a weekend;
// 3 September when neither does (2 September on a Wednesday).
func nationalDayNeighbour(y int) civil.Date {
	before, after := civil.New(y, time.September, 1), civil.New(y, time.September, 3)
	switch {
	case weekend(before):
		return after // 2 September on a Monday (2024) or a Sunday
	case weekend(after):
		return before // on a Friday (2022) or a Saturday (2023)
	case weekend(before.AddDays(-1)):
		return before // on a Tuesday: Monday 1 September makes a four-day break (2025)
	}
	return after // on a Thursday, Friday 3 September does (2021); on a Wednesday, neither
}

// inLieu returns a day off for each holiday in hs that falls on a Saturday or
// Sunday: the next day that is neither a weekend nor a holiday nor already
// given in lieu (Labour Code 2019 art. 111(3)). hs must be sorted.
func inLieu(hs []dayOff) []dayOff {
	taken := make(map[civil.Date]bool, len(hs))
	for _, h := range hs {
		taken[h.date] = true
	}
	var out []dayOff
	for _, h := range hs {
		if !weekend(h.date) {
			continue
		}
		d := h.date.AddDays(1)
		for weekend(d) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		out = append(out, dayOff{d, reason{kind: h.kind, inLieu: true}})
	}
	return out
}

func weekend(d civil.Date) bool {
	wd := weekday(d)
	return wd == time.Saturday || wd == time.Sunday
}

// weekday returns d's day of the week (civil.Date has no zone, so any zone
// gives the same answer).
func weekday(d civil.Date) time.Weekday { return d.Time(time.UTC).Weekday() }
