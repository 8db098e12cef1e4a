// Package codes holds the coded values of the records (docs/domain.md glossary): the
// English code stored in the database, its Vietnamese label, and its rank where
// the values are ordered (education, political theory).
//
// The labels stay here, not in the catalog of package i18n that holds
// tickler's other phrases, because they are also the import's vocabulary:
// Parse accepts a label in either language ("Chuyên viên chính" is
// principal_specialist) beside the aliases, so rewording a label changes
// which data files import, and belongs with the aliases (and the table of
// docs/domain.md), not with the phrases. The catalog copies none of them:
// i18n.Coded names a coded value through Set.Label.
package codes

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Value is one coded value.
type Value struct {
	Code    string   // stored in the database and used in data files
	VI      string   // Vietnamese label, as printed
	EN      string   // English label, as printed
	Aliases []string // other accepted spellings (Vietnamese without diacritics, short forms)
}

// Set is an ordered list of values; for ordered sets, later is higher.
type Set struct {
	Name   string
	Values []Value
}

// Label returns the label of code in lang ("vi" or "en"); an unknown code is returned as is.
func (s Set) Label(code, lang string) string {
	for _, v := range s.Values {
		if v.Code == code {
			if lang == "vi" {
				return v.VI
			}
			return v.EN
		}
	}
	return code
}

// Rank returns the position of code in the set (0 = lowest), or -1 if unknown.
func (s Set) Rank(code string) int {
	for i, v := range s.Values {
		if v.Code == code {
			return i
		}
	}
	return -1
}

// Codes returns the codes in order.
func (s Set) Codes() []string {
	out := make([]string, len(s.Values))
	for i, v := range s.Values {
		out[i] = v.Code
	}
	return out
}

// Parse maps an English code or a Vietnamese label, in any case and Unicode
// normalisation, to its code.
func (s Set) Parse(text string) (string, bool) {
	t := fold(text)
	if t == "" {
		return "", false
	}
	for _, v := range s.Values {
		if t == fold(v.Code) || t == fold(v.VI) || t == fold(v.EN) || t == fold(strings.ReplaceAll(v.Code, "_", " ")) {
			return v.Code, true
		}
		for _, a := range v.Aliases {
			if t == fold(a) {
				return v.Code, true
			}
		}
	}
	return "", false
}

// Allowed lists the accepted codes, for error messages: "male, female".
func (s Set) Allowed() string { return strings.Join(s.Codes(), ", ") }

func fold(s string) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	s = strings.ToLower(s)
	return strings.Join(strings.Fields(s), " ")
}

// RankNone is the rank code of someone who holds no civil-service rank (on a
// contract): a value of Rank, below every rank, which the rank shares leave
// out (Ranks).
const RankNone = "none"

// Ranks are the civil-service ranks proper, lowest first: Rank without
// RankNone.
func Ranks() []string {
	var out []string
	for _, c := range Rank.Codes() {
		if c != RankNone {
			out = append(out, c)
		}
	}
	return out
}

// The coded sets of docs/domain.md. Ordered sets run from lowest to highest.
var (
	Gender = Set{"gender", []Value{
		{"male", "Nam", "Male", []string{"m"}},
		{"female", "Nữ", "Female", []string{"f", "nu"}},
	}}
	// Rank: the civil-service ranks, and below them "none", held by no
	// civil-service rank (a contract, "lao động hợp đồng"): recorded so, unlike
	// a rank left blank (not filled in). Reports give the rank shares among
	// the people who hold a rank; see RankNone.
	Rank = Set{"rank", []Value{
		{RankNone, "Không giữ ngạch (hợp đồng)", "No civil-service rank (contract)",
			[]string{"không", "khong", "hợp đồng", "hop dong", "lao động hợp đồng", "lao dong hop dong",
				"không giữ ngạch", "khong giu ngach", "khong giu ngach (hop dong)"}},
		{"staff", "Nhân viên", "Staff", []string{"nhan vien"}},
		{"officer", "Cán sự", "Officer", []string{"can su"}},
		{"specialist", "Chuyên viên", "Specialist", []string{"chuyen vien", "cv"}},
		{"principal_specialist", "Chuyên viên chính", "Principal specialist", []string{"chuyen vien chinh", "cvc"}},
		{"senior_specialist", "Chuyên viên cao cấp", "Senior specialist", []string{"chuyen vien cao cap", "cvcc"}},
	}}
	Education = Set{"education", []Value{
		{"secondary", "Phổ thông", "Secondary", []string{"pho thong"}},
		{"vocational", "Trung cấp", "Vocational", []string{"trung cap"}},
		{"college", "Cao đẳng", "College", []string{"cao dang"}},
		{"bachelor", "Đại học", "Bachelor", []string{"dai hoc", "cử nhân", "kỹ sư"}},
		{"master", "Thạc sĩ", "Master", []string{"thac si", "thạc sỹ"}},
		{"doctorate", "Tiến sĩ", "Doctorate", []string{"tien si", "tiến sỹ"}},
	}}
	PoliticalTheory = Set{"political_theory", []Value{
		{"none", "Chưa qua đào tạo", "None", []string{"không", "khong", "chưa có"}},
		{"elementary", "Sơ cấp", "Elementary", []string{"so cap"}},
		{"intermediate", "Trung cấp", "Intermediate", []string{"trung cap"}},
		{"advanced", "Cao cấp", "Advanced", []string{"cao cap", "cử nhân"}},
	}}
	Rating = Set{"rating", []Value{
		{"not_completed", "Không hoàn thành nhiệm vụ", "Not completed", []string{"không hoàn thành", "khong hoan thanh"}},
		{"completed", "Hoàn thành nhiệm vụ", "Completed", []string{"hoàn thành", "hoan thanh"}},
		{"good", "Hoàn thành tốt nhiệm vụ", "Good", []string{"tốt", "tot"}},
		{"excellent", "Hoàn thành xuất sắc nhiệm vụ", "Excellent", []string{"xuất sắc", "xuat sac"}},
	}}
	TrainingStatus = Set{"status", []Value{
		{"planned", "Dự kiến", "Planned", []string{"du kien"}},
		{"enrolled", "Đang học", "Enrolled", []string{"dang hoc"}},
		{"completed", "Hoàn thành", "Completed", []string{"hoan thanh", "đã hoàn thành"}},
		{"dropped", "Thôi học", "Dropped", []string{"thoi hoc"}},
	}}
	Category = Set{"category", []Value{
		{"degree", "Đào tạo chuyên môn", "Degree", []string{"bằng cấp", "chuyên môn"}},
		{"political_theory", "Lý luận chính trị", "Political theory", []string{"ly luan chinh tri", "llct"}},
		{"state_management", "Quản lý nhà nước", "State management", []string{"quan ly nha nuoc", "qlnn"}},
		{"refresher", "Bồi dưỡng", "Refresher", []string{"boi duong", "bồi dưỡng nghiệp vụ"}},
		{"leadership", "Bồi dưỡng lãnh đạo, quản lý", "Leadership", []string{"lãnh đạo quản lý", "lanh dao quan ly"}},
		{"language", "Ngoại ngữ", "Language", []string{"ngoai ngu"}},
		{"it", "Tin học", "IT", []string{"tin hoc", "công nghệ thông tin", "cntt"}},
		{"defense_security", "Quốc phòng - an ninh", "Defense and security", []string{"quốc phòng an ninh", "quoc phong an ninh", "qpan"}},
		{"other", "Khác", "Other", []string{"khac"}},
	}}
	PlanningStatus = Set{"status", []Value{
		{"active", "Đang quy hoạch", "Active", []string{"dang quy hoach", "hiệu lực"}},
		{"removed", "Đưa ra khỏi quy hoạch", "Removed", []string{"đã đưa ra", "dua ra khoi quy hoach"}},
	}}
)
