package jobs_test

import (
	"testing"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
)

func TestReminderJobsRegistered(t *testing.T) {
	// The scheduler and `tickler run` find jobs by name; each reminder job
	// is there under its config name, with templates in both languages.
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"course-reminders", "refresher-hours", "reappointments", "planning-review", "evaluation-season"} {
		job, err := jobs.Lookup(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if job.Name() != name {
			t.Errorf("Lookup(%q).Name() = %q", name, job.Name())
		}
		if _, ok := (&config.Config{}).Job(name); !ok {
			t.Errorf("%s has no schedule in config", name)
		}
		for _, lang := range []string{"vi", "en"} {
			if !tmpl.Has(name, lang) {
				t.Errorf("%s: no %s template", name, lang)
			}
		}
	}
}
