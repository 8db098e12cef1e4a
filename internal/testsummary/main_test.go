package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func events(t *testing.T, evs ...event) string {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		j, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// A failed test's own messages come again at the end, after a long log it
// printed, so that the tail of the summary says why it failed.
func TestFailureRecapAtTheEnd(t *testing.T) {
	const pkg = "example.com/p"
	evs := []event{
		{Action: "output", Package: pkg, Test: "TestA", Output: "=== RUN   TestA\n"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "    a_test.go:12: waiting for a run: timed out after 30s\n"},
		{Action: "output", Package: pkg, Test: "TestA", Output: "    daemon_test.go:74: log of tickler:\n"},
	}
	for i := 0; i < 200; i++ {
		evs = append(evs, event{Action: "output", Package: pkg, Test: "TestA", Output: "        time=... level=INFO msg=\"job ran\"\n"})
	}
	evs = append(evs,
		event{Action: "output", Package: pkg, Test: "TestA", Output: "--- FAIL: TestA (46.03s)\n"},
		event{Action: "fail", Package: pkg, Test: "TestA"},
		event{Action: "output", Package: pkg, Test: "TestB", Output: "    b_test.go:3: no PostgreSQL\n"},
		event{Action: "skip", Package: pkg, Test: "TestB"},
		event{Action: "pass", Package: pkg, Test: "TestC"},
		event{Action: "fail", Package: pkg},
	)
	var out strings.Builder
	if code := summarize(strings.NewReader(events(t, evs...)), &out); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	s := out.String()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	tail := strings.Join(lines[max(0, len(lines)-8):], "\n")
	for _, want := range []string{"a_test.go:12: waiting for a run: timed out after 30s", "--- FAIL: TestA", "1 tests passed, 1 failed, 1 skipped"} {
		if !strings.Contains(tail, want) {
			t.Errorf("the summary's last lines do not say %q:\n%s", want, tail)
		}
	}
	if strings.Contains(tail, "job ran") {
		t.Errorf("the recap repeats the log:\n%s", tail)
	}
	if !strings.Contains(s, "TestB: b_test.go:3: no PostgreSQL") {
		t.Errorf("the skipped test's reason is missing:\n%s", s)
	}
}

func TestAllPassed(t *testing.T) {
	const pkg = "example.com/p"
	var out strings.Builder
	code := summarize(strings.NewReader(events(t,
		event{Action: "pass", Package: pkg, Test: "TestC"},
		event{Action: "pass", Package: pkg, Elapsed: 0.5},
	)), &out)
	if code != 0 || !strings.Contains(out.String(), "1 tests passed, 0 skipped") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}

// A package that does not compile: the compiler's message is in the summary,
// and in its last lines, not only "[build failed]". (The events are those
// `go test -json` printed for such a package.)
func TestBuildFailureSaysWhy(t *testing.T) {
	in := `{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-output","Output":"# example.com/broken [example.com/broken.test]\n"}
{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-output","Output":"./b.go:3:23: undefined: undefinedThing\n"}
{"ImportPath":"example.com/broken [example.com/broken.test]","Action":"build-fail"}
{"Action":"start","Package":"example.com/broken"}
{"Action":"output","Package":"example.com/broken","Output":"FAIL\texample.com/broken [build failed]\n"}
{"Action":"fail","Package":"example.com/broken","Elapsed":0,"FailedBuild":"example.com/broken [example.com/broken.test]"}
`
	var out strings.Builder
	if code := summarize(strings.NewReader(in), &out); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	tail := strings.Join(lines[max(0, len(lines)-5):], "\n")
	if !strings.Contains(tail, "./b.go:3:23: undefined: undefinedThing") {
		t.Errorf("the compiler's message is not in the summary's last lines:\n%s", out.String())
	}
}
