package i18n

// answersTexts are an answer's choices, as the status page and the digest
// name them (answers.choice_<choice>), and what the answer page says of a
// field of its form that cannot be taken (answers.Problem.Text):
// answers.problem_<code>, or the field's own text for a range or a length,
// filled in with the bounds.
var answersTexts = Catalog{
	VI: {
		"answers.choice_done":           "đã hoàn thành",
		"answers.choice_registered":     "đã đăng ký học",
		"answers.choice_not_applicable": "không thuộc diện",

		"answers.problem_choice":        "Lựa chọn không hợp lệ: chọn một trong ba nội dung trên trang.",
		"answers.problem_required":      "Chưa điền nội dung bắt buộc.",
		"answers.problem_date":          "Ngày không hợp lệ (ghi theo dạng ngày/tháng/năm, ví dụ 25/11/2026).",
		"answers.range_done_on":         "Ngày hoàn thành phải trong %d năm qua và không sau hôm nay.",
		"answers.range_starts_on":       "Ngày bắt đầu phải trong khoảng từ %d năm trước đến %d năm tới.",
		"answers.length_certificate_no": "Số chứng chỉ dài quá %d ký tự.",
		"answers.length_reason":         "Lý do phải từ %d đến %d ký tự.",
		"answers.problem_characters":    "Nội dung có ký tự không dùng được.",
	},
	EN: {
		"answers.choice_done":           "completed",
		"answers.choice_registered":     "registered",
		"answers.choice_not_applicable": "does not apply",

		"answers.problem_choice":        "Not a valid choice: pick one of the three on the page.",
		"answers.problem_required":      "This field is required.",
		"answers.problem_date":          "Not a valid date (write it as day/month/year, e.g. 25/11/2026).",
		"answers.range_done_on":         "The completion date must be within the last %d years and not after today.",
		"answers.range_starts_on":       "The start date must be between %d year ago and %d years ahead.",
		"answers.length_certificate_no": "The certificate number is longer than %d characters.",
		"answers.length_reason":         "The reason must be %d to %d characters long.",
		"answers.problem_characters":    "The text holds characters that cannot be used.",
	},
}
