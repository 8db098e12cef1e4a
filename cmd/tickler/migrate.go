package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "migrate", "migrate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(g.stdout, "database %s is up to date\n", cfg.Database.Driver)
	return nil
}
