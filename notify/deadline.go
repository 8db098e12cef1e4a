package notify

import "github.com/tickler-dev/tickler/civil"

// FieldDeadlines is the Item.Fields key under which a job lists an item's
// deadlines ([]Deadline). The renderer puts each deadline still ahead into the
// message's calendar attachment.
const FieldDeadlines = "deadlines"

// Deadline is a date by which the recipient must act: a training's due date,
// the day a re-appointment review must open, the rating deadline.
type Deadline struct {
	// Key identifies the deadline across runs; its calendar event's UID is
	// derived from it, so a later reminder updates the event a recipient
	// already added instead of adding a second one. Items that share a
	// deadline (every rating due on 15 December) share the key, and the
	// message carries one event for it.
	Key   string
	Date  civil.Date
	Title string // the event's summary, in the message's language
	Note  string // its description
}
