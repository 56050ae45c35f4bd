package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/version"
)

// verifyOptions are the flags of "culturesim verify".
type verifyOptions struct {
	Dir     string
	Sample  int
	Seed    string
	Workers int
	progressOption
	seed uint64
}

func (o *verifyOptions) validate() error {
	if err := o.check("verify"); err != nil {
		return err
	}
	switch {
	case o.Sample < 0:
		return usagef("verify: --sample = %d is outside its allowed range ≥ 0 (0: every run)", o.Sample)
	case o.Workers < 0:
		return usagef("verify: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	}
	s, err := strconv.ParseUint(o.Seed, 10, 64)
	if err != nil {
		return usagef("verify: --seed = %q is not a whole number in [0, 2^64)", o.Seed)
	}
	o.seed = s
	return nil
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o verifyOptions
	fs := newFlagSet("verify", "DIR [--sample K] [--seed S] [--workers N] [--progress auto|json|none] [--quiet]", stdout)
	fs.IntVar(&o.Sample, "sample", 0, "re-run K runs chosen at random (0: every run)")
	fs.StringVar(&o.Seed, "seed", "1", "seed choosing the sample (the same seed checks the same runs)")
	fs.IntVar(&o.Workers, "workers", 0, "runs re-run in parallel (0: one per CPU)")
	o.register(fs, "print nothing unless something differs")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("verify: need exactly one run or sweep directory, got %d arguments", len(pos))
	}
	o.Dir = pos[0]
	if err := o.validate(); err != nil {
		return err
	}
	return runVerify(ctx, o, stdout, stderr)
}

func runVerify(ctx context.Context, o verifyOptions, stdout, stderr io.Writer) error {
	rep := o.reporter(stderr, "verify "+o.Dir)
	v, err := execute.Verify(ctx, o.Dir, execute.VerifyOptions{Sample: o.Sample, Seed: o.seed, Workers: o.Workers, Progress: rep.Update})
	rep.Finish()
	var me *execute.MismatchError
	if err != nil && !errors.As(err, &me) {
		return fmt.Errorf("verify: %w", err)
	}
	if m, rerr := artifact.ReadRunsManifest(o.Dir); rerr == nil && me != nil && m.Provenance.Version != version.String() {
		fmt.Fprintf(stderr, "culturesim: note: %s was made by culturesim %s; this is %s, whose engine may differ\n", o.Dir, m.Provenance.Version, version.String())
	}
	if !o.Quiet || me != nil {
		what := "runs.csv rows"
		if v.Series {
			what += " and series"
		}
		sampled := ""
		if o.Sample > 0 && len(v.Checked) < v.Stored {
			sampled = fmt.Sprintf(" (a sample chosen by --seed %d)", o.seed)
		}
		fmt.Fprintf(stdout, "%s: re-ran %d of %d stored runs%s and compared their %s bit for bit", o.Dir, len(v.Checked), v.Stored, sampled, what)
		if len(v.Tables) > 0 {
			fmt.Fprintf(stdout, "; compared %s with the journal", strings.Join(v.Tables, " and "))
		}
		switch len(v.Twins) {
		case 0:
		case 1:
			fmt.Fprintf(stdout, "; compared %s with its CSV twin", v.Twins[0])
		default:
			fmt.Fprintf(stdout, "; compared %s with their CSV twins", strings.Join(v.Twins, ", "))
		}
		fmt.Fprintln(stdout)
		if v.Done < v.Selected {
			fmt.Fprintf(stdout, "note: %s is unfinished (%d of %d runs done); only what is stored was verified\n", o.Dir, v.Done, v.Selected)
		}
		if me == nil {
			fmt.Fprintf(stdout, "all reproduce%s\n", coverage(len(v.Checked), v.Stored))
		}
	}
	if me != nil {
		return fmt.Errorf("verify: %s: %w", o.Dir, me)
	}
	return nil
}

// coverage notes how much of the directory a sample covered.
func coverage(checked, stored int) string {
	if checked >= stored || stored == 0 {
		return ""
	}
	return fmt.Sprintf(" (%.3g%% of the runs checked)", 100*float64(checked)/float64(stored))
}
