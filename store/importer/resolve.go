package importer

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The kinds by name, for the rules that join them.
var (
	kUnits, kStaff, kCourses, kTraining = kinds[0], kinds[1], kinds[2], kinds[3]
)

// refKind is the kind a reference points to.
var refKind = map[ref]*kind{refUnit: kUnits, refStaff: kStaff, refCourse: kCourses}

// batchSize is the number of rows sent in one statement, as a JSON array.
const batchSize = 1000

// resolve checks every reference of the import against the rows of the import
// and the rows already stored, and that units do not form a parent cycle.
func (imp *importer) resolve(ctx context.Context, tx *sqlx.Tx) error {
	imp.dbUnits = map[string]string{}
	rows, err := tx.QueryxContext(ctx, imp.st.Q("import-units"))
	if err != nil {
		return err
	}
	for rows.Next() {
		var code string
		var parent sql.NullString
		if err := rows.Scan(&code, &parent); err != nil {
			rows.Close()
			return err
		}
		imp.dbUnits[code] = parent.String
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	// The staff and courses looked up are those of the import (to count the
	// updated ones) and those referred to but not in it.
	lookup := map[ref][]any{}
	asked := map[ref]map[string]bool{refStaff: {}, refCourse: {}}
	ask := func(to ref, code string) {
		if !asked[to][code] {
			asked[to][code] = true
			lookup[to] = append(lookup[to], code)
		}
	}
	for _, r := range imp.recs[kStaff] {
		if code := r.str(0); code != "" {
			ask(refStaff, code)
		}
	}
	for _, r := range imp.recs[kCourses] {
		if code := r.str(0); code != "" {
			ask(refCourse, code)
		}
	}
	for _, k := range kinds {
		for c, col := range k.cols {
			if col.ref != refStaff && col.ref != refCourse {
				continue
			}
			for _, r := range imp.recs[k] {
				if code := r.str(c); code != "" && !imp.inImport(col.ref, code) {
					ask(col.ref, code)
				}
			}
		}
	}
	if imp.dbStaff, err = imp.existingCodes(ctx, tx, "import-existing-staff", lookup[refStaff]); err != nil {
		return err
	}
	if imp.dbCourses, err = imp.existingCodes(ctx, tx, "import-existing-courses", lookup[refCourse]); err != nil {
		return err
	}

	for _, k := range kinds {
		for c, col := range k.cols {
			if col.ref == noRef {
				continue
			}
			for _, r := range imp.recs[k] {
				code := r.str(c)
				if code == "" || imp.inImport(col.ref, code) || imp.inDB(col.ref, code) || imp.unreadAny || imp.unread[refKind[col.ref]] {
					continue
				}
				what := map[ref]string{refUnit: "unit", refStaff: "staff", refCourse: "course"}[col.ref]
				imp.problemAt(r, c, fmt.Sprintf("unknown %s %q (not in this import or the database)", what, code))
			}
		}
	}
	imp.checkCycles()
	return nil
}

func (imp *importer) inImport(to ref, code string) bool {
	switch to {
	case refUnit:
		return imp.keys[kUnits][code] != nil
	case refStaff:
		return imp.keys[kStaff][code] != nil
	case refCourse:
		return imp.keys[kCourses][code] != nil
	}
	return false
}

func (imp *importer) inDB(to ref, code string) bool {
	switch to {
	case refUnit:
		_, ok := imp.dbUnits[code]
		return ok
	case refStaff:
		return imp.dbStaff[code]
	case refCourse:
		return imp.dbCourses[code]
	}
	return false
}

// checkCycles reports units whose parent chain, as it will be after the
// import, comes back to them. Each cycle is reported once, at its first row.
func (imp *importer) checkCycles() {
	parent := func(code string) string {
		if r := imp.keys[kUnits][code]; r != nil {
			return r.str(kUnits.col("parent_code"))
		}
		return imp.dbUnits[code]
	}
	reported := map[string]bool{}
	pc := kUnits.col("parent_code")
	for _, r := range imp.recs[kUnits] {
		start := r.str(0)
		if start == "" || reported[start] || imp.keys[kUnits][start] != r {
			continue
		}
		path := []string{start}
		seen := map[string]bool{start: true}
		for p := parent(start); p != ""; p = parent(p) {
			path = append(path, p)
			if p == start {
				for _, c := range path {
					reported[c] = true
				}
				imp.problemAt(r, pc, "units form a cycle: "+strings.Join(path, " → "))
				break
			}
			if seen[p] {
				break // a cycle further up, reported at its own first row
			}
			seen[p] = true
		}
	}
}

// batches calls fn with the JSON text of args, at most batchSize at a time.
func batches(args []any, fn func(js string) error) error {
	var buf []byte
	for i := 0; i < len(args); i += batchSize {
		buf = appendJSON(buf[:0], args[i:min(i+batchSize, len(args))])
		if err := fn(string(buf)); err != nil {
			return err
		}
	}
	return nil
}

// existingCodes returns which of codes the named query finds stored.
func (imp *importer) existingCodes(ctx context.Context, tx *sqlx.Tx, query string, codes []any) (map[string]bool, error) {
	found := map[string]bool{}
	err := batches(codes, func(js string) error {
		var got []string
		if err := tx.SelectContext(ctx, &got, imp.st.Q(query), js); err != nil {
			return err
		}
		for _, c := range got {
			found[c] = true
		}
		return nil
	})
	return found, err
}
