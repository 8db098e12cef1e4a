package answers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/store"
)

// The answers a person can give about an obligation.
const (
	ChoiceDone          = "done"           // completed: when, and the certificate's number if any
	ChoiceRegistered    = "registered"     // registered for a course: when it starts
	ChoiceNotApplicable = "not_applicable" // does not apply to them: why
)

// Choices are the answers, in the order the page offers them.
var Choices = []string{ChoiceDone, ChoiceRegistered, ChoiceNotApplicable}

// Bounds of the fields, in characters, and of the dates, from the day of the
// answer.
const (
	MaxCertificateNo = 64
	MaxReason        = 500
	MinReason        = 3
	doneYearsBack    = 5 // a completion further back is a typing mistake
	startYearsBack   = 1 // registered for a course that began up to a year ago
	startYearsAhead  = 2 // or that begins within two years
)

// Input is what the form of the page sent: the choice and its fields as
// written.
type Input struct {
	Choice        string
	DoneOn        string
	CertificateNo string
	StartsOn      string
	Reason        string
}

// InputOf reads the form's fields: answer, done_on, certificate_no,
// starts_on, reason.
func InputOf(v url.Values) Input {
	return Input{Choice: v.Get("answer"), DoneOn: v.Get("done_on"), CertificateNo: v.Get("certificate_no"),
		StartsOn: v.Get("starts_on"), Reason: v.Get("reason")}
}

// Problem is a field of the form that cannot be taken.
type Problem struct {
	Field string // answer, done_on, certificate_no, starts_on, reason
	Code  string // choice, required, date, range, length, characters
}

// Error says what is wrong, in English.
func (p *Problem) Error() string { return p.Field + ": " + p.Text("en") }

// Text says what is wrong in lang (vi or en): the field's own text for a
// range or a length, with its bounds, else the code's (package i18n,
// "answers.…").
func (p *Problem) Text(lang string) string {
	switch p.Field + "/" + p.Code {
	case "done_on/range":
		return i18n.T(lang, "answers.range_done_on", doneYearsBack)
	case "starts_on/range":
		return i18n.T(lang, "answers.range_starts_on", startYearsBack, startYearsAhead)
	case "certificate_no/length":
		return i18n.T(lang, "answers.length_certificate_no", MaxCertificateNo)
	case "reason/length":
		return i18n.T(lang, "answers.length_reason", MinReason, MaxReason)
	}
	return i18n.T(lang, "answers.problem_"+p.Code)
}

// Check reads in as of today and returns the answer's choice and fields
// (the fields of other choices are dropped), or the first *Problem.
func Check(in Input, today civil.Date) (store.Answer, error) {
	a := store.Answer{Choice: in.Choice}
	var err error
	switch in.Choice {
	case ChoiceDone:
		if a.DoneOn, err = date("done_on", in.DoneOn, today.AddYears(-doneYearsBack), today); err != nil {
			return store.Answer{}, err
		}
		if a.CertificateNo, err = text("certificate_no", in.CertificateNo, 0, MaxCertificateNo, false); err != nil {
			return store.Answer{}, err
		}
	case ChoiceRegistered:
		if a.StartsOn, err = date("starts_on", in.StartsOn, today.AddYears(-startYearsBack), today.AddYears(startYearsAhead)); err != nil {
			return store.Answer{}, err
		}
	case ChoiceNotApplicable:
		if a.Reason, err = text("reason", in.Reason, MinReason, MaxReason, true); err != nil {
			return store.Answer{}, err
		}
	default:
		return store.Answer{}, &Problem{Field: "answer", Code: "choice"}
	}
	return a, nil
}

// date reads a required date within [from, to].
func date(field, s string, from, to civil.Date) (civil.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return civil.Date{}, &Problem{Field: field, Code: "required"}
	}
	if len(s) > 10 {
		return civil.Date{}, &Problem{Field: field, Code: "date"}
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, &Problem{Field: field, Code: "date"}
	}
	if d.Before(from) || d.After(to) {
		return civil.Date{}, &Problem{Field: field, Code: "range"}
	}
	return d, nil
}

// text reads a field of at least minLen and at most maxLen characters,
// trimmed; lines (CR LF or LF, kept as LF) only where multiline, no other
// control character.
func text(field, s string, minLen, maxLen int, multiline bool) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", &Problem{Field: field, Code: "characters"}
	}
	for _, r := range s {
		if (unicode.IsControl(r) && !(multiline && r == '\n')) || r == utf8.RuneError {
			return "", &Problem{Field: field, Code: "characters"}
		}
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && minLen > 0:
		return "", &Problem{Field: field, Code: "required"}
	case n < minLen || n > maxLen:
		return "", &Problem{Field: field, Code: "length"}
	}
	return s, nil
}

// Key is the item key of an obligation: training/123.
func Key(subject string, id int64) string { return subject + "/" + strconv.FormatInt(id, 10) }

// ParseObligation reads an obligation's item key: its subject (training or
// certificate) and the training row it names.
func ParseObligation(key string) (subject string, id int64, err error) {
	subject, n, ok := strings.Cut(key, "/")
	if ok && (subject == store.SubjectTraining || subject == store.SubjectCertificate) {
		if id, err := strconv.ParseInt(n, 10, 64); err == nil && id > 0 && strconv.FormatInt(id, 10) == n {
			return subject, id, nil
		}
	}
	return "", 0, fmt.Errorf("%q is not an obligation (training/N or certificate/N)", key)
}
