package digest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/digest"
	"github.com/tickler-dev/tickler/notify"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/storetest"
)

// october2026 computes the fixture's October digest on SQLite, with the
// figures of September and of October 2025 kept, so every chart has data.
func october2026(t *testing.T) (*digest.Report, *store.Store) {
	t.Helper()
	st := storetest.New(t, store.SQLite)
	_, c := setup(t, st)
	ctx := context.Background()
	slot := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var earlier []*digest.Report
	for m := -12; m < 0; m++ {
		if m == -6 {
			continue // a month the job did not run: a gap in the trend
		}
		r, err := c.Compute(ctx, october.Add(m), "")
		if err != nil {
			t.Fatal(err)
		}
		earlier = append(earlier, r)
	}
	if err := c.SaveFigures(ctx, slot, earlier); err != nil {
		t.Fatal(err)
	}
	r, err := c.Compute(ctx, october, "")
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

func TestText(t *testing.T) {
	r, _ := october2026(t)
	rd, err := digest.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	vi, err := rd.Text([]*digest.Report{r}, digest.Page{Lang: "vi", Office: "Ban Tổ chức"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"TÌNH HÌNH ĐỘI NGŨ VÀ ĐÀO TẠO, BỒI DƯỠNG – THÁNG 10/2026",
		"Chuyên viên cao cấp             2    8,69%",
		"Chuyên viên chính              10   43,48%",
		"Chuyên viên                    11   47,83%",
		"Tỷ lệ trí thức (đại học trở lên): 86,96%",
		"Kế hoạch 2026-2030 (từ 01/01/2026)",
		"Chậm tiến độ",
		"Phạm Thị Lan (P04), Trưởng phòng, Phòng Tổ chức cán bộ: 01/12/2026, Nghỉ hưu 31/05/2027 – Kéo dài thời gian giữ chức vụ đến nghỉ hưu",
		"2 thư không gửi được.",
	} {
		if !strings.Contains(vi, want) {
			t.Errorf("Vietnamese text lacks %q", want)
		}
	}
	en, err := rd.Text([]*digest.Report{r}, digest.Page{Lang: "en", Office: "Organisation Board"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  Senior specialist               2    8.69%", "Intellectuals (bachelor or higher): 86.96%", "Behind"} {
		if !strings.Contains(en, want) {
			t.Errorf("English text lacks %q", want)
		}
	}
	if os.Getenv("DIGEST_PREVIEW") != "" {
		os.WriteFile(filepath.Join(os.Getenv("DIGEST_PREVIEW"), "digest-vi.txt"), []byte(vi), 0o644)
		os.WriteFile(filepath.Join(os.Getenv("DIGEST_PREVIEW"), "digest-en.txt"), []byte(en), 0o644)
	}
}

// TestEmptyAndFailedSections: an empty section says so, a failed one says it
// failed in one line, and the rest of the message is drawn.
func TestEmptyAndFailedSections(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	_, c := setup(t, st)
	for _, q := range []string{"DROP TABLE delivery_items", "DROP TABLE deliveries"} {
		if _, err := st.ExecSQL(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	// U3 in October 2026: none of its people has a term ending (an empty
	// section); the outbox's tables are gone (a failed one).
	r, err := c.Compute(context.Background(), october, "U3")
	if err != nil {
		t.Fatal(err)
	}
	rd, err := digest.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		text, err := rd.Text([]*digest.Report{r}, digest.Page{Lang: lang})
		if err != nil {
			t.Fatal(err)
		}
		html, _, err := rd.HTML([]*digest.Report{r}, digest.Page{Lang: lang}, digest.DataURI)
		if err != nil {
			t.Fatal(err)
		}
		failed := map[string]string{"vi": "Không tính được phần này: digest-units-failed:", "en": "This section could not be computed: digest-units-failed:"}[lang]
		empty := map[string]string{"vi": "Không có trong tháng này.", "en": "Nothing this month."}[lang]
		for name, out := range map[string]string{"text": text, "html": html} {
			if strings.Count(out, failed) != 1 {
				t.Errorf("%s %s: the failed section is not said once:\n%s", lang, name, out)
			}
			if !strings.Contains(out, empty) {
				t.Errorf("%s %s: no empty section says %q", lang, name, empty)
			}
			// The sections after the failed one are still there.
			if !strings.Contains(strings.ToLower(out), map[string]string{"vi": "dữ liệu cần bổ sung", "en": "data to fix"}[lang]) {
				t.Errorf("%s %s: the data section is missing", lang, name)
			}
		}
	}
}

// TestJSONShape pins the JSON's field names and types (docs/digest.md): a
// field renamed, removed or retyped breaks the people who read it.
func TestJSONShape(t *testing.T) {
	r, _ := october2026(t)
	var buf bytes.Buffer
	if err := digest.JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	var paths []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(prefix+"."+k, e)
			}
		case []any:
			if len(x) > 0 {
				walk(prefix+"[]", x[0])
			} else {
				paths = append(paths, prefix+"[]")
			}
		case string:
			paths = append(paths, prefix+" string")
		case float64:
			paths = append(paths, prefix+" number")
		case bool:
			paths = append(paths, prefix+" bool")
		case nil:
			paths = append(paths, prefix+" null")
		}
	}
	walk("", v)
	slices.Sort(paths)
	paths = slices.Compact(paths)
	want, err := os.ReadFile("testdata/json-shape.txt")
	if err != nil && os.Getenv("DIGEST_UPDATE_SHAPE") == "" {
		t.Fatal(err)
	}
	got := strings.Join(paths, "\n") + "\n"
	if os.Getenv("DIGEST_UPDATE_SHAPE") != "" {
		os.WriteFile("testdata/json-shape.txt", []byte(got), 0o644)
		return
	}
	if got != string(want) {
		t.Errorf("the JSON shape changed; if on purpose, update docs/digest.md and testdata/json-shape.txt (DIGEST_UPDATE_SHAPE=1)\ngot:\n%s", got)
	}
	// Percentages are numbers with two decimals, as printed.
	if !strings.Contains(buf.String(), `"percent": 43.48`) || !strings.Contains(buf.String(), `"percent": 0.00`) {
		t.Error("percentages are not written with two decimals")
	}
}

// TestHTMLInChromium renders the e-mail as the monthly-digest job sends it,
// puts its inline images back as data: URIs (what a mail client does with
// cid: parts), loads it in headless Chromium, checks that every image
// decoded, and takes a screenshot.
func TestHTMLInChromium(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("headless Chromium test skipped: /usr/bin/chromium is missing (apt-get install -y chromium)")
	}
	r, _ := october2026(t)
	rd, err := digest.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			content, err := rd.Render(&message.View{Lang: lang, Job: "monthly-digest", To: notify.Recipient{Email: "lanhdao@example.vn"},
				Items: message.ListOf([]notify.Item{{Kind: "digest", Ref: ""}}), Data: &digest.Bundle{Reports: []*digest.Report{r}},
				Office: "Ban Tổ chức Tỉnh ủy"})
			if err != nil {
				t.Fatal(err)
			}
			html := content.HTML
			if strings.Contains(strings.ToLower(html), "<script") || regexp.MustCompile(`src="https?:`).MatchString(html) {
				t.Fatal("the e-mail has a script or an external image")
			}
			if len(content.Attachments) != 3 {
				t.Fatalf("%d inline images, want the 3 charts", len(content.Attachments))
			}
			for _, a := range content.Attachments {
				cid := "cid:" + a.ContentID
				if !strings.Contains(html, cid) {
					t.Errorf("%s is not referenced", cid)
				}
				html = strings.ReplaceAll(html, cid, "data:"+a.ContentType+";base64,"+base64.StdEncoding.EncodeToString(a.Data))
			}
			// A probe, added for the test only: after load it writes each
			// image's decoded width into the page, for --dump-dom to show.
			probe := `<script>window.addEventListener("load", function () {
				var out = [];
				for (var i = 0; i < document.images.length; i++) out.push(document.images[i].naturalWidth);
				var p = document.createElement("pre"); p.id = "probe"; p.textContent = "widths:" + out.join(",");
				document.body.appendChild(p);
			});</script>`
			page := strings.Replace(html, "</body>", probe+"</body>", 1)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprint(w, page)
			})}
			go srv.Serve(ln)
			defer srv.Close()
			url := "http://" + ln.Addr().String() + "/"
			dir := t.TempDir()
			run := func(args ...string) []byte {
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, chromium, append([]string{"--headless", "--no-sandbox", "--disable-gpu",
					"--hide-scrollbars", "--user-data-dir=" + filepath.Join(dir, "profile")}, args...)...)
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("chromium %v: %v", args, err)
				}
				return out
			}
			dom := string(run("--virtual-time-budget=5000", "--dump-dom", url))
			m := regexp.MustCompile(`<pre id="probe">widths:([0-9,]*)</pre>`).FindStringSubmatch(dom)
			if m == nil {
				t.Fatalf("the page did not load in Chromium:\n%.500s", dom)
			}
			widths := strings.Split(m[1], ",")
			if len(widths) != 3 {
				t.Fatalf("%d images in the page, want 3", len(widths))
			}
			for i, w := range widths {
				if w != "1200" { // 600 CSS pixels drawn at twice the resolution
					t.Errorf("image %d decoded %s pixels wide, want 1200", i+1, w)
				}
			}
			shot := filepath.Join(dir, "digest.png")
			run("--window-size=760,7000", "--screenshot="+shot, url)
			b, err := os.ReadFile(shot)
			if err != nil || len(b) < 50_000 {
				t.Fatalf("screenshot: %d bytes, %v", len(b), err)
			}
			if out := os.Getenv("DIGEST_PREVIEW"); out != "" {
				os.WriteFile(filepath.Join(out, "digest-"+lang+".png"), b, 0o644)
				os.WriteFile(filepath.Join(out, "digest-"+lang+".html"), []byte(html), 0o644)
			}
		})
	}
}

// TestChartsByUnitSize: in the job's messages, a unit of fewer people than
// charts_min_staff gets its digest without charts, and says so; the agency's
// and a larger unit's have them; the plan-progress chart, the same in every
// digest of the month, is drawn once and its PNG reused.
func TestChartsByUnitSize(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	_, c := setup(t, st)
	ctx := context.Background()
	agency, err := c.Compute(ctx, october, "")
	if err != nil {
		t.Fatal(err)
	}
	u2, err := c.Compute(ctx, october, "U2") // 11 people
	if err != nil {
		t.Fatal(err)
	}
	u4, err := c.Compute(ctx, october, "U4") // 9 people
	if err != nil {
		t.Fatal(err)
	}
	rd, err := digest.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	render := func(min int, reports ...*digest.Report) notify.Content {
		t.Helper()
		v := &message.View{Lang: "vi", Office: "Ban Tổ chức", To: notify.Recipient{Email: "a@example.vn"},
			Data: &digest.Bundle{Reports: reports, ChartsMinStaff: min}}
		for _, r := range reports {
			v.Items = append(v.Items, &notify.Item{Ref: r.Scope.Key()})
		}
		content, err := rd.Render(v)
		if err != nil {
			t.Fatal(err)
		}
		return content
	}
	names := func(c notify.Content) string {
		var out []string
		for _, a := range c.Attachments {
			out = append(out, a.Filename)
		}
		return strings.Join(out, " ")
	}
	const note = "Bản tin của đơn vị dưới 10 người không kèm biểu đồ; các bảng dưới đây có đủ số liệu."
	cases := []struct {
		name    string
		reports []*digest.Report
		charts  string // the attachments, in order
		notes   int    // digests saying they have no charts
	}{
		// The agency's digest has its charts whatever its size.
		{"agency", []*digest.Report{agency}, "ranks-1.png trend-1.png targets-1.png", 0},
		// U2 (11 people) is not below 10.
		{"unit of 11", []*digest.Report{u2}, "ranks-1.png trend-1.png targets-1.png", 0},
		// U4 (9 people) is: no charts, one line saying so.
		{"unit of 9", []*digest.Report{u4}, "", 1},
		// A head of both gets U2's charts, none for U4.
		{"both", []*digest.Report{u2, u4}, "ranks-1.png trend-1.png targets-1.png", 1},
	}
	var targets [][]byte
	for _, c := range cases {
		got := render(10, c.reports...)
		if names(got) != c.charts {
			t.Errorf("%s: charts %q, want %q", c.name, names(got), c.charts)
		}
		if n := strings.Count(got.HTML, note); n != c.notes {
			t.Errorf("%s: %d notes of no charts, want %d", c.name, n, c.notes)
		}
		for _, a := range got.Attachments {
			if a.Filename == "targets-1.png" {
				targets = append(targets, a.Data)
			}
		}
	}
	// One drawing of the targets, shared by every message.
	for _, png := range targets[1:] {
		if &png[0] != &targets[0][0] {
			t.Error("the plan-progress chart was drawn again")
		}
	}
	// 0 draws every unit's charts.
	if got := names(render(0, u4)); got != "ranks-1.png trend-1.png targets-1.png" {
		t.Errorf("charts_min_staff 0: %q", got)
	}
}
