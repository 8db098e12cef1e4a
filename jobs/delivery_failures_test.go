package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/metrics"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// refuse fails, for good, the messages to the given addresses.
type refuse map[string]bool

func (r refuse) Send(_ context.Context, m *notify.Message) (notify.Sent, bool, error) {
	if r[m.To.Email] {
		return notify.Sent{}, false, errors.New("RCPT TO <" + m.To.Email + ">: 550 5.1.1 No such user")
	}
	return notify.Sent{Reply: "250 2.0.0 Ok"}, false, nil
}

// refuseCc takes every message, but the relay refuses the given recipients
// in copy, as a relay answers 550 to one RCPT TO among several.
type refuseCc map[string]bool

func (r refuseCc) Send(_ context.Context, m *notify.Message) (notify.Sent, bool, error) {
	if r[m.To.Email] { // a copy is a message of its own: refused alone
		return notify.Sent{}, false, errors.New("RCPT TO <" + m.To.Email + ">: 550 5.1.1 No such user")
	}
	sent := notify.Sent{Reply: "250 2.0.0 Ok"}
	for _, c := range m.Cc {
		if r[c.Email] {
			sent.Refused = append(sent.Refused, notify.Refusal{Email: c.Email,
				Err: errors.New("RCPT TO <" + c.Email + ">: 550 5.1.1 No such user")})
		}
	}
	return sent, false, nil
}

// deliverAt works the outbox off at the given time.
func deliverAt(t *testing.T, st *store.Store, s notify.Sender, at time.Time) deliver.Outcome {
	t.Helper()
	d := &deliver.Deliverer{Store: st, Sender: s, Owner: "test:1", Policy: deliver.RetryPolicy{MaxAttempts: 3},
		Now: func() time.Time { return at }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Render: (&plan.AtSend{Store: st}).Render}
	o, err := d.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The daily notice tells HR of each failed delivery once, with the address,
// the subject and the server's reason; failures of the notice itself are not
// reported (they would fail again).
func TestDeliveryFailuresTellsEachFailureOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testkit.Config(t, `
timezone: Asia/Ho_Chi_Minh
language: vi
mail: {from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: ["Phòng Tổ chức cán bộ <phongtccb@example.vn>"]}
`)
		tmpl, err := jobs.Templates("")
		if err != nil {
			t.Fatal(err)
		}
		day1 := time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)
		clock := notifytest.NewClock(day1.Add(time.Hour))
		runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: clock.Now, KeepContent: true}
		job, _ := jobs.Lookup("delivery-failures")
		notifytest.Plan(t, st, 4, day1)
		if o := deliverAt(t, st, refuse{"p2@example.vn": true, "p3@example.vn": true}, day1.Add(time.Minute)); o.Failed != 2 || o.Sent != 2 {
			t.Fatalf("%+v", o)
		}

		notice := day1.Add(time.Hour) // 08:00
		res, err := runner.Execute(context.Background(), cfg, job, notice, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 1 {
			t.Fatalf("%d messages, want 1 to HR", len(res.Planned))
		}
		p := res.Planned[0]
		if p.To.Email != "phongtccb@example.vn" || p.To.Name != "Phòng Tổ chức cán bộ" || len(p.Items) != 2 {
			t.Fatalf("to %+v with %d items", p.To, len(p.Items))
		}
		if want := "[Cảnh báo] 2 thư của hệ thống không gửi được"; p.Subject != want {
			t.Errorf("subject %q, want %q", p.Subject, want)
		}
		for _, want := range []string{"Kính gửi đồng chí Phòng Tổ chức cán bộ", "p2@example.vn (Nguyễn Văn Số 2)", "p3@example.vn",
			"550 5.1.1 No such user", "01/06/2026 07:01, sau 1 lần gửi"} {
			if !strings.Contains(p.Content.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, p.Content.Text)
			}
		}
		if strings.Contains(p.Content.Text, "p1@example.vn") {
			t.Errorf("a delivered message is listed:\n%s", p.Content.Text)
		}

		// The same day again: nothing new to tell.
		if res, _ := runner.Execute(context.Background(), cfg, job, notice.Add(time.Minute), false); len(res.Planned) != 0 {
			t.Errorf("told again: %+v", res.Planned[0].Items)
		}

		// The notice to HR itself fails, and a reminder fails the next day:
		// only the reminder is told.
		day2 := day1.AddDate(0, 0, 1)
		clock.Add(24 * time.Hour)
		notifytest.Plan(t, st, 5, day2) // p5 is new
		if o := deliverAt(t, st, refuse{"phongtccb@example.vn": true, "p5@example.vn": true}, day2.Add(time.Minute)); o.Failed != 2 {
			t.Fatalf("%+v", o)
		}
		res, err = runner.Execute(context.Background(), cfg, job, day2.Add(time.Hour), false)
		if err != nil || len(res.Planned) != 1 || len(res.Planned[0].Items) != 1 || res.Planned[0].Items[0].Ref != "p5@example.vn" {
			t.Fatalf("day 2: %+v %v", res.Planned, err)
		}
	})
}

// FailedBetween gives the monthly digest the failures of a period, oldest
// first, with the reason.
func TestFailedBetween(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		may31 := time.Date(2026, 5, 31, 23, 0, 0, 0, notifytest.Loc)
		notifytest.Plan(t, st, 1, may31)
		deliverAt(t, st, refuse{"p1@example.vn": true}, may31)
		jun := time.Date(2026, 6, 1, 0, 0, 0, 0, notifytest.Loc)
		notifytest.Plan(t, st, 4, jun) // p2, p3, p4 are new
		deliverAt(t, st, refuse{"p2@example.vn": true, "p3@example.vn": true}, jun.Add(time.Hour))
		june, err := deliver.FailedBetween(context.Background(), st, jun, jun.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(june) != 2 || june[0].Recipient != "p2@example.vn" || june[1].Recipient != "p3@example.vn" ||
			!strings.Contains(june[0].Reply, "550 5.1.1") || !june[0].FailedAt.Equal(jun.Add(time.Hour)) {
			t.Errorf("June: %+v", june)
		}
		may, _ := deliver.FailedBetween(context.Background(), st, jun.AddDate(0, -1, 0), jun)
		if len(may) != 1 || may[0].Recipient != "p1@example.vn" {
			t.Errorf("May: %+v", may)
		}
	})
}

// A long list is cut at 30 lines and says how many there are, in both
// languages.
func TestDeliveryFailuresNoticeStaysShort(t *testing.T) {
	tmpl, err := jobs.Templates("")
	if err != nil {
		t.Fatal(err)
	}
	var items []notify.Item
	for i := range 35 {
		items = append(items, notify.Item{Kind: "delivery_failed", Ref: "p@example.vn", RefName: "[Nhắc việc] s",
			Note: "550 5.1.1 No such user", Fields: map[string]any{"failed_at": "01/06/2026 07:01", "attempts": i}})
	}
	for lang, want := range map[string]string{"vi": "30 thư đầu tiên trong tổng số 35 thư", "en": "the first 30 of 35 messages"} {
		c, err := tmpl.Render(&message.View{Lang: lang, Job: "delivery-failures", Items: message.ListOf(items), Office: "Ban Tổ chức"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Text, want) || !strings.Contains(c.HTML, want) {
			t.Errorf("%s: lacks %q:\n%s", lang, want, c.Text)
		}
		if n := strings.Count(c.Text, "550 5.1.1"); n != 30 {
			t.Errorf("%s: %d failures listed, want 30", lang, n)
		}
	}
}

// A recipient in copy that the relay refused while it took the message for
// the employee (a copy is planned as a message of its own; a row with a Cc
// planned before is split by the deliverer) is a failed delivery of its own: tickler status and the
// status page list it with the relay's reply, /metrics counts it, and the
// daily notice tells HR, the same as any failed delivery.
func TestRefusedCcIsShownAndToldToHR(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testkit.Config(t, `
timezone: Asia/Ho_Chi_Minh
language: vi
mail: {from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: ["Phòng Tổ chức cán bộ <phongtccb@example.vn>"]}
`)
		tmpl, err := jobs.Templates("")
		if err != nil {
			t.Fatal(err)
		}
		day1 := time.Date(2026, 6, 1, 7, 0, 0, 0, notifytest.Loc)
		ns := notifytest.Notices(2)
		ns[0].Cc = []notify.Recipient{{Name: "Trưởng phòng Lê Văn Bình", Email: "binh.lv@example.vn"}}
		notifytest.PlanNotices(t, st, ns, day1)
		if o := deliverAt(t, st, refuseCc{"binh.lv@example.vn": true}, day1.Add(time.Minute)); o != (deliver.Outcome{Sent: 2, Failed: 1, Bytes: o.Bytes}) || o.Bytes == 0 {
			t.Fatalf("%+v, want 2 sent and the refused copy failed", o)
		}
		const reply = "RCPT TO <binh.lv@example.vn>: 550 5.1.1 No such user"

		// tickler status and the status page.
		now := day1.Add(30 * time.Minute)
		r, err := status.Gather(context.Background(), st, cfg, now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Outbox["sent"] != 2 || r.Outbox["failed"] != 1 || len(r.Problems) != 1 ||
			r.Problems[0].Recipient != "binh.lv@example.vn" || r.Problems[0].State != "failed" || r.Problems[0].Reply != reply {
			t.Errorf("status: outbox %v, problems %+v", r.Outbox, r.Problems)
		}
		var text, page bytes.Buffer
		r.WriteText(&text)
		if err := r.WriteHTML(&page, "vi"); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"tickler status": text.String(), "status page": page.String()} {
			if !strings.Contains(out, "binh.lv@example.vn") || !strings.Contains(out, "550 5.1.1 No such user") {
				t.Errorf("%s does not show the refused copy:\n%s", name, out)
			}
		}
		if !strings.Contains(text.String(), "outbox: 0 pending, 0 retrying, 2 sent, 1 failed") {
			t.Errorf("tickler status counts:\n%s", text.String())
		}

		// /metrics.
		m := metrics.New(func(ctx context.Context) (metrics.Stored, error) { return status.Stored(ctx, st) }, nil)
		srv := httptest.NewServer(m.Handler())
		defer srv.Close()
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`tickler_outbox_deliveries{state="failed"} 1`, `tickler_outbox_deliveries{state="sent"} 2`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s:\n%s", want, body)
			}
		}

		// The daily notice to HR.
		runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: func() time.Time { return now }, KeepContent: true}
		job, _ := jobs.Lookup("delivery-failures")
		res, err := runner.Execute(context.Background(), cfg, job, day1.Add(time.Hour), false)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Planned) != 1 || len(res.Planned[0].Items) != 1 || res.Planned[0].To.Email != "phongtccb@example.vn" {
			t.Fatalf("planned %+v, want one notice to HR with one item", res.Planned)
		}
		it := res.Planned[0].Items[0]
		if it.Ref != "binh.lv@example.vn" || it.Note != reply {
			t.Errorf("item %+v", it)
		}
		for _, want := range []string{"binh.lv@example.vn (Trưởng phòng Lê Văn Bình)", "550 5.1.1 No such user"} {
			if !strings.Contains(res.Planned[0].Content.Text, want) {
				t.Errorf("the notice lacks %q:\n%s", want, res.Planned[0].Content.Text)
			}
		}
	})
}
