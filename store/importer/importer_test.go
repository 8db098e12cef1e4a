package importer_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// tables are the tables an import writes.
var tables = []string{"units", "staff", "courses", "training", "appointments", "planning", "targets", "evaluations"}

// counts returns the number of rows of each table.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := st.GetSQL(context.Background(), &n, "SELECT count(*) FROM "+tb); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// run imports paths and fails the test on an error.
func run(t *testing.T, st *store.Store, paths ...string) importer.Report {
	t.Helper()
	rep, err := importer.Import(context.Background(), st, paths, importer.Options{})
	if err != nil {
		t.Fatalf("import %v: %v", paths, err)
	}
	return rep
}

// writeFiles writes files (name → content) into dir and returns their paths in
// the order of names.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func staffRow(t *testing.T, st *store.Store, code string) Staff {
	t.Helper()
	var s Staff
	if err := st.GetSQL(context.Background(), &s, "SELECT * FROM staff WHERE code = ?", code); err != nil {
		t.Fatalf("staff %s: %v", code, err)
	}
	return s
}

func ns(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Every kind imports from a folder of CSV files, with defaults applied, and the
// report counts the rows and names the file it did not read.
func TestImportAgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rep := run(t, st, "testdata/agency")
		want := []importer.KindCount{
			{Kind: "units", Inserted: 3}, {Kind: "staff", Inserted: 3}, {Kind: "courses", Inserted: 4},
			{Kind: "training", Inserted: 3}, {Kind: "appointments", Inserted: 2}, {Kind: "planning", Inserted: 2},
			{Kind: "targets", Inserted: 2}, {Kind: "evaluations", Inserted: 3},
		}
		if !reflect.DeepEqual(rep.Kinds, want) {
			t.Errorf("kinds = %+v, want %+v", rep.Kinds, want)
		}
		if len(rep.Files) != 8 {
			t.Errorf("files = %v, want the 8 CSV files", rep.Files)
		}
		if want := []string{filepath.Join("testdata/agency", "README.txt") + " (not a CSV or XLSX file)"}; !reflect.DeepEqual(rep.Ignored, want) {
			t.Errorf("ignored = %q, want %q", rep.Ignored, want)
		}
		if want := []importer.Raise{{StaffCode: "S002", Field: "education", From: "bachelor", To: "master"}}; !reflect.DeepEqual(rep.Raised, want) {
			t.Errorf("raised = %+v, want %+v", rep.Raised, want)
		}

		// A birth year alone is 1 January; DD/MM/YYYY reads day first.
		if got := staffRow(t, st, "S001"); got.BirthDate != civil.MustParse("1965-01-01") || got.Rank != ns("senior_specialist") {
			t.Errorf("S001 = %+v", got)
		}
		got := staffRow(t, st, "S003")
		if got.BirthDate != civil.MustParse("1990-07-15") || got.Email.Valid || got.ManagerCode != ns("S002") {
			t.Errorf("S003 = %+v", got)
		}
		// The completed master's course raised S002's education.
		if got := staffRow(t, st, "S002"); got.Education != ns("master") || got.PoliticalTheory != ns("intermediate") {
			t.Errorf("S002 qualifications = %v, %v", got.Education, got.PoliticalTheory)
		}

		var a Appointment
		if err := st.GetSQL(context.Background(), &a, "SELECT * FROM appointments WHERE staff_code = ?", "S001"); err != nil {
			t.Fatal(err)
		}
		if a.EndOn != civil.MustParse("2026-04-01") {
			t.Errorf("appointment without end_on ends %s, want start + 5 years 2026-04-01", a.EndOn)
		}
		var c Course
		if err := st.GetSQL(context.Background(), &c, "SELECT * FROM courses WHERE code = ?", "BD-2026"); err != nil {
			t.Fatal(err)
		}
		if c.Hours.Float64 != 40.5 || c.ValidMonths.Int64 != 24 || c.Level.Valid {
			t.Errorf("course BD-2026 = %+v", c)
		}
		var p []Planning
		if err := st.SelectSQL(context.Background(), &p, "SELECT * FROM planning ORDER BY staff_code"); err != nil {
			t.Fatal(err)
		}
		if len(p) != 2 || p[0].Period != "2026-2031" || p[1].Period != "2026-2031" || p[1].Status != "active" {
			t.Errorf("planning = %+v, want periods written 2026-2031 and status active by default", p)
		}
		var tg Target
		if err := st.GetSQL(context.Background(), &tg, "SELECT * FROM targets WHERE category = ?", "refresher"); err != nil {
			t.Fatal(err)
		}
		if tg.Level != "" || tg.Target != 200 {
			t.Errorf("target = %+v", tg)
		}
		var score float64
		if err := st.GetSQL(context.Background(), &score, "SELECT score FROM evaluations WHERE staff_code = ?", "S002"); err != nil || score != 82.5 {
			t.Errorf("score = %v, %v; want 82.5 from \"82,5\"", score, err)
		}
	})
}

// A Vietnamese Excel export: BOM, ";" separators, CRLF, Vietnamese file names,
// headers and labels, DD/MM/YYYY dates and a decimal comma.
func TestImportVietnamese(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rep := run(t, st, "testdata/vi")
		if rep.Rows() != 9 {
			t.Errorf("rows = %d, want 9: %+v", rep.Rows(), rep.Kinds)
		}
		got := staffRow(t, st, "CB01")
		want := Staff{Code: "CB01", FullName: "Phạm Thị Dung", UnitCode: "VP", BirthDate: civil.MustParse("1972-11-05"),
			Gender: ns("female"), Rank: ns("principal_specialist"), Education: ns("bachelor"), PoliticalTheory: ns("intermediate"),
			HiredOn: civil.MustParse("1995-08-01")}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("CB01 = %+v\nwant %+v", got, want)
		}
		// CB02 finished advanced political theory: raised from elementary.
		got = staffRow(t, st, "CB02")
		if got.Gender != ns("male") || got.Education != ns("master") || got.PoliticalTheory != ns("advanced") || got.BirthDate != civil.MustParse("1980-01-01") {
			t.Errorf("CB02 = %+v", got)
		}
		var c Course
		if err := st.GetSQL(context.Background(), &c, "SELECT * FROM courses WHERE code = ?", "BD"); err != nil {
			t.Fatal(err)
		}
		if c.Category != "defense_security" || c.Hours.Float64 != 40.5 {
			t.Errorf("course BD = %+v", c)
		}
		var rating string
		if err := st.GetSQL(context.Background(), &rating, "SELECT rating FROM evaluations WHERE staff_code = ?", "CB02"); err != nil || rating != "good" {
			t.Errorf("rating = %q, %v; want good", rating, err)
		}
	})
}

// The error of an import that found problems, or a failure.
func importError(t *testing.T, st *store.Store, paths ...string) string {
	t.Helper()
	_, err := importer.Import(context.Background(), st, paths, importer.Options{})
	if err == nil {
		t.Fatalf("import %v: no error", paths)
	}
	var ie *importer.Error
	if !errors.As(err, &ie) {
		t.Fatalf("import %v: %v is not an *importer.Error", paths, err)
	}
	return err.Error()
}

// A bad row fails the import with a message naming file, row and column; the
// database, seeded with the agency, makes references to it resolve.
func TestImportProblems(t *testing.T) {
	const staffCols = "code, full_name, email, unit_code, manager_code, birth_date, gender, rank, education, political_theory, hired_on, left_on"
	cases := []struct {
		name  string
		files map[string]string
		paths []string // default: the folder
		want  string
	}{
		// A month 13 in YYYY-MM-DD.
		{"bad date", map[string]string{"staff.csv": "code,full_name,unit_code,hired_on\nS9,Võ Văn Chín,P1,2020-13-01\n"}, nil,
			`staff.csv:2: hired_on: "2020-13-01" is not a real date`},
		// 31 February in DD/MM/YYYY.
		{"bad day", map[string]string{"training.csv": "staff_code,course_code,start_on,status\nS001,BD-2026,31/02/2026,planned\n"}, nil,
			`training.csv:2: start_on: "31/02/2026" is not a real date`},
		// A two-digit year is neither a date nor a birth year.
		{"bad birth date", map[string]string{"staff.csv": "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P1,65\n"}, nil,
			`staff.csv:2: birth_date: "65" is not a date (want YYYY-MM-DD, DD/MM/YYYY or a year YYYY)`},
		// A rank that is not in the glossary.
		{"unknown code", map[string]string{"staff.csv": "code,full_name,unit_code,rank\nS9,Võ Văn Chín,P1,chief\n"}, nil,
			`staff.csv:2: rank: unknown value "chief" (want none, staff, officer, specialist, principal_specialist, senior_specialist, or the Vietnamese label)`},
		// A course in neither the import nor the database.
		{"unknown course", map[string]string{"training.csv": "staff_code,course_code,start_on,status\nS001,NOPE,2026-02-01,planned\n"}, nil,
			`training.csv:2: course_code: unknown course "NOPE" (not in this import or the database)`},
		// A unit head who is nobody.
		{"unknown head", map[string]string{"units.csv": "code,name,head_code\nP3,Phòng mới,S404\n"}, nil,
			`units.csv:2: head_code: unknown staff "S404" (not in this import or the database)`},
		// An appointment in an unknown unit.
		{"unknown unit", map[string]string{"appointments.csv": "staff_code,position,start_on,unit_code\nS003,Phó trưởng phòng,2026-01-01,P9\n"}, nil,
			`appointments.csv:2: unit_code: unknown unit "P9" (not in this import or the database)`},
		// A required value left empty.
		{"missing value", map[string]string{"staff.csv": "code,full_name,unit_code\nS9,,P1\n"}, nil,
			`staff.csv:2: full_name: required, but empty`},
		// An evaluation without its rating.
		{"missing rating", map[string]string{"evaluations.csv": "staff_code,year,rating,score\nS001,2024,,90\n"}, nil,
			`evaluations.csv:2: rating: required, but empty`},
		// A required column missing from the header.
		{"missing column", map[string]string{"staff.csv": "code,full_name\nS9,Võ Văn Chín\n"}, nil,
			`staff.csv:1: unit_code: missing required column`},
		// A column no kind has.
		{"unknown column", map[string]string{"staff.csv": "code,full_name,unit_code,nickname\nS9,Võ Văn Chín,P1,Chín\n"}, nil,
			`staff.csv:1: nickname: unknown column (staff has ` + staffCols + `)`},
		// The same key twice in one file.
		{"duplicate key", map[string]string{"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P1\nS9,Võ Văn Mười,P2\n"}, nil,
			`staff.csv:3: code: duplicate key "S9", first at staff.csv:2`},
		// The same training in two files, its date written two ways.
		{"duplicate across files", map[string]string{
			"a-training.csv": "staff_code,course_code,start_on,status\nS001,BD-2026,2026-02-01,planned\n",
			"b-training.csv": "staff_code,course_code,start_on,status\nS001,BD-2026,01/02/2026,enrolled\n"}, nil,
			`b-training.csv:2: staff_code, course_code, start_on: duplicate key (S001, BD-2026, 2026-02-01), first at a-training.csv:2`},
		// A file saved in a legacy code page (here a lone Latin-1 byte on line 3).
		{"not UTF-8", map[string]string{"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P1\nS10,Nguy\xe1n,P1\n"}, nil,
			`staff.csv:3: not UTF-8: in Excel use Save As → CSV UTF-8 (Comma delimited) (*.csv); in LibreOffice pick the character set Unicode (UTF-8)`},
		// Excel's "Unicode text".
		{"UTF-16", map[string]string{"staff.csv": "\xff\xfec\x00o\x00d\x00e\x00"}, nil,
			`staff.csv: UTF-16 text, not UTF-8: in Excel use Save As → CSV UTF-8 (Comma delimited) (*.csv); in LibreOffice pick the character set Unicode (UTF-8)`},
		// A file name that names no kind.
		{"unknown kind", map[string]string{"people.csv": "code\n"}, nil,
			`people.csv: unknown kind "people": name a file after what it holds: units, staff, courses, training, appointments, planning, targets or evaluations (e.g. staff.csv or 02-staff.csv)`},
		// Two new units, each the other's parent.
		{"cycle", map[string]string{"units.csv": "code,name,parent_code\nA,Phòng A,B\nB,Phòng B,A\n"}, nil,
			`units.csv:2: parent_code: units form a cycle: A → B → A`},
		// A stored unit made the parent of its own parent.
		{"cycle through the database", map[string]string{"units.csv": "code,name,parent_code\nBTC,Ban Tổ chức,P1\n"}, nil,
			`units.csv:2: parent_code: units form a cycle: BTC → P1 → BTC`},
		// Completed, but when?
		{"completed without date", map[string]string{"training.csv": "staff_code,course_code,start_on,status\nS003,CCLL,2025-02-01,completed\n"}, nil,
			`training.csv:2: completed_on: required when status is completed`},
		// Finished before it started.
		{"completed before start", map[string]string{"training.csv": "staff_code,course_code,start_on,status,completed_on\nS003,CCLL,2025-02-01,completed,2025-01-01\n"}, nil,
			`training.csv:2: completed_on: 2025-01-01 is before start_on 2025-02-01`},
		// Due before it started.
		{"due before start", map[string]string{"training.csv": "staff_code,course_code,start_on,status,due_on\nS003,CCLL,2025-02-01,planned,2024-12-31\n"}, nil,
			`training.csv:2: due_on: 2024-12-31 is before start_on 2025-02-01`},
		// A refresher course grants no level.
		{"level on refresher", map[string]string{"courses.csv": "code,name,category,level\nBD2,Bồi dưỡng,refresher,master\n"}, nil,
			`courses.csv:2: level: must be empty for category refresher (a level is for degree, political_theory and state_management)`},
		// A degree level that is not an education code.
		{"unknown level", map[string]string{"courses.csv": "code,name,category,level\nTS,Tiến sĩ,degree,phd\n"}, nil,
			`courses.csv:2: level: unknown degree level "phd" (want secondary, vocational, college, bachelor, master, doctorate, or the Vietnamese label)`},
		// Hours in words.
		{"bad number", map[string]string{"courses.csv": "code,name,category,hours\nBD2,Bồi dưỡng,refresher,forty\n"}, nil,
			`courses.csv:2: hours: "forty" is not a number`},
		// An address without "@".
		{"bad email", map[string]string{"units.csv": "code,name,email\nP3,Phòng mới,tochuc(at)example.vn\n"}, nil,
			`units.csv:2: email: "tochuc(at)example.vn" is not an email address`},
		// A score on 100 points.
		{"score over 100", map[string]string{"evaluations.csv": "staff_code,year,rating,score\nS001,2024,good,120\n"}, nil,
			`evaluations.csv:2: score: 120 is over 100`},
		// A period that is one year.
		{"bad period", map[string]string{"planning.csv": "staff_code,position,period\nS003,Trưởng phòng,2026\n"}, nil,
			`planning.csv:2: period: "2026" is not a period (want YYYY-YYYY, e.g. 2026-2031)`},
		// Managing oneself.
		{"own manager", map[string]string{"staff.csv": "code,full_name,unit_code,manager_code\nS9,Võ Văn Chín,P1,S9\n"}, nil,
			`staff.csv:2: manager_code: a person cannot be their own manager`},
		// More values than header columns.
		{"extra value", map[string]string{"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P1,x\n"}, nil,
			`staff.csv:2: value "x" in column 4, but the header has 3 columns`},
		// A value under an empty header cell.
		{"value without header", map[string]string{"staff.csv": "code,full_name,,unit_code\nS9,Võ Văn Chín,x,P1\n"}, nil,
			`staff.csv:2: value "x" in column 3, which has no header`},
		// A units file without its code column: its rows have no keys, so
		// references to units are not reported unknown.
		{"missing key column", map[string]string{
			"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P7\n",
			"units.csv": "name\nPhòng 7\n"}, nil,
			`units.csv:1: code: missing required column`},
		// A stray quote.
		{"bad CSV", map[string]string{"staff.csv": "code,full_name,unit_code\nS9,Võ \"Chín\",P1\n"}, nil,
			`staff.csv:2: not valid CSV: bare " in non-quoted-field (a quote inside a value must be doubled)`},
		// A file given by name that is not CSV or XLSX.
		{"not CSV", map[string]string{"notes.txt": "hello"}, []string{"notes.txt"},
			`notes.txt: not a CSV or XLSX file`},
		// An old Excel workbook.
		{"xls", map[string]string{"staff.xls": "x"}, nil,
			`staff.xls: an old .xls workbook: in Excel use Save As → Excel Workbook (*.xlsx)`},
		// A path that does not exist.
		{"missing path", nil, []string{"nowhere"},
			`nowhere: no such file or folder`},
		// The rows of a file with an unknown column are read: its units exist.
		{"unknown column keeps rows", map[string]string{
			"staff.csv": "code,full_name,unit_code\nS9,Võ Văn Chín,P7\n",
			"units.csv": "code,name,colour\nP7,Phòng 7,red\n"}, nil,
			`units.csv:1: colour: unknown column (units has code, name, parent_code, head_code, email)`},
		// A units file that cannot be read: unit references are not checked,
		// and file problems come before row problems.
		{"unreadable file first", map[string]string{
			"staff.csv": "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P7,1970-13-01\n",
			"units.csv": "code,name\nP7,Ph\xf2ng 7\n"}, nil,
			"units.csv:2: not UTF-8: in Excel use Save As → CSV UTF-8 (Comma delimited) (*.csv); in LibreOffice pick the character set Unicode (UTF-8)\n" +
				`staff.csv:2: birth_date: "1970-13-01" is not a real date`},
		// Every problem of every file, file by file, row by row, column by column.
		{"many", map[string]string{
			"staff.csv":    "code,full_name,unit_code,birth_date\nS9,Võ Văn Chín,P9,1970\nS10,Võ Văn Mười,P1,1970-02-30\n",
			"training.csv": "staff_code,course_code,start_on,status\nS9,THS,2026-01-01,dropped\nS11,THS,2026-01-01,sick\n"}, nil,
			"staff.csv:2: unit_code: unknown unit \"P9\" (not in this import or the database)\n" +
				"staff.csv:3: birth_date: \"1970-02-30\" is not a real date\n" +
				"training.csv:3: staff_code: unknown staff \"S11\" (not in this import or the database)\n" +
				"training.csv:3: status: unknown value \"sick\" (want planned, enrolled, completed, dropped, or the Vietnamese label)"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/agency")
		before := counts(t, st)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Chdir(t.TempDir())
				writeFiles(t, ".", tc.files)
				paths := tc.paths
				if paths == nil {
					paths = []string{"."}
				}
				if got := importError(t, st, paths...); got != tc.want {
					t.Errorf("error:\n%s\nwant:\n%s", got, tc.want)
				}
			})
		}
		if after := counts(t, st); !reflect.DeepEqual(after, before) {
			t.Errorf("failed imports changed the database: %v, was %v", after, before)
		}
	})
}

// sheet is a worksheet to build: its rows of cell values (time.Time is written
// as an Excel date cell, styled numFmt if given).
type sheet struct {
	name   string
	rows   [][]any
	numFmt string
}

// writeBook writes an XLSX workbook of sheets to path.
func writeBook(t *testing.T, path string, sheets ...sheet) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		style := 0
		if sh.numFmt != "" {
			var err error
			if style, err = f.NewStyle(&excelize.Style{CustomNumFmt: &sh.numFmt}); err != nil {
				t.Fatal(err)
			}
		}
		for r, row := range sh.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(sh.name, cell, v); err != nil {
					t.Fatal(err)
				}
				if _, isDate := v.(time.Time); isDate && style != 0 {
					f.SetCellStyle(sh.name, cell, cell, style)
				}
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func day(s string) time.Time { return civil.MustParse(s).Time(time.UTC) }

// A workbook with one sheet per kind: date cells read as dates, numbers raw
// (not as their format rounds them), a year alone as a birth year, and an
// empty sheet ignored.
func TestImportXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		book := filepath.Join(t.TempDir(), "agency.xlsx")
		writeBook(t, book,
			sheet{name: "Đơn vị", rows: [][]any{{"Mã", "Tên đơn vị"}, {"VP", "Văn phòng"}}},
			sheet{name: "staff", numFmt: "dd/mm/yyyy", rows: [][]any{
				{"code", "full_name", "unit_code", "birth_date", "hired_on", "education"},
				{"CB01", "Phạm Thị Dung", "VP", day("1972-11-05"), "01/08/1995", "bachelor"},
				{"CB02", "Hoàng Văn Em", "VP", 1980, day("2005-01-15"), "Đại học"},
				{1003, "Đỗ Văn Ba", "VP", "", "", ""},
			}},
			sheet{name: "courses", rows: [][]any{
				{"code", "name", "category", "level", "hours"},
				{"THS", "Thạc sĩ", "degree", "master", 40.5},
			}},
			sheet{name: "Notes"},
			sheet{name: "training", rows: [][]any{
				{"staff_code", "course_code", "start_on", "status", "completed_on"},
				{"CB02", "THS", day("2023-09-01"), "completed", day("2025-06-30")},
			}},
		)
		// Format the hours to no decimals: it must still read 40.5.
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatal(err)
		}
		noDecimals, _ := f.NewStyle(&excelize.Style{NumFmt: 1})
		f.SetCellStyle("courses", "E2", "E2", noDecimals)
		if v, _ := f.GetCellValue("courses", "E2"); v != "41" {
			t.Fatalf("test setup: hours shown as %q, want 41", v)
		}
		if err := f.Save(); err != nil {
			t.Fatal(err)
		}
		f.Close()

		rep := run(t, st, book)
		wantFiles := []string{book + "[Đơn vị]", book + "[staff]", book + "[courses]", book + "[training]"}
		if !reflect.DeepEqual(rep.Files, wantFiles) {
			t.Errorf("files = %q, want %q", rep.Files, wantFiles)
		}
		if want := []string{book + "[Notes] (an empty sheet)"}; !reflect.DeepEqual(rep.Ignored, want) {
			t.Errorf("ignored = %q, want %q", rep.Ignored, want)
		}
		if got := staffRow(t, st, "CB01"); got.BirthDate != civil.MustParse("1972-11-05") || got.HiredOn != civil.MustParse("1995-08-01") {
			t.Errorf("CB01 dates = %s, %s", got.BirthDate, got.HiredOn)
		}
		if got := staffRow(t, st, "CB02"); got.BirthDate != civil.MustParse("1980-01-01") || got.HiredOn != civil.MustParse("2005-01-15") || got.Education != ns("master") {
			t.Errorf("CB02 = %+v", got)
		}
		if got := staffRow(t, st, "1003"); got.FullName != "Đỗ Văn Ba" {
			t.Errorf("numeric code 1003 = %+v", got)
		}
		var hours float64
		if err := st.GetSQL(context.Background(), &hours, "SELECT hours FROM courses"); err != nil || hours != 40.5 {
			t.Errorf("hours = %v, %v; want 40.5", hours, err)
		}
		var completed civil.Date
		if err := st.GetSQL(context.Background(), &completed, "SELECT completed_on FROM training"); err != nil || completed != civil.MustParse("2025-06-30") {
			t.Errorf("completed_on = %v, %v", completed, err)
		}
	})
}

// Problems in a workbook name the workbook, the sheet and the row.
func TestImportXLSXProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Chdir(t.TempDir())
		writeBook(t, "book.xlsx",
			sheet{name: "staff", rows: [][]any{
				{"code", "full_name", "unit_code", "birth_date"},
				{"CB01", "Phạm Thị Dung", "VP", "1972-11-31"},
			}},
			sheet{name: "Sheet2", rows: [][]any{{"code"}, {"x"}}},
		)
		// The unknown sheet is listed first; it may be the units, so the unit
		// VP is not reported unknown.
		want := `book.xlsx[Sheet2]: unknown sheet "Sheet2": name each sheet after what it holds: units, staff, courses, training, appointments, planning, targets or evaluations` + "\n" +
			`book.xlsx[staff]:2: birth_date: "1972-11-31" is not a real date`
		if got := importError(t, st, "book.xlsx"); got != want {
			t.Errorf("error:\n%s\nwant:\n%s", got, want)
		}
	})
}

// copyDir copies the files of dir into a new temporary folder.
func copyDir(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A bad row in the last file read leaves the database as it was: none of the
// good rows of the files before it are written.
func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/vi")
		before := counts(t, st)
		dir := copyDir(t, "testdata/agency")
		// units.csv is read last (files are read in name order).
		writeFiles(t, dir, map[string]string{"units.csv": "code,name,parent_code\nBTC,Ban Tổ chức,\nP1,Phòng 1,BTC\nP2,Phòng 2,BTC,extra\n"})
		want := filepath.Join(dir, "units.csv") + `:4: value "extra" in column 4, but the header has 3 columns`
		if got := importError(t, st, dir); got != want {
			t.Errorf("error = %s, want %s", got, want)
		}
		if after := counts(t, st); !reflect.DeepEqual(after, before) {
			t.Errorf("rows after a failed import: %v, before: %v", after, before)
		}
	})
}

// Re-importing a corrected file updates the rows by key; a column the file
// does not have keeps its stored value.
func TestImportUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/agency")
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"staff.csv": "code,full_name,unit_code,rank\nS003,Lê Văn Cương,P1,principal_specialist\nS004,Mai Thị Tư,P2,\n",
		})
		rep := run(t, st, dir)
		if want := []importer.KindCount{{Kind: "staff", Inserted: 1, Updated: 1}}; !reflect.DeepEqual(rep.Kinds, want) {
			t.Errorf("kinds = %+v, want %+v", rep.Kinds, want)
		}
		got := staffRow(t, st, "S003")
		want := Staff{Code: "S003", FullName: "Lê Văn Cương", UnitCode: "P1", ManagerCode: ns("S002"),
			BirthDate: civil.MustParse("1990-07-15"), Gender: ns("male"), Rank: ns("principal_specialist"),
			Education: ns("bachelor"), PoliticalTheory: ns("elementary"), HiredOn: civil.MustParse("2015-03-01")}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("S003 = %+v\nwant %+v", got, want)
		}
		// An empty cell in a column the file has clears the value.
		if got := staffRow(t, st, "S004"); got.Rank.Valid {
			t.Errorf("S004 rank = %v, want none", got.Rank)
		}
		writeFiles(t, dir, map[string]string{"staff.csv": "code,full_name,unit_code,rank\nS003,Lê Văn Cương,P1,\n"})
		run(t, st, dir)
		if got := staffRow(t, st, "S003"); got.Rank.Valid {
			t.Errorf("S003 rank = %v after re-import with it empty, want none", got.Rank)
		}
	})
}

// A completed training on a course that grants a level raises the person's
// education or political theory when it is higher, never lowers it.
func TestImportRaises(t *testing.T) {
	const courses = "code,name,category,level\nDH,Đại học Luật,degree,bachelor\nTC,Trung cấp lý luận,political_theory,intermediate\n"
	cases := []struct {
		name       string
		files      map[string]string
		staff      string
		edu, pt    string
		wantRaised []importer.Raise
	}{
		// A stored training completed now, for a stored person.
		{"stored person", map[string]string{
			"training.csv": "staff_code,course_code,start_on,status,completed_on\nS002,CCLL,2024-03-01,completed,2026-01-15\n"},
			"S002", "master", "advanced", []importer.Raise{{StaffCode: "S002", Field: "political_theory", From: "intermediate", To: "advanced"}}},
		// A bachelor's degree does not lower a master.
		{"lower level", map[string]string{"courses.csv": courses,
			"training.csv": "staff_code,course_code,start_on,status,completed_on\nS001,DH,2020-09-01,completed,2024-06-30\nS001,TC,2019-01-01,completed,2019-12-01\n"},
			"S001", "master", "advanced", nil},
		// Still enrolled: nothing yet.
		{"enrolled", map[string]string{
			"training.csv": "staff_code,course_code,start_on,status\nS003,THS,2025-09-01,enrolled\n"},
			"S003", "bachelor", "elementary", nil},
		// The person arrives in the same import, with no education recorded;
		// of two completed degrees the higher counts.
		{"new person", map[string]string{"courses.csv": courses,
			"staff.csv":    "code,full_name,unit_code,political_theory\nS20,Trịnh Văn Hai Mươi,P2,none\n",
			"training.csv": "staff_code,course_code,start_on,status,completed_on\nS20,DH,2015-09-01,completed,2019-06-30\nS20,THS,2020-09-01,completed,2022-06-30\nS20,TC,2023-01-01,completed,2023-12-01\n"},
			"S20", "master", "intermediate", []importer.Raise{
				{StaffCode: "S20", Field: "education", From: "", To: "master"},
				{StaffCode: "S20", Field: "political_theory", From: "none", To: "intermediate"}}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run(t, st, "testdata/agency")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				dir := t.TempDir()
				writeFiles(t, dir, tc.files)
				rep := run(t, st, dir)
				if !reflect.DeepEqual(rep.Raised, tc.wantRaised) {
					t.Errorf("raised = %+v, want %+v", rep.Raised, tc.wantRaised)
				}
				got := staffRow(t, st, tc.staff)
				if got.Education != ns(tc.edu) || got.PoliticalTheory != ns(tc.pt) {
					t.Errorf("%s: education %q, political theory %q; want %q, %q", tc.staff, got.Education.String, got.PoliticalTheory.String, tc.edu, tc.pt)
				}
			})
		}
	})
}

// The error lists 50 problems, then says how many more there are.
func TestImportProblemLimit(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("code,full_name,unit_code\n")
	for i := range 60 {
		fmt.Fprintf(&b, "S%d,Người %d,NOWHERE\n", i, i)
	}
	writeFiles(t, dir, map[string]string{"staff.csv": b.String()})
	lines := strings.Split(importError(t, st, dir), "\n")
	if len(lines) != 51 || lines[50] != "… and 10 more problems" {
		t.Errorf("%d lines, the last %q; want 50 problems and \"… and 10 more problems\"", len(lines), lines[len(lines)-1])
	}
	if want := filepath.Join(dir, "staff.csv") + `:51: unit_code: unknown unit "NOWHERE" (not in this import or the database)`; lines[49] != want {
		t.Errorf("line 50 = %q, want %q", lines[49], want)
	}
}
