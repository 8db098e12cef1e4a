package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/notify/deliver"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/store"
)

func cmdStatus(ctx context.Context, g *globals, args []string) error {
	fs := newFlags(g, "status", "status [-message ID|KEY]")
	msg := fs.String("message", "", "print the outbox message of this id or key as it goes on the wire (what was sent, or is to be)")
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
	if *msg != "" {
		return printMessage(ctx, g, cfg, st, *msg)
	}
	r, err := status.Gather(ctx, st, cfg, time.Now(), jobs.Implemented)
	if err != nil {
		return err
	}
	r.WriteText(g.stdout)
	return nil
}

// printMessage writes the wire form of the outbox row ref: the one it keeps,
// or, for a row rendered when it is sent, the row rendered again from its
// notices and its run's render set (the same bytes as sent, by the same
// version of tickler); for a row planned before the outbox kept wire forms,
// the message built from its parts.
func printMessage(ctx context.Context, g *globals, cfg *config.Config, st *store.Store, ref string) error {
	r, err := st.Delivery(ctx, ref)
	if errors.Is(err, store.ErrNoRows) {
		return fmt.Errorf("no message %q in the outbox (give its id or its key)", ref)
	}
	if err != nil {
		return err
	}
	m, err := deliver.MessageOf(r)
	if err != nil {
		return err
	}
	wire := m.Wire
	if len(wire) == 0 && m.Payload != "" {
		if wire, err = (&plan.AtSend{Store: st}).Show(ctx, m); err != nil {
			return fmt.Errorf("message %d: %w", m.ID, err)
		}
	}
	if len(wire) == 0 {
		if wire, err = message.Wire(m, message.Envelope{From: cfg.Mail.From, ReplyTo: cfg.Mail.ReplyTo, Loc: cfg.Location}); err != nil {
			return fmt.Errorf("message %d: %w", m.ID, err)
		}
	}
	_, err = g.stdout.Write(wire)
	return err
}
