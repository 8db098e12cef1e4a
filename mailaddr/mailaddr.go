// Package mailaddr holds the one rule for the e-mail addresses tickler sends
// to: the importer applies it to the email columns, the configuration to the
// recipient lists, and the planner to every recipient before anything is
// written, so an address the import accepted never stops a reminder run.
//
// The rule is stricter than RFC 5322 on purpose: only a bare address
// (lan@example.vn), in ASCII, the form people type and every server takes.
//
//   - no display name, angle brackets, comments, quoted local part, CR or LF;
//   - local part: a dot-atom of RFC 5322 atext characters (letters, digits and
//     !#$%&'*+-/=?^_`{|}~), no dot at its ends and no two dots in a row, at
//     most 64 octets (RFC 5321);
//   - domain: at least two labels of letters, digits and hyphens (no hyphen at
//     a label's ends), each 1 to 63 octets, the last of letters only and at
//     least two; no IP address literal;
//   - at most 254 octets in all (RFC 5321's path limit less the brackets).
//
// Internationalised domains are accepted in their ASCII (xn--) form only:
// Vietnamese agencies' domains are ASCII (.gov.vn), and a Unicode domain or
// local part needs SMTPUTF8 or an IDNA conversion that not every relay does;
// the xn-- form reaches the same mailbox through any of them.
package mailaddr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of RFC 5321.
const (
	MaxLength = 254 // octets in an address
	MaxLocal  = 64  // octets in the local part
	MaxLabel  = 63  // octets in a domain label
)

// Error is an address that breaks the rule.
type Error struct {
	Addr   string // as given
	Reason string // what is wrong, e.g. "no dot in the domain"
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid e-mail address %q: %s", clip(e.Addr), e.Reason)
}

// NoAt is the Reason of a text without "@": no address at all.
const NoAt = `no "@"`

// Why returns what is wrong with an address Normalize refused, as ": no dot
// in the domain", to follow a caller's "… is not an email address". It is ""
// for a text without "@", which plainly is no address, and for other errors.
func Why(err error) string {
	var e *Error
	if !errors.As(err, &e) || e.Reason == NoAt {
		return ""
	}
	return ": " + e.Reason
}

// clip shortens a very long address for a message.
func clip(s string) string {
	const most = 2 * MaxLength
	if len(s) <= most {
		return s
	}
	i := most
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Normalize checks that s (spaces and tabs around it aside) is a bare address
// by the rule of the package and returns it in lower case. The error is an
// *Error saying what is wrong.
func Normalize(s string) (string, error) {
	a := strings.Trim(s, " \t")
	if reason := check(a); reason != "" {
		return "", &Error{Addr: s, Reason: reason}
	}
	return strings.ToLower(a), nil
}

// check returns what is wrong with a, or "".
func check(a string) string {
	switch {
	case a == "":
		return "empty"
	case strings.ContainsAny(a, "\r\n"):
		return "a line break in the address"
	case a[0] == '"':
		return "quoted local part not accepted"
	case strings.ContainsAny(a, "<>"):
		return "a name or <…> around the address: give the bare address"
	case strings.ContainsAny(a, ",;"):
		return "more than one address (a , or ; in it)"
	case strings.IndexByte(a, '@') < 0:
		return NoAt
	case strings.ContainsAny(a, "()"):
		return "comments not accepted"
	}
	for i := 0; i < len(a); i++ {
		if a[i] >= utf8.RuneSelf {
			r, _ := utf8.DecodeRuneInString(a[i:])
			if r == utf8.RuneError {
				return "not UTF-8 text"
			}
			return fmt.Sprintf("non-ASCII character %q (only ASCII addresses are accepted)", string(r))
		}
	}
	if len(a) > MaxLength {
		return fmt.Sprintf("longer than %d characters", MaxLength)
	}
	at := strings.IndexByte(a, '@')
	if strings.IndexByte(a[at+1:], '@') >= 0 {
		return `more than one "@"`
	}
	local, domain := a[:at], a[at+1:]
	if local == "" {
		return `nothing before the "@"`
	}
	if domain == "" {
		return `nothing after the "@"`
	}
	if r := checkLocal(local); r != "" {
		return r
	}
	return checkDomain(domain)
}

func checkLocal(local string) string {
	if len(local) > MaxLocal {
		return fmt.Sprintf("local part longer than %d characters", MaxLocal)
	}
	if local[0] == '.' || local[len(local)-1] == '.' {
		return "local part starts or ends with a dot"
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		switch {
		case c == '.':
			if local[i+1] == '.' { // not the last: checked above
				return "two dots in a row in the local part"
			}
		case !atext(c):
			return fmt.Sprintf("%q not allowed in the local part", string(c))
		}
	}
	return ""
}

// atext reports whether c is an RFC 5322 atext character.
func atext(c byte) bool {
	return letter(c) || digit(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func letter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func digit(c byte) bool  { return '0' <= c && c <= '9' }

func checkDomain(domain string) string {
	if strings.IndexByte(domain, '.') < 0 {
		return "no dot in the domain"
	}
	last := ""
	for label := range strings.SplitSeq(domain, ".") {
		switch {
		case label == "":
			return "empty label in the domain (two dots in a row, or a dot at an end)"
		case len(label) > MaxLabel:
			return fmt.Sprintf("a domain label longer than %d characters", MaxLabel)
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !letter(c) && !digit(c) && c != '-' {
				return fmt.Sprintf("%q not allowed in the domain (letters, digits, hyphens and dots)", string(c))
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Sprintf("domain label %q starts or ends with a hyphen", label)
		}
		last = label
	}
	if len(last) < 2 || strings.IndexFunc(last, func(r rune) bool { return !letter(byte(r)) }) >= 0 {
		return fmt.Sprintf("top-level domain %q is not two or more letters", last)
	}
	return ""
}
