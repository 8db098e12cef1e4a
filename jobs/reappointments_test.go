package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/rules"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// termAgency: U0 is the top unit (head H0, nobody above), U1 is under it
// (head H1), U2 has no head. Every appointee's term runs 30/04/2022 to
// 30/04/2027 unless said otherwise; birth dates are chosen for the
// retirement cases around the 2-year and 5-year boundaries.
var termAgency = map[string]string{
	"units.csv": `code,name,parent_code,head_code
		U0,Ban Tổ chức Tỉnh ủy,,H0
		U1,Phòng Tổ chức cán bộ,U0,H1
		U2,Phòng Địa bàn,U0,`,
	"staff.csv": `code,full_name,email,unit_code,birth_date,gender,left_on
		H0,Nguyễn Văn Hùng,h0@example.vn,U0,1972-05-10,male,
		H1,Trần Thị Hoa,h1@example.vn,U1,1978-03-02,female,
		FULL,Lê Văn Đủ,full@example.vn,U1,1970-04-15,male,
		SHORT,Lê Văn Năm,short@example.vn,U1,1970-03-15,male,
		TWO,Phạm Văn Hai,two@example.vn,U1,1967-04-15,male,
		EXT,Phạm Văn Kéo,ext@example.vn,U1,1967-03-15,male,
		FIRST,Đỗ Văn Hưu,first@example.vn,U1,1965-07-15,male,
		WOMAN,Vũ Thị Mai,woman@example.vn,U1,1980-05-15,female,
		NOBIRTH,Hoàng Văn Sinh,nobirth@example.vn,U1,,male,
		NOGENDER,Hoàng Thu Giới,nogender@example.vn,U1,1975-01-01,,
		NOHEAD,Bùi Văn Đơn,nohead@example.vn,U2,1980-01-01,male,
		ENDED,Ngô Văn Thôi,ended@example.vn,U1,1980-01-01,male,
		RENEWED,Ngô Văn Mới,renewed@example.vn,U1,1980-01-01,male,
		PROMOTED,Ngô Văn Lên,promoted@example.vn,U1,1980-01-01,male,
		LEFT,Ngô Văn Đi,left@example.vn,U1,1980-01-01,male,2026-06-30
		LATER,Ngô Văn Sau,later@example.vn,U1,1980-01-01,male,`,
	"appointments.csv": `staff_code,position,start_on,unit_code,decision_no,end_on,ended_on
		H0,Trưởng ban,2022-04-30,U0,12-QĐ/TU,,
		H1,Trưởng phòng,2022-04-30,U1,34/QĐ-BTCTU,,
		FULL,Phó Trưởng phòng,2022-04-30,U1,35/QĐ-BTCTU,,
		SHORT,Phó Trưởng phòng,2022-04-30,U1,36/QĐ-BTCTU,,
		TWO,Phó Trưởng phòng,2022-04-30,U1,37/QĐ-BTCTU,,
		EXT,Phó Trưởng phòng,2022-04-30,U1,38/QĐ-BTCTU,,
		FIRST,Phó Trưởng phòng,2022-04-30,U1,39/QĐ-BTCTU,,
		WOMAN,Phó Trưởng phòng,2022-04-30,U1,40/QĐ-BTCTU,,
		NOBIRTH,Phó Trưởng phòng,2022-04-30,U1,41/QĐ-BTCTU,,
		NOGENDER,Phó Trưởng phòng,2022-04-30,U1,42/QĐ-BTCTU,,
		NOHEAD,Phó Trưởng phòng,2022-04-30,U2,43/QĐ-BTCTU,,
		ENDED,Phó Trưởng phòng,2022-04-30,U1,44/QĐ-BTCTU,,2026-10-01
		RENEWED,Phó Trưởng phòng,2022-04-30,U1,45/QĐ-BTCTU,,
		RENEWED,Phó Trưởng phòng,2026-12-01,U1,46/QĐ-BTCTU,,
		PROMOTED,Phó Trưởng phòng,2022-04-30,U1,47/QĐ-BTCTU,,
		PROMOTED,Trưởng phòng,2026-11-15,U1,48/QĐ-BTCTU,,
		LEFT,Phó Trưởng phòng,2022-04-30,U1,49/QĐ-BTCTU,,
		LATER,Phó Trưởng phòng,2022-05-01,U1,50/QĐ-BTCTU,,`,
}

func TestReappointmentsWhoAndWhat(t *testing.T) {
	// 31/12/2026 is 120 days before 30/04/2027: every open term ending then
	// reaches its first step.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", termAgency)
		res := b.run(t, jobs.Reappointments{}, "2026-12-31", false)
		var want []string
		for _, who := range []string{"FULL", "SHORT", "TWO", "EXT", "FIRST", "WOMAN", "NOBIRTH", "NOGENDER", "NOHEAD", "H0", "H1"} {
			// HR gets every open term.
			want = append(want, "tochuc@example.vn|term_ending "+who+" 120d")
		}
		for _, who := range []string{"FULL", "SHORT", "TWO", "EXT", "FIRST", "WOMAN", "NOBIRTH", "NOGENDER"} {
			// The head of U1 gets the terms of U1's deputies ...
			want = append(want, "h1@example.vn|term_ending "+who+" 120d")
		}
		want = append(want,
			// ... and U1's head is written about to the head above, H0. H0
			// heads the top unit: only HR, and no "no unit head" problem.
			"h0@example.vn|term_ending H1 120d",
			// U2 has no head: HR is told to fix it. No birth date or gender:
			// HR is told the retirement case could not be judged.
			"tochuc@example.vn|data_problem NOHEAD 120d",
			"tochuc@example.vn|data_problem NOBIRTH 120d",
			"tochuc@example.vn|data_problem NOGENDER 120d",
		)
		// Not listed: ENDED (ended_on), RENEWED and PROMOTED (a newer
		// appointment), LEFT (left the agency), LATER (ends 01/05/2027, 121
		// days ahead).
		slices.Sort(want)
		diff(t, "messages", items(res.Planned), want)
		if len(res.Planned) != 3 {
			t.Errorf("%d messages, want one per recipient (3)", len(res.Planned))
		}

		// Each item says when the review must open, when the person retires
		// and which case applies.
		cases := []struct {
			staff, retire string
			want          rules.Case
		}{
			// Retires 30/04/2032, exactly 5 years after the term: a full term.
			{"FULL", "2032-04-30", rules.CaseFullTerm},
			// A month less than 5 years: a new term runs only to retirement.
			{"SHORT", "2032-03-31", rules.CaseUntilRetirement},
			// Exactly 2 years left: still a re-appointment, until retirement.
			{"TWO", "2029-04-30", rules.CaseUntilRetirement},
			// A month less than 2 years: no re-appointment, extension.
			{"EXT", "2029-03-31", rules.CaseExtension},
			// Retires on the term's last day: nothing to re-appoint.
			{"FIRST", "2027-04-30", rules.CaseRetiresFirst},
			// A woman born 05/1980 retires at 60, in 2040: a full term.
			{"WOMAN", "2040-05-31", rules.CaseFullTerm},
			// No birth date, no gender: unknown, and reported above.
			{"NOBIRTH", "", rules.CaseUnknown},
			{"NOGENDER", "", rules.CaseUnknown},
		}
		for _, c := range cases {
			it := find(t, res.Planned, "tochuc@example.vn", "term_ending", c.staff)
			if got := it.Fields["case"]; got != string(c.want) {
				t.Errorf("%s: case %v, want %s", c.staff, got, c.want)
			}
			if got := it.Fields["retirement"].(interface{ String() string }).String(); got != c.retire {
				t.Errorf("%s: retires %s, want %s", c.staff, got, c.retire)
			}
			if got := it.Fields["review_deadline"].(interface{ String() string }).String(); got != "2027-01-30" {
				t.Errorf("%s: review deadline %s, want 2027-01-30 (90 days before the end)", c.staff, got)
			}
		}
		// The note, as `tickler run -format json` shows it, reads as the
		// office writes.
		it := find(t, res.Planned, "tochuc@example.vn", "term_ending", "SHORT")
		want0 := "Hết thời hạn bổ nhiệm ngày 30/04/2027; hạn bắt đầu quy trình xem xét bổ nhiệm lại: 30/01/2027; " +
			"thời điểm nghỉ hưu: 31/03/2032; còn dưới 05 năm công tác: nếu bổ nhiệm lại, thời hạn bổ nhiệm được tính đến thời điểm nghỉ hưu (31/03/2032)"
		if it.Note != want0 {
			t.Errorf("note:\n got %s\nwant %s", it.Note, want0)
		}

		// The same slot again adds nothing.
		if again := b.run(t, jobs.Reappointments{}, "2026-12-31", false); len(again.Planned) != 0 {
			t.Errorf("second run of the slot planned %q", items(again.Planned))
		}
	})
}

func TestReappointmentsSteps(t *testing.T) {
	// FULL's term ends 30/04/2027; its review must open by 30/01/2027 (90
	// days before). Each run is a dry run, so each shows the step of its date
	// alone.
	cases := []struct {
		date, want string
	}{
		// 121 days before the end: nothing yet.
		{"2026-12-30", ""},
		// 120 days: the first step; 91 days: still the 120-day step.
		{"2026-12-31", "term_ending 120d"},
		{"2027-01-29", "term_ending 120d"},
		// The review deadline itself: the 90-day step, not yet overdue.
		{"2027-01-30", "term_ending 90d"},
		// The day after the deadline: flagged overdue, first period.
		{"2027-01-31", "review_overdue overdue/0"},
		// 7 days after the deadline still the first period; 8 days the second.
		{"2027-02-06", "review_overdue overdue/0"},
		{"2027-02-07", "review_overdue overdue/1"},
		// The fifth weekly flag starts on 28/02; the 60-day step on 01/03 is
		// later, so it is the step of that day; the sixth flag on 07/03.
		{"2027-02-28", "review_overdue overdue/4"},
		{"2027-03-01", "review_overdue 60d"},
		{"2027-03-07", "review_overdue overdue/5"},
		// The term's last day, and after it: the weekly flag goes on until
		// the records say how the term ended.
		{"2027-04-30", "review_overdue overdue/12"},
		{"2027-05-03", "review_overdue overdue/13"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", termAgency)
		for _, c := range cases {
			res := b.run(t, jobs.Reappointments{}, c.date, true)
			got := ""
			for _, p := range res.Planned {
				for _, it := range p.Items {
					if p.To.Email == "tochuc@example.vn" && it.StaffCode == "FULL" {
						got = it.Kind + " " + it.Step
					}
				}
			}
			if got != c.want {
				t.Errorf("%s: FULL is %q, want %q", c.date, got, c.want)
			}
		}
	})
}

func TestReappointmentsWeeklyAndDowntime(t *testing.T) {
	// The job runs on Mondays. FULL's term ends Friday 30/04/2027.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", termAgency)
		steps := []struct {
			date string
			want []string // FULL's items to HR
		}{
			// 04/01/2027, 116 days before: the 120-day step.
			{"2027-01-04", []string{"term_ending 120d"}},
			// The same Monday again (a replica, a retry): nothing.
			{"2027-01-04", nil},
			// 11/01 and 18/01: still the 120-day step, already sent.
			{"2027-01-11", nil},
			{"2027-01-18", nil},
			// 25/01, 95 days before: nothing new either.
			{"2027-01-25", nil},
			// Down from 26/01 to 21/02. 22/02 is 22 days past the deadline:
			// the latest stage is the fourth weekly flag; the 90-day step and
			// the first three flags the date has passed are skipped.
			{"2027-02-22", []string{"review_overdue overdue/3"}},
			// Every Monday after, a new weekly flag.
			{"2027-03-01", []string{"review_overdue 60d"}},
			{"2027-03-08", []string{"review_overdue overdue/5"}},
			{"2027-03-08", nil},
		}
		for _, s := range steps {
			res := b.run(t, jobs.Reappointments{}, s.date, false)
			var got []string
			for _, p := range res.Planned {
				for _, it := range p.Items {
					if p.To.Email == "tochuc@example.vn" && it.StaffCode == "FULL" {
						got = append(got, it.Kind+" "+it.Step)
					}
				}
			}
			if !slices.Equal(got, s.want) {
				t.Errorf("%s: got %q, want %q", s.date, got, s.want)
			}
		}
	})
}

func TestReappointmentsOverdueOnce(t *testing.T) {
	// overdue_every_days: 0 flags an overdue review once; the due steps after
	// the deadline (60 and 30 days) still go out.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "jobs: {reappointments: {overdue_every_days: 0}}\n", termAgency)
		var got []string
		for _, d := range []string{"2027-01-31", "2027-02-15", "2027-03-01", "2027-03-31", "2027-04-15", "2027-05-10"} {
			for _, p := range b.run(t, jobs.Reappointments{}, d, false).Planned {
				for _, it := range p.Items {
					if p.To.Email == "tochuc@example.vn" && it.StaffCode == "FULL" {
						got = append(got, d+" "+it.Step)
					}
				}
			}
		}
		want := []string{"2027-01-31 overdue/0", "2027-03-01 60d", "2027-03-31 30d"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestReappointmentsCalendar(t *testing.T) {
	// HR's message carries FULL's review deadline and term end as calendar
	// events, with UIDs that stay the same from run to run; once the
	// deadline is past, only the term end is ahead.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", termAgency)
		var id int64
		if err := st.GetSQL(context.Background(), &id, "SELECT id FROM appointments WHERE staff_code = 'FULL'"); err != nil {
			t.Fatal(err)
		}
		review := fmt.Sprintf("UID:reappointments.appointment.%d.review@example.vn", id)
		end := fmt.Sprintf("UID:reappointments.appointment.%d.end@example.vn", id)
		cases := []struct {
			date       string
			has, hasnt []string
		}{
			{"2026-12-31", []string{review, "DTSTART;VALUE=DATE:20270130", end, "DTSTART;VALUE=DATE:20270430"}, nil},
			{"2027-02-07", []string{end, "DTSTART;VALUE=DATE:20270430"}, []string{review, "DTSTART;VALUE=DATE:20270130"}},
		}
		for _, c := range cases {
			p := messageTo(t, b.run(t, jobs.Reappointments{}, c.date, true).Planned, "tochuc@example.vn")
			if len(p.Content.Attachments) != 1 {
				t.Fatalf("%s: %d attachments, want the .ics", c.date, len(p.Content.Attachments))
			}
			ics := string(p.Content.Attachments[0].Data)
			for _, s := range c.has {
				if !strings.Contains(ics, s+"\r\n") {
					t.Errorf("%s: calendar lacks %q", c.date, s)
				}
			}
			for _, s := range c.hasnt {
				if strings.Contains(ics, s+"\r\n") {
					t.Errorf("%s: calendar has %q, a deadline already past", c.date, s)
				}
			}
		}
	})
}
