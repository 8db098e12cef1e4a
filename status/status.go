// Package status gathers what `tickler status` and the HTTP status page show:
// each job's schedule, last and next run, and the outbox's pending and failed
// deliveries. Nothing secret is in it.
package status

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
)

// Report is the state of the daemon as the database knows it.
type Report struct {
	At       time.Time
	Jobs     []Job
	Outbox   map[string]int // deliveries by state
	Problems []Delivery     // failed, and retrying for long
}

// Job is one job's schedule and last run.
type Job struct {
	Name       string
	Schedule   string
	Zone       string
	Enabled    bool
	Next       time.Time
	LastSlot   time.Time
	LastState  string
	LastStart  time.Time
	LastFinish time.Time
	Items      int
	Messages   int
	Error      string
}

// Delivery is a delivery someone should look at.
type Delivery struct {
	ID        int64      `db:"id"`
	Job       string     `db:"job"`
	Recipient string     `db:"recipient"`
	Subject   string     `db:"subject"`
	State     string     `db:"state"`
	Attempts  int        `db:"attempts"`
	Reply     string     `db:"reply"`
	Created   store.Time `db:"created_at"`
	NextTry   store.Time `db:"next_attempt_at"`
}

// StuckAfter: a delivery retrying for longer than this is listed with the failed ones.
const StuckAfter = time.Hour

type lastRun struct {
	Job        string     `db:"job"`
	Slot       store.Time `db:"slot"`
	State      string     `db:"state"`
	Owner      string     `db:"owner"`
	StartedAt  store.Time `db:"started_at"`
	FinishedAt store.Time `db:"finished_at"`
	Items      int        `db:"items"`
	Messages   int        `db:"messages"`
	Error      string     `db:"error"`
}

// Gather reads the report.
func Gather(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time) (*Report, error) {
	r := &Report{At: now, Outbox: map[string]int{}}
	var runs []lastRun
	if err := st.DB.SelectContext(ctx, &runs, st.Q("last-runs")); err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	byJob := map[string]lastRun{}
	for _, lr := range runs {
		byJob[lr.Job] = lr
	}
	for _, name := range config.JobNames {
		sc, ok := cfg.Job(name)
		if !ok {
			continue
		}
		j := Job{Name: name, Schedule: sc.Cron, Zone: sc.Location.String(), Enabled: sc.IsEnabled()}
		if sched, err := cron.ParseStandard(sc.Cron); err == nil && j.Enabled {
			j.Next = sched.Next(now.In(sc.Location))
		}
		if lr, ok := byJob[name]; ok {
			j.LastSlot, j.LastState = lr.Slot.In(sc.Location), lr.State
			j.LastStart, j.LastFinish = lr.StartedAt.Time, lr.FinishedAt.Time
			j.Items, j.Messages, j.Error = lr.Items, lr.Messages, lr.Error
		}
		r.Jobs = append(r.Jobs, j)
	}
	var counts []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := st.DB.SelectContext(ctx, &counts, st.Q("outbox-counts")); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	for _, c := range counts {
		r.Outbox[c.State] = c.N
	}
	if err := st.DB.SelectContext(ctx, &r.Problems, st.Q("problem-deliveries"), store.T(now.Add(-StuckAfter)), 50); err != nil {
		return nil, fmt.Errorf("outbox problems: %w", err)
	}
	return r, nil
}

// WriteText prints the report for a terminal.
func (r *Report) WriteText(w io.Writer, loc *time.Location) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tLAST SLOT\tSTATE\tITEMS\tMESSAGES\tNEXT RUN")
	for _, j := range r.Jobs {
		last, next := "never", "disabled"
		if !j.LastSlot.IsZero() {
			last = j.LastSlot.Format("2006-01-02 15:04")
		}
		if j.Enabled && !j.Next.IsZero() {
			next = j.Next.Format("2006-01-02 15:04 -07:00")
		}
		state := j.LastState
		if state == "" {
			state = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", j.Name, j.Schedule, last, state, j.Items, j.Messages, next)
	}
	tw.Flush()
	for _, j := range r.Jobs {
		if j.Error != "" {
			fmt.Fprintf(w, "  %s last error: %s\n", j.Name, j.Error)
		}
	}
	fmt.Fprintf(w, "\noutbox: %d pending, %d retrying, %d sent, %d failed\n",
		r.Outbox["pending"], r.Outbox["retry"], r.Outbox["sent"], r.Outbox["failed"])
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "no failed or stuck deliveries")
		return
	}
	fmt.Fprintf(w, "\nfailed or stuck deliveries (newest first):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tJOB\tTO\tSTATE\tATTEMPTS\tREPLY")
	for _, d := range r.Problems {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.Created.In(loc).Format("2006-01-02 15:04"), d.Job, d.Recipient, d.State, d.Attempts, d.Reply)
	}
	tw.Flush()
}
