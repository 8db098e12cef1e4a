package answers_test

import (
	"context"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// Where the links' secret comes from: the file's when given; else the
// database's, made once by the first process that may make it; a dry run
// makes none and signs with a throwaway one.
func TestLoadSigner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
		claims := answers.Claims{Obligation: "training/1", StaffCode: "A", Expires: now.Add(time.Hour)}
		count := func() int {
			var n int
			if err := st.GetSQL(ctx, &n, "SELECT count(*) FROM secrets"); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// A dry run before any secret: it signs, and keeps nothing.
		dry, err := answers.LoadSigner(ctx, st, nil, false, now)
		if err != nil {
			t.Fatal(err)
		}
		if count() != 0 {
			t.Fatal("a dry run kept a secret")
		}
		// The daemon makes it; a later run, dry or not, signs the same.
		first, err := answers.LoadSigner(ctx, st, nil, true, now)
		if err != nil {
			t.Fatal(err)
		}
		tok := first.Sign(claims)
		for _, create := range []bool{true, false} {
			again, err := answers.LoadSigner(ctx, st, nil, create, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := again.Verify(tok, now); err != nil {
				t.Errorf("create=%v: a token of the kept secret: %v", create, err)
			}
		}
		if _, err := dry.Verify(tok, now); err == nil {
			t.Error("the dry run's throwaway secret verifies the kept one's tokens")
		}
		// A secret file wins over the database.
		file, err := answers.LoadSigner(ctx, st, []byte("from-the-file-0123456789"), true, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := file.Verify(tok, now); err == nil {
			t.Error("the file's secret verifies the database's tokens")
		}
		if count() != 1 {
			t.Errorf("%d secrets kept, want 1", count())
		}
	})
}
