package calendar

// kind is why a day is off, or that it is worked.
type kind int

const (
	workday      kind = iota // an ordinary working day
	makeUp                   // a listed make-up working day the rules would make a day off
	saturday                 // weekly rest
	sunday                   // weekly rest
	newYear                  // Tết Dương lịch, 1 January
	tetHoliday               // Tết Nguyên Đán, five days
	hungKingsDay             // Giỗ Tổ Hùng Vương, 10/3 lunar
	victoryDay               // Ngày Chiến thắng, 30 April
	labourDay                // Ngày Quốc tế Lao động, 1 May
	nationalDay              // Quốc khánh, 2 September and a day next to it
	decided                  // a listed holiday no rule explains
)

// reason is a kind, and for a holiday whether the day is off in lieu of it.
type reason struct {
	kind   kind
	inLieu bool
}

// names holds each kind's text in Vietnamese and in English.
var names = map[kind][2]string{
	makeUp:       {"Làm bù theo quyết định", "Make-up working day by decision"},
	saturday:     {"Thứ bảy", "Saturday"},
	sunday:       {"Chủ nhật", "Sunday"},
	newYear:      {"Tết Dương lịch", "New Year's Day"},
	tetHoliday:   {"Tết Nguyên Đán", "Lunar New Year (Tết)"},
	hungKingsDay: {"Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration"},
	victoryDay:   {"Ngày Chiến thắng", "Reunification Day"},
	labourDay:    {"Ngày Quốc tế Lao động", "International Labour Day"},
	nationalDay:  {"Ngày Quốc khánh", "National Day"},
	decided:      {"Nghỉ theo quyết định", "Day off by decision"},
}

// text returns the reason a person reads: Vietnamese for lang "vi", English
// otherwise; "" for an ordinary working day.
func (r reason) text(lang string) string {
	i := 1
	if lang == "vi" {
		i = 0
	}
	name := names[r.kind][i]
	if r.inLieu {
		return [2]string{"Nghỉ bù ", "Day off in lieu of "}[i] + name
	}
	return name
}
