package store

import "strings"

// Storable returns s as every database takes it in a text column: valid
// UTF-8 (an invalid byte becomes U+FFFD) and without NUL, which PostgreSQL
// refuses in text and JSON. Text that comes from outside and is not checked
// on its way in (a relay's reply, an error's message) goes through it, so
// that a write that must land (a message that left, a run that ended) is
// never refused for its wording.
func Storable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}
