package codes

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestRankNone: "no civil-service rank" is a value of its own, written any
// of the ways an office writes it, in any case, with or without diacritics;
// a blank rank is not a value (not filled in).
func TestRankNone(t *testing.T) {
	for _, text := range []string{
		"none", "NONE", "Không", "KHÔNG", "khong", "Hợp đồng", "HỢP ĐỒNG", "hop dong", "Lao động hợp đồng",
		"lao dong hop dong", "Lao Động Hợp Đồng", "Không giữ ngạch", "Không giữ ngạch (hợp đồng)",
		"No civil-service rank (contract)", norm.NFD.String("Hợp đồng"), "  hợp   đồng ",
	} {
		if code, ok := Rank.Parse(text); !ok || code != RankNone {
			t.Errorf("Rank.Parse(%q) = %q, %v; want %q", text, code, ok, RankNone)
		}
	}
	for _, text := range []string{"", "  ", "hợp"} {
		if code, ok := Rank.Parse(text); ok {
			t.Errorf("Rank.Parse(%q) = %q, want no value", text, code)
		}
	}
	// The ranks themselves still parse, and "none" is not one of them.
	if code, _ := Rank.Parse("Chuyên viên chính"); code != "principal_specialist" {
		t.Errorf("Chuyên viên chính: %q", code)
	}
	if got := Ranks(); !slices.Equal(got, []string{"staff", "officer", "specialist", "principal_specialist", "senior_specialist"}) {
		t.Errorf("Ranks() = %v", got)
	}
	if got := Rank.Label(RankNone, "vi"); got != "Không giữ ngạch (hợp đồng)" {
		t.Errorf("label %q", got)
	}
	// The political-theory "none" is another set's: "Không" there is "Chưa
	// qua đào tạo".
	if code, _ := PoliticalTheory.Parse("Không"); code != "none" || PoliticalTheory.Label(code, "vi") != "Chưa qua đào tạo" {
		t.Errorf("political theory Không: %q", code)
	}
}
