package plan

import "testing"

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
