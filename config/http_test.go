package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickler-dev/tickler/config"
)

// The status server on a loopback address needs no credential; on any other
// address it needs one, a bearer token or a user with a bcrypt hash, each
// given in the file or in a file of its own.
func TestHTTPAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tokenFile := write("token", "token-from-file\n")
	hashFile := write("hash", string(hash)+"\n")
	required := func(line, listen string) string {
		return "test.yaml:" + line + `: http.auth: required when http.listen ("` + listen + `") is not a loopback address: ` +
			"set http.auth.token (or token_file), or http.auth.username and password_hash (or password_hash_file); or listen on 127.0.0.1"
	}
	for _, tc := range []struct {
		name, http string
		want       string // the error; "" = valid
		token      string // the token it gives
		hash       bool   // it gives the hash
	}{
		// On this machine only: no credential needed.
		{name: "loopback", http: "listen: 127.0.0.1:8080"},
		{name: "another loopback address", http: "listen: 127.0.0.53:8080"},
		{name: "localhost", http: "listen: localhost:8080"},
		{name: "IPv6 loopback", http: `listen: "[::1]:8080"`},
		{name: "off", http: "listen: off"},
		// Reachable from elsewhere: refused without a credential.
		{name: "every interface", http: "listen: 0.0.0.0:8080", want: required("2", "0.0.0.0:8080")},
		{name: "a port alone", http: `listen: ":8080"`, want: required("2", ":8080")},
		{name: "every IPv6 interface", http: `listen: "[::]:8080"`, want: required("2", "[::]:8080")},
		{name: "a LAN address", http: "listen: 192.168.1.10:8080", want: required("2", "192.168.1.10:8080")},
		{name: "a host name", http: "listen: tickler.example.vn:8080", want: required("2", "tickler.example.vn:8080")},
		{name: "an empty token", http: "listen: 0.0.0.0:8080\n  auth: {token: \"\"}", want: required("3", "0.0.0.0:8080")},
		// With one.
		{name: "a token", http: "listen: 0.0.0.0:8080\n  auth: {token: the-token}", token: "the-token"},
		{name: "a token file", http: "listen: 0.0.0.0:8080\n  auth: {token_file: " + tokenFile + "}", token: "token-from-file"},
		{name: "a user", http: "listen: 0.0.0.0:8080\n  auth: {username: admin, password_hash: '" + string(hash) + "'}", hash: true},
		{name: "a hash file", http: "listen: 0.0.0.0:8080\n  auth: {username: admin, password_hash_file: " + hashFile + "}", hash: true},
		{name: "both", http: "listen: :8080\n  auth: {username: admin, password_hash_file: " + hashFile + ", token: the-token}", hash: true, token: "the-token"},
		{name: "on loopback too", http: "listen: 127.0.0.1:8080\n  auth: {token: the-token}", token: "the-token"},
		// Mistakes.
		{name: "token and file", http: "listen: 127.0.0.1:8080\n  auth:\n    token: the-token\n    token_file: " + tokenFile,
			want: "test.yaml:5: http.auth.token_file: at most one of http.auth.token & http.auth.token_file must be configured"},
		{name: "hash and file", http: "listen: 127.0.0.1:8080\n  auth:\n    username: admin\n    password_hash: '" + string(hash) + "'\n    password_hash_file: " + hashFile,
			want: "test.yaml:6: http.auth.password_hash_file: at most one of http.auth.password_hash & http.auth.password_hash_file must be configured"},
		{name: "a user without a hash", http: "listen: 127.0.0.1:8080\n  auth: {username: admin}",
			want: "test.yaml:3: http.auth.password_hash: required when http.auth.username is set (or http.auth.password_hash_file)"},
		{name: "a hash without a user", http: "listen: 127.0.0.1:8080\n  auth:\n    password_hash: '" + string(hash) + "'",
			want: "test.yaml:4: http.auth.username: required with a password hash"},
		{name: "not a hash", http: "listen: 127.0.0.1:8080\n  auth:\n    username: admin\n    password_hash: s3cret",
			want: `test.yaml:5: http.auth.password_hash: not a bcrypt hash (like $2y$10$..., from htpasswd -nB USER: the part after "USER:")`},
		{name: "htpasswd's whole line", http: "listen: 127.0.0.1:8080\n  auth:\n    username: admin\n    password_hash: 'admin:" + string(hash) + "'",
			want: `test.yaml:5: http.auth.password_hash: not a bcrypt hash (like $2y$10$..., from htpasswd -nB USER: the part after "USER:")`},
		{name: "a colon in the user name", http: "listen: 127.0.0.1:8080\n  auth: {username: 'ad:min', password_hash: '" + string(hash) + "'}",
			want: `test.yaml:3: http.auth.username: "ad:min": a user name may not hold ":"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Parse([]byte("http:\n  "+tc.http+"\n"), "test.yaml")
			switch {
			case tc.want != "":
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error %v\nwant  %s", err, tc.want)
				}
				if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), string(hash)[7:]) || strings.Contains(err.Error(), "the-token") {
					t.Errorf("the error shows a secret: %v", err)
				}
				return
			case err != nil:
				t.Fatalf("refused: %v", err)
			}
			a := c.HTTP.Auth
			if a.Token.Reveal() != tc.token {
				t.Errorf("token %q, want %q", a.Token.Reveal(), tc.token)
			}
			if got := a.PasswordHash.Reveal() == string(hash); got != tc.hash {
				t.Errorf("password hash given: %v, want %v", got, tc.hash)
			}
			if r := c.Redacted(); strings.Contains(r, "the-token") || strings.Contains(r, "token-from-file") || strings.Contains(r, string(hash)) {
				t.Errorf("the printed configuration shows a secret:\n%s", r)
			}
		})
	}
}

// testdata/full.yaml sets the credential's keys too.
func TestFullHTTPAuth(t *testing.T) {
	t.Setenv("TICKLER_TEST_DB_PASSWORD", "db-pass-from-env")
	c, err := config.Load("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := c.HTTP.Auth
	if a.Username != "admin" || bcrypt.CompareHashAndPassword([]byte(a.PasswordHash.Reveal()), []byte("s3cret")) != nil || a.Token.Reveal() != "a-token-for-prometheus" {
		t.Errorf("http.auth = %#v", a)
	}
}
