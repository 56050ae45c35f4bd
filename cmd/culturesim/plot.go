package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/internal/fit"
	"github.com/culturesim/culturesim/internal/paper"
)

// plotOptions are the flags of "culturesim plot".
type plotOptions struct{ Dirs []string }

// cmdPlot redraws the figures of saved results (a run, sweep, merged or
// reproduce directory, committed results included, or a directory of
// such directories, like results/) without rerunning anything.
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
	for _, dir := range o.Dirs {
		_, err := artifact.ManifestKind(dir)
		if !errors.Is(err, fs.ErrNotExist) {
			if err := plotOne(ctx, dir, stdout, stderr); err != nil {
				return err
			}
			continue
		}
		// A directory of output directories (results/, a reproduce --out).
		ents, err := os.ReadDir(dir)
		if err != nil {
			return usagef("plot: %v", err)
		}
		n := 0
		for _, e := range ents {
			sub := filepath.Join(dir, e.Name())
			if _, err := artifact.ManifestKind(sub); !e.IsDir() || err != nil {
				continue
			}
			if err := plotOne(ctx, sub, stdout, stderr); err != nil {
				return err
			}
			n++
		}
		if n == 0 {
			return usagef("plot: %s is not a culturesim output directory and holds none (no manifest.json)", dir)
		}
	}
	return nil
}

// plotOne redraws one output directory's figures.
func plotOne(ctx context.Context, dir string, stdout, stderr io.Writer) error {
	kind, err := artifact.ManifestKind(dir)
	if err != nil {
		return usagef("plot: %s is not a culturesim output directory: %v", dir, err)
	}
	var files []string
	switch kind {
	case artifact.KindRun, artifact.KindSweep:
		files, err = plotRuns(ctx, dir)
		if err == nil && len(files) == 0 {
			fmt.Fprintf(stderr, "culturesim: %s: nothing to draw (no numeric sweep axis and no series)\n", dir)
		}
	case artifact.KindPanel:
		files, err = paper.Replot(dir)
	case fit.KindFit:
		files, err = fit.Replot(dir)
	default:
		return usagef("plot: %s holds a culturesim %s, which has no plots", dir, kind)
	}
	if errors.Is(err, figures.ErrIncomplete) {
		return usageError{fmt.Errorf("plot: %s: %w", dir, err)}
	}
	if err != nil {
		return fmt.Errorf("plot: %s: %w", dir, err)
	}
	fmt.Fprintf(stdout, "%s: %s\n", dir, strings.Join(files, ", "))
	return nil
}
