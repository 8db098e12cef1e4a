package answers_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
)

// Each case is a form as a person (or a script) could send it, on 26
// November 2026.
func TestCheck(t *testing.T) {
	today := civil.MustParse("2026-11-26")
	for _, c := range []struct {
		name    string
		in      answers.Input
		problem string // "field/code", "" when taken
	}{
		// Done with a date and a certificate number; in both date forms.
		{"done", answers.Input{Choice: "done", DoneOn: "2026-11-20", CertificateNo: " QLNN-1 "}, ""},
		{"done, day first", answers.Input{Choice: "done", DoneOn: "20/11/2026"}, ""},
		// Done needs its date, a real one, not ahead, not from long ago.
		{"done without a date", answers.Input{Choice: "done"}, "done_on/required"},
		{"done on no real day", answers.Input{Choice: "done", DoneOn: "2026-02-30"}, "done_on/date"},
		{"done tomorrow", answers.Input{Choice: "done", DoneOn: "2026-11-27"}, "done_on/range"},
		{"done in 1999", answers.Input{Choice: "done", DoneOn: "1999-01-01"}, "done_on/range"},
		{"done on a long string", answers.Input{Choice: "done", DoneOn: strings.Repeat("2", 40)}, "done_on/date"},
		// The certificate number is bounded and one line.
		{"certificate too long", answers.Input{Choice: "done", DoneOn: "2026-11-20", CertificateNo: strings.Repeat("x", 65)}, "certificate_no/length"},
		{"certificate with a line break", answers.Input{Choice: "done", DoneOn: "2026-11-20", CertificateNo: "a\nb"}, "certificate_no/characters"},
		// Registered needs a start date within a year back and two ahead.
		{"registered", answers.Input{Choice: "registered", StartsOn: "2027-03-01"}, ""},
		{"registered without a date", answers.Input{Choice: "registered"}, "starts_on/required"},
		{"registered far ahead", answers.Input{Choice: "registered", StartsOn: "2030-01-01"}, "starts_on/range"},
		// Not applicable needs a reason of a few characters, lines allowed.
		{"not applicable", answers.Input{Choice: "not_applicable", Reason: "Đã nghỉ hưu\r\ntừ 01/11/2026"}, ""},
		{"not applicable without a reason", answers.Input{Choice: "not_applicable", Reason: "  "}, "reason/required"},
		{"reason too short", answers.Input{Choice: "not_applicable", Reason: "ok"}, "reason/length"},
		{"reason too long", answers.Input{Choice: "not_applicable", Reason: strings.Repeat("ạ", 501)}, "reason/length"},
		{"reason with a NUL", answers.Input{Choice: "not_applicable", Reason: "abc\x00def"}, "reason/characters"},
		{"reason not UTF-8", answers.Input{Choice: "not_applicable", Reason: "abc\xffdef"}, "reason/characters"},
		// A choice the page does not offer, or none.
		{"unknown choice", answers.Input{Choice: "delete"}, "answer/choice"},
		{"no choice", answers.Input{}, "answer/choice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := answers.Check(c.in, today)
			var p *answers.Problem
			switch {
			case c.problem == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.problem == "":
				if a.Choice != c.in.Choice {
					t.Errorf("choice %q", a.Choice)
				}
			case !errors.As(err, &p):
				t.Fatalf("got %v, want the problem %s", err, c.problem)
			case p.Field+"/"+p.Code != c.problem:
				t.Fatalf("problem %s/%s, want %s", p.Field, p.Code, c.problem)
			case p.Text("vi") == "" || p.Text("en") == "":
				t.Errorf("problem %s has no text", c.problem)
			}
		})
	}
}

// What Check keeps: the chosen choice's fields, trimmed, and none of the others'.
func TestCheckKeeps(t *testing.T) {
	a, err := answers.Check(answers.Input{Choice: "done", DoneOn: "20/11/2026", CertificateNo: " QLNN-1 ", StartsOn: "2027-01-01", Reason: "x"}, civil.MustParse("2026-11-26"))
	if err != nil {
		t.Fatal(err)
	}
	if a.DoneOn.String() != "2026-11-20" || a.CertificateNo != "QLNN-1" || !a.StartsOn.IsZero() || a.Reason != "" {
		t.Errorf("kept %+v", a)
	}
	r, err := answers.Check(answers.Input{Choice: "not_applicable", Reason: "a\r\nb c"}, civil.MustParse("2026-11-26"))
	if err != nil || r.Reason != "a\nb c" {
		t.Errorf("reason %q, %v", r.Reason, err)
	}
}

// Obligations are training/N or certificate/N, nothing else.
func TestParseObligation(t *testing.T) {
	for key, ok := range map[string]bool{
		"training/12": true, "certificate/3": true,
		"training/0": false, "training/012": false, "training/-1": false, "refresher/A/2026": false, "training/": false, "": false,
	} {
		s, id, err := answers.ParseObligation(key)
		if (err == nil) != ok {
			t.Errorf("%q: %v", key, err)
		}
		if ok && answers.Key(s, id) != key {
			t.Errorf("%q read back as %s", key, answers.Key(s, id))
		}
	}
}
