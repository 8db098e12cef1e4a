package config_test

import (
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/config"
)

// The calendar section: its errors name the key and line; the default is
// Vietnam's calendar with every job on working days.
func TestCalendarConfig(t *testing.T) {
	for _, c := range []struct {
		name, yaml, want string
	}{
		// A date that is not one.
		{"bad date", "calendar:\n  holidays: [2027-02-30]\n", `t.yaml:2: calendar.holidays[0]: "2027-02-30" is not a date (YYYY-MM-DD)`},
		// DD/MM/YYYY is the import's, not the configuration's.
		{"local date", "calendar:\n  workdays: [20/02/2027]\n", `t.yaml:2: calendar.workdays[0]: "20/02/2027" is not a date (YYYY-MM-DD)`},
		// Another country's calendar is not built in.
		{"country", "calendar: {country: fr}\n", `t.yaml:1: calendar.country: "fr" is not one of vn, none`},
		// Days off of no calendar.
		{"none with dates", "calendar: {country: none, holidays: [2027-02-15]}\n", `t.yaml:1: calendar.country: none: there is no calendar`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Parse([]byte(c.yaml), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	cfg := config.Default()
	if cfg.Calendar.Days() == nil {
		t.Error("no calendar by default")
	}
	for _, name := range config.JobNames {
		if s, _ := cfg.Job(name); !s.OnWorkingDays() {
			t.Errorf("%s is not on working days by default", name)
		}
	}
}
