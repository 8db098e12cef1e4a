package importer_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

const saveAsUTF8 = "in Excel use Save As → CSV UTF-8 (Comma delimited) (*.csv); in LibreOffice pick the character set Unicode (UTF-8)"

// utf16Text encodes s as UTF-16, little- or big-endian, without a BOM.
func utf16Text(s string, big bool) string {
	var order binary.AppendByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return string(b)
}

// Bad input gets one line naming the file, row and column and what is wrong,
// and the import writes nothing: addresses by the rule of package mailaddr,
// values longer than their column allows, dates outside 1900–2200 or not in
// the calendar, text that is not UTF-8, rows too long to be records.
func TestImportBounds(t *testing.T) {
	staffCSV := "code,full_name,unit_code\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"address without a dot in the domain", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,lan@example\n"},
			`units.csv:2: email: "lan@example" is not an email address: no dot in the domain`},
		{"quoted local part", map[string]string{"staff.csv": "code,full_name,unit_code,email\nS9,Võ Văn Chín,P1,\"\"\"lan x\"\"@example.vn\"\n"},
			`staff.csv:2: email: "\"lan x\"@example.vn" is not an email address: quoted local part not accepted`},
		{"markup in an address", map[string]string{"staff.csv": "code,full_name,unit_code,email\nS9,Võ Văn Chín,P1,\"\"\"<script>alert(1)</script>\"\"@example.vn\"\n"},
			`staff.csv:2: email: "\"<script>alert(1)</script>\"@example.vn" is not an email address: quoted local part not accepted`},
		{"a name with the address", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,Phòng mới <p3@example.vn>\n"},
			`units.csv:2: email: "Phòng mới <p3@example.vn>" is not an email address: a name or <…> around the address: give the bare address`},
		{"a one-letter top-level domain", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,p3@example.v\n"},
			`units.csv:2: email: "p3@example.v" is not an email address: top-level domain "v" is not two or more letters`},

		{"1 MB full name", map[string]string{"staff.csv": staffCSV + "S9," + strings.Repeat("a", 1<<20) + ",P1\n"},
			`staff.csv:2: full_name: longer than 255 characters`},
		// Quoted and over many lines: the rows after it keep their line numbers.
		{"long quoted name over lines", map[string]string{"staff.csv": staffCSV + "S9,\"" + strings.Repeat("Võ, \"\"Văn\"\"\n", 20000) + "\",P1\nS10,Võ Văn Mười,P404\n"},
			"staff.csv:2: full_name: longer than 255 characters\n" +
				`staff.csv:20003: unit_code: unknown unit "P404" (not in this import or the database)`},
		{"256 characters", map[string]string{"staff.csv": staffCSV + "S9," + strings.Repeat("ễ", 256) + ",P1\n"},
			`staff.csv:2: full_name: longer than 255 characters`},
		{"long code", map[string]string{"staff.csv": staffCSV + "S" + strings.Repeat("9", 64) + ",Võ Văn Chín,P1\n"},
			`staff.csv:2: code: longer than 64 characters`},
		{"long unit code", map[string]string{"staff.csv": staffCSV + "S9,Võ Văn Chín,P" + strings.Repeat("1", 64) + "\n"},
			`staff.csv:2: unit_code: longer than 64 characters`},
		{"long decision number", map[string]string{"appointments.csv": "staff_code,position,start_on,decision_no\nS003,Phó trưởng phòng,2026-01-01," + strings.Repeat("1", 101) + "\n"},
			`appointments.csv:2: decision_no: longer than 100 characters`},
		{"long coded value", map[string]string{"staff.csv": "code,full_name,unit_code,rank\nS9,Võ Văn Chín,P1," + strings.Repeat("x", 101) + "\n"},
			`staff.csv:2: rank: longer than 100 characters`},
		{"long address", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới," + strings.Repeat("a", 250) + "@example.vn\n"},
			`units.csv:2: email: longer than 254 characters`},
		{"a long value past the header", map[string]string{"staff.csv": staffCSV + "S9,Võ Văn Chín,P1," + strings.Repeat("x", 1<<20) + "\n"},
			`staff.csv:2: value "` + strings.Repeat("x", 100) + `…" in column 4, but the header has 3 columns`},
		{"a row of more than 256 KiB", map[string]string{"staff.csv": staffCSV + "S9,Võ Văn Chín,P1" + strings.Repeat(",", 300<<10) + "\nS10,Võ Văn Mười,P1\n"},
			`staff.csv:2: a row longer than 256 KiB: the rest of the file was not read`},
		// Values too long in one row are each reported.
		{"many long values", map[string]string{"training.csv": "staff_code,course_code,start_on,status,due_on,completed_on,hours\n" +
			strings.Repeat(strings.Repeat("x", 20<<10)+",", 6) + strings.Repeat("x", 20<<10) + "\n"},
			"training.csv:2: staff_code: longer than 64 characters\n" +
				"training.csv:2: course_code: longer than 64 characters\n" +
				"training.csv:2: start_on: longer than 100 characters\n" +
				"training.csv:2: status: longer than 100 characters\n" +
				"training.csv:2: due_on: longer than 100 characters\n" +
				"training.csv:2: completed_on: longer than 100 characters\n" +
				"training.csv:2: hours: longer than 100 characters"},

		{"year 9995", map[string]string{"appointments.csv": "staff_code,position,start_on\nS003,Phó trưởng phòng,9995-01-01\n"},
			`appointments.csv:2: start_on: 9995-01-01 is outside 1900–2200`},
		{"year 2201", map[string]string{"training.csv": "staff_code,course_code,start_on,status,due_on\nS003,CCLL,2025-02-01,planned,31/12/2201\n"},
			`training.csv:2: due_on: 2201-12-31 is outside 1900–2200`},
		{"birth year 1850", map[string]string{"staff.csv": "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P1,1850\n"},
			`staff.csv:2: birth_date: 1850-01-01 is outside 1900–2200`},
		{"31 February, birth date", map[string]string{"staff.csv": "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P1,31/02/2024\n"},
			`staff.csv:2: birth_date: "31/02/2024" is not a real date`},
		{"31 February ISO, birth date", map[string]string{"staff.csv": "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P1,2024-02-31\n"},
			`staff.csv:2: birth_date: "2024-02-31" is not a real date`},
		{"31 February, due date", map[string]string{"training.csv": "staff_code,course_code,start_on,status,due_on\nS003,CCLL,2024-02-01,planned,2024-02-31\n"},
			`training.csv:2: due_on: "2024-02-31" is not a real date`},
		{"31 February, target", map[string]string{"targets.csv": "plan,category,starts_on,ends_on,target\nKH,refresher,31/02/2024,2030-12-31,5\n"},
			`targets.csv:2: starts_on: "31/02/2024" is not a real date`},

		{"UTF-16 without a BOM", map[string]string{"staff.csv": utf16Text(staffCSV+"S9,Võ Văn Chín,P1\n", false)},
			`staff.csv: UTF-16 text, not UTF-8: ` + saveAsUTF8},
		{"UTF-16 big-endian without a BOM", map[string]string{"staff.csv": utf16Text(staffCSV+"S9,Võ Văn Chín,P1\n", true)},
			`staff.csv: UTF-16 text, not UTF-8: ` + saveAsUTF8},
		{"UTF-16 big-endian with a BOM", map[string]string{"staff.csv": "\xfe\xff" + utf16Text(staffCSV+"S9,Võ Văn Chín,P1\n", true)},
			`staff.csv: UTF-16 text, not UTF-8: ` + saveAsUTF8},
		{"NUL bytes", map[string]string{"staff.csv": "code\x00\x00\x00,full_name\x00\x00\x00\n"},
			`staff.csv: not text (NUL bytes): ` + saveAsUTF8},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/agency")
		before := counts(t, st)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Chdir(t.TempDir())
				writeFiles(t, ".", tc.files)
				if got := importError(t, st, "."); got != tc.want {
					if len(got) > 2000 {
						got = got[:2000] + "…"
					}
					t.Errorf("error:\n%s\nwant:\n%s", got, tc.want)
				}
			})
		}
		if after := counts(t, st); !reflect.DeepEqual(after, before) {
			t.Errorf("failed imports changed the database: %v, was %v", after, before)
		}
	})
}

// Values at their limits are read: 255 characters of Vietnamese in a name
// (765 bytes), the longest address, a year 1900 and 2200.
func TestImportAtTheBounds(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	run(t, st, "testdata/agency")
	name := strings.Repeat("ễ", 255)
	email := strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("d", 62)+".", 2) + strings.Repeat("e", 60) + ".vn"
	if len(email) != 254 {
		t.Fatalf("test setup: address of %d octets", len(email))
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"staff.csv":        "code,full_name,unit_code,email,birth_date\nS9," + name + ",P1," + strings.ToUpper(email) + ",1900\n",
		"appointments.csv": "staff_code,position,start_on,end_on\nS9,Phó trưởng phòng,2195-01-01,31/12/2200\n",
	})
	run(t, st, dir)
	got := staffRow(t, st, "S9")
	if got.FullName != name || got.Email.String != email || got.BirthDate.Year != 1900 {
		t.Errorf("S9 = %+v", got)
	}
}

// An import given a path that is not a regular file refuses it at once,
// without opening it: a symbolic link to /dev/zero would be read for ever, a
// named pipe would block. A link to a regular file is read.
func TestImportRegularFilesOnly(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	run(t, st, "testdata/agency")
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "staff.csv")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "training.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "staff.csv") + ": a device, not a regular file\n" +
		filepath.Join(dir, "training.csv") + ": a named pipe, not a regular file"
	done := make(chan string, 1)
	go func() {
		_, err := importer.Import(context.Background(), st, []string{dir}, importer.Options{})
		if err == nil {
			done <- "no error"
			return
		}
		done <- err.Error()
	}()
	select {
	case got := <-done:
		if got != want {
			t.Errorf("error:\n%s\nwant:\n%s", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the import did not return in 20 s")
	}

	// A link to a regular file is that file.
	other := t.TempDir()
	writeFiles(t, other, map[string]string{"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P1\n"})
	linked := t.TempDir()
	if err := os.Symlink(filepath.Join(other, "staff.csv"), filepath.Join(linked, "02-staff.csv")); err != nil {
		t.Fatal(err)
	}
	rep := run(t, st, linked)
	if rep.Rows() != 1 {
		t.Errorf("through a link: %+v", rep)
	}
}

// A file over 2 GiB is refused before it is read (a sparse file here, taking
// no disk).
func TestImportFileSize(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	dir := t.TempDir()
	for _, name := range []string{"staff.csv", "agency.xlsx"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(2<<30 + 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	want := filepath.Join(dir, "agency.xlsx") + ": 2.0 GiB, over the limit of 2 GiB a file: split it into files of the same kind (1-training.csv, 2-training.csv…) and import them together\n" +
		filepath.Join(dir, "staff.csv") + ": 2.0 GiB, over the limit of 2 GiB a file: split it into files of the same kind (1-training.csv, 2-training.csv…) and import them together"
	start := time.Now()
	if got := importError(t, st, dir); got != want {
		t.Errorf("error:\n%s\nwant:\n%s", got, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refused in %s: it was read", d)
	}
}

// A row of one 300 MB value is not held in memory: the value is cut as it is
// read, and reported too long. (A sparse file: the value is NUL bytes after
// the first 64 KiB.)
func TestImportFieldMemory(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	run(t, st, "testdata/agency")
	dir := t.TempDir()
	path := filepath.Join(dir, "staff.csv")
	head := "code,unit_code,full_name\nS9,P1," + strings.Repeat("a", 64<<10)
	if err := os.WriteFile(path, []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 300<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got := importError(t, st, dir)
	runtime.ReadMemStats(&after)
	if want := path + ":2: full_name: longer than 255 characters"; !strings.HasPrefix(got, want) {
		t.Errorf("error:\n%.500s\nwant:\n%s", got, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("the import allocated %d MiB for a 300 MiB file", alloc>>20)
	}
}

// In a workbook, text cells get the same messages as CSV values.
func TestImportXLSXBounds(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	run(t, st, "testdata/agency")
	t.Chdir(t.TempDir())
	writeBook(t, "book.xlsx",
		sheet{name: "staff", rows: [][]any{
			{"code", "full_name", "unit_code", "birth_date", "hired_on", "email"},
			{"CB01", "Phạm Thị Dung", "P1", "31/02/1972", "2024-02-31", "dung@example"},
			{"CB02", strings.Repeat("Phạm ", 100), "P1", "1972-02-28", "", ""},
		}},
		sheet{name: "appointments", numFmt: "dd/mm/yyyy", rows: [][]any{
			{"staff_code", "position", "start_on"},
			{"S003", "Phó trưởng phòng", day("9995-01-01")},
		}},
	)
	want := `book.xlsx[staff]:2: email: "dung@example" is not an email address: no dot in the domain` + "\n" +
		`book.xlsx[staff]:2: birth_date: "31/02/1972" is not a real date` + "\n" +
		`book.xlsx[staff]:2: hired_on: "2024-02-31" is not a real date` + "\n" +
		`book.xlsx[staff]:3: full_name: longer than 255 characters` + "\n" +
		`book.xlsx[appointments]:2: start_on: 9995-01-01 is outside 1900–2200`
	if got := importError(t, st, "book.xlsx"); got != want {
		t.Errorf("error:\n%s\nwant:\n%s", got, want)
	}
}

// A workbook with a notes sheet besides its records imports the records and
// lists the notes sheet as skipped; so does a folder with a notes file. Rows
// of the records are checked as without the notes.
func TestImportSkipsNotes(t *testing.T) {
	notes := sheet{name: "Ghi chú", rows: [][]any{{"Ghi chú"}, {"Số liệu đến ngày 30/11/2026, do phòng Tổ chức lập."}}}
	vi, err := filepath.Abs("testdata/vi")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Chdir(t.TempDir())
		writeBook(t, "book.xlsx",
			sheet{name: "units", rows: [][]any{{"code", "name"}, {"VP", "Văn phòng"}}},
			notes,
			sheet{name: "staff", rows: [][]any{{"code", "full_name", "unit_code"}, {"CB01", "Phạm Thị Dung", "VP"}}},
		)
		rep := run(t, st, "book.xlsx")
		if want := []string{"book.xlsx[units]", "book.xlsx[staff]"}; !reflect.DeepEqual(rep.Files, want) {
			t.Errorf("files = %q, want %q", rep.Files, want)
		}
		skipped := "book.xlsx[Ghi chú] (named after no kind, and no key column such as code or staff_code in its first row: not records)"
		if want := []string{skipped}; !reflect.DeepEqual(rep.Ignored, want) {
			t.Errorf("ignored = %q, want %q", rep.Ignored, want)
		}
		if want := "read 2 sheets\nunits              1 new,      0 updated\nstaff              1 new,      0 updated\nskipped " + skipped; rep.String() != want {
			t.Errorf("summary:\n%s\nwant:\n%s", rep.String(), want)
		}

		// The rows of the other sheets are checked all the same.
		writeBook(t, "bad.xlsx", notes, sheet{name: "staff", rows: [][]any{{"code", "full_name", "unit_code"}, {"CB02", "Hoàng Văn Em", "P404"}}})
		if got, want := importError(t, st, "bad.xlsx"), `bad.xlsx[staff]:2: unit_code: unknown unit "P404" (not in this import or the database)`; got != want {
			t.Errorf("error:\n%s\nwant:\n%s", got, want)
		}

		// A notes file in a folder: skipped the same way.
		dir := copyDir(t, vi)
		writeFiles(t, dir, map[string]string{"ghi-chu.csv": "Ghi chú\nSố liệu đến ngày 30/11/2026\n"})
		rep = run(t, st, dir)
		want := []string{filepath.Join(dir, "ghi-chu.csv") + " (named after no kind, and no key column such as code or staff_code in its first row: not records)"}
		if !reflect.DeepEqual(rep.Ignored, want) || len(rep.Files) != 5 {
			t.Errorf("files %q, ignored %q; want the 5 files read and %q", rep.Files, rep.Ignored, want)
		}
	})
}

// The summary counts files and sheets in words: "read 1 file".
func TestImportSummary(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"units.csv": "code,name\nVP,Văn phòng\n"})
	if got, want := run(t, st, filepath.Join(dir, "units.csv")).String(), "read 1 file\nunits              1 new,      0 updated"; got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	writeFiles(t, dir, map[string]string{"staff.csv": "code,full_name,unit_code\nCB01,Phạm Thị Dung,VP\n"})
	if got := run(t, st, dir).String(); !strings.HasPrefix(got, "read 2 files\n") {
		t.Errorf("summary:\n%s\nwant read 2 files", got)
	}
	book := filepath.Join(t.TempDir(), "book.xlsx")
	writeBook(t, book, sheet{name: "units", rows: [][]any{{"code", "name"}, {"VP2", "Văn phòng 2"}}})
	if got := run(t, st, book).String(); !strings.HasPrefix(got, "read 1 sheet\n") {
		t.Errorf("summary:\n%s\nwant read 1 sheet", got)
	}
	if got := run(t, st, book, dir).String(); !strings.HasPrefix(got, "read 2 files and 1 sheet\n") {
		t.Errorf("summary:\n%s\nwant read 2 files and 1 sheet", got)
	}
}
