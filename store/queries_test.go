package store

import (
	"strings"
	"testing"
)

// Bulk repeats the marked VALUES tuple and numbers the placeholders on.
func TestBulk(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		q, err := LoadQueries(queryFiles, "queries", d)
		if err != nil {
			t.Fatal(err)
		}
		got := q.Bulk("insert-delivery-items", 3)
		want := map[Dialect]string{
			SQLite:   "VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?);",
			Postgres: "VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12), ($13, $14, $15, $16, $17, $18);",
		}[d]
		if !strings.HasSuffix(got, want) {
			t.Errorf("%s: got %q, want it to end in %q", d, got, want)
		}
		if n := strings.Count(q.Bulk("insert-deliveries", 2), "'pending'"); n != 2 {
			t.Errorf("insert-deliveries for 2 rows has %d tuples", n)
		}
	}
}
