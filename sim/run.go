package sim

import (
	"context"
	"fmt"
	"math"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// StopRule says when a run ends before its last generation.
type StopRule uint8

const (
	// StopFixation ends a run when one phenotype is fixed (the default):
	// nothing can change afterwards.
	StopFixation StopRule = iota
	// StopNever runs every generation.
	StopNever
)

func (s StopRule) String() string { return [...]string{"fixation", "generations"}[s] }

// StopReason says why a run ended.
type StopReason uint8

const (
	StoppedMaxGenerations StopReason = iota // ran every generation
	StoppedFixedA                           // every agent A
	StoppedFixedB                           // every agent B
	StoppedCancelled                        // the context was cancelled
)

func (s StopReason) String() string {
	return [...]string{"max_generations", "fixed_a", "fixed_b", "cancelled"}[s]
}

// RunConfig configures one run.
type RunConfig struct {
	Generations int      // most generations to play; ≥ 1
	RecordEvery int      // record every that many generations; 0: no records
	Stop        StopRule // default StopFixation
}

// Validate checks the settings.
func (c RunConfig) Validate() error {
	if c.Generations < 1 {
		return &model.FieldError{Path: "generations", Value: c.Generations, Domain: "≥ 1"}
	}
	if c.RecordEvery < 0 {
		return &model.FieldError{Path: "record_every", Value: c.RecordEvery, Domain: "≥ 0 (0: no series)"}
	}
	if c.Stop > StopNever {
		return &model.FieldError{Path: "stop", Value: int(c.Stop), Domain: `"fixation" or "generations"`}
	}
	return nil
}

// Record is the state of one generation.
type Record struct {
	Generation int
	// FreqA is the frequency of A at the start of the generation.
	FreqA float64
	// MeanFitness is the mean fitness earned during the generation; NaN
	// for the final record, of a generation that was not played.
	MeanFitness float64
	Clamped     int
}

// Result is what a run ends with.
type Result struct {
	Generations int        // generations played
	FinalFreqA  float64    // frequency of A after the last generation
	Reason      StopReason // why it ended
	Clamped     int        // negative fitness values clamped over the run
}

// Run plays pop for up to cfg.Generations generations. When
// cfg.RecordEvery > 0, it calls record for generations 0, k, 2k, … and
// once more for the state it ends in (generation = Result.Generations, no
// mean fitness). It checks ctx often enough to stop within a millisecond; a cancelled run
// returns its partial result and ctx's error.
func Run(ctx context.Context, pop Population, r *rng.Xoshiro, cfg RunConfig, record func(Record)) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	N := pop.Size()
	// Check for cancellation about every 2^20 agent-generations (every
	// generation for large populations): well under a millisecond.
	every := min(max(1<<20/N, 1), 64)
	var res Result
	g := 0
	for ; g < cfg.Generations; g++ {
		if g%every == 0 && ctx.Err() != nil {
			res.Reason = StoppedCancelled
			break
		}
		if cfg.Stop == StopFixation {
			if nA := pop.CountA(); nA == 0 {
				res.Reason = StoppedFixedB
				break
			} else if nA == N {
				res.Reason = StoppedFixedA
				break
			}
		}
		st := pop.Step(r)
		res.Clamped += st.Clamped
		if cfg.RecordEvery > 0 && g%cfg.RecordEvery == 0 && record != nil {
			record(Record{Generation: g, FreqA: float64(st.CountA) / float64(N), MeanFitness: st.MeanFitness, Clamped: st.Clamped})
		}
	}
	res.Generations = g
	res.FinalFreqA = float64(pop.CountA()) / float64(N)
	if g == cfg.Generations {
		res.Reason = StoppedMaxGenerations
		// Fixation reached exactly on the last generation is still fixation.
		if nA := pop.CountA(); cfg.Stop == StopFixation && (nA == 0 || nA == N) {
			res.Reason = map[bool]StopReason{true: StoppedFixedA, false: StoppedFixedB}[nA == N]
		}
	}
	if cfg.RecordEvery > 0 && record != nil {
		record(Record{Generation: g, FreqA: res.FinalFreqA, MeanFitness: math.NaN()})
	}
	if res.Reason == StoppedCancelled {
		return res, fmt.Errorf("run stopped at generation %d: %w", g, ctx.Err())
	}
	return res, nil
}
