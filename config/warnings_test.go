package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/config"
)

// A job that sends to a list with no address, or gives a role to a key that
// takes only lists and addresses, loses part of what it sends: AllWarnings
// says so, one line per job and key, naming what is lost.
func TestLostRecipients(t *testing.T) {
	t.Run("no lists at all", func(t *testing.T) {
		// packaging/docker.yaml before it had recipients: every default
		// job's HR part and the digest to leadership went nowhere.
		c, err := config.Parse([]byte("mail: {transport: outbox}\n"), "test.yaml")
		if err != nil {
			t.Fatal(err)
		}
		got := c.AllWarnings()
		for _, want := range []string{
			`test.yaml: jobs.course-reminders.data_to: list "hr" is not defined under recipients: data-to-fix items of this job reach nobody`,
			`test.yaml: jobs.refresher-hours.list_to: list "hr" is not defined under recipients: the list of everyone short of refresher hours reaches nobody`,
			`test.yaml: jobs.reappointments.to: list "hr" is not defined under recipients: this job's messages sent to it reach nobody`,
			`test.yaml: jobs.planning-review.to: list "hr" is not defined under recipients: this job's messages reach nobody`,
			`test.yaml: jobs.monthly-digest.to: list "leadership" is not defined under recipients: the agency's digest reaches nobody`,
			`test.yaml: jobs.monthly-digest.to: list "hr" is not defined under recipients: the agency's digest reaches nobody`,
			`test.yaml: jobs.delivery-failures.to: list "hr" is not defined under recipients: this job's messages reach nobody`,
		} {
			if !slices.Contains(got, want) {
				t.Errorf("AllWarnings lacks\n  %s\ngot:\n  %s", want, strings.Join(got, "\n  "))
			}
		}
		// Warnings keeps its one line per list.
		for _, w := range c.Warnings() {
			if !slices.Contains(got, w) {
				t.Errorf("AllWarnings lacks the Warnings line %q", w)
			}
		}
		for _, job := range config.JobNames {
			if !slices.ContainsFunc(got, func(w string) bool { return strings.Contains(w, "jobs."+job+".") }) {
				t.Errorf("no warning names jobs.%s, which sends to hr", job)
			}
		}
	})

	t.Run("an empty list, a role where lists go, a disabled job", func(t *testing.T) {
		c, err := config.Parse([]byte(`recipients:
  hr: []
  leadership: [lanhdao@example.vn]
jobs:
  course-reminders:
    data_to: [manager, hr]
  reappointments:
    data_to: [tochuc@example.vn]
  planning-review:
    enabled: false
  evaluation-season:
    data_to: [tochuc@example.vn]
  refresher-hours:
    list_to: [tochuc@example.vn]
    data_to: [tochuc@example.vn]
  delivery-failures:
    to: [tochuc@example.vn]
  monthly-digest:
    to: [leadership]
    cc: [unit_head]
`), "test.yaml")
		if err != nil {
			t.Fatal(err)
		}
		got := c.AllWarnings()
		want := []string{
			`test.yaml:2: recipients.hr: no address: what the jobs course-reminders, reappointments, evaluation-season send to this list reaches nobody`,
			// The default escalation tells HR after 8 weeks.
			`test.yaml:5: jobs.course-reminders.escalation[2].to: list "hr" has no address under recipients: this level of the escalation of overdue trainings reaches nobody`,
			`test.yaml:6: jobs.course-reminders.data_to: "manager" is a role, but data_to takes lists and addresses only: data-to-fix items of this job reach nobody`,
			`test.yaml:6: jobs.course-reminders.data_to: list "hr" has no address under recipients: data-to-fix items of this job reach nobody`,
			`test.yaml:7: jobs.reappointments.to: list "hr" has no address under recipients: this job's messages sent to it reach nobody`,
			`test.yaml:11: jobs.evaluation-season.to: list "hr" has no address under recipients: this job's messages sent to it reach nobody`,
			`test.yaml:20: jobs.monthly-digest.cc: "unit_head" is a role, but cc takes lists and addresses only: this job's copies reach nobody`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("AllWarnings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	})

	t.Run("every list filled", func(t *testing.T) {
		c, err := config.Parse([]byte("recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}\n"), "test.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got := c.AllWarnings(); len(got) != 0 {
			t.Errorf("AllWarnings = %q, want none", got)
		}
	})
}

// A secret file that others than its owner may read is a warning, as libpq
// warns of its key file: the owner alone (0600 or less), or root with the
// service's group reading it (0640, as the systemd setup installs them).
func TestSecretFileMode(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("secret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const msg = " has group or world access; permissions should be u=rw (0600) or less, or u=rw,g=r (0640) or less if owned by root"
	cases := []struct {
		mode os.FileMode
		warn bool
	}{
		{0o600, false},
		{0o400, false},
		{0o644, true}, // world-readable
		{0o660, true}, // group-writable
		{0o604, true},
		{0o640, os.Getuid() != 0}, // the file is the test's: fine only when that is root
	}
	for _, tc := range cases {
		t.Run(tc.mode.String(), func(t *testing.T) {
			pw := write("smtp-"+tc.mode.String(), tc.mode)
			dsn := write("dsn-"+tc.mode.String(), tc.mode)
			c, err := config.Parse([]byte(`database: {driver: postgres, dsn_file: `+dsn+`}
mail:
  smtp: {username: tickler, password_file: `+pw+`}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
`), "test.yaml")
			if err != nil {
				t.Fatal(err)
			}
			got := c.AllWarnings()
			var want []string
			if tc.warn {
				want = []string{
					"test.yaml:1: database.dsn_file: " + dsn + msg,
					"test.yaml:3: mail.smtp.password_file: " + pw + msg,
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("AllWarnings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if len(c.Warnings()) != 0 {
				t.Errorf("Warnings = %q: the file modes belong to AllWarnings only", c.Warnings())
			}
		})
	}
}
