package figures

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatGrid is a map of values over two swept parameters: Z[j][i] is the
// value at (X[i], Y[j]); NaN marks a missing cell. X and Y increase.
// Hatch, when not nil, has Z's shape and marks the cells drawn hatched:
// those whose simulation disagrees with the analytic outcome.
type HeatGrid struct {
	X, Y  []float64
	Z     [][]float64
	Hatch [][]bool
}

// Hatched counts the hatched cells.
func (g HeatGrid) Hatched() int {
	n := 0
	for _, row := range g.Hatch {
		for _, h := range row {
			if h {
				n++
			}
		}
	}
	return n
}

// hatchStyle draws the hatching: thin black diagonals, visible over red
// and green alike.
var hatchStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(0.6)}

// hatchSpacing is the distance between hatching lines.
const hatchSpacing = vg.Length(5)

// hatch strokes diagonals (slope 1) across the rectangle [x0, x1]×[y0, y1],
// clipped to it.
func hatch(c draw.Canvas, x0, x1, y0, y1 vg.Length) {
	w, h := x1-x0, y1-y0
	// Lines x − y = d for d from −h to w, clipped to the rectangle.
	for d := -h + hatchSpacing/2; d < w; d += hatchSpacing {
		ax, ay := max(d, 0), max(-d, 0) // entry on the bottom or left edge
		bx, by := min(w, h+d), min(h, w-d)
		c.StrokeLine2(hatchStyle, x0+ax, y0+ay, x0+bx, y0+by)
	}
}

// hatchThumb is the legend's sample of a hatched cell.
type hatchThumb struct{}

func (hatchThumb) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(color.RGBA{R: 0xcc, G: 0xcc, B: 0xcc, A: 0xff}, rectPts(c.Min.X, c.Min.Y, c.Max.X, c.Max.Y))
	hatch(*c, c.Min.X, c.Max.X, c.Min.Y, c.Max.Y)
}

// CurveLine is a threshold curve drawn over a heatmap, already sampled.
type CurveLine struct {
	Label  string
	Dashed bool
	Color  color.Color // nil: black
	Pieces []plotter.XYs
}

// FreqColor maps a frequency of A in [0, 1] to the paper's colour bar:
// red (defection) through brown to green (cooperation).
func FreqColor(z float64) color.RGBA {
	z = math.Max(0, math.Min(1, z))
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + z*(float64(b)-float64(a)))) }
	r, g := ColorDefection, ColorCooperation
	return color.RGBA{R: mix(r.R, g.R), G: mix(r.G, g.G), B: mix(r.B, g.B), A: 0xff}
}

// edges returns cell boundaries around increasing centres: midpoints
// inside, half a spacing beyond the ends.
func edges(c []float64) []float64 {
	e := make([]float64, len(c)+1)
	if len(c) == 1 {
		e[0], e[1] = c[0]-0.5, c[0]+0.5
		return e
	}
	for i := 1; i < len(c); i++ {
		e[i] = (c[i-1] + c[i]) / 2
	}
	e[0] = c[0] - (c[1]-c[0])/2
	e[len(c)] = c[len(c)-1] + (c[len(c)-1]-c[len(c)-2])/2
	return e
}

// heatCells draws the grid as filled rectangles (crisp in PNG and SVG).
type heatCells struct{ g HeatGrid }

func (h heatCells) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	xe, ye := edges(h.g.X), edges(h.g.Y)
	for j := range h.g.Y {
		for i := range h.g.X {
			z := h.g.Z[j][i]
			col := color.RGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}
			if !math.IsNaN(z) {
				col = FreqColor(z)
			}
			x0, x1, y0, y1 := tx(xe[i]), tx(xe[i+1]), ty(ye[j]), ty(ye[j+1])
			// overlap neighbours by a hair so no seams show
			c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1 + 0.3}, {X: x1 + 0.3, Y: y1 + 0.3}, {X: x1 + 0.3, Y: y0}})
		}
	}
	for j := range h.g.Hatch {
		for i, on := range h.g.Hatch[j] {
			if on {
				hatch(c, tx(xe[i]), tx(xe[i+1]), ty(ye[j]), ty(ye[j+1]))
			}
		}
	}
}

func (h heatCells) DataRange() (xmin, xmax, ymin, ymax float64) {
	xe, ye := edges(h.g.X), edges(h.g.Y)
	return xe[0], xe[len(xe)-1], ye[0], ye[len(ye)-1]
}

// Heatmap draws the mean final frequency of A over two parameters, the
// threshold curves on top and a red→green colour bar; hatched cells (see
// HeatGrid) get a legend entry.
// An inset, when not nil, is drawn in the plot's upper left with its
// zoom box and the lines that join them (see Inset).
func Heatmap(title, xlabel, ylabel string, g HeatGrid, curves []CurveLine, zeroLine bool, footnote string, inset *Inset) (Figure, error) {
	if len(g.X) == 0 || len(g.Y) == 0 || len(g.Z) != len(g.Y) {
		return Figure{}, errors.New("figures: empty heatmap")
	}
	p := NewPlot()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	cells := heatCells{g}
	p.Add(cells)
	xmin, xmax, ymin, ymax := cells.DataRange()
	var entries []LegendEntry
	if zeroLine {
		sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: ymin}, {X: 0, Y: ymax}})
		if err != nil {
			return Figure{}, err
		}
		l.LineStyle = sty
		p.Add(l)
		entries = append(entries, LegendEntry{Text: "T_A = T_B", Thumb: LineThumb(sty)})
	}
	for _, cv := range curves {
		sty := curveStyle(cv.Dashed)
		sty.Width = vg.Points(2)
		if cv.Color != nil {
			sty.Color = cv.Color
		}
		if err := addLines(p, cv.Pieces, sty); err != nil {
			return Figure{}, err
		}
		entries = append(entries, LegendEntry{Text: cv.Label, Thumb: LineThumb(sty)})
	}
	if n := g.Hatched(); n > 0 {
		entries = append(entries, LegendEntry{Text: "disagrees with theory", Thumb: hatchThumb{}})
	}
	if inset != nil {
		ip, err := inset.plotter()
		if err != nil {
			return Figure{}, err
		}
		p.Add(ip)
		entries = append(entries, LegendEntry{Text: inset.Label, Thumb: insetThumb{}})
		if inset.Marker != nil {
			entries = append(entries, LegendEntry{Text: inset.MarkerLabel, Thumb: ip.marker})
		}
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	p.X.Tick.Marker = stepTicks(tickStep(xmax - xmin))
	p.Y.Tick.Marker = stepTicks(tickStep(ymax - ymin))
	legend := WithLegend(p, entries, 2.4*vg.Inch, footnote)
	return Figure{Width: 7.6 * vg.Inch, Height: 5 * vg.Inch, Draw: func(c draw.Canvas) {
		legend(c)
		drawColorBar(c)
	}}, nil
}

// drawColorBar draws the frequency colour bar at the bottom of the legend
// column.
func drawColorBar(c draw.Canvas) {
	x0 := c.Max.X - 2.4*vg.Inch + vg.Points(12)
	y0 := c.Min.Y + vg.Points(70)
	w, h := vg.Points(16), vg.Points(170)
	const steps = 100
	for k := range steps {
		ya := y0 + h*vg.Length(k)/steps
		yb := y0 + h*vg.Length(k+1)/steps + 0.3
		c.FillPolygon(FreqColor((float64(k)+0.5)/steps), []vg.Point{{X: x0, Y: ya}, {X: x0, Y: yb}, {X: x0 + w, Y: yb}, {X: x0 + w, Y: ya}})
	}
	c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 0x40}, Width: vg.Points(0.6)}, rectPts(x0, y0, x0+w, y0+h))
	sty := TextStyle(8, color.Black)
	sty.YAlign = draw.YCenter
	for _, v := range []float64{0, 0.2, 0.4, 0.6, 0.8, 1} {
		y := y0 + h*vg.Length(v)
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(0.6)}, x0+w, y, x0+w+vg.Points(3), y)
		c.FillText(sty, vg.Point{X: x0 + w + vg.Points(5), Y: y}, formatTick(v))
	}
	lab := TextStyle(9, color.Black)
	lab.Rotation = math.Pi / 2
	lab.XAlign, lab.YAlign = draw.XCenter, draw.YTop
	c.FillText(lab, vg.Point{X: x0 + w + vg.Points(38), Y: y0 + h/2}, "Final cooperator frequency")
}

func formatTick(v float64) string {
	return []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}[int(math.Round(v*5))]
}

// Inset is a finer heatmap drawn inside a coarser one, as the paper's
// Figure 4b draws its inset: a box on the coarse map marks the inset's
// range, lines join the box to the inset, and the inset shows its own
// cells, threshold curves and an optional × marker. Its axes are those
// of the map it is drawn in.
type Inset struct {
	Grid        HeatGrid
	Curves      []CurveLine
	Marker      *plotter.XY // nil: no marker
	MarkerLabel string
	Label       string // the legend's line for the inset
	// Place is where the inset sits, as fractions of the plot's data
	// area: x0, x1, y0, y1 (zero: the upper-left area, as in the paper).
	Place [4]float64
}

// insetPlace is the paper's placement of the 4b inset: the upper-left
// third of the plot.
var insetPlace = [4]float64{0.01, 0.37, 0.56, 0.99}

// insetLine draws the inset's frame, its zoom box and the joining lines.
var insetLine = draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}

// insetPlotter draws an Inset in its host plot's data canvas.
type insetPlotter struct {
	in     *Inset
	p      *plot.Plot // the inset's own plot: cells, curves, marker
	marker *plotter.Scatter
}

func (in *Inset) plotter() (*insetPlotter, error) {
	if len(in.Grid.X) == 0 || len(in.Grid.Y) == 0 {
		return nil, errors.New("figures: empty inset")
	}
	p := NewPlot()
	p.HideAxes()
	p.X.Padding, p.Y.Padding = 0, 0
	cells := heatCells{in.Grid}
	p.Add(cells)
	for _, cv := range in.Curves {
		sty := curveStyle(cv.Dashed)
		sty.Width = vg.Points(1.6)
		if cv.Color != nil {
			sty.Color = cv.Color
		}
		if err := addLines(p, cv.Pieces, sty); err != nil {
			return nil, err
		}
	}
	ip := &insetPlotter{in: in, p: p}
	if in.Marker != nil {
		sc, err := plotter.NewScatter(plotter.XYs{*in.Marker})
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3.5), Shape: crossGlyph{}}
		p.Add(sc)
		ip.marker = sc
	}
	// The cells fill the inset; curves beyond them are clipped.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cells.DataRange()
	return ip, nil
}

// Plot draws the zoom box and joining lines on the host, then the inset.
func (ip *insetPlotter) Plot(c draw.Canvas, host *plot.Plot) {
	tx, ty := host.Transforms(&c)
	xmin, xmax, ymin, ymax := heatCells{ip.in.Grid}.DataRange()
	box := vg.Rectangle{Min: vg.Point{X: tx(xmin), Y: ty(ymin)}, Max: vg.Point{X: tx(xmax), Y: ty(ymax)}}
	place := ip.in.Place
	if place == [4]float64{} {
		place = insetPlace
	}
	w, h := c.Max.X-c.Min.X, c.Max.Y-c.Min.Y
	at := vg.Rectangle{
		Min: vg.Point{X: c.Min.X + w*vg.Length(place[0]), Y: c.Min.Y + h*vg.Length(place[2])},
		Max: vg.Point{X: c.Min.X + w*vg.Length(place[1]), Y: c.Min.Y + h*vg.Length(place[3])},
	}
	c.StrokeLines(insetLine, rectPts(box.Min.X, box.Min.Y, box.Max.X, box.Max.Y))
	// The box's upper corners join the inset's lower ones.
	c.StrokeLine2(insetLine, box.Min.X, box.Max.Y, at.Min.X, at.Min.Y)
	c.StrokeLine2(insetLine, box.Max.X, box.Max.Y, at.Max.X, at.Min.Y)
	ip.p.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: at})
	c.StrokeLines(insetLine, rectPts(at.Min.X, at.Min.Y, at.Max.X, at.Max.Y))
}

// crossGlyph is the inset's ×: two diagonals, stroked at 1.4 pt.
type crossGlyph struct{}

func (crossGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	ls := draw.LineStyle{Color: sty.Color, Width: vg.Points(1.4)}
	r := sty.Radius
	c.StrokeLine2(ls, pt.X-r, pt.Y-r, pt.X+r, pt.Y+r)
	c.StrokeLine2(ls, pt.X-r, pt.Y+r, pt.X+r, pt.Y-r)
}

// insetThumb is the legend's sample of an inset: a small framed square.
type insetThumb struct{}

func (insetThumb) Thumbnail(c *draw.Canvas) {
	c.StrokeLines(insetLine, rectPts(c.Min.X+1, c.Min.Y+1, c.Max.X-1, c.Max.Y-1))
}
