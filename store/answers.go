package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/civil"
)

// Answers are what people say, through the link in their reminders, about
// their own obligations (queries/answers.sql). An answer is pending until
// the records confirm it (an import that shows the training completed) or
// HR rejects it; while it is pending or confirmed, the jobs leave its
// obligation out, so the reminders stop; a rejection lets them resume.
// Every change is logged in answer_log with who made it and from where.

// The obligations an answer can be about: the subject of its item key.
const (
	SubjectTraining    = "training"    // a training to complete: training/<row>
	SubjectCertificate = "certificate" // a certificate to renew: certificate/<completed row>
)

// The states of an answer.
const (
	AnswerPending   = "pending"   // given; awaiting the records
	AnswerConfirmed = "confirmed" // the records show the obligation met
	AnswerRejected  = "rejected"  // HR rejected it; the reminders resume
)

// Answer is one row of answers.
type Answer struct {
	ID            int64      `db:"id"`
	Subject       string     `db:"subject"`
	RefID         int64      `db:"ref_id"`
	StaffCode     string     `db:"staff_code"`
	ItemKind      string     `db:"item_kind"` // the reminder's kind: training_due, training_overdue, certificate_expiry
	Choice        string     `db:"choice"`    // done, registered, not_applicable
	DoneOn        civil.Date `db:"done_on"`
	CertificateNo string     `db:"certificate_no"`
	StartsOn      civil.Date `db:"starts_on"`
	Reason        string     `db:"reason"`
	State         string     `db:"state"`
	Revision      int        `db:"revision"`
	AnsweredAt    Time       `db:"answered_at"`
	SettledAt     Time       `db:"settled_at"`
	SettleNote    string     `db:"settle_note"`
}

// Obligation is the answer's item key: training/123, certificate/45.
func (a Answer) Obligation() string { return fmt.Sprintf("%s/%d", a.Subject, a.RefID) }

// Actor is who changed an answer, when and from where: the person through
// their link (RemoteAddr, UserAgent), HR at the command line, an import.
type Actor struct {
	Who        string
	RemoteAddr string
	UserAgent  string
	At         time.Time
}

// Saved says what SaveAnswer did.
type Saved int

// What SaveAnswer did.
const (
	SavedNew       Saved = iota + 1 // the first answer about the obligation
	SavedUpdated                    // a new revision of the answer
	SavedConfirmed                  // nothing: the records already confirmed it
)

// ErrAnswerSettled is returned by RejectAnswer for an answer that is not
// pending (already confirmed or rejected).
var ErrAnswerSettled = errors.New("the answer is not pending")

// SaveAnswer stores a's choice and fields as the answer about its
// obligation (a.Subject, a.RefID), pending, and logs it, in one
// transaction. An answer already given is updated (a new revision), even
// after a rejection; one the records confirmed is left as it is.
func (s *Store) SaveAnswer(ctx context.Context, a Answer, by Actor) (Answer, Saved, error) {
	var out Answer
	var saved Saved
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		var rows []Answer
		if err := tx.Select(ctx, &rows, "answer-save", a.Subject, a.RefID, a.StaffCode, a.ItemKind, a.Choice,
			a.DoneOn, a.CertificateNo, a.StartsOn, a.Reason, T(by.At)); err != nil {
			return err
		}
		if len(rows) == 0 {
			if err := tx.Select(ctx, &rows, "answer-of", a.Subject, a.RefID); err != nil {
				return err
			}
			if len(rows) == 0 {
				return fmt.Errorf("answer about %s: neither saved nor found", a.Obligation())
			}
			out, saved = rows[0], SavedConfirmed
			return nil
		}
		out, saved = rows[0], SavedNew
		event := "answered"
		if out.Revision > 1 {
			saved, event = SavedUpdated, "updated"
		}
		return tx.logAnswer(ctx, out, event, by)
	})
	if err != nil {
		return Answer{}, 0, fmt.Errorf("save answer: %w", err)
	}
	return out, saved, nil
}

// RejectAnswer rejects the pending answer id, with a reason for the log:
// the obligation's reminders resume at their next step. ErrNoRows (wrapped)
// when there is no such answer, ErrAnswerSettled when it is not pending.
func (s *Store) RejectAnswer(ctx context.Context, id int64, reason string, by Actor) (Answer, error) {
	var out Answer
	err := s.Write(ctx, func(ctx context.Context, tx *Tx) error {
		var rows []Answer
		if err := tx.Select(ctx, &rows, "answer-reject", T(by.At), reason, id); err != nil {
			return err
		}
		if len(rows) == 0 {
			if err := tx.Select(ctx, &rows, "answer-get", id); err != nil {
				return err
			}
			if len(rows) == 0 {
				return fmt.Errorf("answer %d: %w", id, ErrNoRows)
			}
			return fmt.Errorf("answer %d is %s: %w", id, rows[0].State, ErrAnswerSettled)
		}
		out = rows[0]
		return tx.logAnswer(ctx, out, "rejected", by)
	})
	if err != nil {
		return Answer{}, fmt.Errorf("reject answer: %w", err)
	}
	return out, nil
}

// logAnswer writes one line of answer_log: the answer as it now stands.
func (tx *Tx) logAnswer(ctx context.Context, a Answer, event string, by Actor) error {
	detail, err := json.Marshal(struct {
		DoneOn        string `json:"done_on,omitempty"`
		CertificateNo string `json:"certificate_no,omitempty"`
		StartsOn      string `json:"starts_on,omitempty"`
		Reason        string `json:"reason,omitempty"`
		Note          string `json:"note,omitempty"`
		Revision      int    `json:"revision"`
	}{dateText(a.DoneOn), a.CertificateNo, dateText(a.StartsOn), a.Reason, a.SettleNote, a.Revision})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "answer-log", a.ID, event, by.Who, a.Choice, string(detail), by.RemoteAddr, by.UserAgent, T(by.At))
	return err
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ConfirmAnswers confirms the pending answers whose obligation the records
// no longer hold open (the training completed or dropped, the certificate
// renewed), logging each as done by who, and returns how many.
func (s *Store) ConfirmAnswers(ctx context.Context, who string, at time.Time) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = s.ConfirmAnswersIn(ctx, tx, who, at)
		return err
	})
	return n, err
}

// ConfirmAnswersIn is ConfirmAnswers inside a transaction of store/importer,
// so that an import confirms the answers its rows settle, or nothing.
func (s *Store) ConfirmAnswersIn(ctx context.Context, tx *sqlx.Tx, who string, at time.Time) (int, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, s.queries.Get("answers-confirm"), T(at)); err != nil {
		return 0, fmt.Errorf("confirm answers: %w", err)
	}
	for start := 0; start < len(ids); start += maxKeysPerQuery {
		q, args, err := s.queries.In("answer-log-confirmed", who, T(at), ids[start:min(start+maxKeysPerQuery, len(ids))])
		if err != nil {
			return 0, fmt.Errorf("confirm answers: %w", err)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return 0, fmt.Errorf("confirm answers: %w", err)
		}
	}
	return len(ids), nil
}

// AnswerEvent is one line of an answer's log.
type AnswerEvent struct {
	ID         int64  `db:"id"`
	AnswerID   int64  `db:"answer_id"`
	Event      string `db:"event"` // answered, updated, rejected, confirmed
	Actor      string `db:"actor"`
	Choice     string `db:"choice"`
	Detail     string `db:"detail"` // JSON: the answer's fields at that moment
	RemoteAddr string `db:"remote_addr"`
	UserAgent  string `db:"user_agent"`
	At         Time   `db:"at"`
}

// Secret returns the secret kept under name, keeping a new random one of
// size bytes first when there is none. Several processes asking at once
// all get the one that the first of them kept.
func (s *Store) Secret(ctx context.Context, name string, size int, now time.Time) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if _, err := s.exec(ctx, "secret-put", name, hex.EncodeToString(fresh), T(now)); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	var value string
	// Read on the write pool: the row was written there a moment ago.
	if err := s.getW(ctx, &value, "secret-get", name); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	b, err := hex.DecodeString(value)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("secret %s: the stored value is not hex", name)
	}
	return b, nil
}
