package digest

import (
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf returns the month of day d.
func MonthOf(d civil.Date) Month { return Month{d.Year, d.Month} }

// LastFullMonth is the month before the one holding day d: the month a digest
// sent or asked for on d is about.
func LastFullMonth(d civil.Date) Month { return MonthOf(d).Add(-1) }

// String formats m as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// First is the month's first day.
func (m Month) First() civil.Date { return civil.Date{Year: m.Year, Month: m.Month, Day: 1} }

// Last is the month's last day.
func (m Month) Last() civil.Date { return m.First().EndOfMonth() }

// Add returns the month n months later (earlier for n < 0).
func (m Month) Add(n int) Month { return MonthOf(m.First().AddMonths(n)) }

// Format writes the month for a reader: "10/2026" in Vietnamese, "October
// 2026" in English.
func (m Month) Format(lang string) string {
	if lang == "vi" {
		return fmt.Sprintf("%02d/%d", m.Month, m.Year)
	}
	return fmt.Sprintf("%s %d", m.Month, m.Year)
}

// Short writes the month for a chart's axis: "10/26", "Oct 26".
func (m Month) Short(lang string) string {
	if lang == "vi" {
		return fmt.Sprintf("%d/%02d", m.Month, m.Year%100)
	}
	return fmt.Sprintf("%s %02d", m.Month.String()[:3], m.Year%100)
}
