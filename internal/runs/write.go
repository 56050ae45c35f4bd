package runs

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
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
	// PlatformPlotBase is the plot of platform scenarios and
	// deterministic runs (.png and .svg).
	PlatformPlotBase = "platforms"
)

// ManifestKind marks a directory written by "culturesim run".
const ManifestKind = "run"

// Write writes the execution's files into dir (which must exist) and
// returns their names. Unfinished replicates are left out of the tables
// and listed as such in the manifest.
func Write(dir string, ex *Execution, prov artifact.Provenance) ([]string, error) {
	sc := ex.Scenario
	var files []string
	platforms := sc.Base.Kind == scenarios.Platforms || ex.Deterministic
	md := artifact.Metadata{{"Title", PlotTitle(sc)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
	save := func(fig figures.Figure, base string) error {
		written, err := fig.Save(filepath.Join(dir, base), md)
		for _, w := range written {
			files = append(files, filepath.Base(w))
		}
		return err
	}
	foot := "culturesim run " + figures.Literal(sc.Name) + " — model of " + figures.Citation
	if ex.Deterministic {
		foot = "culturesim run --deterministic " + figures.Literal(sc.Name) + " — model of " + figures.Citation
	}
	if sc.Base.Run.RecordEvery > 0 {
		series := SeriesTable(ex)
		if platforms {
			series = PlatformSeriesTable(ex)
		}
		if err := series.Write(filepath.Join(dir, SeriesFile)); err != nil {
			return files, err
		}
		files = append(files, SeriesFile)
		var fig figures.Figure
		var err error
		base := PlotBase
		if platforms {
			title := PlotTitle(sc)
			if ex.Deterministic {
				first, rest, _ := strings.Cut(title, "\n")
				title = first + " — deterministic counterpart\n" + rest
			}
			fig, err = figures.PlatformDynamics(title, PlatformSeries(ex), EventMarks(sc), sc.Base.Run.Generations, foot)
			base = PlatformPlotBase
		} else {
			fig, err = figures.Dynamics(PlotTitle(sc), Trajectories(ex), sc.Base.Run.Generations, foot)
		}
		if err != nil {
			return files, err
		}
		if err := save(fig, base); err != nil {
			return files, err
		}
	}
	runsTable := RunsTable(ex)
	if platforms {
		runsTable = PlatformRunsTable(ex)
	}
	if err := runsTable.Write(filepath.Join(dir, RunsFile)); err != nil {
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
	if sc.Base.Kind == scenarios.Platforms {
		parts := make([]string, len(sc.Base.Platforms))
		for k, p := range sc.Base.Platforms {
			pm := sc.Base.PlatformModel(k)
			kind := fmt.Sprintf("N = %d", p.Size)
			if p.Kind == scenarios.Lattice {
				kind = fmt.Sprintf("%d×%d lattice", p.Size, p.Size)
			}
			parts[k] = fmt.Sprintf("%s: %s, b = %g, c = %g, v = %g, α = %.3g, T_A = %g, T_B = %g", figures.Literal(p.Name), kind, pm.B, pm.C, pm.V, pm.Alpha, pm.TA, pm.TB)
		}
		return fmt.Sprintf("%s\n%s", figures.Literal(sc.Name), strings.Join(parts, "\n"))
	}
	pop := fmt.Sprintf("well-mixed, N = %d", sc.Base.Size)
	alpha := fmt.Sprintf("α = %g", m.Alpha)
	if sc.Base.Kind == scenarios.Lattice {
		lc := sc.Base.Lattice.WithDefaults()
		pop = fmt.Sprintf("%d×%d lattice (%s r = %d, %s), %s selection", sc.Base.Size, sc.Base.Size, lc.Neighborhood, lc.Radius, lc.Boundary, lc.Selection)
		alpha = fmt.Sprintf("α_{eff} = %.4g", m.Alpha)
	}
	return fmt.Sprintf("%s: %s\nb = %g, c = %g, v = %g, %s, T_A = %g, T_B = %g", figures.Literal(sc.Name), pop, m.B, m.C, m.V, alpha, m.TA, m.TB)
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
		"deterministic":   ex.Deterministic,
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
	out := map[string]any{
		"model":        map[string]float64{"b": m.B, "c": m.C, "v": m.V, "alpha": m.Alpha, "ta": m.TA, "tb": m.TB},
		"population":   pop,
		"generations":  st.Run.Generations,
		"record_every": st.Run.RecordEvery,
		"replicates":   sc.Replicates,
	}
	if st.Kind == scenarios.Platforms {
		delete(out, "model") // may hold unset (NaN) defaults; each platform's is below
		var plats []map[string]any
		for k, p := range st.Platforms {
			pm := st.PlatformModel(k)
			plats = append(plats, map[string]any{"name": p.Name, "kind": p.Kind.String(), "size": p.Size, "agents": p.Agents, "initial_a": p.InitialA,
				"model": map[string]float64{"b": pm.B, "c": pm.C, "v": pm.V, "alpha": pm.Alpha, "ta": pm.TA, "tb": pm.TB}})
		}
		name := func(i int) string { return st.Platforms[i].Name }
		var routes, events, exposures []map[string]any
		for _, r := range st.Migration.Routes {
			rule := "random"
			if r.PayoffSeeking {
				rule = "payoff"
			}
			route := map[string]any{"from": name(r.From), "to": name(r.To), "rate": r.Rate, "rule": rule, "start": r.Start}
			if r.End > 0 {
				route["end"] = r.End
			}
			routes = append(routes, route)
		}
		for _, e := range st.Migration.Events {
			events = append(events, map[string]any{"generation": e.Generation, "from": name(e.From), "to": name(e.To), "fraction": e.Fraction, "phenotype": e.Phenotype.String()})
		}
		for _, x := range st.Migration.Exposures {
			exposures = append(exposures, map[string]any{"learners": name(x.Learners), "donors": name(x.Donors), "probability": x.Prob})
		}
		out["platforms"] = plats
		out["migration"] = map[string]any{"routes": routes, "events": events, "cross_exposure": exposures}
	}
	return out
}
