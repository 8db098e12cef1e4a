package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/rules"
)

// Reappointments tells HR and the head above of appointment terms ending
// within the steps (120, 90, 60, 30 days): the term end, the day by which the
// re-appointment review must open (end − rules.review_lead_days), the
// retirement date and the case it leads to (full term, until retirement, or
// extension until retirement). A term whose review deadline has passed while
// it is still open (no ended_on, no newer appointment) is flagged overdue
// every overdue_every_days.
type Reappointments struct{ Named[config.Reappointments] }

func init() { register(func() Job { return Reappointments{} }) }

// endingTerm is one row of the ending-terms query.
type endingTerm struct {
	personRow
	ID         int64      `db:"id"`
	Position   string     `db:"position"`
	StartOn    civil.Date `db:"start_on"`
	EndOn      civil.Date `db:"end_on"`
	DecisionNo string     `db:"decision_no"`
	BirthDate  civil.Date `db:"birth_date"`
	Gender     string     `db:"gender"`
}

// Notices implements Job.
func (Reappointments) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.Reappointments
	r := env.Config.Rules
	asOf := env.AsOf(slot)
	horizon := asOf.AddDays(max(slices.Max(append([]int{0}, cfg.StepsDays...)), r.ReviewLeadDays))
	rows, err := env.Store.Query(ctx, "ending-terms", horizon, asOf)
	if err != nil {
		return fmt.Errorf("ending terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a endingTerm
		if err := rows.StructScan(&a); err != nil {
			return fmt.Errorf("ending terms: %w", err)
		}
		days := asOf.DaysUntil(a.EndOn)
		step, from, overdue, ok := termStep(days, r.ReviewLeadDays, cfg.StepsDays, cfg.OverdueEveryDays)
		if !ok {
			continue
		}
		term, termErr := rules.Reappointment(a.EndOn, a.BirthDate, a.Gender, r)
		item := a.termItem(env, asOf, step, overdue, term)
		item.Since = a.EndOn.AddDays(from)
		if err := address(env, emit, item, a.entries(cfg.To), a.entries(cfg.Cc), cfg.DataTo, a.who()); err != nil {
			return err
		}
		switch {
		case errors.Is(termErr, rules.ErrNoBirthDate):
			err = problem(env, emit, cfg.DataTo, a.who().Person, "no_birth_date", say(env.Config, "jobs.problem_no_birth_date"), item)
		case errors.Is(termErr, rules.ErrNoGender):
			err = problem(env, emit, cfg.DataTo, a.who().Person, "no_gender", say(env.Config, "jobs.problem_no_gender"), item)
		}
		if err != nil {
			return err
		}
	}
	return rows.Err()
}

// termItem is the reminder of one ending term.
func (a *endingTerm) termItem(env *Env, asOf civil.Date, step string, overdue bool, t rules.Term) notify.Item {
	cfg := env.Config
	days := asOf.DaysUntil(a.EndOn)
	kind := "term_ending"
	if overdue {
		kind = "review_overdue"
	}
	it := a.item(kind, "appointment/"+strconv.FormatInt(a.ID, 10), step)
	it.Ref, it.RefName, it.Date, it.Days = a.Position, a.Position, a.EndOn, days
	retirement := say(cfg, "jobs.case_unknown")
	if !t.Retirement.IsZero() {
		retirement = say(cfg, "jobs.retires_on", day(cfg, t.Retirement)) + "; " + caseText(cfg, t)
	}
	switch {
	case days < 0:
		it.Note = say(cfg, "jobs.term_note_expired", day(cfg, a.EndOn), -days, retirement)
	case overdue:
		it.Note = say(cfg, "jobs.term_note_overdue", day(cfg, a.EndOn), day(cfg, t.ReviewDeadline), t.ReviewDeadline.DaysUntil(asOf), retirement)
	default:
		it.Note = say(cfg, "jobs.term_note", day(cfg, a.EndOn), day(cfg, t.ReviewDeadline), retirement)
	}
	it.Fields["term_start"] = a.StartOn
	it.Fields["term_end"] = a.EndOn
	it.Fields["review_deadline"] = t.ReviewDeadline
	it.Fields["review_days"] = asOf.DaysUntil(t.ReviewDeadline)
	it.Fields["retirement"] = t.Retirement
	it.Fields["case"] = string(t.Case)
	it.Fields["case_text"] = caseText(cfg, t)
	it.Fields["new_end"] = t.NewEnd
	it.Fields["decision_no"] = a.DecisionNo
	it.Fields[notify.FieldDeadlines] = []notify.Deadline{
		{Key: it.Key + "/review", Date: t.ReviewDeadline, Title: say(cfg, "jobs.ev_review", a.StaffName, a.Position), Note: it.Note},
		{Key: it.Key + "/end", Date: a.EndOn, Title: say(cfg, "jobs.ev_term_end", a.StaffName, a.Position), Note: it.Note},
	}
	return it
}
