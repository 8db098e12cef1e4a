package digest

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
)

// EachScope computes the digests of month for every scope at once: each
// unit's (with its sub-units) and the agency's. Each section is one query for
// all units (store/queries/digest-units.sql), read in the order of the unit
// tree; a unit's figures are its own plus its sub-units', added up as the
// walk leaves each sub-unit, and the lists keep their first few rows per
// scope. Only the units on the path from the root to the current one are
// held, so memory does not grow with the number of units or people.
//
// fn gets each scope's report as soon as its sub-units are done: sub-units
// before their unit, the agency last. head is the unit's head when they are
// on staff at the month's end with an address (as UnitHeads), nil otherwise
// and for the agency. The report is fn's to keep or drop. A section that
// fails is marked so in every report it could not be computed for;
// EachScope itself fails when the units cannot be read or fn fails.
//
// Where the store's read pool allows a reader walkCursors cursors at once
// (PostgreSQL), the queries are read side by side, each on its own
// connection, as the walk goes. SQLite's pool is smaller, and a SQLite
// agency is small: there each query is read whole, one after another.
func (c *Computer) EachScope(ctx context.Context, month Month, fn func(r *Report, head *UnitHead) error) error {
	return c.walk(ctx, month, "", true, fn)
}

// walk is EachScope restricted to the subtree of the unit root ("" for the
// agency: every unit): the queries count only the root's units. With every,
// fn gets the report of every scope in the subtree (and the agency's when
// root is ""); otherwise only the root's scope is reported, and the reports
// of the scopes below it are not built (Compute).
func (c *Computer) walk(ctx context.Context, month Month, root string, every bool, fn func(r *Report, head *UnitHead) error) error {
	p := period{month: month, start: month.First(), end: month.Last(), root: root}
	w := &walk{c: c, p: p, fn: fn, loc: c.location(), every: every}
	var top Scope
	if err := c.scope(ctx, p, &top); err != nil {
		return err
	}
	// What is the same for every scope is read once (the plan here, the
	// agency's targets and deliveries beside the per-unit queries).
	w.plan, w.planErr = c.plan(ctx, p.end)
	if root == "" {
		w.agencySelfReported = c.agencySelfReported(ctx, p)
	}
	w.evalYear, w.evalDeadline = evaluationYear(p.end, c.Config.Jobs.EvaluationSeason.Deadline)

	live := c.Store.CursorsAtOnce() >= walkCursors
	defer w.close()
	if err := w.open(ctx, live); err != nil {
		return err
	}

	// The walk starts from the agency (depth 0), which holds the root units;
	// for a unit's subtree, it holds that unit only and is not reported.
	agency := top
	if root != "" {
		agency = Scope{Kind: ScopeAgency}
	}
	agency.Units = 0 // the units are counted as the walk leaves them
	base := &acc{scope: agency}
	w.own(base)
	stack := []*acc{base}
	for w.units.ok {
		u := w.units.row
		w.units.advance()
		// Pre-order: the units deeper than or level with u are complete.
		for len(stack) > 1 && stack[len(stack)-1].depth >= u.Depth {
			if err := w.finish(stack); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
		}
		a := &acc{depth: u.Depth, path: u.Path, scope: Scope{Kind: ScopeUnit, Code: u.Code, Name: u.Name, Units: 1}}
		if u.HeadEmail != "" {
			a.head = &UnitHead{Code: u.Code, Name: u.Name, HeadCode: u.HeadCode, HeadName: u.HeadName, HeadEmail: u.HeadEmail}
		}
		w.own(a)
		stack = append(stack, a)
	}
	if w.units.err != nil {
		return w.units.err
	}
	for len(stack) > 0 {
		if err := w.finish(stack); err != nil {
			return err
		}
		stack = stack[:len(stack)-1]
	}
	return ctx.Err()
}

// walkCursors is how many per-unit queries a walk reads side by side.
const walkCursors = 13

// walk is one EachScope or Compute: the cursors of the per-unit queries and
// what every scope shares.
type walk struct {
	c     *Computer
	p     period // p.root: the subtree's root unit, "" for the agency
	fn    func(*Report, *UnitHead) error
	loc   *time.Location
	every bool // report every scope, not only the root's

	plan             *Plan
	planErr          error
	targets          []targetRow
	targetsErr       error
	agencyDeliveries Section[Deliveries]
	evalYear         int
	evalDeadline     civil.Date

	// agencySelfReported: answers.go.
	agencySelfReported *Section[SelfReported]

	units      *cursor[unitRow, *unitRow]
	workforce  *cursor[workforceRow, *workforceRow]
	training   *cursor[trainingRow, *trainingRow]
	inTraining *cursor[inTrainingRow, *inTrainingRow]
	scopeDone  *cursor[scopeDoneRow, *scopeDoneRow]
	refresher  *cursor[refresherRow, *refresherRow]
	due        *cursor[dueRow, *dueRow]
	terms      *cursor[termsRow, *termsRow]
	planning   *cursor[planningRow, *planningRow]
	evaluation *cursor[evaluationRow, *evaluationRow]
	failed     *cursor[failedUnitRow, *failedUnitRow]
	quality    *cursor[qualityRow, *qualityRow]
	figures    *cursor[figuresRow, *figuresRow]
	closersMu  sync.Mutex
	closers    []func()
}

// listedUnits is how many units a scope may have for the per-unit queries to
// read its people by unit (the codes are query parameters); a larger scope's
// are read as the agency's are, and restricted to the scope at the end. (A
// variable for the tests.)
var listedUnits = 2000

func (w *walk) open(ctx context.Context, live bool) error {
	p, c := w.p, w.c
	// Every query starts with its scope (the root twice), and most filter
	// the rows they count by the scope's units ("filter" in
	// digest-units.sql): for a unit's scope, the root and its units' codes,
	// read first; for the agency, "" and no code (the filter is then true).
	scope := []any{p.root, p.root}
	filter := []any{"", []string{""}}
	if p.root != "" {
		w.units = openCursor[unitRow](ctx, w, false, "digest-units", p.root, p.root, p.end)
		if w.units.err != nil {
			return w.units.err
		}
		if n := len(w.units.buf) + 1; w.units.ok && n <= listedUnits {
			codes := make([]string, 0, n)
			codes = append(codes, w.units.row.Code)
			for _, u := range w.units.buf {
				codes = append(codes, u.Code)
			}
			filter = []any{p.root, codes}
		}
	}
	args := func(parts ...[]any) []any { return slices.Concat(parts...) }
	planStart, from := planPeriod(w.plan, p)
	e := p.end
	yearStart := civil.Date{Year: e.Year, Month: time.January, Day: 1}
	// Each query runs until its first row (its sorts done); on PostgreSQL
	// c.Parallel of them at once.
	parallel := 1
	if live {
		parallel = max(c.Parallel, 1)
	}
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	start := func(f func()) {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			f()
		}()
	}
	// The longest first, so that the short ones fill in beside them.
	start(func() { w.targets, w.targetsErr = c.agencyTargets(ctx, p) })
	if p.root == "" {
		start(func() { fill(&w.agencyDeliveries, func() (*Deliveries, bool, error) { return c.deliveries(ctx, p) }) })
	}
	start(func() {
		w.refresher = openCursor[refresherRow](ctx, w, live, "digest-units-refresher", args(scope, filter,
			[]any{yearStart, e, c.Config.Jobs.RefresherHours.Categories}, filter,
			[]any{e, e, c.Config.Rules.RefresherMinHours, listBehind})...)
	})
	start(func() {
		w.workforce = openCursor[workforceRow](ctx, w, live, "digest-units-workforce", args(scope, filter, []any{e, e})...)
	})
	start(func() {
		w.training = openCursor[trainingRow](ctx, w, live, "digest-units-training", args(scope,
			[]any{p.start, e, p.start, e, p.start, e, planStart, e, planStart, e, planStart, e}, filter,
			[]any{from, from, from, e})...)
	})
	start(func() {
		w.scopeDone = openCursor[scopeDoneRow](ctx, w, live, "digest-units-targets", args(scope, []any{e, p.start}, filter,
			[]any{e})...)
	})
	start(func() {
		w.due = openCursor[dueRow](ctx, w, live, "digest-units-due", args(scope, filter,
			[]any{e, e, e, e.AddDays(dueDays), e, e, e, e, e, e, e, e, e, listOverdue})...)
	})
	start(func() {
		w.quality = openCursor[qualityRow](ctx, w, live, "digest-units-data-quality", args(scope, filter,
			[]any{e, e, e}, filter, []any{listProblems})...)
	})
	start(func() {
		w.inTraining = openCursor[inTrainingRow](ctx, w, live, "digest-units-in-training", args(scope, filter,
			[]any{e, e, e, e})...)
	})
	start(func() {
		w.planning = openCursor[planningRow](ctx, w, live, "digest-units-planning", args(scope,
			[]any{yearStart, e, c.youngCutoff(p)}, filter, []any{e, e})...)
	})
	start(func() {
		w.evaluation = openCursor[evaluationRow](ctx, w, live, "digest-units-evaluations", args(scope,
			[]any{w.evalYear}, filter, []any{e, e})...)
	})
	start(func() {
		w.terms = openCursor[termsRow](ctx, w, live, "digest-units-terms", args(scope, filter,
			[]any{e, e, e, e.AddMonths(termMonths)})...)
	})
	start(func() {
		w.failed = openCursor[failedUnitRow](ctx, w, live, "digest-units-failed", args(scope, filter,
			[]any{store.T(p.start.Time(w.loc)), store.T(e.AddDays(1).Time(w.loc)), listFailed, listFailed, listFailed})...)
	})
	start(func() {
		w.figures = openCursor[figuresRow](ctx, w, live, "digest-units-figures", args(scope,
			[]any{p.month.Add(-12).String(), p.month.Add(-1).String(), p.root})...)
	})
	if w.units == nil {
		start(func() { w.units = openCursor[unitRow](ctx, w, live, "digest-units", args(scope, []any{e})...) })
	}
	wg.Wait()
	if w.units.err != nil {
		return w.units.err
	}
	return nil
}

func (w *walk) close() {
	for _, f := range w.closers {
		f()
	}
}

// acc is a scope being summed: its unit's own figures, then each sub-unit's
// as the walk leaves it.
type acc struct {
	depth int    // 0 for the agency, 1 for a root unit
	path  string // the unit's place in tree order (unit_tree.path); "" for the agency
	scope Scope
	head  *UnitHead

	workforce  margins
	training   map[[2]string]TrainingRow
	inTraining InTraining // the totals; ByCategory is built at the end from byCategory
	byCategory map[string]CategoryCount
	scopeDone  map[int64]int64
	refresher  struct {
		people, meeting int64
		hours           float64
		behind          []ordered[PersonHours]
	}
	due struct {
		total      Due
		byCategory map[string]DueCategory
		overdue    []ordered[OverdueTraining]
	}
	terms struct {
		tally termTally
		list  []ordered[TermEnding]
	}
	planning   planningCounts
	evaluation map[string]int64
	failed     struct {
		byJob  map[string]int64
		shared map[int64]string // deliveries to an address of several units: id → job
		list   []ordered[FailedDelivery]
	}
	quality struct {
		counts problemCounts
		people []ordered[PersonProblems]
	}
	figures    map[string]Figures // kept for this scope itself, by month; not added up
	figuresErr error
}

// ordered is a list entry with its place in the list's order (ord, from the
// database; for failed deliveries the newest first by time, then id).
type ordered[T any] struct {
	ord  int64
	at   time.Time
	item T
}

// firstN merges two lists in order and keeps the first n. For failed
// deliveries (byTime) a delivery to a shared address appears once.
func firstN[T any](a, b []ordered[T], n int, byTime bool) []ordered[T] {
	if len(b) == 0 {
		return a
	}
	out := make([]ordered[T], 0, min(n, len(a)+len(b)))
	less := func(x, y ordered[T]) int {
		if byTime {
			if c := y.at.Compare(x.at); c != 0 {
				return c
			}
			return cmp.Compare(y.ord, x.ord)
		}
		return cmp.Compare(x.ord, y.ord)
	}
	i, j := 0, 0
	for len(out) < n && (i < len(a) || j < len(b)) {
		var next ordered[T]
		switch {
		case j >= len(b) || (i < len(a) && less(a[i], b[j]) <= 0):
			next = a[i]
			i++
			if j < len(b) && less(next, b[j]) == 0 {
				j++ // the same delivery in both lists
			}
		default:
			next = b[j]
			j++
		}
		out = append(out, next)
	}
	return out
}

func items[T any](list []ordered[T]) []T {
	out := make([]T, len(list))
	for i, o := range list {
		out[i] = o.item
	}
	return out
}

// own reads a's own rows from every query.
func (w *walk) own(a *acc) {
	pos, code := a.path, a.scope.Key() // the agency: path "", code ""
	w.workforce.take(pos, code, func(r *workforceRow) {
		dim := map[string]int{"r": dimRank, "e": dimEducation, "p": dimTheory}[r.Dim]
		a.workforce.add(dim, r.Value, r.N)
	})
	w.training.take(pos, code, func(r *trainingRow) {
		if a.training == nil {
			a.training = map[[2]string]TrainingRow{}
		}
		a.training[[2]string{r.Category, r.Level}] = TrainingRow{Category: r.Category, Level: r.Level,
			Month:          Counts{r.StartedMonth, r.CompletedMonth, r.DroppedMonth},
			SincePlanStart: Counts{r.StartedPlan, r.CompletedPlan, r.DroppedPlan}}
	})
	w.inTraining.take(pos, code, func(r *inTrainingRow) {
		if r.Category == "" {
			a.inTraining.People, a.inTraining.Participations = r.People, r.Participations
			return
		}
		if a.byCategory == nil {
			a.byCategory = map[string]CategoryCount{}
		}
		a.byCategory[r.Category] = CategoryCount{r.Category, r.People, r.Participations}
	})
	w.scopeDone.take(pos, code, func(r *scopeDoneRow) {
		if a.scopeDone == nil {
			a.scopeDone = map[int64]int64{}
		}
		a.scopeDone[r.ID] = r.ScopeDone
	})
	w.refresher.take(pos, code, func(r *refresherRow) {
		a.refresher.people, a.refresher.meeting, a.refresher.hours = r.People, r.Meeting, r.TotalHours
		a.refresher.behind = append(a.refresher.behind, ordered[PersonHours]{ord: r.Ord,
			item: PersonHours{StaffCode: r.StaffCode, FullName: r.FullName, Unit: r.Unit, Hours: r.Hours}})
	})
	w.due.take(pos, code, func(r *dueRow) {
		switch {
		case r.Kind == "o":
			a.due.overdue = append(a.due.overdue, ordered[OverdueTraining]{ord: r.Ord, item: r.overdueRow.training(w.p.end)})
		case r.Category == "":
			t := &a.due.total
			t.Due, t.DuePeople, t.Overdue, t.OverduePeople = r.Due, r.DuePeople, r.Overdue, r.OverduePeople
		default:
			if a.due.byCategory == nil {
				a.due.byCategory = map[string]DueCategory{}
			}
			a.due.byCategory[r.Category] = DueCategory{r.Category, r.Due, r.Overdue}
		}
	})
	w.terms.take(pos, code, func(r *termsRow) {
		term, ok := w.c.termOf(r.termRow, w.p)
		if !ok {
			a.terms.tally.lapsed++
			return
		}
		a.terms.tally.add(term)
		if len(a.terms.list) < listTerms {
			a.terms.list = append(a.terms.list, ordered[TermEnding]{ord: r.Ord, item: term})
		}
	})
	w.planning.take(pos, code, func(r *planningRow) { a.planning = r.planningCounts })
	w.evaluation.take(pos, code, func(r *evaluationRow) {
		if a.evaluation == nil {
			a.evaluation = map[string]int64{}
		}
		a.evaluation[r.Rating] += r.N
	})
	w.failed.take(pos, code, func(r *failedUnitRow) {
		f := &a.failed
		if r.Units > 1 {
			if f.shared == nil {
				f.shared = map[int64]string{}
			}
			f.shared[r.ID] = r.Job
		} else {
			if f.byJob == nil {
				f.byJob = map[string]int64{}
			}
			f.byJob[r.Job]++
		}
		if len(f.list) < listFailed {
			row := failedRow{Job: r.Job, Recipient: r.Recipient, Subject: r.Subject, Reply: r.Reply, CreatedAt: r.CreatedAt}
			f.list = append(f.list, ordered[FailedDelivery]{ord: r.ID, at: r.CreatedAt.Time, item: row.delivery(w.loc)})
		}
	})
	w.quality.take(pos, code, func(r *qualityRow) {
		if r.Kind == "q" {
			a.quality.counts = r.problemCounts
			return
		}
		g := personGaps{Code: r.StaffCode, FullName: r.FullName, NoBirthDate: int(r.NoBirthDate), NoGender: int(r.NoGender),
			NoEmail: int(r.NoEmail), NoRank: int(r.NoRank), NoEducation: int(r.NoEducation),
			NoPoliticalTheory: int(r.NoPoliticalTheory), NoHiredOn: int(r.NoHiredOn)}
		a.quality.people = append(a.quality.people, ordered[PersonProblems]{ord: r.Ord, item: g.problems()})
	})
	w.figures.take(pos, code, func(r *figuresRow) {
		var f Figures
		if err := json.Unmarshal([]byte(r.Figures), &f); err != nil {
			a.figuresErr = fmt.Errorf("figures kept for %s: %w", r.Month, err)
			return
		}
		if a.figures == nil {
			a.figures = map[string]Figures{}
		}
		a.figures[r.Month] = f
	})
}

// merge adds sub-unit b's figures to a's.
func (a *acc) merge(b *acc) {
	a.scope.Units += b.scope.Units
	a.workforce.merge(&b.workforce)
	for k, r := range b.training {
		if a.training == nil {
			a.training = map[[2]string]TrainingRow{}
		}
		t := a.training[k]
		t.Category, t.Level = r.Category, r.Level
		add(&t.Month, r.Month)
		add(&t.SincePlanStart, r.SincePlanStart)
		a.training[k] = t
	}
	a.inTraining.People += b.inTraining.People
	a.inTraining.Participations += b.inTraining.Participations
	for k, r := range b.byCategory {
		if a.byCategory == nil {
			a.byCategory = map[string]CategoryCount{}
		}
		t := a.byCategory[k]
		t.Category, t.People, t.Participations = k, t.People+r.People, t.Participations+r.Participations
		a.byCategory[k] = t
	}
	for id, n := range b.scopeDone {
		if a.scopeDone == nil {
			a.scopeDone = map[int64]int64{}
		}
		a.scopeDone[id] += n
	}
	a.refresher.people += b.refresher.people
	a.refresher.meeting += b.refresher.meeting
	a.refresher.hours += b.refresher.hours
	a.refresher.behind = firstN(a.refresher.behind, b.refresher.behind, listBehind, false)
	t, u := &a.due.total, &b.due.total
	t.Due, t.DuePeople, t.Overdue, t.OverduePeople = t.Due+u.Due, t.DuePeople+u.DuePeople, t.Overdue+u.Overdue, t.OverduePeople+u.OverduePeople
	for k, r := range b.due.byCategory {
		if a.due.byCategory == nil {
			a.due.byCategory = map[string]DueCategory{}
		}
		d := a.due.byCategory[k]
		d.Category, d.Due, d.Overdue = k, d.Due+r.Due, d.Overdue+r.Overdue
		a.due.byCategory[k] = d
	}
	a.due.overdue = firstN(a.due.overdue, b.due.overdue, listOverdue, false)
	a.terms.tally.merge(&b.terms.tally)
	a.terms.list = firstN(a.terms.list, b.terms.list, listTerms, false)
	a.planning.merge(&b.planning)
	for k, n := range b.evaluation {
		if a.evaluation == nil {
			a.evaluation = map[string]int64{}
		}
		a.evaluation[k] += n
	}
	for k, n := range b.failed.byJob {
		if a.failed.byJob == nil {
			a.failed.byJob = map[string]int64{}
		}
		a.failed.byJob[k] += n
	}
	if len(b.failed.shared) > 0 {
		if a.failed.shared == nil {
			a.failed.shared = map[int64]string{}
		}
		maps.Copy(a.failed.shared, b.failed.shared)
	}
	a.failed.list = firstN(a.failed.list, b.failed.list, listFailed, true)
	a.quality.counts.merge(&b.quality.counts)
	a.quality.people = firstN(a.quality.people, b.quality.people, listProblems, false)
}

// finish hands the report of the scope on top of the stack to fn (when the
// walk reports it) and adds its figures to its parent's.
func (w *walk) finish(stack []*acc) error {
	a := stack[len(stack)-1]
	// The agency is reported in the agency's walk only; with every, each
	// scope; otherwise only the root's.
	reported := a.depth > 0 || w.p.root == ""
	if !w.every {
		reported = reported && a.scope.Key() == w.p.root
	}
	if reported {
		if err := w.fn(w.report(a), a.head); err != nil {
			return err
		}
	}
	if len(stack) > 1 {
		stack[len(stack)-2].merge(a)
	}
	return nil
}

// sectionErr is the error of a query read for the scopes finished from now
// on: a scope finished after a query failed may lack some of its rows. It
// starts with the query's name.
func sectionErr[T any, PT rowOf[T]](k *cursor[T, PT]) error { return k.err }

// report builds a's digest from its sums, section by section.
func (w *walk) report(a *acc) *Report {
	p := w.p
	if a.scope.Kind == ScopeUnit {
		p.root = a.scope.Code
	}
	r := &Report{Version: Version, Month: p.month.String(), AsOf: p.end, Scope: a.scope}
	fill(&r.Workforce, func() (*Workforce, bool, error) {
		if err := sectionErr(w.workforce); err != nil {
			return nil, false, err
		}
		x := a.workforce.workforce()
		return x, x.Headcount == 0, nil
	})
	fill(&r.Training, func() (*Training, bool, error) {
		if err := errors.Join(w.planErr, sectionErr(w.training)); err != nil {
			return nil, false, err
		}
		x := newTraining(w.plan, slices.Collect(maps.Values(a.training)))
		return x, len(x.Rows) == 0, nil
	})
	fill(&r.InTraining, func() (*InTraining, bool, error) {
		if err := sectionErr(w.inTraining); err != nil {
			return nil, false, err
		}
		x := &InTraining{People: a.inTraining.People, Participations: a.inTraining.Participations,
			ByCategory: slices.Collect(maps.Values(a.byCategory))}
		if x.ByCategory == nil {
			x.ByCategory = []CategoryCount{}
		}
		sortInTraining(x)
		return x, x.Participations == 0, nil
	})
	fill(&r.Targets, func() (*Targets, bool, error) {
		err := w.targetsErr
		if p.root != "" {
			err = errors.Join(err, sectionErr(w.scopeDone))
		}
		if err != nil {
			return nil, false, err
		}
		x := newTargets(w.targets, a.scopeDone, p)
		return x, len(x.Rows) == 0, nil
	})
	fill(&r.Refresher, func() (*Refresher, bool, error) {
		if err := sectionErr(w.refresher); err != nil {
			return nil, false, err
		}
		f := &a.refresher
		x := newRefresher(p, w.c.Config.Rules.RefresherMinHours, f.people, f.meeting, f.hours, items(f.behind))
		return x, x.People == 0, nil
	})
	fill(&r.Due, func() (*Due, bool, error) {
		if err := sectionErr(w.due); err != nil {
			return nil, false, err
		}
		x := &Due{Days: dueDays, Due: a.due.total.Due, DuePeople: a.due.total.DuePeople,
			Overdue: a.due.total.Overdue, OverduePeople: a.due.total.OverduePeople,
			ByCategory: slices.Collect(maps.Values(a.due.byCategory)), MostOverdue: items(a.due.overdue)}
		if x.ByCategory == nil {
			x.ByCategory = []DueCategory{}
		}
		sortDue(x)
		return x, x.Due+x.Overdue == 0, nil
	})
	fill(&r.Terms, func() (*Terms, bool, error) {
		if err := sectionErr(w.terms); err != nil {
			return nil, false, err
		}
		t := a.terms.tally
		t.list = items(a.terms.list)
		x := t.terms(p.end.AddMonths(termMonths))
		return x, x.Ending+x.Lapsed == 0, nil
	})
	fill(&r.Planning, func() (*Planning, bool, error) {
		if err := sectionErr(w.planning); err != nil {
			return nil, false, err
		}
		x := w.c.newPlanning(p, a.planning)
		return x, x.Entries == 0, nil
	})
	fill(&r.Evaluation, func() (*Evaluation, bool, error) {
		if err := sectionErr(w.evaluation); err != nil {
			return nil, false, err
		}
		x := newEvaluation(p, w.evalYear, w.evalDeadline, a.evaluation)
		return x, x.Staff == 0, nil
	})
	if a.scope.Kind == ScopeAgency {
		r.Deliveries = w.agencyDeliveries
		r.SelfReported = w.agencySelfReported
	} else {
		fill(&r.Deliveries, func() (*Deliveries, bool, error) {
			if err := sectionErr(w.failed); err != nil {
				return nil, false, err
			}
			x := unitDeliveries(a)
			return x, x.Failed == 0, nil
		})
	}
	fill(&r.DataQuality, func() (*DataQuality, bool, error) {
		if err := sectionErr(w.quality); err != nil {
			return nil, false, err
		}
		x := newDataQuality(a.quality.counts, items(a.quality.people))
		return x, len(x.Problems) == 0, nil
	})
	fill(&r.Trend, func() (*Trend, bool, error) {
		cur, ok := r.Figures()
		if !ok {
			return nil, false, errors.New("the month's own figures are missing (see the sections above)")
		}
		if err := errors.Join(sectionErr(w.figures), a.figuresErr); err != nil {
			return nil, false, err
		}
		return newTrend(p.month, r, cur, a.figures), false, nil
	})
	return r
}

// unitDeliveries counts a unit scope's failed deliveries by job, the most
// first, a delivery to an address shared by several units once.
func unitDeliveries(a *acc) *Deliveries {
	byJob := maps.Clone(a.failed.byJob)
	if byJob == nil {
		byJob = map[string]int64{}
	}
	for _, job := range a.failed.shared {
		byJob[job]++
	}
	d := &Deliveries{ByJob: []JobCount{}, List: items(a.failed.list)}
	for job, n := range byJob {
		d.ByJob = append(d.ByJob, JobCount{Job: job, Count: n})
		d.Failed += n
	}
	slices.SortFunc(d.ByJob, func(x, y JobCount) int {
		if x.Count != y.Count {
			return cmp.Compare(y.Count, x.Count)
		}
		return cmp.Compare(x.Job, y.Job)
	})
	return d
}

// rowOf is a row type of a per-unit query: where its columns are scanned to,
// and the unit it belongs to.
type rowOf[T any] interface {
	*T
	dest() []any
	unit() (path, code string)
}

// A cursor reads one per-unit query in tree order: either from the database
// as the walk goes (live), or from the rows read whole beforehand.
type cursor[T any, PT rowOf[T]] struct {
	name string
	rows *sqlx.Rows
	buf  []T
	row  T // the current row, when ok
	ok   bool
	err  error
}

// openCursor runs the named query (with an IN list when an argument is a
// slice) and reads its first row. An error is kept in the cursor: the
// section it feeds fails, the others go on.
func openCursor[T any, PT rowOf[T]](ctx context.Context, w *walk, live bool, name string, args ...any) *cursor[T, PT] {
	k := &cursor[T, PT]{name: name}
	w.c.trace(name, args)
	rows, err := w.c.Store.Query(ctx, name, args...)
	if err != nil {
		k.err = err
		return k
	}
	k.rows = rows
	w.closersMu.Lock()
	w.closers = append(w.closers, func() { rows.Close() })
	w.closersMu.Unlock()
	if !live {
		for k.read() {
			k.buf = append(k.buf, k.row)
		}
		slices.Reverse(k.buf) // taken from the end
	}
	k.advance()
	return k
}

// read scans the next row of the query into k.row.
func (k *cursor[T, PT]) read() bool {
	if k.rows == nil {
		return false
	}
	if k.rows.Next() {
		var r T
		if err := k.rows.Scan(PT(&r).dest()...); err != nil {
			k.err = fmt.Errorf("%s: %w", k.name, err)
			k.rows.Close()
			k.rows = nil
			return false
		}
		k.row = r
		return true
	}
	if err := k.rows.Err(); err != nil && k.err == nil {
		k.err = fmt.Errorf("%s: %w", k.name, err)
	}
	k.rows.Close()
	k.rows = nil
	return false
}

func (k *cursor[T, PT]) advance() {
	if k.buf != nil || k.rows == nil {
		if n := len(k.buf); n > 0 {
			k.row, k.ok = k.buf[n-1], true
			k.buf = k.buf[:n-1]
			return
		}
		k.ok = false
		return
	}
	k.ok = k.read()
}

// take hands f the rows of the unit at path pos, in the query's order. A row
// of a unit the walk has passed, or a different unit at pos, means the units
// changed between the queries (an import meanwhile): the section fails.
func (k *cursor[T, PT]) take(pos, code string, f func(*T)) {
	for k.err == nil && k.ok {
		p, c := PT(&k.row).unit()
		if p > pos {
			return
		}
		if p < pos || c != code {
			k.err = fmt.Errorf("%s: the units changed while the digest was computed; run it again", k.name)
			k.ok = false
			return
		}
		f(&k.row)
		k.advance()
	}
}

// The rows of the per-unit queries (store/queries/digest-units.sql).
type (
	unitRow struct {
		Path                          string
		Code, Name                    string
		Depth                         int
		HeadCode, HeadName, HeadEmail string
	}
	workforceRow struct {
		Path             string
		Code, Dim, Value string
		N                int64
	}
	trainingRow struct {
		Path                                                                                string
		Code, Category, Level                                                               string
		StartedMonth, CompletedMonth, DroppedMonth, StartedPlan, CompletedPlan, DroppedPlan int64
	}
	inTrainingRow struct {
		Path                   string
		Code, Category         string
		Participations, People int64
	}
	scopeDoneRow struct {
		Path          string
		Code          string
		ID, ScopeDone int64
	}
	refresherRow struct {
		Path                      string
		Code                      string
		People, Meeting           int64
		TotalHours                float64
		StaffCode, FullName, Unit string
		Hours                     float64
		Ord                       int64
	}
	dueRow struct {
		Path                                   string
		Code, Kind, Category                   string
		Due, DuePeople, Overdue, OverduePeople int64
		overdueRow
		Ord int64
	}
	termsRow struct {
		Path string
		Code string
		termRow
		Ord int64
	}
	planningRow struct {
		Path string
		Code string
		planningCounts
	}
	evaluationRow struct {
		Path         string
		Code, Rating string
		N            int64
	}
	failedUnitRow struct {
		Path                      string
		Code                      string
		ID                        int64
		Job                       string
		Units                     int64
		CreatedAt                 store.Time
		Recipient, Subject, Reply string
	}
	qualityRow struct {
		Path       string
		Code, Kind string
		problemCounts
		StaffCode, FullName string
		Ord                 int64
	}
	figuresRow struct {
		Path                 string
		Code, Month, Figures string
	}
)

func (r *unitRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.Name, &r.Depth, &r.HeadCode, &r.HeadName, &r.HeadEmail}
}
func (r *unitRow) unit() (string, string) { return r.Path, r.Code }

func (r *workforceRow) dest() []any             { return []any{&r.Path, &r.Code, &r.Dim, &r.Value, &r.N} }
func (r *workforceRow) unit() (string, string)  { return r.Path, r.Code }
func (r *inTrainingRow) unit() (string, string) { return r.Path, r.Code }
func (r *scopeDoneRow) unit() (string, string)  { return r.Path, r.Code }
func (r *refresherRow) unit() (string, string)  { return r.Path, r.Code }
func (r *dueRow) unit() (string, string)        { return r.Path, r.Code }
func (r *termsRow) unit() (string, string)      { return r.Path, r.Code }
func (r *planningRow) unit() (string, string)   { return r.Path, r.Code }
func (r *evaluationRow) unit() (string, string) { return r.Path, r.Code }
func (r *failedUnitRow) unit() (string, string) { return r.Path, r.Code }
func (r *qualityRow) unit() (string, string)    { return r.Path, r.Code }
func (r *figuresRow) unit() (string, string)    { return r.Path, r.Code }
func (r *trainingRow) unit() (string, string)   { return r.Path, r.Code }
func (r *inTrainingRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.Category, &r.Participations, &r.People}
}
func (r *scopeDoneRow) dest() []any  { return []any{&r.Path, &r.Code, &r.ID, &r.ScopeDone} }
func (r *evaluationRow) dest() []any { return []any{&r.Path, &r.Code, &r.Rating, &r.N} }
func (r *figuresRow) dest() []any    { return []any{&r.Path, &r.Code, &r.Month, &r.Figures} }
func (r *planningRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.Entries, &r.People, &r.Reviewed, &r.Women, &r.Young}
}

func (r *trainingRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.Category, &r.Level, &r.StartedMonth, &r.CompletedMonth, &r.DroppedMonth,
		&r.StartedPlan, &r.CompletedPlan, &r.DroppedPlan}
}

func (r *refresherRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.People, &r.Meeting, &r.TotalHours, &r.StaffCode, &r.FullName, &r.Unit, &r.Hours, &r.Ord}
}

func (r *dueRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.Kind, &r.Category, &r.Due, &r.DuePeople, &r.Overdue, &r.OverduePeople,
		&r.StaffCode, &r.FullName, &r.CourseCode, &r.CourseName, &r.DueOn, &r.Ord}
}

func (r *termsRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.StaffCode, &r.FullName, &r.Position, &r.Unit, &r.EndOn, &r.BirthDate, &r.Gender, &r.Ord}
}

func (r *failedUnitRow) dest() []any {
	return []any{&r.Path, &r.Code, &r.ID, &r.Job, &r.Units, &r.CreatedAt, &r.Recipient, &r.Subject, &r.Reply}
}

func (r *qualityRow) dest() []any {
	q := &r.problemCounts
	return []any{&r.Path, &r.Code, &r.Kind, &q.NoBirthDate, &q.NoGender, &q.NoEmail, &q.NoRank, &q.NoEducation,
		&q.NoPoliticalTheory, &q.NoHiredOn, &q.TrainingNoDue, &q.UnitNoHead, &q.UnitHeadUnreachable,
		&r.StaffCode, &r.FullName, &r.Ord}
}
