package message

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"

	"github.com/tickler-dev/tickler/notify"
)

// listCSV is the whole of a message's items as a CSV file, for a message
// whose lists were cut to mail.list_limit: opened in Excel (UTF-8 with a BOM,
// dates as the language writes them), it is the list an office works from.
// The text columns come from the records and are made safe to open
// (textCell); the date and the days are tickler's own and stay a date and a
// number.
func listCSV(v *View) notify.Attachment {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	head := []string{"kind", "staff_code", "staff_name", "unit", "ref", "ref_name", "date", "days", "step", "note"}
	name := "list.csv"
	if v.Lang == "vi" {
		head = []string{"loại", "mã cán bộ", "họ và tên", "đơn vị", "mã", "nội dung", "ngày", "số ngày", "bước", "ghi chú"}
		name = "danh-sach.csv"
	}
	w.Write(head)
	for _, it := range v.Items {
		unit := it.Unit
		if u, ok := it.Fields["unit_name"].(string); ok && u != "" {
			unit = u
		}
		w.Write([]string{textCell(it.Kind), textCell(it.StaffCode), textCell(it.StaffName), textCell(unit),
			textCell(it.Ref), textCell(it.RefName), it.Date.Format(v.Lang), fmt.Sprint(it.Days),
			textCell(it.Step), textCell(it.Note)})
	}
	w.Flush()
	return notify.Attachment{Filename: name, ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}
}

// plainNumber is a cell a spreadsheet reads as a number, not as a formula.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// formulaStart holds what makes a spreadsheet read a cell as a formula.
const formulaStart = "=+-@\t\r"

// textCell is s as a CSV cell that a spreadsheet shows as text (CSV
// injection, OWASP): a cell starting with =, +, -, @, a tab or a CR gets a
// single quote in front, so "=HYPERLINK(...)" shows as written instead of
// becoming a link. The same goes after a ";" inside the cell: a spreadsheet
// whose list separator is ";" (Excel set up for Vietnamese) starts a new
// cell there. A plain number ("-3", "+84") is no formula and stays as it is.
func textCell(s string) string {
	if s == "" || plainNumber.MatchString(s) || !strings.ContainsAny(s, formulaStart) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if (i == 0 || s[i-1] == ';') && strings.IndexByte(formulaStart, s[i]) >= 0 {
			b.WriteByte('\'')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// TextCell is textCell for other lists that leave tickler as CSV (the
// answers HR copies into its records): a cell that would start a formula
// is shown as text.
func TextCell(s string) string { return textCell(s) }
