package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/fit"
	"github.com/culturesim/culturesim/scenarios"
)

// fitOptions are the flags of "culturesim fit".
type fitOptions struct {
	Scenario    string
	Data        string
	Out         string
	Workers     int
	Resume      bool
	Force       bool
	Quiet       bool
	Particles   countFlag
	Generations countFlag
	MaxSims     countFlag
	Seed        countFlag
	Truth       string
	truth       map[string]float64
}

func (o *fitOptions) validate() error {
	switch {
	case o.Data == "" && o.Truth == "":
		return usagef("fit: give --data OBSERVED.csv (a CSV of generation, platform, freq_a; culturesim's own series.csv is one), or --truth K=V,… alone to fit data simulated at that truth")
	case o.Workers < 0:
		return usagef("fit: --workers = %d is outside its allowed range ≥ 0 (0: one per CPU)", o.Workers)
	case o.Resume && o.Force:
		return usagef("fit: --resume and --force contradict each other (continue, or start again?)")
	}
	if o.Truth != "" {
		o.truth = map[string]float64{}
		for _, kv := range strings.Split(o.Truth, ",") {
			k, v, ok := strings.Cut(kv, "=")
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if !ok || err != nil {
				return usagef("fit: --truth %q: want KEY=VALUE[,KEY=VALUE…], e.g. platform.xiaohongshu.alpha=0.6", kv)
			}
			o.truth[strings.TrimSpace(k)] = x
		}
	}
	return nil
}

func cmdFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o fitOptions
	fs := newFlagSet("fit", "SCENARIO.toml|BUILTIN --data OBSERVED.csv [--out DIR] [--workers N] [--particles N] [--generations N] [--max-simulations N] [--seed S] [--truth K=V,…] [--resume|--force] [--quiet]", stdout)
	fs.StringVar(&o.Data, "data", "", "observed data: CSV with generation, platform and freq_a (and size or n_agents) columns")
	fs.StringVar(&o.Out, "out", "", "output directory (default out/NAME-fit)")
	fs.IntVar(&o.Workers, "workers", 0, "simulations in parallel (0: one per CPU)")
	fs.BoolVar(&o.Resume, "resume", false, "continue the fit in --out from its journal (starts it if --out is new)")
	fs.BoolVar(&o.Force, "force", false, "discard the fit in --out and start again")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress and no summary on stdout")
	o.Particles.domain, o.Generations.domain = "a whole number in [10, 100000]", "a whole number in [1, 100]"
	o.MaxSims.domain, o.Seed.domain = fmt.Sprintf("a whole number in [1, %d]", scenarios.MaxRuns), "a whole number in [0, 2^63)"
	fs.Var(&o.Particles, "particles", "particles per population (default [fit] particles, or 200)")
	fs.Var(&o.Generations, "generations", "populations after the prior's, at most (default [fit] generations, or 8)")
	fs.Var(&o.MaxSims, "max-simulations", "stop before the simulations in all would exceed this")
	fs.Var(&o.Seed, "seed", "the fit's seed (default the scenario's)")
	fs.StringVar(&o.Truth, "truth", "", "known values KEY=VALUE,… to mark on the corner plot and check; without --data, the data are simulated there")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("fit: need exactly one scenario, got %d arguments", len(pos))
	}
	o.Scenario = pos[0]
	if err := o.validate(); err != nil {
		return err
	}
	return runFit(ctx, o, stdout, stderr)
}

func runFit(ctx context.Context, o fitOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	spec := scenarios.DefaultFit()
	if sc.Fit != nil {
		spec = *sc.Fit
	}
	for _, f := range []struct {
		name   string
		flag   *countFlag
		lo, hi int
		dst    *int
	}{{"particles", &o.Particles, 10, 100_000, &spec.Particles}, {"generations", &o.Generations, 1, 100, &spec.Generations},
		{"max-simulations", &o.MaxSims, 1, scenarios.MaxRuns, &spec.MaxSimulations}} {
		if f.flag.set {
			if f.flag.v < f.lo || f.flag.v > f.hi {
				return usagef("fit: --%s = %d is outside its allowed range: %s", f.name, f.flag.v, f.flag.domain)
			}
			*f.dst = f.flag.v
		}
	}
	seed := sc.Seed
	if o.Seed.set {
		if o.Seed.v < 0 {
			return usagef("fit: --seed = %d is outside its allowed range: %s", o.Seed.v, o.Seed.domain)
		}
		seed = uint64(o.Seed.v)
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name+"-fit")
	}
	workers := o.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	progress := func(p fit.Population, wall time.Duration) {
		if o.Quiet {
			return
		}
		eps := "∞"
		if p.Generation > 0 {
			eps = fmt.Sprintf("%.4g", p.Epsilon)
		}
		fmt.Fprintf(stderr, "population %d: ε = %s, %d simulations, acceptance %.3f, ESS %.0f (%.1f s)\n",
			p.Generation, eps, p.Simulations, p.Acceptance(), p.ESS, wall.Seconds())
	}
	res, err := fit.Fit(ctx, sc, fit.Options{Dir: o.Out, Data: o.Data, Spec: spec, Seed: seed, Workers: workers, Resume: o.Resume, Force: o.Force,
		Truth: o.truth, Provenance: artifact.NewProvenance(ctx), Progress: progress})
	if res != nil && !o.Quiet && len(res.Populations) > 0 {
		fmt.Fprintf(stdout, "%s: %d populations, %d simulations (%d run in this session, %d in the journal before it) in %.1f s; stopped at %s → %s: %s\n",
			sc.Name, len(res.Populations), res.Simulations, res.Ran, res.Resumed, res.Wall.Seconds(), res.Stop, o.Out, strings.Join(res.Files, ", "))
		fmt.Fprintf(stdout, "%-32s %10s %10s %21s %8s\n", "parameter", "mean", "sd", "95% interval", "of prior")
		for _, e := range res.Estimates {
			line := fmt.Sprintf("%-32s %10.4g %10.4g [%8.4g, %8.4g] %7.1f%%", e.Key, e.Mean, e.SD, e.Q025, e.Q975, 100*e.WidthOfPrior)
			if o.truth != nil {
				if t, ok := o.truth[e.Key]; ok {
					line += fmt.Sprintf("  truth %g %s", t, map[bool]string{true: "inside", false: "OUTSIDE"}[e.TruthInside])
				}
			}
			fmt.Fprintln(stdout, line)
		}
	}
	if err != nil {
		if ctx.Err() != nil && res != nil {
			fmt.Fprintf(stderr, "culturesim: fit interrupted; its simulations are kept in %s: continue with --resume\n", o.Out)
		}
		return fmt.Errorf("fit: %w", err)
	}
	return nil
}
