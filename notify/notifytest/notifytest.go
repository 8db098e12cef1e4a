// Package notifytest fills the outbox for tests and benchmarks through the
// real Planner, reads delivery rows back, and gives a settable clock.
package notifytest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
)

// Loc is the agency's zone in tests.
var Loc = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Slot is the run the planned messages belong to: 07:00 on 1 June 2026 in Hanoi.
var Slot = time.Date(2026, 6, 1, 7, 0, 0, 0, Loc)

// Notices returns n course reminders, one per person p1@example.vn ... pn@,
// each about a training due in 7 days.
func Notices(n int) []notify.Notice {
	due := civil.In(Slot, Loc).AddDays(7)
	out := make([]notify.Notice, n)
	for i := range out {
		out[i] = notify.Notice{
			To: notify.Recipient{Name: fmt.Sprintf("Nguyễn Văn Số %d", i+1), Email: fmt.Sprintf("p%d@example.vn", i+1)},
			Item: notify.Item{
				Kind: "training_due", Key: fmt.Sprintf("training/%d", i+1), Step: "7d",
				StaffCode: fmt.Sprintf("S%05d", i+1), Ref: "QLNN",
				RefName: "Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính", Date: due, Days: 7,
			},
		}
	}
	return out
}

// Planner returns the outbox planner of the tests: Vietnamese messages from
// "Ban Tổ chức <tochuc@example.vn>", created at now().
func Planner(st *store.Store, now func() time.Time) (*plan.Planner, error) {
	tmpl, err := message.LoadTemplates("")
	if err != nil {
		return nil, err
	}
	return &plan.Planner{Store: st, Templates: tmpl, Lang: "vi", Loc: Loc, Office: "Ban Tổ chức",
		From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", IDDomain: "example.vn", Now: now, RenderAtSend: true}, nil
}

// Plan puts n course reminders in the outbox, created at now, and returns
// their Message-IDs in row order.
func Plan(t testing.TB, st *store.Store, n int, now time.Time) []string {
	t.Helper()
	return PlanNotices(t, st, Notices(n), now)
}

// PlanNotices puts the messages of these course-reminders notices in the
// outbox, created at now, and returns the outbox's Message-IDs in row order.
func PlanNotices(t testing.TB, st *store.Store, notices []notify.Notice, now time.Time) []string {
	t.Helper()
	p, err := Planner(st, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Plan(context.Background(), "course-reminders", Slot, notices, false); err != nil {
		t.Fatal(err)
	}
	return MessageIDs(t, st)
}

// MessageIDs lists the Message-IDs of the outbox in row order.
func MessageIDs(t testing.TB, st *store.Store) []string {
	t.Helper()
	var ids []string
	if err := st.SelectSQL(context.Background(), &ids, "SELECT message_id FROM deliveries ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	return ids
}

// Row is a delivery as tests look at it.
type Row struct {
	ID            int64      `db:"id"`
	Key           string     `db:"key"`
	Recipient     string     `db:"recipient"`
	RecipientName string     `db:"recipient_name"`
	Cc            string     `db:"cc"`
	MessageID     string     `db:"message_id"`
	State         string     `db:"state"`
	Attempts      int        `db:"attempts"`
	Reply         string     `db:"reply"`
	LeaseOwner    string     `db:"lease_owner"`
	Next          store.Time `db:"next_attempt_at"`
	SentAt        store.Time `db:"sent_at"`
	FailedAt      store.Time `db:"failed_at"`
}

// Rows reads every delivery, in row order.
func Rows(t testing.TB, st *store.Store) []Row {
	t.Helper()
	var rows []Row
	err := st.SelectSQL(context.Background(), &rows, `SELECT id, key, recipient, recipient_name, cc, message_id, state, attempts, reply,
		lease_owner, next_attempt_at, sent_at, failed_at FROM deliveries ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// States counts the rows per state.
func States(t testing.TB, st *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range Rows(t, st) {
		out[r.State]++
	}
	return out
}

// Clock is a settable clock for Deliverer.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
