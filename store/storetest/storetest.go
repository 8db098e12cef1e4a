// Package storetest gives tests a real, migrated, isolated database: a fresh
// SQLite file, and (when TICKLER_TEST_POSTGRES is set) a fresh PostgreSQL schema
// dropped at cleanup. Each runs one test body against both.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/store"
)

// EnvPostgres names the variable holding a PostgreSQL DSN for tests, e.g.
// postgres://localhost/tickler_test?sslmode=disable. Unset: PostgreSQL tests skip.
const EnvPostgres = "TICKLER_TEST_POSTGRES"

// Each runs fn once per available dialect, as subtests "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a migrated store of dialect d, closed and removed at cleanup. For
// PostgreSQL without TICKLER_TEST_POSTGRES it skips the test, saying so.
func New(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	driver, dsn := DSN(t, d)
	ctx := context.Background()
	st, err := store.Open(ctx, driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return st
}

// DSN returns a driver and DSN for a fresh, empty database of dialect d (not
// migrated), removed at cleanup. Tests of the binary pass it in a config.
func DSN(t testing.TB, d store.Dialect) (driver, dsn string) {
	t.Helper()
	switch d {
	case store.SQLite:
		return "sqlite", filepath.Join(t.TempDir(), "tickler.db")
	case store.Postgres:
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skipf("PostgreSQL test skipped: set %s to a PostgreSQL DSN to run it", EnvPostgres)
		}
		schema := "t_" + randomHex(6)
		admin, err := store.Open(context.Background(), "postgres", base)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		defer admin.Close()
		if _, err := admin.ExecSQL(context.Background(), "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			admin, err := store.Open(context.Background(), "postgres", base)
			if err != nil {
				return
			}
			defer admin.Close()
			admin.ExecSQL(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		})
		return "postgres", WithSearchPath(base, schema)
	}
	t.Fatalf("unknown dialect %s", d)
	return "", ""
}

// WithSearchPath returns the PostgreSQL DSN dsn with its search_path set to schema.
func WithSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return fmt.Sprintf("%s search_path=%s", dsn, schema)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
