package civil

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" = error
	}{
		{"2026-11-26", "2026-11-26"}, // ISO
		{"26/11/2026", "2026-11-26"}, // Vietnamese order
		{"1/2/2026", "2026-02-01"},   // day/month without zeros
		{" 2026-01-31 ", "2026-01-31"},
		{"2026-02-29", ""}, // not a leap year
		{"2024-02-29", "2024-02-29"},
		{"31/04/2026", ""}, // April has 30 days
		{"11/26/2026", ""}, // American order is not accepted: month 26
		{"26-11-2026", ""}, // dashes need the year first
		{"2026/11/26", ""}, // slashes need the year last
		{"", ""},           // empty
		{"hôm nay", ""},    // words
		{"2026-13-01", ""}, // month 13
		{"0000-01-01", ""}, // year 0
		{"26/11/26", ""},   // two-digit year
		{"2026-1-5", "2026-01-05"},
	}
	for _, c := range cases {
		d, err := Parse(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("Parse(%q) = %s, want an error", c.in, d)
		case c.want != "" && err != nil:
			t.Errorf("Parse(%q): %v", c.in, err)
		case c.want != "" && d.String() != c.want:
			t.Errorf("Parse(%q) = %s, want %s", c.in, d, c.want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	d := MustParse("2026-01-31")
	cases := []struct {
		name string
		got  Date
		want string
	}{
		{"a month after 31 January is the end of February", d.AddMonths(1), "2026-02-28"},
		{"in a leap year, 29 February", MustParse("2028-01-31").AddMonths(1), "2028-02-29"},
		{"12 months is a year", d.AddMonths(12), "2027-01-31"},
		{"back a month from 31 March", MustParse("2026-03-31").AddMonths(-1), "2026-02-28"},
		{"5 years from 29 February 2024", MustParse("2024-02-29").AddYears(5), "2029-02-28"},
		{"days across a year end", MustParse("2026-12-30").AddDays(3), "2027-01-02"},
		{"negative days", MustParse("2026-03-01").AddDays(-1), "2026-02-28"},
		{"end of month", MustParse("2026-02-10").EndOfMonth(), "2026-02-28"},
	}
	for _, c := range cases {
		if c.got.String() != c.want {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}
	if n := MustParse("2026-11-26").DaysUntil(MustParse("2026-12-26")); n != 30 {
		t.Errorf("DaysUntil = %d, want 30", n)
	}
	if n := MustParse("2026-03-30").DaysUntil(MustParse("2026-03-28")); n != -2 {
		t.Errorf("DaysUntil backwards = %d, want -2", n)
	}
}

// The calendar date of an instant is the zone's: 17:00 UTC is the next day in Hanoi.
func TestIn(t *testing.T) {
	hanoi, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 29, 17, 0, 0, 0, time.UTC)
	if got := In(at, hanoi).String(); got != "2026-12-30" {
		t.Errorf("In Hanoi: %s, want 2026-12-30", got)
	}
	if got := In(at, time.UTC).String(); got != "2026-12-29" {
		t.Errorf("In UTC: %s", got)
	}
}

func TestStorageForms(t *testing.T) {
	var d Date
	// PostgreSQL returns DATE as time.Time; SQLite as text, sometimes with a time.
	for _, src := range []any{time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), "2026-05-04", []byte("2026-05-04"), "2026-05-04 00:00:00+00:00"} {
		if err := d.Scan(src); err != nil || d.String() != "2026-05-04" {
			t.Errorf("Scan(%v) = %s, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %s, %v", d, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero date stored as %v, want NULL", v)
	}
	b, _ := json.Marshal(struct{ D, E Date }{MustParse("2026-05-04"), Date{}})
	if string(b) != `{"D":"2026-05-04","E":null}` {
		t.Errorf("JSON %s", b)
	}
	if MustParse("2026-05-04").VN() != "04/05/2026" {
		t.Errorf("VN form")
	}
}

// String and VN print a date's parts by hand: the same text fmt gives,
// for every day of four centuries and for parts out of range.
func TestPrintedAsFmtWould(t *testing.T) {
	check := func(d Date) {
		t.Helper()
		if got, want := d.String(), fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day); got != want {
			t.Fatalf("%#v.String() = %q, want %q", d, got, want)
		}
		if got, want := d.VN(), fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year); got != want {
			t.Fatalf("%#v.VN() = %q, want %q", d, got, want)
		}
	}
	for d := New(1900, 1, 1); d.Year < 2300; d = d.AddDays(1) {
		check(d)
	}
	for _, d := range []Date{{1, 1, 1}, {9999, 12, 31}, {10000, 1, 1}, {-5, 3, 4}, {2026, 13, 40}, {2026, 100, 7},
		{2026, 1, 100}, {2026, -1, 5}, {2026, 2, -3}, {0, 0, 1}} {
		check(d)
	}
	if (Date{}).String() != "" || (Date{}).VN() != "" {
		t.Fatal("the zero date prints as text")
	}
}
