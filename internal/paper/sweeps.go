package paper

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"time"

	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/sweep"
	"github.com/culturesim/culturesim/scenarios"
)

// Quick variants of the sweep panels keep the paper's grid but run fewer
// replicates for fewer generations, so that "culturesim reproduce" stays
// short; --full runs the paper's 50 replicates and 10,000 generations.
const (
	QuickReplicates  = 2
	QuickGenerations = 2000
)

var (
	replicatesLine  = regexp.MustCompile(`(?m)^replicates\s*=\s*\d+`)
	generationsLine = regexp.MustCompile(`(?m)^generations\s*=\s*\d+`)
	nameLine        = regexp.MustCompile(`(?m)^name\s*=\s*"[^"]*"`)
)

// quickScenario rewrites a scenario's text to its quick variant, so that
// the text recorded with the results is the one that ran.
func quickScenario(sc *scenarios.Scenario) (*scenarios.Scenario, error) {
	src := replicatesLine.ReplaceAllString(sc.Source, fmt.Sprintf("replicates = %d", QuickReplicates))
	src = generationsLine.ReplaceAllString(src, fmt.Sprintf("generations = %d", QuickGenerations))
	src = nameLine.ReplaceAllString(src, fmt.Sprintf("name = %q", sc.Name+"_quick"))
	src = "# Quick variant written by culturesim reproduce: fewer replicates and generations than the paper.\n" + src
	return scenarios.Parse(sc.File+" (quick variant)", []byte(src))
}

// sweepPanel reproduces a heatmap panel from a built-in sweep scenario.
// The sweep's working directory, with its resumable journal, is
// DIR/fig<ID>/sweep: an interrupted --full run continues where it stopped.
func sweepPanel(id, scenario, desc, title string) figures.Panel {
	return figures.Panel{ID: id, Description: desc, Sweep: true, Make: func(ctx context.Context, out *figures.Output) error {
		sc, err := scenarios.Builtin(scenario)
		if err != nil {
			return err
		}
		mode := "full"
		if !out.Full {
			mode = "quick"
			if sc, err = quickScenario(sc); err != nil {
				return err
			}
		}
		work := filepath.Join(out.Dir, "sweep")
		res, err := sweep.Run(ctx, sc, sweep.Options{Dir: work, Workers: out.Workers, Resume: true,
			Progress: out.Progress, Provenance: out.Provenance})
		if err != nil {
			if res != nil && !res.Complete {
				return fmt.Errorf("%w (%d of %d runs kept in %s; rerun the same command to continue)", err, res.Done, res.Total, work)
			}
			return err
		}
		man, err := sweep.ReadManifest(work)
		if err != nil {
			return err
		}
		rs, err := sweep.Results(work)
		if err != nil {
			return err
		}
		sums := sweep.Summarise(sc, rs)
		heading := fmt.Sprintf("Figure %s (%d replicates per cell)\n%s", id, sc.Replicates, title)
		if mode == "quick" {
			heading = fmt.Sprintf("Figure %s, quick variant (%d replicates, ≤ %d generations)\n%s", id, sc.Replicates, sc.Base.Run.Generations, title)
		}
		figs, err := sweep.Heatmaps(sc, sums, heading, fmt.Sprintf("culturesim reproduce %s%s — after %s, Fig. %s",
			id, map[bool]string{true: " --full", false: ""}[out.Full], figures.Citation, id))
		if err != nil {
			return err
		}
		if len(figs) != 1 {
			return errors.New("a paper sweep panel must draw exactly one heatmap")
		}
		if err := out.Figure(figs[0].Figure, heading); err != nil {
			return err
		}
		if err := out.Table("summary", sweep.SummaryTable(sc, sums)); err != nil {
			return err
		}
		var wall time.Duration
		for _, s := range man.Sessions {
			wall += s.End.Sub(s.Start)
		}
		return out.Manifest(heading, map[string]any{
			"mode":          mode,
			"scenario":      map[string]any{"name": sc.Name, "file": sc.File, "sha256": man.Scenario.SHA256, "text": sc.Source},
			"points":        sc.NumPoints(),
			"replicates":    sc.Replicates,
			"runs":          sc.NumRuns(),
			"sweep_dir":     "sweep/ (journal, runs.csv; not committed)",
			"wall_seconds":  wall.Seconds(),
			"sweep_session": man.Sessions,
			"data": map[string]string{
				"fig" + id + "_summary.csv": "one row per grid cell: mean and sd of the final frequency of A over the replicates, fractions fixed A / fixed B / neither, mean generations",
			},
		})
	}}
}

func sweepPanels() []figures.Panel {
	return []figures.Panel{
		sweepPanel("4a", "fig4a", "lattice sweep over T_A = T_B = T and c, global selection", "final cooperator frequency, T_A = T_B = T, global selection"),
		sweepPanel("4b", "fig4b", "lattice sweep over T_A − T_B and c, global selection", "final cooperator frequency over T_A − T_B (T_A = 0.4), global selection"),
		sweepPanel("S2a", "figS2a", "lattice sweep over T and c, local selection", "final cooperator frequency, T_A = T_B = T, local selection"),
		sweepPanel("S2b", "figS2b", "lattice sweep over T_A − T_B and c, local selection", "final cooperator frequency over T_A − T_B (T_A = 0.4), local selection"),
	}
}
