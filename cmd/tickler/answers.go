package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/answers"
	"github.com/tickler-dev/tickler/store"
)

// cmdAnswers lists the answers people gave through their reminders' links,
// for HR to copy into its records, or rejects one (answers reject ID).
func cmdAnswers(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "answers", "answers [-format text|csv] [-state STATE]  or  answers reject ID [-reason TEXT]")
	format := fs.String("format", "text", "text or csv (UTF-8 with a byte-order mark, for a spreadsheet)")
	state := fs.String("state", store.AnswerPending, "the answers to list: pending, confirmed, rejected or all")
	reason := fs.String("reason", "", "with reject: why, kept in the answer's log")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case len(pos) == 0:
		if set["reason"] {
			return usageErr("-reason goes with reject (tickler answers reject ID -reason TEXT)")
		}
		if *format != "text" && *format != "csv" {
			return usageErr("-format must be text or csv")
		}
		if !slices.Contains(answers.States, *state) {
			return usageErr("-state must be one of %s", strings.Join(answers.States, ", "))
		}
		return listAnswers(ctx, g, *format, *state)
	case pos[0] != "reject":
		return usageErr("%q is not a subcommand (tickler answers [-format text|csv] [-state STATE], or tickler answers reject ID)", pos[0])
	case len(pos) != 2:
		return usageErr("which answer? (tickler answers reject ID [-reason TEXT])")
	case set["format"] || set["state"]:
		return usageErr("-format and -state go with the list, not with reject")
	}
	id, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || id <= 0 {
		return usageErr("%q is not an answer's ID (tickler answers lists them)", pos[1])
	}
	return rejectAnswer(ctx, g, id, strings.TrimSpace(*reason))
}

// listAnswers prints the answers in state; the records are looked at first,
// so an answer they now settle (written there by another system) is listed
// as confirmed.
func listAnswers(ctx context.Context, g *globals, format, state string) error {
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	st, err := openExistingStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.ConfirmAnswers(ctx, "records", time.Now()); err != nil {
		return err
	}
	rows, err := answers.List(ctx, st, state)
	if err != nil {
		return err
	}
	if format == "csv" {
		return answers.WriteCSV(g.stdout, rows, cfg.Location)
	}
	if len(rows) == 0 {
		fmt.Fprintf(g.stdout, "no %s answers\n", strings.TrimPrefix(state, "all"))
		return nil
	}
	return answers.WriteText(g.stdout, rows, cfg.Location)
}

// rejectAnswer rejects a pending answer: the reminders of its obligation
// resume at the next run.
func rejectAnswer(ctx context.Context, g *globals, id int64, reason string) error {
	cfg, err := loadConfig(g)
	if err != nil {
		return err
	}
	st, err := openExistingStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.RejectAnswer(ctx, id, reason, store.Actor{Who: "hr:" + whoAmI(), At: time.Now()})
	switch {
	case errors.Is(err, store.ErrNoRows):
		return usageErr("no answer %d (tickler answers -state all lists them)", id)
	case errors.Is(err, store.ErrAnswerSettled):
		return usageErr("answer %d is not pending (tickler answers -state all shows it): only a pending answer can be rejected", id)
	case err != nil:
		return err
	}
	fmt.Fprintf(g.stdout, "answer %d rejected (%s, %s: %s): its reminders resume at the next run\n",
		a.ID, a.StaffCode, a.Obligation(), answers.Summary(a))
	return nil
}

// whoAmI names the user at the command line, for the answers' log.
func whoAmI() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
