// Package web serves the daemon's HTTP endpoints: /healthz (the process is
// alive), /readyz (the database answers), /metrics and a plain status page,
// with a Content-Security-Policy and, when http.auth sets one, a credential
// asked of all but the two probes.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/status"
)

// Server is the status HTTP server.
type Server struct {
	// Ready checks the database (ping, migrated); /readyz answers 503 when it
	// fails or takes longer than ReadyTimeout.
	Ready func(ctx context.Context) error
	// ReadyTimeout bounds the /readyz check (default 2s).
	ReadyTimeout time.Duration
	// Status writes the HTML status page (nil: 404).
	Status http.Handler
	// Metrics serves /metrics (nil: 404).
	Metrics http.Handler
	// Auth, when set, is asked of every request but /healthz and /readyz.
	Auth *Auth
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		timeout := s.ReadyTimeout
		if timeout <= 0 {
			timeout = 2 * time.Second
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := s.Ready(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	if s.Metrics != nil {
		mux.Handle("GET /metrics", s.Metrics)
	}
	if s.Status != nil {
		mux.Handle("GET /{$}", s.Status)
	}
	var h http.Handler = mux
	if s.Auth != nil {
		h = s.Auth.guard(h)
	}
	return secure(h)
}

// policy lets a page load nothing but the status page's own style sheet,
// and be framed by no one.
var policy = "default-src 'none'; style-src " + status.StyleSource + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// secure sets the headers that keep a browser from running, framing or
// sniffing anything tickler serves, on every response.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// Auth is the credential the server asks for (http.auth): a user whose
// password matches a bcrypt hash (basic authentication), a token (bearer, or
// the password of a basic login under any user name, which a browser can
// send), or either.
type Auth struct {
	username string
	hash     []byte
	token    string
	// ok is the SHA-256 of the last password the hash accepted, so that the
	// page's refresh does not cost a bcrypt comparison each minute.
	ok atomic.Pointer[[sha256.Size]byte]
}

// NewAuth returns the credential of a, nil when a sets none.
func NewAuth(a config.HTTPAuth) *Auth {
	if !a.Set() {
		return nil
	}
	return &Auth{username: a.Username, hash: []byte(a.PasswordHash.Reveal()), token: a.Token.Reveal()}
}

// guard answers 401 to a request without the credential, except for the
// probes /healthz and /readyz, which say nothing of the records.
func (a *Auth) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || a.allows(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("WWW-Authenticate", `Basic realm="tickler", charset="UTF-8"`)
		if a.token != "" {
			w.Header().Add("WWW-Authenticate", `Bearer realm="tickler"`)
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "401 Unauthorized: log in with the credential of http.auth", http.StatusUnauthorized)
	})
}

func (a *Auth) allows(r *http.Request) bool {
	if h := r.Header.Get("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return a.token != "" && same(h[7:], a.token)
	}
	user, pw, ok := r.BasicAuth()
	switch {
	case !ok:
		return false
	case a.token != "" && same(pw, a.token):
		return true
	case len(a.hash) == 0 || !same(user, a.username):
		return false
	}
	sum := sha256.Sum256([]byte(pw))
	if last := a.ok.Load(); last != nil && subtle.ConstantTimeCompare(last[:], sum[:]) == 1 {
		return true
	}
	if bcrypt.CompareHashAndPassword(a.hash, []byte(pw)) != nil {
		return false
	}
	a.ok.Store(&sum)
	return true
}

// same compares in constant time, the lengths included (it compares hashes).
func same(a, b string) bool {
	x, y := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}

// StatusPage serves the status page: gather reads the report (it lists the
// jobs from the configuration even when the database is down), lang gives the
// configured language.
func StatusPage(gather func(ctx context.Context) *status.Report, lang func() string, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		var b bytes.Buffer
		if err := gather(ctx).WriteHTML(&b, lang()); err != nil {
			log.Error("status page", "err", err)
			http.Error(w, "status page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b.Bytes())
	})
}
