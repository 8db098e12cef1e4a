package main

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
)

func cmdCheck(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "check", "check [-from TIME]")
	from := fs.String("from", "", "show the runs after TIME (default now)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	start := time.Now()
	if *from != "" {
		if start, err = parseTime(*from, cfg.Location); err != nil {
			return usageErr("-from: %v", err)
		}
	}
	fmt.Fprintf(g.stdout, "%s: configuration is valid\n", g.configPath)
	fmt.Fprintf(g.stdout, "time zone %s, language %s, database %s, mail %s\n\n", cfg.Location, cfg.Language, cfg.Database.Driver, cfg.Mail.Transport)
	for _, name := range config.JobNames {
		sc, ok := cfg.Job(name)
		if !ok {
			continue
		}
		switch {
		case !sc.IsEnabled():
			fmt.Fprintf(g.stdout, "%-18s disabled\n", name)
			continue
		case !jobs.Implemented(name):
			fmt.Fprintf(g.stdout, "%-18s not in this build\n", name)
			continue
		}
		sched, err := cron.ParseStandard(sc.Cron)
		if err != nil {
			return configErr(fmt.Errorf("jobs.%s.schedule: %w", name, err))
		}
		fmt.Fprintf(g.stdout, "%-18s %-16q catch-up %-5s next:", name, sc.Cron, sc.CatchupWindow)
		t := start.In(sc.Location)
		for range 3 {
			t = sched.Next(t)
			fmt.Fprintf(g.stdout, "  %s", t.Format("2006-01-02 15:04 -07:00"))
		}
		fmt.Fprintf(g.stdout, "  (%s)\n", sc.Location)
	}
	return nil
}
