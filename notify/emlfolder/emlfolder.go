// Package emlfolder is the embedded default transport: each message becomes an
// RFC 5322 .eml file in a folder, the message's wire form as planned (8-bit
// UTF-8 text), readable by any mail client and by a person with a text
// editor.
package emlfolder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
)

// Folder writes messages as .eml files into Dir.
type Folder struct {
	Dir      string
	Envelope message.Envelope
}

// New returns a Folder transport, creating dir (mode 0700) if needed.
func New(dir string, env message.Envelope) (*Folder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox_dir: %w", err)
	}
	return &Folder{Dir: dir, Envelope: env}, nil
}

var unsafeName = regexp.MustCompile(`[^a-z0-9._-]+`)

// FileName is the message's file name: its creation time in UTC, the row id
// and the recipient, so names sort by time and a resend of the same row
// overwrites the same file instead of adding a second one.
func FileName(m *notify.Message) string {
	who := unsafeName.ReplaceAllString(strings.ToLower(m.To.Email), "_")
	return fmt.Sprintf("%s-%08d-%s-%s.eml", m.Created.UTC().Format("20060102T150405Z"), m.ID, m.Job, who)
}

// Send writes m to a temporary file (mode 0600) and renames it into place, so a
// reader never sees half a message.
func (f *Folder) Send(ctx context.Context, m *notify.Message) (sent notify.Sent, retry bool, err error) {
	var none notify.Sent
	wire, err := message.WireOf(m, f.Envelope)
	if err != nil {
		return none, false, err
	}
	name := FileName(m)
	tmp, err := os.CreateTemp(f.Dir, ".tmp-*.eml")
	if err != nil {
		return none, true, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return none, true, err
	}
	if _, err := tmp.Write(wire); err != nil {
		tmp.Close()
		return none, true, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return none, true, err
	}
	if err := tmp.Close(); err != nil {
		return none, true, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(f.Dir, name)); err != nil {
		return none, true, err
	}
	return notify.Sent{Reply: "written " + name}, false, nil
}
