package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/web"
)

// server is the daemon's handler with a status page showing r in lang, a
// /metrics, and a database that answers.
func server(t *testing.T, auth *web.Auth, r *status.Report, lang string) *httptest.Server {
	t.Helper()
	page := web.StatusPage(func(context.Context) *status.Report { return r }, func() string { return lang }, slog.New(slog.DiscardHandler))
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "tickler_up 1\n") })
	srv := httptest.NewServer((&web.Server{Ready: func(context.Context) error { return nil }, Status: page, Metrics: metrics, Auth: auth}).Handler())
	t.Cleanup(srv.Close)
	return srv
}

// report is a status report with something in every part of the page.
func report() *status.Report {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return &status.Report{
		At: now, Zone: time.UTC, Outbox: map[string]int{"pending": 2, "failed": 1},
		Jobs: []status.Job{{Name: "course-reminders", Schedule: "0 7 * * *", Zone: "UTC", Catchup: "12h", Overlap: "skip",
			Enabled: true, Implemented: true, Next: now.Add(22 * time.Hour), LastSlot: now.Add(-2 * time.Hour),
			LastState: "done", LastStart: now.Add(-2 * time.Hour), LastFinish: now.Add(-2 * time.Hour), Items: 3, Messages: 2}},
		Problems: []status.Delivery{{ID: 7, Job: "course-reminders", Recipient: "a@example.vn", State: "failed", Attempts: 3, Reply: "550 no such user"}},
	}
}

func get(t *testing.T, url string, set func(*http.Request)) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// Every response, whatever the path or the status, carries the headers that
// keep a browser from running, framing or sniffing anything on the page.
func TestSecurityHeaders(t *testing.T) {
	tok := web.NewAuth(config.HTTPAuth{Token: "the-token"})
	for name, srv := range map[string]*httptest.Server{"open": server(t, nil, report(), "en"), "with a token": server(t, tok, report(), "en")} {
		for _, path := range []string{"/", "/healthz", "/readyz", "/metrics", "/nope"} {
			resp, _ := get(t, srv.URL+path, nil)
			h := resp.Header
			for k, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "no-referrer",
				"X-Frame-Options":        "DENY",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s %s (%d): %s %q, want %q", name, path, resp.StatusCode, k, got, want)
				}
			}
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "style-src 'sha256-", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("%s %s: Content-Security-Policy %q lacks %s", name, path, csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("%s %s: Content-Security-Policy %q allows unsafe sources", name, path, csp)
			}
		}
	}
}

// The policy allows the page's one inline style sheet by its hash, in both
// languages, with and without the database; the page has nothing else the
// policy would block (scripts, style attributes, images, links to load).
func TestPolicyAllowsThePage(t *testing.T) {
	cfg, err := config.Parse([]byte("http: {listen: off}\n"), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noDB, _ := status.Gather(context.Background(), nil, cfg, time.Now(), nil)
	for _, lang := range []string{"vi", "en"} {
		for name, r := range map[string]*status.Report{"report": report(), "no database": noDB} {
			resp, body := get(t, server(t, nil, r, lang).URL+"/", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "course-reminders") {
				t.Fatalf("%s %s: %d\n%s", lang, name, resp.StatusCode, body)
			}
			styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(body, -1)
			if len(styles) != 1 {
				t.Fatalf("%s %s: %d style elements, want 1", lang, name, len(styles))
			}
			sum := sha256.Sum256([]byte(styles[0][1]))
			hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src "+hash) {
				t.Errorf("%s %s: the page's style hashes to %s, the policy is %q", lang, name, hash, csp)
			}
			for _, blocked := range []string{"<script", " style=", "<img", "<link", "<iframe", "<form"} {
				if strings.Contains(body, blocked) {
					t.Errorf("%s %s: the page has %s, which the policy blocks", lang, name, blocked)
				}
			}
		}
	}
}

// With a credential, every path but /healthz and /readyz asks for it: 401
// with a WWW-Authenticate challenge without it or with a wrong one, the page
// with the right one. A token works as a bearer token and as the password of
// a basic login; a user's password is checked against its bcrypt hash.
func TestAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if web.NewAuth(config.HTTPAuth{}) != nil {
		t.Error("NewAuth without a credential is not nil")
	}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	basic := func(user, pw string) func(*http.Request) {
		return func(r *http.Request) { r.SetBasicAuth(user, pw) }
	}
	type step struct {
		path string
		set  func(*http.Request)
		want int
	}
	for _, tc := range []struct {
		name  string
		auth  config.HTTPAuth
		steps []step
	}{
		{"no credential on loopback", config.HTTPAuth{}, []step{
			{"/", nil, 200}, {"/metrics", nil, 200}, {"/healthz", nil, 200},
		}},
		{"a token", config.HTTPAuth{Token: "the-token"}, []step{
			{"/healthz", nil, 200}, {"/readyz", nil, 200},
			{"/", nil, 401}, {"/metrics", nil, 401}, {"/nope", nil, 401},
			{"/", bearer("the-token"), 200}, {"/metrics", bearer("the-token"), 200},
			{"/", bearer("the-tokenX"), 401}, {"/", bearer(""), 401}, {"/", bearer("wrong"), 401},
			{"/", basic("anyone", "the-token"), 200}, {"/", basic("anyone", "wrong"), 401},
		}},
		{"a user", config.HTTPAuth{Username: "admin", PasswordHash: config.Secret(hash)}, []step{
			{"/healthz", nil, 200}, {"/", nil, 401},
			{"/", basic("admin", "s3cret"), 200}, {"/", basic("admin", "s3cret"), 200}, // the second from the cache
			{"/", basic("admin", "wrong"), 401}, {"/", basic("other", "s3cret"), 401}, {"/", bearer("s3cret"), 401},
		}},
		{"both", config.HTTPAuth{Username: "admin", PasswordHash: config.Secret(hash), Token: "the-token"}, []step{
			{"/", basic("admin", "s3cret"), 200}, {"/", bearer("the-token"), 200}, {"/", basic("admin", "the-token"), 200},
			{"/", basic("admin", "wrong"), 401}, {"/", nil, 401},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := server(t, web.NewAuth(tc.auth), report(), "en")
			for i, s := range tc.steps {
				resp, body := get(t, srv.URL+s.path, s.set)
				if resp.StatusCode != s.want {
					t.Errorf("step %d, %s: %d, want %d", i, s.path, resp.StatusCode, s.want)
				}
				if resp.StatusCode != 401 {
					continue
				}
				challenges := strings.Join(resp.Header.Values("WWW-Authenticate"), ", ")
				if !strings.Contains(challenges, `Basic realm="tickler"`) || (tc.auth.Token != "") != strings.Contains(challenges, "Bearer") {
					t.Errorf("step %d, %s: WWW-Authenticate %q", i, s.path, challenges)
				}
				if strings.Contains(body, "course-reminders") || strings.Contains(body, "tickler_up") {
					t.Errorf("step %d, %s: the 401 shows the page: %q", i, s.path, body)
				}
			}
		})
	}
}
