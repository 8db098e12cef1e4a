package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tickler-dev/tickler/notify"
)

// writeWire writes m's wire form, as Build and go-mail's WriteTo would, by
// hand: the same headers in the same order, the same MIME structure (mixed
// ⊃ related ⊃ alternative, inline images in related, attachments in mixed),
// the same encodings. It is what every message is made with, at planning or
// at send, so it is the hot path of delivery: go-mail's builder took two
// thirds of a message's rendering (its header maps, a writer per part, a
// random boundary each), this a tenth of it. TestWireMatchesGoMail compares
// the two on random messages, header by header and part by part.
//
// Boundaries are drawn from the message itself (a hash of its Message-ID,
// checked against its text parts: see boundary), so the same message gives
// the same bytes: a message rendered when it is sent can be rendered again
// to show what was sent, and gives what planning would have kept.
func writeWire(b *bytes.Buffer, m *notify.Message, env Envelope) error {
	_, from, ok := envelopeAddress(env.From)
	if !ok {
		if _, err := mail.ParseAddress(env.From); err != nil {
			return fmt.Errorf("mail.from: %w", err)
		}
		return fmt.Errorf("mail.from: %q is not an address", env.From)
	}
	var replyTo string
	if env.ReplyTo != "" {
		if _, replyTo, ok = envelopeAddress(env.ReplyTo); !ok {
			_, err := mail.ParseAddress(env.ReplyTo)
			return fmt.Errorf("mail.reply_to: %w", err)
		}
	}
	to, err := headerAddress(m.To)
	if err != nil {
		return fmt.Errorf("to %q: %w", m.To.Email, err)
	}
	cc := make([]string, 0, len(m.Cc))
	for _, c := range m.Cc {
		a, err := headerAddress(c)
		if err != nil {
			return fmt.Errorf("cc %q: %w", c.Email, err)
		}
		cc = append(cc, a)
	}

	b.Grow(wireSize(m))
	// go-mail's order: its generic headers sorted, then the addresses.
	b.WriteString("Auto-Submitted: auto-generated\r\n")
	b.WriteString("Date: ")
	b.WriteString(dateOf(m, env).Format(time.RFC1123Z))
	b.WriteString("\r\nMIME-Version: 1.0\r\nMessage-ID: <")
	b.WriteString(trimAngles(m.MessageID))
	b.WriteString(">\r\n")
	writeHeader(b, "Subject", subjects.get(m.Subject, func(s string) string {
		return mime.QEncoding.Encode("UTF-8", notify.CleanHeader(s))
	}))
	b.WriteString("X-Auto-Response-Suppress: All\r\nX-Tickler-Job: ")
	b.WriteString(notify.CleanHeader(m.Job))
	b.WriteString("\r\n")
	writeHeader(b, "From", from)
	writeHeader(b, "To", to)
	if len(cc) > 0 {
		writeHeader(b, "Cc", strings.Join(cc, ", "))
	}
	if replyTo != "" {
		writeHeader(b, "Reply-To", replyTo)
	}

	cte := "8bit"
	if !env.EightBit || !shortLines(m.Text) || !shortLines(m.HTML) {
		cte = "quoted-printable"
	}
	var embeds, attachments []notify.Attachment
	for _, a := range m.Attachments {
		if a.ContentID != "" {
			embeds = append(embeds, a)
		} else {
			attachments = append(attachments, a)
		}
	}
	hasAlt := m.HTML != ""
	hasRelated := len(embeds) > 0 // with a body part always
	hasMixed := len(attachments) > 0

	w := mimeWriter{b: b, id: m.MessageID, texts: [2]string{m.Text, m.HTML}}
	if hasMixed {
		w.open("mixed")
	}
	if hasRelated {
		w.open("related")
	}
	if hasAlt {
		w.open("alternative")
	}
	w.part("Content-Transfer-Encoding: "+cte, "Content-Type: text/plain; charset=UTF-8")
	if err := writeText(b, m.Text, cte); err != nil {
		return err
	}
	if hasAlt {
		w.part("Content-Transfer-Encoding: "+cte, "Content-Type: text/html; charset=UTF-8")
		if err := writeText(b, m.HTML, cte); err != nil {
			return err
		}
		w.close()
	}
	for _, a := range embeds {
		name := fileName(a.Filename)
		w.part("Content-Disposition: inline; filename=\""+name+"\"",
			"Content-Id: <"+strings.Trim(notify.CleanHeader(a.ContentID), "<>")+">",
			"Content-Transfer-Encoding: base64",
			"Content-Type: "+fileType(a.ContentType, name))
		writeBase64(b, a.Data)
	}
	if hasRelated {
		w.close()
	}
	for _, a := range attachments {
		name := fileName(a.Filename)
		w.part("Content-Disposition: attachment; filename=\""+name+"\"",
			"Content-Transfer-Encoding: base64",
			"Content-Type: "+fileType(a.ContentType, name))
		writeBase64(b, a.Data)
	}
	if hasMixed {
		w.close()
	}
	return nil
}

// boundaryLen is the length of a boundary: go-mail's, 30 random bytes in
// hex; ours, a hash in as many hex digits.
const boundaryLen = 60

// mimeWriter writes nested multiparts as go-mail lays them out: a part's
// delimiter is "--boundary" on a line of its own, preceded by an empty line
// except for the first part of a multipart.
type mimeWriter struct {
	b     *bytes.Buffer
	id    string    // the message's Message-ID, which boundaries are drawn from
	texts [2]string // its text parts, which no delimiter may occur in
	stack []string  // the boundaries of the multiparts open, outermost first
	fresh bool      // the innermost has no part yet
}

// open starts a multipart of kind, as a part of the one open (if any).
func (w *mimeWriter) open(kind string) {
	w.delimit()
	boundary := w.boundary(kind)
	w.b.WriteString("Content-Type: multipart/")
	w.b.WriteString(kind)
	w.b.WriteString(";\r\n boundary=")
	w.b.WriteString(boundary)
	w.b.WriteString("\r\n\r\n")
	w.stack = append(w.stack, boundary)
	w.fresh = true
}

// delimit writes the delimiter of the next part of the multipart open.
func (w *mimeWriter) delimit() {
	if len(w.stack) == 0 {
		return
	}
	if !w.fresh {
		w.b.WriteString("\r\n")
	}
	w.b.WriteString("--")
	w.b.WriteString(w.stack[len(w.stack)-1])
	w.b.WriteString("\r\n")
	w.fresh = false
}

// part starts a part with its headers; its body follows.
func (w *mimeWriter) part(headers ...string) {
	w.delimit()
	for _, h := range headers {
		w.b.WriteString(h)
		w.b.WriteString("\r\n")
	}
	w.b.WriteString("\r\n")
}

// close ends the innermost multipart.
func (w *mimeWriter) close() {
	w.b.WriteString("\r\n--")
	w.b.WriteString(w.stack[len(w.stack)-1])
	w.b.WriteString("--\r\n")
	w.stack = w.stack[:len(w.stack)-1]
	w.fresh = false
}

// boundary draws the boundary of a multipart of kind: a hash of the
// Message-ID, the kind and a count, the first whose delimiter ("--" and
// the boundary) the text parts do not hold. Nothing else can hold it: the
// other parts are base64, which has no '-', and quoted-printable (a
// relay without 8BITMIME) writes a text's '-' as it is and only adds
// "=" and line breaks, which cannot make a delimiter of text that has none.
// The same message has the same boundaries, however often it is rendered.
func (w *mimeWriter) boundary(kind string) string {
	var in [160]byte
	for n := 0; ; n++ {
		seed := strconv.AppendInt(append(append(append(append(in[:0], w.id...), 0), kind...), 0), int64(n), 10)
		sum := sha256.Sum256(seed)
		var d [2 + boundaryLen]byte
		d[0], d[1] = '-', '-'
		hex.Encode(d[2:], sum[:boundaryLen/2])
		delim := string(d[:]) // "--" and the boundary
		if !strings.Contains(w.texts[0], delim) && !strings.Contains(w.texts[1], delim) {
			return delim[2:]
		}
	}
}

// writeText writes a text part's body with CRLF line ends, 8-bit as it is
// or quoted-printable.
func writeText(b *bytes.Buffer, s, cte string) error {
	if cte == "quoted-printable" {
		w := quotedprintable.NewWriter(b)
		if _, err := w.Write([]byte(s)); err != nil {
			return err
		}
		return w.Close()
	}
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			writeLine(b, s)
			return nil
		}
		writeLine(b, s[:i])
		b.WriteString("\r\n")
		s = s[i+1:]
	}
	return nil
}

// writeLine writes a line of a text part without its end: a CR before the
// LF dropped, and a CR alone (from the records) made a line end, never a
// bare CR on the wire.
func writeLine(b *bytes.Buffer, line string) {
	line = strings.TrimSuffix(line, "\r")
	for {
		j := strings.IndexByte(line, '\r')
		if j < 0 {
			b.WriteString(line)
			return
		}
		b.WriteString(line[:j])
		b.WriteString("\r\n")
		line = line[j+1:]
	}
}

// writeBase64 writes data in base64, 76 characters a line (RFC 2045).
func writeBase64(b *bytes.Buffer, data []byte) {
	const line = 57 // bytes in: 76 characters out
	var buf [76]byte
	for len(data) > 0 {
		n := min(line, len(data))
		k := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(buf[:k], data[:n])
		b.Write(buf[:k])
		b.WriteString("\r\n")
		data = data[n:]
	}
}

// wireSize is about the size of m's wire form, a little more rather than
// less: its parts as they are with a CR for each LF (quoted-printable
// aside, which adds a few percent), base64's four characters for three
// bytes and a line end every 76, and two kilobytes for the headers and
// boundaries. The buffer it is written in then grows once, not by doubling
// to a megabyte's list.
func wireSize(m *notify.Message) int {
	n := 2048 + len(m.Subject) + len(m.Text) + len(m.HTML) + strings.Count(m.Text, "\n") + strings.Count(m.HTML, "\n")
	for _, a := range m.Attachments {
		n += 512 + (len(a.Data)+56)/57*78
	}
	return n
}

// writeHeader writes a header, folded at its spaces so that a line is at
// most 76 octets where its words allow (encoded words are at most 75; a
// name or a subject is never one word of 900).
func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteByte(':')
	n := len(name) + 1
	for { // the words strings.Split(value, " ") gives, without the slice
		w, rest, more := strings.Cut(value, " ")
		if n+1+len(w) > 76 {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(w)
		n += 1 + len(w)
		if !more {
			break
		}
		value = rest
	}
	b.WriteString("\r\n")
}

// headerAddress is a recipient as To and Cc show it.
func headerAddress(r notify.Recipient) (string, error) {
	a, err := mail.ParseAddress("<" + r.Email + ">")
	if err != nil {
		return "", err
	}
	a.Name = notify.CleanHeader(r.Name)
	return formatAddress(a), nil
}

// subjects keeps the last Subject header made: the messages of a run
// mostly share their subject, and encoding it was a sixth of their headers.
var subjects memo

// memo keeps the last value of a function of a string: lock-free, one
// entry, so it costs nothing when messages alternate.
type memo struct{ last atomic.Pointer[[2]string] }

func (m *memo) get(in string, f func(string) string) string {
	if e := m.last.Load(); e != nil && e[0] == in {
		return e[1]
	}
	out := f(in)
	m.last.Store(&[2]string{in, out})
	return out
}

// formatAddress writes an address as go-mail does: the name Q-encoded in
// UTF-8 (quoted when it is ASCII and needs it), the address in angle
// brackets.
func formatAddress(a *mail.Address) string {
	return (&mail.Address{Name: a.Name, Address: a.Address}).String()
}

// fileName is a file's name as a Content-Type or Content-Disposition
// parameter: no quote, backslash or control character, Q-encoded when not
// ASCII.
func fileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return mime.QEncoding.Encode("UTF-8", name)
}

// fileType is an attachment's Content-Type with its name.
func fileType(contentType, name string) string {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return notify.CleanHeader(contentType) + "; name=\"" + name + "\""
}
