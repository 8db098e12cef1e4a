package i18n

// calendarTexts name why a day is off, or that it is worked against the
// rules (calendar.Calendar.Why): the status page shows them for a run moved
// by days off.
var calendarTexts = Catalog{
	VI: {
		"calendar.make_up":      "Làm bù theo quyết định",
		"calendar.saturday":     "Thứ bảy",
		"calendar.sunday":       "Chủ nhật",
		"calendar.new_year":     "Tết Dương lịch",
		"calendar.tet":          "Tết Nguyên Đán",
		"calendar.hung_kings":   "Giỗ Tổ Hùng Vương",
		"calendar.victory_day":  "Ngày Chiến thắng",
		"calendar.labour_day":   "Ngày Quốc tế Lao động",
		"calendar.national_day": "Ngày Quốc khánh",
		"calendar.decided":      "Nghỉ theo quyết định",
		"calendar.in_lieu":      "Nghỉ bù %s",
	},
	EN: {
		"calendar.make_up":      "Make-up working day by decision",
		"calendar.saturday":     "Saturday",
		"calendar.sunday":       "Sunday",
		"calendar.new_year":     "New Year's Day",
		"calendar.tet":          "Lunar New Year (Tết)",
		"calendar.hung_kings":   "Hung Kings' Commemoration",
		"calendar.victory_day":  "Reunification Day",
		"calendar.labour_day":   "International Labour Day",
		"calendar.national_day": "National Day",
		"calendar.decided":      "Day off by decision",
		"calendar.in_lieu":      "Day off in lieu of %s",
	},
}
