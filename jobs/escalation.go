package jobs

import (
	"fmt"
	"maps"
	"strings"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/notify"
)

// Fields of an overdue training's item that say who was told.
const (
	// FieldTold, on the person's own item: who else has been told of it
	// ([]string, labels in the message's language).
	FieldTold = "told"
	// FieldPersonTold, on an item a level of the chain gets: whether the
	// person it is about was reminded themself (bool).
	FieldPersonTold = "person_told"
)

// escalate emits the notices of an overdue training: the person's own
// (the job's to and cc), and one for each level of the escalation chain the
// training has reached after overdue days: the manager from the first
// overdue week, each week, in their team message; the unit head after 4
// weeks and HR after 8, once (config escalation). A level's notice is an
// item of its own step ("overdue/N" for a level told again each period,
// "escalated/Kw" for one told once), so the outbox sends each once whatever
// order slots run in, and an address reached by an earlier level (a manager
// who heads the unit) is not told twice in a run. The person's item says
// who else was told; a level's item says whether the person was.
// link is the obligation's answer link, for the person's own notice.
func escalate(env *Env, emit notify.Emit, item notify.Item, overdue int, r *personRow, link string) error {
	cfg := env.Config.Jobs.CourseReminders
	w := r.who()
	tos, problems := resolve(env.Config, r.entries(cfg.To), w)
	ccs, ccProblems := resolve(env.Config, r.entries(cfg.Cc), w)
	problems = append(problems, ccProblems...)
	reached := map[string]bool{}
	for _, t := range tos {
		reached[t.Email] = true
	}
	for _, t := range ccs {
		reached[t.Email] = true
	}
	var told []string
	for _, level := range cfg.Escalation {
		start := 1 + 7*level.AfterWeeks // the day of overdue the level is told from
		if overdue < start {
			continue
		}
		it := item
		it.Fields = maps.Clone(item.Fields)
		it.Fields[FieldPersonTold] = len(tos) > 0
		if !level.Repeat {
			it.Step, it.Since = fmt.Sprintf("escalated/%dw", level.AfterWeeks), item.Date.AddDays(start)
		} else if item.Since.Before(item.Date.AddDays(start)) {
			continue // told again each period from its start: not yet this one
		}
		rs, ps := resolve(env.Config, r.entries(level.To), w)
		problems = append(problems, ps...)
		any := false
		for _, to := range rs {
			if reached[to.Email] {
				continue
			}
			reached[to.Email] = true
			any = true
			if err := emit(notify.Notice{To: to, Item: it}); err != nil {
				return err
			}
		}
		if any {
			told = append(told, levelLabel(env.Config, level))
		}
	}
	if len(told) > 0 {
		item.Fields = maps.Clone(item.Fields)
		item.Fields[FieldTold] = told
	}
	for _, to := range tos {
		it := item
		if link != "" && to.StaffCode != "" && to.StaffCode == item.StaffCode {
			it = withAnswerLink(item, link)
		}
		if err := emit(notify.Notice{To: to, Cc: ccs, Item: it}); err != nil {
			return err
		}
	}
	return problemNotices(env.Config, emit, cfg.DataTo, problems, item)
}

// levelLabel names who a level of the chain tells, for the person's
// message ("Thủ trưởng đơn vị đã được thông báo").
func levelLabel(cfg *config.Config, level config.Escalation) string {
	var names []string
	for _, e := range level.To {
		names = append(names, whoLabel(cfg, e))
	}
	return strings.Join(names, ", ")
}

// whoLabel names a recipient entry for a person's message: a role or a
// known list by what it is, any other list or address as written.
func whoLabel(cfg *config.Config, entry string) string {
	if p, ok := i18n.Lookup(cfg.Language, "jobs.who_"+entry); ok {
		return p
	}
	return entry
}
