package plan_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

func planner(t *testing.T, st *store.Store) *plan.Planner {
	t.Helper()
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	return &plan.Planner{Store: st, Templates: tmpl, Lang: "vi", Loc: loc, Office: "Ban Tổ chức", IDDomain: "example.vn",
		From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Now: time.Now, KeepContent: true}
}

func due(staff, key, step string) notify.Item {
	return notify.Item{Kind: "training_due", Key: key, Step: step, StaffCode: staff, Ref: "QLNN", RefName: "Quản lý nhà nước", Date: civil.MustParse("2026-12-31"), Days: 30}
}

// One message per address, whatever the number of items: a copy is not a Cc
// but the item in the copied address's own message (it gets one message of
// the run, however many notices copy it); the recipient is never copied to
// itself; addresses are compared case-insensitively.
func TestPlanGroupsPerRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := planner(t, st)
		slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		a := notify.Recipient{Name: "An", Email: "a@example.vn"}
		notices := []notify.Notice{
			{To: a, Item: due("A", "training/1", "30d")},
			{To: notify.Recipient{Name: "An", Email: "A@Example.VN"}, Cc: []notify.Recipient{{Email: "m@example.vn"}}, Item: due("A", "training/2", "30d")},
			{To: a, Cc: []notify.Recipient{{Email: "m@example.vn"}, {Email: "a@example.vn"}}, Item: due("A", "training/3", "30d")},
			{To: notify.Recipient{Email: "b@example.vn"}, Item: due("B", "training/4", "30d")},
		}
		planned, err := p.Plan(context.Background(), "course-reminders", slot, notices, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(planned) != 3 {
			t.Fatalf("%d messages, want 3 (a@, b@, m@)", len(planned))
		}
		byTo := map[string]plan.Planned{}
		for _, p := range planned {
			if len(p.Cc) != 0 {
				t.Errorf("%s: copies %v, want none", p.To.Email, p.Cc)
			}
			byTo[p.To.Email] = p
		}
		if got := len(byTo["a@example.vn"].Items); got != 3 {
			t.Errorf("a@ got %d items, want 3", got)
		}
		if got := byTo["m@example.vn"].Items; len(got) != 2 || got[0].Key != "training/2" || got[1].Key != "training/3" {
			t.Errorf("m@ got %v, want training/2 and training/3 in one message", got)
		}
		// The Message-ID is derived from the key: the same for the same row, different across rows.
		var ids []string
		if err := st.SelectSQL(context.Background(), &ids, "SELECT message_id FROM deliveries ORDER BY id"); err != nil {
			t.Fatal(err)
		}
		key := "course-reminders|" + slot.Format(time.RFC3339) + "|a@example.vn"
		if ids[0] != notify.MessageID(key, "example.vn") || ids[0] == ids[1] {
			t.Errorf("message ids %v", ids)
		}
	})
}

// A bad address is refused before anything is written.
func TestPlanRefusesBadAddresses(t *testing.T) {
	cases := []struct {
		name, email string
	}{
		{"no at sign", "nobody"},
		{"a name in the address", "An <a@example.vn>"},
		{"a header smuggled in", "a@example.vn\r\nBcc: x@evil.test"},
		{"no domain dot", "a@localhost"},
		{"two addresses", "a@example.vn, b@example.vn"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := planner(t, st)
		for _, c := range cases {
			_, err := p.Plan(context.Background(), "course-reminders", time.Now(), []notify.Notice{{To: notify.Recipient{Email: c.email}, Item: due("A", "training/1", "30d")}}, false)
			if err == nil || !strings.Contains(err.Error(), "invalid e-mail address") {
				t.Errorf("%s: err = %v", c.name, err)
			}
		}
		var n int
		st.GetSQL(context.Background(), &n, "SELECT count(*) FROM deliveries")
		if n != 0 {
			t.Errorf("%d rows written", n)
		}
	})
}

// A name from the records is text in HTML, and cannot break the subject line.
func TestPlanEscapesRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := planner(t, st)
		it := due("A", "training/1", "7d")
		it.RefName = `<script>alert(1)</script>`
		planned, err := p.Plan(context.Background(), "course-reminders", time.Now(), []notify.Notice{{To: notify.Recipient{Name: "An\r\nBcc: x@evil.test", Email: "a@example.vn"}, Item: it}}, false)
		if err != nil {
			t.Fatal(err)
		}
		html := planned[0].Content.HTML
		if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
			t.Errorf("script not escaped in HTML")
		}
		var name string
		st.GetSQL(context.Background(), &name, "SELECT recipient_name FROM deliveries")
		if strings.ContainsAny(name, "\r\n") {
			t.Errorf("recipient name kept a line break: %q", name)
		}
	})
}

// A list longer than mail.list_limit is cut in the message, which says so and
// carries the whole list as a CSV file (and no calendar events beyond it).
func TestPlanCutsLongLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := planner(t, st)
		p.ListLimit = 2
		var notices []notify.Notice
		for i, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
			notices = append(notices, notify.Notice{To: notify.Recipient{Email: "tochuc@example.vn"}, Item: notify.Item{
				Kind: "data_problem", Key: fmt.Sprintf("problem/%d", i), Step: "7d", StaffCode: fmt.Sprintf("S%d", i),
				StaffName: name, Note: "chưa có địa chỉ thư điện tử"}})
		}
		planned, err := p.Plan(context.Background(), "course-reminders", time.Now(), notices, false)
		if err != nil {
			t.Fatal(err)
		}
		c := planned[0].Content
		if !strings.Contains(c.HTML, "Trần Thị Bình") || strings.Contains(c.HTML, "Lê Văn Cường") {
			t.Errorf("the HTML should list the first 2 people only")
		}
		if !strings.Contains(c.Text, "danh sách đầy đủ (3 trường hợp) ở tệp đính kèm danh-sach.csv") {
			t.Errorf("the text does not say the list was cut:\n%s", c.Text)
		}
		var csv string
		for _, a := range c.Attachments {
			if a.Filename == "danh-sach.csv" {
				csv = string(a.Data)
			}
		}
		if n := strings.Count(csv, "\n"); n != 4 || !strings.Contains(csv, "Lê Văn Cường") {
			t.Errorf("CSV has %d lines, want a header and 3 rows:\n%s", n, csv)
		}
		// Under the limit, no file and no note.
		p.ListLimit = 3
		planned, err = p.Plan(context.Background(), "course-reminders", time.Now().Add(time.Hour), notices[:1], true)
		if err != nil {
			t.Fatal(err)
		}
		if len(planned) > 0 && (strings.Contains(planned[0].Content.Text, "danh-sach.csv") || len(planned[0].Content.Attachments) > 0) {
			t.Errorf("a short list got a CSV")
		}
	})
}

// With a public URL (ListLink), a cut list is not attached: the message
// links to it, and the whole list is kept with the message, in the run's
// transaction (none for a dry run).
func TestPlanLinksLongLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := planner(t, st)
		p.ListLimit = 2
		slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		var linked []string
		var mu sync.Mutex
		p.ListLink = func(key, email string) (string, time.Time) {
			mu.Lock()
			defer mu.Unlock()
			linked = append(linked, key+" "+email)
			return "https://tickler.example.vn/lists/TOKEN", time.Date(2027, 2, 24, 0, 0, 0, 0, time.UTC)
		}
		var notices []notify.Notice
		for i, name := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"} {
			notices = append(notices, notify.Notice{To: notify.Recipient{Email: "tochuc@example.vn"}, Item: notify.Item{
				Kind: "data_problem", Key: fmt.Sprintf("problem/%d", i), Step: "7d", StaffCode: fmt.Sprintf("S%d", i),
				StaffName: name, Note: "chưa có địa chỉ thư điện tử"}})
		}
		// A person with one item gets no link.
		notices = append(notices, notify.Notice{To: notify.Recipient{Email: "an@example.vn"}, Item: notify.Item{
			Kind: "data_problem", Key: "problem/9", Step: "7d", StaffCode: "S9", Note: "x"}})
		if _, err := p.Plan(ctx, "course-reminders", slot, notices, true); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.GetSQL(ctx, &n, "SELECT count(*) FROM delivery_lists"); err != nil || n != 0 {
			t.Fatalf("a dry run kept %d lists (%v)", n, err)
		}
		planned, err := p.Plan(ctx, "course-reminders", slot, notices, false)
		if err != nil {
			t.Fatal(err)
		}
		key := store.DeliveryKey("course-reminders", slot, "tochuc@example.vn")
		if len(linked) != 2 || linked[1] != key+" tochuc@example.vn" {
			t.Errorf("links asked for %q, want HR's message (%s) once a run", linked, key)
		}
		var c notify.Content
		for _, pl := range planned {
			if pl.To.Email == "tochuc@example.vn" {
				c = pl.Content
			}
		}
		if len(c.Attachments) != 0 {
			t.Errorf("the list was attached as well: %d attachments", len(c.Attachments))
		}
		want := "tải về tại: https://tickler.example.vn/lists/TOKEN (đường dẫn có hiệu lực đến hết ngày 23/02/2027)"
		if !strings.Contains(c.Text, want) || !strings.Contains(c.HTML, `href="https://tickler.example.vn/lists/TOKEN"`) {
			t.Errorf("the message does not link to the list:\n%s", c.Text)
		}
		f, err := st.List(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if data := listText(t, f); f.Filename != "danh-sach.csv" || !strings.HasPrefix(f.ContentType, "text/csv") || f.Encoding != "gzip" ||
			strings.Count(data, "\n") != 4 || !strings.Contains(data, "Lê Văn Cường") {
			t.Errorf("kept list %s (%s, %q):\n%s", f.Filename, f.ContentType, f.Encoding, data)
		}
		var wire string
		if err := st.GetSQL(ctx, &wire, "SELECT wire FROM deliveries WHERE key = ?", key); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(wire, "danh-sach.csv") || !strings.Contains(wire, "lists/TOKEN") {
			t.Errorf("the message as sent carries the file or lacks the link")
		}
		if _, err := st.List(ctx, store.DeliveryKey("course-reminders", slot, "an@example.vn")); !errors.Is(err, store.ErrNoRows) {
			t.Errorf("a short message got a list: %v", err)
		}
	})
}

// listText is a kept list as it was written (uncompressed).
func listText(t *testing.T, f store.ListFile) string {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("list of %s: %v", f.Key, err)
	}
	return string(b)
}

// An item reaches a recipient once, whatever number of notices bring it,
// and two items are two even when their hashes are the same (the group
// finds the items it took by hash, then compares them): with the real
// hash, with one hash for every item, and with one for the items of a key,
// in a message held whole and in one read as a long list.
func TestPlanTellsAnItemOnce(t *testing.T) {
	hashes := map[string]func(key, step string) uint64{
		"real":     nil,
		"all same": func(string, string) uint64 { return 7 },
		"by key":   func(key, _ string) uint64 { return uint64(len(key)) },
	}
	for name, h := range hashes {
		for _, long := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/long=%v", name, long), func(t *testing.T) {
				if h != nil {
					defer plan.SetItemHash(h)()
				}
				if long {
					defer plan.SetLongNotices(5)()
				}
				storetest.Each(t, func(t *testing.T, st *store.Store) {
					p := planner(t, st)
					p.ListLimit = 3
					p.ListLink = func(key, email string) (string, time.Time) {
						return "https://tickler.example.vn/lists/x", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
					}
					hr := notify.Recipient{Name: "Phòng Tổ chức", Email: "tochuc@example.vn"}
					var notices []notify.Notice
					var want []string
					for i := range 240 { // past the first hundred a long list keeps whole
						key := fmt.Sprintf("training/%d", i%120)
						step := []string{"30d", "7d"}[i/120]
						n := notify.Notice{To: hr, Item: due(fmt.Sprintf("S%d", i), key, step)}
						notices = append(notices, n, n) // each twice
						if i%4 == 0 {
							notices = append(notices, n) // and some three times
						}
						want = append(want, key+"@"+step)
					}
					planned, err := p.Plan(context.Background(), "course-reminders", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), notices, false)
					if err != nil {
						t.Fatal(err)
					}
					if len(planned) != 1 {
						t.Fatalf("%d messages, want 1", len(planned))
					}
					// The message's items, in order: a long list's outlines
					// have no key (the outbox has it).
					if len(planned[0].Items) != len(want) {
						t.Errorf("%d items, want %d", len(planned[0].Items), len(want))
					}
					for i, it := range planned[0].Items {
						if it.Key != "" && i < len(want) && it.Key+"@"+it.Step != want[i] {
							t.Fatalf("item %d is %s@%s, want %s", i, it.Key, it.Step, want[i])
						}
					}
					// What the outbox records, each once.
					var got []string
					if err := st.SelectSQL(context.Background(), &got, "SELECT item_key || '@' || step FROM delivery_items"); err != nil {
						t.Fatal(err)
					}
					slices.Sort(got)
					want = slices.Sorted(slices.Values(want))
					if strings.Join(got, " ") != strings.Join(want, " ") {
						t.Errorf("items recorded\n got %v\nwant %v", got, want)
					}
					if planned[0].Partial != long { // items past those shown are outlines: read as a long list
						t.Errorf("partial %v, want %v", planned[0].Partial, long)
					}
				})
			})
		}
	}
}
