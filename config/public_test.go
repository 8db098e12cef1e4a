package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/config"
)

// The keys of the answer links and the public listener: each case is an
// http section, what it loads as, or the error or warning it gets.
func TestPublicKeys(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "link-secret")
	if err := os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, http string
		want       string // the error; "" = valid
		warn       string // a warning it must give
		check      func(t *testing.T, h config.HTTP)
	}{
		// Nothing set: no links, no listener, links last 90 days.
		{name: "defaults", http: "listen: 127.0.0.1:8080", check: func(t *testing.T, h config.HTTP) {
			if h.PublicURL != "" || h.PublicEnabled() || h.LinkTTL.D() != 90*24*time.Hour || len(h.Proxies()) != 0 {
				t.Errorf("defaults: %+v", h)
			}
		}},
		// The usual set-up: https address, a public port on every
		// interface without a credential, a secret file, a proxy.
		{name: "behind a proxy", http: "public_url: https://tickler.example.vn/\n  public_listen: 0.0.0.0:8443\n  link_secret_file: " + secret +
			"\n  link_ttl: 30d\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, '::1']", check: func(t *testing.T, h config.HTTP) {
			if h.PublicURL != "https://tickler.example.vn" || h.LinkSecret.Reveal() != "0123456789abcdef0123456789abcdef" || h.LinkTTL.D() != 30*24*time.Hour {
				t.Errorf("loaded %+v", h)
			}
			var ps []string
			for _, p := range h.Proxies() {
				ps = append(ps, p.String())
			}
			if !slices.Equal(ps, []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128"}) {
				t.Errorf("proxies %v", ps)
			}
		}},
		// An address that is no URL, or that carries a query.
		{name: "not a URL", http: "public_url: tickler.example.vn", want: `test.yaml:2: http.public_url: "tickler.example.vn" is not an address like https://tickler.example.vn (a scheme, a host, an optional path)`},
		{name: "a query", http: "public_url: https://x.example.vn/?a=1", want: `test.yaml:2: http.public_url: "https://x.example.vn/?a=1" is not an address like https://tickler.example.vn (a scheme, a host, an optional path)`},
		// Plain http off this machine: allowed, with a warning.
		{name: "plain http", http: "public_url: http://tickler.example.vn\n  public_listen: 127.0.0.1:8081", warn: "use https"},
		{name: "plain http on loopback", http: "public_url: http://127.0.0.1:8081\n  public_listen: 127.0.0.1:8081"},
		// Links without a listener, or a listener without links: warnings.
		{name: "links, no listener", http: "public_url: https://x.example.vn", warn: "set http.public_listen"},
		{name: "listener, no links", http: "public_listen: 127.0.0.1:8081", warn: "until http.public_url is set"},
		// The listener's address.
		{name: "bad listen", http: "public_listen: '8443'", want: `test.yaml:2: http.public_listen: "8443" is not host:port (like 0.0.0.0:8443 or :8443), or "off"`},
		{name: "status port", http: "listen: 127.0.0.1:8080\n  public_listen: 0.0.0.0:8080", want: `test.yaml:3: http.public_listen: "0.0.0.0:8080" is http.listen's port: the public listener needs a port of its own`},
		// The secret and the lifetime.
		{name: "short secret", http: "link_secret_file: " + short, want: "test.yaml:2: http.link_secret_file: " + short + " holds 3 bytes: at least 16 are needed (openssl rand -hex 32 > FILE)"},
		{name: "missing secret", http: "link_secret_file: " + filepath.Join(dir, "none"), want: "test.yaml:2: http.link_secret_file: cannot read " + filepath.Join(dir, "none") + ": no such file or directory"},
		{name: "ttl too short", http: "link_ttl: 1h", want: "test.yaml:2: http.link_ttl: 1h: must be 1d to 366d"},
		{name: "ttl too long", http: "link_ttl: 400d", want: "test.yaml:2: http.link_ttl: 400d: must be 1d to 366d"},
		// A proxy that is no address.
		{name: "bad proxy", http: "trusted_proxies: [proxy.example.vn]", want: `test.yaml:2: http.trusted_proxies[0]: "proxy.example.vn" is not an IP address or a CIDR range (like 127.0.0.1 or 10.0.0.0/8)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Parse([]byte("http:\n  "+tc.http+"\n"), "test.yaml")
			switch {
			case tc.want != "":
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error %v\nwant  %s", err, tc.want)
				}
				return
			case err != nil:
				t.Fatalf("refused: %v", err)
			}
			warnings := strings.Join(c.Warnings(), "\n")
			if tc.warn != "" && !strings.Contains(warnings, tc.warn) {
				t.Errorf("warnings %q lack %q", warnings, tc.warn)
			}
			if tc.warn == "" && strings.Contains(warnings, "http.") {
				t.Errorf("unexpected warning: %s", warnings)
			}
			if tc.check != nil {
				tc.check(t, c.HTTP)
			}
			if strings.Contains(c.Redacted(), "0123456789abcdef") {
				t.Error("the printed configuration shows the link secret")
			}
		})
	}
}
