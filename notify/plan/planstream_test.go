package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// streamNotices are n recipients' notices, one recipient after another: every
// third has two items.
func streamNotices(n int) []notify.Notice {
	var out []notify.Notice
	for i := range n {
		to := notify.Recipient{Name: fmt.Sprint("Người ", i), Email: fmt.Sprintf("p%03d@example.vn", i)}
		out = append(out, notify.Notice{To: to, Item: due(fmt.Sprint("S", i), fmt.Sprintf("training/%d", i), "30d")})
		if i%3 == 0 {
			out = append(out, notify.Notice{To: to, Item: due(fmt.Sprint("S", i), fmt.Sprintf("training/%d-b", i), "30d")})
		}
	}
	return out
}

func source(notices []notify.Notice) plan.Source {
	return func(ctx context.Context, tx *store.Tx, emit notify.Emit) error {
		for _, n := range notices {
			if err := emit(n); err != nil {
				return err
			}
		}
		return nil
	}
}

// outbox lists the messages in the outbox as "recipient: items | copies".
func outbox(t *testing.T, st *store.Store) []string {
	t.Helper()
	var rows []struct {
		Recipient string `db:"recipient"`
		Cc        string `db:"cc"`
		Items     string `db:"items"`
	}
	err := st.SelectSQL(context.Background(), &rows, `SELECT d.recipient, d.cc, (SELECT count(*) FROM delivery_items i WHERE i.delivery_id = d.id) AS items
		FROM deliveries d ORDER BY d.recipient`)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Recipient + ": " + r.Items + " | " + r.Cc
	}
	return out
}

// PlanStream writes what Plan writes for the same notices, over several
// batches, and drops the items a recipient already had, batch by batch.
func TestPlanStreamAsPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		notices := streamNotices(600) // three batches of 256 recipients and less

		byPlan := storetest.New(t, st.Dialect)
		if _, err := planner(t, byPlan).Plan(ctx, "course-reminders", slot, notices, false); err != nil {
			t.Fatal(err)
		}
		want := outbox(t, byPlan)

		p := planner(t, st)
		p.KeepContent = true
		var planned []plan.Planned
		collect := func(pl *plan.Planned) error {
			planned = append(planned, *pl)
			return nil
		}
		if _, err := p.PlanStream(ctx, "course-reminders", slot, false, source(notices), collect); err != nil {
			t.Fatal(err)
		}
		if got := outbox(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("PlanStream wrote %d messages unlike Plan's %d: first %q, want %q", len(got), len(want), got[0], want[0])
		}
		if len(planned) != 600 || len(planned[3].Items) != 2 || planned[3].Content.Text == "" {
			t.Errorf("%d planned; the fourth %+v", len(planned), planned[3])
		}

		// A later slot: recipients in the second batch had their first item,
		// and get only the new one; the items sent before are not repeated.
		later := slot.Add(24 * time.Hour)
		again := streamNotices(600)
		for i := range again {
			if strings.HasPrefix(again[i].To.Email, "p25") {
				again[i].Item.Key += "/new"
			}
		}
		planned = nil
		stats, err := p.PlanStream(ctx, "course-reminders", later, false, source(again), collect)
		if err != nil || stats.Messages != len(planned) {
			t.Fatalf("second run: %d planned, %d counted, %v", len(planned), stats.Messages, err)
		}
		var got []string
		for _, pl := range planned {
			got = append(got, fmt.Sprint(pl.To.Email, " ", len(pl.Items)))
		}
		// p250 … p259: 10 recipients; every third of them (p252, p255, p258)
		// has two items, both new now.
		if len(planned) != 10 || got[0] != "p250@example.vn 1" || got[2] != "p252@example.vn 2" {
			t.Errorf("second run: %v", got)
		}
	})
}

// A dry run, a failing source and notices of one recipient apart write
// nothing, not even what the source wrote in the transaction.
func TestPlanStreamAllOrNothing(t *testing.T) {
	cases := []struct {
		name    string
		dry     bool
		notices []notify.Notice
		fail    error  // returned by the source after its notices
		wantErr string // "" for none
	}{
		// A dry run renders every message and keeps nothing.
		{name: "dry run", dry: true, notices: streamNotices(250)},
		// The source fails after two batches were written.
		{name: "source fails", notices: streamNotices(600), fail: errors.New("figures unreadable"), wantErr: "figures unreadable"},
		// p001 comes back after p002: its two messages would share a key.
		{name: "recipient apart", notices: append(streamNotices(3), streamNotices(2)[2]), wantErr: "p001@example.vn are not together"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slot := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var rendered int
				p := planner(t, st)
				count := func(*plan.Planned) error { rendered++; return nil }
				src := func(ctx context.Context, tx *store.Tx, emit notify.Emit) error {
					// What a job keeps with its messages (the digest's figures).
					if err := tx.KeepFigures(ctx, slot, []store.Figures{{Month: "2026-11", Scope: c.name, JSON: "{}"}}); err != nil {
						return err
					}
					if err := source(c.notices)(ctx, tx, emit); err != nil {
						return err
					}
					return c.fail
				}
				_, err := p.PlanStream(ctx, "course-reminders", slot, c.dry, src, count)
				if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				var n int
				if err := st.GetSQL(context.Background(), &n, "SELECT (SELECT count(*) FROM deliveries) + (SELECT count(*) FROM digest_figures)"); err != nil || n != 0 {
					t.Errorf("%d rows kept (%v)", n, err)
				}
				if c.dry && rendered != 250 {
					t.Errorf("dry run rendered %d messages, want 250", rendered)
				}
			})
		}
	})
}

// PlanStream cuts and links a long list as Run does (both write through one
// writer): with ListLink, the message carries the link and not the file, and
// the whole list is kept with the message, in the run's transaction (none
// for a dry run); a recipient under the limit gets neither.
func TestPlanStreamLinksLongLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := planner(t, st)
		p.ListLimit = 2
		slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		const url = "https://tickler.example.vn/lists/TOKEN"
		var linked []string
		var mu sync.Mutex
		p.ListLink = func(key, email string) (string, time.Time) {
			mu.Lock() // called from the renderer's goroutines
			defer mu.Unlock()
			linked = append(linked, key+" "+email)
			return url, time.Date(2027, 2, 24, 0, 0, 0, 0, time.UTC)
		}
		hr := notify.Recipient{Name: "Phòng Tổ chức", Email: "tochuc@example.vn"}
		names := []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"}
		var notices []notify.Notice
		// One recipient under the limit before HR's long message and one
		// after it, so the long one is neither first nor last of its batch.
		notices = append(notices, notify.Notice{To: notify.Recipient{Email: "an@example.vn"}, Item: notify.Item{
			Kind: "data_problem", Key: "problem/8", Step: "7d", StaffCode: "S8", Note: "x"}})
		for i, name := range names {
			notices = append(notices, notify.Notice{To: hr, Item: notify.Item{
				Kind: "data_problem", Key: fmt.Sprintf("problem/%d", i), Step: "7d", StaffCode: fmt.Sprintf("S%d", i),
				StaffName: name, Note: "chưa có địa chỉ thư điện tử"}})
		}
		notices = append(notices, notify.Notice{To: notify.Recipient{Email: "binh@example.vn"}, Item: notify.Item{
			Kind: "data_problem", Key: "problem/9", Step: "7d", StaffCode: "S9", Note: "x"}})
		key := store.DeliveryKey("course-reminders", slot, hr.Email)

		// A dry run asks for the link (linked, below) and keeps nothing.
		var planned []plan.Planned
		collect := func(pl *plan.Planned) error {
			planned = append(planned, *pl)
			return nil
		}
		if _, err := p.PlanStream(ctx, "course-reminders", slot, true, source(notices), collect); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := st.GetSQL(ctx, &n, "SELECT (SELECT count(*) FROM delivery_lists) + (SELECT count(*) FROM deliveries)"); err != nil || n != 0 {
			t.Fatalf("a dry run kept %d rows (%v)", n, err)
		}
		if len(planned) != 3 {
			t.Fatalf("dry run: %d messages, want 3", len(planned))
		}

		planned = nil
		stats, err := p.PlanStream(ctx, "course-reminders", slot, false, source(notices), collect)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Messages != 3 || len(planned) != 3 {
			t.Fatalf("%d messages (%d reported), want 3", stats.Messages, len(planned))
		}
		if len(linked) != 2 || linked[0] != key+" "+hr.Email || linked[1] != linked[0] {
			t.Errorf("links asked for %q, want HR's message (%s) once a run", linked, key)
		}
		var c notify.Content
		for _, pl := range planned {
			if pl.To.Email == hr.Email {
				c = pl.Content
				if len(pl.Items) != len(names) {
					t.Errorf("HR's message has %d items, want %d", len(pl.Items), len(names))
				}
			}
		}
		if len(c.Attachments) != 0 {
			t.Errorf("the list was attached as well: %d attachments", len(c.Attachments))
		}
		if !strings.Contains(c.Text, "tải về tại: "+url) || !strings.Contains(c.HTML, `href="`+url+`"`) {
			t.Errorf("the message does not link to the list:\n%s", c.Text)
		}
		if !strings.Contains(c.HTML, "Trần Thị Bình") || strings.Contains(c.HTML, "Lê Văn Cường") {
			t.Errorf("the HTML should show the first 2 people only")
		}
		var wire string
		if err := st.GetSQL(ctx, &wire, "SELECT wire FROM deliveries WHERE key = ?", key); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(wire, "danh-sach.csv") || strings.Contains(wire, "text/csv") || !strings.Contains(wire, "lists/TOKEN") {
			t.Errorf("the message as sent carries the file or lacks the link")
		}
		f, err := st.List(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		data := listText(t, f)
		if f.Filename != "danh-sach.csv" || !strings.HasPrefix(f.ContentType, "text/csv") || strings.Count(data, "\n") != len(names)+1 {
			t.Errorf("kept list %s (%s), want a header and %d rows:\n%s", f.Filename, f.ContentType, len(names), data)
		}
		for _, name := range names {
			if !strings.Contains(data, name) {
				t.Errorf("the kept list lacks %s:\n%s", name, data)
			}
		}
		for _, short := range []string{"an@example.vn", "binh@example.vn"} {
			if _, err := st.List(ctx, store.DeliveryKey("course-reminders", slot, short)); !errors.Is(err, store.ErrNoRows) {
				t.Errorf("%s's short message got a list: %v", short, err)
			}
		}
	})
}
