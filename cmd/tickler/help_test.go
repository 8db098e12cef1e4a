package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/config"
)

// Asking for help is not an error: the usage goes to standard output, exit 0.
func TestHelpGoesToStdout(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}} {
		code, out, stderr := tickler(t, args...)
		if code != 0 || !strings.HasPrefix(out, "tickler: ") || !strings.Contains(out, "Usage: tickler [-config FILE] COMMAND") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}

// A command's help, asked either way, is its usage and flags on standard
// output; run's lists the jobs it can run.
func TestCommandHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "run"}, {"run", "-h"}, {"run", "--help"}} {
		code, out, stderr := tickler(t, args...)
		if code != 0 || !strings.HasPrefix(out, "Usage: tickler run JOB") || !strings.Contains(out, "-dry-run") || stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
		for _, job := range config.JobNames {
			if !regexp.MustCompile(`(?m)^  ` + job + `\b`).MatchString(out) {
				t.Errorf("%v does not list the job %s:\n%s", args, job, out)
			}
		}
	}
	for name := range commands {
		code, out, stderr := tickler(t, "help", name)
		if code != 0 || !strings.HasPrefix(out, "Usage: tickler "+name) || stderr != "" {
			t.Errorf("help %s: exit %d, stdout %q, stderr %q", name, code, out, stderr)
		}
	}
	code, _, stderr := tickler(t, "help", "frobnicate")
	if code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, %q", code, stderr)
	}
}

// usingIt returns the command summary of README.md's "Using it" section:
// the global flags, and each command's flags, by command.
func usingIt(t *testing.T) (global []string, byCommand map[string][]string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## Using it\n\n```\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal(`README.md has no "## Using it" section opening with a code block`)
	}
	byCommand = map[string][]string{}
	for _, line := range strings.Split(string(m[1]), "\n") {
		switch c := regexp.MustCompile(`^  ([a-z]+)\b`).FindStringSubmatch(line); {
		case strings.HasPrefix(line, "tickler "):
			global = flagsIn(line)
		case c != nil:
			byCommand[c[1]] = flagsIn(line)
		}
	}
	if len(global) == 0 || len(byCommand) < 8 {
		t.Fatalf("README.md's summary: global flags %v, commands %v", global, byCommand)
	}
	return global, byCommand
}

var flagRE = regexp.MustCompile(`(?:^|[\s\[])(-[a-z][a-z-]*)`)

func flagsIn(s string) []string {
	var out []string
	for _, m := range flagRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// The usage (tickler -h) names every command and flag that README.md's
// "Using it" lists, each flag on its command's line, and each command takes
// the flags the README gives it.
func TestUsageListsReadmeFlags(t *testing.T) {
	global, byCommand := usingIt(t)
	_, usage, _ := tickler(t, "-h")
	lines := strings.Split(usage, "\n")
	u := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "Usage: ") })
	if u < 0 {
		t.Fatalf("tickler -h prints no Usage: line:\n%s", usage)
	}
	for _, f := range global {
		if !slices.Contains(flagsIn(lines[u]), f) {
			t.Errorf("the usage line %q does not show the global flag %s", lines[u], f)
		}
	}
	for cmd, flags := range byCommand {
		i := slices.IndexFunc(lines, func(l string) bool { return l == "  "+cmd || strings.HasPrefix(l, "  "+cmd+" ") })
		if i < 0 {
			t.Errorf("the usage does not list the command %s", cmd)
			continue
		}
		have := flagsIn(lines[i])
		for _, f := range flags {
			if !slices.Contains(have, f) {
				t.Errorf("the usage of %s (%q) lacks %s, which README.md lists", cmd, lines[i], f)
			}
		}
		if cmd == "help" {
			continue
		}
		_, own, _ := tickler(t, cmd, "-h")
		synopsis, _, _ := strings.Cut(own, "\n")
		for _, f := range flags {
			if !regexp.MustCompile(`(?m)^  ` + f + `\b`).MatchString(own) {
				t.Errorf("tickler %s -h does not define %s, which README.md lists:\n%s", cmd, f, own)
			}
			if !slices.Contains(flagsIn(synopsis), f) {
				t.Errorf("tickler %s -h: %q lacks %s, which README.md lists", cmd, synopsis, f)
			}
		}
	}
	for name := range commands {
		if _, ok := byCommand[name]; !ok {
			t.Errorf("README.md's summary lacks the command %s", name)
		}
	}
}

// Without a configuration file, the error says where tickler looked and the
// two ways to name another: -config and TICKLER_CONFIG.
func TestNoConfigFile(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("TICKLER_CONFIG", "")
	os.Unsetenv("TICKLER_CONFIG")
	missing := filepath.Join(t.TempDir(), "none.yaml")
	for _, tc := range []struct {
		name string
		env  string
		args []string
		path string
	}{
		{"the default", "", []string{"check"}, "./tickler.yaml"},
		{"TICKLER_CONFIG", missing, []string{"check"}, missing},
		{"-config", "", []string{"-config", missing, "status"}, missing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("TICKLER_CONFIG", tc.env)
			}
			code, _, stderr := tickler(t, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			for _, want := range []string{tc.path, "-config", "TICKLER_CONFIG", "./tickler.yaml"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("%q does not name %s", stderr, want)
				}
			}
		})
	}
}

// A bad flag is reported once, as a usage error (exit 2).
func TestFlagErrorOnce(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--bogus"}, "tickler status: flag provided but not defined: -bogus"},
		{[]string{"--bogus", "status"}, "tickler: flag provided but not defined: -bogus"},
		{[]string{"run", "course-reminders", "-at"}, "tickler run: flag needs an argument: -at"},
	} {
		code, out, stderr := tickler(t, tc.args...)
		if code != 2 || out != "" || !strings.HasPrefix(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line %q", tc.args, code, out, stderr, tc.want)
		}
	}
}
