package importer

import (
	"strings"
	"unicode"

	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/mailaddr"
	"golang.org/x/text/unicode/norm"
)

// valueType says how a cell is read.
type valueType int

const (
	tText      valueType = iota // trimmed text
	tCode                       // a coded value of column.set
	tDate                       // YYYY-MM-DD, DD/MM/YYYY or an XLSX date cell
	tBirthDate                  // a date, or a year alone (1 January)
	tNumber                     // a non-negative number, "," or "." as decimal separator
	tInt                        // a whole number
	tEmail                      // an email address
	tPeriod                     // a planning period YYYY-YYYY
	tLevel                      // a qualification level, read against the row's category
)

// ref names the kind a column refers to.
type ref int

const (
	noRef ref = iota
	refUnit
	refStaff
	refCourse
)

// column is one column of an import kind, in the order of docs/design.md's table,
// which is also the order of the values in the upsert queries.
type column struct {
	name     string
	labels   []string // Vietnamese header labels
	typ      valueType
	set      *codes.Set
	required bool // the header must have it and every row must fill it
	key      bool
	ref      ref
	// optional: when a file has no such column, re-importing keeps the stored
	// value (the upsert query takes a "column present" flag for it).
	optional bool
	// max is the most characters a value may have; 0 takes the default of its
	// type (maxLen).
	max int
}

// The most characters a value may have, by what it is. Far above any real
// value, low enough that a pasted page or a shifted column is caught, and
// that no value is a burden to the database or to a message.
const (
	maxCode     = 64                 // staff, unit and course codes
	maxName     = 255                // a person's full name; names of units, courses, positions, plans
	maxDecision = 100                // a decision number, "1234/QĐ-UBND"
	maxShort    = 100                // dates, numbers, periods, coded values and their labels
	maxEmail    = mailaddr.MaxLength // 254 octets
)

// maxLen is the default max of a column.
func maxLen(c column) int {
	switch {
	case c.typ == tEmail:
		return maxEmail
	case c.typ != tText:
		return maxShort
	case c.ref != noRef || c.name == "code":
		return maxCode
	}
	return maxName
}

// kind is one kind of record: a table, its file or sheet names and its columns.
type kind struct {
	name   string
	names  []string // Vietnamese file or sheet names, folded
	cols   []column
	check  func(imp *importer, r *record) // rules across columns, and defaults
	byName map[string]int                 // folded header name or label → column index
}

// col returns the index of the named column; a wrong name is a programming error.
func (k *kind) col(name string) int {
	for i, c := range k.cols {
		if c.name == name {
			return i
		}
	}
	panic("importer: kind " + k.name + " has no column " + name)
}

// keyCols returns the indexes of the key columns.
func (k *kind) keyCols() []int {
	var out []int
	for i, c := range k.cols {
		if c.key {
			out = append(out, i)
		}
	}
	return out
}

// colNames lists the columns for error messages: "code, name, parent_code".
func (k *kind) colNames() string {
	names := make([]string, len(k.cols))
	for i, c := range k.cols {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func opt(c column) column { c.optional = true; return c }

// kinds in write order: what a row refers to is written before it.
var kinds = []*kind{
	{
		name:  "units",
		names: []string{"don vi", "co cau"},
		cols: []column{
			{name: "code", labels: []string{"mã", "mã đơn vị"}, required: true, key: true},
			{name: "name", labels: []string{"tên", "tên đơn vị"}, required: true},
			opt(column{name: "parent_code", labels: []string{"mã đơn vị cấp trên", "đơn vị cấp trên", "mã cấp trên"}, ref: refUnit}),
			opt(column{name: "head_code", labels: []string{"mã trưởng đơn vị", "trưởng đơn vị", "mã thủ trưởng"}, ref: refStaff}),
			opt(column{name: "email", labels: []string{"thư điện tử", "e-mail"}, typ: tEmail}),
		},
	},
	{
		name:  "staff",
		names: []string{"can bo", "nhan su"},
		cols: []column{
			{name: "code", labels: []string{"mã", "mã cán bộ", "mã nhân sự", "mã số"}, required: true, key: true},
			{name: "full_name", labels: []string{"họ và tên", "họ tên"}, required: true},
			opt(column{name: "email", labels: []string{"thư điện tử", "e-mail"}, typ: tEmail}),
			{name: "unit_code", labels: []string{"mã đơn vị", "đơn vị"}, required: true, ref: refUnit},
			opt(column{name: "manager_code", labels: []string{"mã người quản lý", "người quản lý", "mã cấp trên"}, ref: refStaff}),
			opt(column{name: "birth_date", labels: []string{"ngày sinh", "năm sinh", "ngày tháng năm sinh"}, typ: tBirthDate}),
			opt(column{name: "gender", labels: []string{"giới tính"}, typ: tCode, set: &codes.Gender}),
			opt(column{name: "rank", labels: []string{"ngạch", "ngạch công chức"}, typ: tCode, set: &codes.Rank}),
			opt(column{name: "education", labels: []string{"trình độ", "trình độ chuyên môn"}, typ: tCode, set: &codes.Education}),
			opt(column{name: "political_theory", labels: []string{"lý luận chính trị", "trình độ lý luận chính trị", "llct"}, typ: tCode, set: &codes.PoliticalTheory}),
			opt(column{name: "hired_on", labels: []string{"ngày tuyển dụng", "ngày vào cơ quan"}, typ: tDate}),
			opt(column{name: "left_on", labels: []string{"ngày nghỉ việc", "ngày thôi việc", "ngày nghỉ"}, typ: tDate}),
		},
		check: checkStaff,
	},
	{
		name:  "courses",
		names: []string{"khoa hoc"},
		cols: []column{
			{name: "code", labels: []string{"mã", "mã khóa học"}, required: true, key: true},
			{name: "name", labels: []string{"tên", "tên khóa học"}, required: true},
			{name: "category", labels: []string{"loại", "loại hình", "nhóm"}, typ: tCode, set: &codes.Category, required: true},
			opt(column{name: "level", labels: []string{"trình độ", "cấp độ", "văn bằng"}, typ: tLevel}),
			opt(column{name: "hours", labels: []string{"số giờ", "số tiết"}, typ: tNumber}),
			opt(column{name: "valid_months", labels: []string{"thời hạn (tháng)", "số tháng hiệu lực"}, typ: tInt}),
		},
		check: checkLevel,
	},
	{
		name:  "training",
		names: []string{"dao tao", "boi duong"},
		cols: []column{
			{name: "staff_code", labels: []string{"mã cán bộ", "mã nhân sự"}, required: true, key: true, ref: refStaff},
			{name: "course_code", labels: []string{"mã khóa học"}, required: true, key: true, ref: refCourse},
			{name: "start_on", labels: []string{"ngày bắt đầu", "từ ngày"}, typ: tDate, required: true, key: true},
			{name: "status", labels: []string{"trạng thái", "tình trạng"}, typ: tCode, set: &codes.TrainingStatus, required: true},
			opt(column{name: "due_on", labels: []string{"hạn hoàn thành", "ngày dự kiến hoàn thành"}, typ: tDate}),
			opt(column{name: "completed_on", labels: []string{"ngày hoàn thành", "ngày tốt nghiệp"}, typ: tDate}),
			opt(column{name: "hours", labels: []string{"số giờ", "số tiết"}, typ: tNumber}),
		},
		check: checkTraining,
	},
	{
		name:  "appointments",
		names: []string{"bo nhiem"},
		cols: []column{
			{name: "staff_code", labels: []string{"mã cán bộ", "mã nhân sự"}, required: true, key: true, ref: refStaff},
			{name: "position", labels: []string{"chức vụ"}, required: true, key: true},
			{name: "start_on", labels: []string{"ngày bổ nhiệm", "ngày bắt đầu"}, typ: tDate, required: true, key: true},
			opt(column{name: "unit_code", labels: []string{"mã đơn vị", "đơn vị"}, ref: refUnit}),
			opt(column{name: "decision_no", labels: []string{"số quyết định", "quyết định"}, max: maxDecision}),
			opt(column{name: "end_on", labels: []string{"ngày hết nhiệm kỳ", "hết nhiệm kỳ"}, typ: tDate}),
			opt(column{name: "ended_on", labels: []string{"ngày thôi giữ chức vụ", "ngày thôi chức"}, typ: tDate}),
		},
		check: checkAppointment,
	},
	{
		name:  "planning",
		names: []string{"quy hoach"},
		cols: []column{
			{name: "staff_code", labels: []string{"mã cán bộ", "mã nhân sự"}, required: true, key: true, ref: refStaff},
			{name: "position", labels: []string{"chức vụ", "chức danh quy hoạch"}, required: true, key: true},
			{name: "period", labels: []string{"giai đoạn", "nhiệm kỳ"}, typ: tPeriod, required: true, key: true},
			opt(column{name: "approved_on", labels: []string{"ngày phê duyệt", "ngày duyệt"}, typ: tDate}),
			opt(column{name: "reviewed_on", labels: []string{"ngày rà soát"}, typ: tDate}),
			opt(column{name: "status", labels: []string{"trạng thái"}, typ: tCode, set: &codes.PlanningStatus}),
		},
		check: checkPlanning,
	},
	{
		name:  "targets",
		names: []string{"chi tieu"},
		cols: []column{
			{name: "plan", labels: []string{"kế hoạch"}, required: true, key: true},
			{name: "category", labels: []string{"loại", "loại hình"}, typ: tCode, set: &codes.Category, required: true, key: true},
			{name: "level", labels: []string{"trình độ", "cấp độ"}, typ: tLevel, key: true},
			{name: "starts_on", labels: []string{"ngày bắt đầu", "từ ngày"}, typ: tDate, required: true},
			{name: "ends_on", labels: []string{"ngày kết thúc", "đến ngày"}, typ: tDate, required: true},
			{name: "target", labels: []string{"chỉ tiêu"}, typ: tInt, required: true},
		},
		check: checkTarget,
	},
	{
		name:  "evaluations",
		names: []string{"danh gia", "xep loai"},
		cols: []column{
			{name: "staff_code", labels: []string{"mã cán bộ", "mã nhân sự"}, required: true, key: true, ref: refStaff},
			{name: "year", labels: []string{"năm"}, typ: tInt, required: true, key: true},
			{name: "rating", labels: []string{"xếp loại", "kết quả"}, typ: tCode, set: &codes.Rating, required: true},
			opt(column{name: "score", labels: []string{"điểm", "tổng điểm"}, typ: tNumber}),
		},
		check: checkEvaluation,
	},
}

func init() {
	for _, k := range kinds {
		k.byName = map[string]int{}
		for i, c := range k.cols {
			if c.max == 0 {
				k.cols[i].max = maxLen(c)
			}
			k.byName[fold(c.name)] = i
			for _, l := range c.labels {
				k.byName[fold(l)] = i
			}
		}
		for i, n := range k.names {
			k.names[i] = fold(n)
		}
	}
}

// kindNames lists the kinds for error messages.
func kindNames() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// kindOf finds the kind a file (base name without extension) or sheet name
// holds: the name is the kind ("staff"), or ends with it after "-", "_" or a
// space ("03-staff", "2026_staff"), in English or Vietnamese ("03-can-bo").
func kindOf(name string) *kind {
	n := fold(name)
	var best *kind
	bestLen := 0
	for _, k := range kinds {
		for _, a := range append([]string{k.name}, k.names...) {
			if (n == a || strings.HasSuffix(n, " "+a)) && len(a) > bestLen {
				best, bestLen = k, len(a)
			}
		}
	}
	return best
}

// fold reduces a header, file or sheet name to what is compared: lower case,
// without Vietnamese diacritics, "_" and "-" as spaces, single spaces.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case r == '_' || r == '-':
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
