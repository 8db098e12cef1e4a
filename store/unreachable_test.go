package store_test

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/lib/pq"

	"github.com/tickler-dev/tickler/store"
)

func TestUnreachable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{driver.ErrBadConn, true},
		{fmt.Errorf("record 3 deliveries: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), true},
		{&pq.Error{Code: "57P03", Message: "the database system is starting up"}, true},
		{&pq.Error{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{&pq.Error{Code: "08006"}, true},
		{&pq.Error{Code: "53100", Message: "could not extend file: No space left on device"}, true},
		{fmt.Errorf("record: %w", &pq.Error{Code: "22P05", Message: "unsupported Unicode escape sequence"}), false},
		{&pq.Error{Code: "P0001", Message: "raised by a trigger"}, false},
		{&pq.Error{Code: "23505"}, false},
		{errors.New("sql: database is closed"), false},
	} {
		if got := store.Unreachable(tt.err); got != tt.want {
			t.Errorf("Unreachable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// A reply or an error message with bytes a text column refuses (NUL, invalid
// UTF-8) is written, not refused: the write of an outcome must land.
func TestStorableText(t *testing.T) {
	if got, want := store.Storable("550 5.7.1 bad\x00 \xff\xfe reply"), "550 5.7.1 bad \uFFFD reply"; got != want {
		t.Errorf("Storable = %q, want %q", got, want)
	}
}
