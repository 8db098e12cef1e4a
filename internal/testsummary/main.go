// Command testsummary reads `go test -json` on stdin and prints what a person
// wants from a test run: each package's result, the output of failed tests,
// and every skipped test with the reason it gave. It exits 1 if anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// said returns the first line of each message a test logged or failed with
// ("    x_test.go:12: ...", or a compiler's "web/lists.go:50:19: ..."), at most
// 20, the last ones if more, and the
// "--- FAIL" lines.
func said(lines []string) []string {
	var out []string
	for _, l := range lines {
		t := strings.TrimLeft(l, " ")
		if strings.HasPrefix(t, "--- FAIL") || fileLine.MatchString(t) {
			out = append(out, l)
		}
	}
	if len(out) > 20 {
		out = out[len(out)-20:]
	}
	return out
}

var fileLine = regexp.MustCompile(`^[\w./-]+\.go:\d+(:\d+)?: `)

type event struct {
	Action      string
	Package     string
	Test        string
	Output      string
	Elapsed     float64
	ImportPath  string // build events (build-output, build-fail)
	FailedBuild string // a package's fail: the package whose build failed
}

func main() { os.Exit(summarize(os.Stdin, os.Stdout)) }

// summarize reads the events from r, writes the summary to w and returns the
// exit code.
func summarize(r io.Reader, w io.Writer) int {
	output := map[string][]string{} // package/test → output lines
	build := map[string][]string{}  // package ID → the build's output
	var failed, skipped []string
	pkgs := map[string]string{}
	var order []string
	passed := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(w, sc.Text()) // build errors come as plain text
			continue
		}
		id := e.Package + " " + e.Test
		switch e.Action {
		case "build-output":
			build[e.ImportPath] = append(build[e.ImportPath], e.Output)
		case "output":
			output[id] = append(output[id], e.Output)
		case "pass":
			if e.Test == "" {
				pkgs[e.Package] = fmt.Sprintf("ok    %s (%.1fs)", e.Package, e.Elapsed)
				order = append(order, e.Package)
			} else {
				passed++
			}
		case "fail":
			if e.Test == "" {
				pkgs[e.Package] = fmt.Sprintf("FAIL  %s (%.1fs)", e.Package, e.Elapsed)
				order = append(order, e.Package)
				if e.FailedBuild != "" {
					// The compiler's words, where the package's own output
					// says only "[build failed]".
					output[id] = append(output[id], build[e.FailedBuild]...)
				}
				if len(output[id]) > 0 {
					failed = append(failed, id)
				}
			} else {
				failed = append(failed, id)
			}
		case "skip":
			if e.Test == "" {
				pkgs[e.Package] = fmt.Sprintf("-     %s (no tests)", e.Package)
				order = append(order, e.Package)
				continue
			}
			reason := ""
			for _, l := range output[id] {
				l = strings.TrimSpace(l)
				if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "===") || l == "" {
					continue
				}
				reason = l
			}
			skipped = append(skipped, fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason))
		}
	}
	for _, p := range order {
		fmt.Fprintln(w, pkgs[p])
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		fmt.Fprintf(w, "\nSKIPPED (%d):\n", len(skipped))
		for _, s := range skipped {
			fmt.Fprintln(w, "  "+s)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\nFAILED (%d):\n", len(failed))
		for _, f := range failed {
			fmt.Fprintf(w, "--- %s\n%s\n", f, strings.Join(output[f], ""))
		}
		// A recap of what each failed test said, last: a long output (a
		// daemon's log) can push the failure's own lines out of a tail.
		fmt.Fprintf(w, "\nFAILED, what the tests said:\n")
		for _, f := range failed {
			fmt.Fprintf(w, "--- %s\n", f)
			for _, l := range said(output[f]) {
				fmt.Fprint(w, l)
			}
		}
		fmt.Fprintf(w, "\n%d tests passed, %d failed, %d skipped\n", passed, len(failed), len(skipped))
		return 1
	}
	fmt.Fprintf(w, "\n%d tests passed, %d skipped\n", passed, len(skipped))
	for _, p := range order {
		if strings.HasPrefix(pkgs[p], "FAIL") {
			return 1
		}
	}
	return 0
}
