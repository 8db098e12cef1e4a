package sample

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const agencyName = "Ban Tổ chức Tỉnh ủy"

// rootDeptNames are the agency's departments, most essential first: a small
// agency has only the first few.
var rootDeptNames = []string{
	"Văn phòng",
	"Phòng Tổ chức cán bộ",
	"Phòng Tổ chức đảng - đảng viên",
	"Phòng Bảo vệ chính trị nội bộ",
	"Phòng Tổng hợp",
	"Phòng Cơ sở đảng",
	"Phòng Chính sách cán bộ",
	"Phòng Địa bàn 1",
	"Phòng Địa bàn 2",
	"Phòng Nghiên cứu, hướng dẫn",
}

// subDeptNames are the departments of a subordinate board.
var subDeptNames = []string{
	"Văn phòng",
	"Phòng Tổ chức cán bộ",
	"Phòng Tổ chức đảng - đảng viên",
	"Phòng Bảo vệ chính trị nội bộ",
	"Phòng Tổng hợp",
	"Phòng Cơ sở đảng",
}

var (
	rootDeptInitials = initialsOf(rootDeptNames)
	subDeptInitials  = initialsOf(subDeptNames)
)

// districtNames name the subordinate boards (Ban Tổ chức Huyện ủy ...).
var districtNames = []string{
	"Châu Thành", "Kế Sách", "Long Phú", "Mỹ Tú", "Mỹ Xuyên", "Thạnh Trị", "Ngã Năm", "Vĩnh Châu",
	"Trần Đề", "Cù Lao Dung", "Phong Điền", "Cờ Đỏ", "Thới Lai", "Vĩnh Thạnh", "Bình Minh", "Tam Bình",
	"Trà Ôn", "Vũng Liêm", "Long Hồ", "Mang Thít", "Càng Long", "Cầu Kè", "Tiểu Cần", "Cầu Ngang",
	"Trà Cú", "Duyên Hải", "Cái Bè", "Cai Lậy", "Chợ Gạo", "Tân Phước", "Hòn Đất", "Tân Hiệp",
	"Giồng Riềng", "Gò Quao", "An Biên", "U Minh", "Thới Bình", "Đầm Dơi", "Năm Căn", "Ngọc Hiển",
	"Hồng Dân", "Phước Long", "Giá Rai", "Đông Hải", "Vĩnh Lợi", "Hòa Bình",
}

// namePart is one family, middle or given name with its ASCII form for emails.
type namePart struct {
	text  string
	ascii string
}

// nameTable is a list of names with cumulative weights.
type nameTable struct {
	parts []namePart
	cum   []int
}

// table builds a nameTable from "name weight" pairs; a missing weight is 1.
func table(spec ...any) nameTable {
	var t nameTable
	total := 0
	for i := 0; i < len(spec); i++ {
		s := spec[i].(string)
		w := 1
		if i+1 < len(spec) {
			if n, ok := spec[i+1].(int); ok {
				w, i = n, i+1
			}
		}
		total += w
		t.parts = append(t.parts, namePart{s, fold(s)})
		t.cum = append(t.cum, total)
	}
	return t
}

// Family names with their approximate frequencies (per mille) in Vietnam.
var familyNames = table(
	"Nguyễn", 380, "Trần", 110, "Lê", 95, "Phạm", 70, "Hoàng", 30, "Huỳnh", 25, "Phan", 45,
	"Vũ", 22, "Võ", 20, "Đặng", 21, "Bùi", 20, "Đỗ", 14, "Hồ", 13, "Ngô", 13, "Dương", 10,
	"Lý", 5, "Trương", 10, "Đinh", 8, "Lâm", 5, "Mai", 5, "Lương", 4, "Cao", 4, "Tạ", 2,
)

var maleMiddle = table(
	"Văn", 35, "Hữu", 10, "Minh", 12, "Thanh", 10, "Quốc", 8, "Đức", 8, "Công", 6, "Thành", 5,
	"Hoàng", 4, "Ngọc", 4, "Trọng", 5, "Xuân", 4, "Tấn", 5, "Quang", 5, "Anh", 3,
)

var femaleMiddle = table(
	"Thị", 55, "Ngọc", 8, "Thanh", 7, "Thu", 6, "Kim", 5, "Hồng", 5, "Phương", 4, "Thùy", 4,
	"Mỹ", 3, "Minh", 3, "Bích", 3, "Hoài", 2,
)

// femaleSecond follows "Thị" in names like Phạm Thị Thúy Phượng.
var femaleSecond = table("Thanh", "Thu", "Ngọc", "Kim", "Hồng", "Thúy", "Mỹ", "Bích", "Diễm", "Kiều", "Minh", "Phương")

var maleGiven = table(
	"Anh", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng",
	"Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Minh", "Nam", "Nghĩa",
	"Nhân", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn",
	"Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Bảo", "Hưng", "Tiến", "Trí", "Hậu",
)

var femaleGiven = table(
	"An", "Anh", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
	"Hoa", "Hồng", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
	"Ngọc", "Nhung", "Oanh", "Phượng", "Quyên", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh",
	"Tuyết", "Uyên", "Vân", "Yến", "Nhi", "Thư",
)

// fold returns the lowercase ASCII form of a Vietnamese text: diacritics off,
// đ to d, only letters and digits kept.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// initialsOf returns the ASCII initials of each name: "Phòng Tổ chức cán bộ" → ptccb.
func initialsOf(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		var b strings.Builder
		for _, w := range strings.Fields(n) {
			if f := fold(w); f != "" {
				b.WriteByte(f[0])
			}
		}
		out[i] = b.String()
	}
	return out
}
