package sample

import (
	"strconv"
	"strings"
)

// The unit tree is laid out arithmetically from the number of staff, so that
// every pass can walk it in order without holding it:
//
//	U001 the agency (its leadership: Trưởng ban and deputies)
//	├── up to 10 departments (Văn phòng, Phòng Tổ chức cán bộ, ...)
//	└── for larger agencies, subordinate boards (Ban Tổ chức Huyện ủy X),
//	    each with its leadership and 6 departments
//
// Staff are numbered unit by unit in this order, so a unit's members are a
// contiguous range of staff indices and its head is the first of them.

type unitKind uint8

const (
	rootUnit  unitKind = iota // the agency itself: its leadership
	rootDept                  // a department of the agency
	subAgency                 // a subordinate board: its leadership
	subDept                   // a department of a subordinate board
)

const (
	deptMean     = 18 // average department size
	subLeadSize  = 3  // Trưởng ban and 2 deputies of a subordinate board
	subDeptCount = 6  // departments of a subordinate board
)

type layout struct {
	staff       int
	rootSize    int // staff in the root unit
	rootLeaders int // of them, the leadership (head and deputies)
	rootDepts   int
	subs        int
	depts       int // all departments, numbered k = 0.. in walk order
	base, rem   int // department k has base (+1 if k < rem) staff, plus jitter
	jitter      int
	units       int
	leaders     int // staff in leadership units (root leadership and subordinate boards)
	key         uint64
	unitWidth   int
	staffWidth  int
}

func newLayout(n int, seed uint64) layout {
	l := layout{staff: n, key: mix(seed ^ 0x5eed_1a70)}
	switch {
	case n < 8:
		l.rootSize = n
	case n < 100:
		l.rootSize = 3
	case n < 200:
		l.rootSize = 4
	default:
		l.rootSize = 5
	}
	l.rootLeaders = min(l.rootSize, 5)
	if n < 8 {
		l.rootLeaders = min(n, 3)
	}
	rest := n - l.rootSize
	if rest > 0 {
		if rest <= len(rootDeptNames)*28 {
			l.rootDepts = min(max((rest+deptMean/2)/deptMean, 1), len(rootDeptNames))
		} else {
			l.rootDepts = len(rootDeptNames)
			l.subs = max(1, (rest-len(rootDeptNames)*deptMean)/(subLeadSize+subDeptCount*deptMean))
		}
	}
	l.depts = l.rootDepts + l.subs*subDeptCount
	if l.depts > 0 {
		total := rest - l.subs*subLeadSize
		l.base, l.rem = total/l.depts, total%l.depts
		if l.base > 10 {
			l.jitter = min(8, l.base-10)
		}
	}
	l.units = 1 + l.rootDepts + l.subs*(1+subDeptCount)
	l.leaders = l.rootLeaders + l.subs*subLeadSize
	l.unitWidth = max(3, len(strconv.Itoa(l.units)))
	l.staffWidth = max(6, len(strconv.Itoa(n)))
	return l
}

// deptSize is the size of department k. Departments come in pairs whose
// jitters cancel, so the sizes add up to the staff left for departments.
func (l *layout) deptSize(k int) int {
	s := l.base
	if k < l.rem {
		s++
	}
	if l.jitter == 0 || (k == l.depts-1 && l.depts%2 == 1) {
		return s
	}
	d := int(mix(l.key^uint64(k/2)*0x9e3779b97f4a7c15)%uint64(2*l.jitter+1)) - l.jitter
	if k%2 == 1 {
		d = -d
	}
	return s + d
}

// unitInfo is one unit as a pass sees it.
type unitInfo struct {
	index      int // 0-based; code U(index+1)
	kind       unitKind
	name       int // index into rootDeptNames or subDeptNames
	sub        int // subordinate board number, -1 at the agency level
	parent     int // parent unit index, -1 for the root
	parentHead int // staff index of the parent unit's head, -1 for the root
	start      int // staff indices [start, start+size)
	size       int
	dept       int // department number k, -1 for leadership units
}

// walk calls fn for every unit in order.
func (l *layout) walk(fn func(u *unitInfo) error) error {
	u := unitInfo{kind: rootUnit, sub: -1, parent: -1, parentHead: -1, size: l.rootSize, dept: -1}
	if err := fn(&u); err != nil {
		return err
	}
	idx, start, k := 1, l.rootSize, 0
	for i := range l.rootDepts {
		u = unitInfo{index: idx, kind: rootDept, name: i, sub: -1, parent: 0, parentHead: 0, start: start, size: l.deptSize(k), dept: k}
		if err := fn(&u); err != nil {
			return err
		}
		idx, start, k = idx+1, start+u.size, k+1
	}
	for s := range l.subs {
		subIdx, subStart := idx, start
		u = unitInfo{index: idx, kind: subAgency, sub: s, parent: 0, parentHead: 0, start: start, size: subLeadSize, dept: -1}
		if err := fn(&u); err != nil {
			return err
		}
		idx, start = idx+1, start+u.size
		for i := range subDeptCount {
			u = unitInfo{index: idx, kind: subDept, name: i, sub: s, parent: subIdx, parentHead: subStart, start: start, size: l.deptSize(k), dept: k}
			if err := fn(&u); err != nil {
				return err
			}
			idx, start, k = idx+1, start+u.size, k+1
		}
	}
	return nil
}

// deputies is how many deputies a unit has after its head.
func (l *layout) deputies(u *unitInfo) int {
	switch u.kind {
	case rootUnit:
		return max(l.rootLeaders-1, 0)
	case subAgency:
		return subLeadSize - 1
	}
	return min(max((u.size+3)/7, 1), u.size-1)
}

func (l *layout) unitCode(index int) string { return code('U', index+1, l.unitWidth) }

func (l *layout) staffCode(index int) string { return code('S', index+1, l.staffWidth) }

// code formats a prefix and a zero-padded number: U001, S000001.
func code(prefix byte, n, width int) string {
	var b [24]byte
	i := len(b)
	for n > 0 || width > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	i--
	b[i] = prefix
	return string(b[i:])
}

// subName is the name of subordinate board s's locality; past the list, the
// names repeat with a number, as district names repeat across provinces.
func subName(s int) string {
	n := districtNames[s%len(districtNames)]
	if s >= len(districtNames) {
		n += " " + strconv.Itoa(s/len(districtNames)+1)
	}
	return n
}

// unitName is a unit's display name.
func unitName(u *unitInfo) string {
	switch u.kind {
	case rootUnit:
		return agencyName
	case rootDept:
		return rootDeptNames[u.name]
	case subAgency:
		return "Ban Tổ chức Huyện ủy " + subName(u.sub)
	}
	return subDeptNames[u.name]
}

// isOffice reports whether a department is a Văn phòng, led by a Chánh Văn phòng.
func isOffice(u *unitInfo) bool {
	return (u.kind == rootDept && rootDeptNames[u.name] == "Văn phòng") ||
		(u.kind == subDept && subDeptNames[u.name] == "Văn phòng")
}

// headTitle and deputyTitle are the appointment positions of a unit.
func headTitle(u *unitInfo) string {
	switch {
	case u.kind == rootUnit || u.kind == subAgency:
		return "Trưởng ban"
	case isOffice(u):
		return "Chánh Văn phòng"
	}
	return "Trưởng phòng"
}

func deputyTitle(u *unitInfo) string { return "Phó " + headTitle(u) }

// posts returns the full names of a unit's head and deputy posts, as planning
// names them: unique across the agency, since planning rows carry no unit.
func posts(u *unitInfo) (head, deputy string) {
	switch u.kind {
	case rootUnit:
		return "Trưởng " + agencyName, "Phó Trưởng " + agencyName
	case subAgency:
		n := "Ban Tổ chức Huyện ủy " + subName(u.sub)
		return "Trưởng " + n, "Phó Trưởng " + n
	}
	name := rootDeptNames[u.name]
	if u.kind == subDept {
		name = subDeptNames[u.name]
	}
	if isOffice(u) {
		head = "Chánh Văn phòng"
	} else {
		head = "Trưởng phòng " + strings.TrimPrefix(name, "Phòng ")
	}
	if u.kind == subDept {
		head += ", Ban Tổ chức Huyện ủy " + subName(u.sub)
	}
	return head, "Phó " + head
}

// unitEmail is a unit's mailbox: the agency's personnel office for the root,
// else the initials of the name and the unit code.
func unitEmail(l *layout, u *unitInfo) string {
	if u.kind == rootUnit {
		return "tochuc@example.vn"
	}
	var init string
	switch u.kind {
	case rootDept:
		init = rootDeptInitials[u.name]
	case subDept:
		init = subDeptInitials[u.name]
	default:
		init = "btchu"
	}
	c := []byte(l.unitCode(u.index))
	c[0] = 'u'
	return init + "." + string(c) + "@example.vn"
}
