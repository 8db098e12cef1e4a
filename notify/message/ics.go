package message

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
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
		for _, d := range Deadlines(it) {
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
	var b strings.Builder
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//tickler//"+escapeText(job)+"//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	stamp := icsDate(runDate) + "T000000Z"
	seq := strconv.Itoa(civil.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(runDate))
	for _, d := range deadlines {
		line("BEGIN", "VEVENT")
		line("UID", eventUID(job, domain, d.Key))
		line("DTSTAMP", stamp)
		line("SEQUENCE", seq)
		writeFolded(&b, "DTSTART;VALUE=DATE:"+icsDate(d.Date))
		writeFolded(&b, "DTEND;VALUE=DATE:"+icsDate(d.Date.AddDays(1)))
		line("SUMMARY", escapeText(d.Title))
		if d.Note != "" {
			line("DESCRIPTION", escapeText(d.Note))
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return []byte(b.String())
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
	return strings.ReplaceAll(d.String(), "-", "")
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func escapeText(s string) string {
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
				continue // control characters are not allowed in TEXT
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes one content line ending in CRLF, folded so that no line
// is longer than 75 octets (RFC 5545 3.1): a continuation starts with a space,
// and a fold never splits a UTF-8 sequence.
func writeFolded(b *strings.Builder, s string) {
	const limit = 75
	n := 0 // octets on the current line
	for len(s) > 0 {
		_, size := utf8.DecodeRuneInString(s)
		if n+size > limit {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteString(s[:size])
		n += size
		s = s[size:]
	}
	b.WriteString("\r\n")
}
