package main

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/digest"
)

func cmdDigest(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "digest", "digest [-month YYYY-MM] [-unit CODE] [-format text|json|html] [-out FILE] [-sql FILE]")
	monthFlag := fs.String("month", "", "the month, YYYY-MM (default: the last full month)")
	unit := fs.String("unit", "", "a unit's code: the digest of the unit and its sub-units (default: the whole agency)")
	format := fs.String("format", "text", "text, json or html (a standalone page, charts included)")
	out := fs.String("out", "", "write to FILE instead of standard output")
	sqlOut := fs.String("sql", "", "also write the SQL the digest ran, values filled in, to FILE (for psql: bench/digest.sh)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" && *format != "html" {
		return usageErr("-format must be text, json or html")
	}
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	month := digest.LastFullMonth(civil.In(time.Now(), cfg.Location))
	if *monthFlag != "" {
		if month, err = digest.ParseMonth(*monthFlag); err != nil {
			return usageErr("-month: %v", err)
		}
	}
	st, err := openExistingStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := digest.NewComputer(ctx, st, cfg)
	if err != nil {
		return err
	}
	var script strings.Builder
	if *sqlOut != "" {
		c.Trace = func(q string, args []any) { script.WriteString(st.Inline(q, args) + ";\n\n") }
	}
	r, err := c.Compute(ctx, month, *unit)
	if errors.Is(err, digest.ErrUnknownUnit) {
		return usageErr("-unit: %v", err)
	}
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch *format {
	case "json":
		err = digest.JSON(&buf, r)
	case "text", "html":
		var rd *digest.Renderer
		if rd, err = digest.NewRenderer(); err != nil {
			return err
		}
		page := digest.Page{Lang: cfg.Language, Office: office(cfg)}
		if *format == "text" {
			var s string
			s, err = rd.Text([]*digest.Report{r}, page)
			buf.WriteString(s)
		} else {
			var s string
			s, _, err = rd.HTML([]*digest.Report{r}, page, digest.DataURI)
			buf.WriteString(s)
		}
	}
	if err != nil {
		return err
	}
	if *sqlOut != "" {
		if err := writePrivate(*sqlOut, []byte(script.String())); err != nil {
			return err
		}
	}
	if *out != "" {
		return writePrivate(*out, buf.Bytes())
	}
	_, err = g.stdout.Write(buf.Bytes())
	return err
}

// writePrivate writes data to the file at path, readable by its owner only
// (0600, like the .eml files): a digest is personnel data. A regular file that
// was there with a wider mode is narrowed before anything is written to it.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// office is the sender's display name (mail.from), which heads the page.
func office(cfg *config.Config) string {
	if a, err := mail.ParseAddress(cfg.Mail.From); err == nil && a.Name != "" {
		return a.Name
	}
	return "tickler"
}
