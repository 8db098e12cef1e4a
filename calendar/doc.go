// Package calendar answers "is this date a working day in a Vietnamese State
// agency, and if not, why?", finds the next working day, and converts between
// Gregorian dates and the Vietnamese lunar calendar (âm lịch).
//
// # Days off (country "vn")
//
// A day is off when one of these rules makes it so; VN and New build a
// Calendar that applies them.
//
//   - Saturday and Sunday: State agencies work a 40-hour week, Monday to
//     Friday (Decision 188/1999/QĐ-TTg), so both are weekly rest days.
//   - The paid public holidays of the Labour Code 2019 (Law 45/2019/QH14)
//     art. 112(1), which civil servants and public employees take under the
//     labour law as the laws governing them direct: Tết Dương lịch (1 January); Tết Nguyên Đán (five days);
//     Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month); Ngày Chiến thắng
//     (30 April); Ngày Quốc tế Lao động (1 May); Quốc khánh (2 September and
//     one day next to it, before or after).
//   - A day off in lieu (nghỉ bù): when a public holiday falls on a weekly
//     rest day, the next working day is off instead (art. 111(3)). With
//     several, each takes the next day that is not a weekend, a holiday or
//     already given in lieu: 30 April and 1 May 2022 (Saturday, Sunday) give
//     Monday 2 and Tuesday 3 May. This is the legal default, not a favour:
//     the Labour Ministry's notices cite art. 111(3) for it (Tết 2024: "5 ngày
//     nghỉ Tết âm lịch và 2 ngày nghỉ bù").
//
// Art. 112(3) leaves to the Prime Minister which five days are Tết and which
// day joins 2 September; the defaults here are what the decisions of recent
// years did:
//
//   - Tết: the last two days of the old lunar year and mùng 1 to mùng 3,
//     as the decisions for 2020, 2021 and 2023–2026 did (2025: Monday 27 to
//     Friday 31 January, 28 tháng Chạp to mùng 3; 2024: 8 to 12 February
//     and 13, 14 in lieu of the weekend). The other common reading, the eve
//     and mùng 1–4, would have put the breaks of 2021 and 2023–2025 a day
//     late.
//   - National Day: of 1 and 3 September, the one that is a weekday; if both
//     are, the one next to a weekend (1 September when the 2nd is a Tuesday,
//     3 September when it is a Thursday); 3 September when the 2nd is a
//     Wednesday. This gives the decisions of 2021–2025 (3, 1, 1, 3 and
//     1 September).
//   - Giỗ Tổ Hùng Vương is the 10th of the ordinary 3rd month, never of a
//     leap 3rd month.
//
// Each year the Government also swaps working days to make longer breaks and
// may shift Tết; the caller gives those as lists: Holidays (days off by
// decision) and Workdays (make-up working days, often a Saturday). A listed
// workday beats every rule, including a holiday and a day in lieu; a listed
// holiday beats the weekday. The rules' days in lieu are computed from the
// rules alone, before the lists apply. The rules are those in force since
// 2021 and are applied to every year; earlier years had fewer holidays.
//
// # Lunar calendar
//
// Lunar, SolarOfLunar and TetDate follow the rules of the Vietnamese calendar
// as Hồ Ngọc Đức sets them out ("Thuật toán tính âm lịch",
// http://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html): a month
// starts on the day of the new moon; the month holding the December solstice
// is month 11; when 13 months separate two months 11, the first without a
// principal term (trung khí) is the leap month and repeats the number before
// it. Days are reckoned at UTC+7 (105° E), the meridian of the official
// Vietnamese calendar since 1968, which differs from the Chinese (UTC+8) one
// in some years: Tết 1985 was 21 January in Vietnam and 20 February in China,
// Tết 2007 17 and 18 February. Dates before 1968 are also reckoned at UTC+7,
// though the calendar in use then followed the Chinese one: Tết 1965 comes
// out as 1 February where Vietnam kept 2 February. See astro.go for the
// astronomy and its precision; the tests check every month of 1968–2100
// against Hồ Ngọc Đức's published tables (all agree but one new moon seconds
// from midnight in 2054). Giỗ Tổ never falls on 30 April or 1 May in
// 1968–2100 (at the latest on 29 April), so no rule is needed for two
// holidays on one day.
package calendar
