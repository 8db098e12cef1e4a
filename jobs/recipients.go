package jobs

import (
	"net/mail"
	"strings"

	"github.com/tickler-dev/tickler/mailaddr"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
)

// Contact is a person a rule may write to.
type Contact struct {
	Code  string
	Name  string
	Email string
}

// Who are the people around an item that roles refer to.
type Who struct {
	Person   Contact // the person the item is about
	Manager  Contact // their manager (staff.manager_code)
	UnitHead Contact // the head of their unit
}

// Roles a job's to/cc entries may name, besides lists from `recipients` and addresses.
const (
	RolePerson   = "person"
	RoleManager  = "manager"
	RoleUnitHead = "unit_head"
)

// Problem is a reason a reminder could not be addressed: it goes to the
// "data to fix" list instead of being dropped.
type Problem struct {
	Who    Contact
	Reason string // stable code: no_email, no_manager, no_unit_head ...
	Note   string // what to fix, in the message's language
}

// resolve turns a job's to/cc entries into recipients for one item. A role
// that cannot be filled (no manager, a manager with no address) is returned as
// a problem.
func resolve(cfg *config.Config, entries []string, w Who) ([]notify.Recipient, []Problem) {
	var out []notify.Recipient
	var problems []Problem
	for _, e := range entries {
		switch e {
		case RolePerson:
			switch {
			case w.Person.Email == "":
				problems = append(problems, Problem{Who: w.Person, Reason: "no_email", Note: say(cfg, "jobs.problem_no_email")})
			case !usable(w.Person.Email):
				problems = append(problems, Problem{Who: w.Person, Reason: "bad_email", Note: say(cfg, "jobs.problem_bad_email", w.Person.Email)})
			default:
				out = append(out, notify.Recipient{Name: w.Person.Name, Email: w.Person.Email, StaffCode: w.Person.Code})
			}
		case RoleManager:
			switch {
			case w.Manager.Code == "":
				problems = append(problems, Problem{Who: w.Person, Reason: "no_manager", Note: say(cfg, "jobs.problem_no_manager")})
			case w.Manager.Email == "":
				problems = append(problems, Problem{Who: w.Person, Reason: "manager_no_email", Note: say(cfg, "jobs.problem_manager_no_email", w.Manager.Name, w.Manager.Code)})
			case !usable(w.Manager.Email):
				problems = append(problems, Problem{Who: w.Person, Reason: "manager_bad_email", Note: say(cfg, "jobs.problem_manager_bad_email", w.Manager.Name, w.Manager.Code, w.Manager.Email)})
			default:
				out = append(out, notify.Recipient{Name: w.Manager.Name, Email: w.Manager.Email, StaffCode: w.Manager.Code})
			}
		case RoleUnitHead:
			switch {
			case w.UnitHead.Code == "":
				problems = append(problems, Problem{Who: w.Person, Reason: "no_unit_head", Note: say(cfg, "jobs.problem_no_unit_head")})
			case w.UnitHead.Email == "":
				problems = append(problems, Problem{Who: w.Person, Reason: "unit_head_no_email", Note: say(cfg, "jobs.problem_unit_head_no_email", w.UnitHead.Name, w.UnitHead.Code)})
			case !usable(w.UnitHead.Email):
				problems = append(problems, Problem{Who: w.Person, Reason: "unit_head_bad_email", Note: say(cfg, "jobs.problem_unit_head_bad_email", w.UnitHead.Name, w.UnitHead.Code, w.UnitHead.Email)})
			default:
				out = append(out, notify.Recipient{Name: w.UnitHead.Name, Email: w.UnitHead.Email, StaffCode: w.UnitHead.Code})
			}
		default:
			out = append(out, listRecipients(cfg, e)...)
		}
	}
	return out, problems
}

// usable reports whether an address from the records passes the one address
// rule (the importer's and the planner's): one that does not is a problem
// for HR to fix, not a failure of everyone's run.
func usable(email string) bool {
	_, err := mailaddr.Normalize(email)
	return err == nil
}

// Unusable is the planner's last resort (plan.Planner.Unusable) for a
// notice whose address it cannot use, for a job that did not catch it: the
// address becomes a data_problem item to the job's data_to lists (HR's list
// when the job has none), about the item the notice carried.
func Unusable(cfg *config.Config, job string) func(notify.Notice, error) []notify.Notice {
	dataTo, ok := cfg.DataTo(job)
	if !ok {
		dataTo = []string{config.ListHR}
	}
	return func(n notify.Notice, err error) []notify.Notice {
		var out []notify.Notice
		who := Contact{Code: n.To.StaffCode, Name: n.To.Name, Email: n.To.Email}
		if who.Code == "" {
			who.Code, who.Name = n.Item.StaffCode, n.Item.StaffName
		}
		p := Problem{Who: who, Reason: "bad_email", Note: say(cfg, "jobs.problem_bad_address", n.To.Email, err)}
		problemNotices(cfg, func(n notify.Notice) error { out = append(out, n); return nil }, dataTo, []Problem{p}, n.Item)
		return out
	}
}

// listRecipients expands a named list, or takes the entry as an address.
func listRecipients(cfg *config.Config, entry string) []notify.Recipient {
	addrs, ok := cfg.Recipients[entry]
	if !ok {
		addrs = []string{entry}
	}
	out := make([]notify.Recipient, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, parseRecipient(a))
	}
	return out
}

// parseRecipient reads a config address, bare or "Name <address>" (validated
// when the config was loaded).
func parseRecipient(s string) notify.Recipient {
	if a, err := mail.ParseAddress(s); err == nil {
		return notify.Recipient{Name: a.Name, Email: a.Address}
	}
	return notify.Recipient{Email: strings.TrimSpace(s)}
}

// problemNotices emits each problem, as a data_problem item, to the job's
// data_to lists. The problem keeps the key and step of the reminder it blocked
// (about), so it is reported once per reminder, as the reminder would have been.
func problemNotices(cfg *config.Config, emit notify.Emit, dataTo []string, problems []Problem, about notify.Item) error {
	if len(problems) == 0 {
		return nil
	}
	lists := listsOnly(cfg, dataTo)
	for _, p := range problems {
		item := notify.Item{
			Kind: "data_problem", Key: "problem|" + p.Reason + "|" + about.Key, Step: about.Step, Since: about.Since,
			StaffCode: p.Who.Code, StaffName: p.Who.Name, Unit: about.Unit,
			Ref: about.Ref, RefName: about.RefName, Date: about.Date, Days: about.Days,
			Note: p.Note, Fields: map[string]any{"reason": p.Reason, "about_kind": about.Kind},
		}
		for _, r := range lists {
			if err := emit(notify.Notice{To: r, Item: item}); err != nil {
				return err
			}
		}
	}
	return nil
}

// listsOnly resolves entries that are lists or addresses (roles make no sense
// for the data-to-fix list).
func listsOnly(cfg *config.Config, entries []string) []notify.Recipient {
	var out []notify.Recipient
	for _, e := range entries {
		if e == RolePerson || e == RoleManager || e == RoleUnitHead {
			continue
		}
		out = append(out, listRecipients(cfg, e)...)
	}
	return out
}
