package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/internal/testkit"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// The seed report's 2018 rank mix, in an agency of 25 where two people hold
// no civil-service rank (on contracts, written two ways in the file):
//
//	U1 Ban Tổ chức (P01–P04): senior P01, P02; principal P03, P04
//	├── U2 Phòng Tổ chức cán bộ (P05–P10): principal P05, P06; specialist
//	│   │   P07, P08, P09; P10 "Hợp đồng"
//	│   └── U3 Tổ Chính sách (P11–P13): principal P11; specialist P12;
//	│       P13 "lao dong hop dong"
//	└── U4 Phòng Đào tạo (P14–P25): principal P14–P18; specialist P19–P25
//
// Ranks: 2 senior, 10 principal, 11 specialist, 2 without a rank.
var seed2018 = map[string]string{
	"units.csv": `code,name,parent_code,head_code
		U1,Ban Tổ chức,,P01
		U2,Phòng Tổ chức cán bộ,U1,P05
		U3,Tổ Chính sách,U2,
		U4,Phòng Đào tạo,U1,P14`,
	"staff.csv": `code,full_name,email,unit_code,rank,education,political_theory,hired_on
		P01,Người 01,p01@example.vn,U1,Chuyên viên cao cấp,doctorate,advanced,2000-01-01
		P02,Người 02,p02@example.vn,U1,senior_specialist,master,advanced,2000-01-01
		P03,Người 03,p03@example.vn,U1,principal_specialist,master,advanced,2000-01-01
		P04,Người 04,p04@example.vn,U1,CVC,bachelor,intermediate,2000-01-01
		P05,Người 05,p05@example.vn,U2,principal_specialist,bachelor,intermediate,2000-01-01
		P06,Người 06,p06@example.vn,U2,principal_specialist,bachelor,intermediate,2000-01-01
		P07,Người 07,p07@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P08,Người 08,p08@example.vn,U2,Chuyên viên,bachelor,elementary,2000-01-01
		P09,Người 09,p09@example.vn,U2,specialist,bachelor,none,2000-01-01
		P10,Người 10,p10@example.vn,U2,Hợp đồng,bachelor,none,2000-01-01
		P11,Người 11,p11@example.vn,U3,principal_specialist,bachelor,intermediate,2000-01-01
		P12,Người 12,p12@example.vn,U3,specialist,bachelor,elementary,2000-01-01
		P13,Người 13,p13@example.vn,U3,lao dong hop dong,bachelor,none,2000-01-01
		P14,Người 14,p14@example.vn,U4,principal_specialist,master,advanced,2000-01-01
		P15,Người 15,p15@example.vn,U4,principal_specialist,bachelor,intermediate,2000-01-01
		P16,Người 16,p16@example.vn,U4,principal_specialist,bachelor,intermediate,2000-01-01
		P17,Người 17,p17@example.vn,U4,principal_specialist,bachelor,intermediate,2000-01-01
		P18,Người 18,p18@example.vn,U4,principal_specialist,bachelor,intermediate,2000-01-01
		P19,Người 19,p19@example.vn,U4,specialist,bachelor,elementary,2000-01-01
		P20,Người 20,p20@example.vn,U4,specialist,bachelor,elementary,2000-01-01
		P21,Người 21,p21@example.vn,U4,specialist,bachelor,elementary,2000-01-01
		P22,Người 22,p22@example.vn,U4,specialist,bachelor,elementary,2000-01-01
		P23,Người 23,p23@example.vn,U4,specialist,bachelor,elementary,2000-01-01
		P24,Người 24,p24@example.vn,U4,specialist,college,none,2000-01-01
		P25,Người 25,p25@example.vn,U4,specialist,college,none,2000-01-01`,
}

// The seed report's 2008 rank mix, in an agency of 26: 2 senior, 5
// principal, 17 specialist, one person recorded as holding no rank ("Không")
// and one whose rank was not filled in; with a person whose education and
// political theory were not filled in either.
//
//	U1 Ban Tổ chức (P01–P10): senior P01, P02; principal P03–P06; specialist
//	│   P07–P10
//	└── U2 Phòng Tổ chức cán bộ (P11–P26): principal P11; specialist P12–P24;
//	    P25 "Không"; P26 blank
var seed2008 = map[string]string{
	"units.csv": `code,name,parent_code,head_code
		U1,Ban Tổ chức,,P01
		U2,Phòng Tổ chức cán bộ,U1,P11`,
	"staff.csv": `code,full_name,email,unit_code,rank,education,political_theory,hired_on
		P01,Người 01,p01@example.vn,U1,senior_specialist,master,advanced,2000-01-01
		P02,Người 02,p02@example.vn,U1,senior_specialist,master,advanced,2000-01-01
		P03,Người 03,p03@example.vn,U1,principal_specialist,master,advanced,2000-01-01
		P04,Người 04,p04@example.vn,U1,principal_specialist,bachelor,advanced,2000-01-01
		P05,Người 05,p05@example.vn,U1,principal_specialist,bachelor,intermediate,2000-01-01
		P06,Người 06,p06@example.vn,U1,principal_specialist,bachelor,intermediate,2000-01-01
		P07,Người 07,p07@example.vn,U1,specialist,bachelor,intermediate,2000-01-01
		P08,Người 08,p08@example.vn,U1,specialist,bachelor,intermediate,2000-01-01
		P09,Người 09,p09@example.vn,U1,specialist,bachelor,intermediate,2000-01-01
		P10,Người 10,p10@example.vn,U1,specialist,bachelor,intermediate,2000-01-01
		P11,Người 11,p11@example.vn,U2,principal_specialist,bachelor,intermediate,2000-01-01
		P12,Người 12,p12@example.vn,U2,specialist,bachelor,intermediate,2000-01-01
		P13,Người 13,p13@example.vn,U2,specialist,bachelor,intermediate,2000-01-01
		P14,Người 14,p14@example.vn,U2,specialist,bachelor,intermediate,2000-01-01
		P15,Người 15,p15@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P16,Người 16,p16@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P17,Người 17,p17@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P18,Người 18,p18@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P19,Người 19,p19@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P20,Người 20,p20@example.vn,U2,specialist,bachelor,elementary,2000-01-01
		P21,Người 21,p21@example.vn,U2,specialist,bachelor,Chưa qua đào tạo,2000-01-01
		P22,Người 22,p22@example.vn,U2,specialist,bachelor,none,2000-01-01
		P23,Người 23,p23@example.vn,U2,specialist,bachelor,none,2000-01-01
		P24,Người 24,p24@example.vn,U2,specialist,college,none,2000-01-01
		P25,Người 25,p25@example.vn,U2,Không,college,none,2000-01-01
		P26,Người 26,p26@example.vn,U2,,,,2000-01-01`,
}

// seedReports computes a month's digest of scope with Compute and from the
// monthly-digest job's pass over every scope (EachScope), for both to be
// checked.
func seedReports(t *testing.T, c *digest.Computer, scope string) map[string]*digest.Report {
	t.Helper()
	r, err := c.Compute(context.Background(), october, scope)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*digest.Report{"Compute": r, "EachScope": eachScope(t, c, october)[scope]}
}

func percents(shares []digest.Share, lang string) string {
	var out []string
	for _, s := range shares {
		out = append(out, s.Percent.Format(lang))
	}
	return strings.Join(out, " ")
}

// TestRankSharesSeed2018: the rank shares are of the 23 people who hold a
// civil-service rank, not of the 25 on staff, and print as the report does.
//
// 2/23 = 8.6956…, 10/23 = 43.4782…, 11/23 = 47.8260…: cut down to a
// hundredth, 8.69 + 43.47 + 47.82 = 99.98; the remainders, in hundredths,
// are .565, .826 and .608 (×23: 13, 19, 14), so the two hundredths missing
// go to the principal and the specialist shares: 8.69, 43.48, 47.83. The two
// without a rank are counted apart, outside the 100%. (Dividing by the 25 on
// staff, as the digest did, gave 8.00, 40.00, 44.00 and 8.00 for them.)
//
// U2 with U3: principal P05, P06, P11, specialist P07, P08, P09, P12, and P10
// and P13 without a rank: 3/7 = 42.857…, 4/7 = 57.142…; cut down 42.85 +
// 57.14 = 99.99, remainders (×7) 5 and 2: 42.86, 57.14.
//
// The figures kept a year earlier have the 2008 mix (2, 5, 17 ranked, one
// without a rank, one not recorded): 8.33, 20.83, 70.84 of the 24 ranked.
func TestRankSharesSeed2018(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		testkit.Import(t, st, seed2018)
		cfg := testkit.Config(t, testConfig)
		c, err := digest.NewComputer(context.Background(), st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, scope := range []string{"", "U2"} {
			if _, err := st.ExecSQL(context.Background(), "INSERT INTO digest_figures (month, scope, figures, slot) VALUES (?, ?, ?, ?)",
				october.Add(-12).String(), scope, `{"headcount":26,"intellectuals":20,"intellectual_share":76.92,
					"ranks":{"senior_specialist":2,"principal_specialist":5,"specialist":17,"none":1,"":1}}`,
				store.T(time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))); err != nil {
				t.Fatal(err)
			}
		}
		rd, err := digest.NewRenderer()
		if err != nil {
			t.Fatal(err)
		}

		for how, r := range seedReports(t, c, "") {
			w := ok(t, how+" workforce", r.Workforce)
			if w.Headcount != 25 || w.Ranked != 23 || w.RankNone != 2 || w.RankNotRecorded != 0 {
				t.Errorf("%s: headcount %d, ranked %d, without a rank %d, not recorded %d", how, w.Headcount, w.Ranked, w.RankNone, w.RankNotRecorded)
			}
			same(t, how+" ranks", w.Ranks, []digest.Share{
				{Code: "senior_specialist", Count: 2, Percent: 869},
				{Code: "principal_specialist", Count: 10, Percent: 4348},
				{Code: "specialist", Count: 11, Percent: 4783},
				{Code: "officer"}, {Code: "staff"},
			})
			if got := percents(w.Ranks[:3], "vi"); got != "8,69% 43,48% 47,83%" {
				t.Errorf("%s: ranks printed %s", how, got)
			}
			same(t, how+" ranks a year ago", ok(t, "trend", r.Trend).YearAgoRanks, []digest.Share{
				{Code: "senior_specialist", Count: 2, Percent: 833}, {Code: "principal_specialist", Count: 5, Percent: 2083},
				{Code: "specialist", Count: 17, Percent: 7084}, {Code: "officer"}, {Code: "staff"}})
			// The figures kept for the trend count everyone, outside the shares too.
			if f, _ := r.Figures(); f.Ranks["none"] != 2 || f.Ranks["specialist"] != 11 || len(f.Ranks) != 6 {
				t.Errorf("%s: figures kept %v", how, f.Ranks)
			}
			// Education and political theory stay shares of the 25, the
			// contract staff included: education doctorate 1, master 3,
			// bachelor 19, college 2 (4, 12, 76, 8%; intellectuals 23 of 25,
			// 92%, as in the report); political theory advanced 4,
			// intermediate 8, elementary 8, none 5 (16, 32, 32, 20%).
			if w.Intellectuals != 23 || w.IntellectualShare != 9200 {
				t.Errorf("%s: intellectuals %d (%s)", how, w.Intellectuals, w.IntellectualShare.Format("en"))
			}
			if got := percents(w.Education, "vi"); got != "4,00% 12,00% 76,00% 8,00% 0,00% 0,00%" {
				t.Errorf("%s: education %s", how, got)
			}
			if got := percents(w.PoliticalTheory, "vi"); got != "16,00% 32,00% 32,00% 20,00%" {
				t.Errorf("%s: political theory %s", how, got)
			}
			// Someone without a rank has their rank recorded: not data to fix.
			if dq := r.DataQuality; dq.Data != nil && len(dq.Data.Problems) > 0 && dq.Data.Problems[0].Kind == "no_rank" {
				t.Errorf("%s: %+v", how, dq.Data.Problems)
			}
		}
		for how, r := range seedReports(t, c, "U2") {
			w := ok(t, how+" U2 workforce", r.Workforce)
			if w.Headcount != 9 || w.Ranked != 7 || w.RankNone != 2 || w.RankNotRecorded != 0 {
				t.Errorf("%s U2: headcount %d, ranked %d, without a rank %d, not recorded %d", how, w.Headcount, w.Ranked, w.RankNone, w.RankNotRecorded)
			}
			same(t, how+" U2 ranks", w.Ranks, []digest.Share{
				{Code: "senior_specialist"},
				{Code: "principal_specialist", Count: 3, Percent: 4286},
				{Code: "specialist", Count: 4, Percent: 5714},
				{Code: "officer"}, {Code: "staff"},
			})
		}

		// The three renderings, in both languages.
		agency, err := c.Compute(context.Background(), october, "")
		if err != nil {
			t.Fatal(err)
		}
		unit, err := c.Compute(context.Background(), october, "U2")
		if err != nil {
			t.Fatal(err)
		}
		var js bytes.Buffer
		if err := digest.JSON(&js, agency); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Workforce struct {
				Data struct {
					Ranked          int64 `json:"ranked"`
					RankNone        int64 `json:"rank_none"`
					RankNotRecorded int64 `json:"rank_not_recorded"`
					Ranks           []struct {
						Code    string          `json:"code"`
						Count   int64           `json:"count"`
						Percent json.RawMessage `json:"percent"`
					} `json:"ranks"`
				} `json:"data"`
			} `json:"workforce"`
		}
		if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		wd := doc.Workforce.Data
		var jsp []string
		for _, s := range wd.Ranks {
			jsp = append(jsp, s.Code+"="+string(s.Percent))
		}
		if got := strings.Join(jsp, " "); wd.Ranked != 23 || wd.RankNone != 2 || wd.RankNotRecorded != 0 ||
			got != "senior_specialist=8.69 principal_specialist=43.48 specialist=47.83 officer=0.00 staff=0.00" {
			t.Errorf("JSON: ranked %d, rank_none %d, rank_not_recorded %d, ranks %s", wd.Ranked, wd.RankNone, wd.RankNotRecorded, got)
		}

		for _, c := range []struct {
			lang string
			text []string // lines of the text
			html []string // pieces of the HTML
		}{
			{"vi", []string{
				"Cơ cấu ngạch (tỷ lệ trên 23 người giữ ngạch công chức):",
				"  Chuyên viên cao cấp             2    8,69%   Cùng kỳ năm trước 2 (8,33%)",
				"  Chuyên viên chính              10   43,48%   Cùng kỳ năm trước 5 (20,83%)",
				"  Chuyên viên                    11   47,83%   Cùng kỳ năm trước 17 (70,84%)",
				"Ngoài tỷ lệ trên: 2 người không giữ ngạch công chức (hợp đồng), 0 người chưa cập nhật ngạch.",
			}, []string{
				">8,69%<", ">43,48%<", ">47,83%<",
				">Cộng số người giữ ngạch</td>", ">23</td>", ">100,00%</td>",
				">Không giữ ngạch (hợp đồng)</td>", ">ngoài tỷ lệ</td>",
				"Tỷ lệ tính trên 23 người giữ ngạch công chức; 2 người không giữ ngạch (hợp đồng) và 0 người chưa cập nhật ngạch không tính vào tỷ lệ.",
			}},
			{"en", []string{
				"Ranks (shares of the 23 people holding a civil-service rank):",
				"  Senior specialist               2    8.69%   A year ago 2 (8.33%)",
				"  Principal specialist           10   43.48%   A year ago 5 (20.83%)",
				"  Specialist                     11   47.83%   A year ago 17 (70.84%)",
				"Not in these shares: 2 without a civil-service rank (contract), 0 with no rank recorded.",
			}, []string{
				">8.69%<", ">43.48%<", ">47.83%<", ">Holding a rank</td>",
				">No civil-service rank (contract)</td>", ">not in the shares</td>",
				"The shares are of the 23 people holding a civil-service rank; 2 without one (contract) and 0 with no rank recorded are not in them.",
			}},
		} {
			text, err := rd.Text([]*digest.Report{agency}, digest.Page{Lang: c.lang})
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(text, "\n")
			for _, want := range c.text {
				if !contains(lines, want) {
					t.Errorf("%s text lacks the line %q:\n%s", c.lang, want, text)
				}
			}
			html, _, err := rd.HTML([]*digest.Report{agency}, digest.Page{Lang: c.lang}, digest.DataURI)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range c.html {
				if !strings.Contains(html, want) {
					t.Errorf("%s HTML lacks %q", c.lang, want)
				}
			}
		}
		// The unit's digest says the same of its 7 and 2.
		text, err := rd.Text([]*digest.Report{unit}, digest.Page{Lang: "vi"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"Cơ cấu ngạch (tỷ lệ trên 7 người giữ ngạch công chức):",
			"  Chuyên viên chính               3   42,86%",
			"  Chuyên viên                     4   57,14%",
			"Ngoài tỷ lệ trên: 2 người không giữ ngạch công chức (hợp đồng), 0 người chưa cập nhật ngạch.",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("U2's text lacks %q:\n%s", want, text)
			}
		}
		html, _, err := rd.HTML([]*digest.Report{unit}, digest.Page{Lang: "vi"}, digest.DataURI)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html, ">42,86%<") || !strings.Contains(html, "Tỷ lệ tính trên 7 người giữ ngạch công chức; 2 người") {
			t.Error("U2's HTML lacks its shares of the 7 ranked")
		}
		js.Reset()
		if err := digest.JSON(&js, unit); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(js.String(), `"ranked": 7,`) || !strings.Contains(js.String(), `"rank_none": 2,`) ||
			!strings.Contains(js.String(), `"percent": 42.86`) {
			t.Errorf("U2's JSON:\n%s", js.String())
		}
	})
}

// TestRankSharesSeed2008: 2, 5 and 17 of the 24 ranked print 8,33 / 20,83 /
// 70,84, one recorded without a rank and one not recorded counted apart;
// education and political theory stay shares of the 26, with "not recorded"
// apart from a value of none.
//
// Ranks: ×10000/24, the remainders (×24) are 8, 8 and 8: the one hundredth
// missing (8.33 + 20.83 + 70.83 = 99.99) goes to the largest count, as the
// report prints it.
//
// Education of the 26: master 3, bachelor 20, college 2, not recorded 1:
// 11.538…, 76.923…, 7.692…, 3.846…; cut down 11.53 + 76.92 + 7.69 + 3.84 =
// 99.98, remainders (×26) 22, 8, 6, 16: master and "not recorded" get the two
// hundredths: 11.54, 76.92, 7.69, 3.85. Intellectuals 23/26 = 88.46%.
//
// Political theory: advanced 4, intermediate 10, elementary 6, none 5 (one
// written "Chưa qua đào tạo"), not recorded 1: 15.384…, 38.461…, 23.076…,
// 19.230…, 3.846…; cut down 15.38 + 38.46 + 23.07 + 19.23 + 3.84 = 99.98,
// remainders (×26) 12, 4, 18, 2, 16: elementary and "not recorded" get them:
// 15.38, 38.46, 23.08, 19.23, 3.85.
func TestRankSharesSeed2008(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		testkit.Import(t, st, seed2008)
		c, err := digest.NewComputer(context.Background(), st, testkit.Config(t, testConfig))
		if err != nil {
			t.Fatal(err)
		}
		for how, r := range seedReports(t, c, "") {
			w := ok(t, how+" workforce", r.Workforce)
			same(t, how+" workforce", w, &digest.Workforce{
				Headcount: 26, Intellectuals: 23, IntellectualShare: 8846,
				Ranks: []digest.Share{
					{Code: "senior_specialist", Count: 2, Percent: 833},
					{Code: "principal_specialist", Count: 5, Percent: 2083},
					{Code: "specialist", Count: 17, Percent: 7084},
					{Code: "officer"}, {Code: "staff"},
				},
				Ranked: 24, RankNone: 1, RankNotRecorded: 1,
				Education: []digest.Share{
					{Code: "doctorate"}, {Code: "master", Count: 3, Percent: 1154}, {Code: "bachelor", Count: 20, Percent: 7692},
					{Code: "college", Count: 2, Percent: 769}, {Code: "vocational"}, {Code: "secondary"},
					{Code: "", Count: 1, Percent: 385},
				},
				PoliticalTheory: []digest.Share{
					{Code: "advanced", Count: 4, Percent: 1538}, {Code: "intermediate", Count: 10, Percent: 3846},
					{Code: "elementary", Count: 6, Percent: 2308}, {Code: "none", Count: 5, Percent: 1923},
					{Code: "", Count: 1, Percent: 385},
				},
			})
			// Only the rank left blank is data to fix, not the "Không".
			dq := ok(t, how+" data quality", r.DataQuality)
			for _, p := range dq.Problems {
				if p.Kind == "no_rank" && p.Count != 1 {
					t.Errorf("%s: %d people without a rank recorded, want 1 (P26)", how, p.Count)
				}
			}
		}
		r, err := c.Compute(context.Background(), october, "")
		if err != nil {
			t.Fatal(err)
		}
		rd, err := digest.NewRenderer()
		if err != nil {
			t.Fatal(err)
		}
		text, err := rd.Text([]*digest.Report{r}, digest.Page{Lang: "vi"})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"Cơ cấu ngạch (tỷ lệ trên 24 người giữ ngạch công chức):",
			"  Chuyên viên cao cấp             2    8,33%",
			"  Chuyên viên chính               5   20,83%",
			"  Chuyên viên                    17   70,84%",
			"Ngoài tỷ lệ trên: 1 người không giữ ngạch công chức (hợp đồng), 1 người chưa cập nhật ngạch.",
			"  Chưa qua đào tạo                5   19,23%",
			"  Chưa cập nhật                   1    3,85%",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("text lacks %q:\n%s", want, text)
			}
		}
		html, _, err := rd.HTML([]*digest.Report{r}, digest.Page{Lang: "vi"}, digest.DataURI)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{">8,33%<", ">20,83%<", ">70,84%<", ">24</td>",
			"Tỷ lệ tính trên 24 người giữ ngạch công chức; 1 người không giữ ngạch (hợp đồng) và 1 người chưa cập nhật ngạch không tính vào tỷ lệ."} {
			if !strings.Contains(html, want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
		var js bytes.Buffer
		if err := digest.JSON(&js, r); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"ranked": 24,`, `"rank_none": 1,`, `"rank_not_recorded": 1,`, `"percent": 70.84`} {
			if !strings.Contains(js.String(), want) {
				t.Errorf("JSON lacks %s", want)
			}
		}
	})
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
