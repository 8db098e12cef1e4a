package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A download's deadline: the server's WriteTimeout plus the list at
// ListFloorRate, at most ListMaxWrite, never less than the WriteTimeout;
// none when the server has no WriteTimeout.
func TestListDeadline(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		srv     *http.Server
		size    int
		want    time.Duration
		wantSet bool
	}{
		{"a 7 MB list", &http.Server{WriteTimeout: 15 * time.Second}, 7 << 20, 15*time.Second + 224*time.Second, true},
		{"an empty list", &http.Server{WriteTimeout: 15 * time.Second}, 0, 15 * time.Second, true},
		{"capped", &http.Server{WriteTimeout: 15 * time.Second}, 100 << 20, ListMaxWrite, true},
		{"a WriteTimeout over the cap", &http.Server{WriteTimeout: time.Hour}, 1 << 20, time.Hour, true},
		{"no WriteTimeout", &http.Server{}, 7 << 20, 0, false},
		{"no server", nil, 7 << 20, 0, false},
	} {
		r := httptest.NewRequest("GET", "/lists/x", nil)
		if c.srv != nil {
			r = r.WithContext(context.WithValue(r.Context(), http.ServerContextKey, c.srv))
		}
		got, ok := listDeadline(r, c.size, at)
		if ok != c.wantSet || ok && got.Sub(at) != c.want {
			t.Errorf("%s: %v after, set %t; want %v, %t", c.name, got.Sub(at), ok, c.want, c.wantSet)
		}
	}
}

// Accept-Encoding (RFC 9110, 12.5.3): gzip named with a weight above 0, or
// not named and "*" with one; gzip named with q=0 is refused even with "*".
func TestTakesGzip(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"gzip, deflate, br, zstd"}, true},
		{[]string{"deflate", "GZIP;q=0.5"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"identity"}, false},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*, gzip;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"br;q=1, *;q=0.1"}, true},
	} {
		r := httptest.NewRequest("GET", "/lists/x", nil)
		for _, h := range c.header {
			r.Header.Add("Accept-Encoding", h)
		}
		if got := takesGzip(r); got != c.want {
			t.Errorf("Accept-Encoding %q: takes gzip %v, want %v", c.header, got, c.want)
		}
	}
}
