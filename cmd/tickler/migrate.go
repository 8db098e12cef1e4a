package main

import (
	"context"
	"fmt"
	"strings"
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
	if len(st.Applied) == 0 {
		fmt.Fprintf(g.stdout, "database %s is up to date (version %d)\n", cfg.Database.Driver, st.Version)
		return nil
	}
	versions := make([]string, len(st.Applied))
	for i, v := range st.Applied {
		versions[i] = fmt.Sprint(v)
	}
	fmt.Fprintf(g.stdout, "database %s: applied %d migrations (%s), now at version %d\n",
		cfg.Database.Driver, len(st.Applied), strings.Join(versions, ", "), st.Version)
	return nil
}
