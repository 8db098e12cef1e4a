package digest

import (
	"fmt"
	"sort"
	"strconv"
)

// Percent is a share in hundredths of a percent: 4348 is 43.48%. Shares are
// kept as integers so that the printed figures add up exactly and compare
// without floating-point noise.
type Percent int64

// Format prints p with two decimals and a percent sign, with a decimal comma
// in Vietnamese ("43,48%") and a point in English ("43.48%").
func (p Percent) Format(lang string) string {
	return p.Number(lang) + "%"
}

// Number prints p with two decimals and no percent sign.
func (p Percent) Number(lang string) string {
	sign := ""
	v := int64(p)
	if v < 0 {
		sign, v = "-", -v
	}
	sep := "."
	if lang == "vi" {
		sep = ","
	}
	return fmt.Sprintf("%s%d%s%02d", sign, v/100, sep, v%100)
}

// Float returns p as a percentage (43.48).
func (p Percent) Float() float64 { return float64(p) / 100 }

// MarshalJSON writes p as a JSON number with exactly two decimals (43.48).
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(p.Number("en")), nil }

// UnmarshalJSON reads a number with up to two decimals.
func (p *Percent) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("percent: %w", err)
	}
	if f < 0 {
		*p = Percent(f*100 - 0.5)
	} else {
		*p = Percent(f*100 + 0.5)
	}
	return nil
}

// Ratio is part/whole as a percent rounded half up to two decimals; 0 when
// whole is 0. It is for a single ratio (the share of intellectuals); the parts
// of one distribution use Shares, so that they add up to 100.00.
func Ratio(part, whole int64) Percent {
	if whole <= 0 {
		return 0
	}
	return Percent((part*20000 + whole) / (2 * whole))
}

// Shares splits 100.00% among counts by the largest-remainder (Hamilton)
// method, as official reports print a distribution: every share is first
// rounded down to a hundredth of a percent, then the hundredths still missing
// go, one each, to the shares with the largest remainders. Remainders are
// compared exactly (as count·10000 mod total). Ties are broken by the larger
// count first, then by the earlier position in counts (the display order), so
// the result never depends on map or sort order. The seed report's 2008 ranks
// (2, 5, 17 of 24: all three remainders equal) print 8.33%, 20.83%, 70.84%:
// the extra hundredth goes to the largest group, as the report has it.
// With a zero total every share is 0.
func Shares(counts []int64) []Percent {
	out := make([]Percent, len(counts))
	var total int64
	for _, c := range counts {
		total += c
	}
	if total <= 0 {
		return out
	}
	type part struct {
		i     int
		count int64
		rem   int64
	}
	parts := make([]part, len(counts))
	var given int64
	for i, c := range counts {
		out[i] = Percent(c * 10000 / total)
		given += int64(out[i])
		parts[i] = part{i, c, c * 10000 % total}
	}
	sort.SliceStable(parts, func(a, b int) bool {
		if parts[a].rem != parts[b].rem {
			return parts[a].rem > parts[b].rem
		}
		if parts[a].count != parts[b].count {
			return parts[a].count > parts[b].count
		}
		return parts[a].i < parts[b].i
	})
	for k := int64(0); k < 10000-given; k++ {
		out[parts[k].i]++
	}
	return out
}
