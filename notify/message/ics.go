package message

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/civil"
)

// Deadlines returns the deadlines an item carries.
func Deadlines(it notify.Item) []notify.Deadline {
	d, _ := it.Fields[notify.FieldDeadlines].([]notify.Deadline)
	return d
}

// calendarFor returns the message's .ics attachment: one event per deadline
// of the items on or after the run's date (a past deadline is no use in a
// calendar), or ok false when there is none.
func calendarFor(v *View) (notify.Attachment, bool) {
	var events []notify.Deadline
	seen := map[string]bool{}
	perKind := map[string]int{}
	for _, it := range v.Items {
		// Only the items the message shows: a list cut to mail.list_limit
		// is a CSV file, not thousands of calendar events.
		if perKind[it.Kind]++; v.ListLimit > 0 && perKind[it.Kind] > v.ListLimit {
			continue
		}
		for _, d := range Deadlines(*it) {
			if d.Date.IsZero() || d.Date.Before(v.Date) || seen[d.Key] {
				continue
			}
			seen[d.Key] = true
			events = append(events, d)
		}
	}
	if len(events) == 0 {
		return notify.Attachment{}, false
	}
	name := "reminders.ics"
	if v.Lang == "vi" {
		name = "lich-nhac-viec.ics"
	}
	return notify.Attachment{
		Filename:    name,
		ContentType: "text/calendar; charset=utf-8; method=PUBLISH",
		Data:        Calendar(v.Job, v.IDDomain, v.Date, events),
	}, true
}

// Calendar writes an iCalendar object (domain names the installation in the
// events' UIDs) (RFC 5545) with one all-day event per
// deadline. The output is a pure function of its arguments, so a message
// rendered again is the same message: DTSTAMP is the run's date, and SEQUENCE
// grows with it, so a calendar that already holds the event takes the newer
// copy (a moved due date) as an update.
func Calendar(job, domain string, runDate civil.Date, deadlines []notify.Deadline) []byte {
	w := icsWriter{b: make([]byte, 0, 160+320*len(deadlines))}
	w.line("BEGIN:", "VCALENDAR")
	w.line("VERSION:", "2.0")
	w.line("PRODID:-//tickler//", escapeText(job), "//EN")
	w.line("CALSCALE:", "GREGORIAN")
	w.line("METHOD:", "PUBLISH")
	stamp := icsDate(runDate) + "T000000Z"
	seq := strconv.Itoa(civil.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(runDate))
	for _, d := range deadlines {
		w.line("BEGIN:", "VEVENT")
		w.line("UID:", eventUID(job, domain, d.Key))
		w.line("DTSTAMP:", stamp)
		w.line("SEQUENCE:", seq)
		w.line("DTSTART;VALUE=DATE:", icsDate(d.Date))
		w.line("DTEND;VALUE=DATE:", icsDate(d.Date.AddDays(1)))
		w.line("SUMMARY:", escapeText(d.Title))
		if d.Note != "" {
			w.line("DESCRIPTION:", escapeText(d.Note))
		}
		w.line("TRANSP:", "TRANSPARENT")
		w.line("END:", "VEVENT")
	}
	w.line("END:", "VCALENDAR")
	return w.b
}

// icsWriter writes content lines, folded so that no line is longer than 75
// octets (RFC 5545 3.1): a continuation starts with a space, and a fold
// never splits a UTF-8 sequence.
type icsWriter struct {
	b []byte
	n int // octets on the current line
}

// line writes the parts of one content line and its CRLF.
func (w *icsWriter) line(parts ...string) {
	for _, s := range parts {
		w.put(s)
	}
	w.b = append(w.b, "\r\n"...)
	w.n = 0
}

// put writes s on the current line, folding where the next character would
// pass the limit.
func (w *icsWriter) put(s string) {
	const limit = 75
	for w.n+len(s) > limit {
		cut := limit - w.n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b = append(w.b, s[:cut]...)
		w.b = append(w.b, "\r\n "...)
		w.n = 1
		s = s[cut:]
	}
	w.b = append(w.b, s...)
	w.n += len(s)
}

// eventUID is a deadline's stable, globally unique event identifier: the job
// and key where they are plain ASCII, else a hash of them, at the
// installation's domain (mail.from's), so two agencies' events never collide.
func eventUID(job, domain, key string) string {
	id := job + "." + strings.ReplaceAll(key, "/", ".")
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			sum := sha256.Sum256([]byte(job + "|" + key))
			id = job + "." + hex.EncodeToString(sum[:12])
			break
		}
	}
	if domain == "" {
		domain = "tickler.localhost"
	}
	return id + "@" + domain
}

func icsDate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format("20060102")
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func escapeText(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\\' || c == ';' || c == ',' || c < 0x20 || c == 0x7f {
			plain = false
			break
		}
	}
	if plain && utf8.ValidString(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch r {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteString(`\n`)
		default:
			if r < 0x20 || r == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
