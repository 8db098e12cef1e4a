package calendar

import "math"

// The astronomy behind the lunar calendar. The method is Hồ Ngọc Đức's,
// "Thuật toán tính âm lịch" (http://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html,
// 2004): find the day of each new moon and of each principal term (trung khí)
// at UTC+7 and apply the calendar rules (see cycle). His article simplifies
// the formulas of Jean Meeus, Astronomical Algorithms (2nd ed., Willmann-Bell,
// 1998); those simplified formulas put three new moons of 1900–2100 on the
// wrong side of midnight (1944-06-20, 2072-12-09, 2077-11-15, each within
// 2 minutes of it), so the new moons here use Meeus's full series (ch. 49)
// and ΔT from Espenak and Meeus's polynomials (NASA, "Polynomial Expressions
// for Delta T", 2006). The Sun keeps Meeus's low-precision series (ch. 25,
// about 0.01°), corrected to apparent longitude; a principal term only has to
// land in the right lunar month, never on an exact day.

// zoneHours is the meridian the Vietnamese calendar is computed for: 105° E,
// UTC+7, official since 1968 (the Chinese calendar uses 120° E, UTC+8, which
// is why Tết differs in some years, e.g. 1985 and 2007).
const zoneHours = 7.0

// lunation is the mean synodic month in days.
const lunation = 29.530588861

// newMoonDay returns the Julian day number of the local (UTC+7) day holding
// the k-th new moon after the one of 1900-01-01 13:51 UT (k = 0).
func newMoonDay(k int) int {
	return localDay(newMoonUT(k))
}

// localDay returns the Julian day number of the UTC+7 day holding instant jd
// (a Julian day in UT; days begin at noon, hence the half day).
func localDay(jd float64) int {
	return int(math.Floor(jd + 0.5 + zoneHours/24))
}

// newMoonUT returns the instant of the k-th new moon as a Julian day in UT.
func newMoonUT(k int) float64 {
	jde := newMoonTT(float64(k - 1237)) // Meeus counts from the new moon of 2000-01-06
	return jde - deltaT(jde)/86400
}

// newMoonTT is Meeus's true new moon (ch. 49) for his lunation number k, as a
// Julian ephemeris day (TT). Accurate to well under a minute for centuries
// around 2000.
func newMoonTT(k float64) float64 {
	t := k / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := 2451550.09766 + 29.530588861*k + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2 // Earth's orbital eccentricity factor
	m := deg(2.5534 + 29.10535670*k - 0.0000014*t2 - 0.00000011*t3)
	mp := deg(201.5643 + 385.81693528*k + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4)
	f := deg(160.7108 + 390.67050284*k - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4)
	om := deg(124.7746 - 1.56375588*k + 0.0020672*t2 + 0.00000215*t3)
	return jde + periodic(e, m, mp, f, om) + planetary(k, t2)
}

// periodic is the sum of Meeus's periodic terms for a new moon (table 49.A,
// first column), in days.
func periodic(e, m, mp, f, om float64) float64 {
	s := math.Sin
	return -0.40720*s(mp) + 0.17241*e*s(m) + 0.01608*s(2*mp) + 0.01039*s(2*f) +
		0.00739*e*s(mp-m) - 0.00514*e*s(mp+m) + 0.00208*e*e*s(2*m) -
		0.00111*s(mp-2*f) - 0.00057*s(mp+2*f) + 0.00056*e*s(2*mp+m) -
		0.00042*s(3*mp) + 0.00042*e*s(m+2*f) + 0.00038*e*s(m-2*f) -
		0.00024*e*s(2*mp-m) - 0.00017*s(om) - 0.00007*s(mp+2*m) +
		0.00004*s(2*mp-2*f) + 0.00004*s(3*m) + 0.00003*s(mp+m-2*f) +
		0.00003*s(2*mp+2*f) - 0.00003*s(mp+m+2*f) + 0.00003*s(mp-m+2*f) -
		0.00002*s(mp-m-2*f) - 0.00002*s(3*mp+m) + 0.00002*s(4*mp)
}

// planetary is the sum of Meeus's 14 additional corrections for all phases
// (arguments A1–A14), in days.
func planetary(k, t2 float64) float64 {
	terms := [14][3]float64{ // amplitude, argument at k = 0, degrees per lunation
		{0.000325, 299.77, 0.107408}, {0.000165, 251.88, 0.016321},
		{0.000164, 251.83, 26.651886}, {0.000126, 349.42, 36.412478},
		{0.000110, 84.66, 18.206239}, {0.000062, 141.74, 53.303771},
		{0.000060, 207.14, 2.453732}, {0.000056, 154.84, 7.306860},
		{0.000047, 34.52, 27.261239}, {0.000042, 207.19, 0.121824},
		{0.000040, 291.34, 1.844379}, {0.000037, 161.72, 24.198154},
		{0.000035, 239.56, 25.513099}, {0.000023, 331.55, 3.592518},
	}
	sum := 0.0
	for i, p := range terms {
		arg := p[1] + p[2]*k
		if i == 0 {
			arg -= 0.009173 * t2 // A1 alone has a quadratic term
		}
		sum += p[0] * math.Sin(deg(arg))
	}
	return sum
}

// deltaT returns TT − UT in seconds at Julian day jd: the new moon comes in
// dynamical time, the calendar needs civil time. Espenak and Meeus's
// polynomials for 1900–2150 and their parabola outside; for future years this
// is an extrapolation, uncertain by a minute or so by 2100.
func deltaT(jd float64) float64 {
	y := 2000 + (jd-2451544.5)/365.2425 // decimal year, good enough for ΔT
	switch {
	case y < 1900 || y >= 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	}
}

// sunSector returns which twelfth of the ecliptic the Sun is in at the local
// midnight that starts day jdn: 0 from the March equinox (0°) to 30°, ... 9
// from the December solstice (270°) to 300°. A lunar month whose first day and
// whose next month's first day give the same sector holds no principal term.
func sunSector(jdn int) int {
	midnight := float64(jdn) - 0.5 - zoneHours/24
	return int(sunLongitude(midnight) / (math.Pi / 6))
}

// sunLongitude returns the Sun's apparent longitude in radians, in [0, 2π),
// at Julian day jd (UT): Meeus ch. 25, low precision.
func sunLongitude(jd float64) float64 {
	t := (jd + deltaT(jd)/86400 - 2451545.0) / 36525 // Julian centuries (TT) from J2000.0
	t2 := t * t
	m := deg(357.52911 + 35999.05029*t - 0.0001537*t2) // mean anomaly
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t2     // mean longitude, degrees
	c := (1.914602-0.004817*t-0.000014*t2)*math.Sin(m) +
		(0.019993-0.000101*t)*math.Sin(2*m) + 0.000289*math.Sin(3*m) // equation of centre
	om := deg(125.04 - 1934.136*t)
	l := deg(l0 + c - 0.00569 - 0.00478*math.Sin(om)) // aberration and nutation
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// deg converts degrees to radians.
func deg(x float64) float64 { return x * math.Pi / 180 }

// jdn returns the Julian day number of a Gregorian date (the day that begins
// at noon UT of that date): Fliegel and Van Flandern's integer formula, as Hồ
// Ngọc Đức gives it.
func jdn(y, m, d int) int {
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// fromJDN is the inverse of jdn.
func fromJDN(j int) (y, m, d int) {
	a := j + 32044
	b := (4*a + 3) / 146097
	c := a - b*146097/4
	dd := (4*c + 3) / 1461
	e := c - 1461*dd/4
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = b*100 + dd - 4800 + mm/10
	return y, m, d
}
