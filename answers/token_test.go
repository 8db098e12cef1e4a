package answers_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
)

func signer(t *testing.T, secret string) *answers.Signer {
	t.Helper()
	s, err := answers.NewSigner([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A token says whose obligation and until when, and nothing else passes:
// each case is a token a person could hold, checked at now.
func TestVerify(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	s := signer(t, secret)
	now := time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)
	claims := answers.Claims{Obligation: "training/123", StaffCode: "S000008", Expires: now.Add(90 * 24 * time.Hour)}
	good := s.Sign(claims)
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string { // one bit of byte i changed
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	for _, c := range []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		// The token as signed, before it expires.
		{"valid", good, now, nil},
		// A second before the end it still works; at the end it does not.
		{"last second", good, claims.Expires.Add(-time.Second), nil},
		{"expired", good, claims.Expires, answers.ErrExpired},
		{"expired long ago", s.Sign(answers.Claims{Obligation: "training/1", StaffCode: "A", Expires: now.Add(-time.Hour)}), now, answers.ErrExpired},
		// Another person's: the staff code changed in the payload.
		{"another person", flip(len(raw) - 17), now, answers.ErrForged},
		// Another obligation: training/123 became training/023.
		{"another obligation", flip(strings.Index(string(raw), "123")), now, answers.ErrForged},
		// A later expiry written into the payload.
		{"expiry moved", flip(1), now, answers.ErrForged},
		// The MAC altered.
		{"mac altered", flip(len(raw) - 1), now, answers.ErrForged},
		// Signed with another secret: what a forger with a guessed key makes.
		{"wrong secret", signer(t, "another secret, 32 bytes long!!!").Sign(claims), now, answers.ErrForged},
		// Cut short, empty, not base64url, padded, too long.
		{"truncated", good[:len(good)-4], now, answers.ErrForged},
		{"empty", "", now, answers.ErrForged},
		{"not base64", "%%%%", now, answers.ErrForged},
		{"padded", good + "=", now, answers.ErrForged},
		{"too long", strings.Repeat("A", answers.MaxTokenLen+1), now, answers.ErrForged},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Verify(c.token, c.at)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
			if c.want == nil && (got.Obligation != claims.Obligation || got.StaffCode != claims.StaffCode || !got.Expires.Equal(claims.Expires)) {
				t.Errorf("claims %+v, want %+v", got, claims)
			}
		})
	}
}

// A token is compact and fits a URL path as it is.
func TestTokenForm(t *testing.T) {
	s := signer(t, "0123456789abcdef0123456789abcdef")
	tok := s.Sign(answers.Claims{Obligation: "training/123456", StaffCode: "S000008", Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
	if len(tok) > 64 {
		t.Errorf("token of %d characters: %s", len(tok), tok)
	}
	if strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("token %q has characters outside base64url", tok)
	}
}

// A short secret is refused.
func TestShortSecret(t *testing.T) {
	if _, err := answers.NewSigner([]byte("short")); err == nil {
		t.Fatal("a 5-byte secret was taken")
	}
}

// Links are the public URL, /ack/ and a token that expires TTL after the
// slot; the same slot writes the same link, and no Links writes none.
func TestLinks(t *testing.T) {
	s := signer(t, "0123456789abcdef0123456789abcdef")
	l := &answers.Links{Base: "https://tickler.example.vn/", Signer: s, TTL: 10 * 24 * time.Hour}
	slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	u := l.URL("training/7", "A", slot)
	if u != l.URL("training/7", "A", slot) {
		t.Error("two links for the same slot differ")
	}
	tok, ok := strings.CutPrefix(u, "https://tickler.example.vn/ack/")
	if !ok {
		t.Fatalf("link %q", u)
	}
	c, err := s.Verify(tok, slot)
	if err != nil || c.Obligation != "training/7" || c.StaffCode != "A" || !c.Expires.Equal(slot.Add(10*24*time.Hour)) {
		t.Errorf("link's claims %+v, %v", c, err)
	}
	var none *answers.Links
	if none.URL("training/7", "A", slot) != "" {
		t.Error("a nil Links wrote a link")
	}
}

// A list link expires TTL after its slot, or after the run when the slot
// is already past (a catch-up, a hand run of an old day): never dead when
// sent.
func TestListLinkExpiry(t *testing.T) {
	s, err := answers.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	l := answers.NewListLinks("https://t.example.vn", s, 24*time.Hour)
	slot := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if got := l.Expires(slot, slot.Add(-time.Hour)); !got.Equal(slot.Add(24 * time.Hour)) {
		t.Errorf("on time: %v", got)
	}
	late := slot.Add(72 * time.Hour)
	if got := l.Expires(slot, late); !got.Equal(late.Add(24 * time.Hour)) {
		t.Errorf("run three days late: %v, want a day after the run", got)
	}
}
