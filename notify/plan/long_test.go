package plan_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// A recipient with more notices than planning holds (HR's list of a
// province) is read once, its items past what the message shows kept as
// outlines and its CSV written as it is read: the message sent and the list
// kept are byte for byte those of the same run planned whole. The run mixes
// what the templates look at: kinds, items about HR themself (with answer
// links) and about others, items told twice, data problems, fields, and
// recipients before and after HR.
func TestPlanReadsLongListsOnce(t *testing.T) {
	someMine := func(i int) bool { return i%7 == 3 } // more than a list shows: Answerable lists them all
	for _, c := range []struct {
		name  string
		job   string
		limit int
		mine  func(int) bool
		// outlined: some items are kept as outlines; with every item
		// about the recipient, none is, and the lists are still cut.
		outlined bool
	}{
		{"reappointments", "reappointments", 20, someMine, true},
		{"course-reminders", "course-reminders", 20, someMine, true},
		// Its template prints the first 30 of .Items, not through Shown.
		{"delivery-failures", "delivery-failures", 10, func(int) bool { return false }, true},
		{"all about the recipient", "course-reminders", 20, func(int) bool { return true }, false},
	} {
		for _, lang := range []string{"vi", "en"} {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				storetest.Each(t, func(t *testing.T, st *store.Store) {
					testLongList(t, st, lang, c.job, c.limit, c.mine, c.outlined)
				})
			})
		}
	}
}

func testLongList(t *testing.T, whole *store.Store, lang, job string, limit int, isMine func(int) bool, outlined bool) {
	ctx := context.Background()
	slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)
	hr := notify.Recipient{Name: "Phòng Tổ chức", Email: "tochuc@example.vn", StaffCode: "HR1"}
	kinds := map[string][]string{
		"reappointments":    {"term_ending", "review_overdue", "term_ending", "data_problem"},
		"course-reminders":  {"training_overdue", "training_due", "certificate_expiry", "data_problem", "training_overdue"},
		"delivery-failures": {"delivery_failed"},
	}[job]
	var notices []notify.Notice
	before := notify.Recipient{Name: "An", Email: "an@example.vn", StaffCode: "S0"}
	notices = append(notices, notify.Notice{To: before, Item: item(kinds[0], 0, "S0", false)})
	for i := range 900 {
		staff := fmt.Sprintf("S%d", i%300)
		mine := isMine(i)
		if mine {
			staff = "HR1"
		}
		n := notify.Notice{To: hr, Item: item(kinds[i%len(kinds)], i, staff, mine)}
		notices = append(notices, n)
		if i%50 == 7 { // told twice: once in the message, once in the list
			notices = append(notices, n)
		}
	}
	notices = append(notices, notify.Notice{To: notify.Recipient{Email: "zz@example.vn", StaffCode: "S9"}, Item: item(kinds[len(kinds)-1], 9999, "S9", false)})

	run := func(st *store.Store, long int) (wire, list string, outlines int) {
		t.Helper()
		defer plan.SetLongNotices(long)()
		p := planner(t, st)
		p.Lang, p.ListLimit, p.KeepContent = lang, limit, false
		p.Now = func() time.Time { return at }
		p.ListLink = func(key, email string) (string, time.Time) {
			return "https://tickler.example.vn/lists/" + email, time.Date(2027, 2, 24, 0, 0, 0, 0, time.UTC)
		}
		var planned []plan.Planned
		_, err := p.Run(ctx, job, slot, false, func(_ context.Context, emit notify.Emit) error {
			for _, n := range notices {
				if err := emit(n); err != nil {
					return err
				}
			}
			return nil
		}, func(pl *plan.Planned) error {
			planned = append(planned, *pl)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		key := store.DeliveryKey(job, slot, hr.Email)
		if err := st.GetSQL(ctx, &wire, "SELECT wire FROM deliveries WHERE key = ?", key); err != nil {
			t.Fatal(err)
		}
		// No list is kept when no list was cut (delivery-failures prints
		// the first 30 of its items itself): none either way.
		f, err := st.List(ctx, key)
		if err != nil && !errors.Is(err, store.ErrNoRows) {
			t.Fatal(err)
		}
		for _, pl := range planned {
			if pl.To.Email != hr.Email {
				continue
			}
			if len(pl.Items) != 900 {
				t.Errorf("HR's message has %d items, want 900", len(pl.Items))
			}
			for _, it := range pl.Items {
				if it.StaffName == "" {
					outlines++
				}
			}
			if pl.Partial != (long < 900 && outlined) {
				t.Errorf("HR's message Partial %v, want %v", pl.Partial, long < 900 && outlined)
			}
		}
		if len(planned) != 3 {
			t.Errorf("%d messages planned, want 3", len(planned))
		}
		var n int
		if err := st.GetSQL(ctx, &n, "SELECT count(*) FROM delivery_items WHERE delivery_id = (SELECT id FROM deliveries WHERE key = ?)", key); err != nil || n != 900 {
			t.Errorf("HR's message has %d delivery items (%v), want 900", n, err)
		}
		if err == nil {
			list = listText(t, f)
		}
		return wire, list, outlines
	}
	wireWhole, listWhole, o := run(whole, 1<<30)
	if o != 0 {
		t.Fatalf("planned whole, HR's message has %d outlines", o)
	}
	wireLong, listLong, o := run(storetest.New(t, whole.Dialect), 100)
	if outlined && (o == 0 || o >= 900) || !outlined && o != 0 {
		t.Errorf("read once, HR's message has %d outlines of its 900 items (want some: %v)", o, outlined)
	}
	if wireLong != wireWhole {
		t.Errorf("the message read once differs from the message planned whole:\n%s\n\n---- whole:\n%s", wireLong, wireWhole)
	}
	if listLong != listWhole {
		t.Errorf("the list read once differs from the list planned whole:\n%s\n\n---- whole:\n%s", listLong, listWhole)
	}
}

// item is the i-th item of kind about staff; one about the recipient
// (mine) has an answer link.
func item(kind string, i int, staff string, mine bool) notify.Item {
	it := notify.Item{Kind: kind, Key: fmt.Sprintf("%s/%d", kind, i), Step: "30d", StaffCode: staff,
		StaffName: fmt.Sprintf("Nguyễn Văn %d", i), Unit: "U1", Ref: fmt.Sprintf("R%d", i%7), RefName: fmt.Sprintf("Việc số %d", i),
		Date: civil.MustParse("2027-01-15").AddDays(i % 40), Days: 50 + i%40, Note: fmt.Sprintf("ghi chú %d", i),
		Fields: map[string]any{"unit_name": fmt.Sprintf("Phòng %d", i%5), "review_deadline": civil.MustParse("2026-12-15"),
			"retirement": civil.MustParse("2030-06-01"), "case_text": "Nghỉ hưu đúng tuổi", "flags": ""}}
	if kind == "training_overdue" || kind == "review_overdue" {
		it.Days = -it.Days
		it.Date = civil.MustParse("2026-10-01").AddDays(-(i % 40))
		it.Fields["person_told"] = i%3 == 0
	}
	if mine {
		it.Fields[notify.FieldAnswerURL] = fmt.Sprintf("https://tickler.example.vn/ack/%d", i)
	}
	return it
}
