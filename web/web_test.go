package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/web"
)

// /readyz answers 503 when the check fails or hangs past its timeout, 200
// when it passes; /healthz answers 200 whatever the database does.
func TestReadyz(t *testing.T) {
	tests := []struct {
		name  string
		ready func(ctx context.Context) error
		want  int
	}{
		// The database answers.
		{"up", func(ctx context.Context) error { return nil }, 200},
		// The database refuses.
		{"down", func(ctx context.Context) error { return errors.New("connection refused") }, 503},
		// The database hangs: the timeout turns it into a 503.
		{"hangs", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer((&web.Server{Ready: tt.ready, ReadyTimeout: 100 * time.Millisecond}).Handler())
			defer srv.Close()
			for path, want := range map[string]int{"/readyz": tt.want, "/healthz": 200} {
				resp, err := http.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("%s: %d %q, want %d", path, resp.StatusCode, b, want)
				}
				if path == "/readyz" && want == 503 && !strings.Contains(string(b), "not ready") {
					t.Errorf("%s body %q", path, b)
				}
			}
		})
	}
}
