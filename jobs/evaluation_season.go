package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
)

// EvaluationSeason opens the yearly rating (by default on 1 November, and
// again on 1 December): it tells HR and the unit heads the deadline (15
// December, Decree 90/2020 art. 20) and who has no rating for the year yet.
// HR also gets each unit's count. The step is the run's month, so each of the
// season's runs is sent once.
type EvaluationSeason struct{ Named[config.EvaluationSeason] }

func init() { register(func() Job { return EvaluationSeason{} }) }

// unitRating is one row of the evaluation-units query.
type unitRating struct {
	UnitCode string `db:"unit_code"`
	UnitName string `db:"unit_name"`
	Staff    int    `db:"staff"`
	Rated    int    `db:"rated"`
}

// Notices implements Job.
func (EvaluationSeason) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.EvaluationSeason
	asOf := env.AsOf(slot)
	m, d, err := config.MonthDay(cfg.Deadline)
	if err != nil {
		return fmt.Errorf("deadline: %w", err)
	}
	year := asOf.Year
	deadline := civil.Date{Year: year, Month: m, Day: d}
	step := monthStep(asOf)
	season := notify.Deadline{
		Key: "evaluation/" + strconv.Itoa(year), Date: deadline,
		Title: say(env.Config, "jobs.ev_rating", year),
	}

	var units []unitRating
	if err := env.Store.Select(ctx, &units, "evaluation-units", year, asOf, asOf); err != nil {
		return fmt.Errorf("evaluation units: %w", err)
	}
	unitItems := map[string]notify.Item{}
	lists := listsOnly(env.Config, cfg.To)
	for _, u := range units {
		it := notify.Item{
			Kind: "evaluation_unit", Key: "evaluation/unit/" + u.UnitCode + "/" + strconv.Itoa(year), Step: step,
			Unit: u.UnitCode, Ref: u.UnitCode, RefName: u.UnitName, Date: deadline, Days: asOf.DaysUntil(deadline),
			Note: say(env.Config, "jobs.rating_unit_note", u.UnitName, u.Rated, u.Staff, year, u.Staff-u.Rated),
			Fields: map[string]any{
				"year": year, "staff": u.Staff, "rated": u.Rated, "missing": u.Staff - u.Rated,
				notify.FieldDeadlines: []notify.Deadline{season},
			},
		}
		unitItems[u.UnitCode] = it
		for _, r := range lists {
			if err := emit(notify.Notice{To: r, Item: it}); err != nil {
				return err
			}
		}
	}

	rows, err := env.Store.Query(ctx, "evaluation-missing", asOf, asOf, year)
	if err != nil {
		return fmt.Errorf("evaluation missing: %w", err)
	}
	defer rows.Close()
	reported := map[string]bool{} // unit problems, reported once per unit and head
	for rows.Next() {
		var p personRow
		if err := rows.StructScan(&p); err != nil {
			return fmt.Errorf("evaluation missing: %w", err)
		}
		it := p.item("evaluation_missing", "evaluation/"+p.StaffCode+"/"+strconv.Itoa(year), step)
		it.Date, it.Days = deadline, asOf.DaysUntil(deadline)
		it.Note = say(env.Config, "jobs.rating_note", year, day(env.Config, deadline))
		it.Fields["year"] = year
		it.Fields[notify.FieldDeadlines] = []notify.Deadline{season}
		tos, problems := resolve(env.Config, p.entries(cfg.To), p.who())
		ccs, ccProblems := resolve(env.Config, p.entries(cfg.Cc), p.who())
		for _, r := range tos {
			if err := emit(notify.Notice{To: r, Cc: ccs, Item: it}); err != nil {
				return err
			}
		}
		for _, pr := range append(problems, ccProblems...) {
			if pr.Reason != "no_unit_head" && pr.Reason != "unit_head_no_email" {
				if err := problemNotices(env.Config, emit, cfg.DataTo, []Problem{pr}, it); err != nil {
					return err
				}
				continue
			}
			// A unit without a head (or whose head has no address) is one
			// thing to fix, however many people in it wait for a rating.
			k := pr.Reason + "|" + p.UnitCode + "|" + p.HeadCode
			if reported[k] {
				continue
			}
			reported[k] = true
			about, ok := unitItems[p.UnitCode]
			if !ok {
				about = it
			}
			about.Key += "/" + p.HeadCode
			pr.Who = Contact{Code: p.UnitCode, Name: p.UnitName}
			if err := problemNotices(env.Config, emit, cfg.DataTo, []Problem{pr}, about); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}
