package store_test

import (
	"context"
	"testing"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// Migrations apply on both dialects, twice without harm, and every query prepares.
func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		var n int
		if err := st.DB.Get(&n, st.Q("count-staff")); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("fresh database has %d staff", n)
		}
	})
}
