package paper

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
)

// Axis is one axis of a region map: the model parameter that varies
// along it (a key of model.Parameters) and its range.
type Axis struct {
	Key      string // v, c, alpha, bias (= T_A − T_B, moving T_B)
	Min, Max float64
}

// Label is the axis label, from the parameter table.
func (a Axis) Label() string {
	pa, ok := model.LookupParam(a.Key)
	if !ok {
		panic("paper: region map axis of unknown parameter " + a.Key)
	}
	return pa.Label()
}

// set puts the axis value x into p.
func (a Axis) set(p *model.Params, x float64) {
	if err := p.Set(a.Key, x); err != nil {
		panic(err) // the axes are the package's own
	}
}

// Curve is a threshold drawn over a region map: the y-axis value on the
// curve as a function of the parameters at each x.
type Curve struct {
	Name   string // legend name with subscripts, e.g. "γ_1"
	Key    string // column name in the curves CSV, e.g. gamma1
	Means  string // what holds on the curve, e.g. "β_3 = 0"
	Dashed bool
	Y      func(p model.Params) float64
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

// RegionGrid is a computed region map: the outcome at each cell centre.
type RegionGrid struct {
	Map   RegionMap
	Cells []uint8 // row-major from the lowest y: Cells[j*NX+i]; a model.Outcome or figures.Outside
}

// At returns the parameters at the centre of cell (i, j).
func (m RegionMap) At(i, j int) model.Params {
	p := m.Base
	m.X.set(&p, m.xc(i))
	m.Y.set(&p, m.yc(j))
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
		return RegionGrid{}, fmt.Errorf("paper: region map needs positive cell counts, got %d×%d", m.NX, m.NY)
	}
	g := RegionGrid{Map: m, Cells: make([]uint8, m.NX*m.NY)}
	for j := range m.NY {
		if err := ctx.Err(); err != nil {
			return RegionGrid{}, err
		}
		for i := range m.NX {
			p := m.At(i, j)
			if p.Validate() != nil {
				g.Cells[j*m.NX+i] = figures.Outside
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
		out[cellName(c)]++
	}
	return out
}

func cellName(c uint8) string {
	if c == figures.Outside {
		return "outside"
	}
	return model.Outcome(c).String()
}

// Runs returns the grid losslessly as runs along y: for each column, one
// row per maximal run of equal outcome, with the y interval it covers
// (cell edges). This is the data behind the figure, small enough to keep.
func (g RegionGrid) Runs() *artifact.Table {
	m := g.Map
	t := &artifact.Table{Header: []string{"x", m.Y.Key + "_from", m.Y.Key + "_to", "outcome"}}
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

// curveY is curve c as a function of x, the other parameters m's.
func (m RegionMap) curveY(c Curve) func(x float64) float64 {
	return func(x float64) float64 {
		p := m.Base
		m.X.set(&p, x)
		return c.Y(p)
	}
}

// CurveTable returns the threshold curves sampled along x where the
// figure samples them; empty where a curve is undefined.
func (m RegionMap) CurveTable() *artifact.Table {
	t := &artifact.Table{Header: []string{m.X.Key}}
	for _, c := range m.Curves {
		t.Header = append(t.Header, c.Key)
	}
	for k := range figures.CurveSamples {
		x := m.X.Min + float64(k)*(m.X.Max-m.X.Min)/(figures.CurveSamples-1)
		row := []string{artifact.F(x)}
		for _, c := range m.Curves {
			y := m.curveY(c)(x)
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

// Diagram is the grid as figures draws it.
func (g RegionGrid) Diagram() figures.PhaseDiagram {
	m := g.Map
	d := figures.PhaseDiagram{Title: m.Title, NX: m.NX, NY: m.NY, Cells: g.Cells, ZeroLine: m.ZeroLine,
		X: figures.PhaseAxis{Label: m.X.Label(), Min: m.X.Min, Max: m.X.Max},
		Y: figures.PhaseAxis{Label: m.Y.Label(), Min: m.Y.Min, Max: m.Y.Max}}
	for _, c := range m.Curves {
		d.Curves = append(d.Curves, figures.PhaseCurve{Label: c.Name + " (" + c.Means + ")", Name: c.Name, Dashed: c.Dashed, Y: m.curveY(c)})
	}
	return d
}

// GridCells is the resolution of every region map, per axis.
const GridCells = 400

// regionPanel makes a Panel from a region map.
func regionPanel(id, desc string, m RegionMap) Panel {
	m.NX, m.NY = GridCells, GridCells
	return Panel{ID: id, Description: desc, Make: func(ctx context.Context, out *Output) error {
		g, err := m.Compute(ctx)
		if err != nil {
			return err
		}
		fig, err := g.Diagram().Figure(footnote(id))
		if err != nil {
			return err
		}
		if err := out.figure(fig, m.Title); err != nil {
			return err
		}
		if err := out.table("", g.Runs()); err != nil {
			return err
		}
		if err := out.table("curves", m.CurveTable()); err != nil {
			return err
		}
		curves := []map[string]any{}
		for _, c := range m.Curves {
			curves = append(curves, map[string]any{"name": c.Key, "holds": strings.ReplaceAll(c.Means, "_", ""), "dashed": c.Dashed})
		}
		return out.manifest(id, m.Title, nil, map[string]any{
			"parameters": paramsMap(m.Base, m.X.Key, m.Y.Key),
			"grid": map[string]any{
				"x": m.X.Key, "x_min": m.X.Min, "x_max": m.X.Max, "nx": m.NX,
				"y": m.Y.Key, "y_min": m.Y.Min, "y_max": m.Y.Max, "ny": m.NY,
				"evaluated_at": "cell centres",
			},
			"curves":      curves,
			"cell_counts": g.Counts(),
			"data": map[string]string{
				"fig" + id + ".csv":        "the grid as runs along y: each row is one column x of cells and a maximal run of one outcome between two cell edges",
				"fig" + id + "_curves.csv": "threshold curves sampled along x (empty where undefined)",
			},
		})
	}}
}

// paramsMap lists the fixed parameters of a panel for its manifest: the
// primary parameters but those an axis varies (or writes: bias writes
// T_B).
func paramsMap(p model.Params, varying ...string) map[string]float64 {
	m := map[string]float64{}
	for _, pa := range model.Parameters[:model.PrimaryParameters] {
		m[pa.Key], _ = p.Get(pa.Key)
	}
	for _, k := range varying {
		delete(m, k)
		if pa, ok := model.LookupParam(k); ok {
			for _, w := range pa.Writes {
				delete(m, w)
			}
		}
	}
	return m
}

type namedMap struct {
	id, desc string
	m        RegionMap
}

// The axes of the paper's region maps.
var (
	axisV     = Axis{Key: "v", Min: 0, Max: 1}
	axisC     = Axis{Key: "c", Min: 0, Max: 1}
	axisAlpha = Axis{Key: "alpha", Min: 0, Max: 1}
	axisBias  = Axis{Key: "bias", Min: -0.6, Max: 0.4} // T_B moves, T_A fixed
)

// regionMaps are the region-map panels of the paper's Figures 2 and 3.
func regionMaps() []namedMap {
	return []namedMap{
		{"2a", "regions in (v, c) with γ1, γ2; T_A > T_B", RegionMap{
			Title: "Figure 2a: T_A = 0.5 > T_B = 0.4, b = 1.2, α = 0.4",
			Base:  model.Params{B: 1.2, Alpha: 0.4, TA: 0.5, TB: 0.4},
			X:     axisV, Y: axisC, Curves: []Curve{CurveGamma1, CurveGamma2},
		}},
		{"2b", "regions in (v, c) with γ1, γ2; T_A < T_B", RegionMap{
			Title: "Figure 2b: T_A = 0.5 < T_B = 0.7, b = 2, α = 0.7",
			Base:  model.Params{B: 2, Alpha: 0.7, TA: 0.5, TB: 0.7},
			X:     axisV, Y: axisC, Curves: []Curve{CurveGamma1, CurveGamma2},
		}},
		{"2c", "regions in (v, α) with a1, a2; T_A > T_B", RegionMap{
			Title: "Figure 2c: T_A = 0.5 > T_B = 0.4, b = 1.2, c = 0.5",
			Base:  model.Params{B: 1.2, C: 0.5, TA: 0.5, TB: 0.4},
			X:     axisV, Y: axisAlpha, Curves: []Curve{CurveA1, CurveA2},
		}},
		{"2d", "regions in (v, α) with a1, a2; T_A < T_B", RegionMap{
			Title: "Figure 2d: T_A = 0.5 < T_B = 0.7, b = 2, c = 0.5",
			Base:  model.Params{B: 2, C: 0.5, TA: 0.5, TB: 0.7},
			X:     axisV, Y: axisAlpha, Curves: []Curve{CurveA1, CurveA2},
		}},
		{"3a", "regions in (T_A − T_B, c), α = 0", RegionMap{
			Title: "Figure 3a: α = 0, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, V: 1, Alpha: 0, TA: 0.4},
			X:     axisBias, Y: axisC, Curves: []Curve{CurveGamma1, CurveGamma2}, ZeroLine: true,
		}},
		{"3b", "regions in (T_A − T_B, c), α = 0.7", RegionMap{
			Title: "Figure 3b: α = 0.7, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, V: 1, Alpha: 0.7, TA: 0.4},
			X:     axisBias, Y: axisC, Curves: []Curve{CurveGamma1, CurveGamma2}, ZeroLine: true,
		}},
		{"3c", "regions in (T_A − T_B, α), c = 0.35", RegionMap{
			Title: "Figure 3c: c = 0.35, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, C: 0.35, V: 1, TA: 0.4},
			X:     axisBias, Y: axisAlpha, Curves: []Curve{CurveA1, CurveA2}, ZeroLine: true,
		}},
	}
}
