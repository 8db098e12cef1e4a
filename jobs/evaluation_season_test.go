package jobs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/jobs"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// evalAgency: U0 on top (head H0), U1 under it (head H1), U2 under it with
// no head. A is rated for 2026; the others are not. L has left; N starts
// after the first run.
var evalAgency = map[string]string{
	"units.csv": `code,name,parent_code,head_code
		U0,Ban Tổ chức Tỉnh ủy,,H0
		U1,Phòng Tổ chức cán bộ,U0,H1
		U2,Phòng Địa bàn,U0,`,
	"staff.csv": `code,full_name,email,unit_code,hired_on,left_on
		H0,Nguyễn Văn Hùng,h0@example.vn,U0,2010-01-01,
		H1,Trần Thị Hoa,h1@example.vn,U1,2010-01-01,
		A,Nguyễn Văn An,a@example.vn,U1,2015-01-01,
		B,Lê Văn Bình,b@example.vn,U1,2015-01-01,
		C,Phạm Thị Cúc,c@example.vn,U2,2015-01-01,
		L,Hoàng Văn Long,l@example.vn,U1,2015-01-01,2026-06-30
		N,Đỗ Văn Nam,n@example.vn,U1,2026-11-15,`,
}

func TestEvaluationSeason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		files := map[string]string{"evaluations.csv": `staff_code,year,rating
			A,2026,good
			B,2025,good`}
		for k, v := range evalAgency {
			files[k] = v
		}
		b := setupFiles(t, st, "", files)
		res := b.run(t, jobs.EvaluationSeason{}, "2026-11-01", false)
		want := []string{
			// HR: each unit's count ...
			"tochuc@example.vn|evaluation_unit U0 2026-11",
			"tochuc@example.vn|evaluation_unit U1 2026-11",
			"tochuc@example.vn|evaluation_unit U2 2026-11",
			// ... everyone without a 2026 rating (B's 2025 rating does not
			// count; L has left; N starts on 15/11) ...
			"tochuc@example.vn|evaluation_missing H0 2026-11",
			"tochuc@example.vn|evaluation_missing H1 2026-11",
			"tochuc@example.vn|evaluation_missing B 2026-11",
			"tochuc@example.vn|evaluation_missing C 2026-11",
			// ... and U2's missing head, once for the unit.
			"tochuc@example.vn|data_problem U2 2026-11",
			// The head of U1 gets B; U1's own head is rated by the head
			// above, H0. H0 heads the top unit: HR alone.
			"h1@example.vn|evaluation_missing B 2026-11",
			"h0@example.vn|evaluation_missing H1 2026-11",
		}
		slices.Sort(want)
		diff(t, "1 November", items(res.Planned), want)
		u1 := find(t, res.Planned, "tochuc@example.vn", "evaluation_unit", "U1")
		if u1.Fields["staff"] != 3 || u1.Fields["rated"] != 1 || u1.Date.String() != "2026-12-15" {
			t.Errorf("U1: %v staff, %v rated, deadline %s; want 3, 1, 2026-12-15", u1.Fields["staff"], u1.Fields["rated"], u1.Date)
		}
		hr := messageTo(t, res.Planned, "tochuc@example.vn")
		if !strings.Contains(hr.Content.Text, "trước ngày 15/12/2026") || !strings.Contains(hr.Content.Text, "Phòng Địa bàn (U2): đơn vị chưa có lãnh đạo") {
			t.Errorf("HR's message lacks the deadline or the unit to fix:\n%s", hr.Content.Text)
		}
		if len(hr.Content.Attachments) != 1 || strings.Count(string(hr.Content.Attachments[0].Data), "BEGIN:VEVENT") != 1 {
			t.Errorf("HR's message should carry the rating deadline as one calendar event")
		}

		// The same slot again adds nothing.
		if again := b.run(t, jobs.EvaluationSeason{}, "2026-11-01", false); len(again.Planned) != 0 {
			t.Errorf("second run of the slot planned %q", items(again.Planned))
		}

		// By 1 December everyone but C has been rated: the second run of the
		// season tells HR (counts, C) and nobody else; N, hired since, is
		// rated too.
		testkit.Import(t, st, map[string]string{"evaluations.csv": `staff_code,year,rating
			H0,2026,excellent
			H1,2026,good
			B,2026,completed
			N,2026,completed`})
		res = b.run(t, jobs.EvaluationSeason{}, "2026-12-01", false)
		want = []string{
			"tochuc@example.vn|evaluation_unit U0 2026-12",
			"tochuc@example.vn|evaluation_unit U1 2026-12",
			"tochuc@example.vn|evaluation_unit U2 2026-12",
			"tochuc@example.vn|evaluation_missing C 2026-12",
			"tochuc@example.vn|data_problem U2 2026-12",
		}
		slices.Sort(want)
		diff(t, "1 December", items(res.Planned), want)
		if u1 := find(t, res.Planned, "tochuc@example.vn", "evaluation_unit", "U1"); u1.Fields["staff"] != 4 || u1.Fields["rated"] != 4 {
			t.Errorf("U1 on 1 December: %v of %v rated, want 4 of 4", u1.Fields["rated"], u1.Fields["staff"])
		}
	})
}

func TestEvaluationSeasonAllRated(t *testing.T) {
	// Everyone rated: HR still gets the counts (all done), unit heads nothing.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		files := map[string]string{
			"units.csv": `code,name,head_code
				U1,Phòng Tổ chức cán bộ,H1`,
			"staff.csv": `code,full_name,email,unit_code
				H1,Trần Thị Hoa,h1@example.vn,U1
				A,Nguyễn Văn An,a@example.vn,U1`,
			"evaluations.csv": `staff_code,year,rating
				H1,2026,good
				A,2026,excellent`,
		}
		b := setupFiles(t, st, "", files)
		res := b.run(t, jobs.EvaluationSeason{}, "2026-12-01", true)
		diff(t, "all rated", items(res.Planned), []string{"tochuc@example.vn|evaluation_unit U1 2026-12"})
		hr := messageTo(t, res.Planned, "tochuc@example.vn")
		if !strings.Contains(hr.Content.Text, "Tất cả cán bộ, công chức, viên chức đã có kết quả đánh giá, xếp loại năm 2026.") {
			t.Errorf("HR's message does not say everyone is rated:\n%s", hr.Content.Text)
		}
	})
}

func TestEvaluationSeasonPastDeadline(t *testing.T) {
	// A run after 15 December (a schedule set later, or a catch-up) says the
	// deadline has passed.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		b := setupFiles(t, st, "", evalAgency)
		hr := messageTo(t, b.run(t, jobs.EvaluationSeason{}, "2026-12-16", true).Planned, "tochuc@example.vn")
		if !strings.Contains(hr.Subject, "Quá hạn") || !strings.Contains(hr.Content.Text, "đã qua") {
			t.Errorf("subject %q; text:\n%s", hr.Subject, hr.Content.Text)
		}
	})
}
