package figures

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours of the sensitivity figures: first-order indices in steel blue,
// total ones in orange.
var (
	colorFirstOrder = ColorBlue
	colorTotal      = ColorOrange
	intervalBar     = draw.LineStyle{Color: color.Gray{Y: 0x20}, Width: vg.Points(1)}
)

// SensitivityBars draws the Sobol indices of one output as a grouped bar
// chart: for each parameter, its first-order index S_1 and its total
// index S_T side by side, each with the error bar [lo, hi] of its
// interval. The y axis runs from min(0, lowest value or lo) to max(1,
// highest value or hi), with a line at 0 (estimates can be slightly
// negative).
//
// first and total have one value per parameter. Each of firstLo,
// firstHi, totalLo and totalHi is nil (no error bars) or has one value
// per parameter, NaN where a parameter has no interval; a pair is both
// nil or neither. An interval need not contain its estimate (a bootstrap
// percentile interval may not): the bar is drawn from lo to hi.
// outputName completes the y label ("Sobol index of …"); it and the
// parameter names are typeset like every label (pass names from files
// through Literal). It returns an error for empty or mismatched inputs,
// non-finite indices, infinite bounds or lo > hi.
func SensitivityBars(outputName string, params []string, first, total []float64, firstLo, firstHi, totalLo, totalHi []float64, title, footnote string) (Figure, error) {
	n := len(params)
	if n == 0 {
		return Figure{}, errors.New("figures: sensitivity bars need parameters")
	}
	if len(first) != n || len(total) != n {
		return Figure{}, fmt.Errorf("figures: %d first-order and %d total indices for %d parameters", len(first), len(total), n)
	}
	for _, iv := range []struct {
		name   string
		lo, hi []float64
	}{{"first-order", firstLo, firstHi}, {"total", totalLo, totalHi}} {
		if (iv.lo == nil) != (iv.hi == nil) {
			return Figure{}, fmt.Errorf("figures: %s intervals with one bound missing", iv.name)
		}
		if iv.lo != nil && (len(iv.lo) != n || len(iv.hi) != n) {
			return Figure{}, fmt.Errorf("figures: %d and %d %s interval bounds for %d parameters", len(iv.lo), len(iv.hi), iv.name, n)
		}
		for k := range iv.lo {
			lo, hi := iv.lo[k], iv.hi[k]
			if math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi {
				return Figure{}, fmt.Errorf("figures: %s interval [%v, %v] of %s", iv.name, lo, hi, Plain(params[k]))
			}
		}
	}
	for k := range params {
		for _, v := range []float64{first[k], total[k]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Figure{}, fmt.Errorf("figures: a non-finite Sobol index of %s", Plain(params[k]))
			}
		}
	}

	p := NewPlot()
	p.Title.Text = title
	p.Y.Label.Text = "Sobol index"
	if outputName != "" {
		p.Y.Label.Text += " of " + outputName
	}
	const half = 0.19 // a bar's half-width and the offset of its centre
	ymin, ymax := 0.0, 1.0
	for _, s := range []struct {
		vals, lo, hi []float64
		dx           float64
		col          color.Color
	}{{first, firstLo, firstHi, -half, colorFirstOrder}, {total, totalLo, totalHi, half, colorTotal}} {
		bars := dataBars{width: 2*half - 0.02, fill: s.col}
		var eb errorPoints
		for k, v := range s.vals {
			x := float64(k) + s.dx
			bars.xs, bars.ys = append(bars.xs, x), append(bars.ys, v)
			ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
			if s.lo != nil && !math.IsNaN(s.lo[k]) && !math.IsNaN(s.hi[k]) {
				eb.XYs = append(eb.XYs, plotter.XY{X: x, Y: s.lo[k]})
				eb.YErrors = append(eb.YErrors, struct{ Low, High float64 }{0, s.hi[k] - s.lo[k]})
				ymin, ymax = math.Min(ymin, s.lo[k]), math.Max(ymax, s.hi[k])
			}
		}
		p.Add(bars)
		if len(eb.XYs) > 0 {
			e, err := plotter.NewYErrorBars(eb)
			if err != nil {
				return Figure{}, err
			}
			e.LineStyle = intervalBar
			e.CapWidth = vg.Points(5)
			p.Add(e)
		}
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 0}, {X: float64(n) - 0.5, Y: 0}})
	if err != nil {
		return Figure{}, err
	}
	zero.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	p.Add(zero)

	ticks := make([]plot.Tick, n)
	var widest vg.Length
	for k, name := range params {
		ticks[k] = plot.Tick{Value: float64(k), Label: name}
		wd, _, _ := handler.Box(name, p.X.Tick.Label.Font)
		widest = max(widest, wd)
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Length = 0
	// the plot is 40 pt per parameter plus its axes, at least 5 in wide
	plotW := max(5*vg.Inch, 1.2*vg.Inch+vg.Points(40)*vg.Length(n))
	slot := (plotW - 1.2*vg.Inch) / vg.Length(n)
	// Names too wide for their slot are set at 45°, ending under their
	// bars; pad is the room the first one needs left of the plot.
	var pad vg.Length
	if widest > slot-vg.Points(4) {
		const rot = math.Pi / 4
		p.X.Tick.Label.Rotation = rot
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
		w0, _, _ := handler.Box(params[0], p.X.Tick.Label.Font)
		// the y axis (label, tick labels, ticks) is about 45 pt wide
		pad = max(0, w0*vg.Length(math.Cos(rot))+vg.Points(6)-vg.Points(45)-slot/2)
	}
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = ymin, ymax
	p.Y.Tick.Marker = stepTicks(tickStep(ymax - ymin))
	entries := []LegendEntry{
		{Text: "first order S_1", Thumb: Swatch{Color: colorFirstOrder}},
		{Text: "total S_T", Thumb: Swatch{Color: colorTotal}},
	}
	if firstLo != nil || totalLo != nil {
		entries = append(entries, LegendEntry{Text: "interval", Thumb: errorBarThumb{}})
	}
	lw := 1.5 * vg.Inch
	body := WithLegend(p, entries, lw, footnote)
	return Figure{Width: plotW + lw + pad, Height: 4.5 * vg.Inch, Draw: func(c draw.Canvas) {
		fill(c, color.White)
		body(draw.Crop(c, pad, 0, 0, 0))
	}}, nil
}

// dataBars are bars from 0 to ys centred at xs, width wide, all in data
// units (gonum's BarChart takes its offsets in canvas units, which error
// bars cannot follow).
type dataBars struct {
	xs, ys []float64
	width  float64
	fill   color.Color
}

func (b dataBars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	outline := draw.LineStyle{Color: color.Gray{Y: 0x40}, Width: vg.Points(0.5)}
	for k, x := range b.xs {
		x0, x1 := tx(x-b.width/2), tx(x+b.width/2)
		y0, y1 := ty(0), ty(b.ys[k])
		pts := c.ClipPolygonXY(rectPts(x0, y0, x1, y1))
		if len(pts) == 0 {
			continue
		}
		c.FillPolygon(b.fill, pts)
		c.StrokeLines(outline, c.ClipLinesXY(rectPts(x0, y0, x1, y1))...)
	}
}

func (b dataBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	if len(b.xs) == 0 {
		return 0, 0, 0, 0
	}
	xmin, xmax = slices.Min(b.xs)-b.width/2, slices.Max(b.xs)+b.width/2
	ymin, ymax = min(0, slices.Min(b.ys)), max(0, slices.Max(b.ys))
	return xmin, xmax, ymin, ymax
}

// errorBarThumb is the legend's sample of an error bar: a vertical line
// with caps.
type errorBarThumb struct{}

func (errorBarThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	y0, y1 := c.Min.Y+vg.Points(1), c.Max.Y-vg.Points(1)
	cw := vg.Points(3)
	c.StrokeLine2(intervalBar, x, y0, x, y1)
	c.StrokeLine2(intervalBar, x-cw, y0, x+cw, y0)
	c.StrokeLine2(intervalBar, x-cw, y1, x+cw, y1)
}

// MorrisPlot draws the Morris screening diagram: each parameter's μ*,
// the mean absolute elementary effect, across against σ, the standard
// deviation of its elementary effects, up, the point labelled with the
// parameter's name. Parameters far right matter; those high up act
// nonlinearly or through interactions. A dashed line marks σ = μ*. The
// axes start at 0. Names are typeset like every label (pass names from
// files through Literal). It returns an error for empty or mismatched
// inputs and for negative or non-finite values.
func MorrisPlot(params []string, muStar, sigma []float64, title, footnote string) (Figure, error) {
	n := len(params)
	if n == 0 {
		return Figure{}, errors.New("figures: a Morris plot needs parameters")
	}
	if len(muStar) != n || len(sigma) != n {
		return Figure{}, fmt.Errorf("figures: %d μ* and %d σ for %d parameters", len(muStar), len(sigma), n)
	}
	pts := make(plotter.XYs, n)
	xmax, ymax := 0.0, 0.0
	for k := range params {
		m, s := muStar[k], sigma[k]
		if !(m >= 0) || !(s >= 0) || math.IsInf(m, 1) || math.IsInf(s, 1) {
			return Figure{}, fmt.Errorf("figures: μ* = %v, σ = %v of %s (want finite and non-negative)", m, s, Plain(params[k]))
		}
		pts[k] = plotter.XY{X: m, Y: s}
		xmax, ymax = math.Max(xmax, m), math.Max(ymax, s)
	}
	if xmax == 0 {
		xmax = 1
	}
	if ymax == 0 {
		ymax = 1
	}
	xmax, ymax = 1.08*xmax, 1.08*ymax

	p := NewPlot()
	p.Title.Text = title
	p.X.Label.Text = "μ* (mean absolute elementary effect)"
	p.Y.Label.Text = "σ (standard deviation of elementary effects)"
	diag := draw.LineStyle{Color: color.Gray{Y: 0x80}, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	m := math.Max(xmax, ymax)
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: m, Y: m}})
	if err != nil {
		return Figure{}, err
	}
	l.LineStyle = diag
	p.Add(l)
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return Figure{}, err
	}
	dot := draw.GlyphStyle{Color: colorFirstOrder, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
	s.GlyphStyle = dot
	p.Add(s)
	p.Add(&placedLabels{xys: pts, labels: params, sty: TextStyle(9, color.Black), r: dot.Radius})
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, xmax, 0, ymax
	p.X.Tick.Marker = stepTicks(tickStep(xmax))
	p.Y.Tick.Marker = stepTicks(tickStep(ymax))
	entries := []LegendEntry{
		{Text: "parameter", Thumb: glyphThumb{dot}},
		{Text: "σ = μ*", Thumb: LineThumb(diag)},
	}
	lw := 1.4 * vg.Inch
	return Figure{Width: 6.5*vg.Inch + lw, Height: 5.2 * vg.Inch, Draw: WithLegend(p, entries, lw, footnote)}, nil
}

// placedLabels names points, each label placed beside its point where it
// overlaps neither another label nor a point, in order of decreasing x
// (the most influential parameters first): right, left, above, below,
// the corners, then further up or down on either side with a thin
// leader line to its point; where no place is free, the one overlapping
// least. (plotter.Labels puts every label at the same offset, so that
// close points' names overprint.)
type placedLabels struct {
	xys    plotter.XYs
	labels []string
	sty    draw.TextStyle
	r      vg.Length // the points' glyph radius
}

// adjacent is the number of candidates next to their point (no leader).
const adjacent = 8

// candidates are the label boxes' lower-left corners relative to a point,
// for a label w × h: the adjacent places first, then farther ones.
func (l *placedLabels) candidates(w, h vg.Length) []vg.Point {
	g := l.r + vg.Points(2.5)
	out := []vg.Point{
		{X: g, Y: -h / 2}, {X: -g - w, Y: -h / 2}, {X: -w / 2, Y: g}, {X: -w / 2, Y: -g - h},
		{X: g, Y: l.r / 2}, {X: g, Y: -l.r/2 - h}, {X: -g - w, Y: l.r / 2}, {X: -g - w, Y: -l.r/2 - h},
	}
	for k := 1; k <= 8; k++ {
		dy := vg.Length(k) * h
		gx := g + vg.Points(4)*vg.Length(min(k, 3))
		out = append(out, vg.Point{X: gx, Y: -h/2 + dy}, vg.Point{X: gx, Y: -h/2 - dy},
			vg.Point{X: -gx - w, Y: -h/2 + dy}, vg.Point{X: -gx - w, Y: -h/2 - dy})
	}
	return out
}

func (l *placedLabels) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	at := make([]vg.Point, len(l.xys))
	var taken []vg.Rectangle // points, then placed labels
	for k, xy := range l.xys {
		at[k] = vg.Point{X: tx(xy.X), Y: ty(xy.Y)}
		r := vg.Point{X: l.r, Y: l.r}
		taken = append(taken, vg.Rectangle{Min: at[k].Sub(r), Max: at[k].Add(r)})
	}
	order := make([]int, len(l.xys))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(l.xys[b].X, l.xys[a].X) })
	sty := l.sty
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	leader := draw.LineStyle{Color: color.Gray{Y: 0x90}, Width: vg.Points(0.5)}
	for _, k := range order {
		w, h := sty.Width(l.labels[k]), sty.Height(l.labels[k])
		best, bestIdx, bestCost := vg.Rectangle{}, -1, vg.Length(math.Inf(1))
		for i, d := range l.candidates(w, h) {
			box := vg.Rectangle{Min: at[k].Add(d), Max: at[k].Add(d).Add(vg.Point{X: w, Y: h})}
			if !inside(box, c.Rectangle) {
				continue
			}
			var cost vg.Length
			for _, t := range taken {
				cost += overlap(box, t)
			}
			if cost < bestCost {
				best, bestIdx, bestCost = box, i, cost
			}
			if cost == 0 {
				break
			}
		}
		if bestIdx < 0 { // nowhere inside: to the right
			d := l.candidates(w, h)[0]
			best, bestIdx = vg.Rectangle{Min: at[k].Add(d), Max: at[k].Add(d).Add(vg.Point{X: w, Y: h})}, 0
		}
		if bestIdx >= adjacent {
			end := vg.Point{X: max(best.Min.X, min(at[k].X, best.Max.X)), Y: max(best.Min.Y, min(at[k].Y, best.Max.Y))}
			c.StrokeLine2(leader, at[k].X, at[k].Y, end.X, end.Y)
		}
		taken = append(taken, best)
		c.FillText(sty, best.Min, l.labels[k])
	}
}

func (l *placedLabels) DataRange() (xmin, xmax, ymin, ymax float64) { return plotter.XYRange(l.xys) }

// GlyphBoxes reserves room for every label to the right of its point.
func (l *placedLabels) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	bs := make([]plot.GlyphBox, len(l.labels))
	for k, s := range l.labels {
		w, h := l.sty.Width(s), l.sty.Height(s)
		g := l.r + vg.Points(2.5)
		bs[k] = plot.GlyphBox{X: p.X.Norm(l.xys[k].X), Y: p.Y.Norm(l.xys[k].Y),
			Rectangle: vg.Rectangle{Min: vg.Point{X: -l.r, Y: -h / 2}, Max: vg.Point{X: g + w, Y: h / 2}}}
	}
	return bs
}

func inside(b, r vg.Rectangle) bool {
	return b.Min.X >= r.Min.X && b.Min.Y >= r.Min.Y && b.Max.X <= r.Max.X && b.Max.Y <= r.Max.Y
}

// overlap is the area two rectangles share.
func overlap(a, b vg.Rectangle) vg.Length {
	w := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	h := min(a.Max.Y, b.Max.Y) - max(a.Min.Y, b.Min.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}
