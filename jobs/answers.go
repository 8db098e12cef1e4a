package jobs

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
)

// The way back from a reminder (package answers): course-reminders puts an
// answer link in each personal reminder of an obligation (a training due or
// overdue, a certificate expiring), leaves out the obligations whose answer
// stands (pending or confirmed: due-trainings and expiring-certificates
// skip them, so neither the person, nor their manager in copy, nor the data
// lists hear of them again), tells its data_to lists (HR) of each answer
// awaiting the records, and after a run confirms the answers the records
// now settle. A rejected answer no longer stands: the next run reminds at
// the step the obligation has reached, which the pause did not mark as
// sent.

// KindSelfReported is the item that tells HR of an answer awaiting the
// records: once per revision of the answer.
const KindSelfReported = "self_reported"

// withAnswerLink returns item with its answer link: a copy, since the other
// recipients' notices share item's Fields.
func withAnswerLink(item notify.Item, link string) notify.Item {
	item.Fields = maps.Clone(item.Fields)
	if item.Fields == nil {
		item.Fields = map[string]any{}
	}
	item.Fields[notify.FieldAnswerURL] = link
	return item
}

// selfReported tells the data_to lists of course-reminders of each answer
// awaiting the records, one item per revision, so a changed answer is told
// again and a standing one once.
func selfReported(ctx context.Context, env *Env, asOf civil.Date, emit notify.Emit) error {
	cfg := env.Config.Jobs.CourseReminders
	lists := listsOnly(env.Config, cfg.DataTo)
	if len(lists) == 0 {
		return nil
	}
	rows, err := env.Store.Query(ctx, "self-reported-answers")
	if err != nil {
		return fmt.Errorf("self-reported answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r answers.Row
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("self-reported answers: %w", err)
		}
		item := selfReportedItem(env.Config, asOf, r)
		for _, to := range lists {
			if err := emit(notify.Notice{To: to, Item: item}); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

// selfReportedItem is the item about one answer awaiting the records.
func selfReportedItem(cfg *config.Config, asOf civil.Date, r answers.Row) notify.Item {
	deadline := r.Deadline()
	it := notify.Item{
		Kind: KindSelfReported, Key: "answer/" + strconv.FormatInt(r.ID, 10), Step: "r" + strconv.Itoa(r.Revision),
		StaffCode: r.StaffCode, StaffName: r.StaffName, Unit: r.UnitCode, Ref: r.CourseCode, RefName: r.CourseName,
		Date: deadline, Note: answerNote(cfg, r.Answer),
		Fields: map[string]any{
			"answer_id": strconv.FormatInt(r.ID, 10), "obligation": r.Obligation(), "about_kind": r.ItemKind,
			"choice": r.Choice, "answered_on": civil.In(r.AnsweredAt.Time, cfg.Location),
		},
	}
	if !deadline.IsZero() {
		it.Days = asOf.DaysUntil(deadline)
	}
	return it
}

// answerNote says what the person answered, in the configured language.
func answerNote(cfg *config.Config, a store.Answer) string {
	answered := day(cfg, civil.In(a.AnsweredAt.Time, cfg.Location))
	switch a.Choice {
	case answers.ChoiceDone:
		s := say(cfg, "jobs.answer_done", day(cfg, a.DoneOn))
		if a.CertificateNo != "" {
			s += say(cfg, "jobs.answer_certificate", a.CertificateNo)
		}
		return say(cfg, "jobs.answer_note", s, answered)
	case answers.ChoiceRegistered:
		return say(cfg, "jobs.answer_note", say(cfg, "jobs.answer_registered", day(cfg, a.StartsOn)), answered)
	default:
		return say(cfg, "jobs.answer_note", say(cfg, "jobs.answer_not_applicable", a.Reason), answered)
	}
}

// Record implements Recorder: after a run, the answers whose obligation
// the records now settle (written straight into the tables by another
// system, since an import confirms them itself) are confirmed.
func (CourseReminders) Record(ctx context.Context, env *Env, slot time.Time) error {
	if _, err := env.Store.ConfirmAnswers(ctx, "records", slot); err != nil {
		return err
	}
	return nil
}
