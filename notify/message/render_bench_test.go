package message_test

import (
	"testing"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
)

// BenchmarkMessage measures what planning spends on one typical course
// reminder (one training due, its calendar event): the templates, then
// the wire form.
//
//	go test ./notify -run '^$' -bench Message -benchmem
func BenchmarkMessage(b *testing.B) {
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		b.Fatal(err)
	}
	date := civil.In(notifytest.Slot, notifytest.Loc)
	it := notifytest.Notices(1)[0].Item
	it.Fields = map[string]any{"unit_name": "Phòng Tổ chức cán bộ", notify.FieldDeadlines: []notify.Deadline{{
		Key: it.Key + "/due", Date: it.Date, Title: "Hạn hoàn thành khóa học: " + it.RefName}}}
	to := notify.Recipient{Name: "Nguyễn Văn An", Email: "an@example.vn", StaffCode: "S00001"}
	view := func() *message.View {
		return &message.View{Lang: "vi", Job: "course-reminders", Date: date, To: to, Items: []notify.Item{it},
			Office: "Ban Tổ chức Tỉnh ủy", ListLimit: 200, IDDomain: "example.vn"}
	}
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			if _, err := tmpl.Render(view()); err != nil {
				b.Fatal(err)
			}
		}
	})
	c, _ := tmpl.Render(view())
	env := message.Envelope{From: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: notifytest.Loc}
	m := &notify.Message{Key: "k", MessageID: "<x@example.vn>", Job: "course-reminders", To: to,
		Subject: c.Subject, Text: c.Text, HTML: c.HTML, Attachments: c.Attachments, Created: notifytest.Slot}
	b.Run("wire", func(b *testing.B) {
		var n int
		for b.Loop() {
			w, err := message.Wire(m, env)
			if err != nil {
				b.Fatal(err)
			}
			n = len(w)
		}
		b.ReportMetric(float64(n), "bytes")
	})
}
