package paper

import (
	"context"
	"encoding/json"
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

// sweepSpec is a sweep panel: its built-in scenario, the built-in
// scenario of its inset ("" for none) and its texts; insetOwn marks an
// inset the paper's panel does not have (S2b's, drawn for symmetry).
type sweepSpec struct {
	id, scenario, inset, desc, title string
	insetOwn                         bool
	// own marks culturesim's own panels (not the paper's figures); tables,
	// if set, writes the panel's further tables from the summary and
	// returns their descriptions by file name.
	own    bool
	tables func(out *Output, sc *scenarios.Scenario, summary *artifact.Table) (map[string]string, error)
}

var sweepSpecs = []sweepSpec{
	{"4a", "fig4a", "", "lattice sweep over T_A = T_B = T and c, global selection", "final cooperator frequency, T_A = T_B = T, global selection", false, false, nil},
	{"4b", "fig4b", "fig4b_inset", "lattice sweep over T_A − T_B and c, global selection, with the inset's finer sweep", "final cooperator frequency over T_A − T_B (T_A = 0.4), global selection", false, false, nil},
	{"S2a", "figS2a", "", "lattice sweep over T and c, local selection", "final cooperator frequency, T_A = T_B = T, local selection", false, false, nil},
	{"S2b", "figS2b", "figS2b_inset", "lattice sweep over T_A − T_B and c, local selection, with a finer sweep as 4b's inset (not in the paper)", "final cooperator frequency over T_A − T_B (T_A = 0.4), local selection", true, false, nil},
}

func sweepPanels() []Panel {
	out := make([]Panel, len(sweepSpecs))
	for i, s := range sweepSpecs {
		out[i] = sweepPanel(s)
	}
	return out
}

// The inset's sweep runs in DIR/fig<ID>/insetDir; its summary is copied
// as fig<ID>_inset_summary.csv.
const (
	insetDir   = "inset"
	insetTable = "inset_summary"
)

// insetMarker is where the inset of 4b and S2b puts its ×: the
// parameters of Figure 4c, read from its scenario (T_A − T_B, c).
func insetMarker() ([2]float64, error) {
	sc, err := scenarios.Builtin("fig4c")
	if err != nil {
		return [2]float64{}, err
	}
	m := sc.Point(0).Platforms[0].Model
	return [2]float64{artifact.Tidy(m.TA - m.TB), m.C}, nil
}

// sweepPanel reproduces a heatmap panel from a built-in sweep scenario
// (and its inset from another). The sweep's working directory, with its
// resumable journal, is DIR/fig<ID>/sweep (the inset's DIR/fig<ID>/inset):
// an interrupted --full run continues where it stopped.
func sweepPanel(s sweepSpec) Panel {
	return Panel{ID: s.id, Description: s.desc, Sweep: true,
		Make: func(ctx context.Context, out *Output) error {
			mode := modeFull
			if !out.Full {
				mode = modeQuick
			}
			sc, err := panelScenario(s.scenario, mode)
			if err != nil {
				return err
			}
			var inset *scenarios.Scenario
			if s.inset != "" {
				if inset, err = panelScenario(s.inset, mode); err != nil {
					return err
				}
			}
			return makeSweep(ctx, out, s, sc, inset, mode)
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
			var in *insetData
			if s.inset != "" {
				var info artifact.ScenarioInfo
				raw, ok := man.Extra["inset_scenario"].(json.RawMessage)
				if !ok {
					return fmt.Errorf("the manifest has no inset_scenario (the panel was made before it had an inset): make it again with %s", man.Regenerate)
				}
				if err := json.Unmarshal(raw, &info); err != nil {
					return fmt.Errorf("the manifest's inset_scenario: %w", err)
				}
				isc, err := info.Parse()
				if err != nil {
					return fmt.Errorf("the manifest's inset scenario: %w", err)
				}
				if in, err = newInsetData(isc, filepath.Join(out.Dir, out.tableName(insetTable)), s.insetOwn); err != nil {
					return err
				}
			}
			return drawSweep(out, s, sc, mode, filepath.Join(out.Dir, out.tableName("summary")), in)
		}}
}

// panelScenario is a built-in scenario as a panel of the mode runs it.
func panelScenario(name, mode string) (*scenarios.Scenario, error) {
	sc, err := scenarios.Builtin(name)
	if err != nil || mode == modeFull {
		return sc, err
	}
	return quickScenario(sc)
}

// insetData is an inset's scenario and summary table, where its × goes
// (insetMarker), and whether the paper does not have it (own).
type insetData struct {
	sc      *scenarios.Scenario
	summary string
	own     bool
	mark    [2]float64
}

func newInsetData(sc *scenarios.Scenario, summary string, own bool) (*insetData, error) {
	mark, err := insetMarker()
	if err != nil {
		return nil, err
	}
	return &insetData{sc: sc, summary: summary, own: own, mark: mark}, nil
}

// makeSweep runs (or resumes) the sweep of sc in DIR/fig<ID>/sweep, and
// that of inset (if not nil) in DIR/fig<ID>/inset, and writes the panel:
// the heatmap, the summary tables and the manifest.
func makeSweep(ctx context.Context, out *Output, s sweepSpec, sc, inset *scenarios.Scenario, mode string) error {
	summary, sessions, err := runSweep(ctx, out, sc, "sweep")
	if err != nil {
		return err
	}
	extra := map[string]any{
		"mode":          mode,
		"points":        sc.NumPoints(),
		"replicates":    sc.Replicates,
		"runs":          sc.NumRuns(),
		"sweep_dir":     "sweep/ (journal, runs.csv, summary.csv; not committed)",
		"wall_seconds":  wallSeconds(sessions),
		"sweep_session": sessions,
		"data": map[string]string{
			out.tableName("summary"): "the sweep's summary table: one row per grid cell with its parameters, the mean and sd of the final frequency of A over the replicates, fractions fixed A / fixed B / neither, mean generations",
		},
	}
	var in *insetData
	if inset != nil {
		isum, isessions, err := runSweep(ctx, out, inset, insetDir)
		if err != nil {
			return err
		}
		if in, err = newInsetData(inset, isum, s.insetOwn); err != nil {
			return err
		}
		extra["inset_scenario"] = artifact.ScenarioOf(inset)
		extra["inset_points"] = inset.NumPoints()
		extra["inset_runs"] = inset.NumRuns()
		extra["inset_dir"] = insetDir + "/ (journal, runs.csv, summary.csv; not committed)"
		extra["inset_wall_seconds"] = wallSeconds(isessions)
		extra["inset_session"] = isessions
		extra["inset_marker"] = map[string]float64{"bias": in.mark[0], "c": in.mark[1]}
		extra["data"].(map[string]string)[out.tableName(insetTable)] = "the inset's summary table (scenario " + inset.Name + "), in the same columns"
	}
	if err := drawSweep(out, s, sc, mode, summary, in); err != nil {
		return err
	}
	if s.tables != nil {
		t, err := artifact.ReadTable(summary)
		if err != nil {
			return err
		}
		more, err := s.tables(out, sc, t)
		if err != nil {
			return err
		}
		for k, v := range more {
			extra["data"].(map[string]string)[k] = v
		}
	}
	if err := out.copyTable("summary", summary); err != nil {
		return err
	}
	if in != nil {
		if err := out.copyTable(insetTable, in.summary); err != nil {
			return err
		}
	}
	return out.manifest(s.id, sweepHeading(s, sc, mode), artifact.ScenarioOf(sc), extra)
}

// runSweep runs (or resumes) sc's sweep in DIR/fig<ID>/<sub> and returns
// its summary table's path and its sessions.
func runSweep(ctx context.Context, out *Output, sc *scenarios.Scenario, sub string) (string, []artifact.Session, error) {
	work := filepath.Join(out.Dir, sub)
	res, err := runWork(ctx, sc, execute.Options{Dir: work, Kind: artifact.KindSweep, Workers: out.Workers, Selection: artifact.All,
		RecordEvery: execute.SweepRecording(sc), Progress: out.Progress, Provenance: out.Provenance})
	if err := incomplete(res, err, work); err != nil {
		return "", nil, err
	}
	man, err := artifact.ReadRunsManifest(work)
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(work, artifact.SummaryFile), man.Sessions, nil
}

// wallSeconds is the summed length of a directory's sessions.
func wallSeconds(sessions []artifact.Session) float64 {
	var wall time.Duration
	for _, s := range sessions {
		wall += s.End.Sub(s.Start)
	}
	return wall.Seconds()
}

// runWork runs (or resumes) a panel's runs in its work directory, which
// is the panel's own: one an older culturesim left that cannot be resumed,
// or one holding the runs of an earlier version of the panel's scenario,
// is started again rather than refused.
func runWork(ctx context.Context, sc *scenarios.Scenario, opts execute.Options) (*execute.Outcome, error) {
	opts.Resume = true
	res, err := execute.Run(ctx, sc, opts)
	if errors.Is(err, execute.ErrStale) || errors.Is(err, execute.ErrOtherScenario) {
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
func sweepHeading(s sweepSpec, sc *scenarios.Scenario, mode string) string {
	name := "Figure " + s.id
	if s.own {
		name = "culturesim " + s.id
	}
	if mode == modeQuick {
		return fmt.Sprintf("%s, quick variant (%d replicates, ≤ %d generations)\n%s", name, sc.Replicates, sc.Run.Generations, s.title)
	}
	return fmt.Sprintf("%s (%d replicates per cell)\n%s", name, sc.Replicates, s.title)
}

// panelFootnote is the source line of a simulated panel.
func panelFootnote(s sweepSpec, mode string) string {
	full := ""
	if mode == modeFull {
		full = " --full"
	}
	if s.own {
		return fmt.Sprintf("culturesim reproduce %s%s — culturesim's own panel, model of %s", s.id, full, figures.Citation)
	}
	return fmt.Sprintf("culturesim reproduce %s%s — after %s, Fig. %s", s.id, full, figures.Citation, s.id)
}

// drawSweep draws a sweep panel's heatmap from a summary table, with
// the inset drawn from its own (if in is not nil).
func drawSweep(out *Output, s sweepSpec, sc *scenarios.Scenario, mode, summaryPath string, in *insetData) error {
	t, err := artifact.ReadTable(summaryPath)
	if err != nil {
		return err
	}
	heading := sweepHeading(s, sc, mode)
	opts := figures.HeatmapOptions{}
	if in != nil {
		it, err := artifact.ReadTable(in.summary)
		if err != nil {
			return err
		}
		if opts.Inset, err = figures.SweepInset(sc, in.sc, it, in.mark, "Figure 4c's parameters", in.own); err != nil {
			return err
		}
	}
	figs, err := figures.SweepHeatmaps(sc, t, heading, panelFootnote(s, mode), opts)
	if err != nil {
		return err
	}
	if len(figs) != 1 {
		return fmt.Errorf("a paper sweep panel draws exactly one heatmap; scenario %s gives %d", sc.Name, len(figs))
	}
	return out.figure(figs[0].Figure, heading)
}
