package rules_test

import (
	"errors"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/rules"
)

// defaults are the rules of an empty configuration file: the ones docs/domain.md
// documents.
func defaults(t *testing.T) config.Rules {
	t.Helper()
	cfg, err := config.Parse(nil, "empty.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Rules
}

func TestRetirementDate(t *testing.T) {
	r := defaults(t)
	cases := []struct {
		birth, gender, want string
		age                 string // the age reached in the retirement month, for the reader
	}{
		// docs/domain.md check rows, men: the roadmap rises 3 months a year from
		// 60y3m in 2021 to 62y in 2028.
		{"1961-01-15", "male", "2021-04-30", "60y3m"},
		{"1961-10-15", "male", "2022-04-30", "60y6m"},
		{"1962-07-15", "male", "2023-04-30", "60y9m"},
		{"1963-04-15", "male", "2024-04-30", "61y"},
		{"1964-01-15", "male", "2025-04-30", "61y3m"},
		{"1964-10-15", "male", "2026-04-30", "61y6m"},
		{"1965-07-15", "male", "2027-04-30", "61y9m"},
		{"1966-04-15", "male", "2028-04-30", "62y"},
		// docs/domain.md check rows, women: 4 months a year from 55y4m in 2021 to 60y in 2035.
		{"1966-01-15", "female", "2021-05-31", "55y4m"},
		{"1966-09-15", "female", "2022-05-31", "55y8m"},
		{"1967-05-15", "female", "2023-05-31", "56y"},
		{"1968-01-15", "female", "2024-05-31", "56y4m"},
		{"1975-05-15", "female", "2035-05-31", "60y"},

		// Between check rows: a man born 09/1961 still reaches 60y3m within
		// 2021 (in December); one born 12/1961 reaches 60y3m only in 2022,
		// whose age is 60y6m, so June 2022.
		{"1961-09-01", "male", "2021-12-31", "60y3m"},
		{"1961-12-01", "male", "2022-06-30", "60y6m"},
		// A woman born 04/1975 reaches 2034's 59y8m in December 2034; one
		// born a month later waits for 2035's 60y (the check row above).
		{"1975-04-01", "female", "2034-12-31", "59y8m"},
		// After the roadmap's end the final age holds.
		{"1970-06-15", "male", "2032-06-30", "62y"},
		{"1985-03-31", "female", "2045-03-31", "60y"},
		// Before the roadmap, the age it started from: 60 and 55.
		{"1955-07-20", "male", "2015-07-31", "60y"},
		{"1962-11-02", "female", "2017-11-30", "55y"},

		// Month ends: only the birth month counts, so the last and the first
		// day of a month give the same date, and the next day the next month.
		{"1961-01-31", "male", "2021-04-30", "60y3m"},
		{"1961-01-01", "male", "2021-04-30", "60y3m"},
		{"1961-02-01", "male", "2021-05-31", "60y3m"},
		{"1961-12-31", "male", "2022-06-30", "60y6m"},
		// Born on 29 February of a leap year; retires at the end of a 31-day month.
		{"1964-02-29", "male", "2025-05-31", "61y3m"},
		// A woman born on 28 February retires at the end of June.
		{"1966-02-28", "female", "2021-06-30", "55y4m"},
		// Retirement month is February: the last day is the 28th, or the 29th in a leap year.
		{"1977-02-28", "female", "2037-02-28", "60y"},
		{"1967-06-30", "female", "2023-06-30", "56y"},
		{"1970-02-28", "male", "2032-02-29", "62y"},
		{"1976-02-29", "female", "2036-02-29", "60y"},
	}
	for _, c := range cases {
		got, err := rules.RetirementDate(civil.MustParse(c.birth), c.gender, r.Retirement)
		if err != nil {
			t.Errorf("%s %s: %v", c.gender, c.birth, err)
			continue
		}
		if got.String() != c.want {
			t.Errorf("%s born %s: retires %s, want %s (at %s)", c.gender, c.birth, got, c.want, c.age)
		}
	}
}

func TestRetirementDateMissingData(t *testing.T) {
	r := defaults(t)
	// No birth date: the date cannot be computed, and the error says why.
	if _, err := rules.RetirementDate(civil.Date{}, "male", r.Retirement); !errors.Is(err, rules.ErrNoBirthDate) {
		t.Errorf("no birth date: err %v", err)
	}
	// No gender (or an unknown one): neither.
	for _, g := range []string{"", "other"} {
		if _, err := rules.RetirementDate(civil.MustParse("1970-01-01"), g, r.Retirement); !errors.Is(err, rules.ErrNoGender) {
			t.Errorf("gender %q: err %v", g, err)
		}
	}
}

func TestRetirementFromConfig(t *testing.T) {
	// The roadmap is configuration: an agency applying another one gets other dates.
	cfg, err := config.Parse([]byte("rules:\n  retirement:\n    male: {from_year: 2030, start: 63y, step_months: 6, final: 65y}\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ birth, want string }{
		// Before 2030 the age the roadmap starts from, 62y6m: born 05/1967 → 11/2029.
		{"1967-05-10", "2029-11-30"},
		// 63 in 2030: born 09/1967 turns 62y6m in 03/2030 (below 63), 63 in 09/2030.
		{"1967-09-10", "2030-09-30"},
		// 63y6m in 2031: born 01/1968 turns 63 in 01/2031 (below 63y6m) and 63y6m in 07/2031.
		{"1968-01-10", "2031-07-31"},
		// Final 65 from 2034.
		{"1975-01-10", "2040-01-31"},
	}
	for _, c := range cases {
		got, err := rules.RetirementDate(civil.MustParse(c.birth), "male", cfg.Rules.Retirement)
		if err != nil || got.String() != c.want {
			t.Errorf("born %s: %s %v, want %s", c.birth, got, err, c.want)
		}
	}
}

func TestCaseFor(t *testing.T) {
	r := defaults(t)
	end := civil.MustParse("2027-03-31")
	cases := []struct {
		retire string
		want   rules.Case
	}{
		// Retires before the term ends, or on its last day: nothing to re-appoint.
		{"2026-12-31", rules.CaseRetiresFirst},
		{"2027-03-31", rules.CaseRetiresFirst},
		// A day after the term end: less than 2 years left, extension only.
		{"2027-04-01", rules.CaseExtension},
		// One day short of 2 years: still extension.
		{"2029-03-30", rules.CaseExtension},
		// Exactly 2 years is not "less than 2": re-appointment until retirement.
		{"2029-03-31", rules.CaseUntilRetirement},
		// One day short of 5 years: until retirement.
		{"2032-03-30", rules.CaseUntilRetirement},
		// Exactly 5 years: a full term fits.
		{"2032-03-31", rules.CaseFullTerm},
		{"2040-01-31", rules.CaseFullTerm},
	}
	for _, c := range cases {
		if got := rules.CaseFor(end, civil.MustParse(c.retire), r); got != c.want {
			t.Errorf("term ends %s, retires %s: %s, want %s", end, c.retire, got, c.want)
		}
	}
}

func TestReappointment(t *testing.T) {
	r := defaults(t)
	cases := []struct {
		end, birth, gender string
		want               rules.Case
		retire, newEnd     string
	}{
		// A man born 04/1966 retires 30/04/2028 (62y). Term ends 30/04/2026:
		// 2 years left exactly, so re-appointment until retirement.
		{"2026-04-30", "1966-04-15", "male", rules.CaseUntilRetirement, "2028-04-30", "2028-04-30"},
		// The same man, term ending a day later: one day under 2 years, extension.
		{"2026-05-01", "1966-04-15", "male", rules.CaseExtension, "2028-04-30", "2028-04-30"},
		// A woman born 05/1975 retires 31/05/2035. Term ends 31/05/2030: 5
		// years exactly, a full term to 31/05/2035.
		{"2030-05-31", "1975-05-15", "female", rules.CaseFullTerm, "2035-05-31", "2035-05-31"},
		// Term ending a day later: under 5 years, only until retirement.
		{"2030-06-01", "1975-05-15", "female", rules.CaseUntilRetirement, "2035-05-31", "2035-05-31"},
		// A man born 1980 has 20 years left: a full term of 5 years.
		{"2027-01-14", "1980-02-02", "male", rules.CaseFullTerm, "2042-02-28", "2032-01-14"},
		// A man who retires 30/04/2026 (born 10/1964), term ending after that.
		{"2026-06-30", "1964-10-01", "male", rules.CaseRetiresFirst, "2026-04-30", ""},
	}
	for _, c := range cases {
		got, err := rules.Reappointment(civil.MustParse(c.end), civil.MustParse(c.birth), c.gender, r)
		if err != nil {
			t.Fatal(err)
		}
		if got.Case != c.want || got.Retirement.String() != c.retire || got.NewEnd.String() != c.newEnd {
			t.Errorf("end %s, %s born %s: %s retire %s new end %s; want %s %s %s",
				c.end, c.gender, c.birth, got.Case, got.Retirement, got.NewEnd, c.want, c.retire, c.newEnd)
		}
		// The review opens 90 days before the end (Decree 170/2025 art. 39.1).
		if want := civil.MustParse(c.end).AddDays(-90); got.ReviewDeadline != want {
			t.Errorf("end %s: review deadline %s, want %s", c.end, got.ReviewDeadline, want)
		}
	}
	// No birth date: the case is unknown, the deadline still known.
	got, err := rules.Reappointment(civil.MustParse("2027-01-01"), civil.Date{}, "male", r)
	if !errors.Is(err, rules.ErrNoBirthDate) || got.Case != rules.CaseUnknown || got.ReviewDeadline.String() != "2026-10-03" {
		t.Errorf("no birth date: %+v %v", got, err)
	}
}

func TestCanServeFullTerm(t *testing.T) {
	r := defaults(t)
	from := civil.MustParse("2026-03-15")
	cases := []struct {
		retire string
		want   bool
	}{
		// Exactly 5 years left on the day: a full term fits.
		{"2031-03-15", true},
		// One day short.
		{"2031-03-14", false},
		{"2040-12-31", true},
	}
	for _, c := range cases {
		if got := rules.CanServeFullTerm(civil.MustParse(c.retire), from, r); got != c.want {
			t.Errorf("retires %s, from %s: %v, want %v", c.retire, from, got, c.want)
		}
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		birth, day string
		want       int
	}{
		{"1981-03-15", "2026-03-14", 44}, // the day before the birthday
		{"1981-03-15", "2026-03-15", 45}, // on the birthday
		{"1980-02-29", "2026-02-28", 45}, // a 29 February birthday in a common year: not yet
		{"1980-02-29", "2026-03-01", 46},
	}
	for _, c := range cases {
		if got := rules.Age(civil.MustParse(c.birth), civil.MustParse(c.day)); got != c.want {
			t.Errorf("born %s on %s: %d, want %d", c.birth, c.day, got, c.want)
		}
	}
}
