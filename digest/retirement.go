package digest

import (
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
)

// The retirement rule lives here only until the rules package (issue 3) is
// merged: retirementDate and reappointmentCase have the semantics and the case
// codes of rules.RetirementDate and rules.CaseFor, and should then call them,
// so that the digest and the reappointments job never disagree on a person's
// retirement date or case.

// Reappointment cases of a term ending (DOMAIN.md "Retirement age and
// re-appointment"), as codes in the JSON and keys of the labels.
const (
	CaseFullTerm        = "full_term"        // 5 years or more left at term end: a normal re-appointment
	CaseUntilRetirement = "until_retirement" // less than 5 years left: the new term runs to retirement
	CaseExtension       = "extension"        // less than 2 years left: no re-appointment, extension to retirement
	CaseRetiresFirst    = "retires_first"    // retirement falls before the term ends
	CaseUnknown         = "unknown"          // no birth date or gender: the case cannot be told
)

// retirementDate returns the last day of the month in which a person born on
// birth reaches the retirement age of that month's year (Labour Code 2019 art.
// 169; Decree 135/2020 art. 4), with the age roadmap of rules. ok is false
// without a birth date or a known gender.
func retirementDate(rules config.Rules, birth civil.Date, gender string) (civil.Date, bool) {
	var road config.AgeRoadmap
	switch gender {
	case "male":
		road = rules.Retirement.Male
	case "female":
		road = rules.Retirement.Female
	default:
		return civil.Date{}, false
	}
	if birth.IsZero() {
		return civil.Date{}, false
	}
	born := birth.Year*12 + int(birth.Month) - 1 // months since year 0
	// The youngest age any year asks is the one before the roadmap starts.
	lowest := int(road.Start) - road.StepMonths
	if lowest < 0 {
		lowest = 0
	}
	for age := lowest; age <= int(road.Final)+12; age++ {
		m := born + age
		if age >= requiredAge(road, m/12) {
			d := civil.Date{Year: m / 12, Month: time.Month(m%12 + 1), Day: 1}
			return d.EndOfMonth(), true
		}
	}
	return civil.Date{}, false
}

// requiredAge is the retirement age in months for a year of the roadmap: the
// age before the roadmap starts, Start in FromYear, rising by StepMonths a
// year up to Final.
func requiredAge(road config.AgeRoadmap, year int) int {
	if year < road.FromYear {
		return int(road.Start) - road.StepMonths
	}
	return min(int(road.Start)+road.StepMonths*(year-road.FromYear), int(road.Final))
}

// reappointmentCase tells what happens at the end of a term ending on end, for
// a person retiring on retire (Decree 138/2020 art. 49.2 and the rules'
// thresholds).
func reappointmentCase(rules config.Rules, end, retire civil.Date, known bool) string {
	switch {
	case !known:
		return CaseUnknown
	case !retire.After(end):
		return CaseRetiresFirst
	case retire.Before(end.AddYears(rules.NoReappointYears)):
		return CaseExtension
	case retire.Before(end.AddYears(rules.ShortTermYears)):
		return CaseUntilRetirement
	}
	return CaseFullTerm
}
