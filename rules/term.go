package rules

import (
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
)

// Case is what the end of an appointment term leads to, given the time left
// to retirement when the term ends (Decree 138/2020 art. 49.2).
type Case string

// The cases, as codes (messages label them in the configured language).
const (
	// CaseFullTerm: re-appointment for a full term (rules.term_years).
	CaseFullTerm Case = "full_term"
	// CaseUntilRetirement: less than rules.short_term_years left at term end;
	// the new term runs only until the retirement date.
	CaseUntilRetirement Case = "until_retirement"
	// CaseExtension: less than rules.no_reappoint_years left; no
	// re-appointment, the post may be extended until retirement.
	CaseExtension Case = "extension"
	// CaseRetiresFirst: the person retires on or before the term ends; there
	// is nothing to re-appoint.
	CaseRetiresFirst Case = "retires_first"
	// CaseUnknown: no birth date or gender, so no retirement date.
	CaseUnknown Case = "unknown"
)

// Term is what the rules say about one appointment term coming to its end.
type Term struct {
	// End is the last day of the term.
	End civil.Date
	// ReviewDeadline is the day by which the re-appointment review must open:
	// End less rules.review_lead_days (Decree 170/2025 art. 39.1).
	ReviewDeadline civil.Date
	// Retirement is the retirement date (zero when unknown).
	Retirement civil.Date
	Case       Case
	// NewEnd is when a new term would end: End plus a full term, the
	// retirement date when the term is cut short or extended, zero otherwise.
	NewEnd civil.Date
}

// Reappointment judges a term ending on end for a person born on birth of
// gender. With no birth date or gender the case is CaseUnknown and err says
// which is missing; the rest of Term is still filled.
func Reappointment(end, birth civil.Date, gender string, r config.Rules) (Term, error) {
	t := Term{End: end, ReviewDeadline: end.AddDays(-r.ReviewLeadDays), Case: CaseUnknown}
	retire, err := RetirementDate(birth, gender, r.Retirement)
	if err != nil {
		return t, err
	}
	t.Retirement = retire
	t.Case = CaseFor(end, retire, r)
	switch t.Case {
	case CaseFullTerm:
		t.NewEnd = end.AddYears(r.TermYears)
	case CaseUntilRetirement, CaseExtension:
		t.NewEnd = retire
	}
	return t, nil
}

// CaseFor says which case applies to a term ending on end for a person
// retiring on retire. "Less than N years left" compares retire with end plus
// N years, so exactly N years left is not less.
func CaseFor(end, retire civil.Date, r config.Rules) Case {
	switch {
	case !retire.After(end):
		return CaseRetiresFirst
	case retire.Before(end.AddYears(r.NoReappointYears)):
		return CaseExtension
	case retire.Before(end.AddYears(r.ShortTermYears)):
		return CaseUntilRetirement
	}
	return CaseFullTerm
}

// CanServeFullTerm reports whether someone retiring on retire can still serve
// one full term (rules.term_years) starting on from: the age condition for
// entering cadre planning and for a first appointment (QĐ 50-QĐ/TW 2021;
// Hướng dẫn 06-HD/BTCTW 2021).
func CanServeFullTerm(retire, from civil.Date, r config.Rules) bool {
	return !retire.Before(from.AddYears(r.TermYears))
}
