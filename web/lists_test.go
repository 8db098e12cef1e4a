package web_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// A long message's list is served to whoever holds its link, until the link
// expires; an answer link's token opens no list and a list link's token no
// answer page; a list no run kept is not found.
func TestListLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSite(t, st, "vi")
		slot := now.Add(-time.Hour)
		key := store.DeliveryKey("reappointments", slot, "tochuc@example.vn")
		csv := "\ufeffloại,mã cán bộ\nterm_ending,S1\n"
		if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddList(ctx, key, "danh-sach.csv", "text/csv; charset=utf-8", []byte(csv), slot)
		}); err != nil {
			t.Fatal(err)
		}
		links := answers.NewListLinks(s.url, s.signer, 24*time.Hour)
		exp := links.Expires(slot, now)
		u := links.URL(key, exp)
		if !strings.HasPrefix(u, s.url+"/lists/") || u != links.URL(key, exp) {
			t.Fatalf("link %s: not under /lists/, or not the same twice", u)
		}
		resp, body := send(t, "GET", u, nil, nil)
		if resp.StatusCode != 200 || body != csv {
			t.Fatalf("GET the list: %d\n%s", resp.StatusCode, body)
		}
		if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
			cd != `attachment; filename=danh-sach.csv` || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers: %q, %q, %q", ct, cd, resp.Header.Get("Cache-Control"))
		}
		if n := strings.Count(s.logs.String(), `msg="list downloaded"`); n != 1 {
			t.Errorf("the download logged %d times, want once:\n%s", n, s.logs)
		}
		// HEAD answers as GET does, without the list, and is no download.
		resp, body = send(t, "HEAD", u, nil, nil)
		if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Length") != strconv.Itoa(len(csv)) ||
			resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || resp.Header.Get("Content-Disposition") != `attachment; filename=danh-sach.csv` {
			t.Errorf("HEAD the list: %d, %q, headers %v", resp.StatusCode, body, resp.Header)
		}
		if logs := s.logs.String(); strings.Count(logs, `msg="list downloaded"`) != 1 || !strings.Contains(logs, `msg="list checked, not downloaded (HEAD)"`) {
			t.Errorf("a HEAD logged as a download, or not logged:\n%s", logs)
		}
		token := strings.TrimPrefix(u, s.url+"/lists/")
		// The list's token on the answer page, an answer's token on the lists.
		if resp, _ := send(t, "GET", s.url+"/ack/"+token, nil, nil); resp.StatusCode != 403 {
			t.Errorf("a list token on /ack/: %d, want 403", resp.StatusCode)
		}
		answer := s.link("training", "A/QLNN", "A", now.Add(time.Hour))
		if resp, _ := send(t, "GET", strings.Replace(answer, "/ack/", "/lists/", 1), nil, nil); resp.StatusCode != 403 {
			t.Errorf("an answer token on /lists/: %d, want 403", resp.StatusCode)
		}
		// Altered, expired, or naming no kept list.
		if resp, _ := send(t, "GET", u[:len(u)-2]+"AA", nil, nil); resp.StatusCode != 403 {
			t.Errorf("an altered token: %d, want 403", resp.StatusCode)
		}
		old := links.URL(key, now.Add(-time.Second))
		if resp, body := send(t, "GET", old, nil, nil); resp.StatusCode != 410 || strings.Contains(body, "S1") {
			t.Errorf("an expired link: %d, want 410 and no list", resp.StatusCode)
		}
		other := links.URL(store.DeliveryKey("reappointments", slot, "someone@example.vn"), exp)
		if resp, _ := send(t, "GET", other, nil, nil); resp.StatusCode != 404 {
			t.Errorf("a link to no kept list: %d, want 404", resp.StatusCode)
		}
		for link, want := range map[string]int{u[:len(u)-2] + "AA": 403, old: 410, other: 404} {
			if resp, body := send(t, "HEAD", link, nil, nil); resp.StatusCode != want || body != "" {
				t.Errorf("HEAD %s: %d, want %d and no body", link, resp.StatusCode, want)
			}
		}
		if resp, _ := send(t, "POST", u, nil, nil); resp.StatusCode != 405 {
			t.Errorf("POST a list: %d, want 405", resp.StatusCode)
		}
		// The longest address a mailbox may have (254 characters) still
		// makes a link that works.
		long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".vn"
		longKey := store.DeliveryKey("course-reminders", slot, long)
		if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddList(ctx, longKey, "danh-sach.csv", "text/csv; charset=utf-8", []byte(csv), slot)
		}); err != nil {
			t.Fatal(err)
		}
		if resp, body := send(t, "GET", links.URL(longKey, exp), nil, nil); resp.StatusCode != 200 || body != csv {
			t.Errorf("the link of a %d-character address: %d", len(long), resp.StatusCode)
		}
	})
}

// syncBuffer is a log the server's goroutines write while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
