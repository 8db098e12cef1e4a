package notify

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
	if err := st.DB.SelectContext(ctx, &out, st.Q("failed-deliveries"), store.T(from), store.T(to)); err != nil {
		return nil, fmt.Errorf("failed deliveries: %w", err)
	}
	return out, nil
}

// EachFailure calls fn with each delivery failed in [from, to), oldest
// first, reading them as it goes: after a relay's long outage they may be
// many.
func EachFailure(ctx context.Context, st *store.Store, from, to time.Time, fn func(Failure) error) error {
	rows, err := st.DB.QueryxContext(ctx, st.Q("failed-deliveries"), store.T(from), store.T(to))
	if err != nil {
		return fmt.Errorf("failed deliveries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Failure
		if err := rows.StructScan(&f); err != nil {
			return fmt.Errorf("failed deliveries: %w", err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}
