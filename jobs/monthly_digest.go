package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/notify"
)

// MonthlyDigest sends the progress digest of the last full month: the
// agency's to the job's `to` lists, and to each unit head (unit_heads) the
// digest of their unit with its sub-units. A recipient gets one message with
// every digest meant for them (a unit head on the HR list gets both). Each
// digest is an item keyed by month and scope, so a second run for the same
// month sends nothing new. Once the messages are in the outbox, the figures
// of every digest computed are kept for the trend (Record).
type MonthlyDigest struct {
	// reports are the digests Notices computed, kept by Record. A job value
	// serves one run (Lookup makes a new one each time).
	reports []*digest.Report
}

func init() { register("monthly-digest", func() Job { return &MonthlyDigest{} }) }

// Name implements Job.
func (*MonthlyDigest) Name() string { return "monthly-digest" }

// Notices implements Job. The digest's notices are few (one per recipient
// and digest) and built whole, then emitted.
func (j *MonthlyDigest) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	notices, err := j.notices(ctx, env, slot)
	if err != nil {
		return err
	}
	for _, n := range notices {
		if err := emit(n); err != nil {
			return err
		}
	}
	return nil
}

func (j *MonthlyDigest) notices(ctx context.Context, env *Env, slot time.Time) ([]notify.Notice, error) {
	cfg := env.Config.Jobs.MonthlyDigest
	month := digest.LastFullMonth(env.AsOf(slot))
	c, err := digest.NewComputer(ctx, env.Store, env.Config)
	if err != nil {
		return nil, err
	}
	agency, err := c.Compute(ctx, month, "")
	if err != nil {
		return nil, fmt.Errorf("agency digest: %w", err)
	}
	j.reports = []*digest.Report{agency}

	type mailbox struct {
		to      notify.Recipient
		reports []*digest.Report
	}
	var boxes []*mailbox
	byEmail := map[string]*mailbox{}
	deliver := func(to notify.Recipient, r *digest.Report) {
		email, err := notify.NormalizeAddress(to.Email)
		if err != nil {
			return // a head's bad address: the agency digest's data section counts unreachable heads
		}
		b := byEmail[email]
		if b == nil {
			to.Email = email
			b = &mailbox{to: to}
			byEmail[email] = b
			boxes = append(boxes, b)
		}
		if b.to.Name == "" { // on a list first, named as a unit head later
			b.to.Name, b.to.StaffCode = to.Name, to.StaffCode
		}
		b.reports = append(b.reports, r)
	}
	for _, to := range listsOnly(env.Config, cfg.To) {
		deliver(to, agency)
	}
	if cfg.UnitHeads == nil || *cfg.UnitHeads {
		heads, err := c.UnitHeads(ctx, month.Last())
		if err != nil {
			return nil, err
		}
		for _, h := range heads {
			r, err := c.Compute(ctx, month, h.Code)
			if err != nil {
				return nil, fmt.Errorf("digest of unit %s: %w", h.Code, err)
			}
			j.reports = append(j.reports, r)
			deliver(notify.Recipient{Name: h.HeadName, Email: h.HeadEmail, StaffCode: h.HeadCode}, r)
		}
	}
	cc := listsOnly(env.Config, cfg.Cc)
	var out []notify.Notice
	for _, b := range boxes {
		bundle := &digest.Bundle{Reports: b.reports}
		for _, r := range b.reports {
			scope := "agency"
			if r.Scope.Kind == digest.ScopeUnit {
				scope = "unit/" + r.Scope.Code
			}
			out = append(out, notify.Notice{To: b.to, Cc: cc, Data: bundle, Item: notify.Item{
				Kind: "digest", Key: "digest/" + scope, Step: month.String(),
				Ref: r.Scope.Key(), RefName: r.Scope.Name, Unit: r.Scope.Code, Date: month.Last(),
			}})
		}
	}
	return out, nil
}

// Record implements Recorder: it keeps the figures of the digests of the run
// (the agency's and every unit's computed), for the trend of later digests.
func (j *MonthlyDigest) Record(ctx context.Context, env *Env, slot time.Time) error {
	if len(j.reports) == 0 {
		return nil
	}
	c, err := digest.NewComputer(ctx, env.Store, env.Config)
	if err != nil {
		return err
	}
	return c.SaveFigures(ctx, slot, j.reports)
}

// RegisterRenderers hands the Templates the renderers of the jobs that draw
// their own messages (the monthly digest, with its charts).
func RegisterRenderers(t *notify.Templates) error {
	r, err := digest.NewRenderer()
	if err != nil {
		return err
	}
	t.Register("monthly-digest", r)
	return nil
}
