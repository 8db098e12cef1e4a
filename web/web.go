// Package web serves the daemon's HTTP endpoints: /healthz (the process is
// alive), /readyz (the database answers), /metrics and a plain status page.
package web

import (
	"context"
	"net/http"
	"time"
)

// Server is the status HTTP server.
type Server struct {
	// Ping checks the database; /readyz answers 503 when it fails.
	Ping func(ctx context.Context) error
	// Status writes the HTML status page.
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
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := s.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unreachable\n"))
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
