package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/scenarios"
)

// runOptions are the flags of "culturesim run".
type runOptions struct {
	Scenario  string
	Out       string
	Workers   int
	Point     int // −1: the scenario's only point
	Replicate int // −1: every replicate
	Resume    bool
	Force     bool
	progressOption
	// Deterministic iterates the deterministic counterpart instead.
	Deterministic bool
}

func (o *runOptions) validate() error {
	if err := o.check("run"); err != nil {
		return err
	}
	switch {
	case o.Workers < 0:
		return usagef("run: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	case o.Point < -1:
		return usagef("run: --point = %d is outside its allowed range ≥ 0", o.Point)
	case o.Replicate < -1:
		return usagef("run: --replicate = %d is outside its allowed range ≥ 0", o.Replicate)
	case o.Resume && o.Force:
		return usagef("run: --resume and --force contradict each other (continue, or start again?)")
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := runOptions{Point: -1, Replicate: -1}
	fs := newFlagSet("run", "SCENARIO.toml|BUILTIN [--point I [--replicate J]] [--out DIR] [--workers N] [--deterministic] [--resume|--force] [--progress auto|json|none] [--quiet]", stdout)
	fs.StringVar(&o.Out, "out", "", "output directory (default out/NAME, or out/NAME-point-I[-replicate-J])")
	fs.IntVar(&o.Workers, "workers", 0, "replicates run in parallel (0: one per CPU)")
	fs.IntVar(&o.Point, "point", -1, "the sweep point to run, for a scenario with [sweep] (0, 1, …; see culturesim validate)")
	fs.IntVar(&o.Replicate, "replicate", -1, "run only this replicate of the point: replays run (point, replicate) of a sweep bit for bit, with its series")
	fs.BoolVar(&o.Resume, "resume", false, "continue the run in --out, keeping finished replicates (starts it if --out is new)")
	fs.BoolVar(&o.Force, "force", false, "replace the output of an earlier run in --out")
	o.register(fs, "print nothing but errors and warnings")
	fs.BoolVar(&o.Deterministic, "deterministic", false, "iterate the deterministic counterpart (well-mixed populations and platforms) instead of simulating; same tables")
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
	return runRun(ctx, o, stdout, stderr)
}

func runRun(ctx context.Context, o runOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	sel := artifact.Selection{Point: o.Point, Replicate: o.Replicate}
	if sc.NumPoints() > 1 && o.Point < 0 {
		return usagef("run: %s has a [sweep] of %d points; run one of them with --point I (0 to %d; culturesim validate %s lists the axes), or all with culturesim sweep",
			sc.Name, sc.NumPoints(), sc.NumPoints()-1, o.Scenario)
	}
	if sel.Point < 0 {
		sel.Point = 0 // the only point
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
		if o.Point >= 0 && sc.NumPoints() > 1 {
			o.Out += fmt.Sprintf("-point-%d", o.Point)
		}
		if o.Replicate >= 0 {
			o.Out += fmt.Sprintf("-replicate-%d", o.Replicate)
		}
	}
	rep := o.reporter(stderr, sc.Name)
	out, err := execute.Run(ctx, sc, execute.Options{Dir: o.Out, Kind: artifact.KindRun, Workers: o.Workers, Selection: sel,
		RecordEvery: execute.RunRecording(sc), Deterministic: o.Deterministic, Resume: o.Resume, Force: o.Force,
		Progress: rep.Update, Provenance: artifact.NewProvenance(ctx), Warn: warner(stderr)})
	rep.Finish()
	if out == nil {
		return fmt.Errorf("run: %w", err)
	}
	files := out.Files
	if out.Complete {
		plots, perr := plotRuns(ctx, o.Out)
		if perr != nil {
			return fmt.Errorf("run: plotting %s: %w", o.Out, perr)
		}
		files = append(files, plots...)
	}
	if !o.Quiet {
		if err := printRuns(stdout, o.Out, sc); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d of %d replicates (%d from earlier sessions) in %.2f s → %s: %s\n",
			sc.Name, out.Done, out.Total, out.Resumed, out.Wall.Seconds(), o.Out, strings.Join(files, ", "))
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "culturesim: run interrupted; the %d finished replicates are in %s: continue with --resume\n", out.Done, o.Out)
		}
		return err
	}
	return nil
}

// printRuns prints one line per finished run (and its platforms).
func printRuns(w io.Writer, dir string, sc *scenarios.Scenario) error {
	rs, _, err := artifact.Results(dir, sc)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
	names := sc.PlatformNames()
	for _, r := range rs {
		fmt.Fprintf(w, "replicate %-3d %6d generations  final freq_a %.4f  (%s)\n", r.Rep, r.Result.Generations, r.Result.FinalFreqA, r.Result.Reason)
		for k, p := range r.Platforms {
			acc := "none"
			if p.Acculturation >= 0 {
				acc = fmt.Sprintf("%d generations", p.Acculturation)
			}
			fmt.Fprintf(w, "    %-14s size %8s  freq_a %.4f  acculturation: %s\n", names[k], artifact.Num(p.Size), p.FreqA, acc)
		}
	}
	return nil
}
