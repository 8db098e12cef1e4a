package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// Planner puts a run's messages in the outbox: it groups the notices of a run
// per recipient, drops the items whose step that recipient already got,
// renders one message per recipient with what is left, and records it with its
// items in one transaction.
type Planner struct {
	Store     *store.Store
	Templates *Templates
	Lang      string
	Loc       *time.Location
	// Office signs messages (the display name of mail.from).
	Office string
	// IDDomain is the right-hand side of Message-IDs (the domain of mail.from).
	IDDomain string
	// Now is the clock; the row's created_at and first attempt time.
	Now func() time.Time
}

// Planned is one message a run put in the outbox (or, in a dry run, would).
type Planned struct {
	Job     string      `json:"job"`
	To      Recipient   `json:"-"`
	Cc      []Recipient `json:"-"`
	Subject string      `json:"subject"`
	Items   []Item      `json:"items"`
	Content Content     `json:"-"`
	Key     string      `json:"-"`
}

// maxKeysPerQuery bounds an IN (...) list; SQLite allows 32766 parameters.
const maxKeysPerQuery = 500

type group struct {
	to    Recipient
	cc    []Recipient
	items []Item
	data  any
}

// Plan records the messages of job's run for slot. With dryRun it renders and
// checks everything, then rolls back: the result shows who would get what.
func (p *Planner) Plan(ctx context.Context, job string, slot time.Time, notices []Notice, dryRun bool) ([]Planned, error) {
	groups, err := groupNotices(notices)
	if err != nil {
		return nil, err
	}
	var out []Planned
	err = p.Store.InTx(ctx, func(tx *sqlx.Tx) error {
		sent, err := sentKeys(ctx, p.Store, tx, job, groups)
		if err != nil {
			return err
		}
		insDelivery, err := tx.PreparexContext(ctx, p.Store.Q("insert-delivery"))
		if err != nil {
			return err
		}
		defer insDelivery.Close()
		insItem, err := tx.PreparexContext(ctx, p.Store.Q("insert-delivery-item"))
		if err != nil {
			return err
		}
		defer insItem.Close()
		now := p.Now()
		for _, g := range groups {
			var items []Item
			for _, it := range g.items {
				if !sent[itemKey(job, it, g.to.Email)] {
					items = append(items, it)
				}
			}
			if len(items) == 0 {
				continue
			}
			view := &View{Lang: p.Lang, Job: job, Date: civil.In(slot, p.Loc), To: g.to, Items: items, Data: g.data, Office: p.Office}
			content, err := p.Templates.Render(view)
			if err != nil {
				return err
			}
			content.Subject = sanitizeHeader(content.Subject)
			key := deliveryKey(job, slot, g.to.Email)
			var attachments []byte
			if len(content.Attachments) > 0 {
				if attachments, err = json.Marshal(content.Attachments); err != nil {
					return err
				}
			}
			var id int64
			err = insDelivery.QueryRowxContext(ctx, key, job, store.T(slot), g.to.Email, sanitizeHeader(g.to.Name),
				formatCc(g.cc), content.Subject, content.Text, content.HTML, attachments,
				MessageID(key, p.IDDomain), store.T(now), store.T(now)).Scan(&id)
			if err == store.ErrNoRows {
				continue // this slot's message to this recipient is already in the outbox
			}
			if err != nil {
				return fmt.Errorf("outbox: %w", err)
			}
			for _, it := range items {
				if _, err := insItem.ExecContext(ctx, itemKey(job, it, g.to.Email), id, it.Key, it.Step); err != nil {
					return fmt.Errorf("outbox item: %w", err)
				}
			}
			out = append(out, Planned{Job: job, To: g.to, Cc: g.cc, Subject: content.Subject, Items: items, Content: content, Key: key})
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return out, err
}

var errDryRun = fmt.Errorf("dry run")

// groupNotices gathers the notices per recipient, in the order recipients first
// appear, with copies merged and the recipient's own address left out of Cc.
func groupNotices(notices []Notice) ([]*group, error) {
	byEmail := map[string]*group{}
	var groups []*group
	for _, n := range notices {
		email, err := NormalizeAddress(n.To.Email)
		if err != nil {
			return nil, fmt.Errorf("notice for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
		}
		g := byEmail[email]
		if g == nil {
			to := n.To
			to.Email = email
			g = &group{to: to}
			byEmail[email] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, n.Item)
		if g.data == nil {
			g.data = n.Data
		}
		for _, c := range n.Cc {
			ce, err := NormalizeAddress(c.Email)
			if err != nil {
				return nil, fmt.Errorf("copy for %s (%s): %w", n.Item.StaffCode, n.Item.Kind, err)
			}
			if ce == email || containsEmail(g.cc, ce) {
				continue
			}
			c.Email = ce
			g.cc = append(g.cc, c)
		}
	}
	return groups, nil
}

func containsEmail(rs []Recipient, email string) bool {
	for _, r := range rs {
		if r.Email == email {
			return true
		}
	}
	return false
}

// NormalizeAddress validates a bare e-mail address and returns it lower-cased.
// Only the address is accepted: a display name or a CR/LF makes it invalid.
func NormalizeAddress(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(s) {
		return "", fmt.Errorf("invalid e-mail address %q", s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || !strings.Contains(a.Address[at:], ".") {
		return "", fmt.Errorf("invalid e-mail address %q", s)
	}
	return strings.ToLower(a.Address), nil
}

func sentKeys(ctx context.Context, st *store.Store, tx *sqlx.Tx, job string, groups []*group) (map[string]bool, error) {
	var keys []string
	for _, g := range groups {
		for _, it := range g.items {
			keys = append(keys, itemKey(job, it, g.to.Email))
		}
	}
	sent := make(map[string]bool)
	for start := 0; start < len(keys); start += maxKeysPerQuery {
		chunk := keys[start:min(start+maxKeysPerQuery, len(keys))]
		q, args, err := st.In("sent-item-keys", chunk)
		if err != nil {
			return nil, err
		}
		var found []string
		if err := tx.SelectContext(ctx, &found, q, args...); err != nil {
			return nil, fmt.Errorf("outbox lookup: %w", err)
		}
		for _, k := range found {
			sent[k] = true
		}
	}
	return sent, nil
}

// itemKey is the unique key of "this step of this item was sent to this
// recipient by this job".
func itemKey(job string, it Item, email string) string {
	return job + "|" + it.Key + "|" + it.Step + "|" + email
}

// deliveryKey is the unique key of one message: a job's run for a slot, to one recipient.
func deliveryKey(job string, slot time.Time, email string) string {
	return job + "|" + slot.UTC().Format(time.RFC3339) + "|" + email
}

// MessageID derives the Message-ID from a delivery's key, so a resend after a
// crash carries the same Message-ID and the recipient's client sees one message.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	if domain == "" {
		domain = "tickler.localhost"
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// formatCc stores copies one per line as "Name <address>".
func formatCc(cc []Recipient) string {
	lines := make([]string, len(cc))
	for i, c := range cc {
		lines[i] = (&mail.Address{Name: sanitizeHeader(c.Name), Address: c.Email}).String()
	}
	return strings.Join(lines, "\n")
}

func parseCc(s string) []Recipient {
	var out []Recipient
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			continue
		}
		if a, err := mail.ParseAddress(line); err == nil {
			out = append(out, Recipient{Name: a.Name, Email: a.Address})
		}
	}
	return out
}
