package plan_test

import (
	"context"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// outboxRow is a row as a deliverer claims it, with what it kept.
type outboxRow struct {
	Key       string     `db:"key"`
	Recipient string     `db:"recipient"`
	Subject   string     `db:"subject"`
	MessageID string     `db:"message_id"`
	Wire      *string    `db:"wire"`
	Payload   *string    `db:"payload"`
	RenderSet string     `db:"render_set"`
	Created   store.Time `db:"created_at"`
}

func outboxRows(t *testing.T, st *store.Store) map[string]outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := st.SelectSQL(context.Background(), &rows,
		`SELECT d.key, recipient, subject, message_id, wire, p.payload, COALESCE(p.render_set, '') AS render_set, created_at
		FROM deliveries d LEFT JOIN delivery_payloads p ON p.key = d.payload_key ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	out := map[string]outboxRow{}
	for _, r := range rows {
		out[r.Recipient] = r
	}
	return out
}

// sent is what AtSend makes of a row: the wire form sent for it.
func sent(t *testing.T, a *plan.AtSend, r outboxRow) string {
	t.Helper()
	m := &notify.Message{Key: r.Key, MessageID: r.MessageID, RenderSet: r.RenderSet, Created: r.Created.Time}
	if r.Payload != nil {
		m.Payload = *r.Payload
	}
	if retry, err := a.Render(context.Background(), m); err != nil {
		t.Fatalf("%s: %v (retry %v)", r.Recipient, err, retry)
	}
	return string(m.Wire)
}

// atSendNotices are a run's notices for messages of every shape: one item,
// several with copies, an item with an answer link and a calendar, names
// that need escaping, and HR's list longer than the limit.
func atSendNotices() []notify.Notice {
	an := notify.Recipient{Name: "Nguyễn Văn <An>", Email: "an@example.vn", StaffCode: "S1"}
	head := notify.Recipient{Name: "Trần Thị Bình", Email: "binh@example.vn"}
	linked := due("S1", "training/1", "7d")
	linked.Fields = map[string]any{notify.FieldAnswerURL: "https://tickler.example.vn/a/TOKEN", "hours": 12.5,
		"deadline": civil.MustParse("2027-01-15")}
	notices := []notify.Notice{
		{To: an, Cc: []notify.Recipient{head}, Item: linked},
		{To: an, Item: due("S1", "training/2", "30d")},
		{To: notify.Recipient{Name: "Lê Văn Cường", Email: "cuong@example.vn"}, Item: due("S3", "training/3", "overdue/1")},
	}
	for i := range 4 {
		notices = append(notices, notify.Notice{To: notify.Recipient{Email: "tochuc@example.vn"}, Item: notify.Item{
			Kind: "data_problem", Key: fmt.Sprintf("problem/%d", i), Step: "7d", StaffCode: fmt.Sprintf("P%d", i),
			StaffName: "Phạm & Hoàng", Note: "chưa có địa chỉ thư điện tử"}})
	}
	return notices
}

// A message rendered when it is sent is, byte for byte, the message the
// planner would have stored: the same run planned both ways gives the same
// wire forms. The rows rendered at send keep no wire form, but their
// notices and their run's render set, and the subject; a message whose
// list is cut behind a link is rendered at planning (its list is kept with
// it).
func TestRenderAtSendSendsWhatPlanningWould(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 11, 26, 7, 0, 3, 0, time.UTC)
		plans := func(atSend bool) map[string]outboxRow {
			p := planner(t, st)
			p.KeepContent, p.RenderAtSend, p.Now = false, atSend, func() time.Time { return now }
			p.ListLimit = 3
			p.ListLink = func(key, email string) (string, time.Time) {
				return "https://tickler.example.vn/lists/TOKEN", time.Date(2027, 2, 24, 0, 0, 0, 0, time.UTC)
			}
			if _, err := p.Plan(ctx, "course-reminders", slot, atSendNotices(), false); err != nil {
				t.Fatal(err)
			}
			return outboxRows(t, st)
		}
		atSend := plans(true)
		a := &plan.AtSend{Store: st}
		wires := map[string]string{}
		for email, r := range atSend {
			if email == "tochuc@example.vn" {
				if r.Wire == nil || r.Payload != nil {
					t.Errorf("HR's linked list was not rendered at planning")
				}
				wires[email] = *r.Wire
				continue
			}
			if r.Wire != nil || r.Payload == nil || r.RenderSet == "" {
				t.Fatalf("%s: wire %v, payload %v, set %q: want a payload and a set", email, r.Wire != nil, r.Payload != nil, r.RenderSet)
			}
			if _, err := st.RenderSet(ctx, r.RenderSet); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			wires[email] = sent(t, a, r)
			if again := sent(t, a, r); again != wires[email] {
				t.Errorf("%s: rendered twice, two different messages", email)
			}
		}
		if len(wires) != 4 {
			t.Fatalf("%d messages, want 4 (an, binh, cuong, tochuc)", len(wires))
		}
		for _, q := range []string{"DELETE FROM delivery_items", "DELETE FROM delivery_lists", "DELETE FROM deliveries"} {
			if _, err := st.ExecSQL(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		planned := plans(false)
		for email, r := range planned {
			if r.Wire == nil || r.Payload != nil {
				t.Fatalf("%s: rendered at planning, yet no wire form", email)
			}
			if *r.Wire != wires[email] {
				t.Errorf("%s: sent\n%s\n--- planning would have stored\n%s", email, wires[email], *r.Wire)
			}
			if r.Subject != atSend[email].Subject || r.Subject == "" {
				t.Errorf("%s: subject %q at send, %q planned", email, atSend[email].Subject, r.Subject)
			}
		}
		if an := wires["an@example.vn"]; !strings.Contains(an, "https://tickler.example.vn/a/TOKEN") {
			t.Errorf("an's message lacks the answer link:\n%s", an)
		}
	})
}

// A row keeps the templates of its planning: an agency that changes its
// templates between planning and sending gets, for the messages planned
// before, what the old templates drew; a row whose payload or set cannot
// be read is refused with the reason, never sent half-drawn.
func TestRenderAtSendKeepsThePlanningsTemplates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		src, err := os.ReadFile("../message/templates/vi/course-reminders.tmpl")
		if err != nil {
			t.Fatal(err)
		}
		custom := strings.Replace(string(src), `{{- define "subject"}}`, `{{- define "subject"}}[Mẫu cũ] `, 1)
		if custom == string(src) {
			t.Fatal("the subject's define was not found")
		}
		if err := os.MkdirAll(filepath.Join(dir, "vi"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "vi", "course-reminders.tmpl"), []byte(custom), 0o644); err != nil {
			t.Fatal(err)
		}
		tmpl, err := message.LoadTemplates(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := planner(t, st)
		p.Templates, p.KeepContent, p.RenderAtSend = tmpl, false, true
		slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		if _, err := p.Plan(ctx, "course-reminders", slot, atSendNotices()[:3], false); err != nil {
			t.Fatal(err)
		}
		// The templates change (the files are gone); the rows do not.
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		rows := outboxRows(t, st)
		r := rows["cuong@example.vn"]
		wire := sent(t, &plan.AtSend{Store: st}, r)
		msg, err := mail.ReadMessage(strings.NewReader(wire))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || !strings.HasPrefix(r.Subject, "[Mẫu cũ]") || subject != r.Subject {
			t.Errorf("subject %q planned, %q sent (%v)", r.Subject, subject, err)
		}

		for _, c := range []struct {
			name        string
			payload     string
			set         string
			retry       bool
			errContains string
		}{
			{"payload of a newer version", "3;5:hello", r.RenderSet, false, "version 3 not known"},
			{"torn payload", "1;99:short", r.RenderSet, false, "payload"},
			{"set not in the outbox", *r.Payload, "0123", false, `render set "0123" is not in the outbox`},
		} {
			m := &notify.Message{MessageID: r.MessageID, Payload: c.payload, RenderSet: c.set, Created: r.Created.Time}
			retry, err := (&plan.AtSend{Store: st}).Render(ctx, m)
			if err == nil || !strings.Contains(err.Error(), c.errContains) || retry != c.retry || m.Wire != nil {
				t.Errorf("%s: %v (retry %v), wire %d bytes; want %q", c.name, err, retry, len(m.Wire), c.errContains)
			}
		}
	})
}
