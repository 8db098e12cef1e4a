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

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/sample"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/web"
)

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
	var current atomic.Pointer[config.Config]
	current.Store(cfg)

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := fillSample(ctx, cfg, st, log); err != nil {
		return err
	}
	tmpl, err := notify.LoadTemplates(cfg.Mail.TemplatesDir)
	if err != nil {
		return configErr(err)
	}
	if err := jobs.RegisterRenderers(tmpl); err != nil {
		return err
	}
	deliverer, closeSender, err := newDeliverer(cfg, st, log)
	if err != nil {
		return configErr(err)
	}
	defer closeSender()

	sched := &jobs.Scheduler{
		Store: st, Runner: &jobs.Runner{Store: st, Templates: tmpl, Now: time.Now},
		Config: current.Load, Owner: ownerName(), Now: time.Now, Log: log,
		OnRun: func(string, time.Time, jobs.Result, error, time.Duration) { deliverer.Wake() },
	}

	var srv *http.Server
	if l := cfg.HTTP.Listen; l != "" && l != "off" {
		ln, err := net.Listen("tcp", l)
		if err != nil {
			return fmt.Errorf("http.listen: %w", err)
		}
		srv = &http.Server{Handler: (&web.Server{Ping: st.Ping}).Handler(), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		log.Info("http listening", "addr", ln.Addr().String())
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
				next, err := config.Load(g.configPath)
				if err != nil {
					log.Error("reload rejected; keeping the last good configuration", "err", err)
					continue
				}
				current.Store(next)
				log.Info("configuration reloaded")
				sched.Wake()
			}
		}
	}()

	log.Info("tickler started", "config", g.configPath, "database", cfg.Database.Driver, "transport", cfg.Mail.Transport, "owner", ownerName())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); deliverer.Run(ctx) }()
	go func() { defer wg.Done(); sched.Run(ctx) }()
	<-ctx.Done()
	log.Info("stopping: finishing work in flight")
	wg.Wait()
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("http shutdown", "err", err)
		}
	}
	log.Info("stopped")
	return nil
}

// fillSample generates and imports a sample agency when the config asks for
// one and the database has no staff yet (the demo).
func fillSample(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) error {
	if cfg.Sample.Staff <= 0 {
		return nil
	}
	var n int
	if err := st.DB.GetContext(ctx, &n, st.Q("count-staff")); err != nil {
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
