package jobs

import (
	"cmp"
	"context"
	"hash/maphash"
	"slices"
	"time"

	"github.com/tickler-dev/tickler/mailaddr"
	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/store"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/notify"
)

// MonthlyDigest sends the progress digest of the last full month: the
// agency's to the job's `to` lists, and to each unit head (unit_heads) the
// digest of their unit with its sub-units. A recipient gets one message with
// every digest meant for them (a unit head on the HR list gets both). Each
// digest is an item keyed by month and scope, so a second run for the same
// month sends nothing new. The figures of every scope (the agency's and
// every unit's) are kept for the trend, with the messages.
//
// Every scope's digest comes from one pass over the records
// (digest.Computer.EachScope), and each unit head's message is planned as
// soon as their unit's digest is computed: a province's tens of thousands of
// digests are never held at once. The few recipients with several digests
// (the lists, a head of several units) get theirs at the end.
type MonthlyDigest struct{ Named[config.MonthlyDigest] }

func init() { register(func() Job { return &MonthlyDigest{} }) }

// Notices implements Job: the notices Stream hands out, without keeping the
// figures (the runner calls Stream).
func (j *MonthlyDigest) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	return j.Stream(ctx, env, slot, nil, emit)
}

// mailbox is a recipient with several digests, held until the last.
type mailbox struct {
	to      notify.Recipient
	reports []*digest.Report
}

// Stream implements Streamer. The figures of every scope are written in tx
// (none when tx is nil).
func (j *MonthlyDigest) Stream(ctx context.Context, env *Env, slot time.Time, tx *store.Tx, emit notify.Emit) error {
	cfg := env.Config.Jobs.MonthlyDigest
	month := digest.LastFullMonth(env.AsOf(slot))
	c, err := digest.NewComputer(ctx, env.Store, env.Config)
	if err != nil {
		return err
	}
	send := func(to notify.Recipient, reports []*digest.Report) error {
		bundle := &digest.Bundle{Reports: reports, ChartsMinStaff: cfg.ChartsMinStaff}
		for _, r := range reports {
			scope := "agency"
			if r.Scope.Kind == digest.ScopeUnit {
				scope = "unit/" + r.Scope.Code
			}
			err := emit(notify.Notice{To: to, Data: bundle, Item: notify.Item{
				Kind: "digest", Key: "digest/" + scope, Step: month.String(),
				Ref: r.Scope.Key(), RefName: r.Scope.Name, Unit: r.Scope.Code, Date: month.Last(),
			}})
			if err != nil {
				return err
			}
		}
		return nil
	}

	// Who gets several digests: the lists' addresses (the agency's, and
	// their units' if they head any) and heads of several units. An
	// address counts by its hash: a collision only holds a digest to the end.
	held := map[string]*mailbox{}
	var boxes []*mailbox
	hold := func(to notify.Recipient) *mailbox {
		b := held[to.Email]
		if b == nil {
			b = &mailbox{to: to}
			held[to.Email] = b
			boxes = append(boxes, b)
		}
		if b.to.Name == "" { // on a list first, named as a unit head later
			b.to.Name, b.to.StaffCode = to.Name, to.StaffCode
		}
		return b
	}
	onList := map[string]bool{}
	// The lists in cc get the agency's digest as those in to do: a
	// recipient gets one message of a run, not a copy of every unit's.
	for _, to := range listsOnly(env.Config, append(slices.Clone(cfg.To), cfg.Cc...)) {
		email, err := mailaddr.Normalize(to.Email)
		if err != nil {
			continue // config validation reports list addresses
		}
		to.Email = email
		hold(to)
		onList[email] = true
	}
	unitHeads := cfg.UnitHeads == nil || *cfg.UnitHeads
	seed := maphash.MakeSeed()
	headOf := map[uint64]int{}
	if unitHeads {
		err := c.EachUnitHead(ctx, month.Last(), func(h digest.UnitHead) error {
			if email, err := mailaddr.Normalize(h.HeadEmail); err == nil {
				headOf[maphash.String(seed, email)]++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	var keep *digest.FigureWriter
	if tx != nil {
		keep = c.FigureWriter(tx, slot)
	}
	err = c.EachScope(ctx, month, func(r *digest.Report, head *digest.UnitHead) error {
		if keep != nil {
			if err := keep.Add(ctx, r); err != nil {
				return err
			}
		}
		if r.Scope.Kind == digest.ScopeAgency {
			for _, b := range boxes {
				if onList[b.to.Email] {
					b.reports = append(b.reports, r)
				}
			}
			return nil
		}
		if !unitHeads || head == nil {
			return nil
		}
		email, err := mailaddr.Normalize(head.HeadEmail)
		if err != nil {
			return nil // a head's bad address: the agency digest's data section counts unreachable heads
		}
		to := notify.Recipient{Name: head.HeadName, Email: email, StaffCode: head.HeadCode}
		if held[email] != nil || headOf[maphash.String(seed, email)] > 1 {
			b := hold(to)
			b.reports = append(b.reports, r)
			return nil
		}
		return send(to, []*digest.Report{r})
	})
	if err != nil {
		return err
	}
	if keep != nil {
		if err := keep.Flush(ctx); err != nil {
			return err
		}
	}
	for _, b := range boxes {
		// The agency's digest first, then the units' by code.
		slices.SortStableFunc(b.reports, func(x, y *digest.Report) int {
			if (x.Scope.Kind == digest.ScopeAgency) != (y.Scope.Kind == digest.ScopeAgency) {
				if x.Scope.Kind == digest.ScopeAgency {
					return -1
				}
				return 1
			}
			return cmp.Compare(x.Scope.Code, y.Scope.Code)
		})
		if len(b.reports) > 0 {
			if err := send(b.to, b.reports); err != nil {
				return err
			}
		}
	}
	return nil
}

// Templates loads the message templates (the embedded ones, then those of
// dir on top, see message.LoadTemplates) with the renderers of the jobs that
// draw their own messages (the monthly digest, with its charts): every
// entry point gets both from this one call.
func Templates(dir string) (*message.Templates, error) {
	t, err := message.LoadTemplates(dir)
	if err != nil {
		return nil, err
	}
	r, err := digest.NewRenderer()
	if err != nil {
		return nil, err
	}
	t.Register((&MonthlyDigest{}).Name(), r)
	return t, nil
}
