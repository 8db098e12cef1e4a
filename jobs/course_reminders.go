package jobs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
)

// CourseReminders reminds each person of their trainings due in 30 / 7 / 1
// days (config steps_days), of trainings overdue every overdue_every_days,
// and of certificates (courses with valid_months) expiring within the same
// steps, unless they completed the course again. An overdue training climbs
// the escalation chain (escalation.go): the manager, the unit head, HR.
type CourseReminders struct{ Named[config.CourseReminders] }

func init() { register(func() Job { return CourseReminders{} }) }

// dueTraining is one row of the due-trainings query.
type dueTraining struct {
	personRow
	ID         int64      `db:"id"`
	CourseCode string     `db:"course_code"`
	DueOn      civil.Date `db:"due_on"`
	Status     string     `db:"status"`
	CourseName string     `db:"course_name"`
}

// undatedTraining is one row of the undated-trainings query.
type undatedTraining struct {
	ID         int64  `db:"id"`
	CourseCode string `db:"course_code"`
	CourseName string `db:"course_name"`
	StaffCode  string `db:"staff_code"`
	StaffName  string `db:"staff_name"`
	UnitCode   string `db:"unit_code"`
}

// Notices implements Job.
func (CourseReminders) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.CourseReminders
	asOf := env.AsOf(slot)
	horizon := asOf.AddDays(slices.Max(append([]int{0}, cfg.StepsDays...)))
	rows, err := env.Store.Query(ctx, "due-trainings", horizon, asOf)
	if err != nil {
		return fmt.Errorf("due trainings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r dueTraining
		if err := rows.StructScan(&r); err != nil {
			return err
		}
		days := asOf.DaysUntil(r.DueOn)
		item := r.item("", "training/"+strconv.FormatInt(r.ID, 10), "")
		item.Ref, item.RefName, item.Date, item.Days = r.CourseCode, r.CourseName, r.DueOn, days
		if days < 0 {
			step, from := overdueStep(days, cfg.OverdueEveryDays)
			item.Kind, item.Step, item.Since = "training_overdue", step, r.DueOn.AddDays(from)
			if err := escalate(env, emit, item, -days, &r.personRow, env.Links.URL(item.Key, r.StaffCode, slot)); err != nil {
				return err
			}
			continue
		} else {
			step, from, ok := dueStep(days, cfg.StepsDays)
			if !ok {
				continue
			}
			item.Kind, item.Step, item.Since = "training_due", step, r.DueOn.AddDays(from)
			item.Fields[notify.FieldDeadlines] = []notify.Deadline{{
				Key: item.Key + "/due", Date: r.DueOn, Title: say(env.Config, "jobs.ev_training_due", r.CourseName),
			}}
		}
		link := env.Links.URL(item.Key, r.StaffCode, slot)
		if err := addressLinked(env, emit, item, link, r.entries(cfg.To), r.entries(cfg.Cc), cfg.DataTo, r.who()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := undatedTrainings(ctx, env, asOf, emit); err != nil {
		return err
	}
	if cfg.Certificates == nil || *cfg.Certificates {
		if err := expiringCertificates(ctx, env, slot, emit); err != nil {
			return err
		}
	}
	return selfReported(ctx, env, asOf, emit)
}

// undatedTrainings lists open trainings with no due date to data_to: without
// a date no step can fall due, which must not pass in silence. Each is told
// once.
func undatedTrainings(ctx context.Context, env *Env, asOf civil.Date, emit notify.Emit) error {
	rows, err := env.Store.Query(ctx, "undated-trainings", asOf)
	if err != nil {
		return fmt.Errorf("undated trainings: %w", err)
	}
	defer rows.Close()
	cfg := env.Config.Jobs.CourseReminders
	for rows.Next() {
		var r undatedTraining
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("undated trainings: %w", err)
		}
		about := notify.Item{Key: "training/" + strconv.FormatInt(r.ID, 10), Step: "undated",
			StaffCode: r.StaffCode, StaffName: r.StaffName, Unit: r.UnitCode, Ref: r.CourseCode, RefName: r.CourseName}
		if err := problem(env, emit, cfg.DataTo, Contact{Code: r.StaffCode, Name: r.StaffName}, "no_due_date", say(env.Config, "jobs.problem_no_due_date"), about); err != nil {
			return err
		}
	}
	return rows.Err()
}

// expiringCertificate is one row of the expiring-certificates query.
type expiringCertificate struct {
	personRow
	ID          int64      `db:"id"`
	CourseCode  string     `db:"course_code"`
	CourseName  string     `db:"course_name"`
	CompletedOn civil.Date `db:"completed_on"`
	ValidMonths int        `db:"valid_months"`
}

// certificateCourse is one row of the certificate-courses query.
type certificateCourse struct {
	Code        string `db:"code"`
	ValidMonths int    `db:"valid_months"`
}

// expiringCertificates reminds people of certificates that expire within the
// steps: completed_on + valid_months, the tightest step reached. An expired
// certificate is no longer reminded of: the training it needs is then a
// matter for the training plan. Courses with a validity are few; each gets one
// range scan over the completions whose certificate can expire in the window.
func expiringCertificates(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	var courses []certificateCourse
	if err := env.Store.Select(ctx, &courses, "certificate-courses"); err != nil {
		return fmt.Errorf("certificate courses: %w", err)
	}
	for _, c := range courses {
		if err := courseCertificates(ctx, env, slot, c, emit); err != nil {
			return err
		}
	}
	return nil
}

// courseCertificates reminds of one course's certificates expiring.
func courseCertificates(ctx context.Context, env *Env, slot time.Time, course certificateCourse, emit notify.Emit) error {
	cfg := env.Config.Jobs.CourseReminders
	asOf := env.AsOf(slot)
	horizon := asOf.AddDays(slices.Max(append([]int{0}, cfg.StepsDays...)))
	// Adding months clamps to the month's end (31/01 + 1 month = 28/02), so a
	// completion up to 3 days off the plain subtraction can still expire in
	// the window; the exact expiry is checked below.
	from := asOf.AddMonths(-course.ValidMonths).AddDays(-3)
	to := horizon.AddMonths(-course.ValidMonths).AddDays(3)
	rows, err := env.Store.Query(ctx, "expiring-certificates", course.Code, from, to, asOf)
	if err != nil {
		return fmt.Errorf("expiring certificates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c expiringCertificate
		if err := rows.StructScan(&c); err != nil {
			return fmt.Errorf("expiring certificates: %w", err)
		}
		expires := c.CompletedOn.AddMonths(c.ValidMonths)
		days := asOf.DaysUntil(expires)
		step, from, ok := dueStep(days, cfg.StepsDays)
		if !ok {
			continue
		}
		item := c.item("certificate_expiry", "certificate/"+strconv.FormatInt(c.ID, 10), step)
		item.Since = expires.AddDays(from)
		item.Ref, item.RefName, item.Date, item.Days = c.CourseCode, c.CourseName, expires, days
		item.Note = say(env.Config, "jobs.certificate_note", day(env.Config, expires), day(env.Config, c.CompletedOn), c.ValidMonths)
		item.Fields["completed_on"] = c.CompletedOn
		item.Fields["valid_months"] = c.ValidMonths
		item.Fields[notify.FieldDeadlines] = []notify.Deadline{{
			Key: item.Key + "/expiry", Date: expires, Title: say(env.Config, "jobs.ev_certificate", c.CourseName), Note: item.Note,
		}}
		link := env.Links.URL(item.Key, c.StaffCode, slot)
		if err := addressLinked(env, emit, item, link, c.entries(cfg.To), c.entries(cfg.Cc), cfg.DataTo, c.who()); err != nil {
			return err
		}
	}
	return rows.Err()
}

// address emits the notices of one item: one per "to" recipient, each with
// the "cc" recipients in copy, and a data_problem notice for each role that
// could not be filled. With nobody to write to, the item itself becomes the
// problem.
func address(env *Env, emit notify.Emit, item notify.Item, to, cc, dataTo []string, w Who) error {
	return addressLinked(env, emit, item, "", to, cc, dataTo, w)
}

// addressLinked is address for an obligation of the person the item is
// about: the notice to that person carries link, the obligation's answer
// link (notify.FieldAnswerURL); the notices to anyone else do not.
func addressLinked(env *Env, emit notify.Emit, item notify.Item, link string, to, cc, dataTo []string, w Who) error {
	tos, problems := resolve(env.Config, to, w)
	ccs, ccProblems := resolve(env.Config, cc, w)
	problems = append(problems, ccProblems...)
	for _, r := range tos {
		it := item
		if link != "" && r.StaffCode != "" && r.StaffCode == item.StaffCode {
			it = withAnswerLink(item, link)
		}
		if err := emit(notify.Notice{To: r, Cc: ccs, Item: it}); err != nil {
			return err
		}
	}
	return problemNotices(env.Config, emit, dataTo, problems, item)
}
