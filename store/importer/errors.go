package importer

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with the files of an import: a bad value, an
// unknown reference, a duplicate key, or a file that cannot be read.
type Problem struct {
	File   string // the path as given, or "book.xlsx[sheet]"
	Row    int    // 1-based line or row in the file (the header is row 1); 0 for the whole file
	Column string // the column, if the problem is in one
	Msg    string

	first bool // a file or header problem, listed before row problems (it may cause them)
	order int  // of the file, so problems list file by file
	col   int  // of the column in its kind, so a row's problems list in column order
}

// String formats p as "file:row: column: problem".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Row > 0 {
		fmt.Fprintf(&b, ":%d", p.Row)
	}
	b.WriteString(": ")
	if p.Column != "" {
		b.WriteString(p.Column)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is a failed import: every problem found, and nothing written. Its
// message lists the problems one per line, up to Limit of them.
type Error struct {
	Problems []Problem
	Limit    int // lines listed before "… and N more problems"; 0 lists all
}

// Error returns the problems, one per line.
func (e *Error) Error() string {
	shown := e.Problems
	if e.Limit > 0 && len(shown) > e.Limit {
		shown = shown[:e.Limit]
	}
	lines := make([]string, len(shown), len(shown)+1)
	for i, p := range shown {
		lines[i] = p.String()
	}
	if more := len(e.Problems) - len(shown); more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more problems", more))
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems: those of whole files and headers first, then
// by file, row and column, keeping the order they were found in otherwise.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.first != b.first {
			return a.first
		}
		if a.order != b.order {
			return a.order < b.order
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.col < b.col
	})
}
