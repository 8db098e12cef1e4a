package importer

import (
	"context"
	"database/sql"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/tickler-dev/tickler/codes"
)

// write upserts every row, kind by kind in the order of kinds (a row's
// references are written before it), then raises qualifications. Rows go to
// the database as JSON arrays of batchSize rows, one statement per batch.
func (imp *importer) write(ctx context.Context, tx *sqlx.Tx) error {
	for _, k := range kinds {
		recs := imp.recs[k]
		if len(recs) == 0 {
			continue
		}
		updated, err := imp.countStored(ctx, tx, k)
		if err != nil {
			return err
		}
		// One source at a time: the "column present" flags are per file.
		var src *source
		var batch []any
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			args := []any{nil}
			for c, col := range k.cols {
				if col.optional {
					args = append(args, src.present[c])
				}
			}
			err := batches(batch, func(js string) error {
				args[0] = js
				_, err := tx.ExecContext(ctx, imp.st.Q("import-upsert-"+k.name), args...)
				return err
			})
			batch = batch[:0]
			return err
		}
		for _, r := range recs {
			if r.src != src {
				if err := flush(); err != nil {
					return err
				}
				src = r.src
			}
			batch = append(batch, r.vals)
		}
		if err := flush(); err != nil {
			return err
		}
		imp.report.Kinds = append(imp.report.Kinds, KindCount{Kind: k.name, Inserted: len(recs) - updated, Updated: updated})
	}
	if err := imp.raise(ctx, tx); err != nil {
		return err
	}
	return imp.confirm(ctx, tx)
}

// confirm confirms the answers given through reminders' links whose
// obligation the records now settle (a training completed, a certificate
// renewed), with the import.
func (imp *importer) confirm(ctx context.Context, tx *sqlx.Tx) error {
	if len(imp.recs[kTraining]) == 0 {
		return nil
	}
	n, err := imp.st.ConfirmAnswersIn(ctx, tx, "import", imp.opt.now())
	imp.report.Confirmed = n
	return err
}

// countStored counts the rows of kind k in the import whose key is stored.
func (imp *importer) countStored(ctx context.Context, tx *sqlx.Tx, k *kind) (int, error) {
	n := 0
	switch k {
	case kUnits:
		for _, r := range imp.recs[k] {
			if _, ok := imp.dbUnits[r.str(0)]; ok {
				n++
			}
		}
		return n, nil
	case kStaff, kCourses:
		stored := imp.dbStaff
		if k == kCourses {
			stored = imp.dbCourses
		}
		for _, r := range imp.recs[k] {
			if stored[r.str(0)] {
				n++
			}
		}
		return n, nil
	}
	kc := k.keyCols()
	keys := make([]any, len(imp.recs[k]))
	for i, r := range imp.recs[k] {
		key := make([]any, len(kc))
		for j, c := range kc {
			key[j] = r.vals[c]
		}
		keys[i] = key
	}
	err := batches(keys, func(js string) error {
		var m int
		if err := tx.GetContext(ctx, &m, imp.st.Q("import-count-"+k.name), js); err != nil {
			return err
		}
		n += m
		return nil
	})
	return n, err
}

// raise applies the completed trainings of the import: a course with a level
// grants that education (category degree) or political-theory level
// (category political_theory), recorded if higher than the person's. It runs
// after the staff and courses are written, so it reads what this import set.
func (imp *importer) raise(ctx context.Context, tx *sqlx.Tx) error {
	status, course, staff := kTraining.col("status"), kTraining.col("course_code"), kTraining.col("staff_code")
	var courseCodes []any
	askedCourse := map[string]bool{}
	for _, r := range imp.recs[kTraining] {
		if c := r.str(course); r.str(status) == "completed" && !askedCourse[c] {
			askedCourse[c] = true
			courseCodes = append(courseCodes, c)
		}
	}
	if len(courseCodes) == 0 {
		return nil
	}
	type grant struct {
		set          *codes.Set
		field, level string
	}
	grants := map[string]grant{} // course code → what it grants
	err := batches(courseCodes, func(js string) error {
		var got []struct {
			Code     string         `db:"code"`
			Category string         `db:"category"`
			Level    sql.NullString `db:"level"`
		}
		if err := tx.SelectContext(ctx, &got, imp.st.Q("import-course-levels"), js); err != nil {
			return err
		}
		for _, c := range got {
			switch {
			case !c.Level.Valid || c.Level.String == "":
			case c.Category == "degree":
				grants[c.Code] = grant{&codes.Education, "education", c.Level.String}
			case c.Category == "political_theory":
				grants[c.Code] = grant{&codes.PoliticalTheory, "political_theory", c.Level.String}
			}
		}
		return nil
	})
	if err != nil || len(grants) == 0 {
		return err
	}

	// The best level each person completed, per field, people in file order.
	best := map[string]map[string]string{} // staff code → field → level
	var people []any
	for _, r := range imp.recs[kTraining] {
		g, ok := grants[r.str(course)]
		if !ok || r.str(status) != "completed" {
			continue
		}
		code := r.str(staff)
		if best[code] == nil {
			best[code] = map[string]string{}
			people = append(people, code)
		}
		if cur := best[code][g.field]; g.set.Rank(g.level) > g.set.Rank(cur) {
			best[code][g.field] = g.level
		}
	}
	var raises []Raise
	var updates []any
	err = batches(people, func(js string) error {
		var got []struct {
			Code            string         `db:"code"`
			Education       sql.NullString `db:"education"`
			PoliticalTheory sql.NullString `db:"political_theory"`
		}
		if err := tx.SelectContext(ctx, &got, imp.st.Q("import-staff-qualifications"), js); err != nil {
			return err
		}
		for _, s := range got {
			upd := []any{s.Code, nil, nil}
			if to := best[s.Code]["education"]; to != "" && codes.Education.Rank(to) > codes.Education.Rank(s.Education.String) {
				raises = append(raises, Raise{s.Code, "education", s.Education.String, to})
				upd[1] = to
			}
			if to := best[s.Code]["political_theory"]; to != "" && codes.PoliticalTheory.Rank(to) > codes.PoliticalTheory.Rank(s.PoliticalTheory.String) {
				raises = append(raises, Raise{s.Code, "political_theory", s.PoliticalTheory.String, to})
				upd[2] = to
			}
			if upd[1] != nil || upd[2] != nil {
				updates = append(updates, upd)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = batches(updates, func(js string) error {
		_, err := tx.ExecContext(ctx, imp.st.Q("import-raise"), js)
		return err
	})
	// People in the order their trainings were read, education first.
	order := map[string]int{}
	for i, p := range people {
		order[p.(string)] = i
	}
	sort.SliceStable(raises, func(i, j int) bool {
		a, b := raises[i], raises[j]
		if a.StaffCode != b.StaffCode {
			return order[a.StaffCode] < order[b.StaffCode]
		}
		return a.Field == "education" && b.Field != "education"
	})
	imp.report.Raised = raises
	return err
}
