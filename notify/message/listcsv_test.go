package message_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// listRows renders a course reminder whose list is cut, so that the whole
// list goes as a CSV file, and returns that file's rows.
func listRows(t *testing.T, lang string, items []notify.Item) [][]string {
	t.Helper()
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	c, err := tmpl.Render(&message.View{Lang: lang, Job: "course-reminders", Items: message.ListOf(items), Office: "Ban Tổ chức", ListLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range c.Attachments {
		if a.ContentType == "text/csv; charset=utf-8" {
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.Data, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v\n%s", a.Filename, err, a.Data)
			}
			return rows
		}
	}
	t.Fatalf("no CSV attached: %+v", c.Attachments)
	return nil
}

// A name, a unit or a note from the records that a spreadsheet would read as
// a formula (CSV injection) arrives in the attached list as text: a single
// quote before it. The columns tickler writes itself stay as they are: the
// days (a negative number is a number) and the date; and a text cell that is
// a plain number ("-12") is no formula and stays a number too.
func TestListCSVNeutralisesFormulas(t *testing.T) {
	due := civil.Date{Year: 2026, Month: 5, Day: 29}
	hostile := `=HYPERLINK("http://evil.example","Bấm vào đây")`
	items := []notify.Item{
		{Kind: "training_overdue", Key: "t/1", Step: "overdue/1", StaffCode: "S00001", StaffName: hostile,
			Unit: "+cmd|' /C calc'!A0", Ref: "@SUM(1+1)", RefName: "-2+3", Date: due, Days: -3, Note: "\t=1+1"},
		{Kind: "training_overdue", Key: "t/2", Step: "overdue/1", StaffCode: "-12", StaffName: "Nguyễn Văn An",
			Unit: "Phòng Tổ chức", Ref: "QLNN", RefName: "Quản lý nhà nước", Date: due, Days: -3, Note: "\r=1+1"},
		// A spreadsheet whose list separator is ";" (a Vietnamese Excel)
		// splits this cell at the ";": the formula would start a cell there.
		{Kind: "training_overdue", Key: "t/3", Step: "overdue/1", StaffCode: "S00003", StaffName: "An;=1+1",
			Unit: "Phòng A", Ref: "QLNN", RefName: "-", Date: due, Days: 12, Note: "ghi chú; bình thường"},
	}
	for lang, want := range map[string][][]string{
		"vi": {
			{"training_overdue", "S00001", "'" + hostile, "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "29/05/2026", "-3", "overdue/1", "'\t=1+1"},
			{"training_overdue", "-12", "Nguyễn Văn An", "Phòng Tổ chức", "QLNN", "Quản lý nhà nước", "29/05/2026", "-3", "overdue/1", "'\r=1+1"},
			{"training_overdue", "S00003", "An;'=1+1", "Phòng A", "QLNN", "'-", "29/05/2026", "12", "overdue/1", "ghi chú; bình thường"},
		},
		"en": {
			{"training_overdue", "S00001", "'" + hostile, "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "2026-05-29", "-3", "overdue/1", "'\t=1+1"},
			{"training_overdue", "-12", "Nguyễn Văn An", "Phòng Tổ chức", "QLNN", "Quản lý nhà nước", "2026-05-29", "-3", "overdue/1", "'\r=1+1"},
			{"training_overdue", "S00003", "An;'=1+1", "Phòng A", "QLNN", "'-", "2026-05-29", "12", "overdue/1", "ghi chú; bình thường"},
		},
	} {
		rows := listRows(t, lang, items)
		if len(rows) != 4 {
			t.Fatalf("%s: %d rows, want a header and 3:\n%q", lang, len(rows), rows)
		}
		for i, w := range want {
			got := rows[i+1]
			if len(got) != len(w) {
				t.Fatalf("%s row %d: %q", lang, i+1, got)
			}
			for j := range w {
				if got[j] != w[j] {
					t.Errorf("%s row %d column %s: %q, want %q", lang, i+1, rows[0][j], got[j], w[j])
				}
			}
		}
	}
}
