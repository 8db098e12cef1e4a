package message

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
)

// TestCalendarAsWrittenPartByPart checks Calendar, which escapes and
// formats in place, against the calendar written from strings made part
// by part (escaped, formatted by time, joined): the same bytes for random
// titles, notes, keys and dates (days a month does not have among them),
// with every character TEXT escapes or drops, invalid UTF-8 and multi-byte
// characters at the folds.
func TestCalendarAsWrittenPartByPart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 12))
	pieces := []string{"a", "Z", "7", " ", ",", ";", "\\", "\n", "\r\n", "\r", "\t", "\x7f", "\x01", "ă", "ễ", "€",
		"\xff", "\xe1\xba", "/", ".", "-", "_", "đầu", "bổ nhiệm lại"}
	text := func(max int) string {
		var b strings.Builder
		for range rng.IntN(max) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	date := func() civil.Date {
		switch rng.IntN(20) {
		case 0:
			return civil.Date{}
		case 1: // a day its month does not have (30 February), as a literal can hold
			return civil.Date{Year: 1990 + rng.IntN(60), Month: time.Month(1 + rng.IntN(12)), Day: 28 + rng.IntN(4)}
		}
		return civil.New(1990+rng.IntN(60), time.Month(1+rng.IntN(12)), 1+rng.IntN(31))
	}
	for i := range 3000 {
		job := []string{"reappointments", "course-reminders", "job/x", "việc"}[rng.IntN(4)]
		domain := []string{"example.vn", ""}[rng.IntN(2)]
		var ds []notify.Deadline
		for range rng.IntN(4) {
			key := []string{"appointment/145785/end", "training/S1/C2/due", text(12)}[rng.IntN(3)]
			ds = append(ds, notify.Deadline{Key: key, Date: date(), Title: text(60), Note: text(120) + text(2)})
		}
		run := date()
		if got, want := string(Calendar(job, domain, run, ds)), partByPart(job, domain, run, ds); got != want {
			t.Fatalf("case %d:\n got %q\nwant %q", i, got, want)
		}
	}
}

// partByPart is Calendar as it was written before it escaped in place.
func partByPart(job, domain string, runDate civil.Date, deadlines []notify.Deadline) string {
	escape := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		var b strings.Builder
		for _, r := range s {
			switch r {
			case '\\', ';', ',':
				b.WriteByte('\\')
				b.WriteRune(r)
			case '\n', '\r':
				b.WriteString(`\n`)
			default:
				if r < 0x20 || r == 0x7f {
					continue
				}
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	uid := func(key string) string {
		id := job + "." + strings.ReplaceAll(key, "/", ".")
		for _, r := range id {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				sum := sha256.Sum256([]byte(job + "|" + key))
				id = job + "." + hex.EncodeToString(sum[:12])
				break
			}
		}
		d := domain
		if d == "" {
			d = "tickler.localhost"
		}
		return id + "@" + d
	}
	day := func(d civil.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Time(time.UTC).Format("20060102")
	}
	w := icsWriter{}
	w.line("BEGIN:", "VCALENDAR")
	w.line("VERSION:", "2.0")
	w.line("PRODID:-//tickler//", escape(job), "//EN")
	w.line("CALSCALE:", "GREGORIAN")
	w.line("METHOD:", "PUBLISH")
	stamp := day(runDate) + "T000000Z"
	seq := strconv.Itoa(civil.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(runDate))
	for _, d := range deadlines {
		w.line("BEGIN:", "VEVENT")
		w.line("UID:", uid(d.Key))
		w.line("DTSTAMP:", stamp)
		w.line("SEQUENCE:", seq)
		w.line("DTSTART;VALUE=DATE:", day(d.Date))
		w.line("DTEND;VALUE=DATE:", day(d.Date.AddDays(1)))
		w.line("SUMMARY:", escape(d.Title))
		if d.Note != "" {
			w.line("DESCRIPTION:", escape(d.Note))
		}
		w.line("TRANSP:", "TRANSPARENT")
		w.line("END:", "VEVENT")
	}
	w.line("END:", "VCALENDAR")
	return string(w.b)
}
