package jobs

import (
	"context"
	"strconv"
	"time"

	"github.com/tickler-dev/tickler/notify/deliver"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/notify"
)

// DeliveryFailures tells HR, once a day, which messages could not be
// delivered since the last notice: one item per failed delivery, so each
// failure is told once. Failures of its own notices are left out (they
// would only fail again); they show in tickler status.
type DeliveryFailures struct{ Named[config.DeliveryFailures] }

func init() { register(func() Job { return DeliveryFailures{} }) }

// Notices implements Job.
func (DeliveryFailures) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.DeliveryFailures
	to, cc := listsOnly(env.Config, cfg.To), listsOnly(env.Config, cfg.Cc)
	return deliver.EachFailure(ctx, env.Store, slot.Add(-cfg.Lookback.D()), slot, func(f deliver.Failure) error {
		if f.Job == "delivery-failures" {
			return nil
		}
		item := notify.Item{
			Kind: "delivery_failed", Key: "delivery/" + strconv.FormatInt(f.ID, 10), Step: "failed",
			Ref: f.Recipient, RefName: f.Subject, Date: civil.In(f.FailedAt.Time, env.Config.Location),
			Note: f.Reply,
			Fields: map[string]any{
				"job": f.Job, "recipient_name": f.RecipientName, "attempts": f.Attempts,
				"failed_at": f.FailedAt.In(env.Config.Location).Format("02/01/2006 15:04"),
			},
		}
		for _, r := range to {
			if err := emit(notify.Notice{To: r, Cc: cc, Item: item}); err != nil {
				return err
			}
		}
		return nil
	})
}
