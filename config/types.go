package config

import (
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written like "90s", "12h", "7d" or "1d12h".
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration with a days part where it has one and without
// zero units: "7d", "1d12h", "12h", "1m30s". ParseDuration reads it back.
func (d Duration) String() string {
	t := time.Duration(d)
	if t == 0 {
		return "0s"
	}
	var b strings.Builder
	if t < 0 {
		b.WriteByte('-')
		t = -t
	}
	if days := t / (24 * time.Hour); days > 0 {
		fmt.Fprintf(&b, "%dd", days)
		t -= days * 24 * time.Hour
	}
	if t == 0 {
		return b.String()
	}
	// time.Duration.String writes "12h0m0s"; drop the zero units at the end.
	s := t.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	b.WriteString(s)
	return b.String()
}

// maxDays keeps the days part of a duration far from overflowing time.Duration.
const maxDays = 36500

// ParseDuration reads a Go duration with an optional leading days part ("7d",
// "1d12h", "90s"). Negative durations are an error.
func ParseDuration(s string) (Duration, error) {
	in := strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration (like 90s, 12h, 7d or 1d12h)", in)
	if in == "" {
		return 0, bad
	}
	if in[0] == '-' {
		return 0, fmt.Errorf("duration %q is negative", in)
	}
	rest := in
	var days uint64
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 64) // refuses "", "+1", "1.5"
		if err != nil {
			return 0, bad
		}
		if n > maxDays {
			return 0, fmt.Errorf("duration %q is too long", in)
		}
		days, rest = n, rest[i+1:]
		if rest != "" && (rest[0] == '-' || rest[0] == '+') {
			return 0, bad // "1d-12h"
		}
	}
	var t time.Duration
	if rest != "" {
		var err error
		if t, err = time.ParseDuration(rest); err != nil {
			return 0, bad
		}
	}
	return Duration(time.Duration(days)*24*time.Hour + t), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Age is an age in whole months, written "60y3m", "62y" or "55y4m".
type Age int

// Years returns the whole years of the age: 60 for 60y3m.
func (a Age) Years() int { return int(a) / 12 }

// Months returns the months beyond the whole years: 3 for 60y3m.
func (a Age) Months() int { return int(a) % 12 }

// String writes the age as ParseAge reads it: "60y3m", "62y".
func (a Age) String() string {
	if a.Months() == 0 {
		return fmt.Sprintf("%dy", a.Years())
	}
	return fmt.Sprintf("%dy%dm", a.Years(), a.Months())
}

var ageRE = regexp.MustCompile(`^\s*(\d+)\s*y(?:\s*(\d+)\s*m)?\s*$`)

// ParseAge reads "60y3m" or "62y".
func ParseAge(s string) (Age, error) {
	m := ageRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not an age (like 60y3m or 62y)", s)
	}
	y, err := strconv.Atoi(m[1])
	if err != nil || y > 150 {
		return 0, fmt.Errorf("%q is not an age (like 60y3m or 62y)", s)
	}
	mo := 0
	if m[2] != "" {
		mo, _ = strconv.Atoi(m[2]) // at most a few digits: the regexp matched
	}
	if mo > 11 {
		return 0, fmt.Errorf("%q: months must be 0 to 11", s)
	}
	return Age(y*12 + mo), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (a *Age) UnmarshalText(b []byte) error {
	v, err := ParseAge(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (a Age) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Secret is a string that is never printed: String, %#v, logs, JSON and YAML
// show "<secret>". Reveal returns the value.
type Secret string

// Reveal returns the secret value, for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<secret>"
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// MarshalText hides the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MonthDay reads a yearly date written MM-DD ("09-01", "12-15"). February 29
// is refused: it does not occur every year.
func MonthDay(s string) (time.Month, int, error) {
	bad := fmt.Errorf("%q is not a month-day like 09-01 (MM-DD)", s)
	if len(s) != 5 || s[2] != '-' {
		return 0, 0, bad
	}
	m, err1 := strconv.Atoi(s[:2])
	d, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' {
		return 0, 0, bad
	}
	if m < 1 || m > 12 {
		return 0, 0, fmt.Errorf("%q: month must be 01 to 12", s)
	}
	if m == 2 && d == 29 {
		return 0, 0, fmt.Errorf("%q does not occur every year; use 02-28 or 03-01", s)
	}
	// 2001 is not a leap year: its month lengths are the ones every year has.
	last := time.Date(2001, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d < 1 || d > last {
		return 0, 0, fmt.Errorf("%q: day must be 01 to %02d", s, last)
	}
	return time.Month(m), d, nil
}
