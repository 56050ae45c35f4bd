package runs

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/scenarios"
)

// Files written by Write.
const (
	SeriesFile   = "series.csv"
	RunsFile     = "runs.csv"
	ManifestFile = "manifest.json"
	PlotBase     = "dynamics" // .png and .svg
)

// ManifestKind marks a directory written by "culturesim run".
const ManifestKind = "run"

// Write writes the execution's files into dir (which must exist) and
// returns their names. Unfinished replicates are left out of the tables
// and listed as such in the manifest.
func Write(dir string, ex *Execution, prov artifact.Provenance) ([]string, error) {
	sc := ex.Scenario
	var files []string
	if sc.Base.Run.RecordEvery > 0 {
		if err := SeriesTable(ex).Write(filepath.Join(dir, SeriesFile)); err != nil {
			return files, err
		}
		files = append(files, SeriesFile)
		fig, err := figures.Dynamics(PlotTitle(sc), Trajectories(ex), sc.Base.Run.Generations,
			"culturesim run "+sc.Name+" — model of "+figures.Citation)
		if err != nil {
			return files, err
		}
		md := artifact.Metadata{{"Title", PlotTitle(sc)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
		written, err := fig.Save(filepath.Join(dir, PlotBase), md)
		for _, w := range written {
			files = append(files, filepath.Base(w))
		}
		if err != nil {
			return files, err
		}
	}
	if err := RunsTable(ex).Write(filepath.Join(dir, RunsFile)); err != nil {
		return files, err
	}
	files = append(files, RunsFile)
	files = append(files, ManifestFile)
	return files, artifact.WriteJSON(filepath.Join(dir, ManifestFile), manifest(ex, prov, files))
}

// PlotTitle names the scenario, its population and its parameters, on
// two lines.
func PlotTitle(sc *scenarios.Scenario) string {
	m := sc.Base.Model
	pop := fmt.Sprintf("well-mixed, N = %d", sc.Base.Size)
	alpha := fmt.Sprintf("α = %g", m.Alpha)
	if sc.Base.Kind == scenarios.Lattice {
		lc := sc.Base.Lattice.WithDefaults()
		pop = fmt.Sprintf("%d×%d lattice (%s r = %d, %s), %s selection", sc.Base.Size, sc.Base.Size, lc.Neighborhood, lc.Radius, lc.Boundary, lc.Selection)
		alpha = fmt.Sprintf("α_{eff} = %.4g", m.Alpha)
	}
	return fmt.Sprintf("%s: %s\nb = %g, c = %g, v = %g, %s, T_A = %g, T_B = %g", sc.Name, pop, m.B, m.C, m.V, alpha, m.TA, m.TB)
}

// SeriesTable is series.csv: one row per recorded generation of each
// finished replicate. freq_a is the frequency of A at the start of the
// generation; mean_fitness is empty on the final row, whose generation
// was not played.
func SeriesTable(ex *Execution) *artifact.Table {
	t := &artifact.Table{Header: []string{"replicate", "generation", "freq_a", "mean_fitness", "clamped"}}
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		for _, rec := range r.Records {
			mf := ""
			if !math.IsNaN(rec.MeanFitness) {
				mf = artifact.F(rec.MeanFitness)
			}
			t.Add(artifact.I(r.Index), artifact.I(rec.Generation), artifact.F(rec.FreqA), mf, artifact.I(rec.Clamped))
		}
	}
	return t
}

// RunsTable is runs.csv: one row per finished replicate.
func RunsTable(ex *Execution) *artifact.Table {
	t := &artifact.Table{Header: []string{"replicate", "seed", "generations", "final_freq_a", "stop_reason", "clamped"}}
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		t.Add(artifact.I(r.Index), fmt.Sprint(r.Seed), artifact.I(r.Result.Generations), artifact.F(r.Result.FinalFreqA),
			r.Result.Reason.String(), artifact.I(r.Result.Clamped))
	}
	return t
}

// Trajectories extracts the finished replicates' series for plotting.
func Trajectories(ex *Execution) []figures.Trajectory {
	var ts []figures.Trajectory
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		var t figures.Trajectory
		for _, rec := range r.Records {
			t.Generation = append(t.Generation, rec.Generation)
			t.FreqA = append(t.FreqA, rec.FreqA)
		}
		ts = append(ts, t)
	}
	return ts
}

type replicateInfo struct {
	Index  int    `json:"index"`
	Seed   uint64 `json:"seed"`
	Done   bool   `json:"done"`
	Reason string `json:"stop_reason,omitempty"`
}

func manifest(ex *Execution, prov artifact.Provenance, files []string) map[string]any {
	sc := ex.Scenario
	reps := make([]replicateInfo, len(ex.Replicates))
	done := 0
	for i, r := range ex.Replicates {
		reps[i] = replicateInfo{Index: i, Seed: r.Seed, Done: r.Done}
		if r.Done {
			reps[i].Reason = r.Result.Reason.String()
			done++
		}
	}
	return map[string]any{
		"kind":       ManifestKind,
		"provenance": prov,
		"scenario": map[string]any{
			"name": sc.Name, "description": sc.Description, "file": sc.File, "text": sc.Source,
		},
		"resolved":        Resolved(sc),
		"seed":            sc.Seed,
		"seed_derivation": "each replicate j draws from xoshiro256++ seeded by rng.StreamSeed(seed, 0, j) (SplitMix64 mixing)",
		"replicates":      reps,
		"complete":        done == len(ex.Replicates),
		"workers":         ex.Workers,
		"start":           ex.Start.UTC().Format(time.RFC3339Nano),
		"end":             ex.End.UTC().Format(time.RFC3339Nano),
		"wall_seconds":    ex.End.Sub(ex.Start).Seconds(),
		"warnings":        sc.Warnings,
		"files":           files,
	}
}

// Resolved lists the parameters a run used, defaults included.
func Resolved(sc *scenarios.Scenario) map[string]any {
	st := sc.Base
	m := st.Model
	pop := map[string]any{"kind": st.Kind.String(), "size": st.Size, "initial_a": st.InitialA, "stop": st.Run.Stop.String()}
	if st.Kind == scenarios.Lattice {
		lc := st.Lattice.WithDefaults()
		pop["neighborhood"], pop["radius"], pop["boundary"] = lc.Neighborhood.String(), lc.Radius, lc.Boundary.String()
		pop["selection"], pop["fitness"], pop["initiation"], pop["rounds"] = lc.Selection.String(), lc.Fitness.String(), lc.Initiation, lc.Rounds
		pop["effective_alpha"] = lc.EffectiveAlpha()
	}
	return map[string]any{
		"model":        map[string]float64{"b": m.B, "c": m.C, "v": m.V, "alpha": m.Alpha, "ta": m.TA, "tb": m.TB},
		"population":   pop,
		"generations":  st.Run.Generations,
		"record_every": st.Run.RecordEvery,
		"replicates":   sc.Replicates,
	}
}
