package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A message planned to be rendered when it is sent keeps its own inputs in
// its payload (delivery_payloads) and names its run's render set: what
// rendering takes that is the same for every message of the run (the
// templates as they were at planning, the language, the date, the
// envelope). The spec is the planner's to write and read; here it is text
// under an id, the hash of the text, written in the run's transaction.

// AddRenderSet keeps spec under id, once: a set already there is left as
// it is (the id is the hash of the spec).
func (tx *Tx) AddRenderSet(ctx context.Context, id, spec string, now time.Time) error {
	if _, err := tx.Exec(ctx, "render-set-add", id, spec, T(now)); err != nil {
		return fmt.Errorf("outbox: render set: %w", err)
	}
	return nil
}

// RenderSet returns the spec kept under id; ErrNoRows when there is none.
func (s *Store) RenderSet(ctx context.Context, id string) (string, error) {
	var spec string
	err := s.Get(ctx, &spec, "render-set-get", id)
	if errors.Is(err, ErrNoRows) {
		return "", ErrNoRows
	}
	if err != nil {
		return "", fmt.Errorf("outbox: render set %s: %w", id, err)
	}
	return spec, nil
}
