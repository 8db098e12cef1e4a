package digest

import (
	"context"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// SelfReported are the answers people gave in the month through the links
// in their reminders (package answers): how many, by where each stands now,
// and the first of those still awaiting the records. The agency's digest
// has it; a unit's does not (Report.SelfReported is nil there).
type SelfReported struct {
	Answered  int64 `json:"answered"`
	Pending   int64 `json:"pending"` // self-reported, awaiting the records
	Confirmed int64 `json:"confirmed"`
	Rejected  int64 `json:"rejected"`
	// List is the pending ones, oldest first, at most listSelfReported.
	List []SelfReport `json:"list"`
}

// SelfReport is one answer awaiting the records.
type SelfReport struct {
	StaffCode  string     `json:"staff_code"`
	FullName   string     `json:"full_name"`
	Course     string     `json:"course"`
	Answer     string     `json:"answer"` // done, registered, not_applicable
	AnsweredOn civil.Date `json:"answered_on"`
}

// listSelfReported is how many pending answers the section lists.
const listSelfReported = 10

// selfReported counts the month's answers, in the agency's zone.
func (c *Computer) selfReported(ctx context.Context, p period) (*SelfReported, bool, error) {
	loc := c.location()
	from, to := store.T(p.start.Time(loc)), store.T(p.end.AddDays(1).Time(loc))
	var counts []struct {
		State string `db:"state"`
		N     int64  `db:"n"`
	}
	if err := c.sel(ctx, &counts, "answers-month", from, to); err != nil {
		return nil, false, err
	}
	s := &SelfReported{List: []SelfReport{}}
	for _, n := range counts {
		s.Answered += n.N
		switch n.State {
		case store.AnswerPending:
			s.Pending = n.N
		case store.AnswerConfirmed:
			s.Confirmed = n.N
		case store.AnswerRejected:
			s.Rejected = n.N
		}
	}
	if s.Pending == 0 {
		return s, s.Answered == 0, nil
	}
	var rows []struct {
		StaffCode  string     `db:"staff_code"`
		StaffName  string     `db:"staff_name"`
		CourseName string     `db:"course_name"`
		Choice     string     `db:"choice"`
		AnsweredAt store.Time `db:"answered_at"`
		ID         int64      `db:"id"`
	}
	if err := c.sel(ctx, &rows, "answers-month-pending", from, to, listSelfReported); err != nil {
		return nil, false, err
	}
	for _, r := range rows {
		s.List = append(s.List, SelfReport{StaffCode: r.StaffCode, FullName: r.StaffName, Course: r.CourseName,
			Answer: r.Choice, AnsweredOn: civil.In(r.AnsweredAt.Time, loc)})
	}
	return s, false, nil
}

// agencySelfReported is the section of the agency's digest.
func (c *Computer) agencySelfReported(ctx context.Context, p period) *Section[SelfReported] {
	s := &Section[SelfReported]{}
	fill(s, func() (*SelfReported, bool, error) { return c.selfReported(ctx, p) })
	return s
}
