package plan

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify"

	"github.com/tickler-dev/tickler/civil"
)

// plannedCourse stands for a job's own field type (jobs.PlannedTraining).
type plannedCourse struct {
	Course string
	DueOn  civil.Date
	Hours  float64
	Tags   []string
	Extra  map[string]any
	At     time.Time
	Next   *plannedCourse
}

func init() { notify.RegisterFieldType("notify.plannedCourse", []plannedCourse(nil)) }

// A notice spilled and read back is the notice that went in: every field of
// the item, and every value of Fields with its Go type, so that a template
// (the agency's own, too) sees what the job put there.
func TestNoticeRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) // a zone keeps its offset, not its name
	cases := []struct {
		name string
		n    notify.Notice
	}{
		// A reminder as course-reminders emits it, with a copy and a
		// calendar deadline.
		{"course reminder", notify.Notice{
			To: notify.Recipient{Name: "Nguyễn Văn An", Email: "an@example.vn", StaffCode: "S1"},
			Cc: []notify.Recipient{{Name: "Trần Thị Hoa", Email: "hoa@example.vn", StaffCode: "H1"}},
			Item: notify.Item{Kind: "training_overdue", Key: "training/12", Step: "overdue/3", StaffCode: "S1", StaffName: "Nguyễn Văn An",
				Unit: "U1", Ref: "QLNN", RefName: "Quản lý nhà nước: 100%; \"ngạch\" 12:34", Date: civil.MustParse("2026-11-02"), Days: -24,
				Note: "dòng 1\r\ndòng 2\ttab\\", Fields: map[string]any{
					"unit_name":           "Phòng Tổ chức",
					notify.FieldDeadlines: []notify.Deadline{{Key: "training/12/due", Date: civil.MustParse("2026-12-31"), Title: "Hạn: 31/12", Note: ""}},
				}},
		}},
		// Every kind of value a job puts in Fields, zero values and nils
		// included.
		{"every field type", notify.Notice{
			To: notify.Recipient{Email: "tochuc@example.vn"},
			Item: notify.Item{Kind: "planning_entry", Key: "planning/1", Step: "2026", Fields: map[string]any{
				"s": "", "i": 42, "neg": -7, "l": int64(1) << 40, "f": 12.5, "third": 1.0 / 3, "t": true, "false": false,
				"d": civil.MustParse("2031-02-28"), "nodate": civil.Date{}, "time": at, "nil": nil,
				"flags": []string{"too_old", "theory"}, "noflags": []string(nil), "empty": []string{},
				"deadlines": []notify.Deadline(nil),
				"planned": []plannedCourse{{Course: "AV", DueOn: civil.MustParse("2026-12-01"), Hours: 40, Tags: []string{"x"},
					Extra: map[string]any{"n": 3, "s": "ế"}, At: at, Next: &plannedCourse{Course: "TH"}}, {}},
				"noplanned": []plannedCourse(nil),
			}},
		}},
		// No Fields at all, no copies, no date.
		{"bare", notify.Notice{To: notify.Recipient{Email: "a@example.vn"}, Item: notify.Item{Kind: "digest", Key: "digest/agency", Step: "2026-10"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w noticeWriter
			if err := w.notice(&c.n, 3); err != nil {
				t.Fatal(err)
			}
			r := noticeReader{s: string(w.b)}
			got, data, err := r.notice()
			if err != nil {
				t.Fatal(err)
			}
			if data != 3 {
				t.Errorf("data %d, want 3", data)
			}
			if r.s != "" {
				t.Errorf("%d bytes left over", len(r.s))
			}
			if !reflect.DeepEqual(got, c.n) {
				t.Errorf("read back\n%#v\nwant\n%#v", got, c.n)
			}
			for k, v := range c.n.Item.Fields {
				if reflect.TypeOf(got.Item.Fields[k]) != reflect.TypeOf(v) {
					t.Errorf("field %s: %T, want %T", k, got.Item.Fields[k], v)
				}
			}
		})
	}
}

// A value of a type nobody registered stops the run with a message that
// says what to do, instead of reaching a template as something else.
func TestNoticeUnknownFieldType(t *testing.T) {
	type mine struct{ A int }
	var w noticeWriter
	err := w.notice(&notify.Notice{To: notify.Recipient{Email: "a@example.vn"}, Item: notify.Item{Key: "k", Fields: map[string]any{"x": mine{1}}}}, 0)
	if err == nil || !strings.Contains(err.Error(), "notify.RegisterFieldType") || !strings.Contains(err.Error(), `field "x"`) {
		t.Errorf("err = %v", err)
	}
}

// A damaged row is an error, never a panic or a half-read notice passed on.
func TestNoticeCorrupt(t *testing.T) {
	var w noticeWriter
	n := notify.Notice{To: notify.Recipient{Email: "a@example.vn"}, Cc: []notify.Recipient{{Email: "b@example.vn"}},
		Item: notify.Item{Key: "k", Fields: map[string]any{"flags": []string{"a", "b"}, "p": []plannedCourse{{Course: "AV"}}}}}
	if err := w.notice(&n, 0); err != nil {
		t.Fatal(err)
	}
	full := string(w.b)
	for i := range len(full) {
		r := noticeReader{s: full[:i]}
		if _, _, err := r.notice(); err == nil {
			t.Errorf("a row cut at %d of %d read without error", i, len(full))
		}
	}
	r := noticeReader{s: "x" + full}
	if _, _, err := r.notice(); err == nil {
		t.Error("a row with a stray byte read without error")
	}
}

// A long string repeated within a notice (a reappointment's note is also
// its two calendar events') is written once and referred back to, and
// reads back the same; references never reach into another notice, so a
// notice reads alone whatever the writer wrote before it.
func TestNoticeRepeatsWrittenOnce(t *testing.T) {
	note := "Hết thời hạn bổ nhiệm ngày 03/03/2027; hạn bắt đầu quy trình xem xét bổ nhiệm lại: 03/12/2026"
	n := notify.Notice{To: notify.Recipient{Name: "Phòng Tổ chức cán bộ tỉnh", Email: "tochuc@example.vn"},
		Cc: []notify.Recipient{{Name: "Phòng Tổ chức cán bộ tỉnh", Email: "tochuc2@example.vn"}},
		Item: notify.Item{Kind: "term_ending", Key: "appointment/1", Step: "120d", Note: note, Fields: map[string]any{
			"case_text": note,
			notify.FieldDeadlines: []notify.Deadline{{Key: "appointment/1/review", Title: "Xem xét bổ nhiệm lại: Nguyễn Văn An", Note: note},
				{Key: "appointment/1/end", Title: "Hết thời hạn: Nguyễn Văn An", Note: note}},
			"flags": []string{note, "short"},
		}}}
	var w noticeWriter
	for i := range 2 {
		w.b = w.b[:0]
		if err := w.notice(&n, 0); err != nil {
			t.Fatal(err)
		}
		if c := strings.Count(string(w.b), note); c != 1 {
			t.Errorf("notice %d: the note written %d times, want once:\n%s", i, c, w.b)
		}
		r := noticeReader{s: string(w.b)}
		got, _, err := r.notice()
		if err != nil || r.s != "" {
			t.Fatalf("notice %d: %v, %d bytes left", i, err, len(r.s))
		}
		if !reflect.DeepEqual(got, n) {
			t.Errorf("notice %d read back\n%#v\nwant\n%#v", i, got, n)
		}
	}
	// A reference to a string the notice has not had is damage.
	for _, bad := range []string{"^0;", "^9;", "^-1;", "^x;"} {
		r := noticeReader{s: bad + string(w.b)}
		if _, _, err := r.notice(); err == nil {
			t.Errorf("a notice starting %q read without error", bad)
		}
	}
}

// Payloads kept by the version before back-references read as they did;
// a version not known yet is refused with a message.
func TestPayloadVersions(t *testing.T) {
	var w noticeWriter
	n := notify.Notice{To: notify.Recipient{Email: "an@example.vn"}, Item: notify.Item{Kind: "training_due", Key: "training/1", Step: "30d"}}
	if err := w.notice(&n, 0); err != nil {
		t.Fatal(err)
	}
	notice := string(w.b)
	v1 := "1;" + strconv.Itoa(len(notice)) + ":" + notice + strconv.Itoa(len(notice)) + ":" + notice
	got, err := unpayload(v1)
	if err != nil || len(got) != 2 || got[0] != notice || got[1] != notice {
		t.Errorf("a version 1 payload: %q, %v", got, err)
	}
	if got, err := unpayload(payload([]string{notice, notice})); err != nil || len(got) != 2 || got[1] != notice {
		t.Errorf("a payload of today: %q, %v", got, err)
	}
	if _, err := unpayload("3;" + strconv.Itoa(len(notice)) + ":" + notice); err == nil || !strings.Contains(err.Error(), "version 3 not known") {
		t.Errorf("a version 3 payload: %v", err)
	}
}

// A damaged count (of fields, of a list's strings, of a map's entries) is
// an error at once, not a loop or an allocation of its size.
func TestNoticeCorruptCounts(t *testing.T) {
	head := "0:0:0:0;0;" + "0:0:0:0;0:0:0:0:0:0;0;0:" // recipient, copies, data, the item up to its note
	for _, tail := range []string{
		"999999999999;",       // fields
		"1;1:xS999999999999;", // a []string
		"1;1:xD999999999999;", // deadlines
		"1;1:xr21:notify.plannedCourse" + "999999999999;", // a registered slice
	} {
		done := make(chan error, 1)
		go func() {
			r := noticeReader{s: head + tail}
			_, _, err := r.notice()
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%q read without error", tail)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%q: still reading after 10 s", tail)
		}
	}
}
