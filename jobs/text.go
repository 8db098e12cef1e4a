package jobs

import (
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/rules"
)

// say fills in the phrase key (package i18n, "jobs.…") in the configured
// language. Dates are formatted per language before they are filled in.
func say(cfg *config.Config, key string, args ...any) string {
	return i18n.T(cfg.Language, key, args...)
}

// day formats a date in the configured language.
func day(cfg *config.Config, d civil.Date) string { return d.Format(cfg.Language) }

// num formats a number in the configured language (12,5 in Vietnamese).
func num(cfg *config.Config, f float64) string { return message.FormatNumber(f, cfg.Language) }

// caseText says what the reappointment case means, with its dates.
func caseText(cfg *config.Config, t rules.Term) string {
	r := cfg.Rules
	switch t.Case {
	case rules.CaseFullTerm:
		return say(cfg, "jobs.case_full_term", r.TermYears, day(cfg, t.NewEnd))
	case rules.CaseUntilRetirement:
		return say(cfg, "jobs.case_until_ret", r.ShortTermYears, day(cfg, t.Retirement))
	case rules.CaseExtension:
		return say(cfg, "jobs.case_extension", r.NoReappointYears, day(cfg, t.Retirement))
	case rules.CaseRetiresFirst:
		return say(cfg, "jobs.case_retires_first")
	}
	return say(cfg, "jobs.case_unknown")
}
