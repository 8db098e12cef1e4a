package jobs_test

import (
	"slices"
	"testing"

	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// certAgency: ATVS is a certificate valid 24 months, TH1 one valid a month
// (to see month ends), TH has no validity.
var certAgency = map[string]string{
	"units.csv": `code,name,head_code
		U1,Phòng Tổ chức cán bộ,H1`,
	"staff.csv": `code,full_name,email,unit_code,manager_code,left_on
		H1,Trần Thị Hoa,h1@example.vn,U1,,
		A,Nguyễn Văn An,a@example.vn,U1,H1,
		R,Lê Văn Mới,r@example.vn,U1,H1,
		P,Phạm Văn Dự,p@example.vn,U1,H1,
		M,Đỗ Thị Cuối,m@example.vn,U1,H1,
		N,Ngô Văn Hạn,n@example.vn,U1,H1,
		B,Bùi Văn Thư,,U1,H1,
		L,Lý Văn Nghỉ,l@example.vn,U1,H1,2026-06-30`,
	"courses.csv": `code,name,category,hours,valid_months
		ATVS,Huấn luyện an toàn vệ sinh lao động,other,16,24
		TH1,Chứng chỉ khai thác hệ thống điều hành,it,8,1
		TH,Tin học ứng dụng,it,40,`,
}

const certTraining = `staff_code,course_code,start_on,status,due_on,completed_on,hours
	A,ATVS,2024-12-01,completed,,2024-12-31,
	R,ATVS,2024-12-01,completed,,2024-12-31,
	R,ATVS,2026-10-01,completed,,2026-10-15,
	P,ATVS,2024-12-01,completed,,2024-12-31,
	P,ATVS,2026-11-20,planned,2027-03-01,,
	M,TH1,2026-01-01,completed,,2026-01-31,
	N,TH,2024-12-01,completed,,2024-12-31,
	B,ATVS,2024-12-01,completed,,2024-12-31,
	L,ATVS,2024-12-01,completed,,2024-12-31,`

func certFiles() map[string]string {
	files := map[string]string{"training.csv": certTraining}
	for k, v := range certAgency {
		files[k] = v
	}
	return files
}

func TestCertificateExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", certFiles())
		res := b.run(t, jobs.CourseReminders{}, "2026-12-01", false)
		want := []string{
			// A's certificate (31/12/2024 + 24 months) expires 31/12/2026: the 30-day step.
			"a@example.vn|certificate_expiry A 30d",
			// P has only planned the renewal: the certificate still expires.
			"p@example.vn|certificate_expiry P 30d",
			// B has no address: HR is told, the reminder is not dropped.
			"tochuc@example.vn|data_problem B 30d",
			// Not listed: R completed the course again (15/10/2026); N's
			// course has no validity; L has left; M's expired long ago.
		}
		diff(t, "messages", items(res.Planned), want)
		it := find(t, res.Planned, "a@example.vn", "certificate_expiry", "A")
		if it.Date.String() != "2026-12-31" || it.Note != "Chứng chỉ hết hiệu lực ngày 31/12/2026 (hoàn thành ngày 31/12/2024, thời hạn 24 tháng)" {
			t.Errorf("item date %s, note %q", it.Date, it.Note)
		}
		if again := b.run(t, jobs.CourseReminders{}, "2026-12-01", false); len(again.Planned) != 0 {
			t.Errorf("second run of the slot planned %q", items(again.Planned))
		}
	})
}

func TestCertificateExpirySteps(t *testing.T) {
	cases := []struct {
		date string
		want []string
	}{
		// A's certificate expires 31/12/2026. 31 days before: nothing yet.
		{"2026-11-30", nil},
		{"2026-12-01", []string{"a@example.vn|certificate_expiry A 30d"}},
		{"2026-12-24", []string{"a@example.vn|certificate_expiry A 7d"}},
		{"2026-12-31", []string{"a@example.vn|certificate_expiry A 1d"}},
		// Expired: no more reminders (renewing is the training plan's business).
		{"2027-01-01", nil},
		// M completed a one-month course on 31/01/2026: it expires on
		// 28/02/2026, the end of the shorter month.
		{"2026-02-21", []string{"m@example.vn|certificate_expiry M 7d"}},
		{"2026-02-28", []string{"m@example.vn|certificate_expiry M 1d"}},
		{"2026-03-01", nil},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		files := certFiles()
		files["training.csv"] = `staff_code,course_code,start_on,status,due_on,completed_on,hours
			A,ATVS,2024-12-01,completed,,2024-12-31,
			M,TH1,2026-01-01,completed,,2026-01-31,`
		b := setupFiles(t, st, "", files)
		for _, c := range cases {
			got := items(b.run(t, jobs.CourseReminders{}, c.date, true).Planned)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: got %q, want %q", c.date, got, c.want)
			}
		}
	})
}

func TestCertificateAfterDowntime(t *testing.T) {
	// Sent the 30-day step on 01/12, down until 30/12: the next run sends the
	// 1-day step alone, never the 7-day one it slept through.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		files := certFiles()
		files["training.csv"] = `staff_code,course_code,start_on,status,due_on,completed_on,hours
			A,ATVS,2024-12-01,completed,,2024-12-31,`
		b := setupFiles(t, st, "", files)
		for _, s := range []struct {
			date string
			want []string
		}{
			{"2026-12-01", []string{"a@example.vn|certificate_expiry A 30d"}},
			{"2026-12-30", []string{"a@example.vn|certificate_expiry A 1d"}},
			{"2026-12-31", nil},
		} {
			got := items(b.run(t, jobs.CourseReminders{}, s.date, false).Planned)
			if !slices.Equal(got, s.want) {
				t.Errorf("%s: got %q, want %q", s.date, got, s.want)
			}
		}
	})
}

func TestCertificatesOff(t *testing.T) {
	// certificates: false leaves certificates out.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "jobs: {course-reminders: {certificates: false}}\n", certFiles())
		if res := b.run(t, jobs.CourseReminders{}, "2026-12-01", true); len(res.Planned) != 0 {
			t.Errorf("planned %q with certificates off", items(res.Planned))
		}
	})
}
