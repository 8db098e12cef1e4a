// Package web serves the daemon's HTTP endpoints: /healthz (the process is
// alive), /readyz (the database answers), /metrics and a plain status page.
package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"time"

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
	return mux
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
