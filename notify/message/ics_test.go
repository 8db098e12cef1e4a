package message_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// unfold undoes RFC 5545 line folding: CRLF followed by a space joins lines.
func unfold(s string) []string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

func TestCalendarFormat(t *testing.T) {
	long := "Hết thời hạn bổ nhiệm: Nguyễn Thị Phương Thảo (Phó Trưởng phòng Tổ chức đảng - đảng viên); hạn 30/01/2027, gồm: a, b\\c\ndòng hai"
	data := message.Calendar("reappointments", "example.vn", civil.MustParse("2026-12-31"), []notify.Deadline{
		{Key: "appointment/3/review", Date: civil.MustParse("2027-01-30"), Title: long, Note: "Ghi chú"},
		{Key: "appointment/3/end", Date: civil.MustParse("2027-12-31"), Title: "Hết thời hạn"},
	})
	s := string(data)

	// Every line ends in CRLF, none is longer than 75 octets, and a fold
	// never splits a UTF-8 sequence.
	if !strings.HasSuffix(s, "\r\n") {
		t.Error("the object does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i, line)
		}
	}

	lines := unfold(s)
	want := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//tickler//reappointments//EN",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:reappointments.appointment.3.review@example.vn",
		"DTSTAMP:20261231T000000Z",
		"SEQUENCE:9861",
		"DTSTART;VALUE=DATE:20270130",
		"DTEND;VALUE=DATE:20270131",
		// Backslash, semicolon and comma escaped; the line break as \n.
		`SUMMARY:Hết thời hạn bổ nhiệm: Nguyễn Thị Phương Thảo (Phó Trưởng phòng Tổ chức đảng - đảng viên)\; hạn 30/01/2027\, gồm: a\, b\\c\ndòng hai`,
		"DESCRIPTION:Ghi chú",
		"TRANSP:TRANSPARENT",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:reappointments.appointment.3.end@example.vn",
		"DTSTAMP:20261231T000000Z",
		"SEQUENCE:9861",
		// An all-day event on 31 December ends on 1 January of the next year.
		"DTSTART;VALUE=DATE:20271231",
		"DTEND;VALUE=DATE:20280101",
		"SUMMARY:Hết thời hạn",
		"TRANSP:TRANSPARENT",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("unfolded:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// The long summary was folded.
	if !strings.Contains(s, "\r\n ") {
		t.Error("a summary longer than 75 octets was not folded")
	}
}

func TestCalendarStable(t *testing.T) {
	d := []notify.Deadline{{Key: "evaluation/2026", Date: civil.MustParse("2026-12-15"), Title: "Hạn đánh giá"}}
	a := message.Calendar("evaluation-season", "example.vn", civil.MustParse("2026-11-01"), d)
	b := message.Calendar("evaluation-season", "example.vn", civil.MustParse("2026-11-01"), d)
	// The same run renders the same bytes (a message rendered again is the same message).
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
	// A later run keeps the UID and raises SEQUENCE, so calendars update the event.
	c := string(message.Calendar("evaluation-season", "example.vn", civil.MustParse("2026-12-01"), d))
	if !strings.Contains(c, "UID:evaluation-season.evaluation.2026@example.vn\r\n") || !strings.Contains(string(a), "UID:evaluation-season.evaluation.2026@example.vn\r\n") {
		t.Errorf("UID changed between runs:\n%s\n%s", a, c)
	}
	if !strings.Contains(string(a), "SEQUENCE:9801\r\n") || !strings.Contains(c, "SEQUENCE:9831\r\n") {
		t.Errorf("SEQUENCE does not grow with the run's date:\n%s\n%s", a, c)
	}
	// A key with characters outside a plain UID gets a hash, still stable.
	k := []notify.Deadline{{Key: "evaluation/CB Đức/2026", Date: civil.MustParse("2026-12-15"), Title: "x"}}
	u1 := message.Calendar("evaluation-season", "example.vn", civil.MustParse("2026-11-01"), k)
	u2 := message.Calendar("evaluation-season", "example.vn", civil.MustParse("2026-12-01"), k)
	uid := func(b []byte) string {
		for _, l := range unfold(string(b)) {
			if strings.HasPrefix(l, "UID:") {
				return l
			}
		}
		return ""
	}
	if uid(u1) == "" || uid(u1) != uid(u2) || strings.Contains(uid(u1), " ") || strings.Contains(uid(u1), "Đ") {
		t.Errorf("UIDs %q and %q", uid(u1), uid(u2))
	}
}

func TestRenderAttachesCalendar(t *testing.T) {
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	due := func(key, date string) notify.Item {
		return notify.Item{
			Kind: "training_due", Key: key, Step: "7d", StaffCode: "A", RefName: "Tin học", Date: civil.MustParse(date),
			Fields: map[string]any{notify.FieldDeadlines: []notify.Deadline{{Key: key + "/due", Date: civil.MustParse(date), Title: "Hạn: Tin học"}}},
		}
	}
	cases := []struct {
		name   string
		items  []notify.Item
		events int // VEVENTs in the attachment; 0: no attachment
	}{
		// A deadline ahead: one event.
		{"ahead", []notify.Item{due("training/1", "2026-12-03")}, 1},
		// A deadline on the run's day is still ahead.
		{"today", []notify.Item{due("training/1", "2026-11-26")}, 1},
		// A deadline already past is no use in a calendar.
		{"past", []notify.Item{due("training/1", "2026-11-25")}, 0},
		// Two items sharing a deadline key: one event.
		{"shared", []notify.Item{due("training/1", "2026-12-03"), due("training/1", "2026-12-03")}, 1},
		// Items without deadlines (a data problem): no attachment.
		{"none", []notify.Item{{Kind: "data_problem", Key: "problem|no_email|training/1", Step: "7d", StaffCode: "B", Note: "x"}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := &message.View{Lang: "vi", Job: "course-reminders", Date: civil.MustParse("2026-11-26"), Items: message.ListOf(c.items), Office: "Ban Tổ chức"}
			content, err := tmpl.Render(v)
			if err != nil {
				t.Fatal(err)
			}
			if c.events == 0 {
				if len(content.Attachments) != 0 {
					t.Errorf("attachments %v, want none", content.Attachments)
				}
				if strings.Contains(content.Text, ".ics") {
					t.Error("the text points to a calendar file that is not attached")
				}
				return
			}
			if len(content.Attachments) != 1 {
				t.Fatalf("%d attachments, want 1", len(content.Attachments))
			}
			a := content.Attachments[0]
			if a.Filename != "lich-nhac-viec.ics" || !strings.HasPrefix(a.ContentType, "text/calendar") {
				t.Errorf("attachment %s (%s)", a.Filename, a.ContentType)
			}
			if n := strings.Count(string(a.Data), "BEGIN:VEVENT\r\n"); n != c.events {
				t.Errorf("%d events, want %d", n, c.events)
			}
			if !strings.Contains(content.Text, "tệp lịch (.ics)") {
				t.Error("the text does not mention the calendar file")
			}
		})
	}
}

// TestCalendarFoldsGreedily folds summaries of every length, in one-, two-
// and three-octet characters: no line is longer than 75 octets, none splits
// a character, a line is folded only when the next character would not fit,
// and unfolding gives the summary back.
func TestCalendarFoldsGreedily(t *testing.T) {
	for _, unit := range []string{"a", "ă", "ễ", "aễ", "ăaễ"} {
		for n := 1; n < 120; n++ {
			title := strings.Repeat(unit, n)
			data := string(message.Calendar("course-reminders", "example.vn", civil.MustParse("2026-12-01"),
				[]notify.Deadline{{Key: "k", Date: civil.MustParse("2026-12-31"), Title: title}}))
			var summary []string // the physical lines of the SUMMARY content line
			for _, line := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
				if strings.HasPrefix(line, "SUMMARY:") || (len(summary) > 0 && strings.HasPrefix(line, " ")) {
					summary = append(summary, line)
				} else if len(summary) > 0 {
					break
				}
			}
			for i, line := range summary {
				if len(line) > 75 || !utf8.ValidString(line) {
					t.Fatalf("%d × %q: line %d is %d octets or splits a character: %q", n, unit, i, len(line), line)
				}
				if i+1 < len(summary) {
					_, size := utf8.DecodeRuneInString(summary[i+1][1:])
					if len(line)+size <= 75 {
						t.Fatalf("%d × %q: line %d folded with room for the next character: %q", n, unit, i, line)
					}
				}
			}
			if got := strings.TrimPrefix(strings.Join(unfold(strings.Join(summary, "\r\n")), ""), "SUMMARY:"); got != title {
				t.Fatalf("%d × %q: unfolded summary %q", n, unit, got)
			}
		}
	}
}
