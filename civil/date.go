// Package civil holds the calendar date used throughout tickler: a day in the
// agency's calendar, with no time of day and no zone. Deadlines, birth dates and
// terms are dates; only schedule slots are instants.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar date. The zero value is "no date" (IsZero reports it).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// New returns the date y-m-d, normalised like time.Date (Feb 30 becomes Mar 2).
func New(y int, m time.Month, d int) Date {
	return Of(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Of returns the calendar date of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// In returns the date of instant t in loc.
func In(t time.Time, loc *time.Location) Date { return Of(t.In(loc)) }

// Parse reads YYYY-MM-DD or DD/MM/YYYY (also D/M/YYYY).
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, fmt.Errorf("empty date")
	}
	var y, m, d int
	var err error
	switch {
	case strings.Count(s, "-") == 2:
		p := strings.Split(s, "-")
		if len(p[0]) != 4 {
			return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or DD/MM/YYYY)", s)
		}
		y, m, d, err = atoi3(p[0], p[1], p[2])
	case strings.Count(s, "/") == 2:
		p := strings.Split(s, "/")
		if len(p[2]) != 4 {
			return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or DD/MM/YYYY)", s)
		}
		d, m, y, err = atoi3(p[0], p[1], p[2])
	default:
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or DD/MM/YYYY)", s)
	}
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or DD/MM/YYYY)", s)
	}
	if m < 1 || m > 12 || d < 1 || d > DaysIn(y, time.Month(m)) || y < 1 {
		return Date{}, fmt.Errorf("%q is not a real date", s)
	}
	return Date{y, time.Month(m), d}, nil
}

func atoi3(a, b, c string) (int, int, int, error) {
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	z, err3 := strconv.Atoi(c)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, 0, fmt.Errorf("not a number")
	}
	return x, y, z, nil
}

// MustParse is Parse for constants in tests and defaults; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether d is the zero "no date".
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String formats d as YYYY-MM-DD ("" for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if !d.fits() {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	var b [10]byte
	digits(b[0:4], d.Year)
	b[4] = '-'
	digits(b[5:7], int(d.Month))
	b[7] = '-'
	digits(b[8:10], d.Day)
	return string(b[:])
}

// VN formats d as DD/MM/YYYY, the way Vietnamese documents print dates.
func (d Date) VN() string {
	if d.IsZero() {
		return ""
	}
	if !d.fits() {
		return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
	}
	var b [10]byte
	digits(b[0:2], d.Day)
	b[2] = '/'
	digits(b[3:5], int(d.Month))
	b[5] = '/'
	digits(b[6:10], d.Year)
	return string(b[:])
}

// fits reports whether d's parts fit the digits String and VN give them
// (a date as Parse or New makes it does); one that does not is printed by
// fmt, as it is.
func (d Date) fits() bool {
	return d.Year >= 0 && d.Year <= 9999 && d.Month >= 0 && d.Month <= 99 && d.Day >= 0 && d.Day <= 99
}

// digits writes n (≥ 0) in len(b) decimal digits, zero-padded.
func digits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// Format formats d for a language: "vi" as DD/MM/YYYY, anything else as YYYY-MM-DD.
func (d Date) Format(lang string) string {
	if lang == "vi" {
		return d.VN()
	}
	return d.String()
}

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return Of(d.utc().AddDate(0, 0, n)) }

// AddMonths returns d plus n months; a day past the end of the target month is
// clamped to its last day (31 January + 1 month = 28 or 29 February), as
// administrative terms count months.
func (d Date) AddMonths(n int) Date {
	total := d.Year*12 + int(d.Month-1) + n
	y, m := total/12, time.Month(total%12+1)
	day := d.Day
	if last := DaysIn(y, m); day > last {
		day = last
	}
	return Date{y, m, day}
}

// AddYears returns d plus n years, clamping 29 February to 28 February.
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.utc().Sub(d.utc()).Hours() / 24)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmp(d.Year, e.Year)
	case d.Month != e.Month:
		return cmp(int(d.Month), int(e.Month))
	default:
		return cmp(d.Day, e.Day)
	}
}

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date { return Date{d.Year, d.Month, DaysIn(d.Year, d.Month)} }

// Value stores a date as the text YYYY-MM-DD, which PostgreSQL casts to DATE and
// SQLite compares correctly as text; the zero date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE column (time.Time from PostgreSQL, text from SQLite).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("civil.Date: cannot scan %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10] // "2026-01-02 00:00:00+00:00" as some drivers write it
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return d.scanText(s)
}

// MarshalText implements encoding.TextMarshaler (YAML, flags).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
