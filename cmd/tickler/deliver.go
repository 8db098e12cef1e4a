package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/outbox"
	"github.com/tickler-dev/tickler/notify/smtp"
	"github.com/tickler-dev/tickler/store"
)

// newSender builds the configured transport; closeFn releases its connections.
func newSender(cfg *config.Config) (notify.Sender, func(), error) {
	env := notify.Envelope{From: cfg.Mail.From, ReplyTo: cfg.Mail.ReplyTo, Loc: cfg.Location}
	switch cfg.Mail.Transport {
	case "outbox":
		f, err := outbox.New(cfg.Mail.OutboxDir, env)
		return f, func() {}, err
	case "smtp":
		r, err := smtp.New(smtp.FromConfig(cfg.Mail, env))
		if err != nil {
			return nil, nil, err
		}
		return r, func() { r.Close() }, nil
	}
	return nil, nil, fmt.Errorf("mail.transport %q is not available in this build", cfg.Mail.Transport)
}

// newDeliverer builds the outbox worker for cfg.
func newDeliverer(cfg *config.Config, st *store.Store, log *slog.Logger) (*notify.Deliverer, func(), error) {
	sender, closeFn, err := newSender(cfg)
	if err != nil {
		return nil, nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	d := cfg.Mail.Delivery
	return &notify.Deliverer{
		Store: st, Sender: sender, Owner: ownerName(),
		Policy: notify.RetryPolicy{
			MaxAttempts: d.MaxAttempts, MaxAge: d.MaxAge.D(),
			Initial: d.BackoffInitial.D(), Max: d.BackoffMax.D(),
		},
		Workers: d.Workers, BatchSize: d.BatchSize, Lease: d.Lease.D(), Timeout: d.Timeout.D(), Poll: d.Poll.D(),
		DataTimeout:   d.DataTimeout.D(),
		RatePerSecond: d.RatePerSecond, MaxPerHour: d.MaxPerHour,
		Now: time.Now, Log: log.With("transport", cfg.Mail.Transport),
	}, closeFn, nil
}
