package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot/plotter"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// plotAxes lists the axes a sweep's figures are drawn over: the numeric
// axes with more than one value, in file order. Heatmaps take the first
// two as x and y; the other axes become facets.
func plotAxes(sc *scenarios.Scenario) []int {
	var out []int
	for k, a := range sc.Axes {
		if len(a.Values) > 1 && a.Numeric() {
			out = append(out, k)
		}
	}
	return out
}

// axisLabel is the axis's label (Axis.Label, from the parameter table)
// for a figure: the symbols in it keep their subscripts (T_A), the
// platform names in it are escaped (club_house).
func axisLabel(sc *scenarios.Scenario, a scenarios.Axis) string {
	label := a.Label()
	for _, n := range sc.PlatformNames() {
		if strings.Contains(n, "_") {
			label = strings.ReplaceAll(label, n, Literal(n))
		}
	}
	return label
}

// axisSymbol is the symbol of the setting an axis assigns (its key for
// other axes).
func axisSymbol(a scenarios.Axis) string {
	if p, ok := model.LookupParam(a.Setting); ok {
		return p.Symbol
	}
	return Literal(a.Key)
}

// summaryIndex finds a point's row in a summary table.
type summaryIndex struct {
	t   *artifact.Table
	row map[int]int
}

func indexSummary(t *artifact.Table) (summaryIndex, error) {
	s := summaryIndex{t: t, row: make(map[int]int, len(t.Rows))}
	for i := range t.Rows {
		p, err := t.Int(i, "point")
		if err != nil {
			return s, err
		}
		s.row[p] = i
	}
	return s, nil
}

// disagrees reports whether the summary says the point's simulation
// disagrees with the analytic outcome (agreement = false; summaries
// without the column never do).
func (s summaryIndex) disagrees(point int) bool {
	i, ok := s.row[point]
	j := s.t.Col("agreement")
	return ok && j >= 0 && s.t.Rows[i][j] == artifact.Disagrees
}

// value is column col at a point: NaN for a point without a row (or an
// empty cell).
func (s summaryIndex) value(point int, col string) (float64, error) {
	i, ok := s.row[point]
	if !ok {
		return math.NaN(), nil
	}
	return s.t.Float(i, col)
}

// facet is one combination of the values of the axes not plotted.
type facet struct {
	vals  []sim.Value // the plotted axes' entries are set by the caller
	name  string      // "_KEY-VALUE…" over the axes of several values
	fixed []string    // "KEY = VALUE" over the same, for titles
}

// facetsOf returns every combination of the values of the axes other
// than free, in file order.
func facetsOf(sc *scenarios.Scenario, free ...int) []facet {
	facets := []facet{{vals: make([]sim.Value, len(sc.Axes))}}
	for k, a := range sc.Axes {
		if indexOf(free, k) >= 0 {
			continue
		}
		var next []facet
		for _, f := range facets {
			for _, v := range a.Values {
				nf := facet{vals: append([]sim.Value(nil), f.vals...), name: f.name, fixed: append([]string(nil), f.fixed...)}
				nf.vals[k] = v
				if len(a.Values) > 1 {
					nf.name += "_" + a.Key + "-" + v.String()
					nf.fixed = append(nf.fixed, Literal(a.Key+" = "+v.String()))
				}
				next = append(next, nf)
			}
		}
		facets = next
	}
	return facets
}

func (f facet) title(t string) string {
	if len(f.fixed) == 0 {
		return t
	}
	return t + " (" + strings.Join(f.fixed, ", ") + ")"
}

func indexOf(xs []int, x int) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// SweepHeatmaps draws a sweep's heatmaps from its summary table: the
// mean final frequency of A over its first two numeric axes of several
// values, one figure per combination of the other axes' values; for a
// world of several platforms, the world's (title + " in the world") and
// then each platform's (title + " on PLATFORM", base
// heatmap_PLATFORM…). The analytic thresholds are drawn where the y
// axis is c or α (see thresholdCurves). A sweep with fewer than two such
// axes gets none. With hatch, the cells whose simulation disagrees with
// the analytic outcome (the summary's agreement column) are hatched.
func SweepHeatmaps(sc *scenarios.Scenario, summary *artifact.Table, title, footnote string, opts HeatmapOptions) ([]NamedFigure, error) {
	axes := plotAxes(sc)
	if len(axes) < 2 {
		return nil, nil
	}
	idx, err := indexSummary(summary)
	if err != nil {
		return nil, err
	}
	xi, yi := axes[0], axes[1]
	ax, ay := sc.Axes[xi], sc.Axes[yi]
	names := sc.PlatformNames()
	type target struct {
		platform      int // −1: the world
		col, base, tt string
	}
	targets := []target{{-1, "mean_final_freq_a", HeatmapBase, title}}
	if len(names) > 1 {
		targets[0].tt += " in the world"
		for k, n := range names {
			targets = append(targets, target{k, "mean_final_freq_a_" + n, HeatmapBase + "_" + n, title + " on " + Literal(n)})
		}
	}
	var out []NamedFigure
	for _, tg := range targets {
		for _, f := range facetsOf(sc, xi, yi) {
			// Agreement is tested for a world of one platform, whose
			// only map is the world's.
			g, err := sweepGrid(sc, idx, xi, yi, f.vals, tg.col, opts.Hatch && len(names) == 1)
			if err != nil {
				return out, err
			}
			t := f.title(tg.tt)
			curves := thresholdCurves(sc, xi, yi, f.vals, g, tg.platform)
			fig, err := Heatmap(t, axisLabel(sc, ax), axisLabel(sc, ay), g, curves, ax.Setting == "bias", footnote, opts.Inset)
			if err != nil {
				return out, err
			}
			out = append(out, NamedFigure{Base: tg.base + f.name, Title: t, Figure: fig})
		}
	}
	return out, nil
}

// HeatmapOptions are SweepHeatmaps' options.
type HeatmapOptions struct {
	// Hatch hatches the cells whose simulation disagrees with the
	// analytic outcome (the summary's agreement column).
	Hatch bool
	// Inset, if not nil, is drawn inside every heatmap (see Inset).
	Inset *Inset
}

// sweepGrid is column col of a summary over the axes xi (x) and yi (y),
// the other axes at vals, sorted; with hatch, the disagreeing cells are
// marked. vals' entries for xi and yi are overwritten.
func sweepGrid(sc *scenarios.Scenario, idx summaryIndex, xi, yi int, vals []sim.Value, col string, hatch bool) (HeatGrid, error) {
	ax, ay := sc.Axes[xi], sc.Axes[yi]
	g := HeatGrid{Z: make([][]float64, len(ay.Values))}
	if hatch {
		g.Hatch = make([][]bool, len(ay.Values))
	}
	for _, v := range ax.Values {
		g.X = append(g.X, v.Num)
	}
	for _, v := range ay.Values {
		g.Y = append(g.Y, v.Num)
	}
	for j := range ay.Values {
		g.Z[j] = make([]float64, len(ax.Values))
		if g.Hatch != nil {
			g.Hatch[j] = make([]bool, len(ax.Values))
		}
		for i := range ax.Values {
			vals[xi], vals[yi] = ax.Values[i], ay.Values[j]
			z := math.NaN()
			if p, ok := sc.PointIndex(vals); ok {
				var err error
				if z, err = idx.value(p, col); err != nil {
					return g, err
				}
				if g.Hatch != nil {
					g.Hatch[j][i] = idx.disagrees(p)
				}
			}
			g.Z[j][i] = z
		}
	}
	return g, sortGrid(&g)
}

// SweepInset is the inset drawn into host's heatmaps from a sweep of one
// platform over exactly two numeric axes that assign the same settings
// as host's plotted axes, in the same order: its grid, its threshold
// curves and a × at marker (x, y), named markerLabel in the legend; own
// marks an inset the paper's figure does not have, and the legend says
// so.
func SweepInset(host, sc *scenarios.Scenario, summary *artifact.Table, marker [2]float64, markerLabel string, own bool) (*Inset, error) {
	axes := plotAxes(sc)
	switch {
	case len(axes) != 2:
		return nil, fmt.Errorf("figures: an inset needs a sweep over exactly two numeric axes; %s has %d", sc.Name, len(axes))
	case len(sc.PlatformNames()) != 1:
		return nil, fmt.Errorf("figures: an inset needs a sweep of one platform; %s has %d", sc.Name, len(sc.PlatformNames()))
	case len(facetsOf(sc, axes...)) != 1:
		return nil, fmt.Errorf("figures: an inset's other axes must have one value each; %s's give %d combinations", sc.Name, len(facetsOf(sc, axes...)))
	}
	hostAxes := plotAxes(host)
	for i, a := range axes {
		if i >= len(hostAxes) || host.Axes[hostAxes[i]].Setting != sc.Axes[a].Setting || host.Axes[hostAxes[i]].Platform != sc.Axes[a].Platform {
			return nil, fmt.Errorf("figures: the inset %s's axes (%s, %s) are not the heatmap %s's", sc.Name, sc.Axes[axes[0]].Key, sc.Axes[axes[1]].Key, host.Name)
		}
	}
	idx, err := indexSummary(summary)
	if err != nil {
		return nil, err
	}
	vals := make([]sim.Value, len(sc.Axes))
	for k, a := range sc.Axes {
		vals[k] = a.Values[0]
	}
	g, err := sweepGrid(sc, idx, axes[0], axes[1], vals, "mean_final_freq_a", false)
	if err != nil {
		return nil, err
	}
	in := &Inset{Grid: g, Curves: thresholdCurves(sc, axes[0], axes[1], vals, g, -1), Marker: &plotter.XY{X: marker[0], Y: marker[1]}, MarkerLabel: markerLabel}
	in.Label = fmt.Sprintf("inset: a finer %d × %d sweep", len(g.X), len(g.Y))
	if own {
		in.Label = fmt.Sprintf("inset (not in the paper): %d × %d", len(g.X), len(g.Y))
	}
	return in, nil
}

// sortGrid orders the grid's rows and columns by increasing value (axes
// may be listed in any order).
func sortGrid(g *HeatGrid) error {
	xo, yo := order(g.X), order(g.Y)
	X, Y := make([]float64, len(g.X)), make([]float64, len(g.Y))
	Z := make([][]float64, len(g.Y))
	var H [][]bool
	if g.Hatch != nil {
		H = make([][]bool, len(g.Y))
	}
	for j, oj := range yo {
		Y[j] = g.Y[oj]
		Z[j] = make([]float64, len(g.X))
		if H != nil {
			H[j] = make([]bool, len(g.X))
		}
		for i, oi := range xo {
			X[i] = g.X[oi]
			Z[j][i] = g.Z[oj][oi]
			if H != nil {
				H[j][i] = g.Hatch[oj][oi]
			}
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
	g.X, g.Y, g.Z, g.Hatch = X, Y, Z, H
	return nil
}

// order is the permutation that sorts xs (stable).
func order(xs []float64) []int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	return idx
}

func edgesOf(c []float64) (float64, float64) {
	if len(c) == 1 {
		return c[0] - 0.5, c[0] + 0.5
	}
	return c[0] - (c[1]-c[0])/2, c[len(c)-1] + (c[len(c)-1]-c[len(c)-2])/2
}

// reaches reports whether the y axis changes platform k's parameter (a
// default-level axis does not reach a platform that sets its own).
func reaches(sc *scenarios.Scenario, yi int, vals []sim.Value, k int) bool {
	ay := sc.Axes[yi]
	if ay.Platform >= 0 {
		return ay.Platform == k
	}
	at := func(v sim.Value) float64 {
		vs := append([]sim.Value(nil), vals...)
		vs[yi] = v
		x, _ := sc.PointWith(vs).Platforms[k].Model.Get(ay.Setting)
		return x
	}
	return at(ay.Values[0]) != at(ay.Values[1])
}

// thresholdCurves samples the analytic boundaries (MODEL.md §4) in the
// plotted plane, for each platform the y axis reaches (only that one, if
// only ≥ 0): over a cost axis γ1 (solid) and γ2 (dashed), drawn as the
// single curve c = bαT/(1 − T) when T_A = T_B everywhere; over an α axis
// a1 and a2. Each platform's curve uses its own parameters at each x
// (from Scenario.PointWith), so an x axis that leaves them unchanged
// gives horizontal lines; a lattice's α is its effective α. With several
// platforms the curves are named by platform, and on the world's map
// (only < 0) coloured by platform too.
func thresholdCurves(sc *scenarios.Scenario, xi, yi int, vals []sim.Value, g HeatGrid, only int) []CurveLine {
	ay := sc.Axes[yi]
	if ay.Setting != "c" && ay.Setting != "alpha" {
		return nil
	}
	xmin, xmax := edgesOf(g.X)
	ymin, ymax := edgesOf(g.Y)
	samples := 801
	var xs, at []float64 // where the curve is drawn, and the x it is computed at
	if s, ok := sim.LookupSetting(sc.Axes[xi].Setting); ok && s.Type == sim.Int {
		// A whole-number axis (a degree, m, a radius) has no values
		// between its cells: each swept value's curve spans its cell.
		samples = 2 * len(g.X)
		for i, x := range g.X {
			lo, hi := xmin, xmax
			if i > 0 {
				lo = (g.X[i-1] + x) / 2
			}
			if i+1 < len(g.X) {
				hi = (x + g.X[i+1]) / 2
			}
			xs, at = append(xs, lo, hi), append(at, x, x)
		}
	} else {
		for k := range samples {
			x := xmin + (xmax-xmin)*float64(k)/float64(samples-1)
			xs, at = append(xs, x), append(at, x)
		}
	}
	worlds := make([]sim.WorldConfig, samples)
	for k := range samples {
		v := append([]sim.Value(nil), vals...)
		v[xi] = sim.Num(at[k])
		worlds[k] = sc.PointWith(v)
	}
	names := sc.PlatformNames()
	several := len(names) > 1
	type fn struct {
		label  string
		dashed bool
		f      func(model.Params) float64
	}
	var out []CurveLine
	span := ymax - ymin
	for pk := range names {
		if (only >= 0 && pk != only) || !reaches(sc, yi, vals, pk) {
			continue
		}
		equalT := true
		for k := range samples {
			if p := worlds[k].Platforms[pk].Model; p.TA != p.TB {
				equalT = false
			}
		}
		var fns []fn
		switch {
		case ay.Setting == "c" && equalT:
			fns = []fn{{"c = bαT/(1 − T) (β_3 = 0)", false, model.Params.Gamma1}}
		case ay.Setting == "c":
			fns = []fn{{"γ_1 (β_3 = 0)", false, model.Params.Gamma1}, {"γ_2 (β_3 = β_1)", true, model.Params.Gamma2}}
		case equalT: // Δ = 0: β1 = 0, so β3 = β1 is β3 = 0 and a1 = a2
			fns = []fn{{"a_1 = a_2 (β_3 = 0)", false, model.Params.A2}}
		default:
			fns = []fn{{"a_1 (β_3 = β_1)", false, model.Params.A1}, {"a_2 (β_3 = 0)", true, model.Params.A2}}
		}
		first := worlds[0].Platforms[pk]
		var col color.Color // black on a platform's own map
		if several && only < 0 {
			col = platformColor(pk)
		}
		for _, f := range fns {
			cl := CurveLine{Label: f.label, Dashed: f.dashed, Color: col}
			if several {
				cl.Label = Literal(names[pk]) + ": " + cl.Label
			}
			if first.Kind == sim.KindLattice {
				cl.Label += fmt.Sprintf(", α = %.4g", first.Model.Alpha)
			}
			var cur plotter.XYs
			for k, x := range xs {
				p := worlds[k].Platforms[pk].Model
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
	}
	return out
}

// Colours of the lines of SweepLines.
var (
	colorMeanA   = color.RGBA{R: 0x4f, G: 0x8a, B: 0x10, A: 0xff} // the bold A of Dynamics
	colorNeither = color.RGBA{R: 0xb8, G: 0x86, B: 0x0b, A: 0xff} // dark goldenrod: coexistence, visible on white
)

// SweepLines draws a sweep over one numeric axis of several values from
// its summary table: the mean final frequency of A with ± 1 standard
// error (sd/√runs), the fractions of runs that fixed A, fixed B and
// neither, and for several platforms each platform's mean final
// frequency of A; one figure per combination of the other axes' values
// (base lines…).
func SweepLines(sc *scenarios.Scenario, summary *artifact.Table, title, footnote string) ([]NamedFigure, error) {
	axes := plotAxes(sc)
	if len(axes) != 1 {
		return nil, nil
	}
	idx, err := indexSummary(summary)
	if err != nil {
		return nil, err
	}
	xi := axes[0]
	ax := sc.Axes[xi]
	names := sc.PlatformNames()
	var out []NamedFigure
	for _, f := range facetsOf(sc, xi) {
		type pt struct {
			x     float64
			point int
		}
		var pts []pt
		for _, v := range ax.Values {
			f.vals[xi] = v
			if p, ok := sc.PointIndex(f.vals); ok {
				if _, present := idx.row[p]; present {
					pts = append(pts, pt{v.Num, p})
				}
			}
		}
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].x < pts[j].x })
		col := func(name string) ([]float64, error) {
			ys := make([]float64, len(pts))
			for i, q := range pts {
				y, err := idx.value(q.point, name)
				if err != nil {
					return nil, err
				}
				ys[i] = y
			}
			return ys, nil
		}
		xs := make([]float64, len(pts))
		for i, q := range pts {
			xs[i] = q.x
		}
		var cols [6][]float64
		for i, name := range []string{"mean_final_freq_a", "sd_final_freq_a", "runs", "frac_fixed_a", "frac_fixed_b", "frac_neither"} {
			if cols[i], err = col(name); err != nil {
				return out, err
			}
		}
		se := make([]float64, len(pts))
		for i := range pts {
			se[i] = cols[1][i] / math.Sqrt(cols[2][i])
		}
		label := "mean ± 1 s.e."
		if len(names) > 1 {
			label = "world: mean ± 1 s.e."
		}
		lines := []Line{
			{Label: label, Color: colorMeanA, Bold: true, X: xs, Y: cols[0], Err: se},
			{Label: "fraction of runs fixed A", Color: ColorCooperation, Dashed: true, X: xs, Y: cols[3]},
			{Label: "fraction of runs fixed B", Color: ColorDefection, Dashed: true, X: xs, Y: cols[4]},
			{Label: "fraction of runs fixed neither", Color: colorNeither, Dashed: true, X: xs, Y: cols[5]},
		}
		if len(names) > 1 {
			for k, n := range names {
				ys, err := col("mean_final_freq_a_" + n)
				if err != nil {
					return out, err
				}
				lines = append(lines, Line{Label: "mean on " + Literal(n), Color: platformColor(k), X: xs, Y: ys})
			}
		}
		t := f.title(title)
		fig, err := FrequencyLines(t, axisLabel(sc, ax), "Final frequency of A; fraction of runs", lines, footnote)
		if err != nil {
			return out, err
		}
		out = append(out, NamedFigure{Base: LinesBase + f.name, Title: t, Figure: fig})
	}
	return out, nil
}
