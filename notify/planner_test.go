package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

func planner(t *testing.T, st *store.Store) *notify.Planner {
	t.Helper()
	tmpl, err := notify.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	return &notify.Planner{Store: st, Templates: tmpl, Lang: "vi", Loc: loc, Office: "Ban Tổ chức", IDDomain: "example.vn", Now: time.Now, KeepContent: true}
}

func due(staff, key, step string) notify.Item {
	return notify.Item{Kind: "training_due", Key: key, Step: step, StaffCode: staff, Ref: "QLNN", RefName: "Quản lý nhà nước", Date: civil.MustParse("2026-12-31"), Days: 30}
}

// One message per recipient, whatever the number of items; copies merged and
// the recipient never copied to itself; addresses compared case-insensitively.
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
		if len(planned) != 2 {
			t.Fatalf("%d messages, want 2", len(planned))
		}
		if got := len(planned[0].Items); got != 3 {
			t.Errorf("a@ got %d items, want 3", got)
		}
		if cc := planned[0].Cc; len(cc) != 1 || cc[0].Email != "m@example.vn" {
			t.Errorf("a@ copies %v, want only m@example.vn", cc)
		}
		// The Message-ID is derived from the key: the same for the same row, different across rows.
		var ids []string
		if err := st.DB.Select(&ids, "SELECT message_id FROM deliveries ORDER BY id"); err != nil {
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
		st.DB.Get(&n, "SELECT count(*) FROM deliveries")
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
		st.DB.Get(&name, "SELECT recipient_name FROM deliveries")
		if strings.ContainsAny(name, "\r\n") {
			t.Errorf("recipient name kept a line break: %q", name)
		}
	})
}
