package message_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
)

// leaves returns the decoded leaf parts of a message, in order, with their
// headers.
func leaves(t *testing.T, wire []byte) []leaf {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(wire))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, wire)
	}
	var out []leaf
	var walk func(contentType string, body io.Reader, cte string)
	walk = func(contentType string, body io.Reader, cte string) {
		mt, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			t.Fatalf("Content-Type %q: %v", contentType, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				// multipart decodes quoted-printable itself and drops the header.
				walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"))
			}
		}
		if strings.EqualFold(cte, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		out = append(out, leaf{mt, cte, string(b)})
	}
	walk(m.Header.Get("Content-Type"), m.Body, m.Header.Get("Content-Transfer-Encoding"))
	return out
}

type leaf struct{ mediaType, cte, body string }

// The stored wire form is a message with 8-bit bodies and CRLF line ends;
// for a relay without 8BITMIME, SevenBit makes it 7-bit with the same
// content: the same parts, in the same order, the 8-bit ones in
// quoted-printable, the rest (base64 attachments, headers) as they were.
func TestSevenBit(t *testing.T) {
	long := strings.Repeat("Bồi dưỡng kiến thức quốc phòng ", 60) // one line of 2,000 octets
	cases := []struct {
		name string
		m    notify.Message
	}{
		// A reminder: Vietnamese text and HTML, and a calendar.
		{"text, html and calendar", notify.Message{Text: "Kính gửi đồng chí Nguyễn Văn An,\n\n.Khóa học: Quản lý nhà nước = 100%\n", HTML: "<p>Kính gửi đồng chí</p>\n<p>Trân trọng,</p>\n",
			Attachments: []notify.Attachment{{Filename: "lich.ics", ContentType: "text/calendar; charset=utf-8", Data: []byte("BEGIN:VCALENDAR\r\nSUMMARY:Hạn hoàn thành\r\nEND:VCALENDAR\r\n")}}}},
		// Plain text only.
		{"text only", notify.Message{Text: "Kính gửi,\nTrân trọng\n"}},
		// English: 8-bit in name only.
		{"ascii", notify.Message{Text: "Dear colleague,\n", HTML: "<p>Dear colleague</p>"}},
		// A line too long for 8-bit: Build made that part quoted-printable already.
		{"long line", notify.Message{Text: "ngắn\n", HTML: "<p>" + long + "</p>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.m
			m.MessageID, m.Job, m.To, m.Subject = "<x@example.vn>", "course-reminders", notify.Recipient{Name: "Nguyễn Văn An", Email: "a@example.vn"}, "Nhắc việc"
			m.Created = start
			wire, err := message.Wire(&m, envelope)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(wire, []byte("\n")) != bytes.Count(wire, []byte("\r\n")) {
				t.Error("the wire form has a bare LF")
			}
			seven, err := message.SevenBit(wire)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range seven {
				if c >= 0x80 {
					t.Fatalf("an 8-bit octet at %d:\n%s", i, seven)
				}
			}
			for _, line := range strings.Split(string(seven), "\r\n") {
				if len(line) > 998 {
					t.Errorf("a line of %d octets", len(line))
				}
			}
			before, after := leaves(t, wire), leaves(t, seven)
			if len(before) != len(after) {
				t.Fatalf("%d parts, then %d", len(before), len(after))
			}
			for i := range before {
				b, a := before[i], after[i]
				if a.mediaType != b.mediaType || a.body != b.body {
					t.Errorf("part %d: %s %q\nbecame %s %q", i, b.mediaType, b.body, a.mediaType, a.body)
				}
				if a.cte == "8bit" {
					t.Errorf("part %d is still labelled 8bit", i)
				}
			}
			// Headers untouched, but for the encoding of a single part.
			cte := regexp.MustCompile(`Content-Transfer-Encoding: [^\r]*\r\n`)
			h := func(b []byte) string { return cte.ReplaceAllString(string(b[:bytes.Index(b, []byte("\r\n\r\n"))]), "") }
			if h(seven) != h(wire) {
				t.Errorf("headers changed:\n%s\n---\n%s", h(wire), h(seven))
			}
		})
	}
}

// The same message gives the same bytes, boundaries included, so that a
// message rendered when it is sent can be rendered again to show what was
// sent; different messages get different boundaries, none of which occurs
// in a part, even a part that quotes a boundary of go-mail's form, or the
// very delimiters its Message-ID would first give.
func TestWireIsSteady(t *testing.T) {
	fake := "multipart/mixed;\n boundary=" + strings.Repeat("ab", 30) + "\n"
	base := notify.Message{MessageID: "<x@example.vn>", Job: "course-reminders", Created: start,
		To: notify.Recipient{Name: "Nguyễn Văn An", Email: "a@example.vn"}, Subject: "Nhắc việc",
		Text: "Kính gửi đồng chí,\n" + fake, HTML: "<p>Kính gửi</p>\n" + fake,
		Attachments: []notify.Attachment{{Filename: "lich.ics", ContentType: "text/calendar; charset=utf-8", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}}}
	other := base
	other.MessageID, other.Text = "<y@example.vn>", "Kính gửi đồng chí Bình,\n"
	boundaries := regexp.MustCompile(`Content-Type: multipart/[a-z]+;\r\n boundary=([0-9a-f]{60})\r`)
	// The same message as base, its text quoting base's delimiters, one
	// on a line of its own, the other within a line.
	w, err := message.Wire(&base, envelope)
	if err != nil {
		t.Fatal(err)
	}
	quoting := base
	for i, b := range boundaries.FindAllSubmatch(w, -1) {
		if i == 0 {
			quoting.Text += "--" + string(b[1]) + "\n"
		} else {
			quoting.HTML += "<p>x--" + string(b[1]) + "--</p>\n"
		}
	}
	var seen []string
	for _, m := range []notify.Message{base, other, quoting} {
		first, err := message.Wire(&m, envelope)
		if err != nil {
			t.Fatal(err)
		}
		again, err := message.Wire(&m, envelope)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatalf("the same message, two wire forms:\n%s\n---\n%s", first, again)
		}
		found := boundaries.FindAllSubmatch(first, -1)
		if len(found) != 2 { // mixed, and alternative inside it
			t.Fatalf("%d boundaries, want 2:\n%s", len(found), first)
		}
		for _, b := range found {
			seen = append(seen, string(b[1]))
		}
		parts := leaves(t, first)
		lf := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
		if len(parts) != 3 || lf(parts[0].body) != m.Text || lf(parts[1].body) != m.HTML {
			t.Fatalf("parts %q", parts)
		}
	}
	for i := range seen {
		for j := range i {
			if seen[i] == seen[j] {
				t.Errorf("boundary %s twice", seen[i])
			}
		}
	}
}
