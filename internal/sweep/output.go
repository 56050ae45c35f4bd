package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/parquet-go/parquet-go"
	"gonum.org/v1/gonum/stat"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// paramHeader lists the parameter columns of runs.csv and summary.csv.
func paramHeader(sc *scenarios.Scenario) []string {
	h := []string{"b", "c", "v", "alpha", "ta", "tb", "kind", "size", "initial_a"}
	if sc.Base.Kind == scenarios.Lattice {
		h = append(h, "neighborhood", "radius", "boundary", "selection", "fitness", "initiation", "rounds")
	}
	return h
}

func paramRow(sc *scenarios.Scenario, point int) []string {
	st := sc.PointSetup(point)
	m := st.Model
	row := []string{artifact.F(m.B), artifact.F(m.C), artifact.F(m.V), artifact.F(m.Alpha), artifact.F(m.TA), artifact.F(m.TB),
		st.Kind.String(), artifact.I(st.Size), artifact.F(st.InitialA)}
	if st.Kind == scenarios.Platforms {
		// The world has no single α or initial frequency: the top-level
		// model holds defaults (maybe unset); each platform's values are
		// in the axes and the scenario.
		for i, v := range []float64{m.B, m.C, m.V, m.Alpha, m.TA, m.TB} {
			if math.IsNaN(v) {
				row[i] = ""
			}
		}
		row[8] = ""
	}
	if st.Kind == scenarios.Lattice {
		lc := st.Lattice.WithDefaults()
		row = append(row, lc.Neighborhood.String(), artifact.I(lc.Radius), lc.Boundary.String(), lc.Selection.String(),
			lc.Fitness.String(), artifact.F(lc.Initiation), artifact.I(lc.Rounds))
	}
	return row
}

// Results reads the finished runs of a sweep directory, in run order,
// without their series.
func Results(dir string) ([]RunResult, error) {
	rs, _, err := results(dir)
	return rs, err
}

// results reads every finished run in run order.
func results(dir string) ([]RunResult, *Scan, error) {
	var rs []RunResult
	scan, err := ReadJournal(filepath.Join(dir, JournalFile), func(r RunResult) error {
		r.Records = nil // series are streamed separately
		rs = append(rs, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Run < rs[j].Run })
	return rs, scan, nil
}

// RunsTable is runs.csv: one row per finished run, in run order.
func RunsTable(sc *scenarios.Scenario, rs []RunResult) *artifact.Table {
	t := &artifact.Table{Header: append(append([]string{"run", "point", "replicate", "seed"}, paramHeader(sc)...),
		"final_freq_a", "generations", "stop_reason", "clamped")}
	for _, r := range rs {
		row := append([]string{artifact.I(r.Run), artifact.I(r.Point), artifact.I(r.Rep), fmt.Sprint(r.Seed)}, paramRow(sc, r.Point)...)
		t.Add(append(row, artifact.F(r.Result.FinalFreqA), artifact.I(r.Result.Generations), r.Result.Reason.String(), artifact.I(r.Result.Clamped))...)
	}
	return t
}

// PointSummary aggregates the runs of one point.
type PointSummary struct {
	Point                               int
	Runs                                int
	MeanFreqA, SDFreqA                  float64
	FracFixedA, FracFixedB, FracNeither float64
	MeanGenerations                     float64
}

// Summarise aggregates complete results by point.
func Summarise(sc *scenarios.Scenario, rs []RunResult) []PointSummary {
	byPoint := make([][]RunResult, sc.NumPoints())
	for _, r := range rs {
		byPoint[r.Point] = append(byPoint[r.Point], r)
	}
	out := make([]PointSummary, 0, len(byPoint))
	for p, runs := range byPoint {
		if len(runs) == 0 {
			continue
		}
		freqs := make([]float64, len(runs))
		gens := make([]float64, len(runs))
		s := PointSummary{Point: p, Runs: len(runs)}
		for i, r := range runs {
			freqs[i], gens[i] = r.Result.FinalFreqA, float64(r.Result.Generations)
			switch r.Result.FinalFreqA {
			case 1:
				s.FracFixedA++
			case 0:
				s.FracFixedB++
			default:
				s.FracNeither++
			}
		}
		n := float64(len(runs))
		s.FracFixedA, s.FracFixedB, s.FracNeither = s.FracFixedA/n, s.FracFixedB/n, s.FracNeither/n
		s.MeanFreqA, s.SDFreqA = stat.MeanStdDev(freqs, nil)
		if len(runs) < 2 {
			s.SDFreqA = math.NaN()
		}
		s.MeanGenerations = stat.Mean(gens, nil)
		out = append(out, s)
	}
	return out
}

// SummaryTable is summary.csv: one row per point.
func SummaryTable(sc *scenarios.Scenario, ss []PointSummary) *artifact.Table {
	h := []string{"point"}
	for _, a := range sc.Axes {
		h = append(h, "axis_"+a.Key)
	}
	h = append(append(h, paramHeader(sc)...), "runs", "mean_final_freq_a", "sd_final_freq_a",
		"frac_fixed_a", "frac_fixed_b", "frac_neither", "mean_generations")
	t := &artifact.Table{Header: h}
	for _, s := range ss {
		row := []string{artifact.I(s.Point)}
		for _, v := range sc.PointValues(s.Point) {
			row = append(row, v.String())
		}
		sd := ""
		if !math.IsNaN(s.SDFreqA) {
			sd = artifact.F(s.SDFreqA)
		}
		row = append(append(row, paramRow(sc, s.Point)...), artifact.I(s.Runs), artifact.F(s.MeanFreqA), sd,
			artifact.F(s.FracFixedA), artifact.F(s.FracFixedB), artifact.F(s.FracNeither), artifact.F(s.MeanGenerations))
		t.Add(row...)
	}
	return t
}

// SeriesRow is a row of series.parquet (long format).
type SeriesRow struct {
	Point       int32    `parquet:"point"`
	Replicate   int32    `parquet:"replicate"`
	Generation  int32    `parquet:"generation"`
	FreqA       float64  `parquet:"freq_a"`
	MeanFitness *float64 `parquet:"mean_fitness,optional"`
	Clamped     int32    `parquet:"clamped"`
}

// writeSeries streams the journal's series into series.parquet in run
// order.
func writeSeries(dir string, scan *Scan) error {
	runs := make([]int, 0, len(scan.Offsets))
	for r := range scan.Offsets {
		runs = append(runs, r)
	}
	sort.Ints(runs)
	jf, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return err
	}
	defer jf.Close()
	tmp := filepath.Join(dir, "."+SeriesFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	w := parquet.NewGenericWriter[SeriesRow](f, parquet.Compression(&parquet.Zstd), parquet.CreatedBy("culturesim", "", ""))
	var rows []SeriesRow
	for _, r := range runs {
		rr, err := ReadEntry(jf, scan.Offsets[r])
		if err != nil {
			f.Close()
			return err
		}
		rows = rows[:0]
		for _, rec := range rr.Records {
			row := SeriesRow{Point: int32(rr.Point), Replicate: int32(rr.Rep), Generation: int32(rec.Generation), FreqA: rec.FreqA, Clamped: int32(rec.Clamped)}
			if !math.IsNaN(rec.MeanFitness) {
				mf := rec.MeanFitness
				row.MeanFitness = &mf
			}
			rows = append(rows, row)
		}
		if _, err := w.Write(rows); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, SeriesFile))
}

// WriteOutputs writes the tables (and plots, for a complete whole sweep)
// from the journal and updates the manifest.
func WriteOutputs(dir string, sc *scenarios.Scenario, man *Manifest) ([]string, error) {
	rs, scan, err := results(dir)
	if err != nil {
		return nil, err
	}
	man.DoneRuns = len(rs)
	complete := man.DoneRuns == man.ShardRuns
	whole := complete && man.Shard.Whole()
	var files []string
	if err := RunsTable(sc, rs).Write(filepath.Join(dir, RunsFile)); err != nil {
		return files, err
	}
	files = append(files, RunsFile)
	// A summary or plot of an incomplete grid would mislead: they wait for
	// the last run (or for merge).
	stale := []string{SummaryFile}
	if whole {
		if err := SummaryTable(sc, Summarise(sc, rs)).Write(filepath.Join(dir, SummaryFile)); err != nil {
			return files, err
		}
		files, stale = append(files, SummaryFile), nil
	}
	if recording(sc) > 0 {
		if err := writeSeries(dir, scan); err != nil {
			return files, fmt.Errorf("writing %s: %w", SeriesFile, err)
		}
		files = append(files, SeriesFile)
	}
	if whole {
		plots, err := WritePlots(dir, sc, Summarise(sc, rs), man.Provenance)
		files = append(files, plots...)
		if err != nil {
			return files, err
		}
	}
	for _, f := range stale {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return files, err
		}
	}
	man.Status = "interrupted"
	if complete {
		man.Status = "complete"
	}
	man.Files = append(files, ScenarioFile, JournalFile, ManifestFile)
	return files, artifact.WriteJSON(filepath.Join(dir, ManifestFile), man)
}

// Replot redraws the heatmaps of a complete sweep directory from its
// journal and recorded scenario.
func Replot(dir string, prov artifact.Provenance) ([]string, error) {
	man, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	sc, err := scenarios.Parse(man.Scenario.File, []byte(man.Scenario.Text))
	if err != nil {
		return nil, fmt.Errorf("the recorded scenario no longer parses: %w", err)
	}
	rs, _, err := results(dir)
	if err != nil {
		return nil, err
	}
	if len(rs) != man.TotalRuns {
		return nil, fmt.Errorf("holds %d of the sweep's %d runs; plots need them all (merge the shards, or --resume)", len(rs), man.TotalRuns)
	}
	return WritePlots(dir, sc, Summarise(sc, rs), prov)
}
