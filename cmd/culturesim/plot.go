package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/runs"
	"github.com/culturesim/culturesim/internal/sweep"
	"github.com/culturesim/culturesim/scenarios"
)

// cmdPlot redraws the figures of saved results (a sweep or a run
// directory) without rerunning anything.
func cmdPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "DIR…", stdout)
	dirs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usagef("plot: give one or more sweep or run directories")
	}
	prov := artifact.NewProvenance(ctx)
	for _, dir := range dirs {
		kind, err := artifact.ManifestKind(dir)
		if err != nil {
			return usagef("plot: %s is not a culturesim output directory: %v", dir, err)
		}
		var files []string
		switch kind {
		case sweep.ManifestKind:
			files, err = sweep.Replot(dir, prov)
		case runs.ManifestKind:
			files, err = replotRun(dir, prov)
		default:
			return usagef("plot: %s holds a %q, which has no plots to redraw", dir, kind)
		}
		if err != nil {
			return fmt.Errorf("plot: %s: %w", dir, err)
		}
		fmt.Fprintf(stdout, "%s: %v\n", dir, files)
	}
	return nil
}

// replotRun redraws dynamics.png/svg from a run directory's series.csv and
// the scenario recorded in its manifest.
func replotRun(dir string, prov artifact.Provenance) ([]string, error) {
	sc, err := recordedScenario(dir)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, runs.SeriesFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	byRep := map[int]*figures.Trajectory{}
	var order []int
	for _, row := range rows[1:] {
		rep, err1 := strconv.Atoi(row[0])
		gen, err2 := strconv.Atoi(row[1])
		fa, err3 := strconv.ParseFloat(row[2], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("%s: malformed row %v", runs.SeriesFile, row)
		}
		t, ok := byRep[rep]
		if !ok {
			t = &figures.Trajectory{}
			byRep[rep] = t
			order = append(order, rep)
		}
		t.Generation, t.FreqA = append(t.Generation, gen), append(t.FreqA, fa)
	}
	ts := make([]figures.Trajectory, len(order))
	for i, rep := range order {
		ts[i] = *byRep[rep]
	}
	fig, err := figures.Dynamics(runs.PlotTitle(sc), ts, sc.Base.Run.Generations, "culturesim plot — scenario "+sc.Name+"; model of "+figures.Citation)
	if err != nil {
		return nil, err
	}
	md := artifact.Metadata{{"Title", runs.PlotTitle(sc)}, {"Software", prov.Tool + " " + prov.Version}, {"Command", prov.Command}, {"Scenario", sc.Source}}
	written, err := fig.Save(filepath.Join(dir, runs.PlotBase), md)
	for i := range written {
		written[i] = filepath.Base(written[i])
	}
	return written, err
}

// recordedScenario parses the scenario text a run's manifest recorded.
func recordedScenario(dir string) (*scenarios.Scenario, error) {
	var m struct {
		Scenario struct {
			File string `json:"file"`
			Text string `json:"text"`
		} `json:"scenario"`
	}
	if err := readJSON(filepath.Join(dir, runs.ManifestFile), &m); err != nil {
		return nil, err
	}
	return scenarios.Parse(m.Scenario.File, []byte(m.Scenario.Text))
}
