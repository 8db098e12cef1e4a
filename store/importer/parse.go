package importer

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/mailaddr"
)

// source is one CSV file or XLSX sheet being read.
type source struct {
	name    string // "dir/staff.csv" or "book.xlsx[staff]"
	order   int
	kind    *kind
	present []bool // per column of kind: the file has it
}

// record is one parsed row. vals holds, per column of its kind, nil (empty) or
// a string, civil.Date, float64 or int64.
type record struct {
	src  *source
	row  int
	vals []any
}

func (r *record) at() string { return fmt.Sprintf("%s:%d", r.src.name, r.row) }

func (r *record) str(i int) string {
	s, _ := r.vals[i].(string)
	return s
}

func (r *record) date(i int) civil.Date {
	d, _ := r.vals[i].(civil.Date)
	return d
}

// noHeader marks a column whose header cell is empty.
const noHeader = -2

// header maps the cells of a header row to the columns of the source's kind:
// colmap[i] is the kind column of cell i, noHeader for an empty header cell,
// or -1 for an unknown or repeated column. It reports those, and missing
// required columns; the rows are read all the same, so their keys still count.
func (imp *importer) header(src *source, row int, cells []string) (colmap []int) {
	k := src.kind
	colmap = make([]int, len(cells))
	seen := make([]int, len(k.cols)) // cell index + 1
	src.present = make([]bool, len(k.cols))
	for i, cell := range cells {
		colmap[i] = -1
		if strings.TrimSpace(cell) == "" {
			colmap[i] = noHeader
			continue
		}
		c, known := k.byName[fold(cell)]
		if !known {
			imp.headerProblem(src, row, -1, clip(strings.TrimSpace(cell)), fmt.Sprintf("unknown column (%s has %s)", k.name, k.colNames()))
			continue
		}
		if seen[c] > 0 {
			imp.headerProblem(src, row, c, k.cols[c].name, fmt.Sprintf("column given twice (columns %d and %d)", seen[c], i+1))
			continue
		}
		seen[c] = i + 1
		colmap[i] = c
		src.present[c] = true
	}
	for c, col := range k.cols {
		if col.required && seen[c] == 0 {
			imp.headerProblem(src, row, c, col.name, "missing required column")
			if col.key {
				imp.unread[k] = true // its rows have no keys: references to them cannot be checked
			}
		}
	}
	return colmap
}

// clip shortens a value for a message.
func clip(s string) string {
	const most = 100
	if len(s) <= most {
		return s
	}
	for i := range s {
		if i >= most {
			return s[:i] + "…"
		}
	}
	return s
}

// row parses one data row of src into a record and adds it to the import. cut
// lists the cells the reader cut short, too long for any column.
func (imp *importer) row(src *source, colmap []int, row int, cells []string, cut []int) {
	empty := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		return
	}
	k := src.kind
	for i := len(colmap); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			imp.problem(src, row, -1, "", fmt.Sprintf("value %q in column %d, but the header has %d columns", clip(strings.TrimSpace(cells[i])), i+1, len(colmap)))
			break
		}
	}
	r := &record{src: src, row: row, vals: make([]any, len(k.cols))}
	for i, c := range colmap {
		if i >= len(cells) {
			break
		}
		if c == noHeader && strings.TrimSpace(cells[i]) != "" {
			imp.problem(src, row, -1, "", fmt.Sprintf("value %q in column %d, which has no header", clip(strings.TrimSpace(cells[i])), i+1))
		}
		if c < 0 {
			continue
		}
		if slices.Contains(cut, i) {
			imp.problem(src, row, c, k.cols[c].name, tooLong(k.cols[c]).Error())
			continue
		}
		v, err := imp.parseValue(k.cols[c], cells[i])
		if err != nil {
			imp.problem(src, row, c, k.cols[c].name, err.Error())
			continue
		}
		r.vals[c] = v
	}
	for c, col := range k.cols {
		if col.required && r.vals[c] == nil && src.present[c] && !imp.hasProblem(src, row, c) {
			imp.problem(src, row, c, col.name, "required, but empty")
		}
	}
	if k.check != nil {
		k.check(imp, r)
	}
	imp.add(r)
}

// tooLong is the problem of a value over its column's max.
func tooLong(c column) error { return fmt.Errorf("longer than %d characters", c.max) }

// parseValue reads one cell as the column's type; empty is nil.
func (imp *importer) parseValue(c column, cell string) (any, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return nil, nil
	}
	if len(s) > c.max && utf8.RuneCountInString(s) > c.max {
		return nil, tooLong(c)
	}
	switch c.typ {
	case tText, tLevel:
		return s, nil
	case tCode:
		// The same few labels fill a column: parse each once.
		seen := imp.codeCache[c.set]
		if seen == nil {
			seen = map[string]string{}
			imp.codeCache[c.set] = seen
		}
		code, ok := seen[s]
		if !ok {
			code, ok = c.set.Parse(s)
			if ok {
				seen[s] = code
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown value %q (want %s, or the Vietnamese label)", s, c.set.Allowed())
		}
		return code, nil
	case tDate:
		return parseDate(s, "YYYY-MM-DD or DD/MM/YYYY")
	case tBirthDate:
		if len(s) == 4 {
			if y, err := strconv.Atoi(s); err == nil && y > 0 {
				return inRange(civil.New(y, 1, 1)) // only the year known: 1 January (docs/domain.md)
			}
		}
		return parseDate(s, "YYYY-MM-DD, DD/MM/YYYY or a year YYYY")
	case tNumber:
		f, err := parseNumber(s)
		if err != nil {
			return nil, err
		}
		if f < 0 {
			return nil, fmt.Errorf("%s is negative", s)
		}
		return f, nil
	case tInt:
		f, err := parseNumber(s)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
			return nil, fmt.Errorf("%q is not a whole number", s)
		}
		if f < 0 {
			return nil, fmt.Errorf("%s is negative", s)
		}
		return int64(f), nil
	case tEmail:
		a, err := mailaddr.Normalize(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an email address%s", s, mailaddr.Why(err))
		}
		return a, nil
	case tPeriod:
		return parsePeriod(s)
	}
	panic("importer: unknown value type")
}

// The years a date may have (and an evaluation's year): beyond them it is a
// typing mistake, 9995 for 1995, and a date from it may not read back from
// the database (an appointment in 9995 ends in 10000).
const minYear, maxYear = 1900, 2200

// parseDate reads YYYY-MM-DD or DD/MM/YYYY (the formats civil.Parse takes), a
// real date within minYear and maxYear; want names the formats for the error.
func parseDate(s, want string) (civil.Date, error) {
	d, err := civil.Parse(s)
	if err != nil {
		if dateShaped(s) {
			return civil.Date{}, fmt.Errorf("%q is not a real date", s) // 31/02/2024, 2024-13-01
		}
		return civil.Date{}, fmt.Errorf("%q is not a date (want %s)", s, want)
	}
	return inRange(d)
}

func inRange(d civil.Date) (civil.Date, error) {
	if d.Year < minYear || d.Year > maxYear {
		return civil.Date{}, fmt.Errorf("%s is outside %d–%d", d, minYear, maxYear)
	}
	return d, nil
}

// dateShaped reports whether s has the shape of a date civil.Parse reads,
// YYYY-M-D or D/M/YYYY in digits, whatever the numbers.
func dateShaped(s string) bool {
	sep, year := "-", 0
	if strings.Contains(s, "/") {
		sep, year = "/", 2
	}
	parts := strings.Split(s, sep)
	if len(parts) != 3 || len(parts[year]) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// parseNumber reads "1.5" or "1,5" (a Vietnamese or French Excel writes a
// decimal comma).
func parseNumber(s string) (float64, error) {
	t := s
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return f, nil
}

// parsePeriod reads a planning period "2026-2031" (also with an en dash or
// spaces) and writes it as "2026-2031", so the key compares equal.
func parsePeriod(s string) (string, error) {
	bad := fmt.Errorf("%q is not a period (want YYYY-YYYY, e.g. 2026-2031)", s)
	a, b, ok := strings.Cut(strings.NewReplacer("–", "-", "—", "-").Replace(s), "-")
	if !ok {
		return "", bad
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	y1, err1 := strconv.Atoi(a)
	y2, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || len(a) != 4 || len(b) != 4 || y2 <= y1 {
		return "", bad
	}
	return a + "-" + b, nil
}

// Rules across the columns of one row, and defaults. A rule is skipped when a
// value it needs is missing or bad (that is reported already).

func checkStaff(imp *importer, r *record) {
	k := r.src.kind
	code, mgr := k.col("code"), k.col("manager_code")
	if r.str(mgr) != "" && r.str(mgr) == r.str(code) {
		imp.problemAt(r, mgr, "a person cannot be their own manager")
	}
	hired, left := k.col("hired_on"), k.col("left_on")
	if h, l := r.date(hired), r.date(left); !h.IsZero() && !l.IsZero() && l.Before(h) {
		imp.problemAt(r, left, fmt.Sprintf("%s is before hired_on %s", l, h))
	}
}

// checkLevel reads a course's or target's level against its category: the
// education it grants (degree), the political-theory level (political_theory)
// or the rank of the programme (state_management); other categories have none.
func checkLevel(imp *importer, r *record) {
	k := r.src.kind
	cat, lvl := k.col("category"), k.col("level")
	text := r.str(lvl)
	category := r.str(cat)
	if text == "" || category == "" {
		return
	}
	var set *codes.Set
	switch category {
	case "degree":
		set = &codes.Education
	case "political_theory":
		set = &codes.PoliticalTheory
	case "state_management":
		set = &codes.Rank
	default:
		imp.problemAt(r, lvl, fmt.Sprintf("must be empty for category %s (a level is for degree, political_theory and state_management)", category))
		r.vals[lvl] = nil
		return
	}
	code, ok := set.Parse(text)
	if !ok {
		imp.problemAt(r, lvl, fmt.Sprintf("unknown %s level %q (want %s, or the Vietnamese label)", category, text, set.Allowed()))
		r.vals[lvl] = nil
		return
	}
	r.vals[lvl] = code
}

func checkTraining(imp *importer, r *record) {
	k := r.src.kind
	start, due, done := k.col("start_on"), k.col("due_on"), k.col("completed_on")
	s := r.date(start)
	if r.str(k.col("status")) == "completed" && r.vals[done] == nil && !imp.hasProblem(r.src, r.row, done) {
		imp.problemAt(r, done, "required when status is completed")
	}
	if d := r.date(done); !s.IsZero() && !d.IsZero() && d.Before(s) {
		imp.problemAt(r, done, fmt.Sprintf("%s is before start_on %s", d, s))
	}
	if d := r.date(due); !s.IsZero() && !d.IsZero() && d.Before(s) {
		imp.problemAt(r, due, fmt.Sprintf("%s is before start_on %s", d, s))
	}
}

func checkAppointment(imp *importer, r *record) {
	k := r.src.kind
	start, end, ended := k.col("start_on"), k.col("end_on"), k.col("ended_on")
	s := r.date(start)
	if s.IsZero() {
		return
	}
	if r.vals[end] == nil && !imp.hasProblem(r.src, r.row, end) {
		r.vals[end] = s.AddYears(imp.opt.TermYears) // docs/domain.md: end = start + term_years
	}
	if e := r.date(end); !e.IsZero() && !e.After(s) {
		imp.problemAt(r, end, fmt.Sprintf("%s is not after start_on %s", e, s))
	}
	if e := r.date(ended); !e.IsZero() && e.Before(s) {
		imp.problemAt(r, ended, fmt.Sprintf("%s is before start_on %s", e, s))
	}
}

func checkPlanning(imp *importer, r *record) {
	st := r.src.kind.col("status")
	if r.vals[st] == nil && !imp.hasProblem(r.src, r.row, st) {
		r.vals[st] = "active"
	}
}

func checkTarget(imp *importer, r *record) {
	k := r.src.kind
	checkLevel(imp, r)
	if lvl := k.col("level"); r.vals[lvl] == nil && !imp.hasProblem(r.src, r.row, lvl) {
		r.vals[lvl] = "" // the key column is NOT NULL DEFAULT ''
	}
	starts, ends := k.col("starts_on"), k.col("ends_on")
	if s, e := r.date(starts), r.date(ends); !s.IsZero() && !e.IsZero() && !e.After(s) {
		imp.problemAt(r, ends, fmt.Sprintf("%s is not after starts_on %s", e, s))
	}
}

func checkEvaluation(imp *importer, r *record) {
	k := r.src.kind
	if y, ok := r.vals[k.col("year")].(int64); ok && (y < minYear || y > maxYear) {
		imp.problemAt(r, k.col("year"), fmt.Sprintf("%d is not a plausible year", y))
	}
	if s, ok := r.vals[k.col("score")].(float64); ok && s > 100 {
		imp.problemAt(r, k.col("score"), fmt.Sprintf("%s is over 100", strconv.FormatFloat(s, 'f', -1, 64)))
	}
}
