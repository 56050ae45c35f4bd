package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/progress"
	"github.com/culturesim/culturesim/internal/sweep"
)

// sweepOptions are the flags of "culturesim sweep".
type sweepOptions struct {
	Out     string
	Workers int
	Shard   string
	Resume  bool
	Force   bool
	Quiet   bool
}

func (o *sweepOptions) validate() (sweep.Shard, error) {
	if o.Workers < 0 {
		return sweep.Shard{}, usagef("sweep: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	}
	if o.Resume && o.Force {
		return sweep.Shard{}, usagef("sweep: --resume and --force contradict each other (continue, or start again?)")
	}
	if o.Shard == "" {
		return sweep.Shard{}, nil
	}
	sh, err := sweep.ParseShard(o.Shard)
	if err != nil {
		return sh, usageError{err}
	}
	return sh, nil
}

func cmdSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o sweepOptions
	fs := newFlagSet("sweep", "SCENARIO.toml|BUILTIN [--out DIR] [--workers N] [--shard i/n] [--resume|--force] [--quiet]", stdout)
	fs.StringVar(&o.Out, "out", "", "output directory (default out/NAME, or out/NAME-shard-i-of-n)")
	fs.IntVar(&o.Workers, "workers", 0, "runs in parallel (0: one per CPU)")
	fs.StringVar(&o.Shard, "shard", "", "run only the runs r with r mod n = i, as i/n (for clusters; combine with merge)")
	fs.BoolVar(&o.Resume, "resume", false, "continue the sweep in --out, keeping finished runs (starts it if --out is new)")
	fs.BoolVar(&o.Force, "force", false, "discard the sweep in --out and start again")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress output")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sweep: need exactly one scenario, got %d arguments", len(pos))
	}
	shard, err := o.validate()
	if err != nil {
		return err
	}
	sc, err := openScenario(pos[0], stderr)
	if err != nil {
		return err
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name)
		if !shard.Whole() {
			o.Out += fmt.Sprintf("-shard-%d-of-%d", shard.Index, shard.Count)
		}
	}
	var rep *progress.Reporter
	if !o.Quiet {
		rep = progress.New(stderr, sc.Name)
	}
	out, err := sweep.Run(ctx, sc, sweep.Options{
		Dir: o.Out, Workers: o.Workers, Shard: shard, Resume: o.Resume, Force: o.Force,
		Progress: rep.Update, Provenance: artifact.NewProvenance(ctx),
	})
	rep.Finish()
	if out == nil {
		return usageError{fmt.Errorf("sweep: %w", err)}
	}
	if !o.Quiet {
		fmt.Fprintf(stdout, "%s: %d of %d runs done (%d from earlier sessions) in %.1f s → %s %v\n",
			sc.Name, out.Done, out.Total, out.Resumed, out.Wall.Seconds(), o.Out, out.Files)
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "culturesim: sweep interrupted; %d finished runs are kept in %s: continue with --resume\n", out.Done, o.Out)
		}
		return err
	}
	return nil
}

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var out string
	var force bool
	fs := newFlagSet("merge", "SHARD_DIR… --out DIR [--force]", stdout)
	fs.StringVar(&out, "out", "", "directory for the merged sweep (required)")
	fs.BoolVar(&force, "force", false, "replace an earlier merge in --out")
	dirs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if out == "" || len(dirs) == 0 {
		return usagef("merge: give the shard directories and --out DIR")
	}
	files, err := sweep.Merge(dirs, out, force, artifact.NewProvenance(ctx))
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintf(stdout, "merged %d directories → %s %v\n", len(dirs), out, files)
	return nil
}

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", "SCENARIO.toml|BUILTIN", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("validate: need exactly one scenario, got %d arguments", len(pos))
	}
	sc, err := openScenario(pos[0], stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid (%s)\n", pos[0], sc.Name)
	fmt.Fprintf(stdout, "  population: %s, size %d; %d generations at most; seed %d\n", sc.Base.Kind, sc.Base.Size, sc.Base.Run.Generations, sc.Seed)
	for _, a := range sc.Axes {
		first, last := a.Values[0].String(), a.Values[len(a.Values)-1].String()
		fmt.Fprintf(stdout, "  sweep %-10s %d values, %s … %s\n", a.Key, len(a.Values), first, last)
	}
	fmt.Fprintf(stdout, "  %d points × %d replicates = %d runs\n", sc.NumPoints(), sc.Replicates, sc.NumRuns())
	return nil
}

// readJSON decodes a JSON file.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
