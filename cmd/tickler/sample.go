package main

import (
	"context"
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/sample"
)

func cmdSample(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "sample", "sample -staff N -out DIR [-at DATE] [-seed S]")
	staff := fs.Int("staff", 0, "number of staff")
	out := fs.String("out", "", "folder to write the CSV files into")
	at := fs.String("at", "", "the date the sample is built around, YYYY-MM-DD (default today)")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *staff <= 0 || *out == "" {
		return usageErr("-staff N (> 0) and -out DIR are required")
	}
	day := civil.Of(time.Now())
	if *at != "" {
		d, err := civil.Parse(*at)
		if err != nil {
			return usageErr("-at: %v", err)
		}
		day = d
	}
	sum, err := sample.Generate(*out, sample.Options{Staff: *staff, At: day, Seed: *seed})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "wrote a sample agency around %s to %s: %v\n", day, *out, sum)
	return nil
}
