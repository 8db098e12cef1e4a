package calendar

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// LunarDate is a date of the Vietnamese lunisolar calendar (âm lịch): Day 1–30
// of Month 1–12 of the lunar Year, which starts at Tết and is numbered after
// the Gregorian year it starts in. Leap marks the intercalary month (tháng
// nhuận), which repeats the number of the month before it.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// ErrNoLunarDate is wrapped by SolarOfLunar when the lunar date does not
// exist: a leap month in a year without that leap month, or day 30 of a
// 29-day month.
var ErrNoLunarDate = errors.New("no such lunar date")

// month is one lunar month: the lunation index k of the new moon that starts
// it, the Julian day number of its first day (mùng 1), and its name.
type month struct {
	k, start int
	num      int
	leap     bool
}

// Lunar returns the Vietnamese lunar date of d, reckoned at UTC+7. The tests
// check every month of 1968–2100 and every Tết of 1900–2100 against published
// tables; far outside that range the astronomy loses precision.
func Lunar(d civil.Date) LunarDate {
	day := jdn(d.Year, int(d.Month), d.Day)
	y := d.Year
	c := cycle(y)
	if day < c[0].start { // before the month that holds this year's December solstice
		y--
		c = cycle(y)
	}
	i := len(c) - 1
	for c[i].start > day {
		i--
	}
	return LunarDate{Day: day - c[i].start + 1, Month: c[i].num, Year: lunarYear(y, c[i].num), Leap: c[i].leap}
}

// SolarOfLunar returns the Gregorian date of l, or an error wrapping
// ErrNoLunarDate if l does not exist.
func SolarOfLunar(l LunarDate) (civil.Date, error) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return civil.Date{}, fmt.Errorf("lunar %d/%d/%d: %w", l.Day, l.Month, l.Year, ErrNoLunarDate)
	}
	y := l.Year - 1 // months 1–10 belong to the cycle that starts the November before
	if l.Month >= 11 {
		y = l.Year
	}
	c := cycle(y)
	for i, m := range c {
		if m.num != l.Month || m.leap != l.Leap {
			continue
		}
		if end := monthEnd(c, i); m.start+l.Day-1 >= end {
			return civil.Date{}, fmt.Errorf("lunar %d/%d/%d: month has %d days: %w", l.Day, l.Month, l.Year, end-m.start, ErrNoLunarDate)
		}
		return dateOf(m.start + l.Day - 1), nil
	}
	return civil.Date{}, fmt.Errorf("lunar year %d has no leap month %d: %w", l.Year, l.Month, ErrNoLunarDate)
}

// TetDate returns mùng 1 tháng Giêng, the first day of the lunar year that
// starts in Gregorian year y (between 21 January and 20 February).
func TetDate(y int) civil.Date {
	c := cycle(y - 1)
	for _, m := range c {
		if m.num == 1 && !m.leap {
			return dateOf(m.start)
		}
	}
	panic("calendar: a lunar cycle without month 1") // cycle always numbers 11, 12, 1, ...
}

// monthEnd returns the first day after month i of cycle c.
func monthEnd(c []month, i int) int {
	if i+1 < len(c) {
		return c[i+1].start
	}
	return newMoonDay(c[i].k + 1)
}

// lunarYear names the lunar year of month num in the cycle that starts in
// Gregorian year y: months 11 and 12 (and their leap months) close lunar year
// y, months 1–10 belong to the next.
func lunarYear(y, num int) int {
	if num >= 11 {
		return y
	}
	return y + 1
}

// cycle returns the lunar months from month 11 of Gregorian year y (the month
// holding the December solstice) up to, not including, month 11 of y+1: 12
// months, or 13 when one of them is a leap month. The leap month is the first
// one after the solstice that holds no principal term, and takes the number of
// the month before it (rules of the Vietnamese calendar as Hồ Ngọc Đức states
// them, after the Explanatory Supplement to the Astronomical Almanac).
func cycle(y int) []month {
	a, b := month11(y), month11(y+1)
	n := int(math.Round(float64(b.start-a.start) / lunation))
	leapAt := -1
	if n == 13 {
		leapAt = leapOffset(a.k)
	}
	c := make([]month, 0, n)
	num := 11
	for i := 0; i < n; i++ {
		leap := i == leapAt
		if i > 0 && !leap {
			num = num%12 + 1
		}
		c = append(c, month{k: a.k + i, start: newMoonDay(a.k + i), num: num, leap: leap})
	}
	return c
}

// month11 returns the new moon that starts lunar month 11 of Gregorian year y:
// the last one on or before the day of the December solstice (Sun at 270°,
// sector 9).
func month11(y int) month {
	// The mean new moons put lunation k within a day of 31 December or
	// before it; its true new moon is at most a month earlier, so it is
	// month 11 unless it starts after the solstice.
	k := int(math.Floor(float64(jdn(y, 12, 31)-jdn(1900, 1, 1)) / lunation))
	nm := newMoonDay(k)
	if sunSector(nm) >= 9 { // that month starts after the solstice
		k--
		nm = newMoonDay(k)
	}
	return month{k: k, start: nm, num: 11}
}

// leapOffset returns the position, counted from month 11 at lunation k, of
// the first month with no principal term: the Sun is in the same sector at
// its first day and at the next month's first day.
func leapOffset(k int) int {
	for i := 1; i < 13; i++ {
		if sunSector(newMoonDay(k+i)) == sunSector(newMoonDay(k+i+1)) {
			return i
		}
	}
	return 12 // unreachable for a 13-month cycle: some month lacks a term
}

// dateOf converts a Julian day number to a civil date.
func dateOf(j int) civil.Date {
	y, m, d := fromJDN(j)
	return civil.Date{Year: y, Month: time.Month(m), Day: d}
}
