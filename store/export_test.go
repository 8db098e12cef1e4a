package store

import (
	"context"
	"strings"
	"time"
)

// SpillReadPlan is PostgreSQL's plan for the spill's read (Spill.Read) with
// these parameters, as EXPLAIN prints it: what the tests check its shape by.
func SpillReadPlan(ctx context.Context, sp *Spill, keyPrefix, recipient string, seq int64, limit int) (string, error) {
	var lines []string
	q := "EXPLAIN " + sp.tx.s.queries.Get("read-spill")
	if err := sp.tx.tx.SelectContext(ctx, &lines, q, keyPrefix, recipient, seq, limit); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// ClaimPlan is PostgreSQL's plan for a claim of n rows due at now, as
// EXPLAIN prints it.
func ClaimPlan(ctx context.Context, s *Store, now time.Time, n int) (string, error) {
	var lines []string
	q := "EXPLAIN " + s.queries.Get("claim-deliveries")
	if err := s.w.SelectContext(ctx, &lines, q, "worker", T(now.Add(time.Minute)), T(now), n); err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}
