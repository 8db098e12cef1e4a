package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/metrics"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/web"
)

// cmdServe runs the daemon. Shutdown order on SIGTERM or SIGINT: stop taking
// work, let runs and sends in flight finish (the scheduler waits at most its
// Grace), stop HTTP, close the database.
func cmdServe(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "serve", "serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(g.stderr, nil))
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	owner := ownerName()
	opts := g.serve
	for _, w := range cfg.AllWarnings() {
		log.Warn("configuration", "warning", w)
	}

	// SQLite has one writer and no way to share slots: one serve per file.
	lock, err := store.LockServe(cfg.Database.Driver, cfg.Database.DSN.Reveal(), owner, time.Now())
	if err != nil {
		return err
	}
	defer lock.Release()

	conf := config.NewReloader(g.configPath, cfg, log)

	// Open does not connect: the daemon starts when the database is down, and
	// is not ready until it answers.
	st, err := store.Open(ctx, cfg.Database.Driver, cfg.Database.DSN.Reveal())
	if err != nil {
		return configErr(fmt.Errorf("database: %w", err))
	}
	defer st.Close()
	var migrated atomic.Bool
	errNotYet := errors.New("database not reached yet since start")

	tmpl, err := jobs.Templates(cfg.Mail.TemplatesDir)
	if err != nil {
		return configErr(err)
	}
	deliverer, closeSender, err := deliver.FromConfig(cfg, st, owner, log)
	if err != nil {
		return configErr(err)
	}
	defer closeSender()

	m := metrics.New(func(ctx context.Context) (metrics.Stored, error) {
		if !migrated.Load() {
			return metrics.Stored{}, errNotYet
		}
		return status.Stored(ctx, st)
	}, log)
	m.JobsKnown(config.JobNames)
	m.ConfigLoaded(true, time.Now())
	conf.Subscribe(func(ok bool) { m.ConfigLoaded(ok, time.Now()) })
	deliverer.Observe = m.Delivered

	// The daemon only counts a run's messages: it holds none of them.
	runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now}
	execute := func(ctx context.Context, cfg *config.Config, name string, slot time.Time) (scheduler.Result, error) {
		job, err := jobs.Lookup(name)
		if err != nil {
			return scheduler.Result{Job: name, Slot: slot}, err
		}
		if opts.Hold != nil {
			if err := opts.Hold(ctx, name); err != nil {
				return scheduler.Result{Job: name, Slot: slot}, err
			}
		}
		return runner.Execute(ctx, cfg, job, slot, false)
	}
	sched := &scheduler.Scheduler{
		Store: st, Runner: runner, Execute: execute, Config: conf.Current, Owner: owner,
		Now: time.Now, Log: log, Observer: m, OnRun: func(string) { deliverer.Wake() },
		Tick: opts.Tick, Lease: opts.Lease,
	}

	ready := func(ctx context.Context) error {
		if !migrated.Load() {
			return errNotYet
		}
		return st.Ping(ctx)
	}
	var srv *http.Server
	if cfg.HTTP.Enabled() {
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("http.listen: %w", err)
		}
		page := web.StatusPage(func(ctx context.Context) *status.Report {
			if !migrated.Load() {
				r, _ := status.Gather(ctx, nil, conf.Current(), time.Now(), jobs.Implemented)
				return r
			}
			r, _ := status.Gather(ctx, st, conf.Current(), time.Now(), jobs.Implemented)
			return r
		}, func() string { return conf.Current().Language }, log)
		srv = &http.Server{
			Handler:           (&web.Server{Ready: ready, Metrics: m.Handler(), Status: page, Auth: web.NewAuth(cfg.HTTP.Auth)}).Handler(),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go srv.Serve(ln)
		log.Info("http listening", "addr", ln.Addr().String())
	}

	// The public listener (/ack/ and /healthz) is bound at start, like
	// http.listen; its pages answer 503 until the database is ready and the
	// links' secret is read.
	var answerPage atomic.Pointer[web.AnswerPage]
	var public *http.Server
	if cfg.HTTP.PublicEnabled() {
		if public, err = publicServer(cfg, &answerPage, log); err != nil {
			return err
		}
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if conf.Reload() == nil {
					sched.Wake()
				}
			}
		}
	}()

	log.Info("tickler started", "config", g.configPath, "database", cfg.Database.Driver, "transport", cfg.Mail.Transport, "owner", owner)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if !waitForDatabase(ctx, cfg, st, log) {
			return
		}
		migrated.Store(true)
		if cfg.HTTP.PublicURL != "" || cfg.HTTP.PublicEnabled() {
			signer, err := answers.LoadSigner(ctx, st, []byte(cfg.HTTP.LinkSecret.Reveal()), true, time.Now())
			if err != nil {
				log.Error("answer links: no secret to sign them with; reminders go without links", "err", err)
			} else {
				runner.Signer = signer
				answerPage.Store(&web.AnswerPage{Store: st, Signer: signer, Now: time.Now, Log: log,
					Lang: func() string { return conf.Current().Language }, Loc: func() *time.Location { return conf.Current().Location }})
			}
		}
		var work sync.WaitGroup
		work.Add(2)
		go func() { defer work.Done(); deliverer.Run(ctx) }()
		go func() { defer work.Done(); sched.Run(ctx) }()
		work.Wait()
	}()
	<-ctx.Done()
	log.Info("stopping: no new work; finishing what is in flight")
	wg.Wait()
	for _, s := range []*http.Server{srv, public} {
		if s == nil {
			continue
		}
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := s.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("http shutdown", "err", err)
		}
	}
	if err := st.Close(); err != nil {
		log.Warn("close database", "err", err)
	}
	log.Info("stopped")
	return nil
}

// waitForDatabase migrates (and fills the demo sample) until it works or ctx
// ends, logging the outage once. It reports whether the database is ready.
func waitForDatabase(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) bool {
	wait := 500 * time.Millisecond
	logged := false
	for {
		err := st.Migrate(ctx)
		if err == nil {
			err = fillSample(ctx, cfg, st, log)
		}
		if err == nil {
			if logged {
				log.Info("database reachable; starting the scheduler and delivery")
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if !logged {
			log.Error("database unreachable at start; tickler keeps trying and reports not ready until it answers", "err", err)
			logged = true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// serveOptions are settings of the daemon that only its tests change (the
// tests run it from the test binary, cmd/tickler/main_test.go): a scheduler
// that looks at the clock more often, leases short enough to expire within a
// test, and a run held once claimed, to be killed or raced mid-way. Zero
// values are the daemon's own.
type serveOptions struct {
	Tick, Lease time.Duration
	// Hold, when set, is called after a slot of job is claimed and before
	// its job runs; an error fails the run.
	Hold func(ctx context.Context, job string) error
}

// fillSample generates and imports a sample agency when the config asks for
// one and the database has no staff yet (the demo).
func fillSample(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) error {
	if cfg.Sample.Staff <= 0 {
		return nil
	}
	var n int
	if err := st.Get(ctx, &n, "count-staff"); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "tickler-sample-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	today := civil.In(time.Now(), cfg.Location)
	if _, err := sample.Generate(dir, sample.Options{Staff: cfg.Sample.Staff, At: today, Seed: cfg.Sample.Seed}); err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	if _, err := importer.Import(ctx, st, []string{filepath.Clean(dir)}, importer.Options{TermYears: cfg.Rules.TermYears}); err != nil {
		return fmt.Errorf("sample import: %w", err)
	}
	log.Info("database was empty: imported a sample agency", "staff", cfg.Sample.Staff, "around", today.String())
	return nil
}

// publicServer starts the public listener (http.public_listen): the answer
// pages and the long messages' lists, through page once the database is
// ready, and /healthz; nothing of the status server's.
func publicServer(cfg *config.Config, page *atomic.Pointer[web.AnswerPage], log *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", cfg.HTTP.PublicListen)
	if err != nil {
		return nil, fmt.Errorf("http.public_listen: %w", err)
	}
	// ready serves through the answer page once the database is ready.
	ready := func(serve func(*web.AnswerPage, http.ResponseWriter, *http.Request)) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if p := page.Load(); p != nil {
				serve(p, w, r)
				return
			}
			w.Header().Set("Retry-After", "30")
			http.Error(w, "503 service unavailable: starting; try again in a minute", http.StatusServiceUnavailable)
		})
	}
	answersH, listsH := ready((*web.AnswerPage).ServeHTTP), ready((*web.AnswerPage).ServeList)
	srv := &http.Server{
		Handler:           (&web.Public{Answers: answersH, Lists: listsH, Proxies: cfg.HTTP.Proxies(), Log: log}).Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second, // a list download stretches it to its size (web.ListFloorRate)
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	go srv.Serve(ln)
	log.Info("answer pages listening (http.public_listen)", "addr", ln.Addr().String(), "public_url", cfg.HTTP.PublicURL)
	return srv, nil
}
