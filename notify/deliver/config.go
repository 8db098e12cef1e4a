package deliver

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/emlfolder"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"
	"github.com/tickler-dev/tickler/notify/smtp"
	"github.com/tickler-dev/tickler/store"
)

// NewSender builds the transport mail.transport names: an SMTP relay, or a
// folder of .eml files. close releases its connections.
func NewSender(cfg *config.Config) (s notify.Sender, close func(), err error) {
	env := message.Envelope{From: cfg.Mail.From, ReplyTo: cfg.Mail.ReplyTo, Loc: cfg.Location}
	switch cfg.Mail.Transport {
	case "outbox":
		f, err := emlfolder.New(cfg.Mail.OutboxDir, env)
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

// FromConfig builds the deliverer of cfg's outbox, named owner in leases,
// with its transport (NewSender); close releases the transport.
func FromConfig(cfg *config.Config, st *store.Store, owner string, log *slog.Logger) (*Deliverer, func(), error) {
	sender, closeFn, err := NewSender(cfg)
	if err != nil {
		return nil, nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	d := cfg.Mail.Delivery
	return &Deliverer{
		Store: st, Sender: sender, Owner: owner,
		Policy: RetryPolicy{
			MaxAttempts: d.MaxAttempts, MaxAge: d.MaxAge.D(),
			Initial: d.BackoffInitial.D(), Max: d.BackoffMax.D(),
		},
		Workers: d.Workers, BatchSize: d.BatchSize, Lease: d.Lease.D(), Timeout: d.Timeout.D(), Poll: d.Poll.D(),
		DataTimeout:   d.DataTimeout.D(),
		RatePerSecond: d.RatePerSecond, MaxPerHour: d.MaxPerHour,
		Now: time.Now, Log: log.With("transport", cfg.Mail.Transport),
		Render: (&plan.AtSend{Store: st}).Render,
	}, closeFn, nil
}
