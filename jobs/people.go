package jobs

import (
	"slices"
	"strconv"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// personRow is the part of a query row that says who an item is about and
// who is around them: the columns every job query selects under these names
// (see store/queries/*.sql).
type personRow struct {
	StaffCode    string `db:"staff_code"`
	StaffName    string `db:"staff_name"`
	StaffEmail   string `db:"staff_email"`
	UnitCode     string `db:"unit_code"`
	UnitName     string `db:"unit_name"`
	ManagerCode  string `db:"manager_code"`
	ManagerName  string `db:"manager_name"`
	ManagerEmail string `db:"manager_email"`
	// HeadCode is the head above the person: the head of their unit, or, when
	// they head it themself, the head of the unit above (whoever appoints and
	// rates them).
	HeadCode  string `db:"head_code"`
	HeadName  string `db:"head_name"`
	HeadEmail string `db:"head_email"`
	// TopHead: the person heads a unit with no unit above, so nobody in the
	// records stands above them; the lists alone are told.
	TopHead bool `db:"top_head"`
}

func (r *personRow) who() Who {
	return Who{
		Person:   Contact{r.StaffCode, r.StaffName, r.StaffEmail},
		Manager:  Contact{r.ManagerCode, r.ManagerName, r.ManagerEmail},
		UnitHead: Contact{r.HeadCode, r.HeadName, r.HeadEmail},
	}
}

// entries drops the unit_head role for a top head: their superior is outside
// the records, which is not a data problem to report.
func (r *personRow) entries(list []string) []string {
	if !r.TopHead || !slices.Contains(list, RoleUnitHead) {
		return list
	}
	return slices.DeleteFunc(slices.Clone(list), func(e string) bool { return e == RoleUnitHead })
}

// item starts an item about the row's person.
func (r *personRow) item(kind, key, step string) notify.Item {
	return notify.Item{Kind: kind, Key: key, Step: step, StaffCode: r.StaffCode, StaffName: r.StaffName, Unit: r.UnitCode, Fields: map[string]any{"unit_name": r.UnitName}}
}

// yearStep is the step of a yearly reminder: sent once in the year.
func yearStep(d civil.Date) string { return strconv.Itoa(d.Year) }

// monthStep is the step of a reminder that a job repeats each month (or at a
// few set dates of the year, like the two evaluation-season runs): sent once
// in the month.
func monthStep(d civil.Date) string { return d.String()[:7] }

// problem emits one data problem about a person as a data_problem item
// under the reminder it concerns.
func problem(env *Env, emit notify.Emit, dataTo []string, who Contact, reason, note string, about notify.Item) error {
	return problemNotices(env.Config, emit, dataTo, []Problem{{Who: who, Reason: reason, Note: note}}, about)
}
