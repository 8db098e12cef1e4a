package digest

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	xfont "golang.org/x/image/font"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/i18n"
)

// Chart is a PNG image of the digest, shown inline in the e-mail by
// Content-ID; Alt says in words what it shows, and the same numbers stand in
// a table beside it.
type Chart struct {
	Name   string // "ranks", "targets", "trend": the image's file and Content-ID
	Alt    string
	PNG    []byte
	Width  int // CSS pixels; the image has twice as many, for sharp screens
	Height int
}

// The charts are drawn in Liberation Sans (gonum's own font set), which covers
// Vietnamese (Latin Extended Additional: ạ, ầ, ế, ồ, ự ...); the Go fonts do
// not.
var (
	ink      = color.RGBA{0x1f, 0x29, 0x33, 0xff}
	muted    = color.RGBA{0x52, 0x60, 0x6d, 0xff}
	gridInk  = color.RGBA{0xe4, 0xe7, 0xeb, 0xff}
	accent   = color.RGBA{0x8b, 0x1c, 0x1c, 0xff} // the office's red, as in the mail's header
	previous = color.RGBA{0xb8, 0xc2, 0xcc, 0xff}
	good     = color.RGBA{0x2f, 0x85, 0x5a, 0xff}
	bad      = color.RGBA{0xc0, 0x39, 0x2b, 0xff}
)

const chartWidth = 600 // CSS pixels: the mail's content column

func face(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// newPlot returns a plot with the digest's look: sans text, no axis lines, a
// light grid.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = norm.NFC.String(title)
	p.Title.TextStyle.Font = face(11, true)
	p.Title.TextStyle.Color = ink
	p.Title.Padding = 6
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = face(9, false)
		a.Label.TextStyle.Color = muted
		a.Tick.Label.Font = face(9, false)
		a.Tick.Label.Color = ink
		a.LineStyle.Width = 0
		a.Tick.LineStyle.Width = 0
		a.Padding = 2
	}
	p.Legend.TextStyle.Font = face(9, false)
	p.Legend.TextStyle.Color = ink
	return p
}

func grid(vertical bool) *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridInk, gridInk
	if vertical {
		g.Horizontal.Width = 0
	} else {
		g.Vertical.Width = 0
	}
	return g
}

// png draws a grid of plots (rows × cols) into a PNG of w × h CSS pixels, at
// twice the resolution.
func png(plots [][]*plot.Plot, w, h int) ([]byte, error) {
	const dpi = 192
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/96, vg.Length(h)*vg.Inch/96), vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	if len(plots) == 1 && len(plots[0]) == 1 {
		plots[0][0].Draw(dc)
	} else {
		tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadY: 10, PadX: 10, PadTop: 2, PadBottom: 2}
		canvases := plot.Align(plots, tiles, dc)
		for i := range plots {
			for j := range plots[i] {
				plots[i][j].Draw(canvases[i][j])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// valueLabels puts text at the end of horizontal bars.
func valueLabels(xs []float64, ys []float64, texts []string, size vg.Length) (*plotter.Labels, error) {
	xy := make(plotter.XYs, len(xs))
	for i := range xs {
		xy[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: texts})
	if err != nil {
		return nil, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Font = face(size, false)
		l.TextStyle[i].Color = ink
		l.TextStyle[i].YAlign = text.YCenter
	}
	l.Offset = vg.Point{X: 3}
	return l, nil
}

// rankChart draws the rank distribution as horizontal bars, this month beside
// the same month a year earlier when its figures were kept.
func rankChart(r *Report, lang string) (*Chart, error) {
	w := r.Workforce.Data
	var yearAgo []Share
	if r.Trend.OK() {
		yearAgo = r.Trend.Data.YearAgoRanks
	}
	// The ranks anyone holds, now or a year ago; the highest on top.
	type row struct {
		name    string
		now, ya Percent
	}
	var rows []row
	for i, s := range w.Ranks {
		var ya Share
		if i < len(yearAgo) {
			ya = yearAgo[i]
		}
		if s.Count == 0 && ya.Count == 0 {
			continue
		}
		rows = append(rows, row{i18n.Coded(codes.Rank, s.Code, lang), s.Percent, ya.Percent})
	}
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	names := make([]string, n)
	nowV, yaV := make(plotter.Values, n), make(plotter.Values, n)
	for i, rw := range rows { // bottom to top
		k := n - 1 - i
		names[k] = norm.NFC.String(rw.name)
		nowV[k], yaV[k] = rw.now.Float(), rw.ya.Float()
	}
	title := i18n.T(lang, "digest.chart_ranks_now")
	if yearAgo != nil {
		title = i18n.T(lang, "digest.chart_ranks")
	}
	p := newPlot(title)
	p.Add(grid(true))
	barW := vg.Length(11)
	if yearAgo != nil {
		barW = 9
	}
	bNow, err := plotter.NewBarChart(nowV, barW)
	if err != nil {
		return nil, err
	}
	bNow.Horizontal, bNow.Color, bNow.LineStyle.Width = true, accent, 0
	var ys []float64
	for i := range n {
		ys = append(ys, float64(i))
	}
	texts := make([]string, n)
	for i := range n {
		texts[i] = Percent(math.Round(nowV[i] * 100)).Format(lang)
	}
	if yearAgo != nil {
		bYa, err := plotter.NewBarChart(yaV, barW)
		if err != nil {
			return nil, err
		}
		bYa.Horizontal, bYa.Color, bYa.LineStyle.Width = true, previous, 0
		bNow.Offset, bYa.Offset = barW/2, -barW/2
		p.Add(bYa)
		p.Legend.Add(norm.NFC.String(i18n.T(lang, "digest.now")+" ("+MonthOfString(r.Month).Format(lang)+")"), bNow)
		p.Legend.Add(norm.NFC.String(i18n.T(lang, "digest.year_ago")), bYa)
		p.Legend.Top, p.Legend.Left = true, false
		p.Legend.Padding = 4
		p.Legend.ThumbnailWidth = 14
		yaTexts := make([]string, n)
		yaY := make([]float64, n)
		for i := range n {
			yaTexts[i] = Percent(math.Round(yaV[i] * 100)).Format(lang)
			yaY[i] = ys[i] - 0.22
		}
		lya, err := valueLabels(yaV, yaY, yaTexts, 7.5)
		if err != nil {
			return nil, err
		}
		for i := range lya.TextStyle {
			lya.TextStyle[i].Color = muted
		}
		p.Add(lya)
		for i := range ys {
			ys[i] += 0.22
		}
	}
	p.Add(bNow)
	lnow, err := valueLabels(nowV, ys, texts, 8)
	if err != nil {
		return nil, err
	}
	p.Add(lnow)
	p.NominalY(names...)
	top := 0.0
	for i := range n {
		top = math.Max(top, math.Max(nowV[i], yaV[i]))
	}
	p.X.Min, p.X.Max = 0, math.Min(100, math.Ceil((top+15)/25)*25)
	p.X.Tick.Marker = percentTicks{lang}
	h := 90 + 34*n
	if yearAgo != nil {
		h += 16 * n
	}
	b, err := png([][]*plot.Plot{{p}}, chartWidth, h)
	if err != nil {
		return nil, err
	}
	alt := i18n.T(lang, "digest.chart_ranks_now") + " (" + i18n.T(lang, "digest.ranks_base", formatInt(w.Ranked, lang)) + "): "
	for i, rw := range rows {
		if i > 0 {
			alt += "; "
		}
		alt += rw.name + " " + rw.now.Format(lang)
		if yearAgo != nil {
			alt += " (" + i18n.T(lang, "digest.year_ago") + " " + rw.ya.Format(lang) + ")"
		}
	}
	return &Chart{Name: "ranks", Alt: alt, PNG: b, Width: chartWidth, Height: h}, nil
}

// MonthOfString reads a YYYY-MM month; a bad one is the zero month.
func MonthOfString(s string) Month {
	m, _ := ParseMonth(s)
	return m
}

// percentTicks marks 0, 25, 50, 75, 100 (and beyond) as percentages.
type percentTicks struct{ lang string }

func (t percentTicks) Ticks(min, max float64) []plot.Tick {
	var out []plot.Tick
	for v := 0.0; v <= max+0.001; v += 25 {
		out = append(out, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f%%", v)})
	}
	return out
}

// localTicks are gonum's default ticks, labelled in the language's way (a
// decimal comma in Vietnamese), with a suffix ("%").
type localTicks struct {
	lang, suffix string
}

func (t localTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = formatFloat(ticks[i].Value, t.lang) + t.suffix
		}
	}
	return ticks
}

// targetChart draws each plan target's progress as a bar (done / target,
// green when reached or on track, red when behind) against a line at the share
// of the plan's time gone by.
func targetChart(r *Report, lang string) (*Chart, error) {
	rows := r.Targets.Data.Rows
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	names := make([]string, n)
	okV, behindV := make(plotter.Values, n), make(plotter.Values, n)
	xs, ys := make([]float64, n), make([]float64, n)
	texts := make([]string, n)
	maxX := 100.0
	for i, g := range rows { // first target on top
		k := n - 1 - i
		names[k] = norm.NFC.String(kindLabel(g.Category, g.Level, lang))
		v := g.DonePercent.Float()
		if g.State == TargetBehind {
			behindV[k] = v
		} else {
			okV[k] = v
		}
		// The label stands past the bar and past the time-elapsed line, so
		// the two never cross.
		xs[k], ys[k] = math.Max(v, g.Elapsed.Float()+1), float64(k)
		texts[k] = fmt.Sprintf("%d/%d", g.Done, g.Target)
		maxX = math.Max(maxX, v)
	}
	p := newPlot(i18n.T(lang, "digest.chart_targets"))
	p.Add(grid(true))
	for _, set := range []struct {
		v plotter.Values
		c color.Color
	}{{okV, good}, {behindV, bad}} {
		b, err := plotter.NewBarChart(set.v, 12)
		if err != nil {
			return nil, err
		}
		b.Horizontal, b.Color, b.LineStyle.Width = true, set.c, 0
		p.Add(b)
	}
	// The time gone by: one line per plan (targets of one plan share it).
	seen := map[string]bool{}
	for _, g := range rows {
		if seen[g.Plan] {
			continue
		}
		seen[g.Plan] = true
		e := g.Elapsed.Float()
		line, err := plotter.NewLine(plotter.XYs{{X: e, Y: -0.5}, {X: e, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Width, line.Dashes = muted, 1, []vg.Length{3, 2}
		p.Add(line)
		p.Legend.Add(norm.NFC.String(i18n.T(lang, "digest.elapsed")+" "+g.Elapsed.Format(lang)), line)
	}
	p.Legend.Top = true
	l, err := valueLabels(xs, ys, texts, 8)
	if err != nil {
		return nil, err
	}
	p.Add(l)
	p.NominalY(names...)
	p.X.Min, p.X.Max = 0, math.Ceil(maxX/25)*25+12
	p.X.Tick.Marker = percentTicks{lang}
	h := 80 + 24*n
	b, err := png([][]*plot.Plot{{p}}, chartWidth, h)
	if err != nil {
		return nil, err
	}
	alt := i18n.T(lang, "digest.chart_targets") + ": "
	for i, g := range rows {
		if i > 0 {
			alt += "; "
		}
		alt += fmt.Sprintf("%s %d/%d (%s, %s)", kindLabel(g.Category, g.Level, lang), g.Done, g.Target,
			g.DonePercent.Format(lang), i18n.T(lang, "digest.state_"+g.State))
	}
	return &Chart{Name: "targets", Alt: alt, PNG: b, Width: chartWidth, Height: h}, nil
}

// trendChart draws the last 12 months in three panels: headcount, share of
// intellectuals, completions. Months with no figures kept are gaps.
func trendChart(r *Report, lang string) (*Chart, error) {
	t := r.Trend.Data
	month := MonthOfString(r.Month)
	names := make([]string, 12)
	byMonth := map[string]MonthFigures{}
	for _, m := range t.Months {
		byMonth[m.Month] = m
	}
	for i := range 12 {
		names[i] = month.Add(i - 11).Short(lang)
	}
	panel := func(title string, value func(Figures) float64, bars bool, suffix string, format func(float64) string) (*plot.Plot, error) {
		p := newPlot(title)
		p.Title.TextStyle.Font = face(9.5, true)
		p.Add(grid(false))
		var run plotter.XYs
		var runs []plotter.XYs
		vals := make(plotter.Values, 12)
		var lx, ly []float64
		var lt []string
		lo, hi := math.Inf(1), math.Inf(-1)
		for i := range 12 {
			m, ok := byMonth[month.Add(i-11).String()]
			if !ok {
				if len(run) > 0 {
					runs = append(runs, run)
					run = nil
				}
				continue
			}
			v := value(m.Figures)
			vals[i] = v
			run = append(run, plotter.XY{X: float64(i), Y: v})
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			if i == 11 || !bars {
				lx, ly, lt = append(lx, float64(i)), append(ly, v), append(lt, format(v))
			}
		}
		if len(run) > 0 {
			runs = append(runs, run)
		}
		if bars {
			b, err := plotter.NewBarChart(vals, 14)
			if err != nil {
				return nil, err
			}
			b.Color, b.LineStyle.Width = accent, 0
			p.Add(b)
			lo = 0
		} else {
			for _, rn := range runs {
				line, pts, err := plotter.NewLinePoints(rn)
				if err != nil {
					return nil, err
				}
				line.Color, line.Width = accent, 1.5
				pts.Color, pts.Radius = accent, 2.2
				pts.Shape = draw.CircleGlyph{}
				p.Add(line, pts)
			}
		}
		// Only the last value is written on the chart; the table has them all.
		if len(lx) > 0 {
			l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: lx[len(lx)-1], Y: ly[len(ly)-1]}}, Labels: []string{lt[len(lt)-1]}})
			if err != nil {
				return nil, err
			}
			l.TextStyle[0].Font = face(8, true)
			l.TextStyle[0].Color = ink
			l.TextStyle[0].XAlign = text.XRight
			l.Offset = vg.Point{X: -4, Y: 5}
			p.Add(l)
		}
		pad := math.Max((hi-lo)*0.25, math.Max(math.Abs(hi)*0.02, 1))
		if !bars {
			p.Y.Min = math.Max(0, lo-pad)
		} else {
			p.Y.Min = 0
		}
		p.Y.Max = hi + pad
		p.X.Min, p.X.Max = -0.5, 11.5
		p.NominalX(names...)
		p.X.Tick.Label.Font = face(7.5, false)
		p.Y.Tick.Label.Font = face(7.5, false)
		p.Y.Tick.Marker = localTicks{lang, suffix}
		return p, nil
	}
	hc, err := panel(i18n.T(lang, "digest.headcount"), func(f Figures) float64 { return float64(f.Headcount) }, false, "",
		func(v float64) string { return fmt.Sprintf("%.0f", v) })
	if err != nil {
		return nil, err
	}
	sh, err := panel(i18n.T(lang, "digest.intellectual_share"), func(f Figures) float64 { return f.IntellectualShare.Float() }, false, "%",
		func(v float64) string { return Percent(math.Round(v * 100)).Format(lang) })
	if err != nil {
		return nil, err
	}
	cp, err := panel(i18n.T(lang, "digest.completed_month"), func(f Figures) float64 { return float64(f.Completed) }, true, "",
		func(v float64) string { return fmt.Sprintf("%.0f", v) })
	if err != nil {
		return nil, err
	}
	h := 450
	b, err := png([][]*plot.Plot{{hc}, {sh}, {cp}}, chartWidth, h)
	if err != nil {
		return nil, err
	}
	alt := i18n.T(lang, "digest.chart_trend") + ": "
	for i, m := range t.Months {
		if i > 0 {
			alt += "; "
		}
		alt += fmt.Sprintf("%s: %d, %s, %d", MonthOfString(m.Month).Format(lang), m.Headcount, m.IntellectualShare.Format(lang), m.Completed)
	}
	return &Chart{Name: "trend", Alt: alt, PNG: b, Width: chartWidth, Height: h}, nil
}
