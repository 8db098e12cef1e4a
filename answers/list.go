package answers

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/store"
)

// Row is an answer with what HR copies into its records: the person, the
// course and the obligation's deadline.
type Row struct {
	store.Answer
	StaffName   string     `db:"staff_name"`
	UnitCode    string     `db:"unit_code"`
	CourseCode  string     `db:"course_code"`
	CourseName  string     `db:"course_name"`
	DueOn       civil.Date `db:"due_on"`
	CompletedOn civil.Date `db:"completed_on"`
	ValidMonths int        `db:"valid_months"`
}

// Deadline is the obligation's date: the training's due date, or the day
// the certificate expires.
func (r Row) Deadline() civil.Date {
	if r.Subject == store.SubjectCertificate {
		if r.CompletedOn.IsZero() || r.ValidMonths <= 0 {
			return civil.Date{}
		}
		return r.CompletedOn.AddMonths(r.ValidMonths)
	}
	return r.DueOn
}

// States are the values of `tickler answers -state`.
var States = []string{store.AnswerPending, store.AnswerConfirmed, store.AnswerRejected, "all"}

// List returns the answers in state (pending, confirmed, rejected or all),
// oldest first.
func List(ctx context.Context, st *store.Store, state string) ([]Row, error) {
	var rows []Row
	if err := st.Select(ctx, &rows, "answers-list", state, state); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	return rows, nil
}

// WriteText writes rows as a table for a terminal, times in loc.
func WriteText(w io.Writer, rows []Row, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tANSWERED\tSTAFF\tNAME\tCOURSE\tDEADLINE\tANSWER")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.State, r.AnsweredAt.In(loc).Format("2006-01-02 15:04"),
			r.StaffCode, oneLine(r.StaffName), oneLine(r.CourseName), dateText(r.Deadline()), oneLine(Summary(r.Answer)))
	}
	return tw.Flush()
}

// Summary is an answer's choice and fields on one line, in English: "done
// 2026-10-30, certificate QLNN-1".
func Summary(a store.Answer) string {
	s := a.Choice
	switch a.Choice {
	case ChoiceDone:
		s += " " + dateText(a.DoneOn)
		if a.CertificateNo != "" {
			s += ", certificate " + a.CertificateNo
		}
	case ChoiceRegistered:
		s += ", starts " + dateText(a.StartsOn)
	case ChoiceNotApplicable:
		s += ": " + a.Reason
	}
	if a.State == store.AnswerRejected && a.SettleNote != "" {
		s += " (rejected: " + a.SettleNote + ")"
	}
	return s
}

// csvHeader names the columns of WriteCSV.
var csvHeader = []string{"id", "state", "staff_code", "staff_name", "unit_code", "course_code", "course_name",
	"obligation", "reminder", "deadline", "answer", "done_on", "certificate_no", "starts_on", "reason",
	"answered_at", "revision", "settled_at", "note"}

// WriteCSV writes rows as CSV for a spreadsheet: UTF-8 with a byte-order
// mark, dates YYYY-MM-DD, times in loc, and every text that came from a
// person or the records made safe to open (a cell starting like a formula
// is quoted, as in the lists attached to messages).
func WriteCSV(w io.Writer, rows []Row, loc *time.Location) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Write(csvHeader)
	cell := message.TextCell
	for _, r := range rows {
		settled := ""
		if !r.SettledAt.IsZero() {
			settled = r.SettledAt.In(loc).Format(time.RFC3339)
		}
		cw.Write([]string{strconv.FormatInt(r.ID, 10), r.State, cell(r.StaffCode), cell(r.StaffName), cell(r.UnitCode),
			cell(r.CourseCode), cell(r.CourseName), r.Obligation(), r.ItemKind, dateText(r.Deadline()), r.Choice,
			dateText(r.DoneOn), cell(r.CertificateNo), dateText(r.StartsOn), cell(r.Reason),
			r.AnsweredAt.In(loc).Format(time.RFC3339), strconv.Itoa(r.Revision), settled, cell(r.SettleNote)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// oneLine keeps a table row on one line.
func oneLine(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r == '\n' || r == '\r' || r == '\t' {
			out[i] = ' '
		}
	}
	return string(out)
}
