package sim_test

import (
	"github.com/culturesim/culturesim/internal/testgate"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// finiteRegions are parameter sets, one per outcome of MODEL.md §4, with
// selection weak enough that a population of tens is neither neutral nor
// deterministic: model.FiniteRegions, which the finite-N figure draws.
var finiteRegions = model.FiniteRegions

// The exact chain of model.FiniteChain is the engine's law: from every
// start k, the fraction of 10⁴ replicates of sim.WellMixed that fix A is
// compared with the chain's probability, in each region, for even and odd
// N. go test runs N = 10, 11 and 25; CULTURESIM_EXACT=1 (as .ci/run sets
// it) adds 60 and 61. With m starts checked, each must lie inside its
// Wilson interval at the Bonferroni level 0.001/m (so a correct engine
// fails with probability below 0.001 in all), and the number outside the
// plain 99.9% interval must be one a correct engine exceeds with
// probability below 10⁻⁴ (binomial(m, 0.001)).
func TestWellMixedFixationMatchesExactChain(t *testing.T) {
	sizes := []int{10, 11, 25}
	if testgate.Exact.Enabled() {
		sizes = append(sizes, 60, 61)
	} else {
		testgate.Skipped(testgate.Exact)
		if testing.Short() {
			sizes = sizes[:2]
		}
	}
	const replicates = 10000
	type check struct {
		name     string
		n, k     int
		fixed    int
		want     float64
		lo, high float64
	}
	var checks []check
	for ri, reg := range finiteRegions {
		for _, n := range sizes {
			chain, err := model.NewFiniteChain(reg.Params, n)
			if err != nil {
				t.Fatal(err)
			}
			an, err := chain.Analyze()
			if err != nil {
				t.Fatal(err)
			}
			fixed := engineFixations(reg.Params, n, replicates, uint64(1000*ri+n))
			for k := 1; k < n; k++ {
				checks = append(checks, check{name: reg.Name, n: n, k: k, fixed: fixed[k], want: an.Fixation[k]})
			}
		}
	}
	m := len(checks)
	std := distuv.UnitNormal
	zPlain := std.Quantile(1 - 0.001/2)
	zFamily := std.Quantile(1 - 0.001/(2*float64(m)))
	outside := 0
	for _, c := range checks {
		if iv := artifact.WilsonZ(c.fixed, replicates, zPlain); c.want < iv.Lo || c.want > iv.Hi {
			outside++
			t.Logf("%s, N = %d, from %d A: the engine fixed A in %d of %d runs (99.9%% interval [%.4f, %.4f]); the chain says %.4f",
				c.name, c.n, c.k, c.fixed, replicates, iv.Lo, iv.Hi, c.want)
		}
		if iv := artifact.WilsonZ(c.fixed, replicates, zFamily); c.want < iv.Lo || c.want > iv.Hi {
			t.Errorf("%s, N = %d, from %d A: the engine fixed A in %d of %d runs, outside the Bonferroni interval [%.4f, %.4f] of the chain's %.4f",
				c.name, c.n, c.k, c.fixed, replicates, iv.Lo, iv.Hi, c.want)
		}
	}
	limit := 0 // the smallest count a correct engine exceeds with probability < 1e-4
	plain := distuv.Binomial{N: float64(m), P: 0.001}
	for plain.Survival(float64(limit)) >= 1e-4 {
		limit++
	}
	if outside > limit {
		t.Errorf("%d of %d starts outside their 99.9%% interval; a correct engine has more than %d with probability below 10⁻⁴", outside, m, limit)
	}
	t.Logf("%d starts checked (N = %v, four regions), %d outside their Wilson 99.9%% interval (expected %.2f)", m, sizes, outside, 0.001*float64(m))
}

// engineFixations runs replicates of n agents from every start k in
// 1…n−1 to fixation and counts those where A fixed; streams from seed,
// the start and the replicate. Two goroutines share the starts.
func engineFixations(p model.Params, n, replicates int, seed uint64) []int {
	fixed := make([]int, n)
	var wg sync.WaitGroup
	starts := make(chan int)
	for range 2 {
		wg.Go(func() {
			ph := make([]uint8, n)
			// One population per goroutine: SetPhenotypes replaces every
			// agent (and shuffles them) at the start of each replicate.
			w, err := sim.NewWellMixed(p, n, 0, rng.New(seed))
			if err != nil {
				panic(err)
			}
			for k := range starts {
				for i := range ph {
					ph[i] = 0
					if i < k {
						ph[i] = 1
					}
				}
				count := 0
				for rep := range replicates {
					r := rng.Stream(seed, k, rep)
					if err := w.SetPhenotypes(ph, r); err != nil {
						panic(err)
					}
					for w.CountA() != 0 && w.CountA() != n {
						w.Step(r)
					}
					if w.CountA() == n {
						count++
					}
				}
				fixed[k] = count
			}
		})
	}
	for k := 1; k < n; k++ {
		starts <- k
	}
	close(starts)
	wg.Wait()
	return fixed
}

// chainSets and chainSizes are the exact-chain tests' points: v < 1 and
// v = 0 with mixed transmission, one finite region's strong selection;
// even and odd N.
var (
	chainSets = []model.FiniteRegion{
		{Name: "mixed transmission", Params: model.Params{B: 2, C: 0.3, V: 0.5, Alpha: 0.4, TA: 0.5, TB: 0.7}},
		{Name: "oblique only", Params: model.Params{B: 3, C: 0.5, V: 0, Alpha: 0.9, TA: 0.2, TB: 0.6}},
		finiteRegions[2],
	}
	chainSizes = []int{11, 12, 25}
)

// One generation of sim.WellMixed draws the next number of A juveniles
// from the chain's row: from several starts, 10⁵ steps' histogram of k′
// against P[k][·] by a chi-square test at the 10⁻⁴ level (bins with
// fewer than 5 expected merged), for even and odd N, v < 1 and v = 1,
// strong selection and weak; with the offspring packed (Step) and drawn
// agent by agent (StepAgents, a platform migration can reach). A test of
// the law itself, sharper than the fixation fractions it implies.
func TestWellMixedStepMatchesExactChain(t *testing.T) {
	const steps = 100000
	for si, set := range chainSets {
		for _, n := range chainSizes {
			chain, err := model.NewFiniteChain(set.Params, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{1, n / 3, n / 2, n - 2} {
				w, err := sim.NewWellMixed(set.Params, n, 0, rng.New(1))
				if err != nil {
					t.Fatal(err)
				}
				ph := make([]uint8, n)
				for i := range k {
					ph[i] = 1
				}
				for _, agents := range []bool{false, true} {
					step := w.Step
					if agents {
						step = w.StepAgents
					}
					counts := make([]int, n+1)
					r := rng.Stream(uint64(7000+si), n, k)
					for range steps {
						if err := w.SetPhenotypes(ph, r); err != nil {
							t.Fatal(err)
						}
						step(r)
						counts[w.CountA()]++
					}
					stat, df := chiSquareMerged(counts, chain.P.RawRowView(k), steps)
					limit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4)
					if df > 0 && stat > limit {
						t.Errorf("%s, N = %d, k = %d, agents %v: χ² = %.1f on %d degrees of freedom, above the 10⁻⁴ quantile %.1f", set.Name, n, k, agents, stat, df, limit)
					}
				}
			}
		}
	}
}

// chiSquareMerged is Pearson's statistic of observed counts against
// probabilities, with adjacent bins merged until each expects ≥ 5, and
// its degrees of freedom (merged bins − 1).
func chiSquareMerged(counts []int, probs []float64, total int) (stat float64, df int) {
	var obsBins, expBins []float64
	var obs, exp float64
	for i := range counts {
		obs += float64(counts[i])
		exp += probs[i] * float64(total)
		if exp >= 5 {
			obsBins, expBins = append(obsBins, obs), append(expBins, exp)
			obs, exp = 0, 0
		}
	}
	if n := len(expBins); n > 0 {
		// The tail left over joins the last bin.
		obsBins[n-1] += obs
		expBins[n-1] += exp
	} else if obs > 0 {
		obsBins, expBins = []float64{obs}, []float64{exp}
	}
	for i, e := range expBins {
		if e == 0 {
			return math.Inf(1), 1 // seen where the chain says never
		}
		stat += (obsBins[i] - e) * (obsBins[i] - e) / e
	}
	return stat, len(expBins) - 1
}

// A packed population (one that no migration reaches: its juveniles are
// only pair counts, and a generation draws binomial counts) follows the
// same chain: along runs started at initial_a = 1/2 (and started again
// at fixation), the histogram of k′ after each visit of k is tested
// against P[k][·] by χ² at the 10⁻⁴ level, Bonferroni-corrected over the
// rows, for every row visited at least 2,000 times: even and odd N,
// v < 1 and v = 1, strong selection and weak.
func TestWellMixedPackedStepMatchesExactChain(t *testing.T) {
	const steps = 300000
	for si, set := range chainSets {
		for _, n := range chainSizes {
			chain, err := model.NewFiniteChain(set.Params, n)
			if err != nil {
				t.Fatal(err)
			}
			trans := make([][]int, n+1)
			for k := range trans {
				trans[k] = make([]int, n+1)
			}
			r := rng.Stream(uint64(9000+si), n, 0)
			w, err := sim.NewWellMixed(set.Params, n, 0.5, r)
			if err != nil {
				t.Fatal(err)
			}
			for range steps {
				k := w.CountA()
				if k == 0 || k == n {
					if w, err = sim.NewWellMixed(set.Params, n, 0.5, r); err != nil {
						t.Fatal(err)
					}
					continue
				}
				w.Step(r)
				trans[k][w.CountA()]++
			}
			rows := 0
			for k := 1; k < n; k++ {
				if sum(trans[k]) >= 2000 {
					rows++
				}
			}
			if rows < 3 {
				t.Fatalf("%s, N = %d: only %d rows visited 2,000 times", set.Name, n, rows)
			}
			for k := 1; k < n; k++ {
				total := sum(trans[k])
				if total < 2000 {
					continue
				}
				stat, df := chiSquareMerged(trans[k], chain.P.RawRowView(k), total)
				limit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4/float64(rows))
				if df > 0 && stat > limit {
					t.Errorf("%s, N = %d, k = %d: χ² = %.1f on %d degrees of freedom over %d steps, above the quantile %.1f", set.Name, n, k, stat, df, total, limit)
				}
			}
		}
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
