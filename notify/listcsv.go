package notify

import (
	"bytes"
	"encoding/csv"
	"fmt"
)

// listCSV is the whole of a message's items as a CSV file, for a message
// whose lists were cut to mail.list_limit: opened in Excel (UTF-8 with a BOM,
// dates as the language writes them), it is the list an office works from.
func listCSV(v *View) Attachment {
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
		w.Write([]string{it.Kind, it.StaffCode, it.StaffName, unit, it.Ref, it.RefName,
			it.Date.Format(v.Lang), fmt.Sprint(it.Days), it.Step, it.Note})
	}
	w.Flush()
	return Attachment{Filename: name, ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}
}
