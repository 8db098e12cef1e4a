package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
)

// MessageID derives the Message-ID from a delivery's key, so a resend after a
// crash carries the same Message-ID and the recipient's client sees one message.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte(key))
	if domain == "" {
		domain = "tickler.localhost"
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// FormatCc is how the outbox keeps a message's copies: one per line,
// "Name <address>".
func FormatCc(cc []Recipient) string {
	lines := make([]string, len(cc))
	for i, c := range cc {
		lines[i] = (&mail.Address{Name: CleanHeader(c.Name), Address: c.Email}).String()
	}
	return strings.Join(lines, "\n")
}

// ParseCc reads copies kept by FormatCc.
func ParseCc(s string) []Recipient {
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
