package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// EnvSQLLog names a variable that, when set to a file path, makes every store
// opened by this process append each read it runs (SELECT or WITH, with its
// parameters filled in) to that file. The benchmarks in bench/ run the file
// with psql to measure the bare SQL of a job beside tickler running the job.
const EnvSQLLog = "TICKLER_SQL_LOG"

var (
	sqlLogOnce sync.Once
	sqlLogFile *os.File
	sqlLogMu   sync.Mutex
)

// driverName returns the database/sql driver for a dialect: the plain one, or
// its recording wrapper when TICKLER_SQL_LOG is set.
func driverName(d Dialect) string {
	path := os.Getenv(EnvSQLLog)
	if path == "" {
		return map[Dialect]string{SQLite: "sqlite", Postgres: "postgres"}[d]
	}
	sqlLogOnce.Do(func() {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", EnvSQLLog, err)
			return
		}
		sqlLogFile = f
		sql.Register("sqlite-recorded", recordingDriver{&sqlite.Driver{}, SQLite})
		sql.Register("postgres-recorded", recordingDriver{&pq.Driver{}, Postgres})
	})
	if sqlLogFile == nil {
		return map[Dialect]string{SQLite: "sqlite", Postgres: "postgres"}[d]
	}
	return string(d) + "-recorded"
}

type recordingDriver struct {
	driver.Driver
	dialect Dialect
}

func (d recordingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.Driver.Open(name)
	if err != nil {
		return nil, err
	}
	return recordingConn{c, d.dialect}, nil
}

// recordingConn passes everything to the driver's connection and writes the
// reads it sees to the log.
type recordingConn struct {
	driver.Conn
	dialect Dialect
}

// OwnWork begins a query that is tickler's own bookkeeping rather than a
// read of the records (a run's spilled notices, ids for the outbox): the
// log leaves it out, so that the benchmarks' bare scan is the records' scan.
const OwnWork = "/* own work */"

func (c recordingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if strings.HasPrefix(strings.TrimSpace(query), OwnWork) {
		return c.query(ctx, query, args)
	}
	// The named queries begin with their doc comment; the log keeps the SQL
	// alone, each on one line for psql to run.
	q := stripComments(query)
	if head := strings.ToUpper(q); strings.HasPrefix(head, "SELECT") || strings.HasPrefix(head, "WITH") {
		record(c.dialect, q, args)
	}
	return c.query(ctx, query, args)
}

func (c recordingConn) query(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c recordingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c recordingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c recordingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the driver has no BeginTx
}

func (c recordingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c recordingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// stripComments removes "--" comments (to the end of their line) outside
// quoted strings and identifiers, and joins the lines with spaces.
func stripComments(q string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			for i < len(q) && q[i] != '\n' {
				i++
			}
			c = ' '
		}
		if c == '\n' || c == '\r' || c == '\t' {
			c = ' '
		}
		b.WriteByte(c)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

var dollar = regexp.MustCompile(`\$\d+`)

// record writes query with its arguments as SQL literals, ending in ";".
func record(d Dialect, query string, args []driver.NamedValue) {
	lit := make([]string, len(args))
	for i, a := range args {
		lit[i] = literal(a.Value)
	}
	query = strings.TrimRight(strings.TrimSpace(inline(d, query, lit)), ";")
	sqlLogMu.Lock()
	defer sqlLogMu.Unlock()
	fmt.Fprintf(sqlLogFile, "%s;\n", query)
}

// Inline returns query (in the dialect's placeholder style, as SQL returns
// it) with args written in place of its placeholders as SQL literals: what
// psql can run to do exactly what tickler did (`tickler digest -sql`).
func (s *Store) Inline(query string, args []any) string {
	lit := make([]string, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if vr, ok := a.(driver.Valuer); ok {
			v, err = vr.Value()
		}
		if err != nil {
			v = fmt.Sprint(a)
		}
		lit[i] = literal(v)
	}
	return inline(s.Dialect, query, lit)
}

// inline puts the literals in place of the placeholders: $1… on
// PostgreSQL, ? in order on SQLite.
func inline(d Dialect, query string, lit []string) string {
	at := func(i int) string {
		if i < 0 || i >= len(lit) {
			return "NULL"
		}
		return lit[i]
	}
	if d == Postgres {
		return dollar.ReplaceAllStringFunc(query, func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			return at(n - 1)
		})
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			b.WriteString(at(n))
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func literal(v driver.Value) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []byte:
		return "'" + strings.ReplaceAll(string(x), "'", "''") + "'"
	case time.Time:
		return "'" + x.UTC().Format(timeLayout) + "'"
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}
