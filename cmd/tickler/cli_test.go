package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tickler-dev/tickler/store"
)

// sqliteConfig writes a config on an SQLite file and an outbox folder in dir.
func sqliteConfig(t *testing.T, dir string) string {
	return writeConfig(t, dir, `
timezone: Asia/Ho_Chi_Minh
calendar: {country: none} # the tests run on any day of the week
database: {driver: sqlite, dsn: `+filepath.Join(dir, "t.db")+`}
mail: {transport: outbox, outbox_dir: `+filepath.Join(dir, "outbox")+`, from: "Ban Tổ chức <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
http: {listen: off}
`)
}

func countRows(t *testing.T, dir, table string) int {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite", filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM "+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := sqliteConfig(t, dir)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("timezone: Asia/Ho_Chi_Minh\njobs:\n  course-reminders:\n    schedule: \"61 7 * * *\"\n"), 0o600)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of what stderr must say
	}{
		// No command: usage, 2.
		{"no command", nil, 2, "Usage"},
		// An unknown command.
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		// A config error names the file, the line and the key.
		{"bad cron", []string{"-config", bad, "check"}, 2, "bad.yaml:4: jobs.course-reminders.schedule"},
		// A missing config file.
		{"no config", []string{"-config", filepath.Join(dir, "none.yaml"), "check"}, 2, "none.yaml"},
		// An unknown job.
		{"unknown job", []string{"-config", good, "run", "no-such-job"}, 2, `unknown job "no-such-job"`},
		// A bad -at.
		{"bad -at", []string{"-config", good, "run", "course-reminders", "-at", "tomorrow"}, 2, "-at"},
		// A bad flag.
		{"bad flag", []string{"-config", good, "check", "-frm", "2026-01-01"}, 2, "flag provided but not defined"},
		// A good check.
		{"check", []string{"-config", good, "check", "-from", "2026-11-26"}, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := tickler(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, c.stderr)
			}
		})
	}
}

// An import with one bad date names the file, row and column, exits 2, and
// writes nothing — not even the good rows of the other files.
func TestImportBadDateChangesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o700)
	os.WriteFile(filepath.Join(data, "units.csv"), []byte("code,name\nU1,Văn phòng\n"), 0o600)
	os.WriteFile(filepath.Join(data, "staff.csv"), []byte("code,full_name,unit_code,birth_date\nS1,Nguyễn Văn A,U1,1980-01-02\nS2,Trần Thị B,U1,31/02/1985\n"), 0o600)
	code, _, stderr := tickler(t, "-config", cfg, "import", data)
	if code != 2 {
		t.Fatalf("exit %d, want 2: %s", code, stderr)
	}
	if want := "staff.csv:3: birth_date:"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	if n := countRows(t, dir, "units") + countRows(t, dir, "staff"); n != 0 {
		t.Errorf("%d rows written by a failed import", n)
	}
	// Fixed, the same import goes through.
	os.WriteFile(filepath.Join(data, "staff.csv"), []byte("code,full_name,unit_code,birth_date\nS1,Nguyễn Văn A,U1,1980-01-02\nS2,Trần Thị B,U1,28/02/1985\n"), 0o600)
	if code, out, stderr := tickler(t, "-config", cfg, "import", data); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if n := countRows(t, dir, "staff"); n != 2 {
		t.Errorf("%d staff after the fixed import, want 2", n)
	}
}

// run -dry-run -format json prints the shape docs/design.md documents and records nothing.
func TestRunDryRunJSON(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	code, out, stderr := tickler(t, "-config", cfg, "run", "course-reminders", "-at", "2026-11-26T07:00", "-dry-run", "-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var msgs []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &msgs); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(msgs) == 0 {
		t.Fatal("the example agency has reminders due on 2026-11-26, none shown")
	}
	for _, m := range msgs {
		for _, k := range []string{"job", "to", "cc", "subject", "items"} {
			if _, ok := m[k]; !ok {
				t.Errorf("message lacks %q: %v", k, m)
			}
		}
		var items []map[string]any
		json.Unmarshal(m["items"], &items)
		for _, it := range items {
			for _, k := range []string{"kind", "staff_code", "ref", "date", "step", "note"} {
				if _, ok := it[k]; !ok {
					t.Errorf("item lacks %q: %v", k, it)
				}
			}
		}
	}
	if n := countRows(t, dir, "deliveries") + countRows(t, dir, "job_runs"); n != 0 {
		t.Errorf("dry run wrote %d rows", n)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml")); len(files) != 0 {
		t.Errorf("dry run wrote %d files", len(files))
	}
	// The real run sends them, once.
	code, out, stderr = tickler(t, "-config", cfg, "run", "course-reminders", "-at", "2026-11-26T07:00")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	if len(files) != len(msgs) {
		t.Errorf("%d files, want %d (as the dry run showed)\n%s", len(files), len(msgs), out)
	}
	tickler(t, "-config", cfg, "run", "course-reminders", "-at", "2026-11-26T07:00")
	if again, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.eml")); len(again) != len(files) {
		t.Errorf("running the slot again wrote %d more files", len(again)-len(files))
	}
}

// A command that reads records refuses a database file that is not there (a
// mistyped dsn), instead of creating it and answering "nothing to do".
func TestReadCommandsNeedTheDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	for _, args := range [][]string{{"status"}, {"run", "course-reminders", "-dry-run"}, {"digest"}} {
		code, _, stderr := tickler(t, append([]string{"-config", cfg}, args...)...)
		if code != 1 || !strings.Contains(stderr, "no file "+filepath.Join(dir, "t.db")) {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db")); err == nil {
		t.Error("a read command created the database")
	}
	// import creates it, readable by its owner only.
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatal(stderr)
	}
	fi, err := os.Stat(filepath.Join(dir, "t.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file: %v, mode %v", err, fi.Mode().Perm())
	}
}

// check loads the templates as serve does: a broken one fails the check.
func TestCheckLoadsTemplates(t *testing.T) {
	dir := t.TempDir()
	tdir := filepath.Join(dir, "templates", "vi")
	os.MkdirAll(tdir, 0o700)
	os.WriteFile(filepath.Join(tdir, "course-reminders.tmpl"), []byte(`{{define "subject"}}{{.Nope`), 0o600)
	cfg := writeConfig(t, dir, "mail: {templates_dir: "+filepath.Join(dir, "templates")+"}\nhttp: {listen: off}\n")
	code, _, stderr := tickler(t, "-config", cfg, "check")
	if code != 2 || !strings.Contains(stderr, "course-reminders.tmpl") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// check says which parts of an agency's own templates cannot run compiled,
// and why; the embedded ones all do.
func TestCheckNamesTemplatesNotCompiled(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "http: {listen: off}\n")
	if code, out, stderr := tickler(t, "-config", cfg, "check"); code != 0 || strings.Contains(out, "note: template") {
		t.Fatalf("embedded templates: exit %d, %s%s", code, out, stderr)
	}
	tdir := filepath.Join(dir, "templates", "vi")
	os.MkdirAll(tdir, 0o700)
	body := `{{define "subject"}}{{.Office}}{{end}}{{define "text"}}{{range .Items}}{{break}}{{end}}{{end}}` +
		`{{define "html"}}<p>{{.Office}}</p><script>var office = {{.Office}};</script>{{end}}`
	os.WriteFile(filepath.Join(tdir, "course-reminders.tmpl"), []byte(body), 0o600)
	cfg = writeConfig(t, dir, "mail: {templates_dir: "+filepath.Join(dir, "templates")+"}\nhttp: {listen: off}\n")
	code, out, stderr := tickler(t, "-config", cfg, "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"note: template vi/course-reminders html: a value in JavaScript not compiled",
		"note: template vi/course-reminders text: {{break}} not compiled"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "course-reminders subject") {
		t.Errorf("the subject compiles:\n%s", out)
	}
}

// migrate says what it applied to a new database, and that there was nothing
// to apply the second time.
func TestMigrateSaysWhatItDid(t *testing.T) {
	cfg := sqliteConfig(t, t.TempDir())
	code, out, stderr := tickler(t, "-config", cfg, "migrate")
	if code != 0 || !strings.HasPrefix(out, "database sqlite: applied ") || !strings.Contains(out, "migrations (1, ") {
		t.Fatalf("first migrate: exit %d, %q %s", code, out, stderr)
	}
	version := out[strings.LastIndex(out, " ")+1:]
	code, out, _ = tickler(t, "-config", cfg, "migrate")
	if code != 0 || out != "database sqlite is up to date (version "+strings.TrimSpace(version)+")\n" {
		t.Errorf("second migrate: exit %d, %q", code, out)
	}
}

// Flags after JOB, before it or after a stray word: a stray word is refused,
// and a flag is never silently dropped (`run JOB extra -dry-run` used to
// stop reading at "extra" and really send).
func TestRunReadsEveryFlag(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	code, _, stderr := tickler(t, "-config", cfg, "run", "course-reminders", "extra", "-dry-run")
	if code != 2 || !strings.Contains(stderr, `"extra"`) {
		t.Errorf("a stray word: exit %d, %q; want 2 naming it", code, stderr)
	}
	for _, args := range [][]string{
		{"run", "-dry-run", "course-reminders", "-at", "2026-11-26T07:00"},
		{"run", "course-reminders", "-at", "2026-11-26T07:00", "-dry-run"},
		{"run", "-at", "2026-11-26T07:00", "course-reminders", "-dry-run"},
	} {
		code, out, stderr := tickler(t, append([]string{"-config", cfg}, args...)...)
		if code != 0 || !strings.Contains(out, "would send") || !strings.Contains(out, "2026-11-26 07:00") {
			t.Errorf("%q: exit %d, %q %q; want a dry run of 26/11 07:00", args, code, out, stderr)
		}
	}
	if n := countRows(t, dir, "deliveries") + countRows(t, dir, "job_runs"); n != 0 {
		t.Errorf("%d rows written: a -dry-run was not read", n)
	}
}

// check -from shows a job on working days run after Tết, and which days off
// it stands for; a job with working_days: false keeps its days.
func TestCheckShowsMovedRuns(t *testing.T) {
	dir := t.TempDir()
	path := writeConfig(t, dir, `
timezone: Asia/Ho_Chi_Minh
recipients: {hr: [tochuc@example.vn]}
jobs:
  course-reminders: {schedule: "0 7 * * *"}
  delivery-failures: {schedule: "0 8 * * *", working_days: false}
`)
	code, out, errs := tickler(t, "-config", path, "check", "-from", "2027-02-03T12:00")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"working days (Asia/Ho_Chi_Minh)",
		"Thu 2027-02-11 07:00 +07:00  (moved from Thu 02-04 (Lunar New Year (Tết)), Fri 02-05 (Lunar New Year (Tết)),",
		"every day (Asia/Ho_Chi_Minh)",
		"Thu 2027-02-04 08:00 +07:00",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not say %q:\n%s", want, out)
		}
	}
}

// status -message prints an outbox message as it went on the wire: for a
// message rendered when it was sent, rendered again from its row, it is the
// .eml the outbox folder got, byte for byte.
func TestStatusShowsWhatWasSent(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	if code, _, stderr := tickler(t, "-config", cfg, "import", "../../examples/agency"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	if code, out, stderr := tickler(t, "-config", cfg, "run", "course-reminders", "-at", "2026-11-26T07:00"); code != 0 || !strings.Contains(out, "delivered: ") {
		t.Fatalf("run: exit %d, %s %s", code, out, stderr)
	}
	st, err := store.Open(context.Background(), "sqlite", filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	var atSend, kept int
	if err := st.GetSQL(context.Background(), &atSend, "SELECT count(*) FROM deliveries JOIN delivery_payloads p ON p.key = payload_key WHERE wire IS NULL AND state = 'sent'"); err != nil {
		t.Fatal(err)
	}
	if err := st.GetSQL(context.Background(), &kept, "SELECT count(*) FROM deliveries WHERE wire IS NOT NULL"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if atSend == 0 {
		t.Fatalf("no message was rendered at send (%d kept their wire form)", kept)
	}
	files, err := filepath.Glob(filepath.Join(dir, "outbox", "*.eml"))
	if err != nil || len(files) != atSend+kept {
		t.Fatalf("%d .eml files for %d + %d rows (%v)", len(files), atSend, kept, err)
	}
	for _, f := range files {
		// 20261126T000000Z-00000012-course-reminders-who.eml
		id := strings.TrimLeft(strings.Split(filepath.Base(f), "-")[1], "0")
		sent, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code, out, stderr := tickler(t, "-config", cfg, "status", "-message", id)
		if code != 0 || out != string(sent) {
			t.Errorf("status -message %s: exit %d %s\n%s\n--- the .eml sent\n%s", id, code, stderr, out, sent)
		}
	}
	code, _, stderr := tickler(t, "-config", cfg, "status", "-message", "course-reminders|nobody")
	if code == 0 || !strings.Contains(stderr, `no message "course-reminders|nobody" in the outbox`) {
		t.Errorf("an unknown message: exit %d, %q", code, stderr)
	}
}
