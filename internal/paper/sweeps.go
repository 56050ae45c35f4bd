package paper

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/scenarios"
)

// Quick variants of the sweep panels keep the paper's grid but run fewer
// replicates for fewer generations, so that "culturesim reproduce" stays
// short; --full runs the paper's 50 replicates and 10,000 generations.
const (
	QuickReplicates  = 2
	QuickGenerations = 2000
)

// Modes of a sweep panel, as its manifest records them.
const (
	modeQuick = "quick"
	modeFull  = "full"
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

// sweepSpec is a sweep panel: its built-in scenario and its texts.
type sweepSpec struct{ id, scenario, desc, title string }

var sweepSpecs = []sweepSpec{
	{"4a", "fig4a", "lattice sweep over T_A = T_B = T and c, global selection", "final cooperator frequency, T_A = T_B = T, global selection"},
	{"4b", "fig4b", "lattice sweep over T_A − T_B and c, global selection", "final cooperator frequency over T_A − T_B (T_A = 0.4), global selection"},
	{"S2a", "figS2a", "lattice sweep over T and c, local selection", "final cooperator frequency, T_A = T_B = T, local selection"},
	{"S2b", "figS2b", "lattice sweep over T_A − T_B and c, local selection", "final cooperator frequency over T_A − T_B (T_A = 0.4), local selection"},
}

func sweepPanels() []Panel {
	out := make([]Panel, len(sweepSpecs))
	for i, s := range sweepSpecs {
		out[i] = sweepPanel(s.id, s.scenario, s.desc, s.title)
	}
	return out
}

// sweepPanel reproduces a heatmap panel from a built-in sweep scenario.
// The sweep's working directory, with its resumable journal, is
// DIR/fig<ID>/sweep: an interrupted --full run continues where it stopped.
func sweepPanel(id, scenario, desc, title string) Panel {
	return Panel{ID: id, Description: desc, Sweep: true,
		Make: func(ctx context.Context, out *Output) error {
			sc, err := scenarios.Builtin(scenario)
			if err != nil {
				return err
			}
			mode := modeFull
			if !out.Full {
				mode = modeQuick
				if sc, err = quickScenario(sc); err != nil {
					return err
				}
			}
			return makeSweep(ctx, out, id, title, sc, mode)
		},
		redraw: func(out *Output, man *PanelManifest) error {
			sc, err := man.ParseScenario()
			if err != nil {
				return err
			}
			mode := man.extraString("mode")
			if mode != modeFull && mode != modeQuick {
				return fmt.Errorf("the manifest's mode is %q, not %q or %q", mode, modeQuick, modeFull)
			}
			return drawSweep(out, id, title, sc, mode, filepath.Join(out.Dir, out.tableName("summary")))
		}}
}

// makeSweep runs (or resumes) the sweep of sc in DIR/fig<ID>/sweep and
// writes the panel: the heatmap, the summary table and the manifest.
func makeSweep(ctx context.Context, out *Output, id, title string, sc *scenarios.Scenario, mode string) error {
	work := filepath.Join(out.Dir, "sweep")
	res, err := runWork(ctx, sc, execute.Options{Dir: work, Kind: artifact.KindSweep, Workers: out.Workers, Selection: artifact.All,
		RecordEvery: execute.SweepRecording(sc), Progress: out.Progress, Provenance: out.Provenance})
	if err := incomplete(res, err, work); err != nil {
		return err
	}
	man, err := artifact.ReadRunsManifest(work)
	if err != nil {
		return err
	}
	summary := filepath.Join(work, artifact.SummaryFile)
	if err := drawSweep(out, id, title, sc, mode, summary); err != nil {
		return err
	}
	if err := out.copyTable("summary", summary); err != nil {
		return err
	}
	var wall time.Duration
	for _, s := range man.Sessions {
		wall += s.End.Sub(s.Start)
	}
	return out.manifest(id, sweepHeading(id, title, sc, mode), artifact.NewScenarioInfo(sc.Name, sc.Description, sc.File, sc.Source), map[string]any{
		"mode":          mode,
		"points":        sc.NumPoints(),
		"replicates":    sc.Replicates,
		"runs":          sc.NumRuns(),
		"sweep_dir":     "sweep/ (journal, runs.csv, summary.csv; not committed)",
		"wall_seconds":  wall.Seconds(),
		"sweep_session": man.Sessions,
		"data": map[string]string{
			out.tableName("summary"): "the sweep's summary table: one row per grid cell with its parameters, the mean and sd of the final frequency of A over the replicates, fractions fixed A / fixed B / neither, mean generations",
		},
	})
}

// runWork runs (or resumes) a panel's runs in its work directory, which
// is the panel's own: one an older culturesim left that cannot be resumed
// is started again rather than refused.
func runWork(ctx context.Context, sc *scenarios.Scenario, opts execute.Options) (*execute.Outcome, error) {
	opts.Resume = true
	res, err := execute.Run(ctx, sc, opts)
	if errors.Is(err, execute.ErrStale) {
		opts.Resume, opts.Force = false, true
		res, err = execute.Run(ctx, sc, opts)
	}
	return res, err
}

// incomplete turns an execution that did not finish into an error that
// says how to continue.
func incomplete(res *execute.Outcome, err error, work string) error {
	switch {
	case err != nil && res != nil && !res.Complete:
		return fmt.Errorf("%w (%d of %d runs kept in %s; rerun the same command to continue)", err, res.Done, res.Total, work)
	case err != nil:
		return err
	case !res.Complete:
		return fmt.Errorf("%d of %d runs done in %s; rerun the same command to continue", res.Done, res.Total, work)
	}
	return nil
}

// sweepHeading is a sweep panel's title (and caption).
func sweepHeading(id, title string, sc *scenarios.Scenario, mode string) string {
	if mode == modeQuick {
		return fmt.Sprintf("Figure %s, quick variant (%d replicates, ≤ %d generations)\n%s", id, sc.Replicates, sc.Run.Generations, title)
	}
	return fmt.Sprintf("Figure %s (%d replicates per cell)\n%s", id, sc.Replicates, title)
}

// drawSweep draws a sweep panel's heatmap from a summary table.
func drawSweep(out *Output, id, title string, sc *scenarios.Scenario, mode, summaryPath string) error {
	t, err := artifact.ReadTable(summaryPath)
	if err != nil {
		return err
	}
	heading := sweepHeading(id, title, sc, mode)
	full := ""
	if mode == modeFull {
		full = " --full"
	}
	figs, err := figures.SweepHeatmaps(sc, t, heading, fmt.Sprintf("culturesim reproduce %s%s — after %s, Fig. %s", id, full, figures.Citation, id), false)
	if err != nil {
		return err
	}
	if len(figs) != 1 {
		return fmt.Errorf("a paper sweep panel draws exactly one heatmap; scenario %s gives %d", sc.Name, len(figs))
	}
	return out.figure(figs[0].Figure, heading)
}
