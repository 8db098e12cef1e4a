package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
)

// loadConfig reads the configuration; an error is a config error (exit 2).
func loadConfig(g *globals) (*config.Config, error) {
	cfg, err := config.Load(g.configPath)
	if err != nil {
		return nil, configErr(g.noConfig(err))
	}
	return cfg, nil
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.Database.Driver, cfg.Database.DSN.Reveal())
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	return st, nil
}

// openExistingStore is openStore for the commands that read what is there
// (run, status, digest): an SQLite file that does not exist is a mistyped
// database.dsn, not an empty agency, so it is an error instead of a new file.
func openExistingStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if err := store.MustExist(cfg.Database.Driver, cfg.Database.DSN.Reveal()); err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return openStore(ctx, cfg)
}

// parseTime reads TIME: YYYY-MM-DD (midnight) or YYYY-MM-DDTHH:MM, in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, nil
	}
	if d, err := civil.Parse(s); err == nil && strings.Count(s, "-") == 2 {
		return d.Time(loc), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a TIME (want YYYY-MM-DD or YYYY-MM-DDTHH:MM)", s)
}

// ownerName names this process in leases: host and pid.
func ownerName() string {
	h, _ := os.Hostname()
	if h == "" {
		h = "tickler"
	}
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}
