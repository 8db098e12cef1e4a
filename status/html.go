package status

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"strings"
	"time"
)

//go:embed templates/status.html
var pageFiles embed.FS

var page = template.Must(template.New("status.html").Funcs(template.FuncMap{
	"when": func(t time.Time, loc *time.Location) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	},
	"clock": func(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04:05") },
}).ParseFS(pageFiles, "templates/status.html"))

// StyleSource is the Content-Security-Policy source that allows the page's
// one inline style sheet and nothing else: its SHA-256 hash, taken from the
// page as the template writes it (the style sheet has no template actions,
// so it is the same on every page).
var StyleSource = func() string {
	var b bytes.Buffer
	if err := (&Report{Zone: time.UTC}).WriteHTML(&b, "en"); err != nil {
		panic("status: the page does not render: " + err.Error())
	}
	_, css, _ := strings.Cut(b.String(), "<style>")
	css, _, ok := strings.Cut(css, "</style>")
	if !ok {
		panic("status: the page has no <style> element")
	}
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// labels are the page's words in the configured language.
var labels = map[string]map[string]string{
	"vi": {
		"title": "tickler — tình trạng hoạt động", "updated": "Cập nhật lúc", "zone": "múi giờ",
		"db":   "Không kết nối được cơ sở dữ liệu; thông tin dưới đây lấy từ tệp cấu hình.",
		"jobs": "Công việc định kỳ", "job": "Công việc", "schedule": "Lịch chạy", "catchup": "Chạy bù trong",
		"overlap": "Khi trùng lượt", "last": "Lượt gần nhất", "state": "Kết quả", "started": "Chạy lúc", "finished": "xong lúc",
		"items": "Số mục", "messages": "Số thư", "next": "Lượt tiếp theo", "error": "Ghi chú",
		"outbox": "Thư gửi đi", "pending": "Chờ gửi", "retry": "Đang thử lại", "sent": "Đã gửi", "failed": "Gửi lỗi",
		"problems": "Thư gửi lỗi hoặc chờ quá lâu", "none": "Không có thư gửi lỗi hoặc chờ quá lâu.",
		"id": "Mã", "created": "Tạo lúc", "to": "Người nhận", "attempts": "Số lần gửi", "reply": "Phản hồi của máy chủ",
		"skip": "bỏ qua", "queue": "chạy sau",
		"s:done": "hoàn thành", "s:failed": "lỗi", "s:running": "đang chạy", "s:missed": "bỏ lỡ", "s:skipped": "bỏ qua",
		"s:manual": "chạy thủ công", "s:-": "chưa chạy",
		"disabled": "đã tắt", "absent": "chưa có trong bản này", "never": "không có", "moved": "dời do đổi giờ mùa hè", "daysoff": "thay cho ngày nghỉ",
		"answers": "Cán bộ tự báo cáo qua đường dẫn trong thư nhắc", "a_pending": "tự báo cáo, chờ cập nhật hồ sơ",
		"a_confirmed": "hồ sơ đã cập nhật", "a_rejected": "không được chấp nhận", "answered": "Báo cáo lúc",
		"person": "Cán bộ", "course": "Khóa học", "answer": "Nội dung",
		"c:done": "đã hoàn thành", "c:registered": "đã đăng ký học", "c:not_applicable": "không thuộc diện",
		"a_how": "Danh sách đầy đủ: tickler answers (-format csv để mở bằng Excel); không chấp nhận: tickler answers reject MÃ.",
	},
	"en": {
		"title": "tickler — status", "updated": "Updated", "zone": "time zone",
		"db":   "The database cannot be reached; what follows comes from the configuration file.",
		"jobs": "Jobs", "job": "Job", "schedule": "Schedule", "catchup": "Catch-up window",
		"overlap": "Overlap", "last": "Last slot", "state": "Result", "started": "Ran", "finished": "finished",
		"items": "Items", "messages": "Messages", "next": "Next run", "error": "Note",
		"outbox": "Outgoing mail", "pending": "Pending", "retry": "Retrying", "sent": "Sent", "failed": "Failed",
		"problems": "Failed or stuck deliveries", "none": "No failed or stuck deliveries.",
		"id": "ID", "created": "Created", "to": "To", "attempts": "Attempts", "reply": "Server reply",
		"skip": "skip", "queue": "queue",
		"s:done": "done", "s:failed": "failed", "s:running": "running", "s:missed": "missed", "s:skipped": "skipped",
		"s:manual": "run by hand", "s:-": "never run",
		"disabled": "disabled", "absent": "not in this build", "never": "none", "moved": "moved by daylight saving", "daysoff": "in place of days off",
		"answers": "Self-reported through the reminders' links", "a_pending": "self-reported, awaiting the records",
		"a_confirmed": "confirmed by the records", "a_rejected": "rejected", "answered": "Answered",
		"person": "Person", "course": "Course", "answer": "Answer",
		"c:done": "completed", "c:registered": "registered", "c:not_applicable": "does not apply",
		"a_how": "The whole list: tickler answers (-format csv for a spreadsheet); to reject one: tickler answers reject ID.",
	},
}

// WriteHTML writes the report as a plain HTML page in lang (vi or en).
func (r *Report) WriteHTML(w io.Writer, lang string) error {
	l, ok := labels[lang]
	if !ok {
		l = labels["en"]
	}
	return page.Execute(w, struct {
		*Report
		L    map[string]string
		Lang string
	}{r, l, lang})
}
