package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/runs"
	"github.com/culturesim/culturesim/scenarios"
)

// runOptions are the flags of "culturesim run".
type runOptions struct {
	Scenario string
	Out      string
	Workers  int
	Force    bool
	Quiet    bool
	// Deterministic iterates the deterministic counterpart instead.
	Deterministic bool
}

func (o *runOptions) validate() error {
	if o.Workers < 0 {
		return usagef("run: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o runOptions
	fs := newFlagSet("run", "SCENARIO.toml|BUILTIN [--out DIR] [--workers N] [--deterministic] [--force] [--quiet]", stdout)
	fs.StringVar(&o.Out, "out", "", "output directory (default out/NAME, NAME from the scenario)")
	fs.IntVar(&o.Workers, "workers", 0, "replicates run in parallel (0: one per CPU)")
	fs.BoolVar(&o.Force, "force", false, "replace the output of an earlier run in --out")
	fs.BoolVar(&o.Quiet, "quiet", false, "print nothing but errors and warnings")
	fs.BoolVar(&o.Deterministic, "deterministic", false, "iterate the deterministic counterpart (well-mixed populations and platforms) instead of simulating; same series.csv columns")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("run: need exactly one scenario (a .toml file or a built-in name: %v), got %d arguments", scenarios.BuiltinNames(), len(pos))
	}
	o.Scenario = pos[0]
	if err := o.validate(); err != nil {
		return err
	}
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
	}
	return runScenario(ctx, sc, o, stdout, stderr)
}

// openScenario loads a scenario and prints its warnings; a scenario error
// is a usage error (exit status 2).
func openScenario(arg string, stderr io.Writer) (*scenarios.Scenario, error) {
	sc, err := scenarios.Open(arg)
	if err != nil {
		var es scenarios.Errors
		if errors.As(err, &es) {
			return nil, usageError{fmt.Errorf("invalid scenario:\n%s", strings.TrimRight(indent(es.Error(), "  "), "\n"))}
		}
		return nil, usageError{err}
	}
	for _, w := range sc.Warnings {
		fmt.Fprintln(stderr, "culturesim: warning:", w)
	}
	return sc, nil
}

func runScenario(ctx context.Context, sc *scenarios.Scenario, o runOptions, stdout, stderr io.Writer) error {
	if err := artifact.PrepareDir(o.Out, runs.ManifestKind, o.Force); err != nil {
		return usageError{fmt.Errorf("run: %w", err)}
	}
	prov := artifact.NewProvenance(ctx)
	var ex *runs.Execution
	var runErr error
	if o.Deterministic {
		if ex, runErr = runs.Deterministic(sc); runErr != nil {
			return usageError{fmt.Errorf("run --deterministic: %s: %w", sc.Name, runErr)}
		}
	} else {
		ex, runErr = runs.Execute(ctx, sc, o.Workers)
	}
	if ex == nil {
		return runErr
	}
	// Whatever finished is written, even after an interruption.
	files, err := runs.Write(o.Out, ex, prov)
	if err != nil {
		return fmt.Errorf("run: writing %s: %w", o.Out, err)
	}
	if !o.Quiet {
		done := 0
		for _, r := range ex.Replicates {
			if r.Done {
				done++
				fmt.Fprintf(stdout, "replicate %-3d %6d generations  final freq_a %.4f  (%s)\n",
					r.Index, r.Result.Generations, r.Result.FinalFreqA, r.Result.Reason)
				for k, row := range r.FinalPlatforms[min(1, len(r.FinalPlatforms)):] {
					acc := "none"
					if r.Acculturation[k] >= 0 {
						acc = fmt.Sprintf("%d generations", r.Acculturation[k])
					}
					fmt.Fprintf(stdout, "    %-14s size %8s  freq_a %.4f  acculturation: %s\n", row.Platform, strconv.FormatFloat(row.Size, 'f', -1, 64), row.FreqA, acc)
				}
			}
		}
		fmt.Fprintf(stdout, "%s: %d of %d replicates in %.2f s with %d workers → %s %v\n",
			sc.Name, done, len(ex.Replicates), ex.End.Sub(ex.Start).Seconds(), ex.Workers, o.Out, files)
	}
	if runErr != nil {
		if ex.Cancelled {
			fmt.Fprintf(stderr, "culturesim: run interrupted; the finished replicates are in %s\n", o.Out)
		}
		return runErr
	}
	return nil
}
