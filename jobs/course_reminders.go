package jobs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// CourseReminders reminds each person of their trainings due in 30 / 7 / 1
// days (config steps_days), and of trainings overdue every overdue_every_days
// with the manager in copy.
type CourseReminders struct{}

func init() { register("course-reminders", func() Job { return CourseReminders{} }) }

// Name implements Job.
func (CourseReminders) Name() string { return "course-reminders" }

// dueTraining is one row of the due-trainings query.
type dueTraining struct {
	ID           int64      `db:"id"`
	StaffCode    string     `db:"staff_code"`
	CourseCode   string     `db:"course_code"`
	DueOn        civil.Date `db:"due_on"`
	Status       string     `db:"status"`
	CourseName   string     `db:"course_name"`
	StaffName    string     `db:"staff_name"`
	StaffEmail   string     `db:"staff_email"`
	UnitCode     string     `db:"unit_code"`
	ManagerCode  string     `db:"manager_code"`
	ManagerName  string     `db:"manager_name"`
	ManagerEmail string     `db:"manager_email"`
	HeadCode     string     `db:"head_code"`
	HeadName     string     `db:"head_name"`
	HeadEmail    string     `db:"head_email"`
}

func (r *dueTraining) who() Who {
	return Who{
		Person:   Contact{r.StaffCode, r.StaffName, r.StaffEmail},
		Manager:  Contact{r.ManagerCode, r.ManagerName, r.ManagerEmail},
		UnitHead: Contact{r.HeadCode, r.HeadName, r.HeadEmail},
	}
}

// Notices implements Job.
func (CourseReminders) Notices(ctx context.Context, env *Env, slot time.Time) ([]notify.Notice, error) {
	cfg := env.Config.Jobs.CourseReminders
	asOf := env.AsOf(slot)
	horizon := asOf.AddDays(slices.Max(append([]int{0}, cfg.StepsDays...)))
	rows, err := env.Store.DB.QueryxContext(ctx, env.Store.Q("due-trainings"), horizon, asOf)
	if err != nil {
		return nil, fmt.Errorf("due trainings: %w", err)
	}
	defer rows.Close()
	var out []notify.Notice
	for rows.Next() {
		var r dueTraining
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		days := asOf.DaysUntil(r.DueOn)
		item := notify.Item{
			Key:       "training/" + strconv.FormatInt(r.ID, 10),
			StaffCode: r.StaffCode, StaffName: r.StaffName, Unit: r.UnitCode,
			Ref: r.CourseCode, RefName: r.CourseName, Date: r.DueOn, Days: days,
		}
		to, cc := cfg.To, cfg.Cc
		if days < 0 {
			item.Kind = "training_overdue"
			item.Step = overdueStep(days, cfg.OverdueEveryDays)
			cc = append(slices.Clone(cc), cfg.OverdueCc...)
		} else {
			step, ok := dueStep(days, cfg.StepsDays)
			if !ok {
				continue
			}
			item.Kind, item.Step = "training_due", step
		}
		out = append(out, address(env, item, to, cc, cfg.DataTo, r.who())...)
	}
	return out, rows.Err()
}

// address makes the notices of one item: one per "to" recipient, each with the
// "cc" recipients in copy, and a data_problem notice for each role that could
// not be filled. With nobody to write to, the item itself becomes the problem.
func address(env *Env, item notify.Item, to, cc, dataTo []string, w Who) []notify.Notice {
	tos, problems := resolve(env.Config, to, w)
	ccs, ccProblems := resolve(env.Config, cc, w)
	problems = append(problems, ccProblems...)
	var out []notify.Notice
	for _, r := range tos {
		out = append(out, notify.Notice{To: r, Cc: ccs, Item: item})
	}
	return append(out, problemNotices(env.Config, dataTo, problems, item)...)
}
