package config_test

import (
	"testing"
	"time"

	"github.com/tickler-dev/tickler/config"
)

// TestParseDuration reads Go durations with an optional days part.
func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "90s", want: 90 * time.Second},
		{in: "2m", want: 2 * time.Minute},
		{in: "0s", want: 0},
		{in: " 12h ", want: 12 * time.Hour},
		// A bare number has no unit: ambiguous, refused.
		{in: "30", err: true},
		{in: "7 days", err: true},
		{in: "1.5d", err: true},
		{in: "d", err: true},
		{in: "", err: true},
		// Negative durations make no sense for any key.
		{in: "-1d", err: true},
		{in: "-5s", err: true},
		{in: "1d-12h", err: true},
		// Far beyond any sensible window, and near overflow.
		{in: "9999999d", err: true},
	}
	for _, tt := range tests {
		got, err := config.ParseDuration(tt.in)
		if (err != nil) != tt.err || (err == nil && got.D() != tt.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", tt.in, got.D(), err, tt.want, tt.err)
		}
	}
}

// TestDurationString writes what ParseDuration reads back.
func TestDurationString(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{7 * 24 * time.Hour, "7d"},
		{36 * time.Hour, "1d12h"},
		{12 * time.Hour, "12h"},
		{90 * time.Second, "1m30s"},
		{90 * time.Minute, "1h30m"},
		{24*time.Hour + time.Second, "1d1s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		got := config.Duration(tt.d).String()
		if got != tt.want {
			t.Errorf("Duration(%v).String() = %q, want %q", tt.d, got, tt.want)
		}
		back, err := config.ParseDuration(got)
		if err != nil || back.D() != tt.d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", got, back.D(), err, tt.d)
		}
	}
}

// TestParseAge reads ages in years and months.
func TestParseAge(t *testing.T) {
	tests := []struct {
		in     string
		years  int
		months int
		err    bool
	}{
		{in: "60y3m", years: 60, months: 3},
		{in: "62y", years: 62},
		{in: "55y4m", years: 55, months: 4},
		{in: "60y 3m", years: 60, months: 3},
		// 12 months is a year: write 61y.
		{in: "60y12m", err: true},
		{in: "60", err: true},
		{in: "3m", err: true},
		{in: "sixty", err: true},
	}
	for _, tt := range tests {
		a, err := config.ParseAge(tt.in)
		if (err != nil) != tt.err || (err == nil && (a.Years() != tt.years || a.Months() != tt.months)) {
			t.Errorf("ParseAge(%q) = %v, %v; want %dy%dm, error %v", tt.in, a, err, tt.years, tt.months, tt.err)
		}
	}
	if s := config.Age(60*12 + 3).String(); s != "60y3m" {
		t.Errorf("Age.String() = %q, want 60y3m", s)
	}
}

// TestMonthDay reads the yearly MM-DD dates.
func TestMonthDay(t *testing.T) {
	tests := []struct {
		in    string
		month time.Month
		day   int
		err   bool
	}{
		{in: "09-01", month: time.September, day: 1},
		{in: "12-15", month: time.December, day: 15},
		{in: "02-28", month: time.February, day: 28},
		// Not every year has a 29 February.
		{in: "02-29", err: true},
		{in: "04-31", err: true},
		{in: "13-01", err: true},
		{in: "00-10", err: true},
		{in: "12-00", err: true},
		// The format is strict: two digits each.
		{in: "9-1", err: true},
		{in: "15-12", err: true},
		{in: "12/15", err: true},
		{in: "-1-01", err: true},
	}
	for _, tt := range tests {
		m, d, err := config.MonthDay(tt.in)
		if (err != nil) != tt.err || (err == nil && (m != tt.month || d != tt.day)) {
			t.Errorf("MonthDay(%q) = %v %d, %v; want %v %d, error %v", tt.in, m, d, err, tt.month, tt.day, tt.err)
		}
	}
}
