package figures

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// Base names of the figures PlotDir draws (each as .png and .svg).
const (
	DynamicsBase  = "dynamics"  // one point of a world of one platform
	PlatformsBase = "platforms" // one point of a world of several platforms
	HeatmapBase   = "heatmap"   // sweeps over two numeric axes: heatmap[_PLATFORM][_KEY-VALUE…]
	LinesBase     = "lines"     // sweeps over one numeric axis: lines[_KEY-VALUE…]
)

var (
	// ErrNothingToPlot: the directory holds results but no figure can be
	// drawn from them (one point without series; a sweep without a
	// numeric axis of several values). The wrapping error says which.
	ErrNothingToPlot = errors.New("nothing to plot")
	// ErrIncomplete: a sweep directory without its summary (a shard, or
	// a sweep not finished).
	ErrIncomplete = errors.New("the sweep is not complete")
)

// PlotDir draws the figures of a run or sweep directory (a run, a
// deterministic run, a sweep, a merge, or committed results) from its
// tables and the scenario its manifest records; it never reads the
// journal. It saves them into dir, with their title, the software, the
// command and the scenario embedded, and returns their file names.
//
//   - One point (a run; a sweep of one point): the dynamics from the
//     series, dynamics.png for a world of one platform (each replicate
//     thin, their mean bold), platforms.png for several (means per
//     platform, natives against migrants, sizes, migration events).
//   - A sweep over two or more numeric axes: heatmaps of the mean final
//     frequency of A in the world (heatmap.png) and, for several
//     platforms, on each (heatmap_PLATFORM.png), one per combination of
//     the other axes (…_KEY-VALUE), with the analytic thresholds where
//     the y axis is c or α, and the cells whose simulation disagrees
//     with the analytic outcome hatched (summary column agreement).
//   - A sweep drawn by a design (lhs, sobol, …, or a file that is not a
//     grid): design.png, the mean final frequency of A at every point
//     against each numeric axis.
//   - A sweep over one numeric axis: lines.png, the mean final frequency
//     of A with ± 1 standard error and the fractions of runs fixed A,
//     fixed B and neither.
//
// The figures carry the provenance the manifest records (a redrawn figure
// is a rendering of the same results, whoever draws it). The caller
// records the files in the manifest (execute.RecordFiles).
func PlotDir(dir string) ([]string, error) {
	m, err := artifact.ReadRunsManifest(dir)
	if err != nil {
		return nil, err
	}
	sc, err := m.ParseScenario()
	if err != nil {
		return nil, err
	}
	foot := footnoteFor(m, sc)
	var figs []NamedFigure
	switch {
	case m.Kind == artifact.KindRun || m.Points == 1 || m.Selection.Point >= 0:
		point := max(m.Selection.Point, 0)
		if m.RecordEvery == 0 {
			return nil, fmt.Errorf("%w: %s holds no series (the runs recorded none: record_every = 0)", ErrNothingToPlot, dir)
		}
		rows, err := artifact.ReadSeries(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s has no series (%s or %s)", ErrNothingToPlot, dir, artifact.SeriesFile, artifact.SeriesCSVFile)
		}
		if err != nil {
			return nil, err
		}
		f, err := RunFigure(sc, point, m.Deterministic, rows, foot)
		if err != nil {
			return nil, err
		}
		figs = []NamedFigure{f}
	default:
		summary, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile))
		if errors.Is(err, fs.ErrNotExist) {
			how := "finish it first (culturesim sweep SCENARIO --out " + dir + " --resume)"
			if c := m.ResumeCommand(); c != "" {
				how = "finish it first: " + c
			}
			if !m.Selection.Shard.Whole() {
				how = "it is " + m.Selection.String() + ": merge the shards with culturesim merge first"
			} else if m.DoneRuns == m.SelectedRuns {
				how = "its runs are done but the tables were not written: " + strings.TrimPrefix(how, "finish it first: ")
			}
			return nil, fmt.Errorf("%w: %s has no %s (%d of %d runs done); %s", ErrIncomplete, dir,
				artifact.SummaryFile, m.DoneRuns, m.SelectedRuns, how)
		}
		if err != nil {
			return nil, err
		}
		title := Literal(sc.Name) + ": mean final frequency of A"
		switch n := len(plotAxes(sc)); {
		case !sc.IsGrid() && n >= 1:
			figs, err = DesignScatter(sc, summary, title+" at each point of the design", foot)
		case n >= 2:
			figs, err = SweepHeatmaps(sc, summary, title, foot, HeatmapOptions{Hatch: true})
		case n == 1:
			figs, err = SweepLines(sc, summary, Literal(sc.Name)+": final frequency of A", foot)
		default:
			return nil, fmt.Errorf("%w: %s sweeps no numeric axis of several values", ErrNothingToPlot, dir)
		}
		if err != nil {
			return nil, err
		}
	}
	var files []string
	for _, f := range figs {
		prov := m.Provenance
		md := artifact.Metadata{{"Title", Plain(f.Title)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
		written, err := f.Figure.Save(filepath.Join(dir, f.Base), md)
		for _, w := range written {
			files = append(files, filepath.Base(w))
		}
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

// NamedFigure is a figure with the base name of its files and its title.
type NamedFigure struct {
	Base, Title string
	Figure      Figure
}

// footnoteFor is the source line under a directory's figures. It names
// what made the results, not the command that drew them, so that a
// figure redrawn by culturesim plot reads as it did: "culturesim run
// NAME" for a run (with --deterministic for the counterpart), "culturesim
// plot — scenario NAME" for a sweep's maps.
func footnoteFor(m *artifact.RunsManifest, sc *scenarios.Scenario) string {
	if m.Kind == artifact.KindRun {
		verb := "culturesim run "
		if m.Deterministic {
			verb += "--deterministic "
		}
		return verb + Literal(sc.Name) + " — model of " + Citation
	}
	return "culturesim sweep " + Literal(sc.Name) + " — model of " + Citation
}
