package figures

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours and styles of posterior figures: the sample in steel blue, the
// true values in a dark orange that stands out against it, the credible
// interval in dashed black.
var (
	colorPosterior = ColorBlue
	colorTruth     = color.RGBA{R: 0xd9, G: 0x4e, B: 0x0b, A: 0xff}
	truthLine      = draw.LineStyle{Color: colorTruth, Width: vg.Points(1.2)}
	intervalLine   = draw.LineStyle{Color: color.Black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)}}
	truthGlyph     = draw.GlyphStyle{Color: colorTruth, Radius: vg.Points(2.8), Shape: draw.BoxGlyph{}}
)

// credibleMass is the probability of the credible intervals drawn on a
// corner plot's histograms.
const credibleMass = 0.95

// WeightedQuantile is the q-quantile of the weighted sample (x, w): the
// smallest x whose cumulative normalized weight, x sorted increasingly,
// reaches q. Points of zero weight do not count; w == nil weighs every
// point equally. The comparison allows a relative rounding error of 1e-12,
// so that q = 0.5 of four equal weights is the second point, not the
// third. It returns NaN for an empty sample, lengths that differ, a
// negative or non-finite weight, weights summing to zero, a NaN x or a q
// outside [0, 1]. x and w are not modified.
func WeightedQuantile(x, w []float64, q float64) float64 {
	if len(x) == 0 || (w != nil && len(w) != len(x)) || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	idx := make([]int, 0, len(x))
	total := 0.0
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if math.IsNaN(v) || !(wi >= 0) || math.IsInf(wi, 1) {
			return math.NaN()
		}
		if wi > 0 {
			idx = append(idx, i)
			total += wi
		}
	}
	if !(total > 0) || math.IsInf(total, 1) {
		return math.NaN()
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	// Summed in order, the weights may fall short of q·total by rounding
	// at q = 1 (gonum's stat.Quantile then indexes past the end): the
	// target allows for it.
	target := q*total - 1e-12*total
	cum := 0.0
	for _, i := range idx {
		if w == nil {
			cum++
		} else {
			cum += w[i]
		}
		if cum >= target {
			return x[i]
		}
	}
	return x[idx[len(idx)-1]]
}

// Corner draws a corner plot of a weighted posterior sample: samples[i]
// is particle i's vector of len(names) values and weights[i] ≥ 0 its
// weight (nil: equal weights).
//
// The lower triangle of a d × d grid holds, on the diagonal, each
// parameter's weighted marginal histogram over the sample's range (10 to
// 30 bins, about 1.5 √ESS, ESS = (Σw)²/Σw² the effective sample size)
// with its weighted 95% credible interval (the 2.5% and 97.5%
// WeightedQuantile) as dashed lines and in the panel's title ("name:
// [lo, hi]" when every such title fits its panel, else "[lo, hi]"); below the
// diagonal, the pairwise scatter plots, parameter j across and i up in
// row i, column j. In the scatters the weights set the points' areas (in
// proportion to the weight, between a floor and 6.25 times the area of a
// particle of mean weight; zero-weight particles are not drawn), so a
// heavy particle stands out as it counts in the histograms. Names label
// the outer row and column only, wrapped at spaces onto up to three lines
// to fit their panel's width (or height, up the side) and cut with an
// ellipsis past that; they are typeset like every label (T_A has a
// subscript: pass names from files through Literal). Every panel's data
// area has the same size, whatever the names, and the panels are aligned
// in rows and columns; the bottom row's tick labels are slanted when
// they would not fit side by side.
//
// truth, when not nil, has len(names) values (NaN: unknown) marked in
// orange: a vertical line on the histograms, lines and a square at
// (truth_j, truth_i) on the scatters. The axes include the true values.
//
// The figure is about 2.2 in per parameter (at least 4 in) square, with
// the legend in the empty upper triangle (beside the plot when d = 1).
// Corner returns an error, not a picture, when names is empty, there are
// no particles, lengths differ, a value or a weight is not finite, a
// true value is infinite, or the weights are negative or sum to zero.
func Corner(names []string, samples [][]float64, weights []float64, truth []float64, title, footnote string) (Figure, error) {
	f, _, err := corner(names, samples, weights, truth, title, footnote)
	return f, err
}

// corner is Corner, with the grid of its panels for the tests.
func corner(names []string, samples [][]float64, weights []float64, truth []float64, title, footnote string) (Figure, *cornerGrid, error) {
	d, n := len(names), len(samples)
	switch {
	case d == 0:
		return Figure{}, nil, errors.New("figures: a corner plot needs at least one parameter")
	case n == 0:
		return Figure{}, nil, errors.New("figures: a corner plot needs particles")
	case weights != nil && len(weights) != n:
		return Figure{}, nil, fmt.Errorf("figures: %d weights for %d particles", len(weights), n)
	case truth != nil && len(truth) != d:
		return Figure{}, nil, fmt.Errorf("figures: %d true values for %d parameters", len(truth), d)
	}
	for i, s := range samples {
		if len(s) != d {
			return Figure{}, nil, fmt.Errorf("figures: particle %d has %d values for %d parameters", i, len(s), d)
		}
		for k, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Figure{}, nil, fmt.Errorf("figures: particle %d has a non-finite %s", i, Plain(names[k]))
			}
		}
	}
	w := make([]float64, n)
	total := 0.0
	for i := range w {
		w[i] = 1
		if weights != nil {
			w[i] = weights[i]
		}
		if !(w[i] >= 0) || math.IsInf(w[i], 1) {
			return Figure{}, nil, fmt.Errorf("figures: particle %d has weight %v", i, w[i])
		}
		total += w[i]
	}
	if !(total > 0) || math.IsInf(total, 1) {
		return Figure{}, nil, errors.New("figures: the weights sum to zero")
	}
	for k, t := range truth {
		if math.IsInf(t, 0) {
			return Figure{}, nil, fmt.Errorf("figures: the true %s is infinite", Plain(names[k]))
		}
	}
	sumsq := 0.0
	for i := range w {
		w[i] /= total
		sumsq += w[i] * w[i]
	}
	ess := 1 / sumsq

	side := max(4*vg.Inch, 2.2*vg.Inch*vg.Length(d))
	cols := make([][]float64, d) // cols[k][i]: parameter k of particle i
	ranges := make([][2]float64, d)
	for k := range cols {
		cols[k] = make([]float64, n)
		for i, s := range samples {
			cols[k][i] = s[k]
		}
		ranges[k] = axisRange(cols[k], truthAt(truth, k))
	}

	lw := vg.Length(0)
	if d == 1 {
		lw = 1.8 * vg.Inch
	}
	const titleH, footH = 22, 14
	gridH := side
	if footnote != "" {
		gridH -= vg.Points(footH)
	}
	g := &cornerGrid{
		plots: make([][]*plot.Plot, d),
		tiles: draw.Tiles{Rows: d, Cols: d, PadX: vg.Points(8), PadY: vg.Points(6), PadLeft: vg.Points(4), PadRight: vg.Points(8), PadTop: vg.Points(4), PadBottom: vg.Points(2)},
		heads: make([]string, d),
	}
	intervals := make([]string, d)
	for i := range g.plots {
		g.plots[i] = make([]*plot.Plot, d)
		for j := 0; j <= i; j++ {
			p := NewPlot()
			p.Title.TextStyle.Font = Font(cornerTitlePt)
			p.Title.Padding = vg.Points(3)
			for _, a := range []*plot.Axis{&p.X, &p.Y} {
				a.Tick.Label.Font = Font(cornerTickPt)
				a.Label.TextStyle.Font = Font(cornerLabelPt)
				a.Padding = 0
			}
			p.X.Tick.Marker = cornerTicks(i == d-1)
			if i == d-1 {
				// a placeholder of the most lines a name takes, replaced
				// below by the name wrapped to the panels' width
				p.X.Label.Text = cornerPlaceholder
			}
			var err error
			if i == j {
				intervals[i], err = diagonalPanel(p, cols[i], w, ess, truthAt(truth, i))
				p.Title.Text = intervals[i]
			} else {
				p.Y.Tick.Marker = cornerTicks(j == 0)
				if j == 0 {
					p.Y.Label.Text = cornerPlaceholder
				}
				err = scatterPanel(p, cols[j], cols[i], w, truthAt(truth, j), truthAt(truth, i), ranges[j], ranges[i])
				// after Add, which widens the axes to the data
				p.Y.Min, p.Y.Max = ranges[i][0], ranges[i][1]
			}
			if err != nil {
				return Figure{}, nil, err
			}
			p.X.Min, p.X.Max = ranges[j][0], ranges[j][1]
			if i == d-1 && j > 0 {
				p.Add(cornerTickRoom{})
			}
			g.plots[i][j] = p
		}
	}

	// The layout of the grid's rectangle, as Draw crops it, with every
	// name in the placeholder's lines: the panels' data areas are at least
	// that wide and high once the names are wrapped into them.
	grid := draw.Canvas{Rectangle: vg.Rectangle{Min: vg.Point{Y: side - gridH}, Max: vg.Point{X: side, Y: side}}}
	g.rect = grid.Rectangle
	width, _ := g.dataSize(g.align(grid))
	fit := width - vg.Points(4)
	for j := range d {
		if rotateTicks(ranges[j], fit) {
			x := &g.plots[d-1][j].X
			x.Tick.Label.Rotation = math.Pi / 4
			x.Tick.Label.XAlign, x.Tick.Label.YAlign = draw.XRight, draw.YCenter
		}
	}
	// The diagonals are headed by "name: [lo, hi]" when every one fits on
	// a line, else by the interval alone (the names are on the outer axes).
	titleFont := Font(cornerTitlePt)
	named := true
	for i := range d {
		g.heads[i] = names[i] + ": " + intervals[i]
		if wd, _, _ := handler.Box(g.heads[i], titleFont); wd > fit {
			named = false
		}
	}
	for i := range d {
		if !named {
			g.heads[i] = cornerWrap(intervals[i], titleFont, fit, 2)
		}
		// The title reserves the head's lines above the panel; draw
		// writes the head centred over the data area, where gonum would
		// centre it over the panel's whole canvas, margins included.
		g.plots[i][i].Title.Text = g.heads[i]
	}
	width, height := g.dataSize(g.align(grid))
	labelFont := Font(cornerLabelPt)
	for k := range d {
		g.plots[d-1][k].X.Label.Text = cornerWrap(names[k], labelFont, width-vg.Points(4), cornerLabelLines)
		if k > 0 {
			g.plots[k][0].Y.Label.Text = cornerWrap(names[k], labelFont, height-vg.Points(4), cornerLabelLines)
		}
	}

	entries := []LegendEntry{
		{Text: "posterior sample", Thumb: Swatch{Color: histFill}},
		{Text: "95% credible interval", Thumb: LineThumb(intervalLine)},
	}
	if hasTruth(truth) {
		entries = append(entries, LegendEntry{Text: "truth", Thumb: LineThumb(truthLine)})
	}
	detail := fmt.Sprintf("N = %d particles", n)
	if weights != nil {
		detail += fmt.Sprintf(", ESS = %.0f", ess)
	}
	entries = append(entries, LegendEntry{Text: detail, Thumb: blankThumb{}})

	return Figure{Width: side + lw, Height: side + vg.Points(titleH), Draw: func(c draw.Canvas) {
		fill(c, color.White)
		head := TextStyle(11, color.Black)
		head.XAlign, head.YAlign = draw.XCenter, draw.YTop
		c.FillText(head, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(5)}, title)
		body := draw.Crop(c, 0, 0, 0, -vg.Points(titleH))
		if footnote != "" {
			drawFootnote(c, footnote)
			body = draw.Crop(body, 0, 0, vg.Points(footH), 0)
		}
		canvases := g.align(draw.Crop(body, 0, -lw, 0, 0))
		g.draw(canvases)
		area := draw.Crop(body, body.Max.X-body.Min.X-lw+vg.Points(8), 0, 0, 0)
		if d > 1 {
			// the empty upper triangle, right of the first column
			area = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: canvases[0][1].Min.X + vg.Points(12), Y: body.Min.Y},
				Max: vg.Point{X: body.Max.X, Y: canvases[0][0].Max.Y},
			}}
		}
		l := legend(entries, vg.Points(4))
		l.Draw(area)
	}}, g, nil
}

// Sizes (points) of a corner plot's texts, and the most lines of a name.
const (
	cornerTitlePt    = 9
	cornerTickPt     = 8
	cornerLabelPt    = 10
	cornerLabelLines = 3
)

// cornerPlaceholder stands for a name of the most lines while the grid is
// laid out, before the names are wrapped.
var cornerPlaceholder = cornerStandIn(cornerLabelLines)

// cornerStandIn is a label of n lines of one letter.
func cornerStandIn(n int) string { return strings.Repeat("M\n", n-1) + "M" }

// cornerGrid is the lower triangle of a corner plot: plots[i][j], j ≤ i
// (nil above the diagonal), laid out in tiles, and the heads of the
// diagonal panels.
type cornerGrid struct {
	plots [][]*plot.Plot
	tiles draw.Tiles
	heads []string
	rect  vg.Rectangle // where Draw lays the grid out
}

// align lays the grid out in c with plot.Align, which gives every panel
// a data area of the same size, aligned in rows and columns: the margins
// of a column are the widest any of its panels needs (tick and axis
// labels), those of a row the highest.
//
// Align measures each panel's margins once, in its tile cropped to the
// largest margins of its row and column, a data area smaller than the
// final one, and assumes they do not depend on the panel's size. They do
// not while the axis labels fit the data area: gonum then reserves the
// labels' lines, whatever their lengths. A name wrapped to the final
// width may not fit the smaller area, where gonum would shrink the panel
// to make room for it and throw the grid off; so Align is given copies
// of the panels with stand-in labels of as many lines, one letter wide. Tick labels past the ends of an axis are left, whose
// overhang shrinks a little as the axis widens: a few corrections move
// the data areas onto the common grid lines exactly.
func (g *cornerGrid) align(c draw.Canvas) [][]draw.Canvas {
	stand := make([][]*plot.Plot, len(g.plots))
	for i, row := range g.plots {
		stand[i] = make([]*plot.Plot, len(row))
		for j, p := range row {
			if p == nil {
				continue
			}
			s := *p // the plotters shared, not modified
			for _, t := range []*string{&s.X.Label.Text, &s.Y.Label.Text} {
				if *t != "" {
					*t = cornerStandIn(strings.Count(*t, "\n") + 1)
				}
			}
			stand[i][j] = &s
		}
	}
	cs := plot.Align(stand, g.tiles, c)
	d := len(g.plots)
	for range 3 {
		dc := g.dataCanvases(cs)
		// the grid lines: the mean edges of each column and row
		left, right := make([]vg.Length, d), make([]vg.Length, d)
		bottom, top := make([]vg.Length, d), make([]vg.Length, d)
		for k := range d {
			var nc, nr vg.Length
			for i := k; i < d; i++ { // column k
				left[k] += dc[i][k].Min.X
				right[k] += dc[i][k].Max.X
				nc++
			}
			for j := 0; j <= k; j++ { // row k
				bottom[k] += dc[k][j].Min.Y
				top[k] += dc[k][j].Max.Y
				nr++
			}
			left[k], right[k] = left[k]/nc, right[k]/nc
			bottom[k], top[k] = bottom[k]/nr, top[k]/nr
		}
		// all of one size: the mean width and height
		var wd, ht vg.Length
		for k := range d {
			wd += right[k] - left[k]
			ht += top[k] - bottom[k]
		}
		wd, ht = wd/vg.Length(d), ht/vg.Length(d)
		moved := false
		for i := range d {
			for j := 0; j <= i; j++ {
				x0 := (left[j]+right[j])/2 - wd/2
				y0 := (bottom[i]+top[i])/2 - ht/2
				r := dc[i][j].Rectangle
				dl, dr := x0-r.Min.X, x0+wd-r.Max.X
				db, dt := y0-r.Min.Y, y0+ht-r.Max.Y
				if max(cornerAbs(dl), cornerAbs(dr), cornerAbs(db), cornerAbs(dt)) > vg.Points(0.01) {
					moved = true
				}
				cs[i][j].Min.X += dl
				cs[i][j].Max.X += dr
				cs[i][j].Min.Y += db
				cs[i][j].Max.Y += dt
			}
		}
		if !moved {
			break
		}
	}
	return cs
}

func cornerAbs(x vg.Length) vg.Length { return vg.Length(math.Abs(float64(x))) }

// dataCanvases are the data areas of the grid's plots laid out in cs.
func (g *cornerGrid) dataCanvases(cs [][]draw.Canvas) [][]draw.Canvas {
	dc := make([][]draw.Canvas, len(g.plots))
	for i, row := range g.plots {
		dc[i] = make([]draw.Canvas, len(row))
		for j, p := range row {
			if p != nil {
				dc[i][j] = p.DataCanvas(cs[i][j])
			}
		}
	}
	return dc
}

// dataSize is the least width and height of the data areas laid out in
// cs.
func (g *cornerGrid) dataSize(cs [][]draw.Canvas) (width, height vg.Length) {
	width, height = vg.Length(math.Inf(1)), vg.Length(math.Inf(1))
	for i, row := range g.dataCanvases(cs) {
		for j := 0; j <= i; j++ {
			s := row[j].Size()
			width, height = min(width, s.X), min(height, s.Y)
		}
	}
	return width, height
}

// draw draws the grid's plots into the canvases cs, and the diagonal
// panels' heads centred over their data areas in the room their titles
// reserve.
func (g *cornerGrid) draw(cs [][]draw.Canvas) {
	for i, row := range g.plots {
		for j := 0; j < i; j++ {
			row[j].Draw(cs[i][j])
		}
		p, c := row[i], cs[i][i]
		dc := p.DataCanvas(c)
		sty := p.Title.TextStyle
		c.FillText(sty, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: c.Max.Y + sty.FontExtents().Descent}, g.heads[i])
		room := sty.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		s := *p
		s.Title.Text = ""
		s.Draw(draw.Crop(c, 0, 0, 0, -room))
	}
}

// histFill fills the marginal histograms.
var histFill = color.RGBA{R: 0xb4, G: 0xcd, B: 0xe1, A: 0xff}

// diagonalPanel draws parameter x's histogram of weights w (normalized,
// ess their effective sample size) into p, with its credible interval
// and true value t (NaN: none). It returns the interval, "[lo, hi]".
func diagonalPanel(p *plot.Plot, x, w []float64, ess, t float64) (string, error) {
	lo, hi := slices.Min(x), slices.Max(x)
	nb := min(30, max(10, int(math.Round(1.5*math.Sqrt(ess)))))
	if lo == hi {
		// an odd number of bins centres the one value in one
		lo, hi = degenerate(lo)
		nb = 11
	}
	width := (hi - lo) / float64(nb)
	bins := make([]plotter.HistogramBin, nb)
	for b := range bins {
		bins[b].Min, bins[b].Max = lo+float64(b)*width, lo+float64(b+1)*width
	}
	for i, v := range x {
		b := min(nb-1, max(0, int((v-lo)/width)))
		bins[b].Weight += w[i]
	}
	bins[nb-1].Max = hi
	top := 0.0
	for _, b := range bins {
		top = math.Max(top, b.Weight)
	}
	h := &plotter.Histogram{Bins: bins, Width: width, FillColor: histFill,
		LineStyle: draw.LineStyle{Color: colorPosterior, Width: vg.Points(0.7)}}
	p.Add(h)
	p.HideY()
	yr := [2]float64{0, 1.08 * top}
	qlo := WeightedQuantile(x, w, (1-credibleMass)/2)
	qhi := WeightedQuantile(x, w, 1-(1-credibleMass)/2)
	for _, q := range []float64{qlo, qhi} {
		if err := vline(p, q, yr, intervalLine); err != nil {
			return "", err
		}
	}
	if !math.IsNaN(t) {
		if err := vline(p, t, yr, truthLine); err != nil {
			return "", err
		}
	}
	p.Y.Min, p.Y.Max = yr[0], yr[1]
	return "[" + formatSig(qlo) + ", " + formatSig(qhi) + "]", nil
}

// scatterPanel draws the particles (x, y) into p, their areas in
// proportion to their weights w (normalized), and the true value
// (tx, ty), either of which may be NaN, as lines across the axes' ranges
// xr and yr.
func scatterPanel(p *plot.Plot, x, y, w []float64, tx, ty float64, xr, yr [2]float64) error {
	var pts plotter.XYs
	var ws []float64
	for i := range x {
		if w[i] > 0 {
			pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
			ws = append(ws, w[i])
		}
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	// r is the radius of a particle of the mean weight 1/len(x).
	r, alpha := vg.Points(2), uint8(0xc0)
	switch {
	case len(x) > 2000:
		r, alpha = vg.Points(1.1), 0x70
	case len(x) > 200:
		r, alpha = vg.Points(1.5), 0x90
	}
	col := color.NRGBA{R: colorPosterior.R, G: colorPosterior.G, B: colorPosterior.B, A: alpha}
	n := float64(len(x))
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		ri := min(2.5*r, max(vg.Points(0.5), r*vg.Length(math.Sqrt(ws[i]*n))))
		return draw.GlyphStyle{Color: col, Radius: ri, Shape: draw.CircleGlyph{}}
	}
	p.Add(s)
	if !math.IsNaN(tx) {
		if err := vline(p, tx, yr, truthLine); err != nil {
			return err
		}
	}
	if !math.IsNaN(ty) {
		l, err := plotter.NewLine(plotter.XYs{{X: xr[0], Y: ty}, {X: xr[1], Y: ty}})
		if err != nil {
			return err
		}
		l.LineStyle = truthLine
		p.Add(l)
	}
	if !math.IsNaN(tx) && !math.IsNaN(ty) {
		m, err := plotter.NewScatter(plotter.XYs{{X: tx, Y: ty}})
		if err != nil {
			return err
		}
		m.GlyphStyle = truthGlyph
		p.Add(m)
	}
	return nil
}

// vline adds a vertical line at x across the y range yr.
func vline(p *plot.Plot, x float64, yr [2]float64, sty draw.LineStyle) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: yr[0]}, {X: x, Y: yr[1]}})
	if err != nil {
		return err
	}
	l.LineStyle = sty
	p.Add(l)
	return nil
}

// axisRange is the range of the values and the true value t (NaN: none),
// padded by 4% on each side.
func axisRange(x []float64, t float64) [2]float64 {
	lo, hi := slices.Min(x), slices.Max(x)
	if !math.IsNaN(t) {
		lo, hi = math.Min(lo, t), math.Max(hi, t)
	}
	if lo == hi {
		lo, hi = degenerate(lo)
	}
	pad := 0.04 * (hi - lo)
	return [2]float64{lo - pad, hi + pad}
}

// degenerate widens the one-point range [v, v].
func degenerate(v float64) (lo, hi float64) {
	dv := 0.5
	if v != 0 {
		dv = 0.1 * math.Abs(v)
	}
	return v - dv, v + dv
}

func truthAt(truth []float64, k int) float64 {
	if truth == nil {
		return math.NaN()
	}
	return truth[k]
}

func hasTruth(truth []float64) bool {
	for _, t := range truth {
		if !math.IsNaN(t) {
			return true
		}
	}
	return false
}

// cornerTicks is gonum's default ticker (about three labels), its labels
// blanked on the inner panels of a grid.
func cornerTicks(labelled bool) plot.Ticker {
	if labelled {
		return plot.DefaultTicks{}
	}
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := plot.DefaultTicks{}.Ticks(min, max)
		for i := range ts {
			ts[i].Label = ""
		}
		return ts
	})
}

// rotateTicks reports whether the tick labels over r are too wide to sit
// side by side in a data area of the given width.
func rotateTicks(r [2]float64, width vg.Length) bool {
	var total vg.Length
	for _, t := range (plot.DefaultTicks{}).Ticks(r[0], r[1]) {
		if t.Label != "" {
			wd, _, _ := handler.Box(t.Label, Font(8))
			total += wd + vg.Points(8)
		}
	}
	return total > width
}

// cornerWrap breaks s at its spaces into lines no wider than width in
// font fnt, splitting a word wider than a line (never inside a subscript,
// an escaped underscore or a letter and its accents). Past maxLines lines
// the text is cut with an ellipsis on the last line.
func cornerWrap(s string, fnt font.Font, width vg.Length, maxLines int) string {
	wd := func(t string) vg.Length {
		w, _, _ := handler.Box(t, fnt)
		return w
	}
	if wd(s) <= width || maxLines < 1 {
		return s
	}
	type line struct {
		s    string
		cont bool // the next line continues this line's last word
	}
	var lines []line
	cur := ""
	for _, word := range strings.Fields(s) {
		if cur != "" && wd(cur+" "+word) <= width {
			cur += " " + word
			continue
		}
		if cur != "" {
			lines = append(lines, line{s: cur})
		}
		for wd(word) > width {
			atoms := cornerAtoms(word)
			k := 1
			for k < len(atoms) && wd(strings.Join(atoms[:k+1], "")) <= width {
				k++
			}
			if k == len(atoms) {
				break
			}
			// rather after an underscore, a hyphen or a slash in the
			// line's second half (tiktok\_refugees\_ | switching)
			for b := k; b > k/2; b-- {
				if a := atoms[b-1]; a == `\_` || a == "-" || a == "/" {
					k = b
					break
				}
			}
			lines = append(lines, line{s: strings.Join(atoms[:k], ""), cont: true})
			word = strings.Join(atoms[k:], "")
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, line{s: cur})
	}
	if len(lines) > maxLines {
		rest := ""
		for k, l := range lines[maxLines-1:] {
			if k > 0 && !lines[maxLines-2+k].cont {
				rest += " "
			}
			rest += l.s
		}
		atoms := cornerAtoms(rest)
		cut := func() string {
			return strings.TrimRight(strings.Join(atoms, ""), " ,;:-–—(→") + "…"
		}
		for len(atoms) > 1 && wd(cut()) > width {
			atoms = atoms[:len(atoms)-1]
		}
		// rather at a space, unless that leaves most of the line empty
		full := wd(cut())
		for b := len(atoms) - 1; b > 0; b-- {
			if atoms[b] == " " {
				if kept := atoms[:b]; wd(strings.Join(kept, "")+"…") >= 0.6*full {
					atoms = kept
				}
				break
			}
		}
		lines = append(lines[:maxLines-1], line{s: cut()})
	}
	out := make([]string, len(lines))
	for k, l := range lines {
		out[k] = l.s
	}
	return strings.Join(out, "\n")
}

// cornerAtoms splits s into the pieces a line may break between: a
// letter with its combining marks and its subscript (_A, _{AB}), an
// escaped underscore, or another character.
func cornerAtoms(s string) []string {
	var atoms []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		switch {
		case r == '\\' && j < len(s) && s[j] == '_':
			j++
		case r == '_' && len(atoms) > 0 && j < len(s):
			if s[j] == '{' {
				if k := strings.IndexByte(s[j:], '}'); k > 0 {
					j += k + 1
				}
			} else {
				_, m := utf8.DecodeRuneInString(s[j:])
				j += m
			}
			atoms[len(atoms)-1] += s[i:j]
			i = j
			continue
		}
		for j < len(s) {
			r, m := utf8.DecodeRuneInString(s[j:])
			if !unicode.Is(unicode.Mn, r) {
				break
			}
			j += m
		}
		atoms = append(atoms, s[i:j])
		i = j
	}
	return atoms
}

// cornerTickRoom makes room in a panel's canvas for its x tick labels
// past the left end of the axis, where they would run into the panel on
// the left: gonum reserves the room they need past the right end only,
// the left being the y axis's, whose labels the inner columns have not.
type cornerTickRoom struct{}

// Plot implements plot.Plotter: the room is empty.
func (cornerTickRoom) Plot(draw.Canvas, *plot.Plot) {}

// GlyphBoxes implements plot.GlyphBoxer: the widths of the x tick labels
// (no height, so that they take no room above or below).
func (cornerTickRoom) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.Label == "" || t.IsMinor() {
			continue
		}
		r := p.X.Tick.Label.Rectangle(t.Label)
		boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(t.Value), Rectangle: vg.Rectangle{
			Min: vg.Point{X: r.Min.X}, Max: vg.Point{X: r.Max.X},
		}})
	}
	return boxes
}

// formatSig formats v with three significant digits.
func formatSig(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
