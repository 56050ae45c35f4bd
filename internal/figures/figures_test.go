package figures

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

// regen is gonum/plot's own -regen flag (defined by cmpimg).
var regen = cmpimg.GenerateTestData

func panel(t *testing.T, id string) Panel {
	t.Helper()
	p, ok := AnalyticPanels()[id]
	if !ok {
		t.Fatalf("no panel %s", id)
	}
	return p
}

// Points read off the paper's Figure 2 and 3 (shared/reference), each well
// inside one region: the computed maps must agree.
func TestRegionMapsMatchPaper(t *testing.T) {
	cases := []struct {
		m    RegionMap
		x, y float64
		want model.Outcome
	}{
		{fig2a(), 0.1, 0.1, model.Cooperation},
		{fig2a(), 0.9, 0.95, model.Defection},
		{fig2a(), 0.8, 0.67, model.Bistable},
		{fig2b(), 0.1, 0.5, model.Defection},
		{fig2b(), 0.45, 0.3, model.Coexistence},
		{fig2b(), 0.95, 0.5, model.Cooperation},
		{fig3b(), -0.3, 0.1, model.Coexistence},
		{fig3b(), 0.3, 0.8, model.Bistable},
		{fig3b(), -0.5, 0.5, model.Defection},
		{fig3b(), 0.2, 0.2, model.Cooperation},
	}
	for _, tc := range cases {
		p := tc.m.Base
		tc.m.X.Set(&p, tc.x)
		tc.m.Y.Set(&p, tc.y)
		if o, _ := p.Classify(); o != tc.want {
			t.Errorf("%s at (%v, %v): %v, want %v", tc.m.Title, tc.x, tc.y, o, tc.want)
		}
	}
}

func fig2a() RegionMap { return regionMapOf("2a") }
func fig2b() RegionMap { return regionMapOf("2b") }
func fig3b() RegionMap { return regionMapOf("3b") }

func regionMapOf(id string) RegionMap {
	for _, m := range regionMaps() {
		if m.id == id {
			return m.m
		}
	}
	panic("no region map " + id)
}

// The runs table is the grid, losslessly.
func TestRunsReconstructGrid(t *testing.T) {
	m := fig3b()
	m.NX, m.NY = 60, 50
	g, err := m.Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tab := g.Runs()
	dy := (m.Y.Max - m.Y.Min) / float64(m.NY)
	covered := make([]int, m.NX)
	for _, row := range tab.Rows {
		x, _ := strconv.ParseFloat(row[0], 64)
		y0, _ := strconv.ParseFloat(row[1], 64)
		y1, _ := strconv.ParseFloat(row[2], 64)
		i := int(math.Floor((x - m.X.Min) / (m.X.Max - m.X.Min) * float64(m.NX)))
		for j := int(math.Round((y0 - m.Y.Min) / dy)); j < int(math.Round((y1-m.Y.Min)/dy)); j++ {
			if got := cellName(g.Cells[j*m.NX+i]); got != row[3] {
				t.Fatalf("cell (%d,%d): run says %s, grid %s", i, j, row[3], got)
			}
			covered[i]++
		}
	}
	for i, n := range covered {
		if n != m.NY {
			t.Fatalf("column %d covered %d times, want %d", i, n, m.NY)
		}
	}
}

// Curves in the CSV put the parameters on the boundary they name.
func TestCurveTable(t *testing.T) {
	m := fig2a()
	tab := m.CurveTable()
	if len(tab.Rows) != curveSamples || tab.Header[1] != "gamma1" || tab.Header[2] != "gamma2" {
		t.Fatalf("header %v, %d rows", tab.Header, len(tab.Rows))
	}
	for _, row := range tab.Rows[1:] { // v = 0: γ1 undefined
		v, _ := strconv.ParseFloat(row[0], 64)
		g1, err := strconv.ParseFloat(row[1], 64)
		if err != nil {
			t.Fatalf("v = %v: γ1 %q", v, row[1])
		}
		p := m.Base
		p.V, p.C = v, g1
		if b3 := p.Beta3(); math.Abs(b3) > 1e-12 {
			t.Fatalf("v = %v: β3 at γ1 = %g", v, b3)
		}
	}
	if tab.Rows[0][1] != "" {
		t.Errorf("γ1 at v = 0 is %q, want empty (undefined)", tab.Rows[0][1])
	}
}

func TestCurveLinesBreakAtPoles(t *testing.T) {
	// γ2 = [bvαT_B + (1+b)Δ]/[v(1−T_B) + (1−v)Δ] with Δ < 0 has a pole
	// where the denominator vanishes: v(1−T_B) = (v−1)Δ.
	m := RegionMap{Base: model.Params{B: 2, Alpha: 0.7, TA: 0.5, TB: 0.7}, X: AxisV(), Y: AxisC(1)}
	lines := m.curveLines(CurveGamma2)
	if len(lines) < 2 {
		t.Fatalf("γ2 across its pole should split, got %d pieces", len(lines))
	}
}

func TestTickStep(t *testing.T) {
	for _, tc := range []struct{ span, want float64 }{{1, 0.2}, {0.2, 0.05}, {0.5, 0.1}, {250000, 50000}, {0.14, 0.02}} {
		if got := tickStep(tc.span); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("tickStep(%v) = %v, want %v", tc.span, got, tc.want)
		}
	}
	ts := stepTicks(0.2).Ticks(-0.6, 0.4)
	var labels []string
	for _, tk := range ts {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "-0.6 -0.4 -0.2 0.0 0.2 0.4" {
		t.Errorf("labels %v", labels)
	}
}

func TestSubscriptRuns(t *testing.T) {
	got := runs("T_A − T_{AB}, γ_1")
	want := []run{{"T", false}, {"A", true}, {" − T", false}, {"AB", true}, {", γ", false}, {"1", true}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("run %d: %v, want %v", i, got[i], want[i])
		}
	}
	parts, marks := segments("p̂' − p̂")
	if len(parts) != 3 || parts[0] != "p" || string(marks[0]) != "ˆ" || parts[1] != "' − " {
		t.Errorf("segments %q %q", parts, marks)
	}
}

// Every panel renders; its manifest and data files exist and its CSVs parse.
func TestAllAnalyticPanels(t *testing.T) {
	dir := t.TempDir()
	for _, id := range SortedIDs(AnalyticPanels()) {
		out, err := NewOutput(dir, id, artifact.Provenance{Tool: "culturesim", Version: "test", Command: "culturesim reproduce " + id})
		if err != nil {
			t.Fatal(err)
		}
		if err := panel(t, id).Make(context.Background(), out); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if _, err := os.Stat(filepath.Join(out.Dir, "manifest.json")); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		var pngs, csvs int
		for _, f := range out.Files {
			switch filepath.Ext(f) {
			case ".png":
				pngs++
			case ".csv":
				csvs++
				fh, err := os.Open(filepath.Join(out.Dir, f))
				if err != nil {
					t.Fatal(err)
				}
				rows, err := csv.NewReader(fh).ReadAll()
				fh.Close()
				if err != nil || len(rows) < 2 {
					t.Errorf("%s: %s: %d rows, %v", id, f, len(rows), err)
				}
			}
		}
		if pngs != 1 || csvs == 0 {
			t.Errorf("%s: files %v", id, out.Files)
		}
	}
}

// Golden images: a region map and the 3d panel render as before, within a
// small colour tolerance (fonts may antialias differently). Regenerate with
// go test ./internal/figures -regen.
func TestGoldenImages(t *testing.T) {
	for _, id := range []string{"2d", "3d"} {
		dir := t.TempDir()
		out, err := NewOutput(dir, id, artifact.Provenance{Tool: "culturesim", Version: "golden", Command: "culturesim reproduce " + id})
		if err != nil {
			t.Fatal(err)
		}
		if err := panel(t, id).Make(context.Background(), out); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out.Dir, "fig"+id+".png"))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "fig"+id+"_golden.png")
		if *regen {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -regen to create it)", err)
		}
		ok, err := cmpimg.EqualApprox("png", got, want, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			bad := filepath.Join(os.TempDir(), "fig"+id+"_got.png")
			os.WriteFile(bad, got, 0o644)
			t.Errorf("fig%s differs from %s; got written to %s", id, golden, bad)
		}
	}
}
