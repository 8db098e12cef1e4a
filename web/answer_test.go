package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
	"github.com/tickler-dev/tickler/web"
)

// answerRecords: A (with an e-mail and a unit, which the page must not
// show) has an open training, B another, and A a completed one.
var answerRecords = map[string]string{
	"units.csv": `code,name
		U1,Phòng Tổ chức cán bộ`,
	"staff.csv": `code,full_name,email,unit_code,birth_date
		A,Nguyễn Văn An,an.nguyen@example.vn,U1,1985-05-01
		B,Lê Thị Bình,binh@example.vn,U1,1986-05-01`,
	"courses.csv": `code,name,category,hours
		QLNN,Bồi dưỡng quản lý nhà nước,state_management,240
		TH,Tin học ứng dụng,it,40`,
	"training.csv": `staff_code,course_code,start_on,status,due_on,completed_on
		A,QLNN,2026-01-05,enrolled,2026-12-01,
		B,QLNN,2026-01-05,enrolled,2026-12-01,
		A,TH,2026-01-05,completed,2026-06-01,2026-05-20`,
}

// now is the clock of the pages: 26 November 2026, 09:00 in Hanoi.
var now = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// site is a public server over a real store with answerRecords.
type site struct {
	st     *store.Store
	signer *answers.Signer
	url    string
	ids    map[string]int64 // "A/QLNN" → training id
	logs   *testkit.Log     // the pages' log
}

func newSite(t *testing.T, st *store.Store, lang string, proxies ...netip.Prefix) *site {
	t.Helper()
	testkit.Import(t, st, answerRecords)
	signer, err := answers.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	logs := &testkit.Log{}
	page := &web.AnswerPage{Store: st, Signer: signer, Lang: func() string { return lang }, Loc: func() *time.Location { return loc },
		Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(logs, nil))}
	pub := &web.Public{Answers: page, Lists: http.HandlerFunc(page.ServeList), Proxies: proxies, Burst: 1000, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(pub.Handler())
	t.Cleanup(srv.Close)
	s := &site{st: st, signer: signer, url: srv.URL, ids: map[string]int64{}, logs: logs}
	var rows []struct {
		ID     int64  `db:"id"`
		Staff  string `db:"staff_code"`
		Course string `db:"course_code"`
	}
	if err := st.SelectSQL(context.Background(), &rows, "SELECT id, staff_code, course_code FROM training"); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		s.ids[r.Staff+"/"+r.Course] = r.ID
	}
	return s
}

// link is the page of staff's obligation on a training, expiring at exp.
func (s *site) link(subject, training, staff string, exp time.Time) string {
	return s.url + "/ack/" + s.signer.Sign(answers.Claims{Obligation: answers.Key(subject, s.ids[training]), StaffCode: staff, Expires: exp})
}

// snapshot is every row of the answers' tables, to show what a request
// changed.
func (s *site) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var as []store.Answer
	var log []store.AnswerEvent
	var training []struct {
		ID          int64  `db:"id"`
		Status      string `db:"status"`
		CompletedOn any    `db:"completed_on"`
	}
	if err := s.st.SelectSQL(ctx, &as, "SELECT * FROM answers ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	if err := s.st.SelectSQL(ctx, &log, "SELECT * FROM answer_log ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	if err := s.st.SelectSQL(ctx, &training, "SELECT id, status, completed_on FROM training ORDER BY id"); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v\n%+v", as, log, training)
}

func send(t *testing.T, method, u string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// GET shows the obligation and the form, and changes nothing: not on a
// first visit, not on one after an answer, however often.
func TestAnswerGetChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newSite(t, st, "vi")
		u := s.link("training", "A/QLNN", "A", now.Add(24*time.Hour))
		before := s.snapshot(t)
		for range 3 {
			resp, body := send(t, "GET", u, nil, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("GET: %d\n%s", resp.StatusCode, body)
			}
			for _, want := range []string{"Nguyễn Văn An", "Bồi dưỡng quản lý nhà nước", "01/12/2026", `name="answer" value="done"`,
				`name="answer" value="registered"`, `name="answer" value="not_applicable"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			// Nothing else of the person's: not their address, unit, birth date, other courses.
			for _, not := range []string{"an.nguyen@example.vn", "Phòng Tổ chức", "1985", "Tin học", "Lê Thị Bình"} {
				if strings.Contains(body, not) {
					t.Errorf("the page shows %q", not)
				}
			}
		}
		if after := s.snapshot(t); after != before {
			t.Fatalf("GET changed rows:\nbefore %s\nafter  %s", before, after)
		}
		// With an answer given, GET shows it and still changes nothing.
		if resp, body := send(t, "POST", u, url.Values{"answer": {"registered"}, "starts_on": {"2027-01-10"}}, nil); resp.StatusCode != 200 {
			t.Fatalf("POST: %d\n%s", resp.StatusCode, body)
		}
		before = s.snapshot(t)
		resp, body := send(t, "GET", u, nil, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "Đã đăng ký học") || !strings.Contains(body, "10/01/2027") {
			t.Fatalf("GET after the answer: %d\n%s", resp.StatusCode, body)
		}
		if after := s.snapshot(t); after != before {
			t.Fatalf("GET changed rows:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// What a POST gets, case by case: the status, and whether it stored.
func TestAnswerPost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newSite(t, st, "en")
		valid := s.link("training", "A/QLNN", "A", now.Add(24*time.Hour))
		for _, c := range []struct {
			name  string
			url   string
			form  url.Values
			code  int
			says  string
			saves bool
		}{
			// A choice the page does not offer, or none.
			{"bad choice", valid, url.Values{"answer": {"delete"}}, 400, "Not a valid choice", false},
			{"no choice", valid, url.Values{"done_on": {"2026-11-20"}}, 400, "Not a valid choice", false},
			// Dates that do not parse, are not real, or are out of range.
			{"not a date", valid, url.Values{"answer": {"done"}, "done_on": {"yesterday"}}, 400, "Not a valid date", false},
			{"no real day", valid, url.Values{"answer": {"done"}, "done_on": {"2026-02-30"}}, 400, "Not a valid date", false},
			{"done tomorrow", valid, url.Values{"answer": {"done"}, "done_on": {"2026-11-27"}}, 400, "not after today", false},
			{"missing date", valid, url.Values{"answer": {"registered"}}, 400, "required", false},
			{"start far ahead", valid, url.Values{"answer": {"registered"}, "starts_on": {"2031-01-01"}}, 400, "between", false},
			// A reason too long.
			{"long reason", valid, url.Values{"answer": {"not_applicable"}, "reason": {strings.Repeat("x", 501)}}, 400, "must be 3 to 500", false},
			// A body over the cap.
			{"too large", valid, url.Values{"answer": {"not_applicable"}, "reason": {strings.Repeat("x", web.MaxBody)}}, 413, "too long", false},
			// Expired, forged, and a token of B's for A's training.
			{"expired", s.link("training", "A/QLNN", "A", now.Add(-time.Second)), url.Values{"answer": {"done"}, "done_on": {"2026-11-20"}}, 410, "expired", false},
			{"forged", valid[:len(valid)-3] + "AAA", url.Values{"answer": {"done"}, "done_on": {"2026-11-20"}}, 403, "not valid", false},
			{"another person's", s.link("training", "A/QLNN", "B", now.Add(time.Hour)), url.Values{"answer": {"done"}, "done_on": {"2026-11-20"}}, 404, "no longer in the records", false},
			// The records already show it completed: nothing to answer.
			{"closed", s.link("training", "A/TH", "A", now.Add(time.Hour)), url.Values{"answer": {"done"}, "done_on": {"2026-11-20"}}, 409, "already show this", false},
			// A good answer, then a second one that updates it.
			{"done", valid, url.Values{"answer": {"done"}, "done_on": {"20/11/2026"}, "certificate_no": {"QLNN-77"}}, 200, "Your answer is recorded", true},
			{"again", valid, url.Values{"answer": {"not_applicable"}, "reason": {"Transferred to another agency"}}, 200, "Your earlier answer is updated", true},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := s.snapshot(t)
				resp, body := send(t, "POST", c.url, c.form, map[string]string{"User-Agent": "TestAgent/1.0"})
				if resp.StatusCode != c.code {
					t.Fatalf("%d, want %d\n%s", resp.StatusCode, c.code, body)
				}
				if !strings.Contains(body, c.says) {
					t.Errorf("the page does not say %q:\n%s", c.says, body)
				}
				if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
					t.Errorf("the page shows a stack trace:\n%s", body)
				}
				if changed := s.snapshot(t) != before; changed != c.saves {
					t.Errorf("rows changed: %v, want %v", changed, c.saves)
				}
			})
		}
		var log []store.AnswerEvent
		if err := st.SelectSQL(context.Background(), &log, "SELECT * FROM answer_log ORDER BY id"); err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Event != "answered" || log[1].Event != "updated" || log[1].Choice != "not_applicable" ||
			log[0].RemoteAddr != "127.0.0.1" || log[0].UserAgent != "TestAgent/1.0" || log[0].Actor != "self" {
			t.Errorf("log %+v", log)
		}
	})
}

// Every answer of the public server carries the security headers, and the
// policy allows the page's style sheet by its hash and its forms to post to
// the page itself, and nothing else.
func TestPublicHeaders(t *testing.T) {
	s := newSite(t, storetest.New(t, store.SQLite), "vi")
	{
		for _, u := range []string{s.link("training", "A/QLNN", "A", now.Add(time.Hour)), s.link("training", "A/QLNN", "A", now.Add(-time.Hour)),
			s.url + "/ack/forged", s.url + "/healthz", s.url + "/", s.url + "/metrics"} {
			resp, body := send(t, "GET", u, nil, nil)
			h := resp.Header
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
				"X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
				if got := h.Get(k); got != want {
					t.Errorf("%s (%d): %s %q, want %q", u, resp.StatusCode, k, got, want)
				}
			}
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "style-src 'sha256-", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s: policy %q lacks %s", u, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") || strings.Contains(csp, "script-src") {
				t.Errorf("%s: policy %q", u, csp)
			}
			styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
			if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				if len(styles) != 1 {
					t.Fatalf("%s: %d style elements", u, len(styles))
				}
				sum := sha256.Sum256([]byte(styles[0][1]))
				if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, "style-src "+hash) {
					t.Errorf("%s: the style hashes to %s, the policy is %q", u, hash, csp)
				}
				for _, blocked := range []string{"<script", " style=", "<img", "<link", "<iframe"} {
					if strings.Contains(body, blocked) {
						t.Errorf("%s: the page has %q", u, blocked)
					}
				}
				if handler := regexp.MustCompile(`\son[a-z]+=`).FindString(body); handler != "" {
					t.Errorf("%s: the page has an event handler %q", u, handler)
				}
			}
		}
	}
}

// The public server serves /ack/ and /healthz and nothing of the status
// server's: not the status page, /readyz or /metrics.
func TestPublicServesOnlyAnswers(t *testing.T) {
	s := newSite(t, storetest.New(t, store.SQLite), "en")
	for path, want := range map[string]int{"/": 404, "/readyz": 404, "/metrics": 404, "/status": 404, "/healthz": 200,
		"/ack/": 404, "/ack/x/y": 404} {
		if resp, _ := send(t, "GET", s.url+path, nil, nil); resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := send(t, "PUT", s.link("training", "A/QLNN", "A", now.Add(time.Hour)), nil, nil); resp.StatusCode != 405 {
		t.Errorf("PUT: %d, want 405", resp.StatusCode)
	}
}

// Each client address has its own bucket: after the burst, 429 with
// Retry-After; another address is served meanwhile.
func TestPublicRateLimit(t *testing.T) {
	var served atomic.Int32
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		io.WriteString(w, web.ClientAddr(r))
	})
	proxy := netip.MustParsePrefix("127.0.0.1/32")
	pub := &web.Public{Answers: page, Proxies: []netip.Prefix{proxy}, Burst: 3, Now: func() time.Time { return now }}
	srv := httptest.NewServer(pub.Handler())
	defer srv.Close()
	from := func(addr string) (*http.Response, string) {
		return send(t, "GET", srv.URL+"/ack/x", nil, map[string]string{"X-Forwarded-For": addr})
	}
	for i := range 3 {
		if resp, body := from("203.0.113.7"); resp.StatusCode != 200 || body != "203.0.113.7" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
	}
	resp, _ := from("203.0.113.7")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the burst: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, body := from("198.51.100.9"); resp.StatusCode != 200 || body != "198.51.100.9" {
		t.Fatalf("another client: %d %q", resp.StatusCode, body)
	}
	if served.Load() != 4 {
		t.Errorf("the page served %d requests, want 4", served.Load())
	}
}

// Which address a request is from: the peer's, unless the peer is a
// trusted proxy; then what X-Forwarded-For says, from the right, past the
// trusted ones.
func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name, peer, xff string
		proxies         []netip.Prefix
		want            string
	}{
		// No proxies configured: the header is a client's claim, ignored.
		{"no proxies", "127.0.0.1:5000", "203.0.113.7", nil, "127.0.0.1"},
		// A peer that is no proxy of ours cannot name another client.
		{"untrusted peer", "198.51.100.1:5000", "203.0.113.7", proxies, "198.51.100.1"},
		// Our proxy names the client.
		{"trusted proxy", "127.0.0.1:5000", "203.0.113.7", proxies, "203.0.113.7"},
		// A client's own forged header comes first; the last untrusted hop counts.
		{"spoofed first hop", "127.0.0.1:5000", "1.2.3.4, 203.0.113.7", proxies, "203.0.113.7"},
		// Chained proxies of ours are skipped.
		{"two proxies", "127.0.0.1:5000", "203.0.113.7, 10.1.2.3", proxies, "203.0.113.7"},
		// A header that does not parse: the peer.
		{"garbage", "127.0.0.1:5000", "not-an-address", proxies, "127.0.0.1"},
		// No header from the proxy: the proxy.
		{"no header", "127.0.0.1:5000", "", proxies, "127.0.0.1"},
		// IPv6 client behind the proxy.
		{"IPv6", "127.0.0.1:5000", "2001:db8::1", proxies, "2001:db8::1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got string
			page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = web.ClientAddr(r) })
			h := (&web.Public{Answers: page, Proxies: c.proxies}).Handler()
			req := httptest.NewRequest("GET", "/ack/x", nil)
			req.RemoteAddr = c.peer
			if c.xff != "" {
				req.Header.Set("X-Forwarded-For", c.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != c.want {
				t.Errorf("client %q, want %q", got, c.want)
			}
		})
	}
}

// A panic in a page is a plain 500, with no stack trace for the client.
func TestPublicPanic(t *testing.T) {
	var logs bytes.Buffer
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom at answer.go:42") })
	srv := httptest.NewServer((&web.Public{Answers: page, Log: slog.New(slog.NewTextHandler(&logs, nil))}).Handler())
	defer srv.Close()
	resp, body := send(t, "GET", srv.URL+"/ack/x", nil, nil)
	if resp.StatusCode != 500 || strings.Contains(body, "boom") || strings.Contains(body, ".go") {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}
