package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
)

// validateOptions are the flags of "culturesim validate".
type validateOptions struct{ Scenario string }

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", "SCENARIO.toml|BUILTIN", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("validate: need exactly one scenario, got %d arguments", len(pos))
	}
	return runValidate(ctx, validateOptions{Scenario: pos[0]}, stdout, stderr)
}

func runValidate(ctx context.Context, o validateOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	if err := artifact.CheckColumns(sc); err != nil {
		return usageError{fmt.Errorf("%s: %w", o.Scenario, err)}
	}
	w := sc.Point(0)
	fmt.Fprintf(stdout, "%s: valid (%s)\n", o.Scenario, sc.Name)
	fmt.Fprintf(stdout, "  %d generations at most, stop: %s; seed %d\n", sc.Run.Generations, sc.Run.Stop, sc.Seed)
	for _, p := range w.Platforms {
		fmt.Fprintf(stdout, "  platform %-14s %s\n", p.Name, p.Describe())
	}
	if !sc.IsGrid() {
		d := sc.Design
		switch d.Kind {
		case scenarios.DesignFile:
			fmt.Fprintf(stdout, "  design: the %d points of %s\n", sc.NumPoints(), d.File)
		case scenarios.DesignMorris:
			fmt.Fprintf(stdout, "  design: morris, %d trajectories on a %d-level grid\n", d.N, d.Levels)
		case scenarios.DesignSaltelli:
			fmt.Fprintf(stdout, "  design: saltelli, %d base rows (n(d+2) points: first-order and total Sobol indices)\n", d.N)
		default:
			fmt.Fprintf(stdout, "  design: %s, %d points\n", d.Kind, d.N)
		}
	}
	for _, a := range sc.Axes {
		first, last := a.Values[0].String(), a.Values[len(a.Values)-1].String()
		fmt.Fprintf(stdout, "  sweep %-26s %d values, %s … %s  (%s)\n", a.Key, len(a.Values), first, last, a.Label())
	}
	if f := sc.Fit; f != nil {
		fmt.Fprintf(stdout, "  fit: %d particles, at most %d populations after the prior's, %s distance on %s\n", f.Particles, f.Generations, f.Distance, strings.Join(f.Stats, " and "))
		for _, pr := range f.Priors {
			fmt.Fprintf(stdout, "  prior %s\n", pr.Describe())
		}
	}
	fmt.Fprintf(stdout, "  %d points × %d replicates = %d runs\n", sc.NumPoints(), sc.Replicates, sc.NumRuns())
	e := execute.EstimateRuns(sc, execute.Options{Kind: artifact.KindSweep, Selection: artifact.All, RecordEvery: execute.SweepRecording(sc)})
	fmt.Fprintf(stdout, "  about %s of memory a worker, %s of tables to write, %s of output as a sweep\n",
		execute.Bytes(e.RunBytes), execute.Bytes(e.TableBytes), execute.Bytes(e.OutputBytes))
	return nil
}
