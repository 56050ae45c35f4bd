package figures

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
)

var plotProv = artifact.Provenance{Tool: "culturesim", Version: "test", Go: "go", Command: "culturesim plot DIR"}

// Tiny scenarios: a population, and a world of two platforms with an
// event and return migration.
const (
	singleTOML = `name = "tiny_single"
seed = 7
generations = 30
replicates = 3
record_every = 5

[model]
b = 1.3
c = 0.1
v = 0.9
alpha = 0.5
ta = 0.3
tb = 0.3

[population]
kind = "wellmixed"
size = 200
initial_a = 0.5
stop = "generations"
`
	worldTOML = `name = "tiny_world"
seed = 11
generations = 30
replicates = 2
record_every = 2

[model]
b = 1.3
c = 0.1
v = 0.9
ta = 0.3
tb = 0.3

[population]
stop = "generations"

[[platform]]
name = "feed"
[platform.population]
kind = "wellmixed"
size = 300
initial_a = 0.5
[platform.model]
alpha = 0.05

[[platform]]
name = "club_house"
[platform.population]
kind = "wellmixed"
size = 150
initial_a = 0.5
[platform.model]
alpha = 0.6

[[event]]
generation = 10
from = "feed"
to = "club_house"
fraction = 0.4

[[migration]]
from = "club_house"
to = "feed"
rate = 0.01
start = 15
`
)

func parse(t *testing.T, src string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse(t.Name()+".toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// execDir runs sc into a new directory and returns it.
func execDir(t *testing.T, sc *scenarios.Scenario, opts execute.Options) string {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = filepath.Join(t.TempDir(), "out")
	}
	if opts.Kind == "" {
		opts.Kind = artifact.KindSweep
		opts.Selection = artifact.All
	}
	opts.Workers, opts.Provenance = 2, plotProv
	out, err := execute.Run(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Selection.Shard.Whole() && !out.Complete {
		t.Fatalf("incomplete: %+v", out)
	}
	return opts.Dir
}

func runOpts(every int) execute.Options {
	return execute.Options{Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: -1}, RecordEvery: every}
}

// plotDir plots dir and checks that it drew exactly the figures want
// (base names), as valid PNG and SVG files with their metadata; it
// returns the SVGs' metadata blocks by base name.
func plotDir(t *testing.T, dir string, want ...string) map[string]string {
	t.Helper()
	files, err := PlotDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var expect []string
	for _, b := range want {
		expect = append(expect, b+".png", b+".svg")
	}
	if !reflect.DeepEqual(files, expect) {
		t.Fatalf("files %v, want %v", files, expect)
	}
	if keep := os.Getenv("CULTURESIM_PLOTS_OUT"); keep != "" {
		for _, f := range files {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			os.WriteFile(filepath.Join(keep, t.Name()+"_"+f), b, 0o644)
		}
	}
	meta := map[string]string{}
	for _, b := range want {
		raw, err := os.ReadFile(filepath.Join(dir, b+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Errorf("%s.png: %v", b, err)
		}
		if !bytes.Contains(raw, []byte("iTXt")) {
			t.Errorf("%s.png has no metadata", b)
		}
		svg, err := os.ReadFile(filepath.Join(dir, b+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		i, j := bytes.Index(svg, []byte("<metadata>")), bytes.Index(svg, []byte("</metadata>"))
		if !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) && !bytes.Contains(svg[:min(len(svg), 200)], []byte("<svg")) || i < 0 || j < i {
			t.Fatalf("%s.svg is not an SVG with metadata", b)
		}
		meta[b] = string(svg[i:j])
		for _, field := range []string{"Title: ", "Software: culturesim test", "Command: culturesim plot DIR", "Scenario: "} {
			if !strings.Contains(meta[b], field) {
				t.Errorf("%s.svg metadata lacks %q", b, field)
			}
		}
	}
	return meta
}

func TestPlotRunSingle(t *testing.T) {
	dir := execDir(t, parse(t, singleTOML), runOpts(5))
	meta := plotDir(t, dir, DynamicsBase)
	if !strings.Contains(meta[DynamicsBase], "Title: tiny_single: well-mixed, N = 200\nb = 1.3, c = 0.1, v = 0.9, α = 0.5, T_A = 0.3, T_B = 0.3") {
		t.Errorf("title: %s", meta[DynamicsBase])
	}
}

func TestPlotRunPlatforms(t *testing.T) {
	dir := execDir(t, parse(t, worldTOML), runOpts(2))
	meta := plotDir(t, dir, PlatformsBase)
	for _, s := range []string{"tiny_world\n", "feed: N = 300", "club_house: N = 150"} {
		if !strings.Contains(meta[PlatformsBase], s) {
			t.Errorf("title lacks %q: %s", s, meta[PlatformsBase])
		}
	}
}

func TestPlotDeterministic(t *testing.T) {
	for _, tc := range []struct{ src, base string }{{worldTOML, PlatformsBase}, {singleTOML, DynamicsBase}} {
		opts := runOpts(1)
		opts.Deterministic = true
		dir := execDir(t, parse(t, tc.src), opts)
		meta := plotDir(t, dir, tc.base)
		if !strings.Contains(meta[tc.base], " — deterministic counterpart") {
			t.Errorf("%s: title: %s", tc.base, meta[tc.base])
		}
	}
}

// One point of a sweep, run alone: its dynamics, titled with the point.
func TestPlotRunOfSweepPoint(t *testing.T) {
	sc := parse(t, singleTOML+"\n[sweep]\nc = [0.05, 0.2]\nalpha = [0.2, 0.8]\n")
	opts := runOpts(5)
	opts.Selection.Point = 3
	meta := plotDir(t, execDir(t, sc, opts), DynamicsBase)
	if !strings.Contains(meta[DynamicsBase], "tiny_single (c = 0.2, alpha = 0.8)") {
		t.Errorf("title: %s", meta[DynamicsBase])
	}
}

func TestPlotSweepHeatmaps(t *testing.T) {
	sc := parse(t, strings.Replace(singleTOML, "replicates = 3", "replicates = 2", 1)+"\n[sweep]\nc = [0.05, 0.1, 0.2]\nalpha = [0.2, 0.5, 0.8]\n")
	plotDir(t, execDir(t, sc, execute.Options{}), HeatmapBase)
	// A third axis of several values: one heatmap per value.
	sc = parse(t, strings.Replace(singleTOML, "replicates = 3", "replicates = 1", 1)+"\n[sweep]\nc = [0.05, 0.2]\nalpha = [0.2, 0.8]\nv = [0.5, 0.9]\n")
	plotDir(t, execDir(t, sc, execute.Options{}), HeatmapBase+"_v-0.5", HeatmapBase+"_v-0.9")
}

// A world's sweep: the world's heatmap and each platform's, with the
// thresholds of the platform the y axis sets.
func TestPlotSweepPlatforms(t *testing.T) {
	sc := parse(t, worldTOML+"\n[sweep]\nevent.1.fraction = [0, 0.4, 0.8]\nplatform.club_house.alpha = [0.1, 0.4, 0.7]\n")
	meta := plotDir(t, execDir(t, sc, execute.Options{}), HeatmapBase, HeatmapBase+"_feed", HeatmapBase+"_club_house")
	if !strings.Contains(meta[HeatmapBase], "in the world") || !strings.Contains(meta[HeatmapBase+"_feed"], "on feed") {
		t.Errorf("titles: %v", meta)
	}
	// The threshold: a horizontal line at club_house's a1 = a2 (T_A = T_B
	// there), on the world's heatmap and club_house's, none on feed's.
	ax, ay := 0, 1
	g := HeatGrid{X: []float64{0, 0.4, 0.8}, Y: []float64{0.1, 0.4, 0.7}}
	vals := sc.PointValues(0)
	for only, want := range map[int]int{-1: 1, 0: 0, 1: 1} {
		curves := thresholdCurves(sc, ax, ay, vals, g, only)
		if len(curves) != want {
			t.Fatalf("only %d: %d curves, want %d", only, len(curves), want)
		}
		for _, c := range curves {
			// named when there are several platforms; coloured on the world's map
			if (only < 0) != (c.Color != nil) || !strings.HasPrefix(c.Label, "club\\_house: a_1 = a_2") {
				t.Errorf("only %d: curve %q colour %v", only, c.Label, c.Color)
			}
			for _, piece := range c.Pieces {
				for _, pt := range piece {
					if pt.Y != piece[0].Y {
						t.Fatalf("curve %q is not horizontal: %v", c.Label, piece)
					}
				}
			}
		}
	}
}

func TestPlotSweepLines(t *testing.T) {
	sc := parse(t, strings.Replace(singleTOML, "replicates = 3", "replicates = 4", 1)+"\n[sweep]\nc = [0.3, 0.05, 0.1, 0.2]\n")
	meta := plotDir(t, execDir(t, sc, execute.Options{}), LinesBase)
	if !strings.Contains(meta[LinesBase], "Title: tiny_single: final frequency of A") {
		t.Errorf("title: %s", meta[LinesBase])
	}
	sc = parse(t, worldTOML+"\n[sweep]\nplatform.feed.alpha = [0.05, 0.3, 0.6]\nc = [0.1]\n")
	plotDir(t, execDir(t, sc, execute.Options{}), LinesBase)
}

// Shards have no summary: PlotDir says to merge; the merge plots.
func TestPlotShardsAndMerge(t *testing.T) {
	sc := parse(t, strings.Replace(singleTOML, "replicates = 3", "replicates = 2", 1)+"\n[sweep]\nc = [0.05, 0.1, 0.2]\nalpha = [0.2, 0.5, 0.8]\n")
	root := t.TempDir()
	var shards []string
	for i := range 2 {
		d := filepath.Join(root, fmt.Sprintf("shard%d", i))
		execDir(t, sc, execute.Options{Dir: d, Kind: artifact.KindSweep,
			Selection: artifact.Selection{Shard: artifact.Shard{Index: i, Count: 2}, Point: -1, Replicate: -1}})
		shards = append(shards, d)
	}
	_, err := PlotDir(shards[0])
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "merge") {
		t.Errorf("shard: %v", err)
	}
	merged := filepath.Join(root, "merged")
	if _, err := execute.Merge(shards, merged, false, plotProv); err != nil {
		t.Fatal(err)
	}
	plotDir(t, merged, HeatmapBase)
}

// Committed results keep the tables, not the journal: PlotDir needs only
// the tables and the manifest.
func TestPlotWithoutJournal(t *testing.T) {
	run := execDir(t, parse(t, worldTOML), runOpts(2))
	sweep := execDir(t, parse(t, strings.Replace(singleTOML, "replicates = 3", "replicates = 1", 1)+"\n[sweep]\nc = [0.05, 0.2]\nt = [0.2, 0.4]\n"), execute.Options{})
	for _, d := range []string{run, sweep} {
		for _, f := range []string{artifact.JournalFile, artifact.SeriesFile} { // committed runs keep series.csv only
			if err := os.Remove(filepath.Join(d, f)); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
	}
	plotDir(t, run, PlatformsBase)
	plotDir(t, sweep, HeatmapBase)
}

func TestPlotNothingToDraw(t *testing.T) {
	dir := execDir(t, parse(t, singleTOML), runOpts(0))
	if _, err := PlotDir(dir); !errors.Is(err, ErrNothingToPlot) || !strings.Contains(err.Error(), "no series") {
		t.Errorf("run without series: %v", err)
	}
	lattice := strings.NewReplacer("replicates = 3", "replicates = 1", `kind = "wellmixed"`, `kind = "lattice"`, "size = 200", "size = 6").Replace(singleTOML)
	sc := parse(t, lattice+"\n[sweep]\nneighborhood = [\"moore\", \"vonneumann\"]\nc = [0.1]\n")
	if _, err := PlotDir(execDir(t, sc, execute.Options{})); !errors.Is(err, ErrNothingToPlot) {
		t.Errorf("sweep without numeric axes: %v", err)
	}
	if _, err := PlotDir(t.TempDir()); err == nil {
		t.Error("PlotDir of an empty directory succeeded")
	}
}

// darkPixels counts the near-black pixels of a PNG (text, curves,
// hatching).
func darkPixels(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0x3000 && g < 0x3000 && bl < 0x3000 {
				n++
			}
		}
	}
	return n
}

// Cells whose simulation disagrees with the analytic outcome are
// hatched: summarised with a deliberately wrong α (0 instead of 0.7, so
// the theory says defection where cooperators fix), every cell of the
// heatmap is, and with the right α none is.
func TestHeatmapHatchesDisagreement(t *testing.T) {
	src := `name = "hatch"
seed = 3
generations = 400
replicates = 10
[model]
b = 1.3
alpha = 0.7
ta = 0.3
tb = 0.3
[population]
kind = "wellmixed"
size = 200
[sweep]
c = [0.05, 0.1, 0.15]
v = [0.8, 0.9, 1]
`
	sc := parse(t, src)
	dir := execDir(t, sc, execute.Options{})
	count := func() (disagree, agree int) {
		s, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range s.Rows {
			switch row[s.Col("agreement")] {
			case artifact.Disagrees:
				disagree++
			case artifact.Agrees:
				agree++
			}
		}
		return disagree, agree
	}
	if d, a := count(); d != 0 || a != 9 {
		t.Fatalf("right α: %d cells disagree, %d agree, want 0 and 9", d, a)
	}
	plotDir(t, dir, HeatmapBase)
	right := darkPixels(t, filepath.Join(dir, HeatmapBase+".png"))

	wrong := parse(t, strings.Replace(src, "alpha = 0.7", "alpha = 0", 1))
	if _, err := artifact.WriteTables(dir, wrong, artifact.TableOptions{Summary: true}); err != nil {
		t.Fatal(err)
	}
	if d, _ := count(); d != 9 {
		t.Fatalf("wrong α: %d cells disagree, want 9", d)
	}
	plotDir(t, dir, HeatmapBase)
	hatched := darkPixels(t, filepath.Join(dir, HeatmapBase+".png"))
	// Nine cells of some 70×40 pixels, hatched every 5 points with lines
	// a point wide: thousands of dark pixels more.
	if hatched < right+2000 {
		t.Errorf("hatched heatmap has %d dark pixels, the unhatched %d", hatched, right)
	}
}
