package main

import (
	"context"
	"fmt"
	"io"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
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
	for _, a := range sc.Axes {
		first, last := a.Values[0].String(), a.Values[len(a.Values)-1].String()
		fmt.Fprintf(stdout, "  sweep %-26s %d values, %s … %s  (%s)\n", a.Key, len(a.Values), first, last, a.Label())
	}
	fmt.Fprintf(stdout, "  %d points × %d replicates = %d runs\n", sc.NumPoints(), sc.Replicates, sc.NumRuns())
	e := execute.EstimateRuns(sc, execute.Options{Kind: artifact.KindSweep, Selection: artifact.All, RecordEvery: execute.SweepRecording(sc)})
	fmt.Fprintf(stdout, "  about %s of memory a worker, %s of tables to write, %s of output as a sweep\n",
		execute.Bytes(e.RunBytes), execute.Bytes(e.TableBytes), execute.Bytes(e.OutputBytes))
	return nil
}
