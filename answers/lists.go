package answers

import (
	"strings"
	"time"
)

// ListPath is where the whole list of a long message is served, before the
// token.
const ListPath = "/lists/"

// ListLinks writes the links to the whole lists of messages whose lists were
// cut to mail.list_limit (HR's list of every term ending in a province): the
// message shows the first entries and links to the rest instead of carrying
// it as an attachment, so it stays small whatever the agency's size. A nil
// *ListLinks writes none, and the list is attached.
//
// A list link's token is signed like an answer link's, under its own
// context: it names the message's key (Claims.Obligation), which names the
// recipient, and expires TTL after the slot (or after the run, if later).
// Whoever holds it may download that one list until then, as whoever holds
// an answer link may answer for that one obligation.
type ListLinks struct {
	Base   string
	Signer *Signer
	TTL    time.Duration
}

// NewListLinks returns the list links of base (http.public_url) signed with
// s's secret, valid for ttl after a message's slot; nil when base or s is
// missing.
func NewListLinks(base string, s *Signer, ttl time.Duration) *ListLinks {
	if base == "" || s == nil {
		return nil
	}
	return &ListLinks{Base: base, Signer: s.forLists(), TTL: ttl}
}

// listClaim fills the claims' staff code, which a list token does not use:
// the message key already names the recipient, and the address is not
// written twice into a token whose length is bounded (MaxTokenLen).
const listClaim = "list"

// URL returns the link to the list of the message key, valid until
// expires. "" when l is nil.
func (l *ListLinks) URL(key string, expires time.Time) string {
	if l == nil || l.Signer == nil {
		return ""
	}
	token := l.Signer.Sign(Claims{Obligation: key, StaffCode: listClaim, Expires: expires.Truncate(time.Second)})
	return strings.TrimRight(l.Base, "/") + ListPath + token
}

// Expires is when the list links of a message of slot planned at now stop
// working: TTL after the slot, or after now for a slot run late (a
// catch-up, a hand run of a past day), so that no link is dead when sent;
// the list is nowhere else.
func (l *ListLinks) Expires(slot, now time.Time) time.Time {
	ttl := l.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if now.After(slot) {
		slot = now
	}
	return slot.Add(ttl).Truncate(time.Second)
}

// ListSigner returns the signer that checks list links made with s's
// secret.
func ListSigner(s *Signer) *Signer { return s.forLists() }
