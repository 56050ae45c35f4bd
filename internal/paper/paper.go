// Package paper gathers every panel of the source paper that culturesim
// reproduces: the analytic ones (package figures) and the simulated ones,
// which run built-in scenarios. It backs "culturesim reproduce".
package paper

import (
	"context"
	"fmt"

	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/runs"
	"github.com/culturesim/culturesim/scenarios"
)

// Panels returns every reproducible panel by ID.
func Panels() map[string]figures.Panel {
	ps := figures.AnalyticPanels()
	for _, p := range append(sweepPanels(), fig4c()) {
		ps[p.ID] = p
	}
	return ps
}

// fig4c runs the built-in scenario fig4c: a long-lived polymorphism on the
// 100×100 lattice.
func fig4c() figures.Panel {
	const id = "4c"
	return figures.Panel{ID: id, Description: "lattice dynamics: cooperators and defectors coexist for 10,000 generations", Make: func(ctx context.Context, out *figures.Output) error {
		sc, err := scenarios.Builtin("fig4c")
		if err != nil {
			return err
		}
		ex, err := runs.Execute(ctx, sc, out.Workers)
		if err != nil {
			return err
		}
		title := runs.PlotTitle(sc)
		fig, err := figures.Dynamics("Figure 4c — "+title, runs.Trajectories(ex), sc.Base.Run.Generations,
			"culturesim reproduce 4c (scenario fig4c) — after "+figures.Citation+", Fig. 4c")
		if err != nil {
			return err
		}
		if err := out.Figure(fig, title); err != nil {
			return err
		}
		if err := out.Table("", runs.SeriesTable(ex)); err != nil {
			return err
		}
		if err := out.Table("runs", runs.RunsTable(ex)); err != nil {
			return err
		}
		return out.Manifest("Figure 4c: "+sc.Description, map[string]any{
			"scenario":     map[string]any{"name": sc.Name, "file": sc.File, "text": sc.Source},
			"resolved":     runs.Resolved(sc),
			"seed":         sc.Seed,
			"wall_seconds": ex.End.Sub(ex.Start).Seconds(),
			"workers":      ex.Workers,
			"data": map[string]string{
				"fig4c.csv":      "series: frequency of A at the start of every 10th generation, mean fitness of that generation, per replicate",
				"fig4c_runs.csv": "one row per replicate: stream seed, generations, final frequency of A, stop reason",
			},
			"note": fmt.Sprintf("the paper shows one run; this panel draws %d replicates thin and their mean bold", sc.Replicates),
		})
	}}
}
