package jobs

import (
	"fmt"

	"github.com/tickler-dev/tickler/notify/message"

	"github.com/tickler-dev/tickler/civil"
	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/rules"
)

// phrases are the short texts jobs put in an item's Note (shown by `tickler
// run` and in the messages) and in calendar events, in the configured
// language. Dates are formatted per language before they are filled in.
var phrases = map[string]map[string]string{
	"vi": {
		"term_note":             "Hết thời hạn bổ nhiệm ngày %s; hạn bắt đầu quy trình xem xét bổ nhiệm lại: %s; %s",
		"term_note_overdue":     "Hết thời hạn bổ nhiệm ngày %s; hạn bắt đầu quy trình xem xét bổ nhiệm lại là ngày %s, đã quá %d ngày nhưng chưa có quyết định; %s",
		"term_note_expired":     "Đã hết thời hạn bổ nhiệm từ ngày %s (quá %d ngày) nhưng chưa có quyết định bổ nhiệm lại hoặc thôi giữ chức vụ; %s",
		"retires_on":            "thời điểm nghỉ hưu: %s",
		"case_full_term":        "đủ điều kiện xem xét bổ nhiệm lại với thời hạn %02d năm (đến %s)",
		"case_until_ret":        "còn dưới %02d năm công tác: nếu bổ nhiệm lại, thời hạn bổ nhiệm được tính đến thời điểm nghỉ hưu (%s)",
		"case_extension":        "còn dưới %02d năm công tác: không xem xét bổ nhiệm lại, xem xét kéo dài thời gian giữ chức vụ đến thời điểm nghỉ hưu (%s)",
		"case_retires_first":    "đủ tuổi nghỉ hưu trước khi hết thời hạn bổ nhiệm; thực hiện thủ tục nghỉ hưu theo quy định, không đặt ra việc bổ nhiệm lại",
		"case_unknown":          "chưa xác định được thời điểm nghỉ hưu do thiếu ngày sinh hoặc giới tính",
		"ev_review":             "Hạn bắt đầu xem xét bổ nhiệm lại: %s (%s)",
		"ev_term_end":           "Hết thời hạn bổ nhiệm: %s (%s)",
		"ev_training_due":       "Hạn hoàn thành khóa học: %s",
		"who_manager":           "lãnh đạo trực tiếp",
		"who_unit_head":         "thủ trưởng đơn vị",
		"who_hr":                "bộ phận tổ chức cán bộ",
		"who_leadership":        "lãnh đạo cơ quan",
		"ev_certificate":        "Chứng chỉ hết hiệu lực: %s",
		"ev_rating":             "Hạn hoàn thành đánh giá, xếp loại năm %d",
		"ev_refresher":          "Hạn hoàn thành tối thiểu %[2]s giờ bồi dưỡng năm %[1]d",
		"certificate_note":      "Chứng chỉ hết hiệu lực ngày %s (hoàn thành ngày %s, thời hạn %d tháng)",
		"rating_note":           "Chưa có kết quả đánh giá, xếp loại năm %d; hạn hoàn thành: trước ngày %s",
		"rating_unit_note":      "%s: %d/%d người đã có kết quả đánh giá, xếp loại năm %d; còn %d người chưa có kết quả",
		"refresher_note":        "Năm %d đã hoàn thành %s/%s giờ bồi dưỡng, còn thiếu %s giờ; đã đăng ký %s giờ",
		"planning_ok":           "Không có nội dung cần lưu ý",
		"pl_never_reviewed":     "chưa được rà soát trong năm %d (chưa rà soát lần nào)",
		"pl_not_reviewed":       "chưa được rà soát trong năm %d (lần gần nhất ngày %s)",
		"pl_left":               "đã thôi công tác tại cơ quan từ ngày %s, đề nghị đưa ra khỏi quy hoạch",
		"pl_period_over":        "nhiệm kỳ quy hoạch %s đã kết thúc",
		"pl_retirement_unknown": "chưa xác định được thời điểm nghỉ hưu (thiếu ngày sinh hoặc giới tính)",
		"pl_too_old":            "nghỉ hưu ngày %s, không đủ tuổi công tác trọn một nhiệm kỳ (%02d năm)",
		"pl_poor_rating":        "năm %d xếp loại không hoàn thành nhiệm vụ",
		"pl_theory":             "chức danh quy hoạch yêu cầu trình độ lý luận chính trị %s, hiện có: %s",
		"pl_post_over":          "chức danh này có %d người trong quy hoạch (tối đa %d người)",
		"pl_person_over":        "được quy hoạch vào %d chức danh (tối đa %d chức danh)",
		"share_unknown":         " (%d người chưa có ngày sinh, %d người chưa có giới tính)",
		"share_note":            "Danh sách quy hoạch %s: %d người; cán bộ trẻ %s%% (chỉ tiêu tối thiểu %s%%); nữ %s%% (chỉ tiêu tối thiểu %s%%)",
	},
	"en": {
		"term_note":             "Term ends %s; open the re-appointment review by %s; %s",
		"term_note_overdue":     "Term ends %s; the re-appointment review was due to open by %s, %d days ago, and no decision is recorded; %s",
		"term_note_expired":     "The term ended on %s (%d days ago) with no re-appointment or end of post recorded; %s",
		"retires_on":            "retires %s",
		"case_full_term":        "may be re-appointed for a full term of %d years (to %s)",
		"case_until_ret":        "under %d years left: a re-appointment runs only until retirement (%s)",
		"case_extension":        "under %d years left: no re-appointment; the post may be extended until retirement (%s)",
		"case_retires_first":    "retires before the term ends: retirement, no re-appointment",
		"case_unknown":          "retirement date unknown: no birth date or gender on record",
		"ev_review":             "Open the re-appointment review: %s (%s)",
		"ev_term_end":           "Appointment term ends: %s (%s)",
		"ev_training_due":       "Course due: %s",
		"who_manager":           "your manager",
		"who_unit_head":         "the head of your unit",
		"who_hr":                "the personnel office",
		"who_leadership":        "the agency's leadership",
		"ev_certificate":        "Certificate expires: %s",
		"ev_rating":             "Yearly ratings for %d due",
		"ev_refresher":          "Complete at least %[2]s refresher hours for %[1]d",
		"certificate_note":      "Certificate expires %s (completed %s, valid %d months)",
		"rating_note":           "No rating for %d yet; ratings are due before %s",
		"rating_unit_note":      "%s: %d of %d people rated for %d; %d to go",
		"refresher_note":        "%d: %s of %s refresher hours done, %s short; %s hours planned",
		"planning_ok":           "Nothing to note",
		"pl_never_reviewed":     "not reviewed in %d (never reviewed)",
		"pl_not_reviewed":       "not reviewed in %d (last reviewed %s)",
		"pl_left":               "no longer on staff since %s: remove from the planning",
		"pl_period_over":        "the planning period %s is over",
		"pl_retirement_unknown": "retirement date unknown (no birth date or gender)",
		"pl_too_old":            "retires %s: cannot serve a full term (%d years)",
		"pl_poor_rating":        "rated not completed in %d",
		"pl_theory":             "the post needs %s political theory; has: %s",
		"pl_post_over":          "%d people planned for this post (at most %d)",
		"pl_person_over":        "planned for %d posts (at most %d)",
		"share_unknown":         " (%d without birth date, %d without gender)",
		"share_note":            "Planning list %s: %d people; young cadres %s%% (target at least %s%%); women %s%% (target at least %s%%)",
	},
}

// say fills in the phrase key in the configured language.
func say(cfg *config.Config, key string, args ...any) string {
	p, ok := phrases[cfg.Language][key]
	if !ok {
		p = phrases["en"][key]
	}
	return fmt.Sprintf(p, args...)
}

// day formats a date in the configured language.
func day(cfg *config.Config, d civil.Date) string { return d.Format(cfg.Language) }

// num formats a number in the configured language (12,5 in Vietnamese).
func num(cfg *config.Config, f float64) string { return message.FormatNumber(f, cfg.Language) }

// caseText says what the reappointment case means, with its dates.
func caseText(cfg *config.Config, t rules.Term) string {
	r := cfg.Rules
	switch t.Case {
	case rules.CaseFullTerm:
		return say(cfg, "case_full_term", r.TermYears, day(cfg, t.NewEnd))
	case rules.CaseUntilRetirement:
		return say(cfg, "case_until_ret", r.ShortTermYears, day(cfg, t.Retirement))
	case rules.CaseExtension:
		return say(cfg, "case_extension", r.NoReappointYears, day(cfg, t.Retirement))
	case rules.CaseRetiresFirst:
		return say(cfg, "case_retires_first")
	}
	return say(cfg, "case_unknown")
}
