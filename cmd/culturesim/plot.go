package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/paper"
)

// plotOptions are the flags of "culturesim plot".
type plotOptions struct{ Dirs []string }

// cmdPlot redraws the figures of saved results (a run, sweep, merged or
// reproduce directory, committed results included) without rerunning
// anything.
func cmdPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "DIR…", stdout)
	dirs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usagef("plot: give one or more run, sweep or reproduce directories")
	}
	return runPlot(ctx, plotOptions{Dirs: dirs}, stdout, stderr)
}

func runPlot(ctx context.Context, o plotOptions, stdout, stderr io.Writer) error {
	prov := artifact.NewProvenance(ctx)
	for _, dir := range o.Dirs {
		kind, err := artifact.ManifestKind(dir)
		if errors.Is(err, fs.ErrNotExist) {
			kind = "reproduce" // a reproduce root: one directory per panel
		} else if err != nil {
			return usagef("plot: %s is not a culturesim output directory: %v", dir, err)
		}
		var files []string
		switch kind {
		case artifact.KindRun, artifact.KindSweep:
			files, err = plotRuns(dir, prov)
			if err == nil && len(files) == 0 {
				fmt.Fprintf(stderr, "culturesim: %s: nothing to draw (no numeric sweep axis and no series)\n", dir)
			}
		case artifact.KindPanel, "reproduce":
			files, err = paper.Replot(dir, prov)
		default:
			return usagef("plot: %s holds a culturesim %s, which has no plots", dir, kind)
		}
		if errors.Is(err, paper.ErrNoPanels) || errors.Is(err, figures.ErrIncomplete) {
			return usagef("plot: %s is not a culturesim output directory: %v", dir, err)
		}
		if err != nil {
			return fmt.Errorf("plot: %s: %w", dir, err)
		}
		fmt.Fprintf(stdout, "%s: %v\n", dir, files)
	}
	return nil
}
