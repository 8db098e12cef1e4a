package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/schedule"
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
	// The templates are part of what serve loads: a broken one in
	// mail.templates_dir must fail here too (systemd's reload runs check).
	tmpl, err := jobs.Templates(cfg.Mail.TemplatesDir)
	if err != nil {
		return configErr(fmt.Errorf("mail.templates_dir: %w", err))
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
		spec := sc.Spec()
		days := "every day"
		if sc.OnWorkingDays() && cfg.Calendar.Days() != nil {
			days = "working days"
		}
		fmt.Fprintf(g.stdout, "%-18s %-16q catch-up %-5s overlap %-5s %s (%s)\n", name, sc.Cron, sc.CatchupWindow, sc.Overlap, days, sc.Location)
		// The runs are computed as the scheduler computes them: a wall-clock
		// job runs once on each day, daylight-saving days included, and a
		// slot on a day off on the next working day.
		t := start
		for range 3 {
			t = schedule.Next(spec, sc.Location, t)
			if t.IsZero() {
				fmt.Fprintf(g.stdout, "    no run within five years\n")
				break
			}
			note := ""
			if schedule.Shifted(spec, sc.Location, t) {
				note = "  (the scheduled time does not exist that day: daylight saving skips it)"
			}
			note += movedNote(schedule.Moved(spec, t, "en"))
			fmt.Fprintf(g.stdout, "    %s%s\n", runTime(t), note)
		}
	}
	for _, w := range cfg.AllWarnings() {
		fmt.Fprintf(g.stdout, "warning: %s\n", w)
	}
	// A template of the agency's own that tickler cannot run compiled
	// works the same, only slower: said, not a warning.
	for _, part := range tmpl.Uncompiled() {
		fmt.Fprintf(g.stdout, "note: template %s (runs through Go's templates, about half as fast)\n", part)
	}
	return nil
}

// movedNote says which slots a run stands for that fell on days off.
func movedNote(moved []schedule.MovedSlot) string {
	if len(moved) == 0 {
		return ""
	}
	var days []string
	for _, m := range moved {
		days = append(days, m.From.Format("Mon 01-02")+" ("+m.Why+")")
	}
	return "  (moved from " + strings.Join(days, ", ") + ": days off)"
}

// runTime prints a run's time with its offset, and the zone's abbreviation
// where it has a name of its own (EST, CET), not just the offset again.
func runTime(t time.Time) string {
	s := t.Format("Mon 2006-01-02 15:04 -07:00")
	if abbr := t.Format("MST"); abbr[0] != '+' && abbr[0] != '-' {
		s += " " + abbr
	}
	return s
}
