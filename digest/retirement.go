package digest

import "github.com/tickler-dev/tickler/rules"

// Reappointment cases of a term ending, as codes in the JSON and keys of the
// labels: the rules package's cases (docs/domain.md "Re-appointment near
// retirement"), so the digest and the reappointments job agree.
const (
	CaseFullTerm        = string(rules.CaseFullTerm)
	CaseUntilRetirement = string(rules.CaseUntilRetirement)
	CaseExtension       = string(rules.CaseExtension)
	CaseRetiresFirst    = string(rules.CaseRetiresFirst)
	CaseUnknown         = string(rules.CaseUnknown)
)
