package figures

import (
	"errors"
	"image"
	"image/color"
	"math"

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
	p.Add(&regionLabels{d: d})
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
	// The image fixes the data range; curves may extend it: pin the axes.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = d.X.Min, d.X.Max, d.Y.Min, d.Y.Max
	p.X.Tick.Marker = stepTicks(tickStep(d.X.Max - d.X.Min))
	p.Y.Tick.Marker = stepTicks(tickStep(d.Y.Max - d.Y.Min))
	return Figure{Width: 7.4 * vg.Inch, Height: 5 * vg.Inch, Draw: WithLegend(p, entries, 2.4*vg.Inch, footnote)}, nil
}

// regionLabels writes each region's name inside it, where a box around
// the text fits entirely in the region (the legend names them all).
type regionLabels struct{ d PhaseDiagram }

func (r *regionLabels) Plot(c draw.Canvas, p *plot.Plot) {
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
		}
	}
}
