package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
	"github.com/tickler-dev/tickler/web"
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
			return tx.AddList(ctx, key, "danh-sach.csv", "text/csv; charset=utf-8", "", []byte(csv), slot)
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
			return tx.AddList(ctx, longKey, "danh-sach.csv", "text/csv; charset=utf-8", "", []byte(csv), slot)
		}); err != nil {
			t.Fatal(err)
		}
		if resp, body := send(t, "GET", links.URL(longKey, exp), nil, nil); resp.StatusCode != 200 || body != csv {
			t.Errorf("the link of a %d-character address: %d", len(long), resp.StatusCode)
		}
	})
}

// A list kept compressed goes as it is kept to a client that takes gzip,
// and uncompressed, with its length, to one that does not; HEAD gives the
// compressed length to the one and no length to the other.
func TestListKeptCompressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSite(t, st, "vi")
		slot := now.Add(-time.Hour)
		key := store.DeliveryKey("reappointments", slot, "tochuc@example.vn")
		var csv strings.Builder
		csv.WriteString("\ufeffloại,mã cán bộ\n")
		for i := range 2000 {
			fmt.Fprintf(&csv, "term_ending,S%07d\n", i)
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write([]byte(csv.String()))
		zw.Close()
		if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			return tx.AddList(ctx, key, "danh-sach.csv", "text/csv; charset=utf-8", "gzip", z.Bytes(), slot)
		}); err != nil {
			t.Fatal(err)
		}
		u := answers.NewListLinks(s.url, s.signer, 24*time.Hour).URL(key, now.Add(time.Hour))

		// Asked for by name, gzip is handed over as it is (Go's client then
		// leaves it compressed).
		resp, body := send(t, "GET", u, nil, map[string]string{"Accept-Encoding": "gzip, deflate"})
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || body != z.String() ||
			resp.Header.Get("Content-Length") != strconv.Itoa(z.Len()) || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("GET taking gzip: %d, %d bytes, headers %v", resp.StatusCode, len(body), resp.Header)
		}
		resp, body = send(t, "HEAD", u, nil, map[string]string{"Accept-Encoding": "gzip"})
		if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Length") != strconv.Itoa(z.Len()) {
			t.Errorf("HEAD taking gzip: %d, headers %v", resp.StatusCode, resp.Header)
		}
		// Go's client asking on its own: it gets gzip and undoes it.
		if resp, body := send(t, "GET", u, nil, nil); resp.StatusCode != 200 || body != csv.String() || !resp.Uncompressed {
			t.Errorf("GET by Go's client: %d, %d bytes (uncompressed by the client: %v)", resp.StatusCode, len(body), resp.Uncompressed)
		}
		// A client that does not take gzip.
		for _, ae := range []string{"identity", "gzip;q=0, *"} {
			resp, body := send(t, "GET", u, nil, map[string]string{"Accept-Encoding": ae})
			if resp.StatusCode != 200 || body != csv.String() || resp.Header.Get("Content-Encoding") != "" ||
				resp.Header.Get("Content-Length") != strconv.Itoa(csv.Len()) || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Errorf("GET with Accept-Encoding %q: %d, %d bytes of %d, headers %v", ae, resp.StatusCode, len(body), csv.Len(), resp.Header)
			}
			resp, body = send(t, "HEAD", u, nil, map[string]string{"Accept-Encoding": ae})
			if resp.StatusCode != 200 || body != "" || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "" {
				t.Errorf("HEAD with Accept-Encoding %q: %d, headers %v", ae, resp.StatusCode, resp.Header)
			}
		}
		if logs := s.logs.String(); !strings.Contains(logs, fmt.Sprintf("bytes=%d", csv.Len())) || !strings.Contains(logs, fmt.Sprintf("bytes=%d", z.Len())) {
			t.Errorf("the downloads logged without the bytes sent:\n%s", logs)
		}
	})
}

// A list larger than the listener's WriteTimeout lets through to a slow
// client still reaches it whole: the download's deadline is stretched to
// its size. The server's WriteTimeout is 300 ms and the client reads 8 KiB
// every 10 ms (at most 800 KiB/s) through small socket buffers (with the
// kernel's own, a loopback holds the whole list and the server's write
// never waits), so the 1 MiB list takes it at least 1.3 s: it is cut at
// 300 ms without the stretch, however loaded the machine (a sleep only
// lasts longer), and comes whole well within the 32 s the stretch gives it
// (web.ListFloorRate).
func TestListSlowClient(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t, store.SQLite)
	signer, err := answers.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	page := &web.AnswerPage{Store: st, Signer: signer, Lang: func() string { return "vi" }, Loc: func() *time.Location { return time.UTC },
		Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	pub := &web.Public{Answers: page, Lists: http.HandlerFunc(page.ServeList), Burst: 1000, Now: func() time.Time { return now }}
	srv := httptest.NewUnstartedServer(pub.Handler())
	// The listener's timeouts (cmd/tickler/serve.go), shortened.
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	srv.Listener = smallSendBuffer{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)

	slot := now.Add(-time.Hour)
	key := store.DeliveryKey("reappointments", slot, "tochuc@example.vn")
	var list bytes.Buffer
	for i := 0; list.Len() < 1<<20; i++ {
		fmt.Fprintf(&list, "term_ending,S%07d,Nguyễn Văn An\n", i)
	}
	if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		return tx.AddList(ctx, key, "danh-sach.csv", "text/csv; charset=utf-8", "", list.Bytes(), slot)
	}); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(answers.NewListLinks(srv.URL, signer, 24*time.Hour).URL(key, now.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}

	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A small receive window, so that the kernel's buffers hold little of
	// the list and the server's write waits for the client.
	if err := conn.(*net.TCPConn).SetReadBuffer(16 << 10); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", u.RequestURI(), u.Host); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(slowReader{conn}, 8<<10), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	took := time.Since(began)
	if resp.StatusCode != 200 || err != nil || !bytes.Equal(got, list.Bytes()) {
		t.Fatalf("a slow client got %d of the list's %d bytes in %v (status %d, %v)", len(got), list.Len(), took, resp.StatusCode, err)
	}
	if took < 3*srv.Config.WriteTimeout {
		t.Errorf("the client took %v, not slow enough to test the deadline (WriteTimeout %v)", took, srv.Config.WriteTimeout)
	}
}

// slowReader reads at most 8 KiB at a time, 10 ms apart.
type slowReader struct{ r io.Reader }

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	return s.r.Read(p[:min(len(p), 8<<10)])
}

// smallSendBuffer gives the server's connections a small send buffer.
type smallSendBuffer struct{ net.Listener }

func (l smallSendBuffer) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}
