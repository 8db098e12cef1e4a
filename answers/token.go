// Package answers is the way back from a reminder: the link in each
// personal reminder (`<http.public_url>/ack/<token>`), its signed token, the
// choices a person can answer with and how their fields are checked, and
// the list HR copies into its records (`tickler answers`). The page the
// link leads to is served by package web; the answers are kept by the
// store.
package answers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// A token is base64url, unpadded, of
//
//	payload = version (1 byte) | expiry (uvarint, Unix seconds) |
//	          length of the obligation (uvarint) | obligation | staff code
//	token   = payload | first 16 bytes of HMAC-SHA256(secret, context | payload)
//
// about 60 characters for "training/123456" and a 7-character staff code.
// The obligation is the reminder's item key (training/123,
// certificate/45). Whoever holds the token may answer for that obligation of
// that person until it expires, and for nothing else.

const (
	tokenVersion = 1
	macSize      = 16
	// MaxTokenLen bounds what Verify reads: a longer path is no token.
	MaxTokenLen = 600 // a list link names its message: job, slot and an address of up to 254 characters
	// MinSecret is the shortest secret a Signer takes.
	MinSecret = 16
)

// macContext keeps these MACs apart from anything else the secret could sign.
const macContext = "tickler answer link\x00"

// ErrForged is returned for a token tickler did not sign with this secret:
// altered, truncated, made up, or signed with another secret.
var ErrForged = errors.New("the link is not valid")

// ErrExpired is returned for a token tickler signed whose time has passed.
var ErrExpired = errors.New("the link has expired")

// Claims are what a token says: whose obligation, and until when.
type Claims struct {
	Obligation string // the item key: training/123
	StaffCode  string
	Expires    time.Time // to the second
}

// listContext keeps the MACs of list links (ListLinks) apart from those of
// answer links: a token of one kind is forged as the other.
const listContext = "tickler list link\x00"

// Signer signs and checks tokens with one secret.
type Signer struct {
	key []byte
	// context is what the MAC is taken under (macContext when empty).
	context string
}

// forLists returns the signer of list links: the same secret, another
// context.
func (s *Signer) forLists() *Signer { return &Signer{key: s.key, context: listContext} }

// NewSigner returns a signer with secret, which must be at least MinSecret
// bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("link secret: %d bytes, want at least %d", len(secret), MinSecret)
	}
	return &Signer{key: append([]byte(nil), secret...)}, nil
}

// Sign returns the token of c.
func (s *Signer) Sign(c Claims) string {
	p := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(c.Obligation)+len(c.StaffCode)+macSize)
	p = append(p, tokenVersion)
	p = binary.AppendUvarint(p, uint64(max(c.Expires.Unix(), 0)))
	p = binary.AppendUvarint(p, uint64(len(c.Obligation)))
	p = append(p, c.Obligation...)
	p = append(p, c.StaffCode...)
	p = append(p, s.mac(p)...)
	return base64.RawURLEncoding.EncodeToString(p)
}

// Verify checks token and returns its claims: ErrForged when tickler did
// not sign it with this secret, ErrExpired (with the claims) when it signed
// it but its time is past at now.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	if len(token) > MaxTokenLen || strings.ContainsAny(token, "=+/") {
		return Claims{}, ErrForged
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 1+macSize {
		return Claims{}, ErrForged
	}
	p, sum := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(sum, s.mac(p)) {
		return Claims{}, ErrForged
	}
	c, ok := parsePayload(p)
	if !ok {
		return Claims{}, ErrForged
	}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

// mac is the truncated HMAC of a payload.
func (s *Signer) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	if s.context != "" {
		h.Write([]byte(s.context))
	} else {
		h.Write([]byte(macContext))
	}
	h.Write(payload)
	return h.Sum(nil)[:macSize]
}

// parsePayload reads a payload whose MAC was checked.
func parsePayload(p []byte) (Claims, bool) {
	if len(p) == 0 || p[0] != tokenVersion {
		return Claims{}, false
	}
	p = p[1:]
	exp, n := binary.Uvarint(p)
	if n <= 0 || exp > 1<<40 {
		return Claims{}, false
	}
	p = p[n:]
	size, n := binary.Uvarint(p)
	if n <= 0 || size > uint64(len(p)-n) {
		return Claims{}, false
	}
	p = p[n:]
	obligation, staff := string(p[:size]), string(p[size:])
	if obligation == "" || staff == "" || !utf8.ValidString(obligation) || !utf8.ValidString(staff) {
		return Claims{}, false
	}
	return Claims{Obligation: obligation, StaffCode: staff, Expires: time.Unix(int64(exp), 0)}, true
}
