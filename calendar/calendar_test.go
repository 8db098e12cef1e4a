package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/calendar"
	"github.com/tickler-dev/tickler/civil"
)

func dates(ss ...string) []civil.Date {
	var ds []civil.Date
	for _, s := range ss {
		ds = append(ds, civil.MustParse(s))
	}
	return ds
}

// decided2024 is the Government's decision for 2024 beyond the rules: 30
// April and 1 May (Tuesday, Wednesday) joined to the weekend before by
// taking Monday 29 April off and working Saturday 4 May (Văn phòng Chính
// phủ 2450/VPCP-KGVX, 12/4/2024).
func decided2024() *calendar.Calendar {
	return calendar.VN(dates("2024-04-29"), dates("2024-05-04"))
}

func TestWhy(t *testing.T) {
	plain := calendar.VN(nil, nil)
	cases := []struct {
		name   string
		cal    *calendar.Calendar
		day    string
		off    bool
		vi, en string
	}{
		// Weekly rest and an ordinary day.
		{"a Saturday", plain, "2026-03-07", true, "Thứ bảy", "Saturday"},
		{"a Sunday", plain, "2026-03-08", true, "Chủ nhật", "Sunday"},
		{"a Monday", plain, "2026-03-09", false, "", ""},

		// Every public holiday of 2026.
		{"1 January", plain, "2026-01-01", true, "Tết Dương lịch", "New Year's Day"},
		{"28 tháng Chạp, a Sunday, is a Tết day", plain, "2026-02-15", true, "Tết Nguyên Đán", "Lunar New Year (Tết)"},
		{"29 tháng Chạp, the last day of the year", plain, "2026-02-16", true, "Tết Nguyên Đán", "Lunar New Year (Tết)"},
		{"mùng 1", plain, "2026-02-17", true, "Tết Nguyên Đán", "Lunar New Year (Tết)"},
		{"mùng 3, the last Tết day", plain, "2026-02-19", true, "Tết Nguyên Đán", "Lunar New Year (Tết)"},
		{"mùng 4: in lieu of the Sunday", plain, "2026-02-20", true, "Nghỉ bù Tết Nguyên Đán", "Day off in lieu of Lunar New Year (Tết)"},
		{"after Tết", plain, "2026-02-23", false, "", ""},
		{"10/3 lunar on a Sunday", plain, "2026-04-26", true, "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration"},
		{"the Monday after it", plain, "2026-04-27", true, "Nghỉ bù Giỗ Tổ Hùng Vương", "Day off in lieu of Hung Kings' Commemoration"},
		{"30 April", plain, "2026-04-30", true, "Ngày Chiến thắng", "Reunification Day"},
		{"1 May", plain, "2026-05-01", true, "Ngày Quốc tế Lao động", "International Labour Day"},
		{"2 September, a Wednesday", plain, "2026-09-02", true, "Ngày Quốc khánh", "National Day"},
		{"so 3 September is the second day", plain, "2026-09-03", true, "Ngày Quốc khánh", "National Day"},
		{"and 1 September is worked", plain, "2026-09-01", false, "", ""},

		// The day next to 2 September, against the decisions of 2021–2025.
		{"2021, 2/9 a Thursday: Friday 3/9", plain, "2021-09-03", true, "Ngày Quốc khánh", "National Day"},
		{"2022, 2/9 a Friday: Thursday 1/9", plain, "2022-09-01", true, "Ngày Quốc khánh", "National Day"},
		{"2023, 2/9 a Saturday: Friday 1/9", plain, "2023-09-01", true, "Ngày Quốc khánh", "National Day"},
		{"2023, and Monday 4/9 in lieu", plain, "2023-09-04", true, "Nghỉ bù Ngày Quốc khánh", "Day off in lieu of National Day"},
		{"2024, 2/9 a Monday: Tuesday 3/9", plain, "2024-09-03", true, "Ngày Quốc khánh", "National Day"},
		{"2025, 2/9 a Tuesday: Monday 1/9", plain, "2025-09-01", true, "Ngày Quốc khánh", "National Day"},
		{"2029, 2/9 a Sunday: Monday 3/9", plain, "2029-09-03", true, "Ngày Quốc khánh", "National Day"},
		{"2029, and Tuesday 4/9 in lieu of the Sunday", plain, "2029-09-04", true, "Nghỉ bù Ngày Quốc khánh", "Day off in lieu of National Day"},

		// Days in lieu as the Government announced them.
		{"1/1/2022 a Saturday: Monday 3/1", plain, "2022-01-03", true, "Nghỉ bù Tết Dương lịch", "Day off in lieu of New Year's Day"},
		{"1/1/2023 a Sunday: Monday 2/1", plain, "2023-01-02", true, "Nghỉ bù Tết Dương lịch", "Day off in lieu of New Year's Day"},
		{"Giỗ Tổ 2022 a Sunday: Monday 11/4", plain, "2022-04-11", true, "Nghỉ bù Giỗ Tổ Hùng Vương", "Day off in lieu of Hung Kings' Commemoration"},
		{"30/4/2022 a Saturday: Monday 2/5", plain, "2022-05-02", true, "Nghỉ bù Ngày Chiến thắng", "Day off in lieu of Reunification Day"},
		{"1/5/2022 a Sunday: Tuesday 3/5, as 2/5 is taken", plain, "2022-05-03", true, "Nghỉ bù Ngày Quốc tế Lao động", "Day off in lieu of International Labour Day"},
		{"Giỗ Tổ 2023 a Saturday, 1/5 a Monday: Tuesday 2/5", plain, "2023-05-02", true, "Nghỉ bù Giỗ Tổ Hùng Vương", "Day off in lieu of Hung Kings' Commemoration"},
		{"30/4/2023 a Sunday: Wednesday 3/5", plain, "2023-05-03", true, "Nghỉ bù Ngày Chiến thắng", "Day off in lieu of Reunification Day"},

		// The lists, and which wins.
		{"a listed holiday on a weekday", decided2024(), "2024-04-29", true, "Nghỉ theo quyết định", "Day off by decision"},
		{"a listed workday on a Saturday", decided2024(), "2024-05-04", false, "Làm bù theo quyết định", "Make-up working day by decision"},
		{"the lists apply to their day only", decided2024(), "2024-05-11", true, "Thứ bảy", "Saturday"},
		{"a listed workday beats Tết", calendar.VN(nil, dates("2026-02-18")), "2026-02-18", false, "Làm bù theo quyết định", "Make-up working day by decision"},
		{"a listed workday beats a day in lieu", calendar.VN(nil, dates("2026-02-20")), "2026-02-20", false, "Làm bù theo quyết định", "Make-up working day by decision"},
		{"a listed workday on a working day changes nothing", calendar.VN(nil, dates("2026-03-09")), "2026-03-09", false, "", ""},
		{"a day in both lists is worked", calendar.VN(dates("2026-03-10"), dates("2026-03-10")), "2026-03-10", false, "", ""},
		{"a listed holiday on a Saturday is a Saturday", calendar.VN(dates("2026-03-07"), nil), "2026-03-07", true, "Thứ bảy", "Saturday"},
		{"a listed public holiday keeps its name", calendar.VN(dates("2026-04-30"), nil), "2026-04-30", true, "Ngày Chiến thắng", "Reunification Day"},
		{"a listed day off in Tết is by decision", calendar.VN(dates("2026-02-13"), nil), "2026-02-13", true, "Nghỉ theo quyết định", "Day off by decision"},
	}
	for _, c := range cases {
		d := civil.MustParse(c.day)
		vi, off := c.cal.Why(d, "vi")
		en, offEn := c.cal.Why(d, "en")
		if off != c.off || offEn != c.off || vi != c.vi || en != c.en {
			t.Errorf("%s: Why(%s) = %q, %v / %q, %v; want %q / %q, off %v", c.name, c.day, vi, off, en, offEn, c.vi, c.en, c.off)
		}
		if got := c.cal.IsWorkday(d); got == c.off {
			t.Errorf("%s: IsWorkday(%s) = %v, want %v", c.name, c.day, got, !c.off)
		}
	}
}

// TestYear2024 checks a whole year against the Government's published
// decisions: Tết 8–14 February (5 days and 2 in lieu), 30/4–1/5 joined to the
// weekend by swapping Monday 29 April for Saturday 4 May, National Day 2 and
// 3 September. The rules give the rest, so only the swap is listed.
func TestYear2024(t *testing.T) {
	offWeekdays := map[string]bool{}
	for _, s := range []string{
		"2024-01-01",
		"2024-02-08", "2024-02-09", "2024-02-12", "2024-02-13", "2024-02-14",
		"2024-04-18", // Giỗ Tổ, a Thursday
		"2024-04-29", "2024-04-30", "2024-05-01",
		"2024-09-02", "2024-09-03",
	} {
		offWeekdays[s] = true
	}
	workedWeekend := map[string]bool{"2024-05-04": true}

	cal := decided2024()
	working := 0
	for d := civil.New(2024, time.January, 1); d.Year == 2024; d = d.AddDays(1) {
		wd := d.Time(time.UTC).Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		want := !offWeekdays[d.String()] && (!weekend || workedWeekend[d.String()])
		if got := cal.IsWorkday(d); got != want {
			reason, _ := cal.Why(d, "en")
			t.Errorf("IsWorkday(%s, %s) = %v (%q), want %v", d, wd, got, reason, want)
		}
		if want {
			working++
		}
	}
	// By hand: 2024 is a leap year that starts on a Monday, 52 weeks and two
	// days (Monday 30 and Tuesday 31 December), so 52×5+2 = 262 weekdays;
	// less the 12 weekdays off above, plus the Saturday worked: 251.
	if working != 251 {
		t.Errorf("2024 has %d working days, want 251", working)
	}
}

// TestElevenWeekdaysOff checks what art. 111(3) is for: each of the 11
// holidays costs a weekday, on its own day or in lieu, every year.
func TestElevenWeekdaysOff(t *testing.T) {
	cal := calendar.VN(nil, nil)
	for y := 2021; y <= 2100; y++ {
		weekdays, working := 0, 0
		for d := civil.New(y, time.January, 1); d.Year == y; d = d.AddDays(1) {
			if wd := d.Time(time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
				weekdays++
			}
			if cal.IsWorkday(d) {
				working++
			}
		}
		if weekdays-working != 11 {
			t.Errorf("%d: %d weekdays, %d working days: %d weekdays off, want 11", y, weekdays, working, weekdays-working)
		}
	}
}

func TestNextWorkday(t *testing.T) {
	plain := calendar.VN(nil, nil)
	cases := []struct {
		name     string
		cal      *calendar.Calendar
		day, out string
	}{
		{"a working day is its own next", plain, "2026-03-09", "2026-03-09"},
		{"Saturday to Monday", plain, "2026-03-07", "2026-03-09"},
		{"Tết 2024, from 29 tháng Chạp to the Thursday after mùng 5", plain, "2024-02-08", "2024-02-15"},
		{"the nine days of Tết 2026, from the first Saturday", plain, "2026-02-14", "2026-02-23"},
		{"30/4–3/5/2022, a long weekend with two days in lieu", plain, "2022-04-30", "2022-05-04"},
		{"National Day 2023, Friday to Monday in lieu", plain, "2023-09-01", "2023-09-05"},
		{"30/4–1/5/2024 as decided", decided2024(), "2024-04-27", "2024-05-02"},
		{"a make-up Saturday is a working day", decided2024(), "2024-05-04", "2024-05-04"},
		{"a listed holiday moves the slot on", calendar.VN(dates("2026-03-09", "2026-03-10"), nil), "2026-03-07", "2026-03-11"},
	}
	for _, c := range cases {
		if got := c.cal.NextWorkday(civil.MustParse(c.day)); got.String() != c.out {
			t.Errorf("%s: NextWorkday(%s) = %s, want %s", c.name, c.day, got, c.out)
		}
	}
}

// TestNilCalendar checks that a nil *Calendar works every day, so callers
// without a calendar need no branch.
func TestNilCalendar(t *testing.T) {
	var cal *calendar.Calendar
	for _, s := range []string{"2026-03-08", "2026-02-17"} { // a Sunday, mùng 1 Tết
		d := civil.MustParse(s)
		if !cal.IsWorkday(d) {
			t.Errorf("nil calendar: IsWorkday(%s) = false", s)
		}
		if reason, off := cal.Why(d, "vi"); reason != "" || off {
			t.Errorf("nil calendar: Why(%s) = %q, %v", s, reason, off)
		}
		if got := cal.NextWorkday(d); got != d {
			t.Errorf("nil calendar: NextWorkday(%s) = %s", s, got)
		}
	}
}

func TestNew(t *testing.T) {
	cases := []struct {
		name      string
		country   string
		holidays  []civil.Date
		workdays  []civil.Date
		wantNil   bool
		wantErr   string // "" = no error
		sundayOff bool   // whether 2026-03-08 is off in the result
		mondayOff bool   // whether 2026-03-09 is off in the result
	}{
		{name: "no country: every day is worked", country: "", wantNil: true},
		{name: "vn", country: "vn", sundayOff: true},
		{name: "case and spaces do not matter", country: " VN ", sundayOff: true},
		{name: "lists are kept", country: "vn", holidays: dates("2026-03-09"), sundayOff: true, mondayOff: true},
		{name: "unknown country", country: "th", wantErr: `unknown country "th"`},
		{name: "lists without a country", country: "", holidays: dates("2026-03-09"), wantErr: "need a country"},
		{name: "a date in both lists", country: "vn", holidays: dates("2026-05-02"), workdays: dates("2026-05-02"), wantErr: "2026-05-02 is listed both"},
		{name: "an empty date", country: "vn", workdays: []civil.Date{{}}, wantErr: "empty date"},
	}
	sunday, monday := civil.MustParse("2026-03-08"), civil.MustParse("2026-03-09")
	for _, c := range cases {
		cal, err := calendar.New(c.country, c.holidays, c.workdays)
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", c.name, err, c.wantErr)
			}
			continue
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
			continue
		case (cal == nil) != c.wantNil:
			t.Errorf("%s: calendar %v, want nil %v", c.name, cal, c.wantNil)
			continue
		}
		if cal.IsWorkday(sunday) == c.sundayOff || cal.IsWorkday(monday) == c.mondayOff {
			t.Errorf("%s: Sunday off %v, Monday off %v; want %v, %v", c.name,
				!cal.IsWorkday(sunday), !cal.IsWorkday(monday), c.sundayOff, c.mondayOff)
		}
	}
}
