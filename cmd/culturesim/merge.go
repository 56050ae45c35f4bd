package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
)

// mergeOptions are the flags of "culturesim merge".
type mergeOptions struct {
	Dirs  []string
	Out   string
	Force bool
}

func (o *mergeOptions) validate() error {
	if o.Out == "" || len(o.Dirs) == 0 {
		return usagef("merge: give the shard directories and --out DIR")
	}
	return nil
}

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o mergeOptions
	fs := newFlagSet("merge", "SHARD_DIR… --out DIR [--force]", stdout)
	fs.StringVar(&o.Out, "out", "", "directory for the merged sweep (required)")
	fs.BoolVar(&o.Force, "force", false, "replace an earlier merge in --out")
	dirs, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	o.Dirs = dirs
	if err := o.validate(); err != nil {
		return err
	}
	return runMerge(ctx, o, stdout, stderr)
}

func runMerge(ctx context.Context, o mergeOptions, stdout, stderr io.Writer) error {
	prov := artifact.NewProvenance(ctx)
	files, err := execute.Merge(o.Dirs, o.Out, o.Force, prov)
	if err != nil {
		return err
	}
	plots, err := plotRuns(ctx, o.Out)
	if err != nil {
		return fmt.Errorf("merge: plotting %s: %w", o.Out, err)
	}
	fmt.Fprintf(stdout, "merged %d directories → %s: %s\n", len(o.Dirs), o.Out, strings.Join(append(files, plots...), ", "))
	return nil
}
