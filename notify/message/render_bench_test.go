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
		return &message.View{Lang: "vi", Job: "course-reminders", Date: date, To: to, Items: message.List{&it},
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

// BenchmarkLongList measures HR's message of a province on a first run: the
// 30,000 trainings more than eight weeks overdue, a link to the whole list,
// the items past the 50 a list shows kept as outlines (View.Partial). Its
// B/op is what the message costs beyond its items: the lists the templates
// ask for share the items instead of copying them.
//
//	go test ./notify/message -run '^$' -bench LongList -benchmem
func BenchmarkLongList(b *testing.B) {
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		b.Fatal(err)
	}
	var o message.Outliner
	items := make(message.List, 0, 30000)
	shown := map[string]int{}
	for i := range cap(items) {
		it := notifytest.Notices(1)[0].Item
		it.Kind, it.Days = "training_overdue", -80
		if i%10 == 9 {
			it.Kind = "data_problem"
		}
		it.Fields = map[string]any{"person_told": i%3 > 0, "unit_name": "Phòng Tổ chức cán bộ"}
		p := &it
		if shown[it.Kind]++; shown[it.Kind] > 50 {
			p = o.Outline(p)
		}
		items = append(items, p)
	}
	for b.Loop() {
		v := &message.View{Lang: "vi", Job: "course-reminders", Date: civil.In(notifytest.Slot, notifytest.Loc),
			To: notify.Recipient{Name: "Phòng Tổ chức", Email: "tochuc@example.vn", StaffCode: "HR"}, Items: items,
			Office: "Ban Tổ chức Tỉnh ủy", ListLimit: 50, ListURL: "https://tickler.example.vn/lists/x", Partial: true}
		c, err := tmpl.Render(v)
		if err != nil {
			b.Fatal(err)
		}
		if c.List != nil {
			b.Fatal("a partial view made a list")
		}
	}
}
