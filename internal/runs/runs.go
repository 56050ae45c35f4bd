// Package runs executes the replicates of a single-run scenario in
// parallel and writes their results: series.csv, runs.csv, a manifest and
// a plot of the dynamics.
//
// Replicate j of a scenario draws from rng.Stream(seed, 0, j) and writes
// into slot j; files are written in replicate order. Output is therefore
// byte-identical for any number of workers. A cancelled execution keeps
// every replicate that finished.
package runs

import (
	"context"
	"errors"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// Replicate is one run of a scenario.
type Replicate struct {
	Index   int
	Seed    uint64 // the run's stream seed, rng.StreamSeed(scenario seed, 0, Index)
	Records []sim.Record
	Result  sim.Result
	Done    bool // finished (not cancelled)

	// Scenarios with platforms (and deterministic runs) also record
	// every platform, and measure acculturation (generations, −1 for
	// none) on each.
	Platforms      []PlatformRecord
	FinalPlatforms []PlatformRow
	Acculturation  []int
}

// Execution is the outcome of running a scenario's replicates.
type Execution struct {
	Scenario   *scenarios.Scenario
	Replicates []Replicate
	Workers    int
	Start, End time.Time
	Cancelled  bool
	// Deterministic: the replicate is the deterministic counterpart.
	Deterministic bool
}

// Complete reports whether every replicate finished.
func (e *Execution) Complete() bool {
	for _, r := range e.Replicates {
		if !r.Done {
			return false
		}
	}
	return true
}

// Execute runs every replicate with at most workers goroutines (0: one
// per CPU). On cancellation it returns the execution so far and ctx's
// error; finished replicates are kept.
func Execute(ctx context.Context, sc *scenarios.Scenario, workers int) (*Execution, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ex := &Execution{Scenario: sc, Replicates: make([]Replicate, sc.Replicates), Workers: workers, Start: time.Now()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for j := range sc.Replicates {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			return runOne(gctx, sc, j, &ex.Replicates[j])
		})
	}
	err := g.Wait()
	ex.End = time.Now()
	if ctx.Err() != nil {
		ex.Cancelled = true
		return ex, ctx.Err()
	}
	return ex, err
}

func runOne(ctx context.Context, sc *scenarios.Scenario, j int, out *Replicate) error {
	seed := rng.StreamSeed(sc.Seed, 0, j)
	r := rng.New(seed)
	*out = Replicate{Index: j, Seed: seed}
	pop, err := sc.Base.NewPopulation(r)
	if err != nil {
		return err
	}
	if w, ok := pop.(*sim.World); ok {
		res, err := runWorld(ctx, sc, w, r, out)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil
			}
			return err
		}
		out.Result, out.Done = res, true
		return nil
	}
	var recs []sim.Record
	if every := sc.Base.Run.RecordEvery; every > 0 {
		recs = make([]sim.Record, 0, sc.Base.Run.Generations/every+2)
	}
	res, err := sim.Run(ctx, pop, r, sc.Base.Run, func(rec sim.Record) { recs = append(recs, rec) })
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil // not finished; the caller reports the cancellation
		}
		return err
	}
	out.Records, out.Result, out.Done = recs, res, true
	return nil
}
