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

// RefresherHours tells each person on staff whose completed refresher hours
// this calendar year are under rules.refresher_min_hours (Circular 01/2018
// art. 3) their hours and the refresher training they have planned, and gives
// list_to (HR) the list. It sends from the configured day of the year (1
// September) on, at each run of its schedule (monthly), once a month.
type RefresherHours struct{ Named[config.RefresherHours] }

func init() {
	register(func() Job { return RefresherHours{} })
	notify.RegisterFieldType("jobs.PlannedTraining", []PlannedTraining(nil))
}

// refresherRow is one row of the refresher-short query: a person short of the
// minimum, and one of their planned refresher trainings (if any).
type refresherRow struct {
	personRow
	DoneHours      float64    `db:"done_hours"`
	TrainingID     int64      `db:"training_id"`
	CourseCode     string     `db:"course_code"`
	CourseName     string     `db:"course_name"`
	TrainingStatus string     `db:"training_status"`
	DueOn          civil.Date `db:"due_on"`
	PlannedHours   float64    `db:"planned_hours"`
}

// PlannedTraining is a refresher training a person has planned or is
// enrolled in, shown with their hours (Item.Fields["planned"]).
type PlannedTraining struct {
	Course string
	Name   string
	Status string // planned, enrolled
	DueOn  civil.Date
	Hours  float64
}

// Notices implements Job.
func (RefresherHours) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.RefresherHours
	asOf := env.AsOf(slot)
	m, d, err := config.MonthDay(cfg.From)
	if err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if asOf.Before(civil.Date{Year: asOf.Year, Month: m, Day: d}) {
		return nil // too early in the year to tell anyone they are short
	}
	if len(cfg.Categories) == 0 {
		return nil
	}
	minimum := env.Config.Rules.RefresherMinHours
	jan1 := civil.Date{Year: asOf.Year, Month: time.January, Day: 1}
	dec31 := civil.Date{Year: asOf.Year, Month: time.December, Day: 31}
	rows, err := env.Store.Query(ctx, "refresher-short", cfg.Categories, jan1, asOf, asOf, asOf, minimum, dec31, cfg.Categories)
	if err != nil {
		return fmt.Errorf("refresher hours: %w", err)
	}
	defer rows.Close()
	step := monthStep(asOf)
	yearEnd := notify.Deadline{Key: "refresher/" + strconv.Itoa(asOf.Year), Date: dec31, Title: say(env.Config, "jobs.ev_refresher", asOf.Year, num(env.Config, minimum))}
	var cur *refresherRow
	var planned []PlannedTraining
	flush := func() error {
		if cur == nil {
			return nil
		}
		var plannedHours float64
		for _, p := range planned {
			plannedHours += p.Hours
		}
		it := cur.item("refresher_short", "refresher/"+cur.StaffCode+"/"+strconv.Itoa(asOf.Year), step)
		it.Date, it.Days = dec31, asOf.DaysUntil(dec31)
		it.Note = say(env.Config, "jobs.refresher_note", asOf.Year, num(env.Config, cur.DoneHours), num(env.Config, minimum),
			num(env.Config, minimum-cur.DoneHours), num(env.Config, plannedHours))
		it.Fields["year"] = asOf.Year
		it.Fields["done"] = cur.DoneHours
		it.Fields["minimum"] = minimum
		it.Fields["short"] = minimum - cur.DoneHours
		it.Fields["planned_hours"] = plannedHours
		it.Fields["planned"] = planned
		it.Fields["still_short"] = cur.DoneHours+plannedHours < minimum
		it.Fields[notify.FieldDeadlines] = []notify.Deadline{yearEnd}
		if err := address(env, emit, it, cur.entries(cfg.To), cur.entries(cfg.Cc), cfg.DataTo, cur.who()); err != nil {
			return err
		}
		return address(env, emit, it, cur.entries(cfg.ListTo), nil, cfg.DataTo, cur.who())
	}
	for rows.Next() {
		var r refresherRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("refresher hours: %w", err)
		}
		if cur == nil || r.StaffCode != cur.StaffCode {
			if err := flush(); err != nil {
				return err
			}
			cur, planned = &r, nil
		}
		if r.TrainingID != 0 {
			planned = append(planned, PlannedTraining{Course: r.CourseCode, Name: r.CourseName, Status: r.TrainingStatus, DueOn: r.DueOn, Hours: r.PlannedHours})
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}
