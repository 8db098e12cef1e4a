// Package notify is what the stages of a reminder's way share: a job's
// Notice (an Item for a Recipient), the Message a Sender hands to its
// transport, and the outbox's conventions (Message-IDs, copies). The stages
// are its packages, in the order a notice goes through them:
//
//	plan     notices → one message per recipient, in the outbox, in one transaction
//	message  a message's text, HTML, calendar and list attachments, MIME and wire form
//	deliver  the outbox worked off through a Sender, with retries and leases
//	smtp, emlfolder  the Senders: an SMTP relay, a folder of .eml files
//
// A job never sends; a sender never reads records: the deliveries table is
// the only thing between them.
package notify

import (
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// Recipient is a person or mailbox a message goes to.
type Recipient struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email"`
	StaffCode string `json:"staff_code,omitempty"`
}

// Item is one thing a message tells its recipient: a training due, a term
// ending, a person with no e-mail address. Key identifies the thing across runs
// and Step the reminder stage, so that (job, Key, Step, recipient) is sent once.
// Since, when set, is the day the step began: the steps of a key are then
// ordered, and a step is not sent to a recipient who already had one of the
// key that began the same day or later (no "30 days left" after "7 days
// left", whatever order slots run in).
type Item struct {
	Kind      string     `json:"kind"`
	Key       string     `json:"-"`
	Step      string     `json:"step"`
	Since     civil.Date `json:"-"`
	StaffCode string     `json:"staff_code"`
	StaffName string     `json:"staff_name,omitempty"`
	Unit      string     `json:"unit,omitempty"`
	Ref       string     `json:"ref"`
	RefName   string     `json:"ref_name,omitempty"`
	Date      civil.Date `json:"date"`
	// Days is the number of days from the run's date to Date (negative: past).
	Days int    `json:"days"`
	Note string `json:"note"`
	// Fields carries what a particular kind needs in its template (review
	// deadline, retirement date, case, hours ...).
	Fields map[string]any `json:"fields,omitempty"`
}

// Notice is what a job returns: one item for one recipient, with whom to copy.
// Plan groups a run's notices per recipient into one message.
type Notice struct {
	To   Recipient
	Cc   []Recipient
	Item Item
	// Data, when set, is handed to the message's renderer as is (the digest's
	// figures); all notices of one recipient in a run share it.
	Data any
}

// Attachment is a file carried by a message: a calendar invitation, or an image
// shown inline by Content-ID.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id,omitempty"` // set: inline, referenced as cid:ContentID
	Data        []byte `json:"data"`
}

// Content is a rendered message.
type Content struct {
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	// List is the whole list of a message whose lists were cut, when the
	// message links to it (View.ListURL) instead of attaching it: the
	// planner keeps it with the message for the link.
	List *Attachment
}

// Message is one outbox row as a sender sees it. Wire is the message as it
// goes on the wire: made at planning, or by the deliverer from Payload and
// RenderSet (a row planned to be rendered when it is sent) before it hands
// the message to a Sender. Text, HTML and Attachments are set instead for a
// row planned before the outbox kept the wire form.
type Message struct {
	ID          int64
	Key         string
	MessageID   string
	Job         string
	To          Recipient
	Cc          []Recipient
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	Wire        []byte
	Payload     string
	RenderSet   string
	Created     time.Time
	Attempts    int
}

// CleanHeader removes what could break out of a header line: CR, LF and
// other control characters become spaces.
func CleanHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Emit hands the planner one notice of a run.
type Emit func(Notice) error
