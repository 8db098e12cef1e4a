package message

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/tickler-dev/tickler/notify"

	gomail "github.com/wneessen/go-mail"
)

// Envelope is what every message of an agency shares: who sends it and where replies go.
type Envelope struct {
	From    string // "Ban Tổ chức <tochuc@example.vn>"
	ReplyTo string
	Loc     *time.Location // the Date header's zone
	// EightBit: the transport takes 8-bit text (an SMTP server offering
	// 8BITMIME). Bodies then go as UTF-8 as they are, not quoted-printable
	// (a third of the size for Vietnamese, and less work), unless a line
	// is longer than SMTP allows.
	EightBit bool
}

// Build turns an outbox message into a go-mail message: text and HTML
// alternatives, inline images by Content-ID, attachments, and the headers every
// tickler message carries (Message-ID from the row's key, Auto-Submitted,
// Reply-To, Date in the agency's zone). Values from records only ever reach
// headers through go-mail's encoders, after CR/LF were removed at planning.
//
// Messages are written by Wire, by hand; Build is the reference it is
// tested against (TestWireMatchesGoMail), header by header and part by part.
func Build(m *notify.Message, env Envelope) (*gomail.Msg, error) {
	enc := gomail.EncodingQP
	if env.EightBit && shortLines(m.Text) && shortLines(m.HTML) {
		enc = gomail.NoEncoding // 8bit
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithEncoding(enc))
	if from, _, ok := envelopeAddress(env.From); ok {
		msg.FromMailAddress(from)
	} else if err := msg.From(env.From); err != nil {
		return nil, fmt.Errorf("mail.from: %w", err)
	}
	if replyTo, _, ok := envelopeAddress(env.ReplyTo); ok {
		msg.ReplyToMailAddress(replyTo)
	} else if env.ReplyTo != "" {
		if err := msg.ReplyTo(env.ReplyTo); err != nil {
			return nil, fmt.Errorf("mail.reply_to: %w", err)
		}
	}
	if err := msg.AddToFormat(notify.CleanHeader(m.To.Name), m.To.Email); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To.Email, err)
	}
	for _, c := range m.Cc {
		if err := msg.AddCcFormat(notify.CleanHeader(c.Name), c.Email); err != nil {
			return nil, fmt.Errorf("cc %q: %w", c.Email, err)
		}
	}
	msg.Subject(notify.CleanHeader(m.Subject))
	msg.SetMessageIDWithValue(trimAngles(m.MessageID))
	msg.SetDateWithValue(dateOf(m, env))
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	msg.SetGenHeader("X-Tickler-Job", m.Job)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		a := a
		opts := []gomail.FileOption{gomail.WithFileContentType(gomail.ContentType(a.ContentType))}
		if a.ContentID != "" {
			// go-mail writes a Content-ID given to it as is; RFC 2392 wants
			// it in angle brackets, and the HTML refers to it as cid:ID.
			opts = append(opts, gomail.WithFileContentID("<"+strings.Trim(a.ContentID, "<>")+">"))
			if err := msg.EmbedReader(a.Filename, bytes.NewReader(a.Data), opts...); err != nil {
				return nil, err
			}
			continue
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// dateOf is m's Date: when it was planned, in the agency's zone.
func dateOf(m *notify.Message, env Envelope) time.Time {
	loc := env.Loc
	if loc == nil {
		loc = time.UTC
	}
	created := m.Created
	if created.IsZero() {
		created = time.Now()
	}
	return created.In(loc)
}

// envelopeAddresses keeps mail.from and mail.reply_to parsed, and as their
// headers write them: the same for every message of a run, and parsing
// them was a tenth of building one.
var envelopeAddresses sync.Map // string -> *envelopeAddr

type envelopeAddr struct {
	addr   *mail.Address
	header string // formatAddress(addr)
}

// envelopeAddress returns s parsed as go-mail's From and ReplyTo parse it,
// and as a header writes it; ok=false when empty or not an address (they
// then say why).
func envelopeAddress(s string) (*mail.Address, string, bool) {
	if s == "" {
		return nil, "", false
	}
	if a, ok := envelopeAddresses.Load(s); ok {
		e := a.(*envelopeAddr)
		return e.addr, e.header, true
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, "", false
	}
	e := &envelopeAddr{addr: a, header: formatAddress(a)}
	envelopeAddresses.Store(s, e)
	return e.addr, e.header, true
}

func trimAngles(id string) string {
	if len(id) > 1 && id[0] == '<' && id[len(id)-1] == '>' {
		return id[1 : len(id)-1]
	}
	return id
}

// shortLines reports whether every line of s fits SMTP's limit of 998 octets
// (RFC 5322 2.1.1), so that s may go unencoded.
func shortLines(s string) bool {
	for len(s) > 998 {
		i := strings.IndexByte(s[:999], '\n')
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
	return true
}
