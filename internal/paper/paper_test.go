package paper

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/cmpimg"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
)

// regen is gonum/plot's own -regen flag (defined by cmpimg).
var regen = cmpimg.GenerateTestData

var testProv = artifact.Provenance{Tool: "culturesim", Version: "test", Go: "go", Command: "culturesim reproduce"}

func panel(t *testing.T, id string) Panel {
	t.Helper()
	p, ok := Panels()[id]
	if !ok {
		t.Fatalf("no panel %s", id)
	}
	return p
}

func regionMapOf(id string) RegionMap {
	for _, m := range regionMaps() {
		if m.id == id {
			return m.m
		}
	}
	panic("no region map " + id)
}

// Points read off the paper's Figure 2 and 3 (shared/reference), each well
// inside one region: the computed maps must agree.
func TestRegionMapsMatchPaper(t *testing.T) {
	fig2a, fig2b, fig3b := regionMapOf("2a"), regionMapOf("2b"), regionMapOf("3b")
	cases := []struct {
		m    RegionMap
		x, y float64
		want model.Outcome
	}{
		{fig2a, 0.1, 0.1, model.Cooperation},
		{fig2a, 0.9, 0.95, model.Defection},
		{fig2a, 0.8, 0.67, model.Bistable},
		{fig2b, 0.1, 0.5, model.Defection},
		{fig2b, 0.45, 0.3, model.Coexistence},
		{fig2b, 0.95, 0.5, model.Cooperation},
		{fig3b, -0.3, 0.1, model.Coexistence},
		{fig3b, 0.3, 0.8, model.Bistable},
		{fig3b, -0.5, 0.5, model.Defection},
		{fig3b, 0.2, 0.2, model.Cooperation},
	}
	for _, tc := range cases {
		p := tc.m.Base
		tc.m.X.set(&p, tc.x)
		tc.m.Y.set(&p, tc.y)
		if o, _ := p.Classify(); o != tc.want {
			t.Errorf("%s at (%v, %v): %v, want %v", tc.m.Title, tc.x, tc.y, o, tc.want)
		}
	}
}

// Axis labels come from model.Parameters.
func TestAxisLabels(t *testing.T) {
	for key, want := range map[string]string{"v": "Vertical transmission rate, v", "c": "Cost of cooperation, c",
		"alpha": "Interaction–transmission association, α", "bias": "Horizontal transmission bias, T_A − T_B"} {
		if got := (Axis{Key: key}).Label(); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
}

// The runs table is the grid, losslessly.
func TestRunsReconstructGrid(t *testing.T) {
	m := regionMapOf("3b")
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
	m := regionMapOf("2a")
	tab := m.CurveTable()
	if len(tab.Rows) != figures.CurveSamples || tab.Header[1] != "gamma1" || tab.Header[2] != "gamma2" {
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

func TestSortedIDs(t *testing.T) {
	got := strings.Join(SortedIDs(Panels()), " ")
	if want := "1 2a 2b 2c 2d 3a 3b 3c 3d 4a 4b 4c S1 S2a S2b finite-n net-families net-k"; got != want {
		t.Errorf("SortedIDs = %s, want %s", got, want)
	}
	for id, p := range Panels() {
		if p.ID != id || p.Description == "" || p.Make == nil {
			t.Errorf("panel %s: %+v", id, p)
		}
		if p.Sweep != (id == "4a" || id == "4b" || id == "S2a" || id == "S2b" || id == "net-k" || id == "net-families") {
			t.Errorf("panel %s: Sweep = %v", id, p.Sweep)
		}
	}
}

// A manifest reads back as it was written: the base, the panel's fields
// and the extras, which follow in key order.
func TestPanelManifestRoundTrip(t *testing.T) {
	m := PanelManifest{
		Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: artifact.KindPanel, Provenance: testProv,
			Scenario: artifact.NewScenarioInfo("s", "d", "f.toml", "text"), Files: []string{"a.png"}},
		Panel: "4a", Title: "T", Source: "S", Regenerate: "culturesim reproduce 4a --full",
		Extra: map[string]any{"zeta": 1, "mode": "full", "data": map[string]string{"x": "y"}},
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	order := []string{`"schema"`, `"kind"`, `"provenance"`, `"scenario"`, `"files"`, `"panel"`, `"title"`, `"source"`, `"regenerate"`, `"data"`, `"mode"`, `"zeta"`}
	last := -1
	for _, k := range order {
		i := strings.Index(s, k+":")
		if i <= last {
			t.Fatalf("%s out of order in %s", k, s)
		}
		last = i
	}
	var back PanelManifest
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Manifest, m.Manifest) || back.Panel != m.Panel || back.Regenerate != m.Regenerate || back.extraString("mode") != "full" || len(back.Extra) != 3 {
		t.Errorf("read back %+v", back)
	}
	m.Extra["panel"] = "x"
	if _, err := json.Marshal(m); err == nil {
		t.Error("an extra field named like a common one was accepted")
	}
}

// checkFigure checks that dir holds base.png (a PNG) and base.svg (an
// SVG with the embedded metadata).
func checkFigure(t *testing.T, dir, base string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, base+".png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("%s.png: %v", base, err)
	}
	s, err := os.ReadFile(filepath.Join(dir, base+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(s, []byte("<svg")) || !bytes.Contains(s, []byte("<metadata>")) {
		t.Errorf("%s.svg is not an SVG with metadata", base)
	}
}

// Every panel renders; its manifest and data files exist and its CSVs parse.
func TestAllAnalyticPanels(t *testing.T) {
	dir := t.TempDir()
	for _, id := range SortedIDs(AnalyticPanels()) {
		out, err := NewOutput(dir, id, testProv)
		if err != nil {
			t.Fatal(err)
		}
		if err := panel(t, id).Make(context.Background(), out); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		man, err := readPanelManifest(out.Dir)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if man.Panel != id || !reflect.DeepEqual(man.Files, out.Files) || man.Provenance != testProv {
			t.Errorf("%s: manifest %+v", id, man)
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
		checkFigure(t, out.Dir, BaseName(id))
	}
}

// Golden images: a region map and the 3d panel render as before, within a
// small colour tolerance (fonts may antialias differently). Regenerate with
// go test ./internal/paper -regen.
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

// Replot recomputes analytic panels in place, from a panel's directory
// or from the reproduce directory above it.
func TestReplotAnalytic(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"2a", "3d"} {
		out, err := NewOutput(root, id, testProv)
		if err != nil {
			t.Fatal(err)
		}
		if err := panel(t, id).Make(context.Background(), out); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := os.ReadFile(filepath.Join(root, "fig3d", "fig3d.png"))
	files, err := Replot(filepath.Join(root, "fig3d"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig3d.png", "fig3d.svg", "fig3d.csv", "fig3d_equilibria.csv", "manifest.json"}; !reflect.DeepEqual(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	after, _ := os.ReadFile(filepath.Join(root, "fig3d", "fig3d.png"))
	if !bytes.Equal(before, after) {
		t.Error("replotting with the same provenance changed fig3d.png")
	}
	files, err = Replot(filepath.Join(root, "fig2a"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 || files[0] != "fig2a.png" {
		t.Errorf("files %v", files)
	}
	checkFigure(t, filepath.Join(root, "fig2a"), "fig2a")
	if _, err := Replot(t.TempDir()); err == nil {
		t.Error("Replot of an empty directory succeeded")
	}
}

// tinyScenario shrinks a built-in lattice scenario for tests: a 10×10
// lattice, few generations and replicates, and (for sweeps) a small grid.
func tinyScenario(t *testing.T, name string, sweep string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(sc.Source, "size = 100", "size = 10", 1)
	src = generationsLine.ReplaceAllString(src, "generations = 30")
	src = replicatesLine.ReplaceAllString(src, "replicates = 2")
	if sweep != "" {
		src = src[:strings.Index(src, "[sweep]")] + "[sweep]\n" + sweep
	}
	sc, err = scenarios.Parse("tiny "+name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// A sweep panel runs through the executor into DIR/fig<ID>/sweep, resumes
// from it, copies its summary byte for byte and replots from the copy.
func TestSweepPanel(t *testing.T) {
	root := t.TempDir()
	sc := tinyScenario(t, "fig4a", "t = {from = 0, to = 0.5, step = 0.25}\nc = {from = 0, to = 0.2, step = 0.1}\n")
	out, err := NewOutput(root, "4a_quick", testProv)
	if err != nil {
		t.Fatal(err)
	}
	spec := sweepSpecs[0]
	if err := makeSweep(context.Background(), out, spec, sc, nil, modeQuick); err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig4a_quick.png", "fig4a_quick.svg", "fig4a_quick_summary.csv"}; !reflect.DeepEqual(out.Files, want) {
		t.Errorf("files %v, want %v", out.Files, want)
	}
	checkFigure(t, out.Dir, "fig4a_quick")
	summary, _ := os.ReadFile(filepath.Join(out.Dir, "sweep", artifact.SummaryFile))
	copied, _ := os.ReadFile(filepath.Join(out.Dir, "fig4a_quick_summary.csv"))
	if len(summary) == 0 || !bytes.Equal(summary, copied) {
		t.Error("the panel's summary is not the sweep's")
	}
	man, err := readPanelManifest(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if man.Panel != "4a" || man.Scenario == nil || man.Scenario.Text != sc.Source || man.extraString("mode") != modeQuick || man.Regenerate != "culturesim reproduce 4a" {
		t.Errorf("manifest %+v", man)
	}
	// Again: everything is in the journal, nothing reruns.
	again := &Output{Dir: out.Dir, ID: out.ID, Provenance: testProv}
	if err := makeSweep(context.Background(), again, spec, sc, nil, modeQuick); err != nil {
		t.Fatal(err)
	}
	rm, err := artifact.ReadRunsManifest(filepath.Join(out.Dir, "sweep"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rm.Sessions); n != 2 || rm.Sessions[1].RunsDone != 0 {
		t.Errorf("sessions %+v: the second should have resumed everything", rm.Sessions)
	}
	// Replot redraws from the panel's own summary: without the sweep.
	if err := os.RemoveAll(filepath.Join(out.Dir, "sweep")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out.Dir, "fig4a_quick.png"))
	files, err := Replot(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig4a_quick.png", "fig4a_quick.svg"}; !reflect.DeepEqual(files, want) {
		t.Errorf("replot files %v, want %v", files, want)
	}
	after, _ := os.ReadFile(filepath.Join(out.Dir, "fig4a_quick.png"))
	if !bytes.Equal(before, after) {
		t.Error("the replotted heatmap differs from the original")
	}
}

// A panel with an inset runs the inset's sweep into DIR/fig<ID>/inset,
// copies its summary beside the panel's, records its scenario, and
// replots both from the copies.
func TestSweepPanelInset(t *testing.T) {
	root := t.TempDir()
	sc := tinyScenario(t, "fig4b", "bias = {from = -0.1, to = 0.1, step = 0.1}\nc = {from = 0, to = 0.5, step = 0.25}\n")
	inset := tinyScenario(t, "fig4b_inset", "bias = {from = -0.055, to = -0.015, n = 3}\nc = {from = 0, to = 0.09, n = 3}\n")
	out, err := NewOutput(root, "4b_quick", testProv)
	if err != nil {
		t.Fatal(err)
	}
	spec := sweepSpecs[1]
	if spec.inset != "fig4b_inset" {
		t.Fatalf("4b's inset is %q", spec.inset)
	}
	if err := makeSweep(context.Background(), out, spec, sc, inset, modeQuick); err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig4b_quick.png", "fig4b_quick.svg", "fig4b_quick_summary.csv", "fig4b_quick_inset_summary.csv"}; !reflect.DeepEqual(out.Files, want) {
		t.Errorf("files %v, want %v", out.Files, want)
	}
	checkFigure(t, out.Dir, "fig4b_quick")
	summary, _ := os.ReadFile(filepath.Join(out.Dir, insetDir, artifact.SummaryFile))
	copied, _ := os.ReadFile(filepath.Join(out.Dir, "fig4b_quick_inset_summary.csv"))
	if len(summary) == 0 || !bytes.Equal(summary, copied) {
		t.Error("the panel's inset summary is not the inset sweep's")
	}
	man, err := readPanelManifest(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var info artifact.ScenarioInfo
	if raw, ok := man.Extra["inset_scenario"].(json.RawMessage); !ok || json.Unmarshal(raw, &info) != nil || info.Text != inset.Source {
		t.Errorf("the manifest's inset_scenario %v is not the inset's", man.Extra["inset_scenario"])
	}
	// Without the inset, the figure differs: the inset is drawn.
	plain := &Output{Dir: t.TempDir(), ID: out.ID, Provenance: testProv}
	if err := drawSweep(plain, spec, sc, modeQuick, filepath.Join(out.Dir, "fig4b_quick_summary.csv"), nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out.Dir, "fig4b_quick.png"))
	without, _ := os.ReadFile(filepath.Join(plain.Dir, "fig4b_quick.png"))
	if bytes.Equal(before, without) {
		t.Error("the heatmap with its inset is the one without")
	}
	for _, d := range []string{"sweep", insetDir} {
		if err := os.RemoveAll(filepath.Join(out.Dir, d)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Replot(out.Dir); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(out.Dir, "fig4b_quick.png"))
	if !bytes.Equal(before, after) {
		t.Error("the replotted heatmap differs from the original")
	}
}

// 4c runs as culturesim run would, into DIR/fig4c/run, and its tables
// are the run's in the artifact schemas.
func TestRunPanel(t *testing.T) {
	root := t.TempDir()
	sc := tinyScenario(t, "fig4c", "")
	out, err := NewOutput(root, "4c", testProv)
	if err != nil {
		t.Fatal(err)
	}
	if err := makeRun(context.Background(), out, "4c", sc); err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig4c.png", "fig4c.svg", "fig4c.csv", "fig4c_runs.csv"}; !reflect.DeepEqual(out.Files, want) {
		t.Errorf("files %v, want %v", out.Files, want)
	}
	checkFigure(t, out.Dir, "fig4c")
	for f, src := range map[string]string{"fig4c.csv": artifact.SeriesCSVFile, "fig4c_runs.csv": artifact.RunsFile} {
		a, _ := os.ReadFile(filepath.Join(out.Dir, f))
		b, _ := os.ReadFile(filepath.Join(out.Dir, "run", src))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s is not the run's %s", f, src)
		}
	}
	series, err := artifact.ReadTable(filepath.Join(out.Dir, "fig4c.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(series.Header[:len(artifact.SeriesHeaderOf(1))], artifact.SeriesHeaderOf(1)) || series.Col("alpha") < 0 {
		t.Errorf("series header %v", series.Header)
	}
	man, err := readPanelManifest(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if man.Panel != "4c" || strings.HasPrefix(man.Title, "Figure 4c: Figure 4c") || man.Scenario == nil {
		t.Errorf("manifest %+v", man)
	}
	before, _ := os.ReadFile(filepath.Join(out.Dir, "fig4c.png"))
	// A work directory an older culturesim left (schema 2, whose series
	// journal this build cannot continue) is started again, not refused.
	mpath := filepath.Join(out.Dir, "run", artifact.ManifestFile)
	mb, _ := os.ReadFile(mpath)
	stale := bytes.Replace(mb, []byte(fmt.Sprintf(`"schema": %d,`, artifact.Schema)), []byte(`"schema": 2,`), 1)
	if bytes.Equal(stale, mb) {
		t.Fatal("no schema in the run's manifest")
	}
	if err := os.WriteFile(mpath, stale, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := NewOutput(root, "4c", testProv)
	if err != nil {
		t.Fatal(err)
	}
	if err := makeRun(context.Background(), again, "4c", sc); err != nil {
		t.Fatalf("a stale work directory: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out.Dir, "fig4c.png")); !bytes.Equal(before, b) {
		t.Error("the panel remade from a stale work directory differs")
	}
	if err := os.RemoveAll(filepath.Join(out.Dir, "run")); err != nil {
		t.Fatal(err)
	}
	files, err := Replot(out.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"fig4c.png", "fig4c.svg"}; !reflect.DeepEqual(files, want) {
		t.Errorf("replot files %v, want %v", files, want)
	}
	after, _ := os.ReadFile(filepath.Join(out.Dir, "fig4c.png"))
	if !bytes.Equal(before, after) {
		t.Error("the replotted dynamics differ from the original")
	}
}

// Replot refuses a panel of an older schema, and says how to remake it.
func TestReplotOldSchema(t *testing.T) {
	dir := t.TempDir()
	m := map[string]any{"kind": artifact.KindPanel, "panel": "4c", "regenerate": "culturesim reproduce 4c", "files": []string{"fig4c.png"}}
	if err := artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), m); err != nil {
		t.Fatal(err)
	}
	_, err := Replot(dir)
	if err == nil || !strings.Contains(err.Error(), "culturesim reproduce 4c") {
		t.Errorf("err = %v", err)
	}
}
