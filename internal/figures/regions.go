package figures

import (
	"errors"
	"image"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/model"
)

// Outside marks a cell of a phase diagram whose parameters lie outside
// their domain; it is drawn white.
const Outside = 255

// CurveSamples is the number of x values at which the curves of a phase
// diagram are sampled, ends included.
const CurveSamples = 2001

// PhaseAxis is one axis of a phase diagram.
type PhaseAxis struct {
	Label    string // e.g. "Vertical transmission rate, v"
	Min, Max float64
}

// PhaseCurve is a threshold drawn over a phase diagram: its y as a
// function of x (NaN or ±Inf where undefined), which the figure samples.
type PhaseCurve struct {
	Label  string // legend text, e.g. "γ_1 (β_3 = 0)"
	Name   string // written beside the curve on the plot, e.g. "γ_1"; "" for none
	Dashed bool
	Y      func(x float64) float64
}

// PhaseDiagram is a computed region map: the outcome of MODEL.md §4 at
// the centre of each of NX × NY cells.
type PhaseDiagram struct {
	Title  string
	X, Y   PhaseAxis
	NX, NY int
	// Cells is row-major from the lowest y: Cells[j*NX+i] is a
	// model.Outcome, or Outside.
	Cells    []uint8
	Curves   []PhaseCurve
	ZeroLine bool // a thin dashed vertical line at x = 0 (T_A = T_B)
}

// count returns how many cells each outcome covers.
func (d PhaseDiagram) count(o model.Outcome) int {
	n := 0
	for _, c := range d.Cells {
		if c == uint8(o) {
			n++
		}
	}
	return n
}

// curveLines samples a curve along x and splits it into drawable pieces:
// breaks where it is undefined, and where it jumps across the whole y
// range between two samples (a pole, not a steep stretch).
func (d PhaseDiagram) curveLines(c PhaseCurve) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	span := d.Y.Max - d.Y.Min
	for k := range CurveSamples {
		x := d.X.Min + float64(k)*(d.X.Max-d.X.Min)/(CurveSamples-1)
		y := c.Y(x)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		if n := len(cur); n > 0 {
			prev := cur[n-1].Y
			if (prev > d.Y.Max+span && y < d.Y.Min-span) || (prev < d.Y.Min-span && y > d.Y.Max+span) {
				if n > 1 {
					out = append(out, cur)
				}
				cur = nil
			}
		}
		// Clamp far-away values so clipping stays numerically tame.
		cur = append(cur, plotter.XY{X: x, Y: math.Max(d.Y.Min-10*span, math.Min(d.Y.Max+10*span, y))})
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// image renders the cells, one pixel each, top row = highest y.
func (d PhaseDiagram) image() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, d.NX, d.NY))
	for j := range d.NY {
		for i := range d.NX {
			c := d.Cells[j*d.NX+i]
			col := color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
			if c != Outside {
				col = OutcomeColor(model.Outcome(c))
			}
			img.SetRGBA(i, d.NY-1-j, col)
		}
	}
	return img
}

// Line styles of threshold curves: solid or dashed, black.
func curveStyle(dashed bool) draw.LineStyle {
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(1.4)}
	if dashed {
		sty.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	}
	return sty
}

// Figure draws the phase diagram with its curves, a legend naming the
// outcomes present and the curves, and a footnote.
func (d PhaseDiagram) Figure(footnote string) (Figure, error) {
	if d.NX <= 0 || d.NY <= 0 || len(d.Cells) != d.NX*d.NY {
		return Figure{}, errors.New("figures: phase diagram cells do not match its size")
	}
	p := NewPlot()
	p.Title.Text = d.Title
	p.X.Label.Text = d.X.Label
	p.Y.Label.Text = d.Y.Label
	p.Add(plotter.NewImage(d.image(), d.X.Min, d.Y.Min, d.X.Max, d.Y.Max))
	taken := &labelSpace{}
	p.Add(&regionLabels{d: d, taken: taken})
	var entries []LegendEntry
	for _, o := range model.Outcomes {
		if d.count(o) > 0 {
			entries = append(entries, LegendEntry{Text: OutcomeLabel(o), Thumb: Swatch{OutcomeColor(o)}})
		}
	}
	if d.ZeroLine {
		sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: d.Y.Min}, {X: 0, Y: d.Y.Max}})
		if err != nil {
			return Figure{}, err
		}
		l.LineStyle = sty
		p.Add(l)
		entries = append(entries, LegendEntry{Text: "T_A = T_B", Thumb: LineThumb(sty)})
	}
	for _, c := range d.Curves {
		sty := curveStyle(c.Dashed)
		if err := addLines(p, d.curveLines(c), sty); err != nil {
			return Figure{}, err
		}
		entries = append(entries, LegendEntry{Text: c.Label, Thumb: LineThumb(sty)})
	}
	p.Add(&curveLabels{d: d, taken: taken})
	// The image fixes the data range; curves may extend it: pin the axes.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = d.X.Min, d.X.Max, d.Y.Min, d.Y.Max
	p.X.Tick.Marker = stepTicks(tickStep(d.X.Max - d.X.Min))
	p.Y.Tick.Marker = stepTicks(tickStep(d.Y.Max - d.Y.Min))
	return Figure{Width: 7.4 * vg.Inch, Height: 5 * vg.Inch, Draw: WithLegend(p, entries, 2.4*vg.Inch, footnote)}, nil
}

// regionLabels writes each region's name inside it, where a box around
// the text fits entirely in the region (the legend names them all).
type regionLabels struct {
	d     PhaseDiagram
	taken *labelSpace // where the labels went, for curveLabels to avoid
}

// labelSpace is the canvas written on by labels, as discs.
type labelSpace struct{ discs []disc }

type disc struct {
	at vg.Point
	r  vg.Length
}

// addText covers a text box of width w and height h centred at at,
// rotated by angle, with discs of its height along it.
func (s *labelSpace) addText(at vg.Point, w, h vg.Length, angle float64) {
	cos, sin := vg.Length(math.Cos(angle)), vg.Length(math.Sin(angle))
	for u := -w / 2; u <= w/2+h/4; u += h / 2 {
		s.discs = append(s.discs, disc{vg.Point{X: at.X + u*cos, Y: at.Y + u*sin}, h / 2})
	}
}

// free reports whether a disc of radius r at at misses every label.
func (s *labelSpace) free(at vg.Point, r vg.Length) bool {
	for _, d := range s.discs {
		if math.Hypot(float64(d.at.X-at.X), float64(d.at.Y-at.Y)) < float64(d.r+r) {
			return false
		}
	}
	return true
}

func (r *regionLabels) Plot(c draw.Canvas, p *plot.Plot) {
	// Every rendering (PNG, then SVG) starts with a clean canvas; the
	// region labels are drawn before the curves' names.
	r.taken.discs = r.taken.discs[:0]
	d := r.d
	nx, ny := d.NX, d.NY
	cw := (c.Max.X - c.Min.X) / vg.Length(nx) // cell size on the canvas
	ch := (c.Max.Y - c.Min.Y) / vg.Length(ny)
	sty := TextStyle(10, color.Black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for _, o := range model.Outcomes {
		label := OutcomeLabel(o)
		if o == model.Bistable {
			label = "Unstable coexistence"
		}
		tw := sty.Width(label) + vg.Points(8)
		th := sty.Height(label) + vg.Points(6)
		hw := int(math.Ceil(float64(tw/cw) / 2))
		hh := int(math.Ceil(float64(th/ch) / 2))
		if 2*hw >= nx || 2*hh >= ny {
			continue
		}
		// 2-D prefix sums of membership: any box's count in O(1).
		sum := make([]int32, (nx+1)*(ny+1))
		for j := range ny {
			for i := range nx {
				v := int32(0)
				if d.Cells[j*nx+i] == uint8(o) {
					v = 1
				}
				sum[(j+1)*(nx+1)+i+1] = v + sum[j*(nx+1)+i+1] + sum[(j+1)*(nx+1)+i] - sum[j*(nx+1)+i]
			}
		}
		box := func(i0, j0, i1, j1 int) int32 { // cells [i0,i1) × [j0,j1)
			return sum[j1*(nx+1)+i1] - sum[j0*(nx+1)+i1] - sum[j1*(nx+1)+i0] + sum[j0*(nx+1)+i0]
		}
		// Among centres where the text box fits, take the one with the
		// widest margin around it (grown in steps of 4 cells).
		bestI, bestJ, bestMargin := -1, -1, -1
		for j := hh; j < ny-hh; j += 2 {
			for i := hw; i < nx-hw; i += 2 {
				if box(i-hw, j-hh, i+hw, j+hh) != int32(4*hw*hh) {
					continue
				}
				margin := 0
				for k := 4; k <= 200; k += 4 {
					i0, j0, i1, j1 := i-hw-k, j-hh-k, i+hw+k, j+hh+k
					// the plot's edge counts as the region's edge, to centre labels
					if i0 < 0 || j0 < 0 || i1 > nx || j1 > ny || box(i0, j0, i1, j1) != int32((i1-i0)*(j1-j0)) {
						break
					}
					margin = k
				}
				if margin > bestMargin {
					bestI, bestJ, bestMargin = i, j, margin
				}
			}
		}
		if bestI >= 0 {
			pt := vg.Point{X: c.Min.X + cw*vg.Length(bestI), Y: c.Min.Y + ch*vg.Length(bestJ)}
			c.FillText(sty, pt, label)
			r.taken.addText(pt, sty.Width(label), sty.Height(label), 0)
			continue
		}
		// A band too thin for level text, as the paper labels its
		// coexistence regions: the text along it, rotated, shortened
		// ("coexist.") if it does not fit whole.
		rs := TextStyle(9, color.Black)
		rs.XAlign, rs.YAlign = draw.XCenter, draw.YCenter
		for _, text := range []string{label, strings.Replace(label, "coexistence", "coexist.", 1)} {
			if pt, angle, ok := r.rotatedSpot(c, o, rs.Width(text)+vg.Points(6), rs.Height(text)+vg.Points(2)); ok {
				rs.Rotation = angle
				c.FillText(rs, pt, text)
				r.taken.addText(pt, rs.Width(text), rs.Height(text), angle)
				break
			}
		}
	}
}

// rotatedSpot finds where a text box of width w and height h, rotated by
// some angle between −80° and 80°, lies inside region o: the centre and
// angle with the thickest margin (the box grown across its text), the
// least rotated first among equals.
func (r *regionLabels) rotatedSpot(c draw.Canvas, o model.Outcome, w, h vg.Length) (vg.Point, float64, bool) {
	d := r.d
	cw := float64(c.Max.X-c.Min.X) / float64(d.NX)
	ch := float64(c.Max.Y-c.Min.Y) / float64(d.NY)
	in := func(x, y float64) bool { // canvas offsets from c.Min
		i, j := int(x/cw), int(y/ch)
		return i >= 0 && j >= 0 && i < d.NX && j < d.NY && d.Cells[j*d.NX+i] == uint8(o)
	}
	fits := func(x, y, cos, sin, hw, hh float64) bool {
		for _, u := range []float64{-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1} {
			for _, v := range []float64{-1, 0, 1} {
				if !in(x+u*hw*cos-v*hh*sin, y+u*hw*sin+v*hh*cos) {
					return false
				}
			}
		}
		return true
	}
	hw, hh := float64(w)/2, float64(h)/2
	best, bestAngle, bestGrow := vg.Point{}, 0.0, 0.0
	found := false
	step := math.Max(cw, ch) * 3
	for deg := 10.0; deg <= 80; deg += 5 {
		for _, sign := range []float64{1, -1} {
			a := sign * deg * math.Pi / 180
			cos, sin := math.Cos(a), math.Sin(a)
			for y := hh; y < float64(c.Max.Y-c.Min.Y)-hh; y += step {
				for x := hh; x < float64(c.Max.X-c.Min.X)-hh; x += step {
					if !fits(x, y, cos, sin, hw, hh) {
						continue
					}
					grow := 1.0
					for g := 1.25; g <= 4; g += 0.25 {
						if !fits(x, y, cos, sin, hw, hh*g) {
							break
						}
						grow = g
					}
					if grow > bestGrow+1e-9 {
						best, bestAngle, bestGrow, found = vg.Point{X: c.Min.X + vg.Length(x), Y: c.Min.Y + vg.Length(y)}, a, grow, true
					}
				}
			}
		}
	}
	return best, bestAngle, found
}

// curveLabels writes each curve's name beside it, as the paper does: at
// the first place, from the right, where the name sits inside the plot,
// on one side of its curve and clear of the others.
type curveLabels struct {
	d     PhaseDiagram
	taken *labelSpace
}

func (l *curveLabels) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	sty := TextStyle(10, color.Black)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	var all [][]vg.Point // every curve on the canvas
	for _, cv := range l.d.Curves {
		var pts []vg.Point
		for _, piece := range l.d.curveLines(cv) {
			for _, pt := range piece {
				pts = append(pts, vg.Point{X: tx(pt.X), Y: ty(pt.Y)})
			}
		}
		all = append(all, pts)
	}
	for k, cv := range l.d.Curves {
		if cv.Name == "" || len(all[k]) < 3 {
			continue
		}
		r := (sty.Width(cv.Name) + vg.Points(4)) / 2
		clear := func(at vg.Point) bool {
			if at.X-r < c.Min.X || at.X+r > c.Max.X || at.Y-r < c.Min.Y || at.Y+r > c.Max.Y {
				return false
			}
			for _, pts := range all {
				for _, q := range pts {
					if math.Hypot(float64(q.X-at.X), float64(q.Y-at.Y)) < float64(r)+1 {
						return false
					}
				}
			}
			return l.taken.free(at, r)
		}
		pts := all[k]
		done := false
		for f := 0.9; f >= 0.1 && !done; f -= 0.04 {
			i := int(f * float64(len(pts)-1))
			a, b := pts[max(i-2, 0)], pts[min(i+2, len(pts)-1)]
			dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
			n := math.Hypot(dx, dy)
			if n == 0 {
				continue
			}
			// The normal on the upper-left side, then the other.
			nx, ny := -dy/n, dx/n
			if ny < 0 {
				nx, ny = -nx, -ny
			}
			for _, side := range []float64{1, -1} {
				off := float64(r) + 4
				at := vg.Point{X: pts[i].X + vg.Length(side*nx*off), Y: pts[i].Y + vg.Length(side*ny*off)}
				if pts[i].X < c.Min.X || pts[i].X > c.Max.X || pts[i].Y < c.Min.Y || pts[i].Y > c.Max.Y || !clear(at) {
					continue
				}
				c.FillText(sty, at, cv.Name)
				l.taken.addText(at, 2*r, 2*r, 0)
				done = true
				break
			}
		}
	}
}
