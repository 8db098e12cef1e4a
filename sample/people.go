package sample

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/tickler-dev/tickler/codes"
)

// Random streams. Every piece of data is drawn from a PCG seeded by (Seed,
// stream, key), so each pass can re-derive any person's data on its own and the
// result does not depend on the order of the passes.
const (
	streamPerson   = 1 + iota // key: unit, slot; a person's core attributes
	streamIndex               // key: staff index; left, missing data
	streamTraining            // key: staff index
	streamAppoint             // key: staff index
	streamPlanning            // key: unit index
	streamEval                // key: staff index
)

// demoReserved: the first staff carry the deliberate demo items (reminders due
// in 1, 7 and 30 days, terms ending, near retirement), so they are never made
// to have left or to miss data.
const demoReserved = 16

// mix is the SplitMix64 finaliser: a bijection that scatters nearby keys.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Indices of the coded values, in the order of the codes sets.
const (
	rStaff = iota
	rOfficer
	rSpecialist
	rPrincipal
	rSenior
)

const (
	eSecondary = iota
	eVocational
	eCollege
	eBachelor
	eMaster
	eDoctorate
)

const (
	ptNone = iota
	ptElementary
	ptIntermediate
	ptAdvanced
)

var (
	rankCodes      = codes.Ranks() // the sample's people all hold a rank
	educationCodes = codes.Education.Codes()
	theoryCodes    = codes.PoliticalTheory.Codes()
)

// Shares, per mille. rankShare is the agency as a whole (the seed report:
// 8.69% senior, 43.48% principal, 47.83% specialist, plus a few officers and
// staff); leaderRank is the leadership units'. Department staff get the shares
// that make the whole come out at rankShare.
var (
	rankShare  = [5]float64{10, 20, 450, 430, 90}
	leaderRank = cumulative(0, 0, 0, 600, 400)
	// Education by rank: 92% bachelor or higher overall (doctorate 2%,
	// master 25%, bachelor 65%), the rest mostly officers and staff.
	eduByRank = [5][]int{
		cumulative(600, 400, 0, 0, 0, 0),
		cumulative(100, 400, 500, 0, 0, 0),
		cumulative(4, 40, 67, 772, 111, 6),
		cumulative(0, 0, 0, 630, 350, 20),
		cumulative(0, 0, 0, 350, 550, 100),
	}
	// Political theory by rank: advanced mostly among principal and senior
	// specialists and leaders.
	theoryByRank = [5][]int{
		cumulative(600, 350, 50, 0),
		cumulative(400, 450, 150, 0),
		cumulative(200, 450, 320, 30),
		cumulative(0, 80, 450, 470),
		cumulative(0, 0, 100, 900),
	}
	leaderTheory = cumulative(0, 0, 100, 900)
	// Age shape by rank: the youngest age and the most common one.
	ageShape    = [5][2]float64{{23, 42}, {23, 36}, {23, 32}, {30, 46}, {40, 53}}
	leaderAge   = [2]float64{38, 51}
	minService  = [5]float64{1, 1, 1, 8, 15} // years of service a rank takes
	leadService = 10.0
)

func cumulative(w ...int) []int {
	out := make([]int, len(w))
	t := 0
	for i, x := range w {
		t += x
		out[i] = t
	}
	return out
}

// pick draws an index with the weights of a cumulative table.
func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

// tri draws from the triangular distribution (lo, mode, hi).
func tri(u, lo, mode, hi float64) float64 {
	f := (mode - lo) / (hi - lo)
	if u < f {
		return lo + math.Sqrt(u*(hi-lo)*(mode-lo))
	}
	return hi - math.Sqrt((1-u)*(hi-lo)*(hi-mode))
}

type role uint8

const (
	member role = iota
	deputy
	head
)

// person is one member of a unit as the passes see it.
type person struct {
	idx                   int // staff index; code S(idx+1)
	slot                  int // draw order within the unit, before sorting
	male                  bool
	family, middle, given int16
	middle2               int16 // -1: none
	birth                 day
	noBirth               bool // the birth date is left out of the file (data to fix)
	rank, edu, pt         int8
	hired                 day
	left                  day
	hasLeft               bool
	noEmail               bool
	role                  role
	score                 int32
}

func (p *person) age(at day) float64 { return float64(at-p.birth) / 365.2425 }

// generator holds what every pass shares; it is not safe for concurrent use.
type generator struct {
	opt     Options
	lay     layout
	seed    uint64
	at      day
	year    int
	src     *rand.PCG
	rng     *rand.Rand
	maxAge  [2]float64 // the oldest a woman [0] or man [1] can be and still work at At
	rankCum []int      // rank weights for department staff

	ms []person // the current unit's members, reused
	tr []trow   // the current person's training, reused
	pl []pentry // the current unit's planning entries, reused
	ap []arow   // the current person's appointments, reused
}

func newGenerator(opt Options) *generator {
	src := rand.NewPCG(0, 0)
	g := &generator{
		opt:  opt,
		lay:  newLayout(opt.Staff, uint64(opt.Seed)),
		seed: mix(uint64(opt.Seed)),
		at:   dayOf(opt.At),
		year: opt.At.Year,
		src:  src,
		rng:  rand.New(src),
	}
	// Someone older than the retirement age of last year has retired by now
	// (the age rises every year, so last year's is the binding one).
	for i, male := range []bool{false, true} {
		g.maxAge[i] = float64(retirementAgeMonths(male, g.year-1)-1) / 12
	}
	f := float64(g.lay.leaders) / float64(opt.Staff)
	lead := [5]float64{0, 0, 0, 600, 400}
	w := make([]int, 5)
	for i := range w {
		if f < 1 {
			w[i] = max(int(math.Round(100*(rankShare[i]-f*lead[i])/(1-f))), 0)
		}
	}
	if w[0]+w[1]+w[2]+w[3]+w[4] == 0 {
		w[rSpecialist] = 1
	}
	g.rankCum = cumulative(w...)
	return g
}

// reseed points the random source at one stream and key.
func (g *generator) reseed(stream, key uint64) {
	g.src.Seed(mix(g.seed+stream*0x9e3779b97f4a7c15), mix(key^stream<<58^0x2545f4914f6cdd1d))
}

// members draws a unit's staff, orders them by seniority (the head first, then
// the deputies, as personnel lists are printed) and numbers them.
func (g *generator) members(u *unitInfo) []person {
	leaders := 0
	switch u.kind {
	case rootUnit:
		leaders = g.lay.rootLeaders
	case subAgency:
		leaders = u.size
	}
	ms := g.ms[:0]
	for j := range u.size {
		g.reseed(streamPerson, uint64(u.index)<<8|uint64(j))
		p := g.newPerson(j < leaders)
		p.slot = j
		ms = append(ms, p)
	}
	slices.SortFunc(ms, func(a, b person) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.slot, b.slot)
	})
	deps := g.lay.deputies(u)
	for i := range ms {
		p := &ms[i]
		p.idx = u.start + i
		switch {
		case i == 0:
			p.role = head
		case i <= deps:
			p.role = deputy
		}
		g.individual(p)
	}
	g.ms = ms
	return ms
}

// newPerson draws a person's core attributes from the current stream.
func (g *generator) newPerson(lead bool) person {
	r := g.rng
	var p person
	p.male = r.IntN(100) < 55
	var rank int
	if lead {
		rank = pick(r, leaderRank)
	} else {
		rank = pick(r, g.rankCum)
	}
	p.rank = int8(rank)
	p.edu = int8(pick(r, eduByRank[rank]))
	shape, service := ageShape[rank], minService[rank]
	if lead {
		p.pt = int8(pick(r, leaderTheory))
		shape, service = leaderAge, leadService
	} else {
		p.pt = int8(pick(r, theoryByRank[rank]))
	}
	hi := g.maxAge[0]
	if p.male {
		hi = g.maxAge[1]
	}
	mode := min(shape[1], hi-1)
	lo := min(shape[0], mode-1)
	var age float64
	if r.IntN(100) < 12 {
		age = lo + r.Float64()*(hi-lo)
	} else {
		age = tri(r.Float64(), lo, mode, hi)
	}
	if age < 30 && p.pt == ptAdvanced {
		p.pt = ptIntermediate
	}
	p.birth = g.at - yearsDays(age)
	// Hired at 22 or later, early enough to have served the years the rank takes.
	hireAge := 22.05
	if top := min(age-service, 32); top > hireAge {
		hireAge += r.Float64() * (top - hireAge)
	}
	p.hired = p.birth + yearsDays(hireAge)

	p.family = int16(pick(r, familyNames.cum))
	p.middle2 = -1
	if p.male {
		p.middle = int16(pick(r, maleMiddle.cum))
		p.given = int16(pick(r, maleGiven.cum))
		if maleGiven.parts[p.given].text == maleMiddle.parts[p.middle].text {
			p.given = int16(pick(r, maleGiven.cum))
		}
	} else {
		p.middle = int16(pick(r, femaleMiddle.cum))
		p.given = int16(pick(r, femaleGiven.cum))
		if p.middle == 0 && r.IntN(100) < 35 { // Thị + a second middle name
			p.middle2 = int16(pick(r, femaleSecond.cum))
			if femaleSecond.parts[p.middle2].text == femaleGiven.parts[p.given].text {
				p.middle2 = -1
			}
		}
	}
	p.score = int32(rank*1000 + int(p.pt)*250 + min(int(age), 55)*10 + r.IntN(100))
	return p
}

// individual draws what belongs to a staff index rather than to the draw: who
// has left and whose data is incomplete, and the demo's near-retirement cases.
func (g *generator) individual(p *person) {
	g.reseed(streamIndex, uint64(p.idx))
	r := g.rng
	leave, noBirth, noEmail := r.IntN(1000), r.IntN(1000), r.IntN(1000)
	leftDays := day(1 + r.IntN(720))
	if p.idx >= demoReserved {
		if p.role == member && leave < 20 {
			p.hasLeft = true
			p.left = g.at - leftDays
			if p.left <= p.hired {
				p.left = p.hired + (g.at-p.hired)/2 + 1
			}
		}
		if p.role == member && noBirth < 5 {
			p.noBirth = true
		}
		if noEmail < 10 {
			p.noEmail = true
		}
	}
	switch p.idx {
	case 0: // the agency head retires in a year and a half: no re-appointment
		g.retireIn(p, 18)
	case 2: // a deputy retires in three and a half years: a shortened term
		g.retireIn(p, 42)
	}
}

// retireIn moves a person's birth so that they retire about months from At.
func (g *generator) retireIn(p *person, months int) {
	t := g.at.addMonths(months).date()
	b := t.Year*12 + int(t.Month) - 1 - retirementAgeMonths(p.male, t.Year)
	served := g.at - p.hired
	p.birth = jan1(b/12).addMonths(b%12) + 14
	p.hired = max(g.at-served, p.birth+yearsDays(22.05))
}

// fullName is the person's name as written: family, middle, given.
func (p *person) fullName() string {
	family := familyNames.parts[p.family].text
	var middle, given string
	if p.male {
		middle, given = maleMiddle.parts[p.middle].text, maleGiven.parts[p.given].text
	} else {
		middle, given = femaleMiddle.parts[p.middle].text, femaleGiven.parts[p.given].text
		if p.middle2 >= 0 {
			middle += " " + femaleSecond.parts[p.middle2].text
		}
	}
	return family + " " + middle + " " + given
}

// email is the agency's usual address form: the given name, the initials of
// the other names, and the staff number to make it unique (phuongntt17).
func (p *person) email() string {
	if p.noEmail {
		return ""
	}
	b := make([]byte, 0, 40)
	var middle, given namePart
	if p.male {
		middle, given = maleMiddle.parts[p.middle], maleGiven.parts[p.given]
	} else {
		middle, given = femaleMiddle.parts[p.middle], femaleGiven.parts[p.given]
	}
	b = append(b, given.ascii...)
	b = append(b, familyNames.parts[p.family].ascii[0], middle.ascii[0])
	if p.middle2 >= 0 {
		b = append(b, femaleSecond.parts[p.middle2].ascii[0])
	}
	b = strconv.AppendInt(b, int64(p.idx+1), 10)
	b = append(b, "@example.vn"...)
	return string(b)
}
