package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tickler-dev/tickler/civil"
	"github.com/xuri/excelize/v2"
)

// saveAsUTF8 tells a user how to fix a CSV file in another encoding.
const saveAsUTF8 = "in Excel use Save As → CSV UTF-8 (Comma delimited) (*.csv); in LibreOffice pick the character set Unicode (UTF-8)"

// input is a file to read: a path given, or a file in a folder given.
type input struct {
	path     string
	inFolder bool
}

// expand turns the paths given into the CSV and XLSX files to read: a folder
// stands for the CSV and XLSX files directly in it, in name order. Other files
// in a folder are listed in the report; a path that is missing or not a CSV or
// XLSX file is a problem.
func (imp *importer) expand(paths []string) []input {
	var files []input
	seen := map[string]bool{}
	addFile := func(p string, inFolder bool) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			files = append(files, input{p, inFolder})
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, os.ErrNotExist) {
				msg = "no such file or folder"
			}
			imp.fileProblem(p, msg)
			continue
		}
		if !fi.IsDir() {
			switch fileType(p) {
			case ".csv", ".xlsx":
				addFile(p, false)
			case ".xls":
				imp.fileProblem(p, "an old .xls workbook: in Excel use Save As → Excel Workbook (*.xlsx)")
			default:
				imp.fileProblem(p, "not a CSV or XLSX file")
			}
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			imp.fileProblem(p, err.Error())
			continue
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			path := filepath.Join(p, e.Name())
			switch {
			case e.IsDir():
				imp.report.Ignored = append(imp.report.Ignored, path+" (a folder: folders are not read recursively)")
			case strings.HasPrefix(e.Name(), "~$") || strings.HasPrefix(e.Name(), "."):
				imp.report.Ignored = append(imp.report.Ignored, path+" (a hidden or lock file)")
			case fileType(path) == ".csv" || fileType(path) == ".xlsx":
				addFile(path, true)
			case fileType(path) == ".xls":
				imp.fileProblem(path, "an old .xls workbook: in Excel use Save As → Excel Workbook (*.xlsx)")
			default:
				imp.report.Ignored = append(imp.report.Ignored, path+" (not a CSV or XLSX file)")
			}
		}
	}
	return files
}

// maxFileSize is the most a CSV file or XLSX workbook may have. A province
// of a million staff writes about 130 MB of staff.csv and 270 MB of
// training.csv (five million rows); 2 GiB is several times that, and refuses
// at once what is no export of records (a disk image, a log, a link to a
// device).
const maxFileSize = 2 << 30

// checkFile returns what makes path unfit to be read, or "": it must be a
// regular file (a link to one is), not a device or a named pipe, which would
// be read for ever or block, and at most maxFileSize. It looks, without
// opening the file.
func checkFile(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return err.Error()
	}
	return checkInfo(fi)
}

func checkInfo(fi os.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsRegular():
	case m&os.ModeDevice != 0:
		return "a device, not a regular file"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe, not a regular file"
	case m&os.ModeSocket != 0:
		return "a socket, not a regular file"
	case m.IsDir():
		return "a folder, not a file"
	default:
		return "not a regular file"
	}
	if fi.Size() > maxFileSize {
		return fmt.Sprintf("%.1f GiB, over the limit of %d GiB a file: split it into files of the same kind (1-training.csv, 2-training.csv…) and import them together",
			float64(fi.Size())/(1<<30), maxFileSize>>30)
	}
	return ""
}

func fileType(path string) string { return strings.ToLower(filepath.Ext(path)) }

// readCSV reads one CSV file: UTF-8 with or without a BOM, fields separated by
// ",", ";" (Excel in a Vietnamese locale) or a tab, whichever the header uses.
// A file in a folder whose name is no kind is skipped if its header has no key
// column (notes, a summary), and a problem if it has one (records under a
// wrong name, which must not be lost without a word).
func (imp *importer) readCSV(in input) {
	path := in.path
	order := imp.newOrder()
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	k := kindOf(base)
	unknownKind := fmt.Sprintf("unknown kind %q: name a file after what it holds: %s (e.g. staff.csv or 02-staff.csv)", base, kindNames())
	if k == nil && !in.inFolder {
		imp.problemIn(nil, path, order, 0, unknownKind)
		return
	}
	if msg := checkFile(path); msg != "" {
		imp.problemIn(k, path, order, 0, msg)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		imp.problemIn(k, path, order, 0, err.Error())
		return
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && checkInfo(fi) != "" {
		imp.problemIn(k, path, order, 0, checkInfo(fi)) // replaced since checkFile
		return
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		imp.problemIn(k, path, order, 0, err.Error())
		return
	}
	head = head[:n]
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	first := firstLine(head)
	if msg := notText(head, first); msg != "" {
		if k == nil {
			msg = unknownKind
		}
		imp.problemIn(k, path, order, 0, msg)
		return
	}
	if !utf8.Valid(first) {
		if k == nil {
			imp.problemIn(nil, path, order, 0, unknownKind)
		} else {
			imp.problemIn(k, path, order, 1, "not UTF-8: "+saveAsUTF8)
		}
		return
	}
	sep := separator(first)
	if k == nil {
		hr := csv.NewReader(bytes.NewReader(first))
		hr.Comma = sep
		header, _ := hr.Read() // on an error, no key column is seen: skipped
		if hasKeyColumn(header) {
			imp.problemIn(nil, path, order, 0, unknownKind)
		} else {
			imp.report.Ignored = append(imp.report.Ignored, path+" (named after no kind, and no key column such as code or staff_code in its first row: not records)")
		}
		return
	}
	src := &source{name: path, order: order, kind: k}
	imp.report.Files = append(imp.report.Files, path)
	g := newCSVGuard(io.MultiReader(bytes.NewReader(head), f), byte(sep))
	cr := csv.NewReader(bufio.NewReaderSize(g, 1<<16))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		imp.problemIn(k, path, order, 0, "empty file: want a header row naming the columns")
		return
	}
	if err != nil {
		imp.csvError(src, g, err)
		return
	}
	line, _ := cr.FieldPos(0)
	g.cutIn(line) // a header cell cut is an unknown column
	colmap := imp.header(src, line, header)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			imp.csvError(src, g, err)
			return
		}
		line, _ := cr.FieldPos(0)
		for _, field := range rec {
			if !utf8.ValidString(field) {
				imp.problemIn(k, path, order, line, "not UTF-8: "+saveAsUTF8)
				return
			}
		}
		imp.row(src, colmap, line, rec, g.cutIn(line))
	}
}

// notText returns why the start of a file (less a UTF-8 BOM) is not text in
// UTF-8, or "": UTF-16 with its BOM, or without one (NUL bytes every other
// byte of the first line, which is ASCII mostly), or other NUL bytes.
func notText(head, first []byte) string {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "UTF-16 text, not UTF-8: " + saveAsUTF8
	}
	if len(first) > 4<<10 {
		first = first[:4<<10]
	}
	var even, odd int
	for i, c := range first {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	switch {
	case even+odd == 0:
		return ""
	case even == 0 && odd >= len(first)/4, odd == 0 && even >= len(first)/4:
		return "UTF-16 text, not UTF-8: " + saveAsUTF8
	}
	return "not text (NUL bytes): " + saveAsUTF8
}

// hasKeyColumn reports whether a header row names a key column of a kind:
// a file or sheet with one holds records, whatever its name.
func hasKeyColumn(header []string) bool {
	for _, cell := range header {
		name := fold(cell)
		for _, k := range kinds {
			if c, ok := k.byName[name]; ok && k.cols[c].key {
				return true
			}
		}
	}
	return false
}

// csvError reports what stopped the reading of a CSV file: a row too long
// (first: what encoding/csv got of that row may look like a mistake), or a
// mistake.
func (imp *importer) csvError(src *source, g *csvGuard, err error) {
	var long *rowTooLong
	if errors.As(g.err, &long) {
		imp.problemIn(src.kind, src.name, src.order, long.line, long.Error())
		return
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		imp.problemIn(src.kind, src.name, src.order, pe.Line, fmt.Sprintf("not valid CSV: %v (a quote inside a value must be doubled)", pe.Err))
		return
	}
	imp.problemIn(src.kind, src.name, src.order, 0, err.Error())
}

// firstLine returns the first line of the start of a file (all of it, 64 KiB,
// when it has no line break: plenty for a header), less a last character cut.
func firstLine(head []byte) []byte {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		return head[:i]
	}
	for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
		if utf8.RuneStart(head[i]) {
			if !utf8.FullRune(head[i:]) {
				return head[:i]
			}
			break
		}
	}
	return head
}

// separator picks the field separator the header line uses most, outside quotes.
func separator(line []byte) rune {
	var comma, semi, tab int
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			comma++
		case c == ';':
			semi++
		case c == '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	}
	return ','
}

// readXLSX reads every sheet of a workbook; the sheet name gives the kind.
// Text cells are read as shown; numbers raw (not rounded by their format); a
// number shown as a date is an Excel date serial and read as that date. A
// sheet whose name is no kind is skipped if its first row has no key column
// (notes, a summary), and a problem if it has one (records under a wrong
// name, which must not be lost without a word).
func (imp *importer) readXLSX(path string) {
	if msg := checkFile(path); msg != "" {
		imp.fileProblem(path, msg)
		return
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		imp.fileProblem(path, fmt.Sprintf("cannot read as an XLSX workbook: %v", err))
		return
	}
	defer f.Close()
	props, err := f.GetWorkbookProps()
	if err != nil {
		imp.fileProblem(path, fmt.Sprintf("cannot read as an XLSX workbook: %v", err))
		return
	}
	date1904 := props.Date1904 != nil && *props.Date1904
	for _, sheet := range f.GetSheetList() {
		name := fmt.Sprintf("%s[%s]", path, sheet)
		order := imp.newOrder()
		shown, err := f.GetRows(sheet)
		if err != nil {
			imp.problemIn(nil, name, order, 0, err.Error())
			continue
		}
		h := 0
		for h < len(shown) && blank(shown[h]) {
			h++
		}
		if h == len(shown) {
			imp.report.Ignored = append(imp.report.Ignored, name+" (an empty sheet)")
			continue
		}
		k := kindOf(sheet)
		if k == nil && !hasKeyColumn(shown[h]) {
			imp.report.Ignored = append(imp.report.Ignored, name+" (named after no kind, and no key column such as code or staff_code in its first row: not records)")
			continue
		}
		if k == nil {
			imp.problemIn(nil, name, order, 0, fmt.Sprintf("unknown sheet %q: name each sheet after what it holds: %s", sheet, kindNames()))
			continue
		}
		raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			imp.problemIn(k, name, order, 0, err.Error())
			continue
		}
		src := &source{name: name, order: order, kind: k}
		imp.report.Files = append(imp.report.Files, name)
		imp.report.sheets++
		colmap := imp.header(src, h+1, shown[h])
		for i := h + 1; i < len(shown); i++ {
			cells := shown[i]
			for j, c := range colmap {
				if c < 0 || j >= len(cells) || i >= len(raw) || j >= len(raw[i]) {
					continue
				}
				switch k.cols[c].typ {
				case tNumber, tInt:
					cells[j] = raw[i][j]
				case tDate, tBirthDate:
					if raw[i][j] != cells[j] {
						if d, ok := excelDate(raw[i][j], date1904); ok {
							cells[j] = d.String()
						}
					}
				}
			}
			imp.row(src, colmap, i+1, cells, nil)
		}
	}
}

// excelDate reads a date cell's raw value, a serial day number.
func excelDate(raw string, date1904 bool) (civil.Date, bool) {
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil || n < 1 {
		return civil.Date{}, false
	}
	t, err := excelize.ExcelDateToTime(n, date1904)
	if err != nil {
		return civil.Date{}, false
	}
	return civil.Of(t), true
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
