package figures

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

// Panel is one reproducible panel of the paper's figures.
type Panel struct {
	ID          string // as the paper numbers it: "2a", "S1"
	Description string
	// Sweep marks panels made by long parameter sweeps: they have a quick
	// variant (the default) and the paper's full size (Output.Full).
	Sweep bool
	// Make computes the panel and writes its files through out.
	Make func(ctx context.Context, out *Output) error
}

// Output collects the files of one panel in its own directory,
// DIR/fig<ID>/, and writes the manifest that lists them.
type Output struct {
	Dir     string // the panel's directory
	ID      string
	Full    bool // for sweep panels: the paper's full size, not the quick variant
	Workers int  // for simulated panels: parallel runs (0: one per CPU)
	// Progress, if set, receives the progress of simulated panels.
	Progress   func(done, total int)
	Provenance artifact.Provenance
	Files      []string // written so far, relative to Dir
}

// NewOutput creates the panel's directory under root.
func NewOutput(root, id string, prov artifact.Provenance) (*Output, error) {
	dir := filepath.Join(root, "fig"+id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("panel %s: %w", id, err)
	}
	return &Output{Dir: dir, ID: id, Provenance: prov}, nil
}

func (o *Output) add(path string) {
	rel, err := filepath.Rel(o.Dir, path)
	if err != nil {
		rel = path
	}
	o.Files = append(o.Files, rel)
}

// Table writes a CSV table named fig<ID>_<name>.csv (or fig<ID>.csv for
// an empty name).
func (o *Output) Table(name string, t *artifact.Table) error {
	base := "fig" + o.ID
	if name != "" {
		base += "_" + name
	}
	path := filepath.Join(o.Dir, base+".csv")
	if err := t.Write(path); err != nil {
		return err
	}
	o.add(path)
	return nil
}

// Figure writes fig<ID>.png and fig<ID>.svg, with the provenance and
// caption embedded.
func (o *Output) Figure(f Figure, caption string) error {
	md := artifact.Metadata{
		{"Title", "culturesim panel " + o.ID},
		{"Description", caption},
		{"Source", "After " + Citation},
		{"Software", o.Provenance.Tool + " " + o.Provenance.Version},
		{"Command", o.Provenance.Command},
	}
	files, err := f.Save(filepath.Join(o.Dir, "fig"+o.ID), md)
	for _, p := range files {
		o.add(p)
	}
	return err
}

// Manifest writes manifest.json: what the panel is, how it was made, and
// its files, merged with extra.
func (o *Output) Manifest(title string, extra map[string]any) error {
	m := map[string]any{
		"panel":      o.ID,
		"title":      title,
		"source":     Citation,
		"provenance": o.Provenance,
		"regenerate": "culturesim reproduce " + o.ID,
		"files":      append([]string(nil), o.Files...),
	}
	for k, v := range extra {
		m[k] = v
	}
	return artifact.WriteJSON(filepath.Join(o.Dir, "manifest.json"), m)
}

// footnote is the source line printed under each reproduced panel.
func footnote(id string) string {
	return "culturesim reproduce " + id + " — after " + Citation + ", Fig. " + id
}

// paramsMap lists the fixed parameters of a panel for its manifest.
func paramsMap(p model.Params, varying ...string) map[string]float64 {
	m := map[string]float64{"b": p.B, "c": p.C, "v": p.V, "alpha": p.Alpha, "ta": p.TA, "tb": p.TB}
	for _, k := range varying {
		delete(m, k)
		if k == "bias" {
			delete(m, "tb")
		}
	}
	return m
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
		fig, err := g.Figure(footnote(id))
		if err != nil {
			return err
		}
		if err := out.Figure(fig, m.Title); err != nil {
			return err
		}
		if err := out.Table("", g.Runs()); err != nil {
			return err
		}
		if err := out.Table("curves", m.CurveTable()); err != nil {
			return err
		}
		curves := []map[string]any{}
		for _, c := range m.Curves {
			curves = append(curves, map[string]any{"name": c.Key, "holds": strings.ReplaceAll(c.Means, "_", ""), "dashed": c.Dashed})
		}
		return out.Manifest(m.Title, map[string]any{
			"parameters": paramsMap(m.Base, m.X.Name, m.Y.Name),
			"grid": map[string]any{
				"x": m.X.Name, "x_min": m.X.Min, "x_max": m.X.Max, "nx": m.NX,
				"y": m.Y.Name, "y_min": m.Y.Min, "y_max": m.Y.Max, "ny": m.NY,
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

type namedMap struct {
	id, desc string
	m        RegionMap
}

// regionMaps are the region-map panels of the paper's Figures 2 and 3.
func regionMaps() []namedMap {
	return []namedMap{
		{"2a", "regions in (v, c) with γ1, γ2; T_A > T_B", RegionMap{
			Title: "Figure 2a: T_A = 0.5 > T_B = 0.4, b = 1.2, α = 0.4",
			Base:  model.Params{B: 1.2, Alpha: 0.4, TA: 0.5, TB: 0.4},
			X:     AxisV(), Y: AxisC(1), Curves: []Curve{CurveGamma1, CurveGamma2},
		}},
		{"2b", "regions in (v, c) with γ1, γ2; T_A < T_B", RegionMap{
			Title: "Figure 2b: T_A = 0.5 < T_B = 0.7, b = 2, α = 0.7",
			Base:  model.Params{B: 2, Alpha: 0.7, TA: 0.5, TB: 0.7},
			X:     AxisV(), Y: AxisC(1), Curves: []Curve{CurveGamma1, CurveGamma2},
		}},
		{"2c", "regions in (v, α) with a1, a2; T_A > T_B", RegionMap{
			Title: "Figure 2c: T_A = 0.5 > T_B = 0.4, b = 1.2, c = 0.5",
			Base:  model.Params{B: 1.2, C: 0.5, TA: 0.5, TB: 0.4},
			X:     AxisV(), Y: AxisAlpha(), Curves: []Curve{CurveA1, CurveA2},
		}},
		{"2d", "regions in (v, α) with a1, a2; T_A < T_B", RegionMap{
			Title: "Figure 2d: T_A = 0.5 < T_B = 0.7, b = 2, c = 0.5",
			Base:  model.Params{B: 2, C: 0.5, TA: 0.5, TB: 0.7},
			X:     AxisV(), Y: AxisAlpha(), Curves: []Curve{CurveA1, CurveA2},
		}},
		{"3a", "regions in (T_A − T_B, c), α = 0", RegionMap{
			Title: "Figure 3a: α = 0, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, V: 1, Alpha: 0, TA: 0.4},
			X:     AxisBias(-0.6, 0.4), Y: AxisC(1), Curves: []Curve{CurveGamma1, CurveGamma2}, ZeroLine: true,
		}},
		{"3b", "regions in (T_A − T_B, c), α = 0.7", RegionMap{
			Title: "Figure 3b: α = 0.7, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, V: 1, Alpha: 0.7, TA: 0.4},
			X:     AxisBias(-0.6, 0.4), Y: AxisC(1), Curves: []Curve{CurveGamma1, CurveGamma2}, ZeroLine: true,
		}},
		{"3c", "regions in (T_A − T_B, α), c = 0.35", RegionMap{
			Title: "Figure 3c: c = 0.35, b = 1.3, T_A = 0.4, v = 1",
			Base:  model.Params{B: 1.3, C: 0.35, V: 1, TA: 0.4},
			X:     AxisBias(-0.6, 0.4), Y: AxisAlpha(), Curves: []Curve{CurveA1, CurveA2}, ZeroLine: true,
		}},
	}
}

// AnalyticPanels returns the panels computed from the deterministic
// model, by ID.
func AnalyticPanels() map[string]Panel {
	out := map[string]Panel{}
	for _, nm := range regionMaps() {
		out[nm.id] = regionPanel(nm.id, nm.desc, nm.m)
	}
	for _, p := range []Panel{Fig1(), Fig3d(), FigS1()} {
		out[p.ID] = p
	}
	return out
}

// SortedIDs returns panel IDs in the paper's order (1, 2a…, 3d, 4a…, S1…).
func SortedIDs[T any](m map[string]T) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		si, sj := ids[i][0] == 'S', ids[j][0] == 'S'
		if si != sj {
			return sj
		}
		return ids[i] < ids[j]
	})
	return ids
}
