package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tickler-dev/tickler/answers"
)

// Public is the public server (http.public_listen): the answer pages under
// /ack/, the long messages' whole lists under /lists/ and /healthz, nothing
// else, with no credential (the token in an
// answer link is one). The status page, /readyz and /metrics are not
// served here, and /ack/ is not served by the status server: only this
// listener needs to be reachable from outside.
type Public struct {
	// Answers serves /ack/{token}.
	Answers http.Handler
	// Lists serves /lists/{token}, the whole lists that long messages link
	// to (AnswerPage.ServeList); nil: not served.
	Lists http.Handler
	// Proxies are the reverse proxies whose X-Forwarded-For names the
	// client (http.trusted_proxies).
	Proxies []netip.Prefix
	// Limit is each client's rate of requests, Burst how many may come at
	// once (defaults PublicRate and PublicBurst).
	Limit rate.Limit
	Burst int
	// Now is the limiter's clock (default time.Now).
	Now func() time.Time
	Log *slog.Logger
}

// Limits of the public server: each client address (an IPv6 client's /64)
// may make PublicBurst requests at once and PublicRate a second after
// that; a request body may hold MaxBody bytes.
const (
	PublicBurst = 10
	PublicRate  = rate.Limit(20.0 / 60)
	MaxBody     = 16 << 10
	// maxClients bounds the limiter's memory: beyond it, a new address is
	// refused until idle ones are forgotten.
	maxClients = 100_000
	// forgetAfter is how long an address's limiter outlives its last request.
	forgetAfter = 10 * time.Minute
)

// publicPolicy lets an answer page load nothing but its own style sheet,
// send its forms only to itself, and be framed by no one.
var publicPolicy = "default-src 'none'; style-src " + answerStyle + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Handler returns the public routes, rate-limited per client, bodies
// capped, every answer with the security headers.
func (p *Public) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET "+answers.Path+"{token}", p.Answers)
	mux.Handle("POST "+answers.Path+"{token}", p.Answers)
	if p.Lists != nil {
		// GET matches HEAD too: ServeList answers it without the list.
		mux.Handle("GET "+answers.ListPath+"{token}", p.Lists)
	}
	limit, burst, now := p.Limit, p.Burst, p.Now
	if limit == 0 {
		limit = PublicRate
	}
	if burst == 0 {
		burst = PublicBurst
	}
	if now == nil {
		now = time.Now
	}
	lim := &limiter{limit: limit, burst: burst, now: now, clients: map[netip.Addr]*client{}}
	return p.client(publicHeaders(p.recovered(lim.guard(capBody(mux)))))
}

// publicHeaders sets the security headers of the public server.
func publicHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", publicPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex, nofollow")
		next.ServeHTTP(w, r)
	})
}

// capBody refuses to read more than MaxBody bytes of a request.
func capBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		next.ServeHTTP(w, r)
	})
}

// recovered turns a panic into a plain 500 page and a log line: no stack
// trace reaches the client.
func (p *Public) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				if p.Log != nil {
					p.Log.Error("public server: panic", "path", r.URL.Path, "panic", v)
				}
				http.Error(w, "500 internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type clientKey struct{}

// client finds the request's client address (ClientAddr) once.
func (p *Public) client(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr := clientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), p.Proxies)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, addr)))
	})
}

// ClientAddr is the address of the request's client: the peer's, or, when
// the peer is a trusted proxy, the one its X-Forwarded-For names (Public).
func ClientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientKey{}).(netip.Addr); ok && a.IsValid() {
		return a.String()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddr is the client of a request from peer: the peer itself, unless
// it is a trusted proxy; then the last address of X-Forwarded-For that is
// not a trusted proxy (the first one a proxy of ours was told of), or the
// first when all are. A header that does not parse is ignored.
func clientAddr(peer string, forwarded []string, proxies []netip.Prefix) netip.Addr {
	ap, err := netip.ParseAddrPort(peer)
	if err != nil {
		return netip.Addr{}
	}
	addr := ap.Addr().Unmap()
	if !trusted(addr, proxies) || len(forwarded) == 0 {
		return addr
	}
	var hops []netip.Addr
	for _, h := range forwarded {
		for _, part := range strings.Split(h, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(part))
			if err != nil {
				return addr
			}
			hops = append(hops, a.Unmap())
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		if !trusted(hops[i], proxies) {
			return hops[i]
		}
	}
	if len(hops) > 0 {
		return hops[0]
	}
	return addr
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// limiter keeps a token bucket per client address.
type limiter struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	clients   map[netip.Addr]*client
	lastSweep time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// guard answers 429 to a client over its rate.
func (l *limiter) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr, _ := r.Context().Value(clientKey{}).(netip.Addr)
		if !l.allow(addr) {
			w.Header().Set("Retry-After", strconv.Itoa(int(max(1, 1/float64(l.limit)))))
			http.Error(w, "429 too many requests: try again in a few minutes", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allow takes one request of addr's bucket (an IPv6 address's /64).
func (l *limiter) allow(addr netip.Addr) bool {
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		addr = p.Addr()
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		for a, c := range l.clients {
			if now.Sub(c.seen) > forgetAfter {
				delete(l.clients, a)
			}
		}
		l.lastSweep = now
	}
	c, ok := l.clients[addr]
	if !ok {
		if len(l.clients) >= maxClients {
			return false
		}
		c = &client{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[addr] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}
