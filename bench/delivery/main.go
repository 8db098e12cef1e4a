// Command delivery plans N course reminders into a fresh outbox and delivers
// them through the SMTP relay at -addr with tickler's own Planner, Deliverer
// and go-mail relay, and prints the rates. bench/delivery.sh runs it against
// postfix's smtp-sink, beside smtp-source sending the same messages.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/notifytest"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/notify/smtp"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

func main() {
	n := flag.Int("n", 100000, "messages")
	addr := flag.String("addr", "127.0.0.1:2525", "the SMTP sink")
	workers := flag.Int("workers", 4, "SMTP connections")
	batch := flag.Int("batch", 500, "rows claimed at once")
	driver := flag.String("db", "sqlite", "sqlite, or postgres (with TICKLER_TEST_POSTGRES)")
	eml := flag.String("eml", "", "write one planned message here (for smtp-source -F)")
	cpu := flag.String("cpuprofile", "", "write a CPU profile of the delivery here")
	null := flag.Bool("null", false, "accept every message without sending it (the database's own limit)")
	flag.Parse()
	if err := run(*n, *addr, *workers, *batch, *driver, *eml, *cpu, *null); err != nil {
		fmt.Fprintln(os.Stderr, "delivery bench:", err)
		os.Exit(1)
	}
}

// tb lets the benchmark use the test helpers that make a fresh database.
type tb struct {
	testing.TB
	dir      string
	cleanups []func()
}

func (t *tb) Helper()                   {}
func (t *tb) TempDir() string           { return t.dir }
func (t *tb) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *tb) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (t *tb) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *tb) Skipf(f string, a ...any)  { panic(fmt.Sprintf(f, a...)) }

func run(n int, addr string, workers, batch int, driver, eml, cpu string, null bool) error {
	dir, err := os.MkdirTemp("", "tickler-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	t := &tb{dir: dir}
	defer func() {
		for i := len(t.cleanups) - 1; i >= 0; i-- {
			t.cleanups[i]()
		}
	}()
	st := storetest.New(t, store.Dialect(driver))
	ctx := context.Background()

	began := time.Now()
	planner, err := notifytest.Planner(st, time.Now)
	if err != nil {
		return err
	}
	if _, err := planner.Plan(ctx, "course-reminders", notifytest.Slot, notifytest.Notices(n), false); err != nil {
		return err
	}
	planned := time.Since(began)

	env := message.Envelope{From: "Ban Tổ chức <tochuc@example.vn>", ReplyTo: "tochuc@example.vn", Loc: notifytest.Loc}
	// smtp-sink offers 8BITMIME: the relay sends 8-bit bodies, so does the sample.
	size, err := sample(st, eml)
	if err != nil {
		return err
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	port, _ := strconv.Atoi(portText)
	relay, err := smtp.New(smtp.Options{Host: host, Port: port, TLS: "none", Timeout: 30 * time.Second, Envelope: env})
	if err != nil {
		return err
	}
	defer relay.Close()
	var sender notify.Sender = relay
	if null {
		sender = nullSender{}
	}
	d := &deliver.Deliverer{
		Store: st, Sender: sender, Owner: "bench:1",
		Policy:  deliver.RetryPolicy{MaxAttempts: 8, Initial: time.Minute, Max: time.Hour},
		Workers: workers, BatchSize: batch, Lease: 2 * time.Minute, Timeout: 30 * time.Second,
		Log:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Render: (&plan.AtSend{Store: st}).Render,
	}
	var busy atomic.Int64 // time workers spent sending
	d.Observe = func(_ string, took time.Duration) { busy.Add(int64(took)) }
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	began = time.Now()
	out, err := d.Drain(ctx)
	delivered := time.Since(began)
	if err != nil {
		return err
	}
	if out.Sent != n {
		return fmt.Errorf("sent %d of %d (%+v)", out.Sent, n, out)
	}
	fmt.Printf("database %s, %d messages of %d bytes, %d connections, batches of %d\n", driver, n, size, workers, batch)
	fmt.Printf("plan:     %6.2fs  %8.0f msgs/s\n", planned.Seconds(), float64(n)/planned.Seconds())
	fmt.Printf("deliver:  %6.2fs  %8.0f msgs/s\n", delivered.Seconds(), float64(n)/delivered.Seconds())
	fmt.Printf("workers busy sending %.0f%% of the time\n", 100*float64(busy.Load())/float64(workers)/float64(delivered))
	fmt.Printf("together: %6.2fs  %8.0f msgs/s\n", (planned + delivered).Seconds(), float64(n)/(planned+delivered).Seconds())
	fmt.Printf("RESULT deliver_rate=%.0f plan_rate=%.0f size=%d\n", float64(n)/delivered.Seconds(), float64(n)/planned.Seconds(), size)
	return nil
}

// sample returns the size of the first planned message as it goes on the
// wire (kept by the outbox, or rendered as the deliverer renders it), and
// writes it to path (if set).
func sample(st *store.Store, path string) (int, error) {
	ctx := context.Background()
	var first int64
	if err := st.GetSQL(ctx, &first, `SELECT min(id) FROM deliveries`); err != nil {
		return 0, err
	}
	r, err := st.Delivery(ctx, strconv.FormatInt(first, 10))
	if err != nil {
		return 0, err
	}
	m, err := deliver.MessageOf(r)
	if err != nil {
		return 0, err
	}
	wire := m.Wire
	if len(wire) == 0 {
		if wire, err = (&plan.AtSend{Store: st}).Show(ctx, m); err != nil {
			return 0, err
		}
	}
	if path != "" {
		// smtp-source -F adds CRLF to each line: give it bare lines.
		text := strings.ReplaceAll(string(wire), "\r\n", "\n")
		if err := os.WriteFile(filepath.Clean(path), []byte(text), 0o600); err != nil {
			return 0, err
		}
	}
	return len(wire), nil
}

// nullSender accepts every message at once.
type nullSender struct{}

func (nullSender) Send(context.Context, *notify.Message) (notify.Sent, bool, error) {
	return notify.Sent{Reply: "250 2.0.0 Ok: dropped"}, false, nil
}
