package sample

import (
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// day is a date as a number of days since 1970-01-01. The generator does its
// date arithmetic on these: a million people need tens of millions of date
// operations, and civil.Date goes through time.Time for each.
type day int32

// dayOf converts a date (Hinnant's days_from_civil).
func dayOf(d civil.Date) day {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := m - 3
	if m <= 2 {
		mp = m + 9
	}
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// date converts back (Hinnant's civil_from_days).
func (n day) date() civil.Date {
	z := int(n) + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return civil.Date{Year: y, Month: time.Month(m), Day: d}
}

// addMonths adds calendar months the way terms and certificates count them
// (civil.Date.AddMonths: the 31st clamps to the month's last day).
func (n day) addMonths(k int) day { return dayOf(n.date().AddMonths(k)) }

// yearsDays converts a fractional number of years to days.
func yearsDays(y float64) day { return day(y * 365.2425) }

// jan1 is 1 January of year y.
func jan1(y int) day { return dayOf(civil.Date{Year: y, Month: time.January, Day: 1}) }

// retirementAgeMonths is the statutory retirement age in months for a year
// (docs/domain.md: Labour Code 2019 art. 169, Decree 135/2020): men 60y3m in 2021 plus
// 3 months a year up to 62, women 55y4m plus 4 months a year up to 60; before
// 2021, 60 and 55.
func retirementAgeMonths(male bool, year int) int {
	if male {
		if year < 2021 {
			return 60 * 12
		}
		return min(60*12+3+3*(year-2021), 62*12)
	}
	if year < 2021 {
		return 55 * 12
	}
	return min(55*12+4+4*(year-2021), 60*12)
}

// retirement returns the day a person born on birth retires: the last day of
// the first month in which their age reaches the required age of that month's
// year.
func retirement(birth civil.Date, male bool) civil.Date {
	b := birth.Year*12 + int(birth.Month) - 1
	for m := b + 55*12; ; m++ {
		if m-b >= retirementAgeMonths(male, m/12) {
			return civil.Date{Year: m / 12, Month: time.Month(m%12 + 1), Day: 1}.EndOfMonth()
		}
	}
}
