package message

import (
	"bytes"
	"encoding/csv"
	"io"
	"regexp"
	"slices"
	"strconv"
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
	w := NewListWriter(&b, v.Lang)
	for _, it := range v.Items {
		w.Add(*it)
	}
	w.Flush()
	name, ctype := ListFile(v.Lang)
	return notify.Attachment{Filename: name, ContentType: ctype, Data: b.Bytes()}
}

// ListFile returns the name and the content type of a message's whole list
// in lang (listCSV, ListWriter).
func ListFile(lang string) (name, contentType string) {
	if lang == "vi" {
		return "danh-sach.csv", "text/csv; charset=utf-8"
	}
	return "list.csv", "text/csv; charset=utf-8"
}

// ListWriter writes a message's whole list as a CSV file, an item at a time:
// the file listCSV makes, for a list too long to hold (the planner streams
// it, View.Partial).
type ListWriter struct {
	w    *csv.Writer
	lang string
	row  []string
}

// NewListWriter starts a list in lang on w: the byte-order mark and the
// head row.
func NewListWriter(w io.Writer, lang string) *ListWriter {
	io.WriteString(w, "\ufeff")
	l := &ListWriter{w: csv.NewWriter(w), lang: lang, row: make([]string, 10)}
	head := []string{"kind", "staff_code", "staff_name", "unit", "ref", "ref_name", "date", "days", "step", "note"}
	if lang == "vi" {
		head = []string{"loại", "mã cán bộ", "họ và tên", "đơn vị", "mã", "nội dung", "ngày", "số ngày", "bước", "ghi chú"}
	}
	l.w.Write(head)
	return l
}

// Add writes one item's row.
func (l *ListWriter) Add(it notify.Item) {
	unit := it.Unit
	if u, ok := it.Fields["unit_name"].(string); ok && u != "" {
		unit = u
	}
	r := l.row
	r[0], r[1], r[2], r[3] = textCell(it.Kind), textCell(it.StaffCode), textCell(it.StaffName), textCell(unit)
	r[4], r[5], r[6], r[7] = textCell(it.Ref), textCell(it.RefName), it.Date.Format(l.lang), strconv.Itoa(it.Days)
	r[8], r[9] = textCell(it.Step), textCell(it.Note)
	l.w.Write(r)
}

// Flush writes what is buffered, and returns the first error writing met.
func (l *ListWriter) Flush() error {
	l.w.Flush()
	return l.w.Error()
}

// Outliner makes the outlines of a long list's items (View.Partial): an
// outline keeps the item's kind and step, and which of its fields are set
// (each set to true), and nothing else: not whose item it is (an outline is
// never about the recipient: those are kept whole), its names, dates or
// notes. Outlines are shared: one item for each kind, step and set of
// fields, made once, so that a list of thirty thousand outlines is thirty
// thousand pointers to a handful of items.
type Outliner struct {
	shared map[string]*notify.Item
}

// Outline returns the outline of it.
func (o *Outliner) Outline(it *notify.Item) *notify.Item {
	var set []string
	for k, v := range it.Fields {
		if isSet(v) {
			set = append(set, k)
		}
	}
	slices.Sort(set)
	sig := it.Kind + "\x00" + it.Step + "\x00" + strings.Join(set, "\x00")
	if out, ok := o.shared[sig]; ok {
		return out
	}
	out := &notify.Item{Kind: strings.Clone(it.Kind), Step: strings.Clone(it.Step)}
	if len(set) > 0 {
		out.Fields = make(map[string]any, len(set))
		for _, k := range set {
			out.Fields[strings.Clone(k)] = true
		}
	}
	if o.shared == nil {
		o.shared = map[string]*notify.Item{}
	}
	o.shared[sig] = out
	return out
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
