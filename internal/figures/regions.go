package figures

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

// Axis is one axis of a region map: the parameter that varies along it.
type Axis struct {
	Name     string // the parameter's key in files: v, c, alpha, bias (= T_A − T_B)
	Label    string // axis label, e.g. "Vertical transmission rate, v"
	Min, Max float64
	// Set puts the axis value x into p.
	Set func(p *model.Params, x float64) `json:"-"`
}

// Axes of the paper's region maps.
func AxisV() Axis {
	return Axis{Name: "v", Label: "Vertical transmission rate, v", Min: 0, Max: 1,
		Set: func(p *model.Params, x float64) { p.V = x }}
}

func AxisC(max float64) Axis {
	return Axis{Name: "c", Label: "Cost of cooperation, c", Min: 0, Max: max,
		Set: func(p *model.Params, x float64) { p.C = x }}
}

func AxisAlpha() Axis {
	return Axis{Name: "alpha", Label: "Interaction–transmission association, α", Min: 0, Max: 1,
		Set: func(p *model.Params, x float64) { p.Alpha = x }}
}

// AxisBias varies T_A − T_B by moving T_B, with T_A fixed.
func AxisBias(min, max float64) Axis {
	return Axis{Name: "bias", Label: "Horizontal transmission bias, T_A − T_B", Min: min, Max: max,
		Set: func(p *model.Params, x float64) { p.TB = p.TA - x }}
}

// Curve is a threshold drawn over a region map: the y-axis value on the
// curve as a function of the parameters at each x.
type Curve struct {
	Name   string // legend name with subscripts, e.g. "γ_1"
	Key    string // column name in the curves CSV, e.g. gamma1
	Means  string // what holds on the curve, e.g. "β_3 = 0"
	Dashed bool
	Y      func(p model.Params) float64 `json:"-"`
}

// Thresholds of MODEL.md §4 as curves over a (·, c) or (·, α) map.
var (
	CurveGamma1 = Curve{Name: "γ_1", Key: "gamma1", Means: "β_3 = 0", Y: model.Params.Gamma1}
	CurveGamma2 = Curve{Name: "γ_2", Key: "gamma2", Means: "β_3 = β_1", Dashed: true, Y: model.Params.Gamma2}
	CurveA1     = Curve{Name: "a_1", Key: "a1", Means: "β_3 = β_1", Y: model.Params.A1}
	CurveA2     = Curve{Name: "a_2", Key: "a2", Means: "β_3 = 0", Dashed: true, Y: model.Params.A2}
)

// RegionMap is a phase diagram: the outcome of MODEL.md §4 over two
// parameters, the others fixed.
type RegionMap struct {
	Title    string
	Base     model.Params // the fixed parameters; the axes overwrite theirs
	X, Y     Axis
	Curves   []Curve
	ZeroLine bool // a thin dashed vertical line at x = 0 (T_A = T_B)
	NX, NY   int  // cells along each axis
}

// Cell values outside model.Outcome: parameters outside their domain.
const outside = 255

// RegionGrid is a computed region map: the outcome at each cell centre.
type RegionGrid struct {
	Map   RegionMap
	Cells []uint8 // row-major from the lowest y: Cells[j*NX+i]; a model.Outcome or outside
}

// At returns the parameters at the centre of cell (i, j).
func (m RegionMap) At(i, j int) model.Params {
	p := m.Base
	m.X.Set(&p, m.xc(i))
	m.Y.Set(&p, m.yc(j))
	return p
}

func (m RegionMap) xc(i int) float64 {
	return m.X.Min + (float64(i)+0.5)*(m.X.Max-m.X.Min)/float64(m.NX)
}

func (m RegionMap) yc(j int) float64 {
	return m.Y.Min + (float64(j)+0.5)*(m.Y.Max-m.Y.Min)/float64(m.NY)
}

// Compute classifies every cell. It checks ctx between rows.
func (m RegionMap) Compute(ctx context.Context) (RegionGrid, error) {
	if m.NX <= 0 || m.NY <= 0 {
		return RegionGrid{}, fmt.Errorf("figures: region map needs positive cell counts, got %d×%d", m.NX, m.NY)
	}
	g := RegionGrid{Map: m, Cells: make([]uint8, m.NX*m.NY)}
	for j := range m.NY {
		if err := ctx.Err(); err != nil {
			return RegionGrid{}, err
		}
		for i := range m.NX {
			p := m.At(i, j)
			if p.Validate() != nil {
				g.Cells[j*m.NX+i] = outside
				continue
			}
			o, _ := p.Classify()
			g.Cells[j*m.NX+i] = uint8(o)
		}
	}
	return g, nil
}

// Counts returns how many cells each outcome covers.
func (g RegionGrid) Counts() map[string]int {
	out := map[string]int{}
	for _, c := range g.Cells {
		if c == outside {
			out["outside"]++
		} else {
			out[model.Outcome(c).String()]++
		}
	}
	return out
}

func cellName(c uint8) string {
	if c == outside {
		return "outside"
	}
	return model.Outcome(c).String()
}

// Runs returns the grid losslessly as runs along y: for each column, one
// row per maximal run of equal outcome, with the y interval it covers
// (cell edges). This is the data behind the figure, small enough to keep.
func (g RegionGrid) Runs() *artifact.Table {
	m := g.Map
	t := &artifact.Table{Header: []string{"x", m.Y.Name + "_from", m.Y.Name + "_to", "outcome"}}
	dy := (m.Y.Max - m.Y.Min) / float64(m.NY)
	for i := range m.NX {
		start := 0
		for j := 1; j <= m.NY; j++ {
			if j < m.NY && g.Cells[j*m.NX+i] == g.Cells[start*m.NX+i] {
				continue
			}
			t.Add(artifact.F(m.xc(i)), artifact.F(m.Y.Min+float64(start)*dy), artifact.F(m.Y.Min+float64(j)*dy),
				cellName(g.Cells[start*m.NX+i]))
			start = j
		}
	}
	return t
}

// curveSamples is the number of x values at which curves are evaluated.
const curveSamples = 2001

// CurveTable returns the threshold curves sampled along x; empty where a
// curve is undefined.
func (m RegionMap) CurveTable() *artifact.Table {
	t := &artifact.Table{Header: []string{m.X.Name}}
	for _, c := range m.Curves {
		t.Header = append(t.Header, c.Key)
	}
	for k := range curveSamples {
		x := m.X.Min + float64(k)*(m.X.Max-m.X.Min)/(curveSamples-1)
		p := m.Base
		m.X.Set(&p, x)
		row := []string{artifact.F(x)}
		for _, c := range m.Curves {
			y := c.Y(p)
			if math.IsNaN(y) || math.IsInf(y, 0) {
				row = append(row, "")
			} else {
				row = append(row, artifact.F(y))
			}
		}
		t.Add(row...)
	}
	return t
}

// curveLines samples curve c along x and splits it into drawable pieces:
// breaks where it is undefined, and where it jumps across the whole y range
// between two samples (a pole, not a steep stretch).
func (m RegionMap) curveLines(c Curve) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	span := m.Y.Max - m.Y.Min
	for k := range curveSamples {
		x := m.X.Min + float64(k)*(m.X.Max-m.X.Min)/(curveSamples-1)
		p := m.Base
		m.X.Set(&p, x)
		y := c.Y(p)
		if math.IsNaN(y) || math.IsInf(y, 0) {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		if n := len(cur); n > 0 {
			prev := cur[n-1].Y
			if (prev > m.Y.Max+span && y < m.Y.Min-span) || (prev < m.Y.Min-span && y > m.Y.Max+span) {
				if n > 1 {
					out = append(out, cur)
				}
				cur = nil
			}
		}
		// Clamp far-away values so clipping stays numerically tame.
		cur = append(cur, plotter.XY{X: x, Y: math.Max(m.Y.Min-10*span, math.Min(m.Y.Max+10*span, y))})
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// image renders the cells, one pixel each, top row = highest y.
func (g RegionGrid) image() *image.RGBA {
	m := g.Map
	img := image.NewRGBA(image.Rect(0, 0, m.NX, m.NY))
	for j := range m.NY {
		for i := range m.NX {
			c := g.Cells[j*m.NX+i]
			col := color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
			if c != outside {
				col = OutcomeColor(model.Outcome(c))
			}
			img.SetRGBA(i, m.NY-1-j, col)
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

// Figure draws the region map with its curves, a legend and a footnote.
func (g RegionGrid) Figure(footnote string) (Figure, error) {
	m := g.Map
	p := NewPlot()
	p.Title.Text = m.Title
	p.X.Label.Text = m.X.Label
	p.Y.Label.Text = m.Y.Label
	p.Add(plotter.NewImage(g.image(), m.X.Min, m.Y.Min, m.X.Max, m.Y.Max))
	p.Add(&regionLabels{g: g})
	var entries []LegendEntry
	present := g.Counts()
	for _, o := range model.Outcomes {
		if present[o.String()] > 0 {
			entries = append(entries, LegendEntry{Text: OutcomeLabel(o), Thumb: Swatch{OutcomeColor(o)}})
		}
	}
	if m.ZeroLine {
		sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: m.Y.Min}, {X: 0, Y: m.Y.Max}})
		if err != nil {
			return Figure{}, err
		}
		l.LineStyle = sty
		p.Add(l)
		entries = append(entries, LegendEntry{Text: "T_A = T_B", Thumb: LineThumb(sty)})
	}
	for _, c := range m.Curves {
		sty := curveStyle(c.Dashed)
		for _, xy := range m.curveLines(c) {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return Figure{}, err
			}
			l.LineStyle = sty
			p.Add(l)
		}
		entries = append(entries, LegendEntry{Text: c.Name + " (" + c.Means + ")", Thumb: LineThumb(sty)})
	}
	// The image fixes the data range; curves may extend it: pin the axes.
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = m.X.Min, m.X.Max, m.Y.Min, m.Y.Max
	p.X.Tick.Marker = stepTicks(tickStep(m.X.Max - m.X.Min))
	p.Y.Tick.Marker = stepTicks(tickStep(m.Y.Max - m.Y.Min))
	return Figure{Width: 7.4 * vg.Inch, Height: 5 * vg.Inch, Draw: WithLegend(p, entries, 2.4*vg.Inch, footnote)}, nil
}

// regionLabels writes each region's name inside it, where a box around
// the text fits entirely in the region (the legend names them all).
type regionLabels struct{ g RegionGrid }

func (r *regionLabels) Plot(c draw.Canvas, p *plot.Plot) {
	g := r.g
	m := g.Map
	nx, ny := m.NX, m.NY
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
				if g.Cells[j*nx+i] == uint8(o) {
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
