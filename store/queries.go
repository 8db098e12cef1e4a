package store

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Queries holds named SQL loaded from .sql files, listmonk-style: each query
// starts with a line "-- name: some-name". Files directly in the folder are
// shared by both dialects; files in its "sqlite" or "postgres" subfolder hold the
// queries whose SQL must differ and override shared ones of the same name.
// Placeholders are written "?" and rebound to "$1" for PostgreSQL.
type Queries struct {
	sql  map[string]string // rebound for the dialect
	raw  map[string]string // as written, with "?" (for sqlx.In)
	bind int
	bulk *sync.Map // bulkKey → multi-row statement
}

// LoadQueries reads the .sql files of dir in fsys for dialect d.
func LoadQueries(fsys fs.FS, dir string, d Dialect) (Queries, error) {
	q := Queries{sql: map[string]string{}, raw: map[string]string{}, bulk: &sync.Map{}}
	shared, err := readQueryDir(fsys, dir)
	if err != nil {
		return q, err
	}
	own, err := readQueryDir(fsys, path.Join(dir, string(d)))
	if err != nil {
		return q, err
	}
	bind := sqlx.QUESTION
	if d == Postgres {
		bind = sqlx.DOLLAR
	}
	q.bind = bind
	for _, set := range []map[string]string{shared, own} {
		for name, sql := range set {
			q.raw[name] = sql
			q.sql[name] = sqlx.Rebind(bind, sql)
		}
	}
	return q, nil
}

func readQueryDir(fsys fs.FS, dir string) (map[string]string, error) {
	out := map[string]string{}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if strings.Contains(err.Error(), "not exist") {
			return out, nil
		}
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := parseQueries(string(b), path.Join(dir, e.Name()), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseQueries(text, file string, out map[string]string) error {
	var name string
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		if _, dup := out[name]; dup {
			return fmt.Errorf("%s: query %q defined twice", file, name)
		}
		out[name] = strings.TrimSpace(body.String())
		body.Reset()
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20) // grown as needed: a line of a megabyte at most
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			name = strings.TrimSpace(n)
			continue
		}
		if name != "" {
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	return flush()
}

// Get returns the named query; an unknown name is a programming error.
func (q Queries) Get(name string) string {
	s, ok := q.sql[name]
	if !ok {
		panic(fmt.Sprintf("store: no query named %q", name))
	}
	return s
}

// Check prepares every query once, so a broken one stops tickler at start, not
// at 07:00 on the first of the month.
func (q Queries) Check(ctx context.Context, db *sqlx.DB) error {
	names := make([]string, 0, len(q.sql))
	for n := range q.sql {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.Contains(strings.ToUpper(q.raw[n]), "IN (?)") {
			continue // an IN list, expanded by In at run time
		}
		if spillQuery(q.raw[n]) || strings.HasPrefix(stripComments(q.raw[n]), "SET ") {
			continue // the spill exists during a run only; SET is not a statement to prepare
		}
		st, err := db.PrepareContext(ctx, q.sql[n])
		if err != nil {
			return fmt.Errorf("query %s: %w", n, err)
		}
		st.Close()
	}
	return nil
}

// In expands the slice arguments of the named query (an "IN (?)" list) with
// sqlx.In and rebinds the result for the dialect.
func (q Queries) In(name string, args ...any) (string, []any, error) {
	raw, ok := q.raw[name]
	if !ok {
		panic(fmt.Sprintf("store: no query named %q", name))
	}
	query, out, err := sqlx.In(raw, args...)
	if err != nil {
		return "", nil, err
	}
	return sqlx.Rebind(q.bind, query), out, nil
}

// bulkMarker precedes the VALUES tuple that Bulk repeats.
const bulkMarker = "/*rows*/"

// Bulk returns the named multi-row INSERT with its VALUES tuple (the
// parenthesised group after /*rows*/) repeated n times, rebound for the
// dialect: one statement, one round trip for n rows.
func (q Queries) Bulk(name string, n int) string {
	key := bulkKey{name, n}
	if s, ok := q.bulk.Load(key); ok {
		return s.(string)
	}
	raw, ok := q.raw[name]
	if !ok {
		panic(fmt.Sprintf("store: no query named %q", name))
	}
	i := strings.Index(raw, bulkMarker)
	if i < 0 {
		panic(fmt.Sprintf("store: query %q has no %s tuple", name, bulkMarker))
	}
	rest := raw[i+len(bulkMarker):]
	open := strings.IndexByte(rest, '(')
	depth, end := 0, -1
	for j := open; j < len(rest); j++ {
		switch rest[j] {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth == 0 {
			end = j + 1
			break
		}
	}
	tuple := rest[open:end]
	var b strings.Builder
	b.WriteString(raw[:i])
	for k := range n {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	b.WriteString(rest[end:])
	s := sqlx.Rebind(q.bind, b.String())
	q.bulk.Store(key, s)
	return s
}

type bulkKey struct {
	name string
	n    int
}
