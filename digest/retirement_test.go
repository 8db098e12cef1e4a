package digest

import (
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
)

func testRules(t *testing.T) config.Rules {
	cfg, err := config.Parse([]byte("timezone: Asia/Ho_Chi_Minh\n"), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Rules
}

// TestRetirementDate checks the check rows of DOMAIN.md: born in the month,
// retiring at the end of the month the age is reached.
func TestRetirementDate(t *testing.T) {
	rules := testRules(t)
	cases := []struct {
		gender, born, want string
	}{
		{"male", "1961-01-15", "2021-04-30"},   // 60y3m
		{"male", "1961-10-15", "2022-04-30"},   // 60y6m
		{"male", "1962-07-15", "2023-04-30"},   // 60y9m
		{"male", "1963-04-15", "2024-04-30"},   // 61y
		{"male", "1964-01-15", "2025-04-30"},   // 61y3m
		{"male", "1964-10-15", "2026-04-30"},   // 61y6m
		{"male", "1965-07-15", "2027-04-30"},   // 61y9m
		{"male", "1966-04-15", "2028-04-30"},   // 62y
		{"male", "1970-04-15", "2032-04-30"},   // 62y after the roadmap
		{"male", "1955-06-15", "2015-06-30"},   // 60y before it
		{"female", "1966-01-15", "2021-05-31"}, // 55y4m
		{"female", "1966-09-15", "2022-05-31"}, // 55y8m
		{"female", "1967-05-15", "2023-05-31"}, // 56y
		{"female", "1968-01-15", "2024-05-31"}, // 56y4m
		{"female", "1975-05-15", "2035-05-31"}, // 60y
	}
	for _, c := range cases {
		got, ok := retirementDate(rules, civil.MustParse(c.born), c.gender)
		if !ok || got.String() != c.want {
			t.Errorf("%s born %s: %s (%v), want %s", c.gender, c.born, got, ok, c.want)
		}
	}
	if _, ok := retirementDate(rules, civil.Date{}, "male"); ok {
		t.Error("no birth date: a date")
	}
	if _, ok := retirementDate(rules, civil.MustParse("1970-01-01"), ""); ok {
		t.Error("no gender: a date")
	}
}

func TestReappointmentCase(t *testing.T) {
	rules := testRules(t)
	end := civil.MustParse("2027-01-15")
	cases := []struct {
		retire string
		want   string
	}{
		{"2027-01-15", CaseRetiresFirst},    // on the day the term ends
		{"2029-01-14", CaseExtension},       // a day short of 2 years
		{"2029-01-15", CaseUntilRetirement}, // exactly 2 years: a short term
		{"2032-01-14", CaseUntilRetirement}, // a day short of 5 years
		{"2032-01-15", CaseFullTerm},        // 5 years: a full term
	}
	for _, c := range cases {
		if got := reappointmentCase(rules, end, civil.MustParse(c.retire), true); got != c.want {
			t.Errorf("retiring %s: %s, want %s", c.retire, got, c.want)
		}
	}
	if got := reappointmentCase(rules, end, civil.Date{}, false); got != CaseUnknown {
		t.Errorf("unknown: %s", got)
	}
}
