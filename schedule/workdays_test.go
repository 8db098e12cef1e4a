package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/calendar"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/schedule"
)

// A slot on a day off runs on the next working day at the same time; slots
// moved onto one instant run once; Tết's week moves to the first day after
// it; a working day keeps its slot. Moved says which slots moved and why.
func TestOnWorkdays(t *testing.T) {
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	cal := calendar.VN(nil, []civil.Date{civil.MustParse("2026-12-19")}) // a make-up Saturday
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, cron, from string
		want             []string // the next slots after from
		moved            string   // what Moved says of the first
	}{
		// Friday's slot, then Saturday and Sunday's on Monday, once.
		{"weekend", "0 7 * * *", "2026-12-03 08:00", []string{"2026-12-04 07:00", "2026-12-07 07:00", "2026-12-08 07:00"}, ""},
		// From Saturday: Monday (Saturday 12th is a day off; the 19th a make-up working day).
		{"make-up Saturday", "0 7 * * *", "2026-12-18 08:00", []string{"2026-12-19 07:00", "2026-12-21 07:00"}, ""},
		// 1 May 2027 is a Saturday: 30/4 and 1/5 off, Monday the 3rd in lieu of
		// the Saturday holiday; the monthly job runs on Tuesday the 4th.
		{"the 1st", "0 7 1 * *", "2027-04-15 00:00", []string{"2027-05-04 07:00", "2027-06-01 07:00"}, "2027-05-01 07:00 Ngày Quốc tế Lao động"},
		// Tết 2027 (mùng 1 on Saturday 6 February): 4 to 8 February, two days in
		// lieu, the run on the 11th; the first slot moved is the 4th's.
		{"Tết", "0 7 * * *", "2027-02-04 08:00", []string{"2027-02-11 07:00"}, "2027-02-04 07:00 Tết Nguyên Đán"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec, err := schedule.Parse(c.cron)
			if err != nil {
				t.Fatal(err)
			}
			w := schedule.OnWorkdays(spec, cal, hcm)
			var got []string
			for n := at(c.from); len(got) < len(c.want); {
				n = schedule.Next(w, hcm, n)
				got = append(got, n.In(hcm).Format("2006-01-02 15:04"))
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("slots %q, want %q", got, c.want)
			}
			if c.moved != "" {
				m := schedule.Moved(w, at(c.want[0]), "vi")
				if len(m) == 0 || m[0].From.Format("2006-01-02 15:04")+" "+m[0].Why != c.moved {
					t.Errorf("moved %+v, want first %q", m, c.moved)
				}
			}
		})
	}
}
