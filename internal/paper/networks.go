package paper

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// culturesim's own network panels (beyond the paper): net-k, the
// transition on random k-regular graphs against the recursion's
// threshold with α = 1/k, and net-families, cooperation's final frequency
// over c on graphs of mean degree 8 of several families and on the
// 100×100 lattice.

func networkPanels() []Panel {
	return []Panel{sweepPanel(netKSpec), netFamilies()}
}

var netKSpec = sweepSpec{id: "net-k", scenario: "net_k", own: true,
	desc:   "random k-regular graphs: the transition c*(k) against c = bT/(k(1 − T))",
	title:  "random k-regular graphs of 10,000 nodes, T = 0.3, b = 1.3",
	tables: netKThresholds}

// crossing returns where ys, sampled at increasing xs, first falls
// through level (linear interpolation), NaN if it never does.
func crossing(xs, ys []float64, level float64) float64 {
	for i := 1; i < len(xs); i++ {
		if ys[i-1] >= level && ys[i] < level {
			return xs[i-1] + (ys[i-1]-level)/(ys[i-1]-ys[i])*(xs[i]-xs[i-1])
		}
	}
	return math.NaN()
}

// netKThresholds writes net-k_threshold.csv: per degree k, the measured
// transition c* (where the mean final frequency of A over c falls through
// 1/2) against the recursion's c = α·b·T/(1 − T) with the graph's α.
func netKThresholds(out *Output, sc *scenarios.Scenario, t *artifact.Table) (map[string]string, error) {
	type curve struct{ c, y []float64 }
	byK := map[int]*curve{}
	alpha := map[int]float64{}
	var b, T float64
	for r := range t.Rows {
		p, err := t.Int(r, "point")
		if err != nil {
			return nil, err
		}
		pc := sc.Point(p).Platforms[0]
		k := pc.Network.Degree
		y, err := t.Float(r, "mean_final_freq_a")
		if err != nil {
			return nil, err
		}
		if byK[k] == nil {
			byK[k] = &curve{}
		}
		byK[k].c = append(byK[k].c, pc.Model.C)
		byK[k].y = append(byK[k].y, y)
		alpha[k], b, T = pc.Model.Alpha, pc.Model.B, pc.Model.TA
	}
	ks := make([]int, 0, len(byK))
	for k := range byK {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	tab := &artifact.Table{Header: []string{"k", "effective_alpha", "c_star_measured", "c_star_curve", "ratio"}}
	for _, k := range ks {
		cv := byK[k]
		idx := make([]int, len(cv.c))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return cv.c[idx[i]] < cv.c[idx[j]] })
		xs, ys := make([]float64, len(idx)), make([]float64, len(idx))
		for i, j := range idx {
			xs[i], ys[i] = cv.c[j], cv.y[j]
		}
		meas := crossing(xs, ys, 0.5)
		want := float64(alpha[k]*b*T) / (1 - T)
		tab.Add(artifact.I(k), artifact.F(artifact.Tidy(alpha[k])), artifact.F(artifact.Tidy(meas)), artifact.F(artifact.Tidy(want)), artifact.F(artifact.Tidy(meas/want)))
	}
	if err := out.table("threshold", tab); err != nil {
		return nil, err
	}
	return map[string]string{out.tableName("threshold"): "per degree k: the measured transition c* (where the mean final frequency of A over c falls through 1/2, linear interpolation between grid points), the recursion's c = α·b·T/(1 − T) with α = 1/k, and their ratio"}, nil
}

// The families of net-families, in drawing order; the lattice comes from
// its own scenario.
const (
	netFamiliesScenario = "net_families"
	netLatticeScenario  = "net_families_lattice"
)

func netFamilies() Panel {
	spec := sweepSpec{id: "net-families", own: true,
		title: "10,000-node graphs of mean degree 8 and the 100×100 lattice, T = 0.3; c* = α_{eff}bT/(1 − T)"}
	return Panel{ID: spec.id, Sweep: true,
		Description: "cooperation over c on regular, Erdős–Rényi, small-world, Barabási–Albert and Holme–Kim graphs of mean degree 8 and the lattice",
		Make: func(ctx context.Context, out *Output) error {
			mode := modeFull
			if !out.Full {
				mode = modeQuick
			}
			nets, err := panelScenario(netFamiliesScenario, mode)
			if err != nil {
				return err
			}
			lat, err := panelScenario(netLatticeScenario, mode)
			if err != nil {
				return err
			}
			nsum, nsess, err := runSweep(ctx, out, nets, "sweep")
			if err != nil {
				return err
			}
			lsum, lsess, err := runSweep(ctx, out, lat, "lattice")
			if err != nil {
				return err
			}
			if err := drawFamilies(out, spec, nets, lat, mode, nsum, lsum); err != nil {
				return err
			}
			if err := out.copyTable("summary", nsum); err != nil {
				return err
			}
			if err := out.copyTable("lattice_summary", lsum); err != nil {
				return err
			}
			return out.manifest(spec.id, sweepHeading(spec, nets, mode), artifact.ScenarioOf(nets), map[string]any{
				"mode": mode, "points": nets.NumPoints(), "replicates": nets.Replicates, "runs": nets.NumRuns(),
				"sweep_dir": "sweep/ (not committed)", "wall_seconds": wallSeconds(nsess), "sweep_session": nsess,
				"lattice_scenario": artifact.ScenarioOf(lat), "lattice_runs": lat.NumRuns(),
				"lattice_dir": "lattice/ (not committed)", "lattice_wall_seconds": wallSeconds(lsess), "lattice_session": lsess,
				"data": map[string]string{
					out.tableName("summary"):         "the graphs' sweep (graph family × c): one row per cell, as every sweep's summary",
					out.tableName("lattice_summary"): "the 100×100 lattice's sweep over c (scenario " + lat.Name + "), in the same columns",
				},
			})
		},
		redraw: func(out *Output, man *PanelManifest) error {
			nets, err := man.ParseScenario()
			if err != nil {
				return err
			}
			var info artifact.ScenarioInfo
			if err := man.extraJSON("lattice_scenario", &info); err != nil {
				return err
			}
			lat, err := info.Parse()
			if err != nil {
				return fmt.Errorf("the manifest's lattice scenario: %w", err)
			}
			return drawFamilies(out, spec, nets, lat, man.extraString("mode"), filepath.Join(out.Dir, out.tableName("summary")), filepath.Join(out.Dir, out.tableName("lattice_summary")))
		}}
}

// familyLine reads one family's line from a summary: the mean final
// frequency of A over c with its standard error, and the family's
// effective α (the same at every c).
func familyLines(sc *scenarios.Scenario, path string) (map[string]*figures.Line, map[string]float64, []string, error) {
	t, err := artifact.ReadTable(path)
	if err != nil {
		return nil, nil, nil, err
	}
	lines, alpha := map[string]*figures.Line{}, map[string]float64{}
	var order []string
	for r := range t.Rows {
		p, err := t.Int(r, "point")
		if err != nil {
			return nil, nil, nil, err
		}
		pc := sc.Point(p).Platforms[0]
		name := pc.Network.Graph.String()
		if pc.Kind == sim.KindLattice {
			name = "lattice"
		}
		y, err := t.Float(r, "mean_final_freq_a")
		if err != nil {
			return nil, nil, nil, err
		}
		se, err := t.Float(r, "se_final_freq_a")
		if err != nil {
			return nil, nil, nil, err
		}
		if lines[name] == nil {
			lines[name] = &figures.Line{}
			order = append(order, name)
		}
		ln := lines[name]
		ln.X, ln.Y, ln.Err = append(ln.X, pc.Model.C), append(ln.Y, y), append(ln.Err, 2*se)
		alpha[name] = pc.Model.Alpha
	}
	return lines, alpha, order, nil
}

var familyNames = map[string]string{"regular": "8-regular", "gnp": "Erdős–Rényi", "smallworld": "small world",
	"ba": "BA", "holme_kim": "Holme–Kim", "lattice": "lattice"}

func drawFamilies(out *Output, spec sweepSpec, nets, lat *scenarios.Scenario, mode, nsum, lsum string) error {
	nl, na, order, err := familyLines(nets, nsum)
	if err != nil {
		return err
	}
	ll, la, lorder, err := familyLines(lat, lsum)
	if err != nil {
		return err
	}
	for k, v := range ll {
		nl[k], na[k] = v, la[k]
	}
	order = append(order, lorder...)
	m := nets.Point(0).Platforms[0].Model
	var lines []figures.Line
	for i, name := range order {
		ln := *nl[name]
		cstar := float64(na[name]*m.B*m.TA) / (1 - m.TA)
		label := familyNames[name]
		if label == "" {
			label = name
		}
		ln.Label = fmt.Sprintf("%s (α_{eff} %.3f, c* %.3f)", label, na[name], cstar)
		ln.Color = figures.PlatformColors[i%len(figures.PlatformColors)]
		ln.Dashed = name == "lattice"
		lines = append(lines, ln)
	}
	heading := sweepHeading(spec, nets, mode)
	f, err := figures.FrequencyLines(heading, "Cost of cooperation, c", "Final frequency of cooperators (mean ± 2 s.e.)", lines, panelFootnote(spec, mode))
	if err != nil {
		return err
	}
	return out.figure(f, heading)
}
