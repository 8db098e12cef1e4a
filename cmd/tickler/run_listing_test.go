package main

import (
	"bufio"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/notify/message"
	"github.com/tickler-dev/tickler/notify/plan"
)

// TestListingCountsOutlines: `run`'s text listing prints a long list's
// whole items and counts its outlines by kind, instead of thirty thousand
// lines that say nothing.
func TestListingCountsOutlines(t *testing.T) {
	var o message.Outliner
	whole := &notify.Item{Kind: "training_overdue", Key: "training/1", Step: "overdue/8", StaffCode: "S1", StaffName: "An",
		Ref: "CDS", RefName: "Chuyển đổi số", Date: civil.MustParse("2026-08-14")}
	items := message.List{whole}
	for i := range 5 {
		it := notify.Item{Kind: []string{"training_overdue", "data_problem"}[i%2], Key: "k", Step: "overdue/8", StaffCode: "S2", StaffName: "Bình"}
		items = append(items, o.Outline(&it))
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeTextMessage(w, &plan.Planned{To: notify.Recipient{Email: "tochuc@example.vn"}, Subject: "s", Items: items, Partial: true})
	w.Flush()
	got := b.String()
	for _, want := range []string{"S1", "CDS", "2026-08-14", "Chuyển đổi số", "and 5 more, whole in the list the message links to: training_overdue 3, data_problem 2\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("listing lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "  - "); n != 1 {
		t.Errorf("%d items listed, want the 1 whole one:\n%s", n, got)
	}
}
