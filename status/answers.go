package status

import (
	"context"
	"fmt"
	"io"

	"github.com/tickler-dev/tickler/store"
)

// Answers are the answers people gave through their reminders' links: how
// many in each state (pending: self-reported, awaiting the records), and
// the oldest pending ones.
type Answers struct {
	Counts  map[string]int
	Pending []PendingAnswer
}

// PendingAnswer is an answer awaiting the records.
type PendingAnswer struct {
	ID         int64      `db:"id"`
	StaffCode  string     `db:"staff_code"`
	StaffName  string     `db:"staff_name"`
	CourseName string     `db:"course_name"`
	Choice     string     `db:"choice"`
	AnsweredAt store.Time `db:"answered_at"`
}

// pendingShown is how many pending answers the report lists.
const pendingShown = 50

func (r *Report) readAnswers(ctx context.Context, st *store.Store) error {
	var counts []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := st.Select(ctx, &counts, "answers-counts"); err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	r.Answers.Counts = map[string]int{}
	for _, c := range counts {
		r.Answers.Counts[c.State] = c.N
	}
	if r.Answers.Counts[store.AnswerPending] == 0 {
		return nil
	}
	if err := st.Select(ctx, &r.Answers.Pending, "answers-pending-first", pendingShown); err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	return nil
}

// writeAnswers prints the answers' line of `tickler status`.
func (r *Report) writeAnswers(w io.Writer) {
	c := r.Answers.Counts
	fmt.Fprintf(w, "\nanswers through reminders' links: %d self-reported, awaiting the records; %d confirmed; %d rejected\n",
		c[store.AnswerPending], c[store.AnswerConfirmed], c[store.AnswerRejected])
	if c[store.AnswerPending] > 0 {
		fmt.Fprintln(w, "  tickler answers lists them (-format csv for a spreadsheet)")
	}
}
