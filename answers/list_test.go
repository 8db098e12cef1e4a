package answers_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// The CSV for HR: a byte-order mark, a header, one row per answer, and what
// a person typed that a spreadsheet would run as a formula shown as text.
func TestWriteCSV(t *testing.T) {
	at := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
	rows := []answers.Row{{
		Answer: store.Answer{ID: 7, Subject: "certificate", RefID: 45, StaffCode: "A", ItemKind: "certificate_expiry",
			Choice: "not_applicable", Reason: "=HYPERLINK(\"http://x\")", State: "pending", Revision: 2, AnsweredAt: store.T(at)},
		StaffName: "@Nguyễn Văn An", CourseName: "An toàn thông tin", CourseCode: "CC",
		CompletedOn: civil.MustParse("2024-12-20"), ValidMonths: 24,
	}}
	var b bytes.Buffer
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err := answers.WriteCSV(&b, rows, loc); err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutPrefix(b.String(), "\ufeff")
	if !ok {
		t.Fatal("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	got := map[string]string{}
	for i, h := range recs[0] {
		got[h] = recs[1][i]
	}
	for col, want := range map[string]string{
		"id": "7", "obligation": "certificate/45", "deadline": "2026-12-20", "answer": "not_applicable",
		"reason": "'=HYPERLINK(\"http://x\")", "staff_name": "'@Nguyễn Văn An", "answered_at": "2026-11-03T09:00:00+07:00",
	} {
		if got[col] != want {
			t.Errorf("%s = %q, want %q", col, got[col], want)
		}
	}
}
