package plan

import (
	"bytes"
	"encoding/gob"
	"testing"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/civil"
)

// benchNotice is a course reminder as course-reminders emits it, the bulk
// of what a province's run spills (137,711 messages at a million staff).
var benchNotice = notify.Notice{
	To: notify.Recipient{Name: "Nguyễn Văn An", Email: "an@example.vn", StaffCode: "S000001"},
	Cc: []notify.Recipient{{Name: "Trần Thị Hoa", Email: "hoa@example.vn", StaffCode: "S000002"}},
	Item: notify.Item{Kind: "training_overdue", Key: "training/12", Step: "overdue/3", StaffCode: "S000001", StaffName: "Nguyễn Văn An",
		Unit: "U0001", Ref: "QLNN", RefName: "Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính", Date: civil.MustParse("2026-11-02"), Days: -24,
		Fields: map[string]any{
			"unit_name":           "Phòng Tổ chức cán bộ",
			notify.FieldDeadlines: []notify.Deadline{{Key: "training/12/due", Date: civil.MustParse("2026-12-31"), Title: "Hạn hoàn thành"}},
		}},
}

// BenchmarkSpillCodec: the spill's own codec against encoding/gob, a
// notice written and read back, as the spill does for each notice. gob
// needs an encoder per notice (the spill's rows are read back in another
// order than written, so no stream can carry the types once), and it cannot
// keep what the codec keeps: a nil value in Fields, nil against empty
// slices (TestNoticeRoundTrip).
//
//	go test -run - -bench SpillCodec -benchmem ./notify/
func BenchmarkSpillCodec(b *testing.B) {
	b.Run("codec", func(b *testing.B) {
		var w noticeWriter
		var r noticeReader
		size := 0
		for b.Loop() {
			w.b = w.b[:0]
			if err := w.notice(&benchNotice, 0); err != nil {
				b.Fatal(err)
			}
			size = len(w.b)
			r.s, r.err = string(w.b), nil
			if _, _, err := r.notice(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes/notice")
	})
	b.Run("gob", func(b *testing.B) {
		gob.Register([]notify.Deadline(nil))
		gob.Register(civil.Date{})
		var buf bytes.Buffer
		size := 0
		for b.Loop() {
			buf.Reset()
			if err := gob.NewEncoder(&buf).Encode(&benchNotice); err != nil {
				b.Fatal(err)
			}
			size = buf.Len()
			var n notify.Notice
			if err := gob.NewDecoder(&buf).Decode(&n); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(size), "bytes/notice")
	})
}
