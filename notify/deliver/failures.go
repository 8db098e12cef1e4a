package deliver

import (
	"context"
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/store"
)

// Failure is a delivery that failed for good: a permanent refusal, or
// retries exhausted.
type Failure struct {
	ID            int64      `db:"id"`
	Job           string     `db:"job"`
	Recipient     string     `db:"recipient"`
	RecipientName string     `db:"recipient_name"`
	Subject       string     `db:"subject"`
	Attempts      int        `db:"attempts"`
	Reply         string     `db:"reply"` // the server's last answer, or the error
	Created       store.Time `db:"created_at"`
	FailedAt      store.Time `db:"failed_at"`
}

// FailedBetween lists the deliveries failed in [from, to), oldest first:
// what the daily notice to HR and the monthly digest report.
func FailedBetween(ctx context.Context, st *store.Store, from, to time.Time) ([]Failure, error) {
	var out []Failure
	if err := st.Select(ctx, &out, "failed-deliveries", store.T(from), store.T(to)); err != nil {
		return nil, fmt.Errorf("failed deliveries: %w", err)
	}
	return out, nil
}

// EachFailure calls fn with each delivery failed in [from, to), oldest
// first, reading them as it goes: after a relay's long outage they may be
// many.
func EachFailure(ctx context.Context, st *store.Store, from, to time.Time, fn func(Failure) error) error {
	err := store.Each(ctx, st, "failed-deliveries", []any{store.T(from), store.T(to)}, func(f *Failure) error { return fn(*f) })
	if err != nil {
		return fmt.Errorf("failed deliveries: %w", err)
	}
	return nil
}
