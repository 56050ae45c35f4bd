package paper

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

// committed is the repository's results directory, made by
// "culturesim reproduce --out results".
const committed = "../../results"

// committedManifest reads a committed panel's manifest as plain JSON and
// the provenance it records.
func committedManifest(t *testing.T, id string) (map[string]any, artifact.Provenance, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(committed, BaseName(id), artifact.ManifestFile))
	if os.IsNotExist(err) {
		return nil, artifact.Provenance{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var prov struct {
		Provenance artifact.Provenance `json:"provenance"`
	}
	if err := json.Unmarshal(b, &prov); err != nil {
		t.Fatal(err)
	}
	return m, prov.Provenance, true
}

// Every analytic panel regenerates the committed files byte for byte
// (PNG, SVG, CSV), given the provenance they were made with; the
// manifest holds the same fields, plus the schema and kind of the
// artifact.Manifest base.
func TestAnalyticPanelsMatchCommitted(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("CULTURESIM_PANELS_OUT"); d != "" {
		dir = d // keep the files, to inspect them
	}
	for _, id := range SortedIDs(AnalyticPanels()) {
		t.Run(id, func(t *testing.T) {
			want, prov, ok := committedManifest(t, id)
			if !ok {
				t.Skipf("no committed results/fig%s", id)
			}
			out, err := NewOutput(dir, id, prov)
			if err != nil {
				t.Fatal(err)
			}
			if err := AnalyticPanels()[id].Make(context.Background(), out); err != nil {
				t.Fatal(err)
			}
			// A PNG, an SVG and the tables: finite-n has one, the others
			// two or more.
			if want := map[bool]int{true: 3, false: 4}[id == finiteID]; len(out.Files) < want {
				t.Fatalf("files %v: want a PNG, an SVG and tables (%d files at least)", out.Files, want)
			}
			for _, f := range out.Files {
				got, err := os.ReadFile(filepath.Join(out.Dir, f))
				if err != nil {
					t.Fatal(err)
				}
				old, err := os.ReadFile(filepath.Join(committed, BaseName(id), f))
				if err != nil {
					t.Errorf("%s: not committed: %v", f, err)
					continue
				}
				if !bytes.Equal(got, old) {
					t.Errorf("%s differs from the committed file (%d bytes, committed %d)", f, len(got), len(old))
				}
			}
			b, err := os.ReadFile(filepath.Join(out.Dir, artifact.ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got["schema"] != float64(artifact.Schema) || got["kind"] != artifact.KindPanel {
				t.Errorf("manifest schema %v, kind %v", got["schema"], got["kind"])
			}
			for _, m := range []map[string]any{got, want} {
				delete(m, "schema")
				delete(m, "kind")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("manifest differs from the committed one:\n got %v\nwant %v", got, want)
			}
		})
	}
}

// The sweep panels' heatmaps, redrawn from the committed summary tables
// with the scenario, mode and provenance their manifests record, are the
// committed figures byte for byte: same title, labels, curves and
// footnote.
func TestSweepHeatmapsMatchCommitted(t *testing.T) {
	for _, s := range sweepSpecs {
		t.Run(s.id, func(t *testing.T) {
			_, prov, ok := committedManifest(t, s.id)
			if !ok {
				t.Skipf("no committed results/fig%s", s.id)
			}
			var man PanelManifest
			if err := artifact.ReadManifest(filepath.Join(committed, BaseName(s.id)), &man); err != nil {
				t.Fatal(err)
			}
			out := &Output{Dir: t.TempDir(), ID: s.id, Provenance: prov}
			// The redraw reads the panel's tables from its directory.
			for _, f := range man.Files {
				if filepath.Ext(f) == ".csv" {
					b, err := os.ReadFile(filepath.Join(committed, BaseName(s.id), f))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(out.Dir, f), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := Panels()[s.id].redraw(out, &man); err != nil {
				t.Fatal(err)
			}
			for _, f := range out.Files {
				got, _ := os.ReadFile(filepath.Join(out.Dir, f))
				old, err := os.ReadFile(filepath.Join(committed, BaseName(s.id), f))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, old) {
					t.Errorf("%s differs from the committed file (%d bytes, committed %d)", f, len(got), len(old))
				}
			}
		})
	}
}

// committedInset reads panel id's committed inset summary (skipping the
// test where there is none): its 9 × 9 cells and the index of its
// outcome column.
func committedInset(t *testing.T, id string) (*artifact.Table, int) {
	t.Helper()
	path := filepath.Join(committed, BaseName(id), BaseName(id)+"_"+insetTable+".csv")
	tab, err := artifact.ReadTable(path)
	if os.IsNotExist(err) {
		t.Skipf("no committed %s inset", id)
	}
	if err != nil {
		t.Fatal(err)
	}
	outcome := tab.Col("outcome")
	if len(tab.Rows) != 81 || outcome < 0 {
		t.Fatalf("%s: %d cells (want 9 × 9), outcome column %d", path, len(tab.Rows), outcome)
	}
	return tab, outcome
}

// The committed 4b inset shows what the paper describes: cells still
// mixed after 10,000 generations (at least half their replicates) lie
// mostly between γ1 and γ2, in the recursion's coexistence region for the
// lattice's α = 1/8, around T_A − T_B ≈ −0.035.
func TestCommittedInsetShowsCoexistence(t *testing.T) {
	tab, outcome := committedInset(t, "4b")
	mixed, between := 0, 0
	sum := 0.0
	for i := range tab.Rows {
		neither, err := tab.Float(i, "frac_neither")
		if err != nil {
			t.Fatal(err)
		}
		if neither < 0.5 {
			continue
		}
		bias, err := tab.Float(i, "axis_bias")
		if err != nil {
			t.Fatal(err)
		}
		mixed++
		sum += bias
		if tab.Rows[i][outcome] == "coexistence" {
			between++
		}
	}
	mean := sum / float64(mixed)
	if mixed < 10 || float64(between) < 0.75*float64(mixed) || mean < -0.045 || mean > -0.025 {
		t.Errorf("%d mixed cells, %d of them between the curves, mean T_A − T_B %.4f", mixed, between, mean)
	}
	t.Logf("%d of 81 cells mixed, %d of them between γ1 and γ2; mean T_A − T_B %.4f", mixed, between, mean)
}

// The committed S2b inset shows what local selection does instead: the
// cells between γ1 and γ2 go to defection (on average, B fixes in more
// than 90% of their runs) and at most a few cells stay mixed.
func TestCommittedS2bInsetHasNoCoexistence(t *testing.T) {
	tab, outcome := committedInset(t, "S2b")
	mixed, between := 0, 0
	fixedB := 0.0
	for i := range tab.Rows {
		neither, err := tab.Float(i, "frac_neither")
		if err != nil {
			t.Fatal(err)
		}
		if neither >= 0.5 {
			mixed++
		}
		if tab.Rows[i][outcome] == "coexistence" {
			fb, err := tab.Float(i, "frac_fixed_b")
			if err != nil {
				t.Fatal(err)
			}
			between++
			fixedB += fb
		}
	}
	if between == 0 || fixedB/float64(between) < 0.9 || mixed > 5 {
		t.Errorf("%d cells between the curves fix B in %.2f of runs on average; %d cells mixed", between, fixedB/float64(between), mixed)
	}
	t.Logf("%d cells between γ1 and γ2 fix B in %.2f of their runs on average; %d of 81 cells mixed", between, fixedB/float64(between), mixed)
}
