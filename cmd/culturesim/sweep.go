package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/figures"
)

// sweepOptions are the flags of "culturesim sweep".
type sweepOptions struct {
	Scenario string
	Out      string
	Workers  int
	Shard    string
	Resume   bool
	Force    bool
	progressOption
	// Deterministic iterates the deterministic counterpart at every point.
	Deterministic bool
	shard         artifact.Shard
}

func (o *sweepOptions) validate() error {
	if err := o.check("sweep"); err != nil {
		return err
	}
	if o.Workers < 0 {
		return usagef("sweep: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	}
	if o.Resume && o.Force {
		return usagef("sweep: --resume and --force contradict each other (continue, or start again?)")
	}
	if o.Shard != "" {
		sh, err := parseShard(o.Shard)
		if err != nil {
			return err
		}
		o.shard = sh
	}
	return nil
}

// parseShard reads "i/n" with 0 ≤ i < n.
func parseShard(s string) (artifact.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || b < 1 || a < 0 || a >= b {
		return artifact.Shard{}, usagef("--shard %q: want i/n with 0 ≤ i < n, e.g. 0/4", s)
	}
	return artifact.Shard{Index: a, Count: b}, nil
}

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o sweepOptions
	fs := newFlagSet("sweep", "SCENARIO.toml|BUILTIN [--out DIR] [--workers N] [--shard i/n] [--resume|--force] [--progress auto|json|none] [--quiet]", stdout)
	fs.StringVar(&o.Out, "out", "", "output directory (default out/NAME, or out/NAME-shard-i-of-n)")
	fs.IntVar(&o.Workers, "workers", 0, "runs in parallel (0: one per CPU)")
	fs.StringVar(&o.Shard, "shard", "", "run only the runs r with r mod n = i, as i/n (for clusters; combine with merge)")
	fs.BoolVar(&o.Resume, "resume", false, "continue the sweep in --out, keeping finished runs (starts it if --out is new)")
	fs.BoolVar(&o.Force, "force", false, "discard the sweep in --out and start again")
	o.register(fs, "no progress, and no summary line on stdout")
	fs.BoolVar(&o.Deterministic, "deterministic", false, "iterate the deterministic counterpart (well-mixed platforms) at every point instead of simulating; one \"replicate\" a point")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sweep: need exactly one scenario, got %d arguments", len(pos))
	}
	o.Scenario = pos[0]
	if err := o.validate(); err != nil {
		return err
	}
	return runSweep(ctx, o, stdout, stderr)
}

func runSweep(ctx context.Context, o sweepOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
		if !o.shard.Whole() {
			o.Out += fmt.Sprintf("-shard-%d-of-%d", o.shard.Index, o.shard.Count)
		}
	}
	rep := o.reporter(stderr, sc.Name)
	prov := artifact.NewProvenance(ctx)
	out, err := execute.Run(ctx, sc, execute.Options{Dir: o.Out, Kind: artifact.KindSweep, Workers: o.Workers,
		Selection: artifact.Selection{Shard: o.shard, Point: -1, Replicate: -1}, RecordEvery: execute.SweepRecording(sc),
		Deterministic: o.Deterministic, Resume: o.Resume, Force: o.Force, Progress: rep.Update, Provenance: prov, Warn: warner(stderr)})
	rep.Finish()
	if out == nil {
		return fmt.Errorf("sweep: %w", err)
	}
	files := out.Files
	if out.Complete && o.shard.Whole() {
		plots, perr := plotRuns(ctx, o.Out)
		if perr != nil {
			return fmt.Errorf("sweep: plotting %s: %w", o.Out, perr)
		}
		files = append(files, plots...)
	}
	if !o.Quiet {
		fmt.Fprintf(stdout, "%s: %d of %d runs done (%d from earlier sessions) in %.1f s → %s: %s\n",
			sc.Name, out.Done, out.Total, out.Resumed, out.Wall.Seconds(), o.Out, strings.Join(files, ", "))
		if slices.Contains(files, artifact.SeriesFile) && !slices.Contains(files, artifact.SeriesCSVFile) {
			fmt.Fprintf(stdout, "note: the series has more than %d rows, so it is %s only (README \"Reading results\" converts it to CSV)\n",
				artifact.SweepSeriesCSVRows, artifact.SeriesFile)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "culturesim: sweep interrupted; %d finished runs are kept in %s: continue with --resume\n", out.Done, o.Out)
		}
		return err
	}
	return nil
}

// plotRuns draws a complete run or sweep directory's figures and records
// them in its manifest; a sweep with nothing to draw (no numeric axis,
// one point without series) draws nothing.
func plotRuns(ctx context.Context, dir string) ([]string, error) {
	// Figures and the manifest's file list are written into the
	// directory: under its lock, like every other write.
	lock, err := artifact.LockDir(dir, artifact.NewProvenance(ctx).Command)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	plots, err := figures.PlotDir(dir)
	if errors.Is(err, figures.ErrNothingToPlot) {
		return nil, nil
	}
	if err != nil {
		return plots, err
	}
	return plots, execute.RecordFiles(dir, plots)
}
