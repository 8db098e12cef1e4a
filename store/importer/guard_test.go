package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// parsed is what encoding/csv reads from a text: each record's line and
// fields, and the error that stopped it.
type parsed struct {
	lines   []int
	records [][]string
	err     error
}

func parseCSV(r io.Reader, sep rune) parsed {
	cr := csv.NewReader(r)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	var p parsed
	for {
		rec, err := cr.Read()
		if err != nil {
			if err != io.EOF {
				p.err = err
			}
			return p
		}
		line, _ := cr.FieldPos(0)
		p.lines = append(p.lines, line)
		p.records = append(p.records, rec)
	}
}

// checkGuard reads text through a guard with small limits, a byte at a time
// (the worst case for its state across reads), and compares with encoding/csv
// on the text itself: the same records on the same lines, every value not cut
// the same, every value cut long and listed.
func checkGuard(t *testing.T, text string, sep byte, field, record int) {
	t.Helper()
	want := parseCSV(strings.NewReader(text), rune(sep))
	g := newCSVGuard(iotest.OneByteReader(strings.NewReader(text)), sep)
	g.maxField, g.maxRecord = field, record
	got := parseCSV(g, rune(sep))
	if want.err != nil && len(g.cut) > 0 {
		return // the mistake may be in a part cut, reported as too long
	}

	// Stopped at a long record: encoding/csv may report the part it got
	// as a mistake; the importer reports the guard's error.
	var long *rowTooLong
	if errors.As(g.err, &long) {
		n := len(got.records)
		if n > 0 && got.lines[n-1] == long.line {
			n-- // the record cut short by the error
		}
		if n > len(want.records) || !slices.Equal(got.lines[:n], want.lines[:n]) {
			t.Fatalf("%q: lines %v before the long row at %d, want %v", text, got.lines, long.line, want.lines)
		}
		return
	}
	switch {
	case got.err != nil && want.err == nil:
		t.Fatalf("%q: error %v, want none", text, got.err)
	case got.err == nil && want.err != nil && len(g.cut) == 0:
		t.Fatalf("%q: no error, want %v", text, want.err)
	}
	if !slices.Equal(got.lines, want.lines) || len(got.records) != len(want.records) {
		t.Fatalf("%q: records on lines %v, want %v", text, got.lines, want.lines)
	}
	for i, rec := range got.records {
		cut := g.cutIn(got.lines[i])
		if len(rec) != len(want.records[i]) {
			t.Fatalf("%q: line %d: %q, want %q", text, got.lines[i], rec, want.records[i])
		}
		for j, v := range rec {
			w := want.records[i][j]
			switch {
			case slices.Contains(cut, j):
				// The guard counts bytes as written, "" for a quote: a value
				// cut has at least half the limit.
				if 2*len(strings.ReplaceAll(w, "\n", "")) < field {
					t.Fatalf("%q: line %d field %d: %q cut, but it is short", text, got.lines[i], j, w)
				}
			case v != w:
				t.Fatalf("%q: line %d field %d: %q, want %q", text, got.lines[i], j, v, w)
			}
		}
	}
}

func TestCSVGuard(t *testing.T) {
	texts := []string{
		"a,b,c\n1,2,3\n",
		"a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\n\n4,5",
		"a,b\n\"multi\nline\nvalue\",2\nnext,3\n",
		"a,b\n\"" + strings.Repeat("long ", 10) + "\",short\n\"" + strings.Repeat("\"\"", 20) + "\",x\n",
		"a;b\nsemi;colons,inside\n",
		"a,b\n\"open quote never closed,2\n",
		"a,b\nbare \"quote\",2\n",
		"a,b\n\"closed\"trailing,2\n",
		"a,b\n\"ends in quote at EOF\"",
		"a,b\nViệt " + strings.Repeat("ễ", 20) + ",2\n",
		strings.Repeat(",", 100) + "\nx\n",
	}
	for _, text := range texts {
		sep := byte(',')
		if strings.HasPrefix(text, "a;") {
			sep = ';'
		}
		checkGuard(t, text, sep, 1<<20, 1<<20) // nothing cut: the text as it is
		checkGuard(t, text, sep, 8, 1<<20)
		checkGuard(t, text, sep, 8, 40)
	}
}

// The guard passes a text with nothing to cut unchanged.
func TestCSVGuardTransparent(t *testing.T) {
	text := "code,full_name\n\"S1\",\"Võ \"\"Chín\"\"\nline 2\"\r\nS2,x\n"
	b, err := io.ReadAll(newCSVGuard(iotest.HalfReader(strings.NewReader(text)), ','))
	if err != nil || !bytes.Equal(b, []byte(text)) {
		t.Errorf("read %q, %v; want the text", b, err)
	}
}

func FuzzCSVGuard(f *testing.F) {
	f.Add("a,b\n\"x\"\"y\nz\",2\n", 4, 30)
	f.Add("a,b\nlong value here,\"quoted long value\"\n", 3, 200)
	f.Fuzz(func(t *testing.T, text string, field, record int) {
		// A limit of 1 may keep only a "\r" of a row, which encoding/csv
		// then drops with the row; the real limit keeps 64 KiB.
		if field < 2 || field > 64 || record < 1 || record > 256 || len(text) > 2000 {
			t.Skip()
		}
		checkGuard(t, text, ',', field, record)
	})
}

// The guard reads a province's training.csv (270 MB) in about a second.
func BenchmarkCSVGuard(b *testing.B) {
	row := "S0012345,QLNN-CVC,2024-03-01,completed,2025-03-01,\"Bồi dưỡng, \"\"khóa 2\"\"\",40\n"
	text := []byte(strings.Repeat(row, (1<<20)/len(row)))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		n, err := io.Copy(io.Discard, newCSVGuard(bytes.NewReader(text), ','))
		if err != nil || n != int64(len(text)) {
			b.Fatal(n, err)
		}
	}
}
