package answers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// DefaultTTL is how long a link works after the slot of the reminder that
// carries it (http.link_ttl).
const DefaultTTL = 90 * 24 * time.Hour

// Links writes the answer links of a run's reminders. A nil *Links writes
// none (http.public_url is not set).
type Links struct {
	// Base is http.public_url: the links are Base + "/ack/" + token.
	Base   string
	Signer *Signer
	// TTL is how long a link works after the slot it was written for.
	TTL time.Duration
}

// Path is where the answer page is served, before the token.
const Path = "/ack/"

// URL returns the link for staff's obligation (an item key) in the
// reminder of slot: the same for the same slot, so a run repeated for a
// slot writes the same message. "" when l is nil.
func (l *Links) URL(obligation, staff string, slot time.Time) string {
	if l == nil || l.Signer == nil {
		return ""
	}
	ttl := l.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	token := l.Signer.Sign(Claims{Obligation: obligation, StaffCode: staff, Expires: slot.Add(ttl).Truncate(time.Second)})
	return strings.TrimRight(l.Base, "/") + Path + token
}

// NewLinks returns the links of base (http.public_url) signed by s, valid
// for ttl after a reminder's slot; nil, writing none, when base or s is
// missing.
func NewLinks(base string, s *Signer, ttl time.Duration) *Links {
	if base == "" || s == nil {
		return nil
	}
	return &Links{Base: base, Signer: s, TTL: ttl}
}

// SecretName names the link secret in the database (table secrets).
const SecretName = "answer-links"

// secretSize is the size of a secret made for the database.
const secretSize = 32

// LoadSigner returns the signer of the answer links: of secret (read from
// http.link_secret_file) when given, else of the one kept in the database,
// made and kept there first when there is none and create is set (the
// first process to keep one wins; every process signs with it). Without
// create and with none kept, it signs with a random secret of its own: the
// links of a dry run, which are never sent.
func LoadSigner(ctx context.Context, st *store.Store, secret []byte, create bool, now time.Time) (*Signer, error) {
	if len(secret) > 0 {
		return NewSigner(secret)
	}
	if create {
		b, err := st.Secret(ctx, SecretName, secretSize, now)
		if err != nil {
			return nil, err
		}
		return NewSigner(b)
	}
	var value string
	err := st.Get(ctx, &value, "secret-get", SecretName)
	if errors.Is(err, store.ErrNoRows) {
		b := make([]byte, secretSize)
		rand.Read(b)
		return NewSigner(b)
	}
	if err != nil {
		return nil, fmt.Errorf("link secret: %w", err)
	}
	b, err := hex.DecodeString(value)
	if err != nil {
		return nil, fmt.Errorf("link secret: the stored value is not hex")
	}
	return NewSigner(b)
}
