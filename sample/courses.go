package sample

// course is a catalogue entry: the row, and how many days it runs.
type course struct {
	Course
	days int
}

// Indices into catalogue, for the training generator.
const (
	cMasterPublic = iota
	cMasterParty
	cMasterLaw
	cDoctorate
	cBachelorAdmin
	cBachelorLaw
	cAdvancedPT
	cAdvancedPTBridge
	cIntermediatePT
	cElementaryPT
	cStateSpecialist
	cStatePrincipal
	cStateSenior
	cPartyWork
	cInternalSecurity
	cPartyMembers
	cCadreUpdate
	cDrafting
	cEvaluation
	cDigital
	cITBasic
	cEnglish
	cDefense3
	cDefense4
	cLeadDept
	cLeadAgency
)

// catalogue is the fixed course list: what a provincial Organization Board
// sends its people to (the seed report names most of them).
var catalogue = []course{
	{Course{"THS-QLC", "Đào tạo thạc sĩ Quản lý công", "degree", "master", 0, 0}, 730},
	{Course{"THS-XDD", "Đào tạo thạc sĩ Xây dựng Đảng và Chính quyền nhà nước", "degree", "master", 0, 0}, 730},
	{Course{"THS-LUAT", "Đào tạo thạc sĩ Luật", "degree", "master", 0, 0}, 730},
	{Course{"TS-XDD", "Đào tạo tiến sĩ Xây dựng Đảng và Chính quyền nhà nước", "degree", "doctorate", 0, 0}, 1095},
	{Course{"DH-HC", "Đào tạo đại học Hành chính học (vừa làm vừa học)", "degree", "bachelor", 0, 0}, 1095},
	{Course{"DH-LUAT", "Đào tạo đại học Luật (văn bằng 2)", "degree", "bachelor", 0, 0}, 730},
	{Course{"CCLLCT", "Cao cấp lý luận chính trị", "political_theory", "advanced", 0, 0}, 540},
	{Course{"HCKT-CCLLCT", "Hoàn chỉnh kiến thức Cao cấp lý luận chính trị", "political_theory", "advanced", 0, 0}, 120},
	{Course{"TCLLCT", "Trung cấp lý luận chính trị - hành chính", "political_theory", "intermediate", 0, 0}, 365},
	{Course{"SCLLCT", "Sơ cấp lý luận chính trị", "political_theory", "elementary", 0, 0}, 30},
	{Course{"QLNN-CV", "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên", "state_management", "", 240, 0}, 60},
	{Course{"QLNN-CVC", "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên chính", "state_management", "", 280, 0}, 70},
	{Course{"QLNN-CVCC", "Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên cao cấp", "state_management", "", 320, 0}, 80},
	{Course{"BD-XDD", "Bồi dưỡng nghiệp vụ công tác tổ chức xây dựng Đảng", "refresher", "", 40, 0}, 5},
	{Course{"BD-BVCT", "Bồi dưỡng nghiệp vụ công tác bảo vệ chính trị nội bộ", "refresher", "", 24, 0}, 3},
	{Course{"BD-DV", "Bồi dưỡng nghiệp vụ công tác đảng viên", "refresher", "", 24, 0}, 3},
	{Course{"BD-CB", "Cập nhật kiến thức về công tác cán bộ", "refresher", "", 8, 0}, 1},
	{Course{"BD-VB", "Bồi dưỡng kỹ năng soạn thảo văn bản", "refresher", "", 24, 0}, 3},
	{Course{"BD-DG", "Bồi dưỡng nghiệp vụ đánh giá, xếp loại cán bộ", "refresher", "", 8, 0}, 1},
	{Course{"CDS", "Bồi dưỡng kỹ năng chuyển đổi số", "it", "", 16, 0}, 2},
	{Course{"CNTT-CB", "Ứng dụng công nghệ thông tin cơ bản", "it", "", 60, 0}, 15},
	{Course{"TA-B1", "Tiếng Anh bậc 3 (B1)", "language", "", 150, 0}, 90},
	{Course{"QPAN-DT3", "Bồi dưỡng kiến thức quốc phòng - an ninh đối tượng 3", "defense_security", "", 64, 60}, 8},
	{Course{"QPAN-DT4", "Bồi dưỡng kiến thức quốc phòng - an ninh đối tượng 4", "defense_security", "", 40, 60}, 5},
	{Course{"LDQL-PHONG", "Bồi dưỡng lãnh đạo, quản lý cấp phòng", "leadership", "", 80, 0}, 10},
	{Course{"LDQL-SO", "Bồi dưỡng lãnh đạo, quản lý cấp sở và tương đương", "leadership", "", 120, 0}, 15},
}

// refreshers are the courses a person takes for the yearly refresher hours.
var refreshers = []int{cPartyWork, cInternalSecurity, cPartyMembers, cCadreUpdate, cDrafting, cEvaluation, cDigital}

// masters are the master's programmes.
var masters = []int{cMasterPublic, cMasterParty, cMasterLaw}
