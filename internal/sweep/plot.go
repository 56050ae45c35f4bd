package sweep

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/plotter"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
)

// PlotBase is the base name of the heatmaps: heatmap.png, or
// heatmap_<facet>.png when more than two axes vary.
const PlotBase = "heatmap"

var axisLabels = map[string]string{
	"b": "Benefit of cooperation, b", "c": "Cost of cooperation, c", "v": "Vertical transmission rate, v",
	"alpha": "Interaction–transmission association, α", "ta": "Horizontal transmission of A, T_A",
	"tb": "Horizontal transmission of B, T_B", "t": "Horizontal transmission rate, T", "bias": "Horizontal transmission bias, T_A − T_B",
	"initial_a": "Initial frequency of A", "size": "Population size", "radius": "Neighbourhood radius r",
	"initiation": "Initiation probability", "rounds": "Rounds per generation",
}

// plotAxes picks the heatmap's axes: the first two numeric axes with more
// than one value (x, y), the rest becoming facets.
func plotAxes(sc *scenarios.Scenario) (x, y int, ok bool) {
	x, y = -1, -1
	for k, a := range sc.Axes {
		if len(a.Values) < 2 || a.Values[0].Str != "" {
			continue
		}
		switch {
		case x < 0:
			x = k
		case y < 0:
			y = k
		}
	}
	return x, y, x >= 0 && y >= 0
}

// NamedFigure is a heatmap with its file base name and title.
type NamedFigure struct {
	Base, Title string
	Figure      figures.Figure
}

// WritePlots draws the sweep's heatmaps (see Heatmaps) into dir.
func WritePlots(dir string, sc *scenarios.Scenario, ss []PointSummary, prov artifact.Provenance) ([]string, error) {
	figs, err := Heatmaps(sc, ss, figures.Literal(sc.Name)+": mean final frequency of A",
		fmt.Sprintf("culturesim plot — scenario %s; model of %s", figures.Literal(sc.Name), figures.Citation))
	var files []string
	for _, f := range figs {
		md := artifact.Metadata{{"Title", f.Title}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
		written, err := f.Figure.Save(filepath.Join(dir, f.Base), md)
		for _, w := range written {
			files = append(files, filepath.Base(w))
		}
		if err != nil {
			return files, err
		}
	}
	return files, err
}

// Heatmaps draws one heatmap of the mean final frequency of A per
// combination of the axes other than the plotted two, with the analytic
// threshold curves. A sweep with fewer than two numeric axes gets none.
func Heatmaps(sc *scenarios.Scenario, ss []PointSummary, title, footnote string) ([]NamedFigure, error) {
	xi, yi, ok := plotAxes(sc)
	if !ok {
		return nil, nil
	}
	mean := map[int]float64{}
	for _, s := range ss {
		mean[s.Point] = s.MeanFreqA
	}
	// Facets: every combination of the other axes' values.
	type facet struct {
		vals map[int]scenarios.AxisValue
		name string
	}
	facets := []facet{{vals: map[int]scenarios.AxisValue{}}}
	for k, a := range sc.Axes {
		if k == xi || k == yi {
			continue
		}
		var next []facet
		for _, f := range facets {
			for _, v := range a.Values {
				nv := map[int]scenarios.AxisValue{k: v}
				for kk, vv := range f.vals {
					nv[kk] = vv
				}
				name := f.name
				if len(a.Values) > 1 {
					name += "_" + a.Key + "-" + v.String()
				}
				next = append(next, facet{vals: nv, name: name})
			}
		}
		facets = next
	}
	ax, ay := sc.Axes[xi], sc.Axes[yi]
	var out []NamedFigure
	for _, f := range facets {
		g := figures.HeatGrid{Z: make([][]float64, len(ay.Values))}
		for _, v := range ax.Values {
			g.X = append(g.X, v.Num)
		}
		for _, v := range ay.Values {
			g.Y = append(g.Y, v.Num)
		}
		vals := make([]scenarios.AxisValue, len(sc.Axes))
		for k, v := range f.vals {
			vals[k] = v
		}
		for j := range ay.Values {
			g.Z[j] = make([]float64, len(ax.Values))
			for i := range ax.Values {
				vals[xi], vals[yi] = ax.Values[i], ay.Values[j]
				z, ok := mean[pointIndex(sc, vals)]
				if !ok {
					z = math.NaN()
				}
				g.Z[j][i] = z
			}
		}
		if err := sortGrid(&g); err != nil {
			return out, err
		}
		t := title
		var fixed []string
		for k, v := range f.vals {
			if len(sc.Axes[k].Values) > 1 {
				fixed = append(fixed, sc.Axes[k].Key+" = "+v.String())
			}
		}
		if len(fixed) > 0 {
			t += " (" + strings.Join(fixed, ", ") + ")"
		}
		curves := thresholdCurves(sc, xi, yi, vals, g)
		fig, err := figures.Heatmap(t, axisLabel(ax.Key), axisLabel(ay.Key), g, curves, ax.Key == "bias", footnote)
		if err != nil {
			return out, err
		}
		out = append(out, NamedFigure{Base: PlotBase + f.name, Title: t, Figure: fig})
	}
	return out, nil
}

func axisLabel(key string) string {
	if l, ok := axisLabels[key]; ok {
		return l
	}
	return key
}

// pointIndex inverts Scenario.PointValues.
func pointIndex(sc *scenarios.Scenario, vals []scenarios.AxisValue) int {
	idx := 0
	for k, a := range sc.Axes {
		pos := 0
		for i, v := range a.Values {
			if v == vals[k] {
				pos = i
				break
			}
		}
		idx = idx*len(a.Values) + pos
	}
	return idx
}

// sortGrid orders the grid's rows and columns by increasing value (axes
// may be listed in any order).
func sortGrid(g *figures.HeatGrid) error {
	xo, yo := order(g.X), order(g.Y)
	X, Y := make([]float64, len(g.X)), make([]float64, len(g.Y))
	Z := make([][]float64, len(g.Y))
	for j, oj := range yo {
		Y[j] = g.Y[oj]
		Z[j] = make([]float64, len(g.X))
		for i, oi := range xo {
			X[i] = g.X[oi]
			Z[j][i] = g.Z[oj][oi]
		}
	}
	for i := 1; i < len(X); i++ {
		if X[i] == X[i-1] {
			return fmt.Errorf("sweep axis repeats the value %v: cannot draw a heatmap", X[i])
		}
	}
	for j := 1; j < len(Y); j++ {
		if Y[j] == Y[j-1] {
			return fmt.Errorf("sweep axis repeats the value %v: cannot draw a heatmap", Y[j])
		}
	}
	g.X, g.Y, g.Z = X, Y, Z
	return nil
}

func order(xs []float64) []int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && xs[idx[j]] < xs[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// thresholdCurves samples the analytic boundaries in the plotted plane:
// over a cost axis γ1 (solid) and γ2 (dashed), drawn as the single curve
// c = bαT/(1 − T) when T_A = T_B everywhere; over an α axis a1 and a2.
// α is the lattice's effective α (1/8 for Moore radius 1).
func thresholdCurves(sc *scenarios.Scenario, xi, yi int, vals []scenarios.AxisValue, g figures.HeatGrid) []figures.CurveLine {
	ykey := sc.Axes[yi].Key
	if ykey != "c" && ykey != "alpha" {
		return nil
	}
	xmin, xmax := edgesOf(g.X)
	ymin, ymax := edgesOf(g.Y)
	const samples = 801
	params := func(x float64) model.Params {
		v := append([]scenarios.AxisValue(nil), vals...)
		v[xi] = scenarios.AxisValue{Num: x}
		return sc.SetupWith(v).Model
	}
	equalT := true
	for k := range samples {
		p := params(xmin + (xmax-xmin)*float64(k)/(samples-1))
		if p.TA != p.TB {
			equalT = false
		}
	}
	type fn struct {
		label  string
		dashed bool
		f      func(model.Params) float64
	}
	var fns []fn
	switch {
	case ykey == "c" && equalT:
		fns = []fn{{"c = bαT/(1 − T) (β_3 = 0)", false, model.Params.Gamma1}}
	case ykey == "c":
		fns = []fn{{"γ_1 (β_3 = 0)", false, model.Params.Gamma1}, {"γ_2 (β_3 = β_1)", true, model.Params.Gamma2}}
	default:
		fns = []fn{{"a_1 (β_3 = β_1)", false, model.Params.A1}, {"a_2 (β_3 = 0)", true, model.Params.A2}}
	}
	alpha := params(xmin).Alpha
	var out []figures.CurveLine
	span := ymax - ymin
	for _, f := range fns {
		cl := figures.CurveLine{Label: f.label, Dashed: f.dashed}
		if sc.Base.Kind == scenarios.Lattice {
			cl.Label += fmt.Sprintf(", α = %.4g", alpha)
		}
		var cur plotter.XYs
		for k := range samples {
			x := xmin + (xmax-xmin)*float64(k)/(samples-1)
			p := params(x)
			y := f.f(p)
			p.C = 0 // the curve gives c; check the other parameters only
			if p.Validate() != nil || math.IsNaN(y) || math.IsInf(y, 0) || y < ymin-5*span || y > ymax+5*span {
				if len(cur) > 1 {
					cl.Pieces = append(cl.Pieces, cur)
				}
				cur = nil
				continue
			}
			cur = append(cur, plotter.XY{X: x, Y: y})
		}
		if len(cur) > 1 {
			cl.Pieces = append(cl.Pieces, cur)
		}
		out = append(out, cl)
	}
	return out
}

func edgesOf(c []float64) (float64, float64) {
	if len(c) == 1 {
		return c[0] - 0.5, c[0] + 0.5
	}
	return c[0] - (c[1]-c[0])/2, c[len(c)-1] + (c[len(c)-1]-c[len(c)-2])/2
}
