package message

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify"
)

// WireString is Wire as a string, for a message small enough for the
// pooled buffer and for one that is not kept in the pool (a list's message
// of a megabyte), one after the other and again; and the size the buffer
// is grown to beforehand is not less than what an 8-bit message takes.
func TestWireStringIsWire(t *testing.T) {
	env := Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: time.UTC}
	row := "- Nguyễn Văn An, Phó Trưởng phòng: hết thời hạn bổ nhiệm ngày 21/03/2027\n"
	cal := []byte("BEGIN:VEVENT\r\nSUMMARY:Hết thời hạn\r\nEND:VEVENT\r\n")
	for _, rows := range []int{1, 20_000, 3, 20_000} {
		text := strings.Repeat(row, rows)
		m := notify.Message{MessageID: "<x@example.vn>", Job: "reappointments", Created: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
			To: notify.Recipient{Name: "Phòng Tổ chức", Email: "tochuc@example.vn"}, Subject: "Nhắc việc",
			Text: text, HTML: "<pre>" + text + "</pre>",
			Attachments: []notify.Attachment{{Filename: "lich.ics", ContentType: "text/calendar; charset=utf-8", Data: bytes.Repeat(cal, rows)}}}
		b, err := Wire(&m, env)
		if err != nil {
			t.Fatal(err)
		}
		s, err := WireString(&m, env)
		if err != nil {
			t.Fatal(err)
		}
		if s != string(b) {
			t.Fatalf("%d rows: WireString differs from Wire", rows)
		}
		if wireSize(&m) < len(b) {
			t.Errorf("%d rows: wireSize %d, the wire form is %d bytes", rows, wireSize(&m), len(b))
		}
	}
}
