package message_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
)

// An inline image's Content-ID is written in angle brackets (RFC 2392), so
// strict clients resolve the HTML's cid: references.
func TestInlineContentIDInAngleBrackets(t *testing.T) {
	m := &notify.Message{
		Key: "k", MessageID: "<x@example.vn>", Job: "monthly-digest",
		To: notify.Recipient{Email: "a@example.vn"}, Subject: "s", Text: "t",
		HTML:        `<img src="cid:ranks-1@digest.tickler">`,
		Attachments: []notify.Attachment{{Filename: "ranks.png", ContentType: "image/png", ContentID: "ranks-1@digest.tickler", Data: []byte("png")}},
		Created:     time.Now(),
	}
	msg, err := message.Build(m, message.Envelope{From: "tochuc@example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Content-Id: <ranks-1@digest.tickler>") {
		t.Errorf("no bracketed Content-Id in:\n%s", b.String())
	}
}
