package importer

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// Bounds of a CSV file as it is read. encoding/csv holds a whole record in
// memory, however long: a value of 300 MB, or a file of NUL bytes with no
// line break, would be read whole. csvGuard keeps what reaches it small.
const (
	// maxField is where a value is cut. Every column allows far fewer
	// characters (at most 255, 1,020 bytes; a value cut has at least half of
	// maxField, "" standing for one quote), so a value cut is too long
	// whatever its column.
	maxField = 16 << 10
	// maxRecord is the most a row may have after its values are cut: a row
	// of records has a few KiB (Excel's 16,384 columns, empty, are 16 KiB);
	// 256 KiB also leaves room for a dozen values cut, each reported.
	maxRecord = 256 << 10
)

// rowTooLong stops the reading of a file at a row longer than maxRecord.
type rowTooLong struct{ line int }

func (e *rowTooLong) Error() string {
	return fmt.Sprintf("a row longer than %d KiB: the rest of the file was not read", maxRecord>>10)
}

// cutField is a value csvGuard cut: field (0-based) of the record that starts
// on line.
type cutField struct{ line, field int }

// csvGuard passes CSV text through, following its fields and records as
// encoding/csv reads them (the separator, values in quotes with "" for a
// quote and line breaks inside): it cuts a value at maxField bytes (at a
// character's start; line breaks inside quotes are kept, so lines count as in
// the file) and lists it in cut, and it fails with *rowTooLong at a record of
// more than maxRecord bytes.
type csvGuard struct {
	r   io.Reader
	sep byte
	// maxField and maxRecord are the constants, smaller in tests.
	maxField, maxRecord int
	in                  []byte
	out                 []byte // passed on, from off
	off                 int
	err                 error // of r, or *rowTooLong; returned once out is read

	state    int
	line     int // of the next byte, from 1
	recLine  int // where the current record starts
	fieldNo  int
	field    int  // bytes of the current value so far
	record   int  // bytes of the current record passed on
	dropping bool // the current value is being cut
	cut      []cutField
}

const (
	fieldStart = iota
	unquoted
	quoted
	quoteInQuoted // after a quote inside quotes: the first of "" or the end of the value
)

func newCSVGuard(r io.Reader, sep byte) *csvGuard {
	return &csvGuard{r: r, sep: sep, maxField: maxField, maxRecord: maxRecord, in: make([]byte, 64<<10), line: 1, recLine: 1}
}

func (g *csvGuard) Read(p []byte) (int, error) {
	for g.off == len(g.out) {
		if g.err != nil {
			return 0, g.err
		}
		n, err := g.r.Read(g.in)
		g.out, g.off = g.out[:0], 0
		g.filter(g.in[:n])
		if err == io.EOF && g.state == quoteInQuoted {
			g.emit('"') // the value's closing quote, last in the file
			g.state = unquoted
		}
		if err != nil && g.err == nil {
			g.err = err
		}
	}
	n := copy(p, g.out[g.off:])
	g.off += n
	return n, nil
}

// filter passes on what it keeps of in.
func (g *csvGuard) filter(in []byte) {
	for i := 0; i < len(in); i++ {
		if g.err != nil {
			return
		}
		if (g.state == quoted || g.state == unquoted) && !g.dropping {
			// A run of a value's bytes that are not quotes, separators or
			// line breaks, passed on at once while within the limits.
			j := i
			for j < len(in) && in[j] != '"' && in[j] != '\n' && in[j] != g.sep {
				j++
			}
			if n := j - i; n > 0 && g.field+n <= g.maxField && g.record+n <= g.maxRecord {
				g.out = append(g.out, in[i:j]...)
				g.field += n
				g.record += n
				if i = j; i == len(in) {
					return
				}
			}
		}
		c := in[i]
		if g.state == quoteInQuoted {
			if c == '"' { // "": a quote in the value
				g.state = quoted
				g.content('"', 2)
				continue
			}
			g.emit('"') // the closing quote
			g.state = unquoted
		}
		switch {
		case g.state == quoted:
			switch c {
			case '"':
				g.state = quoteInQuoted // passed on with the next byte
			case '\n':
				g.line++
				g.emit(c) // kept even in a value cut: lines count as in the file
			default:
				g.content(c, 1)
			}
		case c == g.sep:
			g.emit(c)
			g.state, g.fieldNo, g.field, g.dropping = fieldStart, g.fieldNo+1, 0, false
		case c == '\n':
			g.emit(c)
			g.line++
			g.state, g.fieldNo, g.field, g.dropping = fieldStart, 0, 0, false
			g.recLine, g.record = g.line, 0
		case g.state == fieldStart && c == '"':
			g.emit(c)
			g.state = quoted
		default:
			g.state = unquoted
			g.content(c, 1)
		}
	}
}

// content passes on n copies of a byte of a value (2 for the "" of a quote),
// or drops them once the value is over maxField bytes. The cut starts at a
// character's first byte, so the part kept is whole characters.
func (g *csvGuard) content(c byte, n int) {
	g.field += n
	if !g.dropping && g.field > g.maxField && utf8.RuneStart(c) {
		g.dropping = true
		g.cut = append(g.cut, cutField{g.recLine, g.fieldNo})
	}
	for ; !g.dropping && n > 0; n-- {
		g.emit(c)
	}
}

func (g *csvGuard) emit(c byte) {
	g.record++
	if g.record > g.maxRecord {
		if g.err == nil {
			g.err = &rowTooLong{g.recLine}
		}
		return
	}
	g.out = append(g.out, c)
}

// cutIn removes from the list and returns the fields cut in the record that
// starts on line (records are read in order).
func (g *csvGuard) cutIn(line int) []int {
	var fields []int
	for len(g.cut) > 0 && g.cut[0].line <= line {
		if g.cut[0].line == line {
			fields = append(fields, g.cut[0].field)
		}
		g.cut = g.cut[1:]
	}
	return fields
}
