package paper

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// fig4c runs the built-in scenario fig4c: a long-lived polymorphism on the
// 100×100 lattice. Its runs, with their resumable journal, are in
// DIR/fig4c/run, exactly as "culturesim run fig4c" writes them.
func fig4c() Panel {
	const id = "4c"
	return Panel{ID: id, Description: "lattice dynamics: cooperators and defectors coexist for 10,000 generations",
		Make: func(ctx context.Context, out *Output) error {
			sc, err := scenarios.Builtin("fig4c")
			if err != nil {
				return err
			}
			return makeRun(ctx, out, id, sc)
		},
		redraw: func(out *Output, man *PanelManifest) error {
			sc, err := man.ParseScenario()
			if err != nil {
				return err
			}
			rows, err := artifact.ReadSeriesCSV(filepath.Join(out.Dir, out.tableName("")))
			if err != nil {
				return err
			}
			return drawRun(out, id, sc, rows)
		}}
}

// makeRun runs (or resumes) the replicates of sc's one point in
// DIR/fig<ID>/run and writes the panel: the dynamics, the series and runs
// tables and the manifest.
func makeRun(ctx context.Context, out *Output, id string, sc *scenarios.Scenario) error {
	if sc.NumPoints() != 1 || sc.RecordEvery == 0 {
		return fmt.Errorf("panel %s needs a scenario of one point that records its series; %s has %d points, record_every = %d", id, sc.Name, sc.NumPoints(), sc.RecordEvery)
	}
	work := filepath.Join(out.Dir, "run")
	res, err := runWork(ctx, sc, execute.Options{Dir: work, Kind: artifact.KindRun, Workers: out.Workers,
		Selection: artifact.Selection{Point: 0, Replicate: -1}, RecordEvery: execute.RunRecording(sc),
		Progress: out.Progress, Provenance: out.Provenance})
	if err := incomplete(res, err, work); err != nil {
		return err
	}
	rows, err := artifact.ReadSeries(work)
	if err != nil {
		return err
	}
	if err := drawRun(out, id, sc, rows); err != nil {
		return err
	}
	if err := out.copyTable("", filepath.Join(work, artifact.SeriesCSVFile)); err != nil {
		return err
	}
	if err := out.copyTable("runs", filepath.Join(work, artifact.RunsFile)); err != nil {
		return err
	}
	title := sc.Description
	if !strings.HasPrefix(title, "Figure "+id) {
		title = "Figure " + id + ": " + title
	}
	return out.manifest(id, title, artifact.ScenarioOf(sc), map[string]any{
		// Timings and workers are in run/manifest.json: the committed
		// panel is the same bytes whenever it is made.
		"resolved": resolved(sc),
		"seed":     sc.Seed,
		"run_dir":  "run/ (journal, series.parquet, the sessions' times; not committed)",
		"data": map[string]string{
			out.tableName(""): fmt.Sprintf("the run's series table: per replicate, the world (platform \"all\") at the start of every %dth generation: "+
				"size, frequency of A, mean fitness of that generation (empty for the last, not played)", sc.RecordEvery),
			out.tableName("runs"): "the run's runs table: one row per replicate with its stream seed, parameters, final frequency of A, generations and stop reason",
		},
		"note": fmt.Sprintf("the paper shows one run; this panel draws %d replicates thin and their mean bold", sc.Replicates),
	})
}

// drawRun draws the dynamics panel from its series rows.
func drawRun(out *Output, id string, sc *scenarios.Scenario, rows []artifact.SeriesRow) error {
	title := figures.RunTitle(sc, 0, false)
	ts := figures.Trajectories(rows, 0)
	if len(ts) == 0 {
		return fmt.Errorf("panel %s: the series holds no rows of the world", id)
	}
	fig, err := figures.Dynamics("Figure "+id+" — "+title, ts, sc.Run.Generations,
		fmt.Sprintf("culturesim reproduce %s (scenario %s) — after %s, Fig. %s", id, figures.Literal(sc.Name), figures.Citation, id))
	if err != nil {
		return err
	}
	return out.figure(fig, title)
}

// resolved lists the settings a one-point scenario ran with, defaults
// included, by table (model, population), as sim.Settings names them.
func resolved(sc *scenarios.Scenario) map[string]any {
	w := sc.Point(0)
	platform := func(pc sim.PlatformConfig) map[string]any {
		tables := map[string]map[string]any{"model": {}, "population": {}}
		for _, s := range sim.Settings {
			if !s.Column || !s.AppliesTo(pc) {
				continue
			}
			v, _ := pc.Get(s.Key)
			if s.Type == sim.Choice {
				tables[s.Table][s.Key] = v.Str
			} else {
				tables[s.Table][s.Key] = v.Num
			}
		}
		if pc.Kind.Structured() {
			tables["population"]["effective_alpha"] = pc.Model.Alpha // Finish: the structure's
			tables["population"]["agents"] = pc.StartAgents()
		}
		return map[string]any{"model": tables["model"], "population": tables["population"]}
	}
	out := map[string]any{"generations": sc.Run.Generations, "record_every": sc.RecordEvery, "replicates": sc.Replicates,
		"stop": sc.Run.Stop.String()}
	if len(w.Platforms) == 1 {
		for k, v := range platform(w.Platforms[0]) {
			out[k] = v
		}
		return out
	}
	var plats []map[string]any
	for _, pc := range w.Platforms {
		p := platform(pc)
		p["name"] = pc.Name
		plats = append(plats, p)
	}
	out["platforms"] = plats
	return out
}
