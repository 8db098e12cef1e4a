package store_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// answerRecords: A has a training open (row 1) and a completed one whose
// certificate expires (row 2, course CC valid 24 months).
var answerRecords = map[string]string{
	"units.csv": `code,name
		U1,Phòng Tổ chức`,
	"staff.csv": `code,full_name,email,unit_code
		A,Nguyễn Văn An,a@example.vn,U1`,
	"courses.csv": `code,name,category,hours,valid_months
		QLNN,Quản lý nhà nước,state_management,240,
		CC,Chứng chỉ an toàn thông tin,it,40,24`,
	"training.csv": `staff_code,course_code,start_on,status,due_on,completed_on
		A,QLNN,2026-01-05,enrolled,2026-12-01,
		A,CC,2024-12-01,completed,,2024-12-20`,
}

// trainingID returns the id of A's training on course.
func trainingID(t *testing.T, st *store.Store, course string) int64 {
	t.Helper()
	var id int64
	if err := st.GetSQL(context.Background(), &id, "SELECT id FROM training WHERE staff_code = 'A' AND course_code = ?", course); err != nil {
		t.Fatal(err)
	}
	return id
}

// The life of an answer, on both dialects: given, given again (a revision),
// rejected, given again after the rejection, confirmed by the records, and
// then left as it is; every change in the log with who made it.
func TestAnswerLife(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		testkit.Import(t, st, answerRecords)
		id := trainingID(t, st, "QLNN")
		at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
		self := store.Actor{Who: "self", RemoteAddr: "203.0.113.7", UserAgent: "Mozilla/5.0 test", At: at}
		in := store.Answer{Subject: store.SubjectTraining, RefID: id, StaffCode: "A", ItemKind: "training_due",
			Choice: "done", DoneOn: civil.Date{Year: 2026, Month: 10, Day: 30}, CertificateNo: "QLNN-123"}

		a, saved, err := st.SaveAnswer(ctx, in, self)
		if err != nil {
			t.Fatal(err)
		}
		if saved != store.SavedNew || a.State != store.AnswerPending || a.Revision != 1 || a.Obligation() != "training/"+strconv.FormatInt(id, 10) {
			t.Fatalf("first answer: saved %v, %+v", saved, a)
		}
		if a.DoneOn.String() != "2026-10-30" || a.CertificateNo != "QLNN-123" || !a.AnsweredAt.Equal(at) {
			t.Errorf("first answer's fields: %+v", a)
		}

		in.Choice, in.DoneOn, in.CertificateNo, in.StartsOn = "registered", civil.Date{}, "", civil.Date{Year: 2026, Month: 12, Day: 1}
		self.At = at.Add(time.Hour)
		b, saved, err := st.SaveAnswer(ctx, in, self)
		if err != nil {
			t.Fatal(err)
		}
		if saved != store.SavedUpdated || b.ID != a.ID || b.Revision != 2 || b.Choice != "registered" || !b.DoneOn.IsZero() {
			t.Fatalf("second answer: saved %v, %+v", saved, b)
		}

		hr := store.Actor{Who: "hr:tochuc", At: at.Add(2 * time.Hour)}
		r, err := st.RejectAnswer(ctx, a.ID, "no registration on file", hr)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != store.AnswerRejected || r.SettleNote != "no registration on file" || !r.SettledAt.Equal(hr.At) {
			t.Fatalf("rejected: %+v", r)
		}
		if _, err := st.RejectAnswer(ctx, a.ID, "", hr); !errors.Is(err, store.ErrAnswerSettled) {
			t.Errorf("rejecting twice: %v, want ErrAnswerSettled", err)
		}
		if _, err := st.RejectAnswer(ctx, a.ID+100, "", hr); !errors.Is(err, store.ErrNoRows) {
			t.Errorf("rejecting an unknown answer: %v, want ErrNoRows", err)
		}

		self.At = at.Add(3 * time.Hour)
		c, saved, err := st.SaveAnswer(ctx, in, self)
		if err != nil {
			t.Fatal(err)
		}
		if saved != store.SavedUpdated || c.State != store.AnswerPending || c.Revision != 3 || !c.SettledAt.IsZero() || c.SettleNote != "" {
			t.Fatalf("answer after the rejection: saved %v, %+v", saved, c)
		}

		// Nothing to confirm while the training is open.
		if n, err := st.ConfirmAnswers(ctx, "import", at.Add(4*time.Hour)); err != nil || n != 0 {
			t.Fatalf("confirm with the training open: %d, %v", n, err)
		}
		if _, err := st.ExecSQL(ctx, "UPDATE training SET status = 'completed', completed_on = '2026-11-02' WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		if n, err := st.ConfirmAnswers(ctx, "import", at.Add(5*time.Hour)); err != nil || n != 1 {
			t.Fatalf("confirm with the training completed: %d, %v", n, err)
		}
		self.At = at.Add(6 * time.Hour)
		d, saved, err := st.SaveAnswer(ctx, in, self)
		if err != nil {
			t.Fatal(err)
		}
		if saved != store.SavedConfirmed || d.State != store.AnswerConfirmed || d.Revision != 3 {
			t.Fatalf("an answer after the confirmation: saved %v, %+v", saved, d)
		}

		var log []store.AnswerEvent
		if err := st.Select(ctx, &log, "answer-history", a.ID); err != nil {
			t.Fatal(err)
		}
		want := []string{"answered self 203.0.113.7", "updated self 203.0.113.7", "rejected hr:tochuc ",
			"updated self 203.0.113.7", "confirmed import "}
		if len(log) != len(want) {
			t.Fatalf("log: %d lines, want %d: %+v", len(log), len(want), log)
		}
		for i, e := range log {
			if got := e.Event + " " + e.Actor + " " + e.RemoteAddr; got != want[i] {
				t.Errorf("log line %d: %q, want %q", i, got, want[i])
			}
		}
		if log[0].UserAgent != "Mozilla/5.0 test" || !bytes.Contains([]byte(log[0].Detail), []byte(`"certificate_no":"QLNN-123"`)) {
			t.Errorf("the first line lacks the user agent or the fields: %+v", log[0])
		}
	})
}

// A certificate's answer is confirmed by a later completion of the same
// course, not by the completed row it is about.
func TestConfirmCertificateAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		testkit.Import(t, st, answerRecords)
		id := trainingID(t, st, "CC")
		at := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
		in := store.Answer{Subject: store.SubjectCertificate, RefID: id, StaffCode: "A", ItemKind: "certificate_expiry",
			Choice: "registered", StartsOn: civil.Date{Year: 2026, Month: 11, Day: 20}}
		if _, _, err := st.SaveAnswer(ctx, in, store.Actor{Who: "self", At: at}); err != nil {
			t.Fatal(err)
		}
		if n, err := st.ConfirmAnswers(ctx, "import", at); err != nil || n != 0 {
			t.Fatalf("confirm before the renewal: %d, %v", n, err)
		}
		testkit.Import(t, st, map[string]string{"training.csv": `staff_code,course_code,start_on,status,completed_on
			A,CC,2026-11-20,completed,2026-11-25`})
		// The import confirmed it in its own transaction.
		var state string
		if err := st.GetSQL(ctx, &state, "SELECT state FROM answers WHERE ref_id = ?", id); err != nil {
			t.Fatal(err)
		}
		if state != store.AnswerConfirmed {
			t.Fatalf("after the import of the renewal the answer is %s", state)
		}
	})
}

// Processes asking for the same secret at once all get the one the first
// kept; another name is another secret.
func TestSecretFirstWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now()
		got := make([][]byte, 4)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = st.Secret(ctx, "link", 32, now)
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if len(got[i]) != 32 || !bytes.Equal(got[i], got[0]) {
				t.Fatalf("secret %d: %x, want %x", i, got[i], got[0])
			}
		}
		other, err := st.Secret(ctx, "other", 32, now)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(other, got[0]) {
			t.Error("two names share one secret")
		}
	})
}
