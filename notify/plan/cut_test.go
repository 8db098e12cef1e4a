package plan

import (
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/store"
)

// A batch ends at planBatch recipients or at batchBytes of notices,
// whichever comes first; one recipient alone over batchBytes is a batch.
func TestCut(t *testing.T) {
	groups := func(sizes ...int) []*group {
		var out []*group
		for _, s := range sizes {
			out = append(out, &group{size: s})
		}
		return out
	}
	for _, c := range []struct {
		name  string
		ready []*group
		size  int
		n     int
		full  bool
	}{
		{"none", nil, 4, 0, false},
		{"fewer than a batch", groups(10, 10), 4, 2, false},
		{"a batch of recipients", groups(10, 10, 10, 10, 10), 4, 4, true},
		{"a batch of bytes", groups(batchBytes/2, batchBytes/2, 10), 4, 2, true},
		{"one recipient over the bytes", groups(batchBytes+1, 10), 4, 1, true},
		{"just under the bytes", groups(batchBytes/2, batchBytes/2-1), 4, 2, false},
	} {
		if n, full := cut(c.ready, c.size); n != c.n || full != c.full {
			t.Errorf("%s: cut %d (full %v), want %d (%v)", c.name, n, full, c.n, c.full)
		}
	}
}

// A read of the spill asks for readFirst notices, then for as many as make
// about readBytes at the mean size read so far, within readLeast and
// readChunk.
func TestChunk(t *testing.T) {
	rows := func(n, size int) []store.Spilled {
		out := make([]store.Spilled, n)
		for i := range out {
			out[i].Notice = strings.Repeat("x", size)
		}
		return out
	}
	var c chunk
	if got := c.next(); got != readFirst {
		t.Fatalf("first read: %d notices, want %d", got, readFirst)
	}
	c.read(rows(100, 1024))
	if got, want := c.next(), readBytes/1024; got != want {
		t.Errorf("after notices of 1 KB: %d, want %d", got, want)
	}
	c.read(rows(100, 3072)) // a mean of 2 KB
	if got, want := c.next(), readBytes/2048; got != want {
		t.Errorf("after notices of 1 and 3 KB: %d, want %d", got, want)
	}
	var small, large chunk
	small.read(rows(10, 10))
	large.read(rows(2, 4<<20))
	if got := small.next(); got != readChunk {
		t.Errorf("notices of 10 bytes: %d, want at most readChunk (%d)", got, readChunk)
	}
	if got := large.next(); got != readLeast {
		t.Errorf("notices of 4 MB: %d, want at least readLeast (%d)", got, readLeast)
	}
	var empty chunk
	empty.read(nil)
	if got := empty.next(); got != readFirst {
		t.Errorf("after an empty read: %d, want %d", got, readFirst)
	}
}
