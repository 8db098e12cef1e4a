package jobs

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/i18n"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/rules"
)

// PlanningReview is the yearly review of the cadre-planning list (QĐ
// 50-QĐ/TW 2021, now QĐ 377-QĐ/TW 2025): on its configured date it sends HR
// every active entry with what needs attention (not reviewed this year, cannot
// serve a full term before retirement, rated not_completed lately, lacking the
// political theory the post needs, too many people on a post or posts for a
// person, no longer on staff, period over), and each period's share of young
// cadres and women against the targets.
type PlanningReview struct{ Named[config.PlanningReview] }

func init() { register(func() Job { return PlanningReview{} }) }

// planningRow is one row of the planning-entries query.
type planningRow struct {
	personRow
	ID              int64      `db:"id"`
	Position        string     `db:"position"`
	Period          string     `db:"period"`
	ApprovedOn      civil.Date `db:"approved_on"`
	ReviewedOn      civil.Date `db:"reviewed_on"`
	BirthDate       civil.Date `db:"birth_date"`
	Gender          string     `db:"gender"`
	PoliticalTheory string     `db:"political_theory"`
	LeftOn          civil.Date `db:"left_on"`
	PoorYear        int        `db:"poor_year"`
	OnPost          int        `db:"on_post"`
	Posts           int        `db:"posts"`
}

// The flags of a planning entry (Item.Fields["flags"]).
const (
	FlagNotReviewed       = "not_reviewed"
	FlagTooOld            = "too_old"
	FlagPoorRating        = "poor_rating"
	FlagTheory            = "theory"
	FlagPostOver          = "post_over"
	FlagPersonOver        = "person_over"
	FlagLeft              = "left"
	FlagPeriodOver        = "period_over"
	FlagRetirementUnknown = "retirement_unknown"
)

// listShare counts one period's planning list for the young-cadre and women
// targets.
type listShare struct {
	period                                  string
	people, young, women, noBirth, noGender int
	seen                                    map[string]bool
}

var periodRE = regexp.MustCompile(`^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$`)

// Notices implements Job.
func (PlanningReview) Notices(ctx context.Context, env *Env, slot time.Time, emit notify.Emit) error {
	cfg := env.Config.Jobs.PlanningReview
	asOf := env.AsOf(slot)
	step := yearStep(asOf)
	// Ratings of the last poor_rating_years years, and this year's if already in.
	poorFrom, poorTo := asOf.Year-cfg.PoorRatingYears, asOf.Year
	if cfg.PoorRatingYears == 0 {
		poorFrom = poorTo + 1 // the check is off
	}
	rows, err := env.Store.Query(ctx, "planning-entries", poorFrom, poorTo)
	if err != nil {
		return fmt.Errorf("planning entries: %w", err)
	}
	defer rows.Close()
	var shares []*listShare
	byPeriod := map[string]*listShare{}
	for rows.Next() {
		var p planningRow
		if err := rows.StructScan(&p); err != nil {
			return fmt.Errorf("planning entries: %w", err)
		}
		it, problems := p.review(env, asOf, step)
		if err := address(env, emit, it, p.entries(cfg.To), p.entries(cfg.Cc), cfg.DataTo, p.who()); err != nil {
			return err
		}
		for _, pr := range problems {
			if err := problem(env, emit, cfg.DataTo, p.who().Person, pr, say(env.Config, "jobs.problem_"+pr), it); err != nil {
				return err
			}
		}
		s := byPeriod[p.Period]
		if s == nil {
			s = &listShare{period: p.Period, seen: map[string]bool{}}
			byPeriod[p.Period] = s
			shares = append(shares, s)
		}
		s.add(&p, asOf, cfg.YoungMaxAge)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	lists := listsOnly(env.Config, cfg.To)
	for _, s := range shares {
		it := s.item(env, step)
		for _, r := range lists {
			if err := emit(notify.Notice{To: r, Item: it}); err != nil {
				return err
			}
		}
	}
	return nil
}

// review judges one entry: the item with its flags, and the data problems
// that kept a check from being made.
func (p *planningRow) review(env *Env, asOf civil.Date, step string) (notify.Item, []string) {
	cfg := env.Config.Jobs.PlanningReview
	c := env.Config
	it := p.item("planning_entry", "planning/"+strconv.FormatInt(p.ID, 10), step)
	it.Ref, it.RefName = p.Position, p.Position
	var flags, texts, problems []string
	flag := func(code, text string) { flags, texts = append(flags, code), append(texts, text) }

	if p.ReviewedOn.IsZero() || p.ReviewedOn.Year < asOf.Year {
		if p.ReviewedOn.IsZero() {
			flag(FlagNotReviewed, say(c, "jobs.pl_never_reviewed", asOf.Year))
		} else {
			flag(FlagNotReviewed, say(c, "jobs.pl_not_reviewed", asOf.Year, day(c, p.ReviewedOn)))
		}
	}
	if !p.LeftOn.IsZero() && !p.LeftOn.After(asOf) {
		flag(FlagLeft, say(c, "jobs.pl_left", day(c, p.LeftOn)))
	}
	// The full term is counted from when the planned post could be taken:
	// the planning period's start (QĐ 50-QĐ/TW: "còn đủ tuổi công tác ít
	// nhất trọn một nhiệm kỳ"), or today if the period has begun.
	termFrom := asOf
	if m := periodRE.FindStringSubmatch(p.Period); m != nil {
		if end, _ := strconv.Atoi(m[2]); end < asOf.Year {
			flag(FlagPeriodOver, say(c, "jobs.pl_period_over", p.Period))
		}
		if start, _ := strconv.Atoi(m[1]); start > asOf.Year {
			termFrom = civil.New(start, time.January, 1)
		}
	}
	retire, err := rules.RetirementDate(p.BirthDate, p.Gender, c.Rules.Retirement)
	switch {
	case errors.Is(err, rules.ErrNoBirthDate):
		flag(FlagRetirementUnknown, say(c, "jobs.pl_retirement_unknown"))
		problems = append(problems, "no_birth_date")
	case errors.Is(err, rules.ErrNoGender):
		flag(FlagRetirementUnknown, say(c, "jobs.pl_retirement_unknown"))
		problems = append(problems, "no_gender")
	case !rules.CanServeFullTerm(retire, termFrom, c.Rules):
		flag(FlagTooOld, say(c, "jobs.pl_too_old", day(c, retire), c.Rules.TermYears))
	}
	if p.PoorYear > 0 {
		flag(FlagPoorRating, say(c, "jobs.pl_poor_rating", p.PoorYear))
	}
	if need, ok := cfg.TheoryFor(p.Position); ok {
		has := p.PoliticalTheory
		if has == "" {
			has = "none"
		}
		if codes.PoliticalTheory.Rank(has) < codes.PoliticalTheory.Rank(need) {
			// Labels stand mid-sentence: "cao cấp", not "Cao cấp".
			flag(FlagTheory, say(c, "jobs.pl_theory", strings.ToLower(i18n.Coded(codes.PoliticalTheory, need, c.Language)), strings.ToLower(i18n.Coded(codes.PoliticalTheory, has, c.Language))))
		}
	}
	if p.OnPost > cfg.MaxPerPost {
		flag(FlagPostOver, say(c, "jobs.pl_post_over", p.OnPost, cfg.MaxPerPost))
	}
	if p.Posts > cfg.MaxPostsPerPerson {
		flag(FlagPersonOver, say(c, "jobs.pl_person_over", p.Posts, cfg.MaxPostsPerPerson))
	}

	it.Note = say(c, "jobs.planning_ok")
	if len(texts) > 0 {
		it.Note = strings.Join(texts, "; ")
	}
	it.Fields["period"] = p.Period
	it.Fields["approved_on"] = p.ApprovedOn
	it.Fields["reviewed_on"] = p.ReviewedOn
	it.Fields["retirement"] = retire
	it.Fields["political_theory"] = p.PoliticalTheory
	it.Fields["flags"] = flags
	it.Fields["flag_texts"] = texts
	return it, problems
}

// add counts an entry's person once per period.
func (s *listShare) add(p *planningRow, asOf civil.Date, youngMaxAge int) {
	if s.seen[p.StaffCode] {
		return
	}
	s.seen[p.StaffCode] = true
	s.people++
	switch {
	case p.BirthDate.IsZero():
		s.noBirth++
	case rules.Age(p.BirthDate, asOf) <= youngMaxAge:
		s.young++
	}
	switch p.Gender {
	case "female":
		s.women++
	case "male":
	default:
		s.noGender++
	}
}

// item is the period's shares against the targets, for HR.
func (s *listShare) item(env *Env, step string) notify.Item {
	cfg := env.Config.Jobs.PlanningReview
	c := env.Config
	pct := func(n int) float64 { return float64(n) * 100 / float64(s.people) }
	young, women := pct(s.young), pct(s.women)
	it := notify.Item{
		Kind: "planning_share", Key: "planning/share/" + s.period, Step: step,
		Ref: s.period, RefName: s.period,
		Note: say(c, "jobs.share_note", s.period, s.people, num(c, young), num(c, cfg.YoungShare), num(c, women), num(c, cfg.WomenShare)),
		Fields: map[string]any{
			"period": s.period, "people": s.people, "young": s.young, "women": s.women,
			"young_share": young, "women_share": women,
			"young_target": cfg.YoungShare, "women_target": cfg.WomenShare,
			"young_ok": young >= cfg.YoungShare, "women_ok": women >= cfg.WomenShare,
			"young_max_age": cfg.YoungMaxAge,
			"no_birth_date": s.noBirth, "no_gender": s.noGender,
		},
	}
	if s.noBirth > 0 || s.noGender > 0 {
		it.Note += say(c, "jobs.share_unknown", s.noBirth, s.noGender)
	}
	return it
}
