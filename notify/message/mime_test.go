package message_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

var envelope = message.Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "phongtccb@example.vn", Loc: notifytest.Loc}

// wire renders m as it goes on the wire and parses it back.
func wire(t *testing.T, m *notify.Message) (*mail.Message, string) {
	t.Helper()
	msg, err := message.Build(m, envelope)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	parsed, err := mail.ReadMessage(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("not a parseable message: %v\n%s", err, b.String())
	}
	return parsed, b.String()
}

// Every message carries the headers that make it an automatic, replyable,
// recognisable message: Auto-Submitted, Reply-To the office, Date in the
// agency's zone, and the Message-ID derived from the row's key.
func TestHeaders(t *testing.T) {
	key := "course-reminders|2026-06-01T00:00:00Z|a@example.vn"
	m := &notify.Message{ID: 7, Key: key, MessageID: notify.MessageID(key, "example.vn"), Job: "course-reminders",
		To: notify.Recipient{Name: "Nguyễn Văn An", Email: "a@example.vn"}, Subject: "[Nhắc việc] Khóa học sắp đến hạn",
		Text: "Kính gửi đồng chí", HTML: "<p>Kính gửi đồng chí</p>", Created: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	parsed, _ := wire(t, m)
	h := parsed.Header
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Get("Subject"))
	checks := map[string][2]string{
		"Auto-Submitted": {h.Get("Auto-Submitted"), "auto-generated"},
		"Reply-To":       {h.Get("Reply-To"), "<phongtccb@example.vn>"},
		"Date":           {h.Get("Date"), "Mon, 01 Jun 2026 07:00:00 +0700"},
		"Message-ID":     {h.Get("Message-Id"), m.MessageID},
		"Subject":        {subject, m.Subject},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: %q, want %q", name, c[0], c[1])
		}
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Nguyễn Văn An" || to[0].Address != "a@example.vn" {
		t.Errorf("To: %v %v", to, err)
	}
	// The same key gives the same Message-ID: a resend is the same message.
	if again := notify.MessageID(key, "example.vn"); again != m.MessageID {
		t.Errorf("Message-ID changed: %s then %s", m.MessageID, again)
	}
}

// A CR/LF in a name or a subject (from the records) cannot add a header:
// the message has the same headers as without it, and the text is kept on
// one line.
func TestNoHeaderInjection(t *testing.T) {
	cases := []struct {
		name    string
		to, cc  string
		subject string
	}{
		// A Bcc smuggled in the recipient's name.
		{"name", "An\r\nBcc: spy@evil.example", "", "Nhắc việc"},
		// A bare LF in a copy's name.
		{"cc name", "An", "Bình\nBcc: spy@evil.example", "Nhắc việc"},
		// A header and a fake body start in the subject.
		{"subject", "An", "", "Nhắc việc\r\nBcc: spy@evil.example\r\n\r\nfake body"},
		// The same in plain ASCII, which needs no encoded word.
		{"ascii subject", "An", "", "Reminder\r\nBcc: spy@evil.example\r\n\r\nfake body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &notify.Message{ID: 1, MessageID: "<x@example.vn>", Job: "course-reminders",
				To: notify.Recipient{Name: tc.to, Email: "a@example.vn"}, Subject: tc.subject, Text: "body", Created: start}
			if tc.cc != "" {
				m.Cc = []notify.Recipient{{Name: tc.cc, Email: "b@example.vn"}}
			}
			parsed, raw := wire(t, m)
			for name := range parsed.Header {
				switch name {
				case "Bcc", "Fake":
					t.Errorf("header %s was injected:\n%s", name, raw)
				}
			}
			if strings.Contains(raw, "\r\nBcc:") || strings.Contains(raw, "\nBcc:") {
				t.Errorf("a Bcc line starts a header line:\n%s", raw)
			}
			body, _ := io.ReadAll(parsed.Body)
			if strings.Contains(string(body), "fake body") && !strings.Contains(string(body), "body") {
				t.Errorf("the body was replaced")
			}
		})
	}
}

// Names from the records are text in the HTML part: a <script> in a name
// arrives escaped, in the planned row and in the message on the wire.
func TestHTMLEscapesNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p, err := notifytest.Planner(st, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		p.RenderAtSend = false // the wire form as planned (as sent: message.Wire is the same code)
		notices := notifytest.Notices(1)
		notices[0].To.Name = `<script>alert("x")</script>`
		notices[0].Item.RefName = `<img src=x onerror=alert(1)> Tin học`
		if _, err := p.Plan(context.Background(), "course-reminders", notifytest.Slot, notices, false); err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := st.GetSQL(context.Background(), &stored, "SELECT wire FROM deliveries"); err != nil {
			t.Fatal(err)
		}
		parsed, err := mail.ReadMessage(strings.NewReader(stored))
		if err != nil {
			t.Fatal(err)
		}
		html := parts(t, parsed.Header.Get("Content-Type"), parsed.Body)["text/html"]
		for _, bad := range []string{"<script>", "<img src=x"} {
			if strings.Contains(html, bad) {
				t.Errorf("HTML part holds %q:\n%s", bad, html)
			}
		}
		for _, good := range []string{"&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt; Tin học"} {
			if !strings.Contains(html, good) {
				t.Errorf("HTML part lacks %q:\n%s", good, html)
			}
		}
	})
}

// parts returns the decoded leaf parts of a MIME body by media type (the
// last of each type).
func parts(t *testing.T, contentType string, body io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", contentType, err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		b, _ := io.ReadAll(body)
		out[mediaType] = string(b)
		return out
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = part
		if part.Header.Get("Content-Transfer-Encoding") == "base64" {
			r = base64.NewDecoder(base64.StdEncoding, part)
		}
		for k, v := range parts(t, part.Header.Get("Content-Type"), r) {
			out[k] = v
		}
	}
}

// Addresses are parsed and validated before a row is written: a bad one (or
// one with a CR/LF or a display name) stops the plan and nothing is written.
func TestBadAddressesNeverReachTheOutbox(t *testing.T) {
	for _, addr := range []string{"not an address", "a@example.vn\r\nBcc: spy@evil.example", "An <a@example.vn>", "a@localhost"} {
		t.Run(addr, func(t *testing.T) {
			st := storetest.New(t, store.SQLite)
			p, _ := notifytest.Planner(st, time.Now)
			notices := notifytest.Notices(2)
			notices[1].To.Email = addr
			if _, err := p.Plan(context.Background(), "course-reminders", notifytest.Slot, notices, false); err == nil {
				t.Errorf("%q was accepted", addr)
			}
			if n := len(notifytest.Rows(t, st)); n != 0 {
				t.Errorf("%d rows written", n)
			}
		})
	}
}

// With a transport that takes 8-bit text the bodies go as UTF-8, except when
// a line is longer than SMTP's 998 octets: then quoted-printable.
func TestEightBitUnlessLongLines(t *testing.T) {
	long := strings.Repeat("Bồi dưỡng ", 150) // 1,650 octets on one line
	cases := []struct {
		name     string
		eightBit bool
		html     string
		want     string
	}{
		{"8BITMIME", true, "<p>Kính gửi</p>", "Content-Transfer-Encoding: 8bit"},
		{"no 8BITMIME", false, "<p>Kính gửi</p>", "Content-Transfer-Encoding: quoted-printable"},
		{"a long line", true, "<p>" + long + "</p>", "Content-Transfer-Encoding: quoted-printable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := envelope
			env.EightBit = tc.eightBit
			msg, err := message.Build(&notify.Message{ID: 1, MessageID: "<x@example.vn>", Job: "j",
				To: notify.Recipient{Email: "a@example.vn"}, Subject: "s", Text: "Kính gửi", HTML: tc.html, Created: start}, env)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			msg.WriteTo(&b)
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("lacks %q:\n%s", tc.want, b.String())
			}
			for _, line := range strings.Split(b.String(), "\r\n") {
				if len(line) > 998 {
					t.Errorf("a line of %d octets", len(line))
				}
			}
		})
	}
}

var start = time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)
