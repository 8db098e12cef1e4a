package status_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/status"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// An answer awaiting the records shows on the status page, as
// self-reported, with the person and the course, and in `tickler status`
// as a count.
func TestGatherAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		testkit.Import(t, st, map[string]string{
			"units.csv":    "code,name\nU1,Phòng Tổ chức",
			"staff.csv":    "code,full_name,unit_code\nA,Nguyễn Văn An,U1\nB,Lê Thị Bình,U1",
			"courses.csv":  "code,name,category\nQLNN,Quản lý nhà nước,state_management",
			"training.csv": "staff_code,course_code,start_on,status,due_on\nA,QLNN,2026-01-05,enrolled,2026-12-01\nB,QLNN,2026-01-05,enrolled,2026-12-01",
		})
		var ids []int64
		if err := st.SelectSQL(ctx, &ids, "SELECT id FROM training ORDER BY staff_code"); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC)
		for i, staff := range []string{"A", "B"} {
			if _, _, err := st.SaveAnswer(ctx, store.Answer{Subject: "training", RefID: ids[i], StaffCode: staff, Choice: "done",
				DoneOn: civil.MustParse("2026-11-01")}, store.Actor{Who: "self", At: at}); err != nil {
				t.Fatal(err)
			}
		}
		b, _, _ := st.SaveAnswer(ctx, store.Answer{Subject: "training", RefID: ids[1], StaffCode: "B", Choice: "done", DoneOn: civil.MustParse("2026-11-01")}, store.Actor{Who: "self", At: at})
		if _, err := st.RejectAnswer(ctx, b.ID, "", store.Actor{Who: "hr", At: at}); err != nil {
			t.Fatal(err)
		}
		r, err := status.Gather(ctx, st, testkit.Config(t, cfgYAML), at, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Answers.Counts["pending"] != 1 || r.Answers.Counts["rejected"] != 1 || len(r.Answers.Pending) != 1 || r.Answers.Pending[0].StaffName != "Nguyễn Văn An" {
			t.Fatalf("answers %+v", r.Answers)
		}
		var text, html bytes.Buffer
		r.WriteText(&text)
		if err := r.WriteHTML(&html, "vi"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text.String(), "1 self-reported, awaiting the records; 0 confirmed; 1 rejected") {
			t.Errorf("text:\n%s", text.String())
		}
		for _, want := range []string{"tự báo cáo, chờ cập nhật hồ sơ", "Nguyễn Văn An", "Quản lý nhà nước", "đã hoàn thành"} {
			if !strings.Contains(html.String(), want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(html.String(), "Lê Thị Bình") {
			t.Error("the page lists the rejected answer as pending")
		}
	})
}
