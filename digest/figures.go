package digest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tickler-dev/tickler/rules"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
)

// Lengths of the lists a digest carries: it is read by a person, and the
// counts beside each list say how many there are in all.
const (
	listBehind   = 10
	listOverdue  = 10
	listTerms    = 20
	listFailed   = 20
	listProblems = 20
	dueDays      = 30 // trainings due within this many days of the month's end
	termMonths   = 6  // terms ending within this many months
)

// ErrUnknownUnit is returned for a scope whose unit does not exist.
var ErrUnknownUnit = errors.New("unknown unit")

// Computer computes digests from the records of one database.
type Computer struct {
	Store  *store.Store
	Config *config.Config
	// Trace, when set, is told every statement run, with its arguments (for
	// `tickler digest -sql`, which the benchmark replays with psql). Calls
	// come one at a time.
	Trace func(query string, args []any)
	// Parallel is how many sections are computed at once (default 2: the
	// queries are scans and aggregates, each busy on one database core).
	Parallel int

	traceMu sync.Mutex

	cacheMu     sync.Mutex
	targetCache map[Month][]targetRow
}

// NewComputer returns a Computer of the store's records. The digest's SQL
// is the store's (store/queries/digest*.sql), prepared once when the store
// is migrated, so a broken query is found at start rather than on the 1st
// of the month.
func NewComputer(ctx context.Context, st *store.Store, cfg *config.Config) (*Computer, error) {
	return &Computer{Store: st, Config: cfg, Parallel: 2}, nil
}

// period is what every section's SQL is given.
type period struct {
	month Month
	start civil.Date // the month's first day
	end   civil.Date // its last: "as of"
	root  string     // the scope's root unit; "" for the agency
}

// Compute returns the digest of month for the scope of unit (with its
// sub-units), or of the whole agency when unit is "". Sections that fail are
// marked so in the report; Compute itself fails only when the scope cannot be
// read (ErrUnknownUnit, or the database is unreachable).
func (c *Computer) Compute(ctx context.Context, month Month, unit string) (*Report, error) {
	p := period{month: month, start: month.First(), end: month.Last(), root: unit}
	r := &Report{Version: Version, Month: month.String(), AsOf: p.end}
	if err := c.scope(ctx, p, &r.Scope); err != nil {
		return nil, err
	}
	// The sections read independently, so a few run at once, each on its own
	// connection; each writes only its own field of r. The trend comes last:
	// it compares the month's own figures.
	sections := []func(){
		func() { fill(&r.Training, func() (*Training, bool, error) { return c.training(ctx, p) }) },
		func() { fill(&r.Refresher, func() (*Refresher, bool, error) { return c.refresher(ctx, p) }) },
		func() { fill(&r.Due, func() (*Due, bool, error) { return c.due(ctx, p) }) },
		func() { fill(&r.Targets, func() (*Targets, bool, error) { return c.targets(ctx, p) }) },
		func() { fill(&r.InTraining, func() (*InTraining, bool, error) { return c.inTraining(ctx, p) }) },
		func() { fill(&r.DataQuality, func() (*DataQuality, bool, error) { return c.dataQuality(ctx, p) }) },
		func() { fill(&r.Workforce, func() (*Workforce, bool, error) { return c.workforce(ctx, p) }) },
		func() { fill(&r.Evaluation, func() (*Evaluation, bool, error) { return c.evaluation(ctx, p) }) },
		func() { fill(&r.Planning, func() (*Planning, bool, error) { return c.planning(ctx, p) }) },
		func() { fill(&r.Terms, func() (*Terms, bool, error) { return c.terms(ctx, p) }) },
		func() { fill(&r.Deliveries, func() (*Deliveries, bool, error) { return c.deliveries(ctx, p) }) },
	}
	slots := make(chan struct{}, max(c.Parallel, 1))
	var wg sync.WaitGroup
	for _, f := range sections {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			f()
		}()
	}
	wg.Wait()
	if p.root == "" {
		r.SelfReported = c.agencySelfReported(ctx, p)
	}
	fill(&r.Trend, func() (*Trend, bool, error) { return c.trend(ctx, p, r) })
	return r, nil
}

// fill computes one section. An error, or a panic, marks the section failed
// with one line; the other sections are not affected.
func fill[T any](s *Section[T], f func() (*T, bool, error)) {
	defer func() {
		if v := recover(); v != nil {
			*s = Section[T]{Status: StatusError, Error: fmt.Sprint(v)}
		}
	}()
	data, empty, err := f()
	switch {
	case err != nil:
		*s = Section[T]{Status: StatusError, Error: oneLine(err.Error())}
	case empty:
		*s = Section[T]{Status: StatusEmpty, Data: data}
	default:
		*s = Section[T]{Status: StatusOK, Data: data}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *Computer) trace(name string, args []any) {
	if c.Trace != nil {
		q, args, err := c.Store.SQL(name, args...)
		if err != nil {
			return // the query itself fails with it
		}
		c.traceMu.Lock()
		defer c.traceMu.Unlock()
		c.Trace(q, args)
	}
}

// sel runs a named query into dest (a slice).
func (c *Computer) sel(ctx context.Context, dest any, name string, args ...any) error {
	c.trace(name, args)
	return c.Store.Select(ctx, dest, name, args...)
}

// get runs a named one-row query into dest.
func (c *Computer) get(ctx context.Context, dest any, name string, args ...any) error {
	c.trace(name, args)
	return c.Store.Get(ctx, dest, name, args...)
}

// selIn runs a named query with an IN (?) list.
func (c *Computer) selIn(ctx context.Context, dest any, name string, args ...any) error {
	c.trace(name, args)
	return c.Store.Select(ctx, dest, name, args...)
}

func (c *Computer) scope(ctx context.Context, p period, s *Scope) error {
	var u struct {
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if p.root == "" {
		s.Kind = ScopeAgency
		if err := c.get(ctx, &u, "digest-root"); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	} else {
		s.Kind = ScopeUnit
		if err := c.get(ctx, &u, "digest-unit", p.root); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w %q", ErrUnknownUnit, p.root)
			}
			return err
		}
	}
	s.Code, s.Name = u.Code, u.Name
	var n int
	if err := c.get(ctx, &n, "digest-scope-units", p.root, p.root); err != nil {
		return err
	}
	s.Units = n
	return nil
}

// highestFirst returns the codes of an ordered set from the highest down.
func highestFirst(s codes.Set) []string {
	out := s.Codes()
	slices.Reverse(out)
	return out
}

// distribution turns counts per code into shares in the order of known (every
// known code, even at 0), then codes not in the set, then "not recorded" ("")
// when anyone has no value.
func distribution(counts map[string]int64, known []string) []Share {
	var out []Share
	for _, k := range known {
		out = append(out, Share{Code: k, Count: counts[k]})
	}
	var other []string
	for k := range counts {
		if k != "" && !slices.Contains(known, k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		out = append(out, Share{Code: k, Count: counts[k]})
	}
	if counts[""] > 0 {
		out = append(out, Share{Code: "", Count: counts[""]})
	}
	n := make([]int64, len(out))
	for i, s := range out {
		n[i] = s.Count
	}
	for i, pc := range Shares(n) {
		out[i].Percent = pc
	}
	return out
}

var intellectual = map[string]bool{"bachelor": true, "master": true, "doctorate": true}

func (c *Computer) workforce(ctx context.Context, p period) (*Workforce, bool, error) {
	var rows []struct {
		Rank            string `db:"rank"`
		Education       string `db:"education"`
		PoliticalTheory string `db:"political_theory"`
		N               int64  `db:"n"`
	}
	if err := c.sel(ctx, &rows, "digest-workforce", p.root, p.root, p.end, p.end); err != nil {
		return nil, false, err
	}
	var m margins
	for _, r := range rows {
		m.add(dimRank, r.Rank, r.N)
		m.add(dimEducation, r.Education, r.N)
		m.add(dimTheory, r.PoliticalTheory, r.N)
	}
	w := m.workforce()
	return w, w.Headcount == 0, nil
}

// The three distributions of the workforce.
const (
	dimRank = iota
	dimEducation
	dimTheory
)

// margins count people on staff by rank, education and political theory.
type margins [3]map[string]int64

func (m *margins) add(dim int, code string, n int64) {
	if m[dim] == nil {
		m[dim] = map[string]int64{}
	}
	m[dim][code] += n
}

func (m *margins) merge(o *margins) {
	for dim, counts := range o {
		for code, n := range counts {
			m.add(dim, code, n)
		}
	}
}

func (m *margins) workforce() *Workforce {
	w := &Workforce{}
	for _, n := range m[dimRank] {
		w.Headcount += n
	}
	for code, n := range m[dimEducation] {
		if intellectual[code] {
			w.Intellectuals += n
		}
	}
	w.IntellectualShare = Ratio(w.Intellectuals, w.Headcount)
	w.Ranks = distribution(m[dimRank], highestFirst(codes.Rank))
	w.Education = distribution(m[dimEducation], highestFirst(codes.Education))
	w.PoliticalTheory = distribution(m[dimTheory], highestFirst(codes.PoliticalTheory))
	return w
}

func (c *Computer) plan(ctx context.Context, day civil.Date) (*Plan, error) {
	var row struct {
		Name     string     `db:"plan"`
		StartsOn civil.Date `db:"starts_on"`
		EndsOn   civil.Date `db:"ends_on"`
	}
	err := c.get(ctx, &row, "digest-plan", day, day)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Plan{row.Name, row.StartsOn, row.EndsOn}, nil
}

// categoryOrder sorts training kinds: by category in the order of the codes
// set, then by level from the highest.
func categoryOrder(cat, level string) (int, int) {
	ci := codes.Category.Rank(cat)
	if ci < 0 {
		ci = 1000
	}
	li := max(codes.Education.Rank(level), codes.PoliticalTheory.Rank(level))
	return ci, -li
}

func (c *Computer) training(ctx context.Context, p period) (*Training, bool, error) {
	pl, err := c.plan(ctx, p.end)
	if err != nil {
		return nil, false, err
	}
	planStart, from := planPeriod(pl, p)
	var rows []struct {
		Category       string `db:"category"`
		Level          string `db:"level"`
		StartedMonth   int64  `db:"started_month"`
		CompletedMonth int64  `db:"completed_month"`
		DroppedMonth   int64  `db:"dropped_month"`
		StartedPlan    int64  `db:"started_plan"`
		CompletedPlan  int64  `db:"completed_plan"`
		DroppedPlan    int64  `db:"dropped_plan"`
	}
	err = c.sel(ctx, &rows, "digest-training", p.root, p.root,
		p.start, p.end, p.start, p.end, p.start, p.end,
		planStart, p.end, planStart, p.end, planStart, p.end,
		from, from, from, p.end)
	if err != nil {
		return nil, false, err
	}
	kinds := make([]TrainingRow, 0, len(rows))
	for _, r := range rows {
		kinds = append(kinds, TrainingRow{
			Category: r.Category, Level: r.Level,
			Month:          Counts{r.StartedMonth, r.CompletedMonth, r.DroppedMonth},
			SincePlanStart: Counts{r.StartedPlan, r.CompletedPlan, r.DroppedPlan},
		})
	}
	t := newTraining(pl, kinds)
	return t, len(t.Rows) == 0, nil
}

// planPeriod is the period the "since the plan's start" counts cover, and the
// earliest day either period starts (what the training queries scan from).
func planPeriod(pl *Plan, p period) (planStart, from civil.Date) {
	planStart = p.end.AddDays(1) // no plan: an empty period
	if pl != nil {
		planStart = pl.StartsOn
	}
	from = p.start
	if planStart.Before(from) {
		from = planStart
	}
	return planStart, from
}

// newTraining is the training section of kinds (in any order): kinds with
// nothing to count are left out, the rest sorted and totalled.
func newTraining(pl *Plan, kinds []TrainingRow) *Training {
	t := &Training{Plan: pl, Rows: []TrainingRow{}}
	for _, row := range kinds {
		if row.Month == (Counts{}) && row.SincePlanStart == (Counts{}) {
			continue
		}
		t.Rows = append(t.Rows, row)
		add(&t.Totals.Month, row.Month)
		add(&t.Totals.SincePlanStart, row.SincePlanStart)
	}
	slices.SortFunc(t.Rows, func(a, b TrainingRow) int {
		ac, al := categoryOrder(a.Category, a.Level)
		bc, bl := categoryOrder(b.Category, b.Level)
		if ac != bc {
			return ac - bc
		}
		if al != bl {
			return al - bl
		}
		return strings.Compare(a.Category+"/"+a.Level, b.Category+"/"+b.Level)
	})
	return t
}

func add(a *Counts, b Counts) {
	a.Started += b.Started
	a.Completed += b.Completed
	a.Dropped += b.Dropped
}

func (c *Computer) inTraining(ctx context.Context, p period) (*InTraining, bool, error) {
	var rows []struct {
		Category       string `db:"category"`
		Participations int64  `db:"participations"`
		People         int64  `db:"people"`
	}
	if err := c.sel(ctx, &rows, "digest-in-training", p.root, p.root, p.end, p.end, p.end, p.end); err != nil {
		return nil, false, err
	}
	it := &InTraining{ByCategory: []CategoryCount{}}
	for _, r := range rows {
		if r.Category == "" {
			it.People, it.Participations = r.People, r.Participations
			continue
		}
		it.ByCategory = append(it.ByCategory, CategoryCount{r.Category, r.People, r.Participations})
	}
	sortInTraining(it)
	return it, it.Participations == 0, nil
}

func sortInTraining(it *InTraining) {
	slices.SortFunc(it.ByCategory, func(a, b CategoryCount) int {
		ac, _ := categoryOrder(a.Category, "")
		bc, _ := categoryOrder(b.Category, "")
		if ac != bc {
			return ac - bc
		}
		return strings.Compare(a.Category, b.Category)
	})
}

// targetRow is a target with the agency's completions.
type targetRow struct {
	ID       int64      `db:"id"`
	Plan     string     `db:"plan"`
	Category string     `db:"category"`
	Level    string     `db:"level"`
	StartsOn civil.Date `db:"starts_on"`
	EndsOn   civil.Date `db:"ends_on"`
	Target   int64      `db:"target"`
	Done     int64      `db:"done"`
}

// agencyTargets returns the targets in force in the month with the whole
// agency's completions. They are the same for every unit's digest of the
// month, so they are read once per Computer and month (the monthly-digest job
// computes many units' digests with one Computer).
func (c *Computer) agencyTargets(ctx context.Context, p period) ([]targetRow, error) {
	c.cacheMu.Lock()
	defer c.cacheMu.Unlock()
	if rows, ok := c.targetCache[p.month]; ok {
		return rows, nil
	}
	var rows []targetRow
	if err := c.sel(ctx, &rows, "digest-targets", p.end, p.end, p.start); err != nil {
		return nil, err
	}
	if c.targetCache == nil {
		c.targetCache = map[Month][]targetRow{}
	}
	c.targetCache[p.month] = rows
	return rows, nil
}

func (c *Computer) targets(ctx context.Context, p period) (*Targets, bool, error) {
	rows, err := c.agencyTargets(ctx, p)
	if err != nil {
		return nil, false, err
	}
	mine := map[int64]int64{}
	if p.root != "" && len(rows) > 0 {
		var sc []struct {
			ID        int64 `db:"id"`
			ScopeDone int64 `db:"scope_done"`
		}
		if err := c.sel(ctx, &sc, "digest-targets-scope", p.root, p.root, p.end, p.end, p.start); err != nil {
			return nil, false, err
		}
		for _, x := range sc {
			mine[x.ID] = x.ScopeDone
		}
	}
	t := newTargets(rows, mine, p)
	return t, len(t.Rows) == 0, nil
}

// newTargets is the targets section: the agency's targets and completions,
// with the scope's part of them (mine, by target id) for a unit.
func newTargets(rows []targetRow, mine map[int64]int64, p period) *Targets {
	t := &Targets{Rows: []Target{}}
	for _, r := range rows {
		g := Target{Plan: r.Plan, Category: r.Category, Level: r.Level, StartsOn: r.StartsOn, EndsOn: r.EndsOn,
			Target: r.Target, Done: r.Done, ScopeDone: r.Done}
		if p.root != "" {
			g.ScopeDone = mine[r.ID]
		}
		span := int64(r.StartsOn.DaysUntil(r.EndsOn) + 1)
		last := p.end
		if r.EndsOn.Before(last) {
			last = r.EndsOn
		}
		elapsed := max(int64(r.StartsOn.DaysUntil(last)+1), 0)
		g.DonePercent = Ratio(g.Done, g.Target)
		g.Elapsed = Ratio(elapsed, span)
		switch {
		case g.Done >= g.Target:
			g.State = TargetDone
		case g.Done*span >= g.Target*elapsed: // done/target ≥ elapsed/span, exactly
			g.State = TargetOnTrack
		default:
			g.State = TargetBehind
		}
		t.Rows = append(t.Rows, g)
	}
	return t
}

func (c *Computer) refresher(ctx context.Context, p period) (*Refresher, bool, error) {
	minimum := c.Config.Rules.RefresherMinHours
	cats := c.Config.Jobs.RefresherHours.Categories
	yearStart := civil.Date{Year: p.end.Year, Month: time.January, Day: 1}
	var rows []struct {
		PersonHours
		People     int64   `db:"people"`
		Meeting    int64   `db:"meeting"`
		TotalHours float64 `db:"total_hours"`
	}
	if err := c.selIn(ctx, &rows, "digest-refresher", p.root, p.root, yearStart, p.end, cats, p.end, p.end, minimum, listBehind); err != nil {
		return nil, false, err
	}
	if len(rows) == 0 {
		r := newRefresher(p, minimum, 0, 0, 0, nil)
		return r, true, nil
	}
	behind := make([]PersonHours, len(rows))
	for i, row := range rows {
		behind[i] = row.PersonHours
	}
	r := newRefresher(p, minimum, rows[0].People, rows[0].Meeting, rows[0].TotalHours, behind)
	return r, r.People == 0, nil
}

// newRefresher is the refresher section from its counts and the people
// furthest behind.
func newRefresher(p period, minimum float64, people, meeting int64, total float64, behind []PersonHours) *Refresher {
	r := &Refresher{Year: p.end.Year, MinimumHours: minimum, FurthestBehind: []PersonHours{}}
	if people == 0 {
		return r
	}
	r.People, r.Meeting = people, meeting
	r.Short = r.People - r.Meeting
	r.MeetingShare = Ratio(r.Meeting, r.People)
	r.AverageHours = math.Round(total/float64(r.People)*10) / 10
	r.FurthestBehind = append(r.FurthestBehind, behind...)
	return r
}

func (c *Computer) due(ctx context.Context, p period) (*Due, bool, error) {
	horizon := p.end.AddDays(dueDays)
	var rows []struct {
		Category      string `db:"category"`
		Due           *int64 `db:"due"`
		DuePeople     int64  `db:"due_people"`
		Overdue       *int64 `db:"overdue"`
		OverduePeople int64  `db:"overdue_people"`
	}
	e := p.end
	if err := c.sel(ctx, &rows, "digest-due", p.root, p.root, e, e, e, horizon, e, e, e, e, e, e, e, e); err != nil {
		return nil, false, err
	}
	d := &Due{Days: dueDays, ByCategory: []DueCategory{}, MostOverdue: []OverdueTraining{}}
	for _, r := range rows {
		due, overdue := deref(r.Due), deref(r.Overdue)
		if r.Category == "" {
			d.Due, d.DuePeople, d.Overdue, d.OverduePeople = due, r.DuePeople, overdue, r.OverduePeople
			continue
		}
		d.ByCategory = append(d.ByCategory, DueCategory{r.Category, due, overdue})
	}
	sortDue(d)
	if d.Due+d.Overdue == 0 {
		return d, true, nil
	}
	if d.Overdue > 0 {
		var list []overdueRow
		if err := c.sel(ctx, &list, "digest-most-overdue", p.root, p.root, e, e, e, e, listOverdue); err != nil {
			return nil, false, err
		}
		for _, o := range list {
			d.MostOverdue = append(d.MostOverdue, o.training(e))
		}
	}
	return d, false, nil
}

// overdueRow is a training past its due date as the queries return it.
type overdueRow struct {
	StaffCode  string     `db:"staff_code"`
	FullName   string     `db:"full_name"`
	CourseCode string     `db:"course_code"`
	CourseName string     `db:"course_name"`
	DueOn      civil.Date `db:"due_on"`
}

func (o overdueRow) training(asOf civil.Date) OverdueTraining {
	return OverdueTraining{o.StaffCode, o.FullName, o.CourseCode, o.CourseName, o.DueOn, o.DueOn.DaysUntil(asOf)}
}

func sortDue(d *Due) {
	slices.SortFunc(d.ByCategory, func(a, b DueCategory) int {
		ac, _ := categoryOrder(a.Category, "")
		bc, _ := categoryOrder(b.Category, "")
		if ac != bc {
			return ac - bc
		}
		return strings.Compare(a.Category, b.Category)
	})
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (c *Computer) terms(ctx context.Context, p period) (*Terms, bool, error) {
	until := p.end.AddMonths(termMonths)
	args := []any{p.root, p.root, p.end, p.end, p.end, until}
	c.trace("digest-terms", args)
	rows, err := c.Store.Query(ctx, "digest-terms", args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	tally := termTally{}
	// The rows stream: only the counts and the first listTerms are kept.
	for rows.Next() {
		var r termRow
		if err := rows.StructScan(&r); err != nil {
			return nil, false, fmt.Errorf("digest-terms: %w", err)
		}
		if term, ok := c.termOf(r, p); ok {
			tally.add(term)
			if len(tally.list) < listTerms {
				tally.list = append(tally.list, term)
			}
		} else {
			tally.lapsed++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("digest-terms: %w", err)
	}
	t := tally.terms(until)
	return t, t.Ending+t.Lapsed == 0, nil
}

// termRow is an open appointment term as the queries return it.
type termRow struct {
	StaffCode string     `db:"staff_code"`
	FullName  string     `db:"full_name"`
	Position  string     `db:"position"`
	Unit      string     `db:"unit"`
	EndOn     civil.Date `db:"end_on"`
	BirthDate civil.Date `db:"birth_date"`
	Gender    string     `db:"gender"`
}

// termOf is the term with its retirement date and case; ok is false for a
// term already past its end at the month's end (lapsed).
func (c *Computer) termOf(r termRow, p period) (TermEnding, bool) {
	if r.EndOn.Before(p.end) {
		return TermEnding{}, false
	}
	// The same rule as the reappointments job: one retirement date, one case.
	term, _ := rules.Reappointment(r.EndOn, r.BirthDate, r.Gender, c.Config.Rules)
	return TermEnding{r.StaffCode, r.FullName, r.Position, r.Unit, r.EndOn, term.Retirement, string(term.Case)}, true
}

// termTally counts terms ending by case, and lapsed ones.
type termTally struct {
	ending, lapsed int64
	byCase         [len(caseOrder)]int64
	list           []TermEnding
}

// caseOrder is the order of the cases in the digest: the most urgent first.
var caseOrder = [...]string{CaseRetiresFirst, CaseExtension, CaseUntilRetirement, CaseFullTerm, CaseUnknown}

func (t *termTally) add(term TermEnding) {
	t.ending++
	if i := slices.Index(caseOrder[:], term.Case); i >= 0 {
		t.byCase[i]++
	}
}

func (t *termTally) merge(o *termTally) {
	t.ending += o.ending
	t.lapsed += o.lapsed
	for i, n := range o.byCase {
		t.byCase[i] += n
	}
}

func (t *termTally) terms(until civil.Date) *Terms {
	out := &Terms{Until: until, Ending: t.ending, Lapsed: t.lapsed, ByCase: []CaseCount{}, List: []TermEnding{}}
	for i, n := range t.byCase {
		if n > 0 {
			out.ByCase = append(out.ByCase, CaseCount{caseOrder[i], n})
		}
	}
	out.List = append(out.List, t.list...)
	return out
}

func (c *Computer) planning(ctx context.Context, p period) (*Planning, bool, error) {
	yearStart := civil.Date{Year: p.end.Year, Month: time.January, Day: 1}
	cutoff := c.youngCutoff(p)
	var r planningCounts
	if err := c.get(ctx, &r, "digest-planning", p.root, p.root, yearStart, p.end, cutoff, p.end, p.end); err != nil {
		return nil, false, err
	}
	pl := c.newPlanning(p, r)
	return pl, pl.Entries == 0, nil
}

// planningCounts are the planning section's counts, which add up over units.
type planningCounts struct {
	Entries  int64 `db:"entries"`
	People   int64 `db:"people"`
	Reviewed int64 `db:"reviewed"`
	Women    int64 `db:"women"`
	Young    int64 `db:"young"`
}

func (a *planningCounts) merge(b *planningCounts) {
	a.Entries += b.Entries
	a.People += b.People
	a.Reviewed += b.Reviewed
	a.Women += b.Women
	a.Young += b.Young
}

// youngCutoff is the birth date after which a person counts as young.
func (c *Computer) youngCutoff(p period) civil.Date {
	return p.end.AddYears(-(c.Config.Jobs.PlanningReview.YoungMaxAge + 1))
}

func (c *Computer) newPlanning(p period, r planningCounts) *Planning {
	pr := c.Config.Jobs.PlanningReview
	return &Planning{
		Year: p.end.Year, Entries: r.Entries, People: r.People,
		ReviewedThisYear: r.Reviewed, NotReviewed: r.Entries - r.Reviewed,
		Women: r.Women, WomenShare: Ratio(r.Women, r.People), WomenTarget: Percent(math.Round(pr.WomenShare * 100)),
		Young: r.Young, YoungShare: Ratio(r.Young, r.People), YoungTarget: Percent(math.Round(pr.YoungShare * 100)),
		YoungMaxAge: pr.YoungMaxAge,
	}
}

// evaluationYear is the year whose rating the digest follows: the month's own
// from the month before the deadline's (when the season opens), else the
// year before.
func evaluationYear(end civil.Date, deadline string) (int, civil.Date) {
	month, day := time.December, 15
	if m, d, ok := strings.Cut(deadline, "-"); ok {
		if mi, err := strconv.Atoi(m); err == nil && mi >= 1 && mi <= 12 {
			month = time.Month(mi)
		}
		if di, err := strconv.Atoi(d); err == nil && di >= 1 && di <= 31 {
			day = di
		}
	}
	y := end.Year
	if end.Month < month-1 {
		y--
	}
	dl := civil.Date{Year: y, Month: month, Day: min(day, civil.DaysIn(y, month))}
	return y, dl
}

func (c *Computer) evaluation(ctx context.Context, p period) (*Evaluation, bool, error) {
	y, deadline := evaluationYear(p.end, c.Config.Jobs.EvaluationSeason.Deadline)
	var rows []struct {
		Rating string `db:"rating"`
		N      int64  `db:"n"`
	}
	if err := c.sel(ctx, &rows, "digest-evaluations", p.root, p.root, y, p.end, p.end); err != nil {
		return nil, false, err
	}
	counts := map[string]int64{}
	for _, r := range rows {
		counts[r.Rating] += r.N
	}
	ev := newEvaluation(p, y, deadline, counts)
	return ev, ev.Staff == 0, nil
}

// newEvaluation is the evaluation section from the people on staff by rating
// ("" for not rated yet).
func newEvaluation(p period, year int, deadline civil.Date, counts map[string]int64) *Evaluation {
	ev := &Evaluation{Year: year, Deadline: deadline, InProgress: p.end.Before(deadline)}
	rated := map[string]int64{}
	for rating, n := range counts {
		ev.Staff += n
		if rating == "" {
			ev.NotRated += n
			continue
		}
		ev.Rated += n
		rated[rating] += n
	}
	ev.Ratings = distribution(rated, highestFirst(codes.Rating))
	return ev
}

func (c *Computer) deliveries(ctx context.Context, p period) (*Deliveries, bool, error) {
	loc := c.location()
	from, to := store.T(p.start.Time(loc)), store.T(p.end.AddDays(1).Time(loc))
	var byJob []JobCount
	if err := c.sel(ctx, &byJob, "digest-failed-by-job", p.root, p.root, from, to, p.root); err != nil {
		return nil, false, err
	}
	d := &Deliveries{ByJob: []JobCount{}, List: []FailedDelivery{}}
	for _, j := range byJob {
		d.ByJob = append(d.ByJob, j)
		d.Failed += j.Count
	}
	if d.Failed == 0 {
		return d, true, nil
	}
	var list []failedRow
	if err := c.sel(ctx, &list, "digest-failed-list", p.root, p.root, from, to, p.root, listFailed); err != nil {
		return nil, false, err
	}
	for _, f := range list {
		d.List = append(d.List, f.delivery(loc))
	}
	return d, false, nil
}

// failedRow is a failed delivery as the queries return it.
type failedRow struct {
	Job       string     `db:"job"`
	Recipient string     `db:"recipient"`
	Subject   string     `db:"subject"`
	Reply     string     `db:"reply"`
	CreatedAt store.Time `db:"created_at"`
}

func (f failedRow) delivery(loc *time.Location) FailedDelivery {
	return FailedDelivery{f.Job, f.Recipient, f.Subject, oneLine(f.Reply), f.CreatedAt.In(loc).Format(time.RFC3339)}
}

// location is the agency's time zone, in which a month's deliveries are counted.
func (c *Computer) location() *time.Location {
	if c.Config.Location == nil {
		return time.UTC
	}
	return c.Config.Location
}

// Kinds of data problems, in the order the digest lists them.
var problemKinds = []string{
	"no_birth_date", "no_gender", "no_email", "no_rank", "no_education", "no_political_theory", "no_hired_on",
	"training_no_due", "unit_no_head", "unit_head_unreachable",
}

func (c *Computer) dataQuality(ctx context.Context, p period) (*DataQuality, bool, error) {
	var r problemCounts
	if err := c.get(ctx, &r, "digest-data-quality", p.root, p.root, p.end, p.end, p.end); err != nil {
		return nil, false, err
	}
	dq := newDataQuality(r, nil)
	if len(dq.Problems) == 0 {
		return dq, true, nil
	}
	if r.personal() > 0 {
		var people []personGaps
		if err := c.sel(ctx, &people, "digest-data-quality-people", p.root, p.root, p.end, p.end, listProblems); err != nil {
			return nil, false, err
		}
		for _, x := range people {
			dq.People = append(dq.People, x.problems())
		}
	}
	return dq, false, nil
}

// problemCounts count the gaps of each kind, in the order of problemKinds.
type problemCounts struct {
	NoBirthDate         int64 `db:"no_birth_date"`
	NoGender            int64 `db:"no_gender"`
	NoEmail             int64 `db:"no_email"`
	NoRank              int64 `db:"no_rank"`
	NoEducation         int64 `db:"no_education"`
	NoPoliticalTheory   int64 `db:"no_political_theory"`
	NoHiredOn           int64 `db:"no_hired_on"`
	TrainingNoDue       int64 `db:"training_no_due"`
	UnitNoHead          int64 `db:"unit_no_head"`
	UnitHeadUnreachable int64 `db:"unit_head_unreachable"`
}

func (r *problemCounts) counts() []int64 {
	return []int64{r.NoBirthDate, r.NoGender, r.NoEmail, r.NoRank, r.NoEducation, r.NoPoliticalTheory, r.NoHiredOn,
		r.TrainingNoDue, r.UnitNoHead, r.UnitHeadUnreachable}
}

// personal is the number of gaps in people's own records (the first seven kinds).
func (r *problemCounts) personal() int64 {
	var n int64
	for _, c := range r.counts()[:7] {
		n += c
	}
	return n
}

func (r *problemCounts) merge(o *problemCounts) {
	r.NoBirthDate += o.NoBirthDate
	r.NoGender += o.NoGender
	r.NoEmail += o.NoEmail
	r.NoRank += o.NoRank
	r.NoEducation += o.NoEducation
	r.NoPoliticalTheory += o.NoPoliticalTheory
	r.NoHiredOn += o.NoHiredOn
	r.TrainingNoDue += o.TrainingNoDue
	r.UnitNoHead += o.UnitNoHead
	r.UnitHeadUnreachable += o.UnitHeadUnreachable
}

// newDataQuality is the data-quality section from the counts and the first
// people with gaps.
func newDataQuality(r problemCounts, people []PersonProblems) *DataQuality {
	dq := &DataQuality{Problems: []Problem{}, People: []PersonProblems{}}
	for i, n := range r.counts() {
		if n > 0 {
			dq.Problems = append(dq.Problems, Problem{problemKinds[i], n})
		}
	}
	dq.People = append(dq.People, people...)
	return dq
}

// personGaps is a person with gaps in their record, as the queries return it.
type personGaps struct {
	Code              string `db:"code"`
	FullName          string `db:"full_name"`
	NoBirthDate       int    `db:"no_birth_date"`
	NoGender          int    `db:"no_gender"`
	NoEmail           int    `db:"no_email"`
	NoRank            int    `db:"no_rank"`
	NoEducation       int    `db:"no_education"`
	NoPoliticalTheory int    `db:"no_political_theory"`
	NoHiredOn         int    `db:"no_hired_on"`
}

func (x personGaps) problems() PersonProblems {
	pp := PersonProblems{StaffCode: x.Code, FullName: x.FullName}
	for i, f := range []int{x.NoBirthDate, x.NoGender, x.NoEmail, x.NoRank, x.NoEducation, x.NoPoliticalTheory, x.NoHiredOn} {
		if f != 0 {
			pp.Kinds = append(pp.Kinds, problemKinds[i])
		}
	}
	return pp
}

// Figures returns the report's key figures, to keep for the trend; ok is false
// when a section they come from failed.
func (r *Report) Figures() (Figures, bool) {
	if r.Workforce.Status == StatusError || r.Training.Status == StatusError || r.InTraining.Status == StatusError ||
		r.Workforce.Data == nil {
		return Figures{}, false
	}
	w := r.Workforce.Data
	f := Figures{Headcount: w.Headcount, Intellectuals: w.Intellectuals, IntellectualShare: w.IntellectualShare, Ranks: map[string]int64{}}
	for _, s := range w.Ranks {
		f.Ranks[s.Code] = s.Count
	}
	if t := r.Training.Data; t != nil {
		f.Started, f.Completed, f.Dropped = t.Totals.Month.Started, t.Totals.Month.Completed, t.Totals.Month.Dropped
	}
	if it := r.InTraining.Data; it != nil {
		f.InTraining = it.People
	}
	return f, true
}

// trend reads the figures kept for the 12 months before the report's and
// compares. It needs the report's own figures (workforce, training, in
// training) computed first.
func (c *Computer) trend(ctx context.Context, p period, r *Report) (*Trend, bool, error) {
	cur, ok := r.Figures()
	if !ok {
		return nil, false, errors.New("the month's own figures are missing (see the sections above)")
	}
	stored, err := c.loadFigures(ctx, r.Scope.Key(), p.month.Add(-12), p.month.Add(-1))
	if err != nil {
		return nil, false, err
	}
	return newTrend(p.month, r, cur, stored), false, nil
}

// newTrend compares the month's figures cur with those kept for the 12
// months before (stored, by month).
func newTrend(month Month, r *Report, cur Figures, stored map[string]Figures) *Trend {
	t := &Trend{Months: []MonthFigures{}}
	for i := -11; i < 0; i++ {
		m := month.Add(i).String()
		if f, ok := stored[m]; ok {
			t.Months = append(t.Months, MonthFigures{Month: m, Stored: true, Figures: f})
		}
	}
	t.Months = append(t.Months, MonthFigures{Month: month.String(), Figures: cur})
	change := func(m Month) *Change {
		f, ok := stored[m.String()]
		if !ok {
			return nil
		}
		return &Change{Month: m.String(), Headcount: cur.Headcount - f.Headcount,
			IntellectualShare: cur.IntellectualShare - f.IntellectualShare,
			Completed:         cur.Completed - f.Completed, InTraining: cur.InTraining - f.InTraining}
	}
	t.PreviousMonth = change(month.Add(-1))
	t.YearAgo = change(month.Add(-12))
	if f, ok := stored[month.Add(-12).String()]; ok && r.Workforce.Data != nil {
		t.YearAgoRanks = distribution(f.Ranks, highestFirst(codes.Rank))
	}
	return t
}

func (c *Computer) loadFigures(ctx context.Context, scope string, from, to Month) (map[string]Figures, error) {
	var rows []struct {
		Month   string `db:"month"`
		Figures string `db:"figures"`
	}
	if err := c.sel(ctx, &rows, "digest-figures-load", scope, from.String(), to.String()); err != nil {
		return nil, err
	}
	out := make(map[string]Figures, len(rows))
	for _, row := range rows {
		var f Figures
		if err := json.Unmarshal([]byte(row.Figures), &f); err != nil {
			return nil, fmt.Errorf("figures kept for %s: %w", row.Month, err)
		}
		out[row.Month] = f
	}
	return out, nil
}

// SaveFigures keeps the key figures of reports (those whose figures are
// whole), so later digests can show the trend. slot is the run that computed
// them. It writes in one transaction.
func (c *Computer) SaveFigures(ctx context.Context, slot time.Time, reports []*Report) error {
	return c.Store.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		w := c.FigureWriter(tx, slot)
		for _, r := range reports {
			if err := w.Add(ctx, r); err != nil {
				return err
			}
		}
		return w.Flush(ctx)
	})
}

// FigureWriter keeps the figures of many reports in a transaction, a few
// hundred rows to a statement (the monthly-digest job keeps every scope's).
type FigureWriter struct {
	tx      *store.Tx
	slot    time.Time
	rows    []store.Figures
	pending map[[2]string]bool // month and scope of the rows
}

// figuresPerInsert rows of 4 values: well under SQLite's 32766 parameters.
const figuresPerInsert = 500

// FigureWriter returns a writer of figures kept by the run of slot, in tx.
func (c *Computer) FigureWriter(tx *store.Tx, slot time.Time) *FigureWriter {
	return &FigureWriter{tx: tx, slot: slot, pending: map[[2]string]bool{}}
}

// Add keeps r's figures, unless a section they come from failed.
func (w *FigureWriter) Add(ctx context.Context, r *Report) error {
	f, ok := r.Figures()
	if !ok {
		return nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	key := [2]string{r.Month, r.Scope.Key()}
	if w.pending[key] || len(w.pending) == figuresPerInsert {
		// A statement may not update one row twice: the later figures go in the next.
		if err := w.Flush(ctx); err != nil {
			return err
		}
	}
	w.pending[key] = true
	w.rows = append(w.rows, store.Figures{Month: r.Month, Scope: r.Scope.Key(), JSON: string(b)})
	return nil
}

// Flush writes the figures added since the last flush.
func (w *FigureWriter) Flush(ctx context.Context) error {
	if err := w.tx.KeepFigures(ctx, w.slot, w.rows); err != nil {
		return err
	}
	w.rows, w.pending = w.rows[:0], map[[2]string]bool{}
	return nil
}

// UnitHead is a unit whose head gets the unit's digest.
type UnitHead struct {
	Code      string `db:"code"`
	Name      string `db:"name"`
	HeadCode  string `db:"head_code"`
	HeadName  string `db:"head_name"`
	HeadEmail string `db:"head_email"`
}

// UnitHeads lists the units whose head is on staff on day and has an address.
func (c *Computer) UnitHeads(ctx context.Context, day civil.Date) ([]UnitHead, error) {
	var out []UnitHead
	err := c.EachUnitHead(ctx, day, func(h UnitHead) error {
		out = append(out, h)
		return nil
	})
	return out, err
}

// EachUnitHead hands fn, one at a time, the units whose head is on staff on
// day and has an address, by unit code.
func (c *Computer) EachUnitHead(ctx context.Context, day civil.Date, fn func(UnitHead) error) error {
	c.trace("digest-unit-heads", []any{day})
	rows, err := c.Store.Query(ctx, "digest-unit-heads", day)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h UnitHead
		if err := rows.StructScan(&h); err != nil {
			return fmt.Errorf("digest-unit-heads: %w", err)
		}
		if err := fn(h); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("digest-unit-heads: %w", err)
	}
	return nil
}
