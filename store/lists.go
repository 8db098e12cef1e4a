package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// ListFile is the whole list of a message whose lists were cut to
// mail.list_limit, kept under the message's key for the link the message
// carries (table delivery_lists).
type ListFile struct {
	Key         string `db:"key"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	// Encoding is how Data is kept: "gzip" (compressed, as AddList keeps a
	// list now), or "" (as it is: lists kept before).
	Encoding string `db:"encoding"`
	Data     []byte `db:"data"`
	Size     int64  `db:"size"` // of Data; ListHead gives it without Data
	Created  Time   `db:"created_at"`
}

// Open returns a reader of the list as it was written (Data uncompressed).
func (f ListFile) Open() (io.Reader, error) {
	switch f.Encoding {
	case "":
		return bytes.NewReader(f.Data), nil
	case "gzip":
		return gzip.NewReader(bytes.NewReader(f.Data))
	}
	return nil, fmt.Errorf("list of %s: encoding %q not known", f.Key, f.Encoding)
}

// AddList keeps the whole list of the message key, in the run's
// transaction: the list exists exactly when the message does.
func (tx *Tx) AddList(ctx context.Context, key, filename, contentType, encoding string, data []byte, now time.Time) error {
	if _, err := tx.Exec(ctx, "list-add", key, filename, contentType, encoding, data, T(now)); err != nil {
		return fmt.Errorf("outbox: list of %s: %w", key, conflict(err))
	}
	return nil
}

// List returns the list kept for the message key; ErrNoRows when there is
// none (a dry run's, or a key no run wrote).
func (s *Store) List(ctx context.Context, key string) (ListFile, error) {
	return s.list(ctx, "list-get", key)
}

// ListHead is List without the list itself: its name, type and size (a
// link checked with HEAD, which a mail gateway's scanner makes for every
// link, reads a few bytes, not megabytes).
func (s *Store) ListHead(ctx context.Context, key string) (ListFile, error) {
	return s.list(ctx, "list-head", key)
}

func (s *Store) list(ctx context.Context, query, key string) (ListFile, error) {
	var f ListFile
	err := s.Get(ctx, &f, query, key)
	if errors.Is(err, ErrNoRows) {
		return ListFile{}, ErrNoRows
	}
	return f, err
}
