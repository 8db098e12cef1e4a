package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A listener that others can reach needs a credential: check refuses the
// configuration without one (exit 2), naming both keys.
func TestCheckRefusesAnOpenListener(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, "recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}\nhttp: {listen: 0.0.0.0:8080}\n")
	code, _, stderr := tickler(t, "-config", path, "check")
	if code != 2 || !strings.Contains(stderr, "http.auth: required when http.listen") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	path = writeConfig(t, dir, "recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}\nhttp: {listen: 0.0.0.0:8080, auth: {token: x}}\n")
	if code, _, stderr := tickler(t, "-config", path, "check"); code != 0 {
		t.Errorf("with a token: exit %d: %s", code, stderr)
	}
}

// serve with a token: the probes answer without it, the status page and
// /metrics only with it, and every answer carries the security headers.
func TestServeAsksForTheCredential(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig("sqlite", filepath.Join(dir, "t.db"), filepath.Join(dir, "outbox"), "0 7 * * *", "12h")
	cfg = strings.Replace(cfg, "  listen: 127.0.0.1:0\n", "  listen: 127.0.0.1:0\n  auth: {token: the-token}\n", 1)
	d := startDaemon(t, "serve", dir, writeConfig(t, dir, cfg))
	d.waitStatus("/readyz", 200, 10*time.Second)
	base := d.url()
	for _, tc := range []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200}, {"/readyz", "", 200},
		{"/", "", 401}, {"/metrics", "", 401}, {"/", "wrong", 401},
		{"/", "the-token", 200}, {"/metrics", "the-token", 200},
	} {
		req, _ := http.NewRequest("GET", base+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s with token %q: %d, want %d", tc.path, tc.token, resp.StatusCode, tc.want)
		}
		if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.path)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: no Content-Security-Policy", tc.path)
		}
	}
	d.stop(10 * time.Second)
}
