// Package message makes a message from a recipient's items: its subject,
// text and HTML from the templates (embedded, overridable by a folder), the
// calendar (.ics) of its deadlines, the CSV of a list too long to show, and
// the MIME form it goes on the wire in (Wire): made when it is sent (most
// messages) or when it is planned, the same bytes either way.
package message
