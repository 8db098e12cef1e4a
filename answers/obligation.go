package answers

import (
	"context"
	"errors"
	"fmt"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// Obligation is what an answer link is about, as the records hold it: a
// training to complete, or a certificate to renew.
type Obligation struct {
	Subject     string     `db:"-"`
	ID          int64      `db:"id"`
	StaffCode   string     `db:"staff_code"`
	StaffName   string     `db:"staff_name"`
	CourseCode  string     `db:"course_code"`
	CourseName  string     `db:"course_name"`
	Status      string     `db:"status"`
	StartOn     civil.Date `db:"start_on"`
	DueOn       civil.Date `db:"due_on"`
	CompletedOn civil.Date `db:"completed_on"`
	ValidMonths int        `db:"valid_months"`
	// Renewed: a later completion of the same course by the same person.
	Renewed bool `db:"renewed"`
}

// ErrNoObligation is returned by Find for a key that names no row of the
// person's (the row is gone, or belongs to someone else).
var ErrNoObligation = errors.New("no such obligation")

// Find reads the obligation key (training/123, certificate/45) of staff.
func Find(ctx context.Context, st *store.Store, key, staff string) (Obligation, error) {
	subject, id, err := ParseObligation(key)
	if err != nil {
		return Obligation{}, fmt.Errorf("%w: %v", ErrNoObligation, err)
	}
	var rows []Obligation
	if err := st.Select(ctx, &rows, "answer-obligation", id); err != nil {
		return Obligation{}, fmt.Errorf("obligation %s: %w", key, err)
	}
	if len(rows) == 0 || rows[0].StaffCode != staff || (subject == store.SubjectCertificate && rows[0].Status != "completed") {
		return Obligation{}, ErrNoObligation
	}
	o := rows[0]
	o.Subject = subject
	return o, nil
}

// Key is the obligation's item key.
func (o Obligation) Key() string { return Key(o.Subject, o.ID) }

// Open reports whether the records still hold the obligation open: the
// training planned or enrolled, the certificate not renewed. A closed one
// has nothing left to answer.
func (o Obligation) Open() bool {
	if o.Subject == store.SubjectCertificate {
		return !o.Renewed
	}
	return o.Status == "planned" || o.Status == "enrolled"
}

// Deadline is the training's due date, or the day the certificate expires.
func (o Obligation) Deadline() civil.Date {
	if o.Subject == store.SubjectCertificate {
		if o.CompletedOn.IsZero() || o.ValidMonths <= 0 {
			return civil.Date{}
		}
		return o.CompletedOn.AddMonths(o.ValidMonths)
	}
	return o.DueOn
}

// ItemKind is the kind of reminder the obligation gets as of today:
// training_due, training_overdue or certificate_expiry.
func (o Obligation) ItemKind(today civil.Date) string {
	switch {
	case o.Subject == store.SubjectCertificate:
		return "certificate_expiry"
	case !o.DueOn.IsZero() && o.DueOn.Before(today):
		return "training_overdue"
	}
	return "training_due"
}

// Answer returns the answer given about the obligation; ok is false when
// there is none.
func (o Obligation) Answer(ctx context.Context, st *store.Store) (a store.Answer, ok bool, err error) {
	var rows []store.Answer
	if err := st.Select(ctx, &rows, "answer-of", o.Subject, o.ID); err != nil {
		return store.Answer{}, false, fmt.Errorf("answer about %s: %w", o.Key(), err)
	}
	if len(rows) == 0 {
		return store.Answer{}, false, nil
	}
	return rows[0], true, nil
}
