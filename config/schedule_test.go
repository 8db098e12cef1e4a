package config_test

import (
	"testing"

	"github.com/tickler-dev/tickler/config"
)

// cron accepts "@every 0s" and any interval below a second, and runs them
// every second; the configuration refuses them, and fractions of a second
// (cron would drop the fraction).
func TestEveryInterval(t *testing.T) {
	for _, tc := range []struct {
		every string
		want  string // "" = valid
	}{
		{"@every 0s", `test.yaml:3: jobs.course-reminders.schedule: "@every 0s": the interval must be at least 1s, in whole seconds (like @every 6h)`},
		{"@every -5m", `test.yaml:3: jobs.course-reminders.schedule: "@every -5m": the interval must be at least 1s, in whole seconds (like @every 6h)`},
		{"@every 500ms", `test.yaml:3: jobs.course-reminders.schedule: "@every 500ms": the interval must be at least 1s, in whole seconds (like @every 6h)`},
		{"@every 1500ms", `test.yaml:3: jobs.course-reminders.schedule: "@every 1500ms": the interval must be at least 1s, in whole seconds (like @every 6h)`},
		{"@every 1s", ""},
		{"@every 6h", ""},
		{"@every 1h30m", ""},
	} {
		t.Run(tc.every, func(t *testing.T) {
			_, err := config.Parse([]byte("jobs:\n  course-reminders:\n    schedule: \""+tc.every+"\"\n"), "test.yaml")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v\nwant  %s", err, tc.want)
			}
		})
	}
}
