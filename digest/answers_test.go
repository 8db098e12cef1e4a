package digest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// The agency's digest counts the month's answers by where they stand and
// lists those awaiting the records; a unit's digest has no such section;
// the text and the HTML show it.
func TestSelfReported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, c := setup(t, st)
		ctx := context.Background()
		hanoi, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
		ids := map[string]int64{}
		var rows []struct {
			ID    int64  `db:"id"`
			Staff string `db:"staff_code"`
		}
		if err := st.SelectSQL(ctx, &rows, "SELECT id, staff_code FROM training WHERE staff_code IN ('P05', 'P12', 'P13', 'P16')"); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ids[r.Staff] = r.ID
		}
		for _, a := range []struct {
			staff  string
			at     time.Time
			reject bool
		}{
			// Two pending in October, one rejected in October.
			{"P05", time.Date(2026, 10, 5, 9, 0, 0, 0, hanoi), false},
			{"P12", time.Date(2026, 10, 31, 23, 0, 0, 0, hanoi), false},
			{"P13", time.Date(2026, 10, 20, 9, 0, 0, 0, hanoi), true},
			// 00:30 on 1/11 in Hanoi (still 31/10 in UTC): November's.
			{"P16", time.Date(2026, 11, 1, 0, 30, 0, 0, hanoi), false},
		} {
			saved, _, err := st.SaveAnswer(ctx, store.Answer{Subject: "training", RefID: ids[a.staff], StaffCode: a.staff, Choice: "registered",
				StartsOn: civil.MustParse("2026-12-01")}, store.Actor{Who: "self", At: a.at})
			if err != nil {
				t.Fatal(err)
			}
			if a.reject {
				if _, err := st.RejectAnswer(ctx, saved.ID, "", store.Actor{Who: "hr", At: a.at}); err != nil {
					t.Fatal(err)
				}
			}
		}
		r, err := c.Compute(ctx, october, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.SelfReported == nil {
			t.Fatal("the agency's digest has no self_reported section")
		}
		s := ok(t, "self_reported", *r.SelfReported)
		if s.Answered != 3 || s.Pending != 2 || s.Rejected != 1 || s.Confirmed != 0 || len(s.List) != 2 ||
			s.List[0].StaffCode != "P05" || s.List[1].AnsweredOn.String() != "2026-10-31" || s.List[0].Answer != "registered" {
			t.Errorf("self_reported %+v", s)
		}
		unit, err := c.Compute(ctx, october, "U2")
		if err != nil {
			t.Fatal(err)
		}
		if unit.SelfReported != nil {
			t.Error("a unit's digest has a self_reported section")
		}
		rd, err := digest.NewRenderer()
		if err != nil {
			t.Fatal(err)
		}
		text, err := rd.Text([]*digest.Report{r}, digest.Page{Lang: "vi", Office: "Ban Tổ chức"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"12. CÁN BỘ TỰ BÁO CÁO QUA ĐƯỜNG DẪN TRONG THƯ NHẮC",
			"3 báo cáo trong tháng: 2 tự báo cáo, chờ cập nhật hồ sơ; 0 hồ sơ đã cập nhật; 1 không được chấp nhận.", "đã đăng ký học, ngày báo 05/10/2026"} {
			if !strings.Contains(text, want) {
				t.Errorf("the text lacks %q", want)
			}
		}
		if !strings.Contains(text, "2 thư không gửi được.") {
			t.Error("the sections before it are gone")
		}
		html, _, err := rd.HTML([]*digest.Report{r}, digest.Page{Lang: "en", Office: "Organisation Board"}, func(*digest.Chart) string { return "cid:x" })
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"12. Self-reported through the reminders&#39; links", "3 answers this month: 2 self-reported, awaiting the records",
			"<td style=\"border:1px solid #d9dde3;padding:5px 7px;vertical-align:top;\">registered</td>"} {
			if !strings.Contains(html, want) {
				t.Errorf("the HTML lacks %q", want)
			}
		}
	})
}
