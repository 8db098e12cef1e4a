package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/plan"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/scheduler"
	"github.com/tickler-dev/tickler/store"
)

// runMessage is one message of `run -format json` (docs/design.md, a contract).
type runMessage struct {
	Job     string    `json:"job"`
	To      []string  `json:"to"`
	Cc      []string  `json:"cc"`
	Subject string    `json:"subject"`
	Items   []runItem `json:"items"`
	// Partial: the message's list is too long to hold (HR's of a province),
	// and its items past those the message shows have no note here: they
	// are whole in the list the message links to.
	Partial bool `json:"partial,omitempty"`
}

type runItem struct {
	Kind      string     `json:"kind"`
	StaffCode string     `json:"staff_code"`
	Ref       string     `json:"ref"`
	Date      civil.Date `json:"date"`
	Step      string     `json:"step"`
	Note      string     `json:"note"`
}

func cmdRun(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "run", "run JOB [-at TIME] [-dry-run] [-format text|json]")
	at := fs.String("at", "", "the slot's time: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default now)")
	dry := fs.Bool("dry-run", false, "show who would get what; record and send nothing")
	format := fs.String("format", "text", "text or json")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usageErr("which job? (tickler run JOB)")
	case len(pos) > 1:
		return usageErr("one job at a time: %q is not a flag (tickler run JOB [-at TIME] [-dry-run] [-format text|json])", pos[1])
	}
	name := pos[0]
	if *format != "text" && *format != "json" {
		return usageErr("-format must be text or json")
	}
	job, lerr := jobs.Lookup(name)
	if lerr != nil {
		return usageErr("%v", lerr)
	}
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	slot := time.Now().In(cfg.Location).Truncate(time.Second)
	if *at != "" {
		if slot, err = parseTime(*at, cfg.Location); err != nil {
			return usageErr("-at: %v", err)
		}
	}
	st, err := openExistingStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	tmpl, err := jobs.Templates(cfg.Mail.TemplatesDir)
	if err != nil {
		return configErr(err)
	}
	// The messages are listed as the run plans them, into a file: a run at a
	// province's scale plans a hundred thousand, which are not kept in
	// memory, and only a run that went through is printed. Its name is
	// removed at once (the open file stays readable), so that a run killed
	// midway leaves nothing behind in the temporary folder.
	spool, err := os.CreateTemp("", "tickler-run-*")
	if err != nil {
		return err
	}
	os.Remove(spool.Name())
	defer spool.Close()
	list := bufio.NewWriter(spool)
	listed := 0
	report := func(p *plan.Planned) error {
		listed++
		if *format == "json" {
			return writeJSONMessage(list, p, listed == 1)
		}
		writeTextMessage(list, p)
		return nil
	}
	if !*dry {
		// The daemon running this very slot now sends its messages itself;
		// planning them here too would only be refused by the outbox's keys.
		r, running, err := st.RunningSlot(ctx, name, slot, time.Now())
		if err != nil {
			return err
		}
		if running {
			return busySlot(name, slot, r.Owner)
		}
	}
	runner := &scheduler.Runner{Store: st, Templates: tmpl, Now: time.Now, Report: report}
	if cfg.HTTP.PublicURL != "" {
		// A dry run makes no secret: its links are never sent.
		if runner.Signer, err = answers.LoadSigner(ctx, st, []byte(cfg.HTTP.LinkSecret.Reveal()), !*dry, time.Now()); err != nil {
			return err
		}
	}
	started := time.Now()
	res, runErr := runner.Execute(ctx, cfg, job, slot, *dry)
	if errors.Is(runErr, store.ErrPlannedElsewhere) {
		owner := "another tickler process"
		if r, running, err := st.RunningSlot(ctx, name, slot, time.Now()); err == nil && running {
			owner = r.Owner
		}
		return busySlot(name, slot, owner)
	}
	planning := time.Since(started)
	if !*dry {
		if err := scheduler.RecordManualRun(ctx, st, res, ownerName(), time.Now(), runErr); err != nil {
			return err
		}
	}
	if runErr != nil {
		return runErr
	}
	if err := list.Flush(); err != nil {
		return fmt.Errorf("list of messages: %w", err)
	}
	var outcome deliver.Outcome
	var delivery time.Duration
	if !*dry && res.Messages > 0 {
		d, closeSender, err := deliver.FromConfig(cfg, st, ownerName(), nil)
		if err != nil {
			return err
		}
		started = time.Now()
		outcome, err = d.Drain(ctx)
		delivery = time.Since(started)
		closeSender()
		if err != nil {
			return err
		}
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out := bufio.NewWriter(g.stdout)
	defer out.Flush()
	if *format == "json" {
		// The array docs/design.md documents, as encoding/json indents it.
		if listed == 0 {
			_, err := out.WriteString("[]\n")
			return err
		}
		out.WriteString("[\n  ")
		if _, err := io.Copy(out, spool); err != nil {
			return err
		}
		_, err := out.WriteString("\n]\n")
		return err
	}
	verb := "planned"
	if *dry {
		verb = "would send"
	}
	fmt.Fprintf(out, "%s for %s: %d items, %d messages %s (planned in %s)\n", name, slot.Format("2006-01-02 15:04 MST"), res.Items, res.Messages, verb, planning.Round(time.Millisecond))
	if t := res.Times; t.Scan > 0 {
		fmt.Fprintf(g.stderr, "planning: scan and spill %s, spill read %s, waiting for rendering %s, outbox writes %s\n",
			t.Scan.Round(time.Millisecond), t.Read.Round(time.Millisecond), t.Render.Round(time.Millisecond), t.Write.Round(time.Millisecond))
	}
	if _, err := io.Copy(out, spool); err != nil {
		return err
	}
	if !*dry {
		fmt.Fprintf(out, "\ndelivered: %d sent, %d to retry, %d failed, %d bytes (in %s)\n", outcome.Sent, outcome.Retry, outcome.Failed,
			outcome.Bytes, delivery.Round(time.Millisecond))
	}
	return nil
}

// busySlot is the error of a hand run of a slot that another process is
// running at that moment: one plain line, and exit status 1.
func busySlot(job string, slot time.Time, owner string) error {
	if strings.Contains(owner, ":") {
		owner = "tickler serve (" + store.OwnerText(owner) + ")"
	}
	return fmt.Errorf("%s for %s is being run right now by %s, which sends its messages; nothing was planned here",
		job, slot.Format("2006-01-02 15:04 MST"), owner)
}

// writeJSONMessage writes one message of `run -format json`, an element of
// the array, indented as encoding/json indents the whole.
func writeJSONMessage(w *bufio.Writer, p *plan.Planned, first bool) error {
	m := runMessage{Job: p.Job, To: []string{p.To.Email}, Cc: []string{}, Subject: p.Subject, Items: []runItem{}, Partial: p.Partial}
	for _, c := range p.Cc {
		m.Cc = append(m.Cc, c.Email)
	}
	for _, it := range p.Items {
		m.Items = append(m.Items, runItem{Kind: it.Kind, StaffCode: it.StaffCode, Ref: it.Ref, Date: it.Date, Step: it.Step, Note: itemNote(it)})
	}
	b, err := json.MarshalIndent(m, "  ", "  ")
	if err != nil {
		return err
	}
	if !first {
		w.WriteString(",\n  ")
	}
	_, err = w.Write(b)
	return err
}

// writeTextMessage writes one message of `run`'s text listing.
func writeTextMessage(w *bufio.Writer, p *plan.Planned) {
	fmt.Fprintf(w, "\nTo: %s", p.To.Email)
	for _, c := range p.Cc {
		fmt.Fprintf(w, "  Cc: %s", c.Email)
	}
	fmt.Fprintf(w, "\nSubject: %s\n", p.Subject)
	var outlines []string // kinds, in order of first outline
	count := map[string]int{}
	for _, it := range p.Items {
		if p.Partial && it.Key == "" && it.StaffName == "" {
			if count[it.Kind]++; count[it.Kind] == 1 {
				outlines = append(outlines, it.Kind)
			}
			continue
		}
		fmt.Fprintf(w, "  - %-18s %-10s %-12s %s %-10s %s\n", it.Kind, it.StaffCode, it.Ref, it.Date, it.Step, itemNote(it))
	}
	if len(outlines) > 0 {
		// A long list's outlines are alike: counted, not listed.
		parts := make([]string, len(outlines))
		n := 0
		for i, k := range outlines {
			parts[i] = fmt.Sprintf("%s %d", k, count[k])
			n += count[k]
		}
		fmt.Fprintf(w, "  and %d more, whole in the list the message links to: %s\n", n, strings.Join(parts, ", "))
	}
}

// itemNote is the item's note, or a short description from its fields.
func itemNote(it *notify.Item) string {
	if it.Note != "" {
		return it.Note
	}
	return it.RefName
}
