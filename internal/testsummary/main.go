// Command testsummary reads `go test -json` on stdin and prints what a person
// wants from a test run: each package's result, the output of failed tests,
// and every skipped test with the reason it gave. It exits 1 if anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	output := map[string][]string{} // package/test → output lines
	var failed, skipped []string
	pkgs := map[string]string{}
	var order []string
	passed := 0
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build errors come as plain text
			continue
		}
		id := e.Package + " " + e.Test
		switch e.Action {
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
		fmt.Println(pkgs[p])
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		fmt.Printf("\nSKIPPED (%d):\n", len(skipped))
		for _, s := range skipped {
			fmt.Println("  " + s)
		}
	}
	if len(failed) > 0 {
		fmt.Printf("\nFAILED (%d):\n", len(failed))
		for _, f := range failed {
			fmt.Printf("--- %s\n%s\n", f, strings.Join(output[f], ""))
		}
		fmt.Printf("\n%d tests passed, %d failed, %d skipped\n", passed, len(failed), len(skipped))
		os.Exit(1)
	}
	fmt.Printf("\n%d tests passed, %d skipped\n", passed, len(skipped))
	for _, p := range order {
		if strings.HasPrefix(pkgs[p], "FAIL") {
			os.Exit(1)
		}
	}
}
