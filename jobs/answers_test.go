package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

const linkSecret = "0123456789abcdef0123456789abcdef"

// linked is setup with answer links: http.public_url set and a signer.
func linked(t *testing.T, st *store.Store, training string) (*scheduler.Runner, *answers.Signer, func(date string) []string) {
	t.Helper()
	_, runner := setup(t, st, training)
	cfg := testkit.Config(t, baseConfig+"http: {public_url: 'https://tickler.example.vn'}\n")
	s, err := answers.NewSigner([]byte(linkSecret))
	if err != nil {
		t.Fatal(err)
	}
	runner.Signer = s
	run := func(date string) []string {
		t.Helper()
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at(date), false)
		if err != nil {
			t.Fatalf("run at %s: %v", date, err)
		}
		return summary(res.Planned)
	}
	return runner, s, run
}

// trainingOf returns the id of staff's training on course.
func trainingOf(t *testing.T, st *store.Store, staff, course string) int64 {
	t.Helper()
	var id int64
	if err := st.GetSQL(context.Background(), &id, "SELECT id FROM training WHERE staff_code = ? AND course_code = ? ORDER BY start_on DESC LIMIT 1", staff, course); err != nil {
		t.Fatal(err)
	}
	return id
}

// answer stores staff's answer about a training, as the page would.
func answer(t *testing.T, st *store.Store, subject string, id int64, staff, date string) store.Answer {
	t.Helper()
	a, _, err := st.SaveAnswer(context.Background(), store.Answer{Subject: subject, RefID: id, StaffCode: staff,
		ItemKind: "training_overdue", Choice: answers.ChoiceDone, DoneOn: civil.MustParse("2026-11-20"), CertificateNo: "QLNN-9"},
		store.Actor{Who: "self", At: at(date)})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Each personal reminder of an obligation carries its own link, which
// names that obligation of that person; items about someone else carry
// none, and without http.public_url nothing does.
func TestAnswerLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		runner, signer, _ := linked(t, st, `
			A,QLNN,2026-01-05,enrolled,2026-12-01,,
			A,TH,2026-01-05,enrolled,2026-11-20,,
			B,QLNN,2026-01-05,enrolled,2026-12-01,,`)
		cfg := testkit.Config(t, baseConfig+"http: {public_url: 'https://tickler.example.vn'}\n")
		res, err := runner.Execute(context.Background(), cfg, jobs.CourseReminders{}, at("2026-11-26"), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Planned {
			for _, it := range p.Items {
				link, _ := it.Fields[notify.FieldAnswerURL].(string)
				switch {
				case p.To.Email == "a@example.vn":
					tok, ok := strings.CutPrefix(link, "https://tickler.example.vn/ack/")
					if !ok {
						t.Fatalf("%s %s: link %q", it.Kind, it.Ref, link)
					}
					c, err := signer.Verify(tok, at("2026-11-26"))
					if err != nil || c.Obligation != it.Key || c.StaffCode != "A" {
						t.Errorf("%s: claims %+v, %v", it.Key, c, err)
					}
					if !c.Expires.Equal(at("2026-11-26").Add(90 * 24 * time.Hour)) {
						t.Errorf("expires %s, want 90 days after the slot", c.Expires)
					}
					if !strings.Contains(p.Content.Text, link) || !strings.Contains(p.Content.HTML, `href="`+link+`"`) {
						t.Errorf("the message does not show the link %s", link)
					}
				case link != "":
					// HR's item about B (no e-mail) has no link.
					t.Errorf("%s about %s to %s carries a link", it.Kind, it.StaffCode, p.To.Email)
				}
			}
		}
		// Without a public URL, no link.
		plain, err := runner.Execute(context.Background(), testkit.Config(t, baseConfig), jobs.CourseReminders{}, at("2026-11-26"), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range plain.Planned {
			if strings.Contains(p.Content.Text, "/ack/") {
				t.Errorf("a message to %s has a link without http.public_url", p.To.Email)
			}
		}
	})
}

// An answer stops the reminders of its obligation, for the person and for
// the manager in copy, while it stands; HR is told once per revision; a
// rejection resumes them at the step the obligation has reached, without
// repeating a step sent before the pause; the records' completion confirms
// it.
func TestAnswerStopsAndRejectionResumes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		_, _, run := linked(t, st, `
			A,QLNN,2026-01-05,enrolled,2026-12-01,,
			A,TH,2026-01-05,enrolled,2026-12-01,,`)
		qlnn := trainingOf(t, st, "A", "QLNN")
		steps := []struct {
			date string
			do   func()
			want []string
		}{
			// 30 days before: both courses, to A.
			{"2026-11-01", nil, []string{"a@example.vn||training_due A QLNN 30d", "a@example.vn||training_due A TH 30d"}},
			// A answers about QLNN on 3/11: HR hears of it, A hears nothing.
			{"2026-11-03", func() { answer(t, st, store.SubjectTraining, qlnn, "A", "2026-11-03") },
				[]string{"tochuc@example.vn||self_reported A QLNN r1"}},
			// 7 days before: TH only; HR is not told again.
			{"2026-11-24", nil, []string{"a@example.vn||training_due A TH 7d"}},
			// Overdue: TH with the manager in copy; QLNN to nobody.
			{"2026-12-02", nil, []string{"a@example.vn||training_overdue A TH overdue/0", "h1@example.vn||training_overdue A TH overdue/0"}},
			// HR rejects on 4/12: QLNN resumes at the step it has reached
			// (overdue/0, never sent), manager in copy.
			{"2026-12-04", func() {
				if _, err := st.RejectAnswer(ctx, answerID(t, st, qlnn), "not on file", store.Actor{Who: "hr", At: at("2026-12-04")}); err != nil {
					t.Fatal(err)
				}
			}, []string{"a@example.vn||training_overdue A QLNN overdue/0", "h1@example.vn||training_overdue A QLNN overdue/0"}},
			// Next period: both repeat.
			{"2026-12-09", nil, []string{"a@example.vn||training_overdue A QLNN overdue/1", "a@example.vn||training_overdue A TH overdue/1", "h1@example.vn||training_overdue A QLNN overdue/1", "h1@example.vn||training_overdue A TH overdue/1"}},
			// A answers again (revision 2): HR is told again, the repeats stop.
			{"2026-12-10", func() { answer(t, st, store.SubjectTraining, qlnn, "A", "2026-12-10") },
				[]string{"tochuc@example.vn||self_reported A QLNN r2"}},
			{"2026-12-16", nil, []string{"a@example.vn||training_overdue A TH overdue/2", "h1@example.vn||training_overdue A TH overdue/2"}},
			// The records show QLNN completed: the import confirms the
			// answer; nothing more about it.
			{"2026-12-17", func() {
				testkit.Import(t, st, map[string]string{"training.csv": "staff_code,course_code,start_on,status,completed_on\nA,QLNN,2026-01-05,completed,2026-11-20"})
			}, nil},
			{"2026-12-23", nil, []string{"a@example.vn||training_overdue A TH overdue/3", "h1@example.vn||training_overdue A TH overdue/3"}},
		}
		for _, s := range steps {
			if s.do != nil {
				s.do()
			}
			if got := run(s.date); !slices.Equal(got, s.want) {
				t.Fatalf("%s: got\n%s\nwant\n%s", s.date, strings.Join(got, "\n"), strings.Join(s.want, "\n"))
			}
		}
		var state string
		if err := st.GetSQL(ctx, &state, "SELECT state FROM answers WHERE ref_id = ?", qlnn); err != nil {
			t.Fatal(err)
		}
		if state != store.AnswerConfirmed {
			t.Errorf("after the import the answer is %s, want confirmed", state)
		}
	})
}

// A rejection in the same step period does not repeat the step already
// sent before the answer: the reminders resume at the next step.
func TestRejectionSendsNoStepTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, _, run := linked(t, st, `A,QLNN,2026-01-05,enrolled,2026-12-01,,`)
		id := trainingOf(t, st, "A", "QLNN")
		if got := run("2026-11-24"); !slices.Equal(got, []string{"a@example.vn||training_due A QLNN 7d"}) {
			t.Fatalf("7 days before: %q", got)
		}
		a := answer(t, st, store.SubjectTraining, id, "A", "2026-11-25")
		if _, err := st.RejectAnswer(context.Background(), a.ID, "", store.Actor{Who: "hr", At: at("2026-11-26")}); err != nil {
			t.Fatal(err)
		}
		// Still the 7-day step, sent already: nothing (and HR is not told
		// of an answer that no longer stands).
		if got := run("2026-11-27"); len(got) != 0 {
			t.Fatalf("after the rejection, same step: %q", got)
		}
		if got := run("2026-11-30"); !slices.Equal(got, []string{"a@example.vn||training_due A QLNN 1d"}) {
			t.Fatalf("1 day before: %q", got)
		}
	})
}

// An answer about a certificate stops its expiry reminders.
func TestAnswerStopsCertificate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		testkit.Import(t, st, map[string]string{"courses.csv": "code,name,category,hours,valid_months\nCC,An toàn thông tin,it,40,24"})
		_, _, run := linked(t, st, `A,CC,2024-11-01,completed,,2024-12-20,40`)
		id := trainingOf(t, st, "A", "CC")
		if got := run("2026-11-20"); !slices.Equal(got, []string{"a@example.vn||certificate_expiry A CC 30d"}) {
			t.Fatalf("30 days before expiry: %q", got)
		}
		answer(t, st, store.SubjectCertificate, id, "A", "2026-11-21")
		if got := run("2026-12-13"); !slices.Equal(got, []string{"tochuc@example.vn||self_reported A CC r1"}) {
			t.Fatalf("after the answer: %q", got)
		}
	})
}

// answerID is the id of the answer about a training.
func answerID(t *testing.T, st *store.Store, ref int64) int64 {
	t.Helper()
	var id int64
	if err := st.GetSQL(context.Background(), &id, "SELECT id FROM answers WHERE ref_id = ?", ref); err != nil {
		t.Fatal(err)
	}
	return id
}
