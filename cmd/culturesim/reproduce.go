package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/paper"
	"github.com/culturesim/culturesim/internal/progress"
)

// reproduceOptions are the flags of "culturesim reproduce".
type reproduceOptions struct {
	Out     string
	Panels  []string
	Full    bool
	Workers int
	progressOption
}

func (o *reproduceOptions) validate(known map[string]paper.Panel) error {
	if err := o.check("reproduce"); err != nil {
		return err
	}
	for i, id := range o.Panels {
		id = strings.TrimPrefix(strings.TrimPrefix(id, "fig"), "Fig")
		if strings.HasPrefix(id, "s") {
			id = "S" + id[1:]
		}
		if _, ok := known[id]; !ok {
			return usagef("reproduce: unknown panel %q; known panels: %s", o.Panels[i], strings.Join(paper.SortedIDs(known), ", "))
		}
		o.Panels[i] = id
	}
	if len(o.Panels) == 0 {
		o.Panels = paper.SortedIDs(known)
	}
	if o.Out == "" {
		return usagef("reproduce: --out must not be empty")
	}
	if o.Workers < 0 {
		return usagef("reproduce: --workers = %d is outside its allowed range ≥ 0", o.Workers)
	}
	return nil
}

func cmdReproduce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := reproduceOptions{}
	fs := newFlagSet("reproduce", "[PANEL…] [--out DIR] [--full] [--workers N] [--progress auto|json|none] [--quiet]", stdout)
	fs.StringVar(&o.Out, "out", "results", "directory to write the panels into (one subdirectory per panel)")
	fs.BoolVar(&o.Full, "full", false, "sweep panels (4a, 4b, S2a, S2b) at the paper's full size (50 replicates, 10,000 generations: hours) instead of the quick variant; resumes an interrupted run")
	fs.IntVar(&o.Workers, "workers", 0, "parallel runs for simulated panels (0: one per CPU)")
	o.register(fs, "no progress output")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	o.Panels = pos
	if err := o.validate(paper.Panels()); err != nil {
		return err
	}
	return runReproduce(ctx, o, stdout, stderr)
}

func runReproduce(ctx context.Context, o reproduceOptions, stdout, stderr io.Writer) error {
	known := paper.Panels()
	prov := artifact.NewProvenance(ctx)
	for _, id := range o.Panels {
		if err := ctx.Err(); err != nil {
			return err
		}
		p := known[id]
		start := time.Now()
		dirID := id
		if p.Sweep && !o.Full {
			dirID = id + "_quick" // never overwrite a committed full panel
		}
		out, err := paper.NewOutput(o.Out, dirID, prov)
		if err != nil {
			return err
		}
		out.Full, out.Workers = o.Full, o.Workers
		var rep *progress.Reporter
		if p.Sweep || id == "4c" {
			rep = o.reporter(stderr, paper.BaseName(dirID))
			out.Progress = rep.Update
		}
		err = p.Make(ctx, out)
		rep.Finish()
		if err != nil {
			return fmt.Errorf("panel %s: %w", id, err)
		}
		fmt.Fprintf(stdout, "%-12s %-62s %s (%.1f s)\n", paper.BaseName(dirID), p.Description, out.Dir, time.Since(start).Seconds())
	}
	return nil
}
