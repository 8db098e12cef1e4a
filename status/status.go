// Package status gathers what `tickler status` and the HTTP status page show:
// each job's schedule, last and next run, and the outbox's pending and failed
// deliveries. Nothing secret is in it: no DSN, no password, no message body.
package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/metrics"
	"github.com/tickler-dev/tickler/schedule"
	"github.com/tickler-dev/tickler/store"
)

// Report is the state of the daemon as the configuration and the database
// know it.
type Report struct {
	At       time.Time
	Zone     *time.Location
	Jobs     []Job
	Outbox   map[string]int // deliveries by state
	Problems []Delivery     // failed, and retrying for long
	// Answers are the answers given through reminders' links.
	Answers Answers
	// DBError is set when the database could not be read; the jobs' schedules
	// and next runs are still shown.
	DBError string
}

// Job is one job's schedule and last run.
type Job struct {
	Name     string
	Schedule string
	Zone     string
	Catchup  string
	Overlap  string
	Enabled  bool
	// Implemented is false for a job this build does not have.
	Implemented bool
	Next        time.Time
	// NextShifted: the next run is not at the schedule's wall-clock time
	// because the zone skips that time that day (daylight saving).
	NextShifted bool
	// NextMoved are the slots the next run stands for that fell on days
	// off (working_days), with why each day was off.
	NextMoved  []schedule.MovedSlot
	LastSlot   time.Time
	LastState  string
	LastOwner  string
	LastStart  time.Time
	LastFinish time.Time
	Items      int
	Messages   int
	Error      string
	// ByHand is the latest run started with `tickler run` (zero: none).
	ByHand ManualRun
}

// ManualRun is a run started by hand.
type ManualRun struct {
	Slot     store.Time `db:"slot"`
	Started  store.Time `db:"started_at"`
	Items    int        `db:"items"`
	Messages int        `db:"messages"`
	Error    string     `db:"error"`
	Job      string     `db:"job"`
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

// Gather reads the report. implemented tells whether this build has a job
// (nil: all); st nil means the database was not reached yet. A database error is returned and also kept in the report, which
// still lists the jobs from the configuration.
func Gather(ctx context.Context, st *store.Store, cfg *config.Config, now time.Time, implemented func(string) bool) (*Report, error) {
	r := &Report{At: now, Zone: cfg.Location, Outbox: map[string]int{}}
	for _, name := range config.JobNames {
		sc, ok := cfg.Job(name)
		if !ok {
			continue
		}
		j := Job{Name: name, Schedule: sc.Cron, Zone: sc.Location.String(), Enabled: sc.IsEnabled(),
			Catchup: sc.CatchupWindow.String(), Overlap: sc.Overlap, Implemented: implemented == nil || implemented(name)}
		if spec := sc.Spec(); spec != nil && j.Enabled && j.Implemented {
			j.Next = schedule.Next(spec, sc.Location, now)
			j.NextShifted = schedule.Shifted(spec, sc.Location, j.Next)
			j.NextMoved = schedule.Moved(spec, j.Next, cfg.Language)
		}
		r.Jobs = append(r.Jobs, j)
	}
	if st == nil {
		r.DBError = "database not reached yet since start"
		return r, errors.New(r.DBError)
	}
	if err := r.readDB(ctx, st, now); err != nil {
		r.DBError = err.Error()
		return r, err
	}
	return r, nil
}

func (r *Report) readDB(ctx context.Context, st *store.Store, now time.Time) error {
	var runs []lastRun
	if err := st.Select(ctx, &runs, "last-runs"); err != nil {
		return fmt.Errorf("job runs: %w", err)
	}
	byJob := map[string]lastRun{}
	for _, lr := range runs {
		byJob[lr.Job] = lr
	}
	for i := range r.Jobs {
		j := &r.Jobs[i]
		if lr, ok := byJob[j.Name]; ok {
			loc, _ := time.LoadLocation(j.Zone)
			j.LastSlot, j.LastState, j.LastOwner = lr.Slot.In(loc), lr.State, lr.Owner
			j.LastStart, j.LastFinish = lr.StartedAt.Time, lr.FinishedAt.Time
			j.Items, j.Messages, j.Error = lr.Items, lr.Messages, lr.Error
		}
	}
	var manual []ManualRun
	if err := st.Select(ctx, &manual, "last-manual-runs"); err != nil {
		return fmt.Errorf("job runs by hand: %w", err)
	}
	for _, m := range manual {
		for i := range r.Jobs {
			if r.Jobs[i].Name == m.Job {
				r.Jobs[i].ByHand = m
			}
		}
	}
	counts, err := outboxCounts(ctx, st)
	if err != nil {
		return err
	}
	r.Outbox = counts
	if err := st.Select(ctx, &r.Problems, "problem-deliveries", store.T(now.Add(-StuckAfter)), 50); err != nil {
		return fmt.Errorf("outbox problems: %w", err)
	}
	return r.readAnswers(ctx, st)
}

func outboxCounts(ctx context.Context, st *store.Store) (map[string]int, error) {
	var counts []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := st.Select(ctx, &counts, "outbox-counts"); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	out := map[string]int{}
	for _, c := range counts {
		out[c.State] = c.N
	}
	return out, nil
}

// Stored reads the figures /metrics takes from the database: the outbox by
// state and each job's last success, the same for every replica.
func Stored(ctx context.Context, st *store.Store) (metrics.Stored, error) {
	var s metrics.Stored
	var err error
	if s.Outbox, err = outboxCounts(ctx, st); err != nil {
		return s, err
	}
	var rows []struct {
		Job        string     `db:"job"`
		FinishedAt store.Time `db:"finished_at"`
	}
	if err := st.Select(ctx, &rows, "last-successes"); err != nil {
		return s, fmt.Errorf("last successes: %w", err)
	}
	s.LastSuccess = map[string]time.Time{}
	for _, r := range rows {
		s.LastSuccess[r.Job] = r.FinishedAt.Time
	}
	return s, nil
}

// NextText is how a job's next run reads: its local time and offset, with a
// note when daylight saving moved it.
func (j Job) NextText() string {
	switch {
	case !j.Enabled:
		return "disabled"
	case !j.Implemented:
		return "not in this build"
	case j.Next.IsZero():
		return "never"
	}
	s := j.Next.Format("2006-01-02 15:04 -07:00")
	if j.NextShifted {
		s += " (moved: the clock skips the scheduled time that day)"
	}
	for i, m := range j.NextMoved {
		if i == 0 {
			s += " (days off before it:"
		}
		s += " " + m.From.Format("Mon 01-02") + " " + m.Why
		if i == len(j.NextMoved)-1 {
			s += ")"
		}
	}
	return s
}

// LastText is the last slot's local time, or "never".
func (j Job) LastText() string {
	if j.LastSlot.IsZero() {
		return "never"
	}
	return j.LastSlot.Format("2006-01-02 15:04 -07:00")
}

// StateText is the last run's state, "-" when there was none.
func (j Job) StateText() string {
	if j.LastState == "" {
		return "-"
	}
	return j.LastState
}

// WriteText prints the report for a terminal.
func (r *Report) WriteText(w io.Writer) {
	if r.DBError != "" {
		fmt.Fprintf(w, "database unreachable: %s\n\n", r.DBError)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tZONE\tLAST SLOT\tSTATE\tITEMS\tMESSAGES\tNEXT RUN")
	for _, j := range r.Jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", j.Name, j.Schedule, j.Zone, j.LastText(), j.StateText(), j.Items, j.Messages, j.NextText())
	}
	tw.Flush()
	for _, j := range r.Jobs {
		if j.Error != "" {
			fmt.Fprintf(w, "  %s last slot: %s\n", j.Name, j.Error)
		}
	}
	for _, j := range r.Jobs {
		if m := j.ByHand; !m.Started.IsZero() {
			outcome := fmt.Sprintf("%d items, %d messages", m.Items, m.Messages)
			if m.Error != "" {
				outcome = "failed: " + m.Error
			}
			fmt.Fprintf(w, "  %s run by hand at %s for %s: %s\n", j.Name, m.Started.In(r.Zone).Format("2006-01-02 15:04"),
				m.Slot.In(r.Zone).Format("2006-01-02 15:04"), outcome)
		}
	}
	if r.DBError != "" {
		return
	}
	fmt.Fprintf(w, "\noutbox: %d pending, %d retrying, %d sent, %d failed\n",
		r.Outbox["pending"], r.Outbox["retry"], r.Outbox["sent"], r.Outbox["failed"])
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "no failed or stuck deliveries")
		r.writeAnswers(w)
		return
	}
	fmt.Fprintf(w, "\nfailed or stuck deliveries (newest first):\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tJOB\tTO\tSTATE\tATTEMPTS\tREPLY")
	for _, d := range r.Problems {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.Created.In(r.Zone).Format("2006-01-02 15:04"), d.Job, d.Recipient, d.State, d.Attempts, d.Reply)
	}
	tw.Flush()
	r.writeAnswers(w)
}
