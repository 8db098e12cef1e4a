package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration written like "90s", "12h", "7d" or "1d12h".
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration with days where whole ("7d", "12h").
func (d Duration) String() string {
	t := time.Duration(d)
	if t != 0 && t%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", t/(24*time.Hour))
	}
	return t.String()
}

// ParseDuration reads a Go duration with an optional leading days part ("7d", "1d12h").
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (like 90s, 12h, 7d)", s)
		}
		days, s = n, s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		var err error
		rest, err = time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (like 90s, 12h, 7d)", s)
		}
	}
	d := time.Duration(days)*24*time.Hour + rest
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return Duration(d), nil
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

// Years and Months split the age.
func (a Age) Years() int  { return int(a) / 12 }
func (a Age) Months() int { return int(a) % 12 }

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
	y, _ := strconv.Atoi(m[1])
	mo := 0
	if m[2] != "" {
		mo, _ = strconv.Atoi(m[2])
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

// Secret is a string that is never printed: String, logs, JSON and YAML show
// "<secret>". Reveal returns the value.
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

// MarshalText hides the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue hides the value from slog.
func (s Secret) LogValue() string { return s.String() }
