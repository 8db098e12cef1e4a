package calendar

import "github.com/tickler-dev/tickler/i18n"

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

// names holds each kind's key in the catalog (package i18n).
var names = map[kind]string{
	makeUp:       "calendar.make_up",
	saturday:     "calendar.saturday",
	sunday:       "calendar.sunday",
	newYear:      "calendar.new_year",
	tetHoliday:   "calendar.tet",
	hungKingsDay: "calendar.hung_kings",
	victoryDay:   "calendar.victory_day",
	labourDay:    "calendar.labour_day",
	nationalDay:  "calendar.national_day",
	decided:      "calendar.decided",
}

// text returns the reason a person reads: Vietnamese for lang "vi", English
// otherwise; "" for an ordinary working day.
func (r reason) text(lang string) string {
	key, ok := names[r.kind]
	if !ok {
		return ""
	}
	name := i18n.T(lang, key)
	if r.inLieu {
		return i18n.T(lang, "calendar.in_lieu", name)
	}
	return name
}
