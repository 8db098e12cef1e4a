// Package rules holds the regulations that turn records into dates and
// decisions: the retirement date of the Labour Code 2019 roadmap, and what an
// appointment term's end means for re-appointment. The numbers come from
// config.Rules (docs/domain.md "Rules behind the defaults"); nothing here reads
// the clock. The reminder jobs and the monthly digest both call it, so they
// agree.
package rules

import (
	"errors"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
)

// Reasons a retirement date cannot be computed; the jobs report them as data
// to fix.
var (
	ErrNoBirthDate = errors.New("no birth date")
	ErrNoGender    = errors.New("no gender")
)

// RequiredAge is the retirement age a roadmap sets for year: Start in
// FromYear, StepMonths more each later year, at most Final. Before FromYear
// it is the age the roadmap started from (Start less one step: 60 for men and
// 55 for women under the Labour Code 2012), never lower.
func RequiredAge(r config.AgeRoadmap, year int) config.Age {
	steps := year - r.FromYear
	if steps < -1 {
		steps = -1
	}
	age := r.Start + config.Age(steps*r.StepMonths)
	return min(age, max(r.Final, r.Start))
}

// RetirementMonth returns the first month in which a person born in birth's
// month reaches the age the roadmap requires in that month's year (Decree
// 135/2020 art. 4 and Appendix I). Ages count in whole months from the birth
// month, so the day of birth does not matter.
func RetirementMonth(birth civil.Date, r config.AgeRoadmap) (year int, month time.Month) {
	born := birth.Year*12 + int(birth.Month-1)
	// The required age only grows, by less than a year each year, so the
	// first month that reaches it is found by moving forward from the lowest
	// age the roadmap can ask.
	m := born + int(RequiredAge(r, -1<<30))
	for m-born < int(RequiredAge(r, m/12)) {
		m++
	}
	return m / 12, time.Month(m%12 + 1)
}

// RetirementDate is the day a person retires: the last day of their
// retirement month. gender is a codes.Gender code (male, female).
func RetirementDate(birth civil.Date, gender string, r config.Retirement) (civil.Date, error) {
	if birth.IsZero() {
		return civil.Date{}, ErrNoBirthDate
	}
	var roadmap config.AgeRoadmap
	switch gender {
	case "male":
		roadmap = r.Male
	case "female":
		roadmap = r.Female
	default:
		return civil.Date{}, ErrNoGender
	}
	y, m := RetirementMonth(birth, roadmap)
	return civil.Date{Year: y, Month: m, Day: 1}.EndOfMonth(), nil
}

// Age returns the age in whole years on day of a person born on birth.
func Age(birth, day civil.Date) int {
	years := day.Year - birth.Year
	if day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day) {
		years--
	}
	return years
}
