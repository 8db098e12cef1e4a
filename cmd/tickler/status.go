package main

import (
	"context"
	"time"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/status"
)

func cmdStatus(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "status", "status")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	st, err := openExistingStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := status.Gather(ctx, st, cfg, time.Now(), jobs.Implemented)
	if err != nil {
		return err
	}
	r.WriteText(g.stdout)
	return nil
}
