package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"
)

// The outbox is the deliveries table (one message to one recipient) and
// delivery_items (what each message told). A planning run writes it in its
// transaction (plan.go); a deliverer claims due rows with a lease, and
// records what became of them. Everything here writes on the write pool.

// Claimed is a delivery a deliverer claimed: the message to send.
type Claimed struct {
	ID            int64  `db:"id"`
	Key           string `db:"key"`
	Job           string `db:"job"`
	Recipient     string `db:"recipient"`
	RecipientName string `db:"recipient_name"`
	Cc            string `db:"cc"`
	Subject       string `db:"subject"`
	Text          string `db:"text_body"`
	HTML          string `db:"html_body"`
	Attachments   []byte `db:"attachments"`
	Wire          Text   `db:"wire"`
	// PayloadKey names the row's payload (delivery_payloads) when it is
	// rendered at send; Payload and RenderSet are then read with it.
	PayloadKey string `db:"payload_key"`
	Payload    string `db:"-"`
	RenderSet  string `db:"-"`
	MessageID  string `db:"message_id"`
	Attempts   int    `db:"attempts"`
	Created    Time   `db:"created_at"`
}

// Text is a text column read as bytes without a second copy: lib/pq hands
// a text value over as a new string, which database/sql would copy again
// into a []byte. A claimed row's wire form is read once and only ever read
// after (sent, written to a file): the slice shares the string's memory.
// A monthly digest at a province is 3 GB of wire forms claimed; the copy
// was a twelfth of delivery's CPU (bench/README.md). It must not be written
// to.
type Text []byte

// Scan implements sql.Scanner.
func (t *Text) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = nil
	case string:
		*t = unsafe.Slice(unsafe.StringData(v), len(v))
	case []byte:
		// A driver may reuse the buffer at the next row: copy it.
		*t = bytes.Clone(v)
	default:
		return fmt.Errorf("store.Text: cannot scan %T", src)
	}
	return nil
}

// ClaimDeliveries claims up to n rows due at now for owner, with a lease
// until until; each claim counts as an attempt. Should the payloads of the
// rows rendered at send not be read, the rows claimed are returned with
// the error, for the caller to give back.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, until, now time.Time, n int) ([]Claimed, error) {
	var rows []Claimed
	if err := s.selectW(ctx, &rows, "claim-deliveries", owner, T(until), T(now), n); err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	if err := s.payloads(ctx, rows); err != nil {
		// The rows are claimed: the caller gives them back.
		return rows, fmt.Errorf("claim deliveries: payloads: %w", err)
	}
	return rows, nil
}

// payloads reads the payloads of the rows rendered at send. They were
// written with their messages, in a transaction committed before the
// rows could be claimed, and are never changed: the read pool has them.
func (s *Store) payloads(ctx context.Context, rows []Claimed) error {
	var keys []string
	for _, r := range rows {
		if r.PayloadKey != "" {
			keys = append(keys, r.PayloadKey)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	var got []struct {
		Key       string `db:"key"`
		RenderSet string `db:"render_set"`
		Payload   string `db:"payload"`
	}
	if err := s.Select(ctx, &got, "delivery-payloads", keys); err != nil {
		return err
	}
	byKey := make(map[string]int, len(got))
	for i, g := range got {
		byKey[g.Key] = i
	}
	for i := range rows {
		if k := rows[i].PayloadKey; k != "" {
			if j, ok := byKey[k]; ok {
				rows[i].Payload, rows[i].RenderSet = got[j].Payload, got[j].RenderSet
			}
		}
	}
	return nil
}

// Delivery returns the row of id or key (ref) as a deliverer claims it;
// ErrNoRows when there is none.
func (s *Store) Delivery(ctx context.Context, ref string) (Claimed, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		id = -1
	}
	var r Claimed
	if err := s.Get(ctx, &r, "delivery-get", id, ref); err != nil {
		if errors.Is(err, ErrNoRows) {
			return Claimed{}, ErrNoRows
		}
		return Claimed{}, fmt.Errorf("delivery %s: %w", ref, err)
	}
	rows := []Claimed{r}
	if err := s.payloads(ctx, rows); err != nil {
		return Claimed{}, fmt.Errorf("delivery %s: %w", ref, err)
	}
	return rows[0], nil
}

// TakeBackItems forgets what the messages ids told (delivery_items): they
// could not be rendered at send, so their items were not told, and the next
// run plans them again.
func (s *Store) TakeBackItems(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := writing(ctx); err != nil {
		return err
	}
	q, args, err := s.queries.In("take-back-items", ids)
	if err == nil {
		_, err = s.w.ExecContext(ctx, q, args...)
	}
	if err != nil {
		return fmt.Errorf("outbox: take back items: %w", err)
	}
	return nil
}

// UncountClaims takes back the attempt counted for rows owner claimed again
// while it still works on them (their lease ran out mid-send).
func (s *Store) UncountClaims(ctx context.Context, owner string, ids []int64) error {
	b, _ := json.Marshal(ids)
	if _, err := s.exec(ctx, "uncount-claims", owner, string(b)); err != nil {
		return fmt.Errorf("claim deliveries: %w", err)
	}
	return nil
}

// Outcome is what became of one claimed delivery.
type Outcome struct {
	ID    int64
	State string // sent, retry or failed
	Reply string
	At    time.Time // sent or failed: when
	Next  time.Time // retry: when to try again
	// Refused are, of a sent message, the recipients the relay refused
	// while it accepted the others.
	Refused []Refused
}

// Refused is a recipient the relay refused while it accepted the message
// for the others. It becomes a delivery of its own, keyed
// "<key>|rcpt:<address>", to that address alone, with the message's bytes:
// failed, or to retry.
type Refused struct {
	Email, Name string
	State       string // failed or retry
	Reply       string
	At          time.Time // failed: when
	Next        time.Time // retry: when
}

// refusedJSON is a Refused as split-deliveries reads it.
type refusedJSON struct {
	ID    int64  `json:"id"` // the message's row
	Email string `json:"email"`
	Name  string `json:"name"`
	State string `json:"state"`
	Reply string `json:"reply"`
	At    string `json:"at,omitempty"`
	Next  string `json:"next,omitempty"`
}

// outcomeJSON is an Outcome as record-deliveries reads it.
type outcomeJSON struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
	Reply string `json:"reply"`
	At    string `json:"at,omitempty"`
	Next  string `json:"next,omitempty"`
}

// stamp is t as the database stores instants, "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// RecordOutcomes records the outcomes of owner's attempts: first the rows
// of the recipients refused (a row already there, from the same outcome
// written again after a failed write, is left as it is), then the outcomes
// in one statement. A retry or a failure is recorded only while owner holds
// the row's lease; "sent" is recorded in any case (the message left)
// unless the row is already sent.
func (s *Store) RecordOutcomes(ctx context.Context, owner string, outcomes []Outcome) error {
	rows := make([]outcomeJSON, len(outcomes))
	var refused []refusedJSON
	for i, o := range outcomes {
		rows[i] = outcomeJSON{ID: o.ID, State: o.State, Reply: Storable(o.Reply), At: stamp(o.At), Next: stamp(o.Next)}
		for _, r := range o.Refused {
			refused = append(refused, refusedJSON{ID: o.ID, Email: r.Email, Name: r.Name, State: r.State,
				Reply: Storable(r.Reply), At: stamp(r.At), Next: stamp(r.Next)})
		}
	}
	if len(refused) > 0 {
		b, err := json.Marshal(refused)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, "split-deliveries", string(b)); err != nil {
			return fmt.Errorf("record %d refused recipients: %w", len(refused), err)
		}
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, "record-deliveries", string(b), owner); err != nil {
		return fmt.Errorf("record %d deliveries: %w", len(outcomes), err)
	}
	return nil
}

// RenewDeliveryLease moves the lease of a row owner is sending (a relay slow
// to answer the end of DATA) to until; held is false when owner does not
// hold it any more.
func (s *Store) RenewDeliveryLease(ctx context.Context, id int64, owner string, until time.Time) (held bool, err error) {
	res, err := s.exec(ctx, "renew-delivery-lease", T(until), T(until), id, owner)
	if err != nil {
		return false, fmt.Errorf("renew delivery lease: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ReleaseDeliveries frees rows owner claimed and did not try, without
// counting the attempt: they are due again at now.
func (s *Store) ReleaseDeliveries(ctx context.Context, owner string, now time.Time, ids []int64) error {
	b, _ := json.Marshal(ids)
	if _, err := s.exec(ctx, "release-deliveries", T(now), owner, string(b)); err != nil {
		return fmt.Errorf("release %d deliveries: %w", len(ids), err)
	}
	return nil
}

// SentSince counts the messages sent after t (the hourly cap).
func (s *Store) SentSince(ctx context.Context, t time.Time) (int, error) {
	var n int
	if err := s.r.GetContext(ctx, &n, s.queries.Get("sent-since"), T(t)); err != nil {
		return 0, fmt.Errorf("sent-since: %w", err)
	}
	return n, nil
}
