package digest

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
)

// OracleReports computes the digest of month of every scope (the agency's
// under "", each unit's under its code) straight from the tables, in Go, for
// the tests to compare with what the SQL and the walk over the unit tree
// give. It reads every row of the records, finds each unit's sub-units from
// parent_code, and counts each scope's people and their records again from
// the definitions of docs/digest.md, with no SQL but plain reads. It shares
// with the code under test only what turns the counts of one scope into a
// section (newTraining, newTargets, Shares, the retirement rules ...), which
// the hand-computed tests check.
func OracleReports(ctx context.Context, c *Computer, month Month) (map[string]*Report, error) {
	o := &oracle{c: c, p: period{month: month, start: month.First(), end: month.Last()}}
	if err := o.load(ctx); err != nil {
		return nil, err
	}
	out := map[string]*Report{"": o.report("")}
	// The agency's self-reported answers are one query of their own, not a
	// figure summed up the tree (answers_test.go tests it by hand).
	out[""].SelfReported = c.agencySelfReported(ctx, o.p)
	for _, u := range o.units {
		out[u.Code] = o.report(u.Code)
	}
	return out, nil
}

// SetListedUnits sets how many units a scope may have for the per-unit
// queries to read its people by unit, and returns a function that puts the
// limit back: the tests use it to compute a unit's digest the way a large
// scope's is (scans restricted to the scope at the end).
func SetListedUnits(n int) (restore func()) {
	was := listedUnits
	listedUnits = n
	return func() { listedUnits = was }
}

type oracle struct {
	c *Computer
	p period

	units []struct {
		Code   string `db:"code"`
		Name   string `db:"name"`
		Parent string `db:"parent"`
		Head   string `db:"head"`
	}
	staff []struct {
		Code      string     `db:"code"`
		Name      string     `db:"full_name"`
		Email     string     `db:"email"`
		Unit      string     `db:"unit_code"`
		Birth     civil.Date `db:"birth_date"`
		Gender    string     `db:"gender"`
		Rank      string     `db:"rank"`
		Education string     `db:"education"`
		Theory    string     `db:"political_theory"`
		Hired     civil.Date `db:"hired_on"`
		Left      civil.Date `db:"left_on"`
	}
	courses []struct {
		Code     string   `db:"code"`
		Name     string   `db:"name"`
		Category string   `db:"category"`
		Level    string   `db:"level"`
		Hours    *float64 `db:"hours"`
	}
	training []struct {
		Staff     string     `db:"staff_code"`
		Course    string     `db:"course_code"`
		Start     civil.Date `db:"start_on"`
		Status    string     `db:"status"`
		Due       civil.Date `db:"due_on"`
		Completed civil.Date `db:"completed_on"`
		Hours     *float64   `db:"hours"`
	}
	appointments []struct {
		Staff    string     `db:"staff_code"`
		Position string     `db:"position"`
		Start    civil.Date `db:"start_on"`
		Unit     string     `db:"unit_code"`
		End      civil.Date `db:"end_on"`
		Ended    civil.Date `db:"ended_on"`
	}
	planning []struct {
		Staff    string     `db:"staff_code"`
		Status   string     `db:"status"`
		Reviewed civil.Date `db:"reviewed_on"`
	}
	evaluations []struct {
		Staff  string `db:"staff_code"`
		Year   int    `db:"year"`
		Rating string `db:"rating"`
	}
	targets    []targetRow
	deliveries []oDelivery
	figures    []struct {
		Month   string `db:"month"`
		Scope   string `db:"scope"`
		Figures string `db:"figures"`
	}

	unitName map[string]string
	course   map[string]int // code → index in courses
	parent   map[string]string
	plan     *Plan
}

func (o *oracle) load(ctx context.Context) error {
	st := o.c.Store
	for _, q := range []struct {
		dest any
		sql  string
	}{
		{&o.units, `SELECT code, name, COALESCE(parent_code, '') AS parent, COALESCE(head_code, '') AS head FROM units`},
		{&o.staff, `SELECT code, full_name, COALESCE(email, '') AS email, unit_code, birth_date, COALESCE(gender, '') AS gender,
			COALESCE(rank, '') AS rank, COALESCE(education, '') AS education,
			COALESCE(political_theory, '') AS political_theory, hired_on, left_on FROM staff`},
		{&o.courses, `SELECT code, name, category, COALESCE(level, '') AS level, hours FROM courses`},
		{&o.training, `SELECT staff_code, course_code, start_on, status, due_on, completed_on, hours FROM training`},
		{&o.appointments, `SELECT staff_code, position, start_on, COALESCE(unit_code, '') AS unit_code, end_on, ended_on FROM appointments`},
		{&o.planning, `SELECT staff_code, status, reviewed_on FROM planning`},
		{&o.evaluations, `SELECT staff_code, year, rating FROM evaluations`},
		{&o.targets, `SELECT id, plan, category, level, starts_on, ends_on, target, 0 AS done FROM targets`},
		{&o.figures, `SELECT month, scope, figures FROM digest_figures`},
	} {
		if err := st.SelectSQL(ctx, q.dest, q.sql); err != nil {
			return err
		}
	}
	var ds []struct {
		ID    int64  `db:"id"`
		State string `db:"state"`
		failedRow
	}
	if err := st.SelectSQL(ctx, &ds, `SELECT id, job, recipient, subject, reply, state, created_at FROM deliveries`); err != nil {
		return err
	}
	for _, d := range ds {
		o.deliveries = append(o.deliveries, oDelivery{d.ID, d.State, d.failedRow})
	}
	o.unitName, o.parent, o.course = map[string]string{}, map[string]string{}, map[string]int{}
	for _, u := range o.units {
		o.unitName[u.Code], o.parent[u.Code] = u.Name, u.Parent
	}
	for i, c := range o.courses {
		o.course[c.Code] = i
	}
	// The plan in force at the month's end: the targets' plan whose span
	// holds it, the latest starting (then the first by name) if several do.
	spans := map[string]*Plan{}
	for _, g := range o.targets {
		s := spans[g.Plan]
		if s == nil {
			s = &Plan{Name: g.Plan, StartsOn: g.StartsOn, EndsOn: g.EndsOn}
			spans[g.Plan] = s
		}
		if g.StartsOn.Before(s.StartsOn) {
			s.StartsOn = g.StartsOn
		}
		if s.EndsOn.Before(g.EndsOn) {
			s.EndsOn = g.EndsOn
		}
	}
	for _, s := range spans {
		if s.StartsOn.After(o.p.end) || s.EndsOn.Before(o.p.end) {
			continue
		}
		if o.plan == nil || o.plan.StartsOn.Before(s.StartsOn) || (o.plan.StartsOn == s.StartsOn && s.Name < o.plan.Name) {
			o.plan = s
		}
	}
	return nil
}

// in reports whether unit is scope's unit or one below it ("" is every unit).
func (o *oracle) in(scope, unit string) bool {
	for seen := 0; unit != "" && seen <= len(o.units); seen++ {
		if unit == scope {
			return true
		}
		if o.parent[unit] == "" {
			return scope == "" // a root: under the agency
		}
		unit = o.parent[unit]
	}
	return false
}

func between(d, from, to civil.Date) bool { return !d.IsZero() && !d.Before(from) && !d.After(to) }

func (o *oracle) report(scope string) *Report {
	p, c := o.p, o.c
	p.root = scope
	e := p.end
	r := &Report{Version: Version, Month: p.month.String(), AsOf: e}
	if scope == "" {
		r.Scope.Kind = ScopeAgency
		var roots []string
		for _, u := range o.units {
			if u.Parent == "" {
				roots = append(roots, u.Code)
			}
		}
		slices.Sort(roots)
		if len(roots) > 0 {
			r.Scope.Code, r.Scope.Name = roots[0], o.unitName[roots[0]]
		}
	} else {
		r.Scope = Scope{Kind: ScopeUnit, Code: scope, Name: o.unitName[scope]}
	}
	for _, u := range o.units {
		if o.in(scope, u.Code) {
			r.Scope.Units++
		}
	}

	type person = int              // index in o.staff
	mine := map[string]person{}    // the scope's people, on staff or not
	onStaff := map[string]person{} // those on staff at the month's end
	for i, s := range o.staff {
		if !o.in(scope, s.Unit) {
			continue
		}
		mine[s.Code] = i
		if (s.Hired.IsZero() || !s.Hired.After(e)) && (s.Left.IsZero() || s.Left.After(e)) {
			onStaff[s.Code] = i
		}
	}
	yearStart := civil.Date{Year: e.Year, Month: time.January, Day: 1}

	// 1. Workforce.
	var m margins
	for _, i := range onStaff {
		s := o.staff[i]
		m.add(dimRank, s.Rank, 1)
		m.add(dimEducation, s.Education, 1)
		m.add(dimTheory, s.Theory, 1)
	}
	fill(&r.Workforce, func() (*Workforce, bool, error) {
		w := m.workforce()
		return w, w.Headcount == 0, nil
	})

	// 3. Training: participations of the scope's people, left since or not.
	planStart := e.AddDays(1)
	if o.plan != nil {
		planStart = o.plan.StartsOn
	}
	kinds := map[[2]string]*TrainingRow{}
	count := func(x *Counts, t int, from civil.Date) {
		tr := o.training[t]
		if tr.Status != "planned" && between(tr.Start, from, e) {
			x.Started++
		}
		if tr.Status == "completed" && between(tr.Completed, from, e) {
			x.Completed++
		}
		dated := tr.Completed
		if dated.IsZero() {
			dated = tr.Due
		}
		if dated.IsZero() {
			dated = tr.Start
		}
		if tr.Status == "dropped" && between(dated, from, e) {
			x.Dropped++
		}
	}
	for t, tr := range o.training {
		if _, ok := mine[tr.Staff]; !ok {
			continue
		}
		cr := o.courses[o.course[tr.Course]]
		k := [2]string{cr.Category, cr.Level}
		if kinds[k] == nil {
			kinds[k] = &TrainingRow{Category: cr.Category, Level: cr.Level}
		}
		count(&kinds[k].Month, t, p.start)
		count(&kinds[k].SincePlanStart, t, planStart)
	}
	fill(&r.Training, func() (*Training, bool, error) {
		var rows []TrainingRow
		for _, k := range kinds {
			rows = append(rows, *k)
		}
		x := newTraining(o.plan, rows)
		return x, len(x.Rows) == 0, nil
	})

	// 4. In training at the month's end.
	it := &InTraining{ByCategory: []CategoryCount{}}
	people, byCat := map[string]bool{}, map[string]*CategoryCount{}
	catPeople := map[[2]string]bool{}
	for _, tr := range o.training {
		if _, ok := onStaff[tr.Staff]; !ok || tr.Start.After(e) {
			continue
		}
		if tr.Status != "enrolled" && !(tr.Status == "completed" && tr.Completed.After(e)) {
			continue
		}
		cat := o.courses[o.course[tr.Course]].Category
		if byCat[cat] == nil {
			byCat[cat] = &CategoryCount{Category: cat}
		}
		byCat[cat].Participations++
		if !catPeople[[2]string{cat, tr.Staff}] {
			catPeople[[2]string{cat, tr.Staff}] = true
			byCat[cat].People++
		}
		it.Participations++
		people[tr.Staff] = true
	}
	it.People = int64(len(people))
	for _, x := range byCat {
		it.ByCategory = append(it.ByCategory, *x)
	}
	sortInTraining(it)
	fill(&r.InTraining, func() (*InTraining, bool, error) { return it, it.Participations == 0, nil })

	// 5. Targets: the agency's completions, and the scope's part.
	var rows []targetRow
	scopeDone := map[int64]int64{}
	for _, g := range o.targets {
		if g.StartsOn.After(e) || g.EndsOn.Before(p.start) {
			continue
		}
		for _, tr := range o.training {
			cr := o.courses[o.course[tr.Course]]
			if tr.Status != "completed" || cr.Category != g.Category || (g.Level != "" && cr.Level != g.Level) ||
				!between(tr.Completed, g.StartsOn, g.EndsOn) || tr.Completed.After(e) {
				continue
			}
			g.Done++
			if _, ok := mine[tr.Staff]; ok {
				scopeDone[g.ID]++
			}
		}
		rows = append(rows, g)
	}
	slices.SortFunc(rows, func(a, b targetRow) int {
		return cmp.Or(strings.Compare(a.Plan, b.Plan), cmp.Compare(a.ID, b.ID))
	})
	fill(&r.Targets, func() (*Targets, bool, error) {
		x := newTargets(rows, scopeDone, p)
		return x, len(x.Rows) == 0, nil
	})

	// 6. Refresher hours this year.
	cats := c.Config.Jobs.RefresherHours.Categories
	minimum := c.Config.Rules.RefresherMinHours
	hours := map[string]float64{}
	for _, tr := range o.training {
		cr := o.courses[o.course[tr.Course]]
		if tr.Status != "completed" || !between(tr.Completed, yearStart, e) || !slices.Contains(cats, cr.Category) {
			continue
		}
		h := 0.0
		switch {
		case tr.Hours != nil:
			h = *tr.Hours
		case cr.Hours != nil:
			h = *cr.Hours
		}
		hours[tr.Staff] += h
	}
	var ph []PersonHours
	var meeting int64
	var total float64
	for code, i := range onStaff {
		s := o.staff[i]
		ph = append(ph, PersonHours{StaffCode: code, FullName: s.Name, Unit: o.unitName[s.Unit], Hours: hours[code]})
		total += hours[code]
		if hours[code] >= minimum {
			meeting++
		}
	}
	slices.SortFunc(ph, func(a, b PersonHours) int {
		return cmp.Or(cmp.Compare(a.Hours, b.Hours), strings.Compare(a.StaffCode, b.StaffCode))
	})
	fill(&r.Refresher, func() (*Refresher, bool, error) {
		x := newRefresher(p, minimum, int64(len(ph)), meeting, total, ph[:min(len(ph), listBehind)])
		return x, x.People == 0, nil
	})

	// 7. Due and overdue.
	due := &Due{Days: dueDays, ByCategory: []DueCategory{}, MostOverdue: []OverdueTraining{}}
	dueCat := map[string]*DueCategory{}
	duePeople, overduePeople := map[string]bool{}, map[string]bool{}
	type open struct {
		row   overdueRow
		start civil.Date
	}
	var overdue []open
	for _, tr := range o.training {
		i, ok := onStaff[tr.Staff]
		if !ok || tr.Due.IsZero() || tr.Due.After(e.AddDays(dueDays)) {
			continue
		}
		if tr.Status != "planned" && tr.Status != "enrolled" && !(tr.Status == "completed" && tr.Completed.After(e)) {
			continue
		}
		cr := o.courses[o.course[tr.Course]]
		if dueCat[cr.Category] == nil {
			dueCat[cr.Category] = &DueCategory{Category: cr.Category}
		}
		if tr.Due.Before(e) {
			due.Overdue++
			dueCat[cr.Category].Overdue++
			overduePeople[tr.Staff] = true
			overdue = append(overdue, open{overdueRow{tr.Staff, o.staff[i].Name, tr.Course, cr.Name, tr.Due}, tr.Start})
		} else {
			due.Due++
			dueCat[cr.Category].Due++
			duePeople[tr.Staff] = true
		}
	}
	due.DuePeople, due.OverduePeople = int64(len(duePeople)), int64(len(overduePeople))
	for _, x := range dueCat {
		due.ByCategory = append(due.ByCategory, *x)
	}
	sortDue(due)
	slices.SortFunc(overdue, func(a, b open) int {
		return cmp.Or(a.row.DueOn.Compare(b.row.DueOn), strings.Compare(a.row.StaffCode, b.row.StaffCode),
			strings.Compare(a.row.CourseCode, b.row.CourseCode), a.start.Compare(b.start))
	})
	for _, x := range overdue[:min(len(overdue), listOverdue)] {
		due.MostOverdue = append(due.MostOverdue, x.row.training(e))
	}
	fill(&r.Due, func() (*Due, bool, error) { return due, due.Due+due.Overdue == 0, nil })

	// 8. Terms ending, counted in the appointment's unit, else the person's.
	type term struct {
		row   termRow
		start civil.Date
	}
	var terms []term
	until := e.AddMonths(termMonths)
	for _, a := range o.appointments {
		i, staffed := onStaffAnywhere(o, a.Staff, e)
		if !staffed {
			continue
		}
		s := o.staff[i]
		unit := a.Unit
		if unit == "" {
			unit = s.Unit
		}
		if !o.in(scope, unit) || (!a.Ended.IsZero() && !a.Ended.After(e)) || a.End.After(until) {
			continue
		}
		terms = append(terms, term{termRow{a.Staff, s.Name, a.Position, o.unitName[unit], a.End, s.Birth, s.Gender}, a.Start})
	}
	slices.SortFunc(terms, func(a, b term) int {
		return cmp.Or(a.row.EndOn.Compare(b.row.EndOn), strings.Compare(a.row.StaffCode, b.row.StaffCode),
			strings.Compare(a.row.Position, b.row.Position), a.start.Compare(b.start))
	})
	var tally termTally
	for _, t := range terms {
		x, ok := c.termOf(t.row, p)
		if !ok {
			tally.lapsed++
			continue
		}
		tally.add(x)
		if len(tally.list) < listTerms {
			tally.list = append(tally.list, x)
		}
	}
	fill(&r.Terms, func() (*Terms, bool, error) {
		x := tally.terms(until)
		return x, x.Ending+x.Lapsed == 0, nil
	})

	// 9. Planning and evaluation.
	var pc planningCounts
	planned, women, young := map[string]bool{}, map[string]bool{}, map[string]bool{}
	cutoff := c.youngCutoff(p)
	for _, pl := range o.planning {
		i, ok := onStaff[pl.Staff]
		if !ok || pl.Status != "active" {
			continue
		}
		pc.Entries++
		if between(pl.Reviewed, yearStart, e) {
			pc.Reviewed++
		}
		planned[pl.Staff] = true
		if o.staff[i].Gender == "female" {
			women[pl.Staff] = true
		}
		if !o.staff[i].Birth.IsZero() && o.staff[i].Birth.After(cutoff) {
			young[pl.Staff] = true
		}
	}
	pc.People, pc.Women, pc.Young = int64(len(planned)), int64(len(women)), int64(len(young))
	fill(&r.Planning, func() (*Planning, bool, error) {
		x := c.newPlanning(p, pc)
		return x, x.Entries == 0, nil
	})
	year, deadline := evaluationYear(e, c.Config.Jobs.EvaluationSeason.Deadline)
	ratings := map[string]int64{}
	rating := map[string]string{}
	for _, ev := range o.evaluations {
		if ev.Year == year {
			rating[ev.Staff] = ev.Rating
		}
	}
	for code := range onStaff {
		ratings[rating[code]]++
	}
	fill(&r.Evaluation, func() (*Evaluation, bool, error) {
		x := newEvaluation(p, year, deadline, ratings)
		return x, x.Staff == 0, nil
	})

	// 10. Failed deliveries of the month, in the agency's zone: all of them
	// for the agency, those to the scope's people's addresses for a unit.
	loc := c.location()
	from, to := p.start.Time(loc), e.AddDays(1).Time(loc)
	addresses := map[string]bool{}
	for code := range mine {
		if a := o.staff[mine[code]].Email; a != "" {
			addresses[strings.ToLower(a)] = true
		}
	}
	dl := &Deliveries{ByJob: []JobCount{}, List: []FailedDelivery{}}
	byJob := map[string]int64{}
	var failed []int
	for i, d := range o.deliveries {
		at := d.row.CreatedAt.Time
		if d.State != "failed" || at.Before(from) || !at.Before(to) || (scope != "" && !addresses[d.row.Recipient]) {
			continue
		}
		byJob[d.row.Job]++
		dl.Failed++
		failed = append(failed, i)
	}
	for job, n := range byJob {
		dl.ByJob = append(dl.ByJob, JobCount{Job: job, Count: n})
	}
	slices.SortFunc(dl.ByJob, func(a, b JobCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Job, b.Job)) })
	slices.SortFunc(failed, func(a, b int) int {
		x, y := o.deliveries[a], o.deliveries[b]
		return cmp.Or(y.row.CreatedAt.Compare(x.row.CreatedAt.Time), cmp.Compare(y.ID, x.ID))
	})
	for _, i := range failed[:min(len(failed), listFailed)] {
		dl.List = append(dl.List, o.deliveries[i].row.delivery(loc))
	}
	fill(&r.Deliveries, func() (*Deliveries, bool, error) { return dl, dl.Failed == 0, nil })

	// 11. Data to fix.
	var q problemCounts
	var gaps []personGaps
	flag := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	for code, i := range onStaff {
		s := o.staff[i]
		g := personGaps{Code: code, FullName: s.Name, NoBirthDate: flag(s.Birth.IsZero()), NoGender: flag(s.Gender == ""),
			NoEmail: flag(s.Email == ""), NoRank: flag(s.Rank == ""), NoEducation: flag(s.Education == ""),
			NoPoliticalTheory: flag(s.Theory == ""), NoHiredOn: flag(s.Hired.IsZero())}
		q.NoBirthDate += int64(g.NoBirthDate)
		q.NoGender += int64(g.NoGender)
		q.NoEmail += int64(g.NoEmail)
		q.NoRank += int64(g.NoRank)
		q.NoEducation += int64(g.NoEducation)
		q.NoPoliticalTheory += int64(g.NoPoliticalTheory)
		q.NoHiredOn += int64(g.NoHiredOn)
		if g.NoBirthDate+g.NoGender+g.NoEmail+g.NoRank+g.NoEducation+g.NoPoliticalTheory+g.NoHiredOn > 0 {
			gaps = append(gaps, g)
		}
	}
	for _, tr := range o.training {
		if _, ok := onStaff[tr.Staff]; ok && (tr.Status == "planned" || tr.Status == "enrolled") && tr.Due.IsZero() {
			q.TrainingNoDue++
		}
	}
	for _, u := range o.units {
		if !o.in(scope, u.Code) {
			continue
		}
		if u.Head == "" {
			q.UnitNoHead++
			continue
		}
		if i := indexOf(o, u.Head); i >= 0 {
			h := o.staff[i]
			if h.Email == "" || (!h.Left.IsZero() && !h.Left.After(e)) {
				q.UnitHeadUnreachable++
			}
		}
	}
	slices.SortFunc(gaps, func(a, b personGaps) int { return strings.Compare(a.Code, b.Code) })
	var pp []PersonProblems
	for _, g := range gaps[:min(len(gaps), listProblems)] {
		pp = append(pp, g.problems())
	}
	fill(&r.DataQuality, func() (*DataQuality, bool, error) {
		x := newDataQuality(q, pp)
		return x, len(x.Problems) == 0, nil
	})

	// 2. The trend: the figures kept for the scope in the 12 months before.
	stored := map[string]Figures{}
	var figErr error
	for _, f := range o.figures {
		if f.Scope != r.Scope.Key() || f.Month < p.month.Add(-12).String() || f.Month > p.month.Add(-1).String() {
			continue
		}
		var x Figures
		if err := json.Unmarshal([]byte(f.Figures), &x); err != nil {
			figErr = err
		}
		stored[f.Month] = x
	}
	fill(&r.Trend, func() (*Trend, bool, error) {
		cur, ok := r.Figures()
		if !ok || figErr != nil {
			return nil, false, figErr
		}
		return newTrend(p.month, r, cur, stored), false, nil
	})
	return r
}

func indexOf(o *oracle, code string) int {
	for i, s := range o.staff {
		if s.Code == code {
			return i
		}
	}
	return -1
}

// onStaffAnywhere reports whether the person is on staff at e, whatever
// their unit.
func onStaffAnywhere(o *oracle, code string, e civil.Date) (int, bool) {
	i := indexOf(o, code)
	if i < 0 {
		return i, false
	}
	s := o.staff[i]
	return i, (s.Hired.IsZero() || !s.Hired.After(e)) && (s.Left.IsZero() || s.Left.After(e))
}

// oDelivery is a row of the outbox.
type oDelivery struct {
	ID    int64
	State string
	row   failedRow
}
