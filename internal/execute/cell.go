package execute

import (
	"context"
	"math"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// SeedDerivation says how every run's random stream is derived; it is
// recorded in journals and manifests.
const SeedDerivation = "run (point i, replicate j) draws from xoshiro256++ seeded by rng.StreamSeed(seed, i, j) (SplitMix64 mixing)"

// cell plays run (point, rep) of sc and records every every-th generation
// (0: no series). A world of several platforms is observed every
// generation, for acculturation.
func cell(ctx context.Context, sc *scenarios.Scenario, point, rep, every int, deterministic bool) (artifact.RunResult, error) {
	seed := rng.StreamSeed(sc.Seed, point, rep)
	id := artifact.RunResult{Run: point*sc.Replicates + rep, Point: point, Rep: rep, Seed: seed}
	if deterministic {
		return detCell(sc, point, id, every)
	}
	res, err := Simulate(ctx, sc.Point(point), sc.Run, seed, every)
	res.Run, res.Point, res.Rep = id.Run, id.Point, id.Rep
	return res, err
}

// Simulate plays one run of the world cfg under the run's rules, drawing
// from rng.New(seed), and records every every-th generation (0: no
// series). A world of several platforms is observed every generation, for
// acculturation. Sweeps, fits and eval requests all play their runs here.
func Simulate(ctx context.Context, cfg sim.WorldConfig, run sim.RunConfig, seed uint64, every int) (artifact.RunResult, error) {
	res, _, err := SimulateWatched(ctx, cfg, run, seed, every, nil)
	return res, err
}

// SimulateWatched is Simulate, showing each recorded generation to watch
// as it is recorded: when watch returns false the run stops there
// (stopped is true, and the result holds the generations so far). A fit
// stops a run whose distance to the data already exceeds its tolerance.
func SimulateWatched(ctx context.Context, cfg sim.WorldConfig, run sim.RunConfig, seed uint64, every int, watch func(artifact.Record) bool) (res artifact.RunResult, stopped bool, err error) {
	res = artifact.RunResult{Seed: seed}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := rng.New(seed)
	w, err := sim.NewWorld(cfg, r)
	if err != nil {
		return res, false, err
	}
	K := len(cfg.Platforms)
	acc := sim.NewAcculturation(K)
	run.RecordEvery = every
	if K > 1 {
		run.RecordEvery = 1
	}
	res.Result, err = sim.Run(ctx, w, r, run, func(rec sim.Record) {
		st := w.LastStats()
		final := rec.Generation == w.Generation()
		if final {
			st = w.State()
		}
		if K > 1 {
			acc.ObserveStats(rec.Generation, st)
		}
		if every > 0 && (final || rec.Generation%every == 0) && !stopped {
			res.Series = append(res.Series, artifact.Record{Generation: rec.Generation, Rows: StatsRows(st)})
			if watch != nil && !watch(res.Series[len(res.Series)-1]) {
				stopped = true
				cancel()
			}
		}
	})
	if stopped && parent.Err() == nil {
		return res, true, nil
	}
	if err != nil {
		return res, false, err
	}
	if K > 1 {
		res.Platforms = finals(StatsRows(w.State()), acc.Times())
	}
	return res, false, nil
}

// finals converts each platform's final row (rows[0] is the world's).
func finals(rows []artifact.Row, acc []int) []artifact.PlatformFinal {
	out := make([]artifact.PlatformFinal, len(rows)-1)
	for k, r := range rows[1:] {
		out[k] = artifact.PlatformFinal{Size: r.Size, FreqA: r.FreqA, FreqNatives: r.FreqNatives, FreqMigrants: r.FreqMigrants, Acculturation: acc[k]}
	}
	return out
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return a / b
}

// worldRows returns the world's row and, for several platforms, the
// platforms' rows: natives in the world row are agents on their platform
// of origin. The counts (of A, natives, …) are per platform.
func worldRows(rows []artifact.Row, countA, natives, nativesA, migrants, migrantsA []float64) []artifact.Row {
	if len(rows) == 1 {
		return rows // the world is its platform
	}
	var all artifact.Row
	var nA, nat, natA, mig, migA, W float64
	fitted := true
	for k, r := range rows {
		all.Size += r.Size
		all.MovedIn += r.MovedIn
		all.MovedOut += r.MovedOut
		all.Refused += r.Refused
		all.Clamped += r.Clamped
		nA, nat, natA, mig, migA = nA+countA[k], nat+natives[k], natA+nativesA[k], mig+migrants[k], migA+migrantsA[k]
		if r.Size > 0 {
			if math.IsNaN(r.MeanFitness) {
				fitted = false
			}
			W += float64(r.MeanFitness * r.Size)
		}
	}
	all.FreqA = ratio(nA, all.Size)
	all.FreqNatives, all.FreqMigrants = ratio(natA, nat), ratio(migA, mig)
	all.MeanFitness = math.NaN()
	if fitted {
		all.MeanFitness = ratio(W, all.Size)
	}
	return append([]artifact.Row{all}, rows...)
}

// statsRows converts the engine's statistics.
func StatsRows(st []sim.PlatformStats) []artifact.Row {
	K := len(st)
	rows := make([]artifact.Row, K)
	nA, nat, natA, mig, migA := make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K)
	for k, s := range st {
		n := float64(s.Size)
		nA[k] = float64(s.CountA)
		rows[k] = artifact.Row{Size: n, FreqA: ratio(float64(s.CountA), n),
			FreqNatives: ratio(float64(s.NativesA), float64(s.Natives)), FreqMigrants: ratio(float64(s.MigrantsA), float64(s.Migrants)),
			MeanFitness: s.MeanFitness, MovedIn: float64(s.MovedIn), MovedOut: float64(s.MovedOut), Refused: float64(s.Refused), Clamped: float64(s.Clamped)}
		nat[k], natA[k], mig[k], migA[k] = float64(s.Natives), float64(s.NativesA), float64(s.Migrants), float64(s.MigrantsA)
	}
	rows = worldRows(rows, nA, nat, natA, mig, migA)
	// Frequencies are ratios of counts, exact; mean fitness is a sum of
	// floats, whose last digits are rounding noise.
	for i := range rows {
		rows[i].MeanFitness = artifact.Tidy(rows[i].MeanFitness)
	}
	return rows
}

// detRows converts the deterministic counterpart's statistics.
func detRows(st []model.DetStats) []artifact.Row {
	K := len(st)
	rows := make([]artifact.Row, K)
	nA, nat, natA, mig, migA := make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K)
	for k, s := range st {
		if s.Size > 0 {
			nA[k] = float64(s.Size * s.FreqA)
		}
		rows[k] = artifact.Row{Size: s.Size, FreqA: s.FreqA, FreqNatives: s.FreqNatives, FreqMigrants: s.FreqMigrants,
			MeanFitness: s.MeanFitness, MovedIn: s.MovedIn, MovedOut: s.MovedOut}
		nat[k], mig[k] = s.Natives, s.Migrants
		if s.Natives > 0 {
			natA[k] = float64(s.Natives * s.FreqNatives)
		}
		if s.Migrants > 0 {
			migA[k] = float64(s.Migrants * s.FreqMigrants)
		}
	}
	rows = worldRows(rows, nA, nat, natA, mig, migA)
	// Every number of the counterpart is computed in floats.
	for i := range rows {
		rows[i].Tidy()
	}
	return rows
}

// detCell iterates the deterministic counterpart of point's world (every
// platform well-mixed) for all its generations: one "replicate" with the
// records of a simulation.
func detCell(sc *scenarios.Scenario, point int, res artifact.RunResult, every int) (artifact.RunResult, error) {
	plats, err := sc.DetPlatforms(point)
	if err != nil {
		return res, &InputError{Err: err}
	}
	cfg := sc.Point(point)
	dw, err := model.NewDetWorld(plats, cfg.Migration, cfg.Generations)
	if err != nil {
		return res, &InputError{Err: err} // payoff-seeking routes
	}
	K := len(plats)
	acc := sim.NewAcculturation(K)
	gens := cfg.Generations
	observe := func(g int, rows []artifact.Row) {
		for k, r := range rows[min(1, len(rows)-1):] {
			acc.Observe(g, k, r.FreqNatives, r.FreqMigrants)
		}
		if every > 0 && (g%every == 0 || g == gens) {
			res.Series = append(res.Series, artifact.Record{Generation: g, Rows: rows})
		}
	}
	for g := range gens {
		observe(g, detRows(dw.Step()))
	}
	final := detRows(dw.State())
	observe(gens, final)
	res.Result = sim.Result{Generations: gens, FinalFreqA: final[0].FreqA, Reason: sim.StoppedMaxGenerations}
	if K > 1 {
		res.Platforms = finals(final, acc.Times())
	}
	return res, nil
}
