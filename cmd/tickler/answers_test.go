package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/store"
)

// answerAgency: A (manager H1) has QLNN three days overdue and TH due in
// five days, as of today.
func answerAgency(t *testing.T, dir string, today civil.Date) string {
	t.Helper()
	rec := filepath.Join(dir, "records")
	files := map[string]string{
		"units.csv": "code,name,head_code\nU1,Phòng Tổ chức cán bộ,H1\n",
		"staff.csv": "code,full_name,email,unit_code,manager_code\n" +
			"H1,Trần Thị Hoa,h1@example.vn,U1,\nA,Nguyễn Văn An,a@example.vn,U1,H1\n",
		"courses.csv": "code,name,category,hours\nQLNN,Bồi dưỡng quản lý nhà nước,state_management,240\nTH,Tin học ứng dụng,it,40\n",
		"training.csv": "staff_code,course_code,start_on,status,due_on\n" +
			fmt.Sprintf("A,QLNN,%s,enrolled,%s\nA,TH,%s,enrolled,%s\n", today.AddYears(-1), today.AddDays(-3), today.AddYears(-1), today.AddDays(5)),
	}
	if err := os.MkdirAll(rec, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(rec, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

// answerConfig is a configuration with every job disabled (the daemon only
// serves; the test runs the jobs by hand), the .eml outbox, both listeners
// on free ports, and publicURL, when given, for the links.
func answerConfig(dir, publicURL string) string {
	var jobs strings.Builder
	for _, name := range config.JobNames {
		fmt.Fprintf(&jobs, "  %s: {enabled: false}\n", name)
	}
	url := ""
	if publicURL != "" {
		url = "\n  public_url: " + publicURL
	}
	return fmt.Sprintf(`
timezone: Asia/Ho_Chi_Minh
language: vi
database: {driver: sqlite, dsn: %q}
mail: {transport: outbox, outbox_dir: %q, from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
http:
  listen: 127.0.0.1:0
  public_listen: 127.0.0.1:0%s
jobs:
%s`, filepath.Join(dir, "tickler.db"), filepath.Join(dir, "outbox"), url, jobs.String())
}

// answerSetup imports the agency, starts the daemon and returns it with the
// address of its public listener, once its answer pages are ready, and the
// path of a configuration whose links point there.
func answerSetup(t *testing.T) (d *daemon, public, runConfig, dir string, today civil.Date) {
	t.Helper()
	dir = t.TempDir()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	today = civil.In(time.Now(), loc)
	path := writeConfig(t, dir, answerConfig(dir, ""))
	if code, _, errs := tickler(t, "-config", path, "import", answerAgency(t, dir, today)); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	d = startDaemon(t, "serve", dir, path)
	public = "http://" + addrRE.FindStringSubmatch(d.waitLog(10*time.Second, "answer pages listening"))[1]
	// 503 until the database is migrated and the links' secret read; then a
	// token that is no token is refused.
	waitFor(t, "the answer pages are ready", 10*time.Second, func() bool {
		resp, err := http.Get(public + "/ack/x")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusForbidden
	})
	runConfig = filepath.Join(dir, "run.yaml")
	if err := os.WriteFile(runConfig, []byte(answerConfig(dir, public)), 0o600); err != nil {
		t.Fatal(err)
	}
	return d, public, runConfig, dir, today
}

// reminderLink runs course-reminders at date and returns the link of
// course's obligation from A's .eml file as written by the outbox.
func reminderLink(t *testing.T, runConfig, dir string, date civil.Date, course string) string {
	t.Helper()
	if code, out, errs := tickler(t, "-config", runConfig, "run", "course-reminders", "-at", date.String()+"T07:00"); code != 0 {
		t.Fatalf("run: %s\n%s", errs, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*-course-reminders-a_example.vn.eml"))
	if len(files) != 1 {
		t.Fatalf("%d .eml files for a@example.vn, want 1", len(files))
	}
	text := emlText(t, files[0])
	m := regexp.MustCompile(`(?m)^- ` + regexp.QuoteMeta(course) + `: (http://\S+/ack/[A-Za-z0-9_-]+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link for %s in the message's text:\n%s", course, text)
	}
	return m[1]
}

// emlText is the text/plain part of an .eml file, decoded.
func emlText(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	var find func(h map[string][]string, body io.Reader) string
	find = func(h map[string][]string, body io.Reader) string {
		header := mail.Header(h)
		mt, params, err := mime.ParseMediaType(header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return ""
				}
				if s := find(p.Header, p); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		if strings.EqualFold(header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		return strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return find(msg.Header, msg.Body)
}

// The way back, in a real browser: the link from the .eml file a real run
// wrote opens the page in headless Chromium, the form is sent, the page
// confirms, and the next run reminds A of the other course only, while HR
// hears of the answer.
func TestAnswerInChromium(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("headless Chromium test skipped: /usr/bin/chromium is missing (apt-get install -y chromium)")
	}
	d, _, runConfig, dir, today := answerSetup(t)
	link := reminderLink(t, runConfig, dir, today, "Bồi dưỡng quản lý nhà nước")

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(800, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	st := openDB(t, "sqlite", filepath.Join(dir, "tickler.db"))
	answersNow := func() int {
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM answers"); err != nil {
			t.Fatal(err)
		}
		return n
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("the text of %s: %v", sel, err)
		}
		return s
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
		t.Fatalf("open %s: %v", link, err)
	}
	if person, course := text("#person"), text("#course"); person != "Nguyễn Văn An" || course != "Bồi dưỡng quản lý nhà nước" {
		t.Fatalf("the page shows %q, %q", person, course)
	}
	if n := answersNow(); n != 0 {
		t.Fatalf("opening the page stored %d answers", n)
	}
	preview(t, ctx, "answer-form.png")
	done := today.AddDays(-2)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(css(`#form-done input[name="done_on"]`), done.String()),
		chromedp.SendKeys(css(`#form-done input[name="certificate_no"]`), "QLNN-2026-77"),
		chromedp.Click(css(`#form-done button`)),
		chromedp.WaitVisible(css(`#message`)),
	); err != nil {
		t.Fatalf("send the form: %v", err)
	}
	message, current := text("#message"), text("#current")
	preview(t, ctx, "answer-confirmed.png")
	if !strings.Contains(message, "Đã ghi nhận báo cáo của đồng chí") {
		t.Errorf("the confirmation says %q", message)
	}
	if !strings.Contains(current, "Đã hoàn thành ngày "+done.VN()) || !strings.Contains(current, "QLNN-2026-77") || !strings.Contains(current, "chờ cập nhật hồ sơ") {
		t.Errorf("the page shows the answer as %q", current)
	}
	var a store.Answer
	if err := st.GetSQL(context.Background(), &a, "SELECT * FROM answers"); err != nil {
		t.Fatal(err)
	}
	if a.State != store.AnswerPending || a.Choice != "done" || a.DoneOn != done || a.CertificateNo != "QLNN-2026-77" {
		t.Errorf("stored %+v", a)
	}
	if d.count("msg=answer", "choice=done", "staff=A", "remote=127.0.0.1", "user_agent=") != 1 {
		t.Errorf("the daemon did not log the answer:\n%s", d.log())
	}

	// A week later: A hears of TH only (and their manager, in the team
	// message); HR hears of the answer.
	code, out, errs := tickler(t, "-config", runConfig, "run", "course-reminders", "-at", today.AddDays(7).String()+"T07:00", "-dry-run", "-format", "json")
	if code != 0 {
		t.Fatalf("next run: %s", errs)
	}
	var msgs []runMessage
	if err := json.Unmarshal([]byte(out), &msgs); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var got []string
	for _, m := range msgs {
		for _, it := range m.Items {
			got = append(got, m.To[0]+" "+it.Kind+" "+it.StaffCode+" "+it.Ref)
		}
	}
	want := "a@example.vn training_overdue A TH|h1@example.vn training_overdue A TH|tochuc@example.vn self_reported A QLNN"
	if strings.Join(got, "|") != want {
		t.Errorf("the next run plans\n%s\nwant\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
	d.stop(20 * time.Second)
}

// The public listener serves the answer pages and nothing of the status
// server's; the status server does not serve the answer pages.
func TestPublicListenerAlone(t *testing.T) {
	d, public, runConfig, dir, today := answerSetup(t)
	link := reminderLink(t, runConfig, dir, today, "Tin học ứng dụng")
	token := link[strings.LastIndex(link, "/ack/"):]
	status := d.url()
	for _, c := range []struct {
		url  string
		want int
	}{
		// The status server's pages are not on the public listener.
		{public + "/", 404}, {public + "/metrics", 404}, {public + "/readyz", 404},
		// The public listener answers its own.
		{public + "/healthz", 200}, {public + token, 200},
		// The answer page is not on the status listener.
		{status + token, 404}, {status + "/", 200},
	} {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", c.url, resp.StatusCode, c.want)
		}
		if strings.HasPrefix(c.url, public) && bytes.Contains(body, []byte("course-reminders")) {
			t.Errorf("GET %s shows the status page", c.url)
		}
	}
	d.stop(20 * time.Second)
}

// preview writes a screenshot of the page to $ANSWER_PREVIEW/name, when
// that folder is given (to look at the page).
func preview(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	out := os.Getenv("ANSWER_PREVIEW")
	if out == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tickler answers lists the answers for HR (text, CSV) and rejects one;
// each mistake at the command line is a usage error.
func TestAnswersCommand(t *testing.T) {
	dir := t.TempDir()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	today := civil.In(time.Now(), loc)
	path := writeConfig(t, dir, answerConfig(dir, ""))
	if code, _, errs := tickler(t, "-config", path, "import", answerAgency(t, dir, today)); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	st := openDB(t, "sqlite", filepath.Join(dir, "tickler.db"))
	var id int64
	if err := st.GetSQL(context.Background(), &id, "SELECT id FROM training WHERE course_code = 'QLNN'"); err != nil {
		t.Fatal(err)
	}
	a, _, err := st.SaveAnswer(context.Background(), store.Answer{Subject: "training", RefID: id, StaffCode: "A", ItemKind: "training_overdue",
		Choice: "not_applicable", Reason: "=cmd|' /C calc'!A0"}, store.Actor{Who: "self", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := tickler(t, "-config", path, "answers")
	if code != 0 || !strings.Contains(out, "Nguyễn Văn An") || !strings.Contains(out, "not_applicable") || !strings.Contains(out, fmt.Sprint(a.ID)) {
		t.Fatalf("answers: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = tickler(t, "-config", path, "answers", "-format", "csv", "-state", "all")
	if code != 0 || !strings.HasPrefix(out, "\ufeffid,state,staff_code") || !strings.Contains(out, `'=cmd|`) {
		t.Fatalf("answers -format csv: exit %d\n%s", code, out)
	}
	code, out, errs = tickler(t, "-config", path, "answers", "reject", fmt.Sprint(a.ID), "-reason", "still enrolled")
	if code != 0 || !strings.Contains(out, "rejected") {
		t.Fatalf("reject: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := tickler(t, "-config", path, "answers"); code != 0 || out != "no pending answers\n" {
		t.Errorf("after the rejection: exit %d %q", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"answers", "reject", fmt.Sprint(a.ID)}, "is not pending"},
		{[]string{"answers", "reject", "999"}, "no answer 999"},
		{[]string{"answers", "reject", "x1"}, "is not an answer's ID"},
		{[]string{"answers", "reject"}, "which answer?"},
		{[]string{"answers", "-state", "open"}, "-state must be one of"},
		{[]string{"answers", "-format", "json"}, "-format must be text or csv"},
		{[]string{"answers", "-reason", "x"}, "-reason goes with reject"},
		{[]string{"answers", "reject", "1", "-format", "csv"}, "go with the list"},
		{[]string{"answers", "approve", "1"}, "is not a subcommand"},
	} {
		code, _, errs := tickler(t, append([]string{"-config", path}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}
