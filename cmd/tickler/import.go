package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/tickler-dev/tickler/store/importer"
)

func cmdImport(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "import", "import PATH...")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("which files? (tickler import PATH...)")
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
	rep, err := importer.Import(ctx, st, fs.Args(), importer.Options{TermYears: cfg.Rules.TermYears})
	var bad *importer.Error
	if errors.As(err, &bad) {
		// Bad rows: the input must be fixed (exit 2); nothing was written.
		return &exitError{2, fmt.Errorf("nothing was imported:\n%w", err)}
	}
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	fmt.Fprintln(g.stdout, rep.String())
	return nil
}
