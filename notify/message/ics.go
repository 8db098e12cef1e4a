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
	n := 160
	for _, d := range deadlines {
		n += 300 + len(d.Key) + (len(d.Title)+len(d.Note))*21/20
	}
	w := icsWriter{b: make([]byte, 0, n)}
	w.line("BEGIN:", "VCALENDAR")
	w.line("VERSION:", "2.0")
	w.put("PRODID:-//tickler//")
	w.text(job)
	w.line("//EN")
	w.line("CALSCALE:", "GREGORIAN")
	w.line("METHOD:", "PUBLISH")
	stamp := icsDate(runDate) + "T000000Z"
	seq := strconv.Itoa(civil.Date{Year: 2000, Month: 1, Day: 1}.DaysUntil(runDate))
	for _, d := range deadlines {
		w.line("BEGIN:", "VEVENT")
		w.put("UID:")
		w.uid(job, domain, d.Key)
		w.line()
		w.line("DTSTAMP:", stamp)
		w.line("SEQUENCE:", seq)
		w.line("DTSTART;VALUE=DATE:", icsDate(d.Date))
		w.line("DTEND;VALUE=DATE:", icsDate(d.Date.AddDays(1)))
		w.put("SUMMARY:")
		w.text(d.Title)
		w.line()
		if d.Note != "" {
			w.put("DESCRIPTION:")
			w.text(d.Note)
			w.line()
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
	b   []byte
	n   int    // octets on the current line
	tmp []byte // a value being escaped (text)
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
func (w *icsWriter) put(s string) { putFolded(w, s) }

// text writes s as a TEXT value (escapeText), folded.
func (w *icsWriter) text(s string) {
	valid := utf8.ValidString(s)
	if valid && special(s) == len(s) {
		w.put(s)
		return
	}
	if !valid {
		s = validText(s)
	}
	w.tmp = appendEscaped(w.tmp[:0], s)
	putFolded(w, w.tmp)
}

// uid writes eventUID(job, domain, key).
func (w *icsWriter) uid(job, domain, key string) {
	if !plainID(job, false) || !plainID(key, true) {
		w.put(eventUID(job, domain, key))
		return
	}
	w.tmp = append(append(w.tmp[:0], job...), '.')
	for i := 0; i < len(key); i++ {
		if c := key[i]; c == '/' {
			w.tmp = append(w.tmp, '.')
		} else {
			w.tmp = append(w.tmp, c)
		}
	}
	if domain == "" {
		domain = "tickler.localhost"
	}
	w.tmp = append(append(w.tmp, '@'), domain...)
	putFolded(w, w.tmp)
}

func putFolded[S string | []byte](w *icsWriter, s S) {
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
	if !plainID(job, false) || !plainID(key, true) {
		sum := sha256.Sum256([]byte(job + "|" + key))
		id = job + "." + hex.EncodeToString(sum[:12])
	}
	if domain == "" {
		domain = "tickler.localhost"
	}
	return id + "@" + domain
}

// plainID reports whether s is made of what an event identifier keeps as
// it is: ASCII letters and digits, '.', '-', '_', and with slash a key's
// separator '/' (written as '.').
func plainID(s string, slash bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || slash && c == '/') {
			return false
		}
	}
	return true
}

func icsDate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > civil.DaysIn(d.Year, d.Month) {
		return d.Time(time.UTC).Format("20060102") // normalized, as time.Date does
	}
	b := [8]byte{'0' + byte(d.Year/1000), '0' + byte(d.Year/100%10), '0' + byte(d.Year/10%10), '0' + byte(d.Year%10),
		'0' + byte(d.Month/10), '0' + byte(d.Month%10), '0' + byte(d.Day/10), '0' + byte(d.Day%10)}
	return string(b[:])
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func escapeText(s string) string {
	if plainText(s) {
		return s
	}
	return string(appendEscaped(nil, validText(s)))
}

// plainText reports whether s is a TEXT value as it is: valid UTF-8 with
// nothing to escape.
func plainText(s string) bool {
	return special(s) == len(s) && utf8.ValidString(s)
}

// textSpecial marks the bytes a TEXT value escapes or drops.
var textSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t[0x7f], t['\\'], t[';'], t[','] = true, true, true, true
	return t
}()

// special returns the index of the first byte of s that TEXT escapes or
// drops, len(s) if none.
func special(s string) int {
	for i := 0; i < len(s); i++ {
		if textSpecial[s[i]] {
			return i
		}
	}
	return len(s)
}

// validText returns s with each byte that is not UTF-8 as U+FFFD (as
// ranging over s reads it).
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune { return r }, s)
}

// appendEscaped appends escapeText(s) to b for s valid UTF-8, the runs
// between the bytes it escapes at once.
func appendEscaped(b []byte, s string) []byte {
	for {
		i := special(s)
		b = append(b, s[:i]...)
		if i == len(s) {
			return b
		}
		switch c := s[i]; {
		case c == '\\' || c == ';' || c == ',':
			b = append(b, '\\', c)
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			b = append(b, `\n`...)
			i++
		case c == '\n' || c == '\r':
			b = append(b, `\n`...)
		default:
			// control characters are not allowed in TEXT
		}
		s = s[i+1:]
	}
}
