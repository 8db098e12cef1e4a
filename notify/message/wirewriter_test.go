package message

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify"
)

// The wire form written by hand says what go-mail's says: on random
// messages (Vietnamese and ASCII names with commas and parentheses, copies,
// long subjects, lines too long for 8-bit, bare and CRLF line ends, HTML or
// not, calendars, CSV lists and inline images with names in Vietnamese),
// the two have the same headers in the same order with the same decoded
// values, and the same MIME tree: the same types, parameters, encodings,
// dispositions, Content-IDs and decoded bodies. Only the boundaries differ:
// go-mail draws them at random.
func TestWireMatchesGoMail(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	names := []string{"", "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường (Phòng TCCB)", "Phạm, Hoàng", "An", "O'Brien",
		"Ban Tổ chức Tỉnh ủy", "Trưởng phòng Tổ chức cán bộ, Sở Nội vụ tỉnh Thừa Thiên Huế (kiêm nhiệm)",
		strings.Repeat("Phó Trưởng ban Thường trực Ban Tổ chức Tỉnh ủy ", 6)}
	texts := []string{"", "Kính gửi đồng chí,\n\nĐề nghị hoàn thành.\n", "Dear colleague,\r\nplease.\r\n", "no newline at the end",
		strings.Repeat("Bồi dưỡng kiến thức quốc phòng ", 40) + "\n", "a\n\n\nb\n", "= 100%\n.dot\n--boundary\n"}
	htmls := []string{"", "", "<p>Kính gửi</p>\n", "<p>" + strings.Repeat("dài ", 300) + "</p>", "<table><tr><td>x</td></tr></table>"}
	subjects := []string{"Nhắc việc", "[Nhắc việc] Cán bộ có khóa đào tạo, bồi dưỡng sắp đến hạn: Quản lý nhà nước ngạch chuyên viên chính",
		"Reminder", "Training reminder: the courses you must finish before the end of the year, and the ones after", ""}
	for i := range 400 {
		m := &notify.Message{MessageID: fmt.Sprintf("<%d@example.vn>", i), Job: pick("course-reminders", "monthly-digest"),
			Created: time.Date(2026, 11, 26, 7, 0, rnd.IntN(60), 0, time.UTC),
			To:      notify.Recipient{Name: pick(names...), Email: fmt.Sprintf("p%d@example.vn", i)},
			Subject: pick(subjects...), Text: pick(texts...), HTML: pick(htmls...)}
		for k := range rnd.IntN(3) {
			m.Cc = append(m.Cc, notify.Recipient{Name: pick(names...), Email: fmt.Sprintf("c%d.%d@example.vn", i, k)})
		}
		for range rnd.IntN(3) {
			switch rnd.IntN(3) {
			case 0:
				m.Attachments = append(m.Attachments, notify.Attachment{Filename: "lich.ics", ContentType: "text/calendar; charset=utf-8; method=REQUEST",
					Data: []byte("BEGIN:VCALENDAR\r\nSUMMARY:Hạn hoàn thành\r\nEND:VCALENDAR\r\n")})
			case 1:
				m.Attachments = append(m.Attachments, notify.Attachment{Filename: pick("danh-sach.csv", "danh sách.csv"), ContentType: "text/csv; charset=utf-8",
					Data: []byte(strings.Repeat("S001,Nguyễn Văn An,31/12/2026\r\n", rnd.IntN(50)+1))})
			default:
				m.Attachments = append(m.Attachments, notify.Attachment{Filename: pick("bieu-do.png", "biểu đồ.png"), ContentType: "image/png",
					ContentID: fmt.Sprintf("chart%d@tickler", rnd.IntN(9)), Data: bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 255}, rnd.IntN(40)+1)})
			}
		}
		env := Envelope{From: pick("Ban Tổ chức <tochuc@example.vn>", "tochuc@example.vn"), ReplyTo: pick("", "phongtccb@example.vn", "Phòng TCCB <p@example.vn>"),
			Loc: time.FixedZone("ICT", 7*3600)}
		ours, err := Wire(m, env)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := wireGoMail(m, env)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(ours, []byte("\n")) != bytes.Count(ours, []byte("\r\n")) {
			t.Fatalf("message %d: a bare LF", i)
		}
		head := string(ours[:bytes.Index(ours, []byte("\r\n\r\n"))])
		for _, line := range strings.Split(string(ours), "\r\n") {
			if len(line) > 998 || (len(line) > 78 && strings.Contains(head, line)) {
				t.Fatalf("message %d: a line of %d octets:\n%s", i, len(line), line)
			}
		}
		a, b := describe(t, ours), describe(t, theirs)
		if !slices.Equal(a, b) {
			t.Fatalf("message %d differs from go-mail's:\n%s\n--- go-mail\n%s\n=== ours\n%s\n=== go-mail\n%s",
				i, strings.Join(a, "\n"), strings.Join(b, "\n"), ours, theirs)
		}
	}
}

// describe lists what a message says: its headers in order with their
// decoded values (addresses parsed), then each part of its MIME tree with
// its type, parameters but the boundary, encoding, disposition, Content-ID
// and decoded body.
func describe(t *testing.T, wire []byte) []string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(wire))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, wire)
	}
	var out []string
	dec := new(mime.WordDecoder)
	head := string(wire[:bytes.Index(wire, []byte("\r\n\r\n"))])
	for _, line := range strings.Split(head, "\r\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name := line[:strings.IndexByte(line, ':')]
		value := msg.Header.Get(name)
		switch strings.ToLower(name) {
		case "from", "to", "cc", "reply-to":
			list, err := msg.Header.AddressList(name)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			value = ""
			for _, a := range list {
				value += fmt.Sprintf("[%s|%s]", a.Name, a.Address)
			}
		case "subject":
			if value, err = dec.DecodeHeader(value); err != nil {
				t.Fatal(err)
			}
		case "content-type", "content-transfer-encoding":
			continue // in the tree below
		}
		out = append(out, name+": "+value)
	}
	var walk func(h func(string) string, body io.Reader, depth int)
	walk = func(h func(string) string, body io.Reader, depth int) {
		mt, params, err := mime.ParseMediaType(h("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", h("Content-Type"), err)
		}
		boundary := params["boundary"]
		delete(params, "boundary")
		if name, ok := params["name"]; ok {
			params["name"], _ = dec.DecodeHeader(name)
		}
		disp, dparams, _ := mime.ParseMediaType(h("Content-Disposition"))
		if name, ok := dparams["filename"]; ok {
			dparams["filename"], _ = dec.DecodeHeader(name)
		}
		line := fmt.Sprintf("%s%s %v cte=%s disp=%s %v id=%s", strings.Repeat("  ", depth), mt, params,
			strings.ToLower(h("Content-Transfer-Encoding")), disp, dparams, h("Content-Id"))
		if strings.HasPrefix(mt, "multipart/") {
			out = append(out, line)
			mr := multipart.NewReader(body, boundary)
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get, p, depth+1)
			}
		}
		switch strings.ToLower(h("Content-Transfer-Encoding")) {
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		case "base64":
			b, _ := io.ReadAll(body)
			body = strings.NewReader(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
			b, _ = io.ReadAll(body)
			decoded := make([]byte, len(b))
			n, err := decodeBase64(decoded, b)
			if err != nil {
				t.Fatalf("base64: %v", err)
			}
			body = bytes.NewReader(decoded[:n])
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		// A part's last line end belongs to the delimiter after it.
		out = append(out, line+fmt.Sprintf(" body=%q", strings.TrimSuffix(string(b), "\r\n")))
	}
	walk(msg.Header.Get, msg.Body, 0)
	return out
}

func decodeBase64(dst, src []byte) (int, error) {
	return base64Std.Decode(dst, src)
}

var base64Std = base64.StdEncoding

// A CR alone in a body (a note typed on an old system) becomes a line end:
// the wire carries no bare CR, which SMTP forbids.
func TestWireHasNoBareCR(t *testing.T) {
	m := &notify.Message{MessageID: "<x@example.vn>", Job: "course-reminders", Created: time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC),
		To: notify.Recipient{Email: "a@example.vn"}, Subject: "Nhắc việc", Text: "Ghi chú:\rdòng hai\r\ndòng ba\n", HTML: "<p>a\rb</p>"}
	wire, err := Wire(m, Envelope{From: "tochuc@example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	if n, crlf := bytes.Count(wire, []byte("\r")), bytes.Count(wire, []byte("\r\n")); n != crlf {
		t.Errorf("%d CR, of which %d before an LF:\n%q", n, crlf, wire)
	}
	if !bytes.Contains(wire, []byte("Ghi chú:\r\ndòng hai\r\ndòng ba\r\n")) {
		t.Errorf("the text's lines:\n%q", wire)
	}
}

// wireGoMail is Wire as go-mail writes it (its boundaries random): the
// reference writeWire is tested against.
func wireGoMail(m *notify.Message, env Envelope) ([]byte, error) {
	env.EightBit = true
	msg, err := Build(m, env)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	return crlf(buf.Bytes()), nil
}

// crlf returns b with every line ending in CRLF: go-mail writes headers with
// CRLF but leaves an 8-bit body's bare LFs from the templates. The result is
// a new slice.
func crlf(b []byte) []byte {
	lf := bytes.Count(b, []byte("\n"))
	out := make([]byte, 0, len(b)+lf-bytes.Count(b, []byte("\r\n")))
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b...)
		}
		if i > 0 && b[i-1] == '\r' {
			out = append(out, b[:i+1]...)
		} else {
			out = append(out, b[:i]...)
			out = append(out, '\r', '\n')
		}
		b = b[i+1:]
	}
}
