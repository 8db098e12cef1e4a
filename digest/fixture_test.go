package digest_test

import (
	"context"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/store"
)

// The hand-made agency of the tests, as of October 2026 (as of 31/10/2026).
//
//	U1 Ban Tổ chức Tỉnh ủy (head P01)
//	├── U2 Phòng Tổ chức cán bộ (head P04)
//	│   └── U3 Tổ Chính sách (no head)
//	└── U4 Phòng Đào tạo (head P15, who has no e-mail)
//
// 23 people on staff at the month's end, with the seed report's 2018 rank
// mix: 2 senior specialists (P01, P02), 10 principal specialists (P03, P04,
// P05, P06, P10, P11, P15, P16, P17, P18) and 11 specialists. P24 left on
// 30/09/2026 and P25 joins on 03/11/2026: neither is counted on staff.
// The expected figures are worked out by hand beside each test.
var agency = map[string]string{
	"units.csv": `code,name,parent_code,head_code,email
		U1,Ban Tổ chức Tỉnh ủy,,P01,tochuc@example.vn
		U2,Phòng Tổ chức cán bộ,U1,P04,
		U3,Tổ Chính sách,U2,,
		U4,Phòng Đào tạo,U1,P15,`,
	"staff.csv": `code,full_name,email,unit_code,manager_code,birth_date,gender,rank,education,political_theory,hired_on,left_on
		P01,Nguyễn Văn Quyết,p01@example.vn,U1,,1968-03-10,male,senior_specialist,doctorate,advanced,1992-08-01,
		P02,Trần Thị Hạnh,p02@example.vn,U1,P01,1972-06-20,female,senior_specialist,master,advanced,1995-08-01,
		P03,Lê Văn Đức,p03@example.vn,U1,P01,1965-06-10,male,principal_specialist,master,advanced,1990-08-01,
		P04,Phạm Thị Lan,p04@example.vn,U2,P01,1970-01-15,female,principal_specialist,master,advanced,1994-08-01,
		P05,Hoàng Văn Nam,p05@example.vn,U2,P04,1985-04-02,male,principal_specialist,bachelor,intermediate,2008-08-01,
		P06,Vũ Thị Mai,p06@example.vn,U2,P04,1979-09-09,female,principal_specialist,bachelor,intermediate,2003-08-01,
		P07,Đặng Văn Long,p07@example.vn,U2,P04,1988-11-11,male,specialist,bachelor,intermediate,2012-08-01,
		P08,Bùi Thị Thu,p08@example.vn,U2,P04,1990-02-14,female,specialist,bachelor,elementary,2014-08-01,
		P09,Đỗ Văn Hùng,p09@example.vn,U2,P04,1992-07-07,male,specialist,college,elementary,2016-08-01,
		P10,Ngô Thị Hoa,p10@example.vn,U3,P04,1983-05-05,female,principal_specialist,bachelor,advanced,2007-08-01,
		P11,Dương Văn Tâm,p11@example.vn,U3,P04,1984-06-06,male,principal_specialist,bachelor,intermediate,2008-08-01,
		P12,Lý Thị Ngọc,p12@example.vn,U3,P04,1990-12-12,female,specialist,bachelor,intermediate,2015-08-01,
		P13,Phan Văn Tú,p13@example.vn,U3,P04,1993-03-03,male,specialist,bachelor,none,2018-08-01,
		P14,Võ Thị Yến,p14@example.vn,U3,P04,1996-04-04,female,specialist,vocational,none,2020-08-01,
		P15,Trịnh Văn Khải,,U4,P01,1985-05-05,male,principal_specialist,bachelor,advanced,2009-08-01,
		P16,Đinh Thị Xuân,p16@example.vn,U4,P15,1980-01-20,female,principal_specialist,master,intermediate,2004-08-01,
		P17,Lâm Văn Phúc,p17@example.vn,U4,P15,1981-02-21,male,principal_specialist,bachelor,intermediate,2005-08-01,
		P18,Mai Thị Diệu,p18@example.vn,U4,P15,1982-03-22,female,principal_specialist,bachelor,intermediate,2006-08-01,
		P19,Hà Văn Sơn,p19@example.vn,U4,P15,1991-04-23,male,specialist,bachelor,elementary,,
		P20,Tạ Thị Oanh,p20@example.vn,U4,P15,1994-05-24,female,specialist,bachelor,elementary,2019-08-01,
		P21,Kiều Văn Thịnh,,U4,P15,1995-06-25,male,specialist,bachelor,none,2020-08-01,
		P22,Chu Thị Loan,p22@example.vn,U4,P15,,female,specialist,college,none,2021-08-01,
		P23,Quách Văn Bảo,p23@example.vn,U4,P15,1997-08-27,male,specialist,bachelor,,2022-08-01,
		P24,Lương Thị Vân,p24@example.vn,U2,P04,1989-09-28,female,specialist,bachelor,elementary,2013-08-01,2026-09-30
		P25,Tô Văn Hải,p25@example.vn,U4,P15,2000-10-29,male,specialist,master,none,2026-11-03,`,
	"courses.csv": `code,name,category,level,hours
		THS,Đào tạo thạc sĩ Quản lý công,degree,master,
		CCLL,Cao cấp lý luận chính trị,political_theory,advanced,
		QLNN,Bồi dưỡng quản lý nhà nước ngạch chuyên viên chính,state_management,,240
		BD1,Bồi dưỡng nghiệp vụ công tác tổ chức,refresher,,40
		BD2,Bồi dưỡng kỹ năng soạn thảo văn bản,refresher,,24
		BD3,Cập nhật kiến thức về công tác cán bộ,refresher,,8
		TH,Bồi dưỡng kỹ năng chuyển đổi số,it,,16
		QP,Bồi dưỡng kiến thức quốc phòng - an ninh,defense_security,,40`,
	// Rows numbered for the comments of the tests.
	"training.csv": `staff_code,course_code,start_on,status,due_on,completed_on,hours
		P05,THS,2024-09-01,enrolled,2026-12-31,,
		P06,THS,2024-09-01,completed,,2026-10-15,
		P07,CCLL,2026-10-05,enrolled,2027-06-30,,
		P10,CCLL,2025-03-01,completed,,2026-02-20,
		P11,CCLL,2026-02-01,dropped,2026-10-20,,
		P12,QLNN,2026-10-01,enrolled,2026-11-15,,
		P13,QLNN,2026-08-01,planned,2026-10-10,,
		P08,BD1,2026-03-02,completed,,2026-03-06,
		P09,BD2,2026-10-12,completed,,2026-10-14,24
		P09,BD3,2026-05-01,completed,,2026-05-01,8
		P14,TH,2026-06-01,completed,,2026-06-03,
		P16,QP,2026-11-02,planned,2026-11-06,,
		P17,BD1,2025-05-01,completed,,2025-05-05,
		P24,BD1,2026-09-01,completed,,2026-09-05,
		P18,TH,2026-09-20,completed,,2026-11-05,
		P19,BD2,2026-10-20,enrolled,,,
		P20,BD1,2026-09-01,enrolled,2026-10-25,,`,
	"targets.csv": `plan,category,level,starts_on,ends_on,target
		2021-2025,refresher,,2021-01-01,2025-12-31,30
		2026-2030,degree,master,2026-01-01,2030-12-31,5
		2026-2030,political_theory,advanced,2026-01-01,2030-12-31,4
		2026-2030,refresher,,2026-01-01,2030-12-31,20
		2026-2030,it,,2026-01-01,2030-12-31,10`,
	"appointments.csv": `staff_code,position,start_on,unit_code,decision_no,end_on,ended_on
		P01,Trưởng ban,2022-01-15,U1,12-QĐ/TU,2027-01-15,
		P02,Phó Trưởng ban,2021-07-01,U1,40-QĐ/TU,2026-07-01,
		P03,Phó Trưởng ban,2022-04-01,U1,77-QĐ/TU,2027-04-01,
		P04,Trưởng phòng,2021-12-01,U2,90-QĐ/BTC,2026-12-01,
		P15,Trưởng phòng,2021-11-20,U4,91-QĐ/BTC,2026-11-20,
		P22,Tổ trưởng,2022-03-01,U4,15-QĐ/BTC,2027-03-01,
		P05,Phó Trưởng phòng,2019-05-01,U2,20-QĐ/BTC,2024-05-01,2024-05-01`,
	"planning.csv": `staff_code,position,period,approved_on,reviewed_on,status
		P05,Trưởng phòng,2025-2030,2025-03-01,2026-03-15,active
		P06,Trưởng phòng,2025-2030,2025-03-01,2025-04-01,active
		P06,Phó Trưởng ban,2025-2030,2025-03-01,2026-05-05,active
		P07,Phó Trưởng phòng,2025-2030,2025-03-01,,removed
		P24,Phó Trưởng phòng,2025-2030,2025-03-01,2026-02-01,active
		P12,Phó Trưởng phòng,2025-2030,2025-03-01,2026-02-01,active`,
	"evaluations.csv": `staff_code,year,rating
		P01,2025,excellent
		P04,2025,excellent
		P02,2025,good
		P03,2025,good
		P05,2025,good
		P07,2025,good
		P08,2025,good
		P10,2025,good
		P11,2025,good
		P12,2025,good
		P15,2025,good
		P16,2025,good
		P17,2025,good
		P18,2025,good
		P06,2025,completed
		P13,2025,completed
		P14,2025,completed
		P19,2025,completed
		P20,2025,completed
		P09,2025,not_completed
		P24,2025,good
		P01,2026,excellent`,
}

const testConfig = `
timezone: Asia/Ho_Chi_Minh
language: vi
mail: {from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
`

var october = digest.Month{Year: 2026, Month: time.October}

// setup imports the hand-made agency and adds the outbox rows the deliveries
// section reads: of the failed ones, two were created in October in Hanoi.
func setup(t *testing.T, st *store.Store) (*config.Config, *digest.Computer) {
	t.Helper()
	testkit.Import(t, st, agency)
	cfg := testkit.Config(t, testConfig)
	hanoi := cfg.Location
	rows := []struct {
		key, job, to, state string
		at                  time.Time
	}{
		// Failed in October, to P05 (unit U2).
		{"k1", "course-reminders", "p05@example.vn", "failed", time.Date(2026, 10, 10, 8, 0, 0, 0, hanoi)},
		// Failed on 31/10 at 20:00 in Hanoi, to a list address (no unit).
		{"k2", "monthly-digest", "lanhdao@example.vn", "failed", time.Date(2026, 10, 31, 20, 0, 0, 0, hanoi)},
		// Failed at 06:00 on 1/11 in Hanoi: still 31/10 in UTC, but November here.
		{"k3", "course-reminders", "p07@example.vn", "failed", time.Date(2026, 11, 1, 6, 0, 0, 0, hanoi)},
		// Failed in September.
		{"k4", "course-reminders", "p08@example.vn", "failed", time.Date(2026, 9, 30, 9, 0, 0, 0, hanoi)},
		// Sent in October.
		{"k5", "course-reminders", "p09@example.vn", "sent", time.Date(2026, 10, 12, 9, 0, 0, 0, hanoi)},
	}
	for _, r := range rows {
		_, err := st.ExecSQL(context.Background(), `INSERT INTO deliveries (key, job, slot, recipient, subject, text_body, message_id,
			state, next_attempt_at, created_at, reply) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
			r.key, r.job, store.T(r.at), r.to, "Nhắc việc", "<"+r.key+"@x>", r.state, store.T(r.at), store.T(r.at),
			"550 5.1.1 mailbox unavailable")
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := digest.NewComputer(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, c
}
