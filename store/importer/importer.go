// Package importer reads the records of an agency from CSV files and XLSX
// workbooks (docs/design.md, contract 2) and writes them to the store in one
// transaction: every bad row of every file is reported, and if there is any,
// nothing is written. Rows are upserted by their key, so re-importing a
// corrected file updates the stored rows; a column a file does not have keeps
// its stored values (an empty cell in a column it has clears the value).
package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/store"
)

// Options tune an import.
type Options struct {
	// TermYears is the length of an appointment term, used for an appointments
	// row without end_on (docs/domain.md: 5 years); 0 means 5.
	TermYears int
	// MaxProblems is how many problems an *Error lists before "… and N more
	// problems"; 0 means 50.
	MaxProblems int
	// Now is the clock of the answers the import confirms (nil: time.Now).
	Now func() time.Time
}

// now is the import's clock.
func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Report says what an import did.
type Report struct {
	Files   []string    // CSV files and XLSX sheets read ("book.xlsx[staff]"), in order
	Ignored []string    // files in the folders given and sheets that were not read (skipped), with why
	Kinds   []KindCount // rows written per kind, in write order; kinds without rows are left out
	Raised  []Raise     // qualifications raised by completed trainings
	// Confirmed counts the answers given through reminders' links that the
	// import's trainings settled (tickler answers lists them).
	Confirmed int

	sheets int // of Files, the XLSX sheets
}

// KindCount is the number of rows of one kind an import wrote.
type KindCount struct {
	Kind     string // units, staff, courses, training, appointments, planning, targets, evaluations
	Inserted int    // new rows
	Updated  int    // rows whose key was already stored
}

// Raise is one qualification raised by a completed training on a course that
// grants a level.
type Raise struct {
	StaffCode string
	Field     string // education or political_theory
	From, To  string // codes; From is "" when none was recorded
}

// Rows returns the number of rows the import wrote.
func (r Report) Rows() int {
	n := 0
	for _, k := range r.Kinds {
		n += k.Inserted + k.Updated
	}
	return n
}

// String summarises the report in a few lines, for the command line.
func (r Report) String() string {
	var b strings.Builder
	files := len(r.Files) - r.sheets
	switch {
	case r.sheets == 0:
		fmt.Fprintf(&b, "read %s", count(files, "file"))
	case files == 0:
		fmt.Fprintf(&b, "read %s", count(r.sheets, "sheet"))
	default:
		fmt.Fprintf(&b, "read %s and %s", count(files, "file"), count(r.sheets, "sheet"))
	}
	for _, k := range r.Kinds {
		fmt.Fprintf(&b, "\n%-13s %6d new, %6d updated", k.Kind, k.Inserted, k.Updated)
	}
	if len(r.Raised) > 0 {
		fmt.Fprintf(&b, "\nqualifications raised by completed trainings: %d", len(r.Raised))
	}
	if r.Confirmed > 0 {
		fmt.Fprintf(&b, "\nself-reported answers confirmed by the records: %d", r.Confirmed)
	}
	for _, ig := range r.Ignored {
		fmt.Fprintf(&b, "\nskipped %s", ig)
	}
	return b.String()
}

// count writes n things: "1 file", "2 files".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Import reads the CSV files, XLSX workbooks and folders of them at paths and
// writes their records to st in one transaction. If any row is bad it writes
// nothing and returns an *Error listing every problem found (as
// "file:row: column: what is wrong"); other errors are failures of the
// database.
func Import(ctx context.Context, st *store.Store, paths []string, opt Options) (Report, error) {
	if len(paths) == 0 {
		return Report{}, errors.New("import: no files given")
	}
	if opt.TermYears <= 0 {
		opt.TermYears = 5
	}
	if opt.MaxProblems <= 0 {
		opt.MaxProblems = 50
	}
	imp := &importer{
		st:        st,
		opt:       opt,
		flagged:   map[cellKey]bool{},
		recs:      map[*kind][]*record{},
		keys:      map[*kind]map[string]*record{},
		unread:    map[*kind]bool{},
		codeCache: map[*codes.Set]map[string]string{},
	}
	for _, k := range kinds {
		imp.keys[k] = map[string]*record{}
	}
	for _, in := range imp.expand(paths) {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		if fileType(in.path) == ".xlsx" {
			imp.readXLSX(in.path)
		} else {
			imp.readCSV(in)
		}
	}
	err := st.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := imp.resolve(ctx, tx); err != nil {
			return err
		}
		if len(imp.problems) > 0 {
			sortProblems(imp.problems)
			return &Error{Problems: imp.problems, Limit: opt.MaxProblems}
		}
		return imp.write(ctx, tx)
	})
	if err != nil {
		var ie *Error
		if !errors.As(err, &ie) {
			err = fmt.Errorf("import: %w", err)
		}
		return Report{}, err
	}
	return imp.report, nil
}

// importer is the state of one import: the rows read, by kind, and the
// problems found.
type importer struct {
	st        *store.Store
	opt       Options
	orders    int
	problems  []Problem
	flagged   map[cellKey]bool
	recs      map[*kind][]*record
	keys      map[*kind]map[string]*record // key text → first row with it
	unread    map[*kind]bool               // a file of the kind could not be read
	unreadAny bool                         // a file of unknown kind could not be read
	codeCache map[*codes.Set]map[string]string

	// what resolve found in the database
	dbUnits   map[string]string // code → parent_code
	dbStaff   map[string]bool
	dbCourses map[string]bool

	report Report
}

type cellKey struct {
	src      *source
	row, col int
}

func (imp *importer) newOrder() int {
	imp.orders++
	return imp.orders
}

// problem records a problem in a row (col < 0: not in one column).
func (imp *importer) problem(src *source, row, col int, column, msg string) {
	imp.problems = append(imp.problems, Problem{File: src.name, Row: row, Column: column, Msg: msg, order: src.order, col: col})
	imp.flagged[cellKey{src, row, col}] = true
}

// problemAt records a problem in column col of r.
func (imp *importer) problemAt(r *record, col int, msg string) {
	imp.problem(r.src, r.row, col, r.src.kind.cols[col].name, msg)
}

// hasProblem reports whether column col of a row has a problem already.
func (imp *importer) hasProblem(src *source, row, col int) bool {
	return imp.flagged[cellKey{src, row, col}]
}

// headerProblem records a problem in the header row of src.
func (imp *importer) headerProblem(src *source, row, col int, column, msg string) {
	imp.problem(src, row, col, column, msg)
	imp.problems[len(imp.problems)-1].first = true
}

// problemIn records a problem that stops a file of kind k (nil: unknown) from
// being read, at its line row (0: the whole file). References to rows of that
// kind cannot be checked then, and are not reported as unknown.
func (imp *importer) problemIn(k *kind, file string, order, row int, msg string) {
	imp.problems = append(imp.problems, Problem{File: file, Row: row, Msg: msg, order: order, col: -1, first: true})
	if k == nil {
		imp.unreadAny = true
	} else {
		imp.unread[k] = true
	}
}

// fileProblem records a problem of a path that is not read at all.
func (imp *importer) fileProblem(file, msg string) {
	imp.problemIn(nil, file, imp.newOrder(), 0, msg)
}

// add keeps a parsed row, reporting a key seen before in this import.
func (imp *importer) add(r *record) {
	k := r.src.kind
	imp.recs[k] = append(imp.recs[k], r)
	key, ok := keyText(r)
	if !ok {
		return // a key value is missing or bad, and reported
	}
	if first, dup := imp.keys[k][key]; dup {
		kc := k.keyCols()
		names := make([]string, len(kc))
		shown := make([]string, len(kc))
		for i, c := range kc {
			names[i] = k.cols[c].name
			shown[i] = fmt.Sprint(r.vals[c])
		}
		what := fmt.Sprintf("%q", shown[0])
		if len(kc) > 1 {
			what = "(" + strings.Join(shown, ", ") + ")"
		}
		imp.problem(r.src, r.row, kc[0], strings.Join(names, ", "), fmt.Sprintf("duplicate key %s, first at %s", what, first.at()))
		return
	}
	imp.keys[k][key] = r
}

// keyText joins a row's key values; ok is false if one is missing.
func keyText(r *record) (string, bool) {
	var b strings.Builder
	for i, c := range r.src.kind.keyCols() {
		v := r.vals[c]
		if v == nil {
			return "", false
		}
		if i > 0 {
			b.WriteByte(0)
		}
		fmt.Fprint(&b, v)
	}
	return b.String(), true
}
