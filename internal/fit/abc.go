package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"

	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/sim/rng"
)

// Prior is a uniform prior on [Lo, Hi] of a parameter's working scale:
// the parameter itself, or its logarithm with Log.
type Prior struct {
	Name   string
	Lo, Hi float64 // on the working scale (log for Log)
	Log    bool
}

// Value maps a working-scale coordinate to the parameter.
func (p Prior) Value(z float64) float64 {
	if p.Log {
		return math.Exp(z)
	}
	return z
}

// Settings are ABC-SMC's tuning.
type Settings struct {
	Particles      int
	Generations    int     // populations after the prior's
	Quantile       float64 // ε_t is this weighted quantile of population t−1's distances
	MinAcceptance  float64 // stop after a population that accepts fewer of its proposals
	MaxSimulations int     // stop rather than let a population take the total past this
	Workers        int
	Seed           uint64
}

// Particle is one member of a population: its parameters on the working
// scale, its normalised importance weight and its distance.
type Particle struct {
	Z        []float64
	Weight   float64
	Distance float64
}

// Population is one generation of ABC-SMC.
type Population struct {
	Generation  int
	Epsilon     float64 // +Inf for the prior's population
	Particles   []Particle
	Proposals   int // attempts up to the last accepted one (inside the prior or not)
	Simulations int // simulations those attempts ran
	ESS         float64
}

// Acceptance is the fraction of simulations accepted.
func (p Population) Acceptance() float64 {
	if p.Simulations == 0 {
		return 0
	}
	return float64(len(p.Particles)) / float64(p.Simulations)
}

// Stop says why a fit ended.
type Stop string

const (
	StopGenerations   Stop = "the last generation"
	StopAcceptance    Stop = "the acceptance rate fell below min_acceptance"
	StopSimulations   Stop = "the next generation would exceed max_simulations"
	StopNoImprovement Stop = "the tolerance stopped falling"
)

// Simulator returns the distance of one simulation at working-scale
// parameters z, drawing from seed. A NaN distance (a simulation whose
// statistic is undefined) is never accepted. It may stop a simulation
// whose distance is sure to exceed eps and return +Inf (the decision is
// the same: rejected).
type Simulator func(ctx context.Context, z []float64, seed uint64, eps float64) (float64, error)

// Attempt is one proposal's record in the journal.
type Attempt struct {
	Generation, Index int
	Z                 []float64
	Distance          float64 // NaN: not accepted whatever the tolerance; +Inf: stopped once above it
}

// Store keeps the finished simulations, so that a fit killed in the middle
// resumes where it was: Lookup answers attempts already simulated, Record
// keeps each new one as soon as it finishes.
type Store interface {
	Lookup(generation, index int) (Attempt, bool)
	Record(Attempt) error
}

// maxBlock bounds the attempts evaluated together. A block's size
// depends on the settings only (not on the workers), and a population
// keeps the first Particles acceptances in attempt order whatever the
// block, so the populations are the same for any block size; a block
// only decides how many simulations run past the last acceptance.
const maxBlock = 64

// Run performs ABC-SMC (population Monte Carlo, Beaumont et al. 2009,
// with each tolerance a quantile of the last population's distances, as
// Drovandi & Pettitt 2011 adapt them). Population 0 is the
// prior's, every draw accepted; population t ≥ 1 proposes from
// population t−1 by weight, perturbed with a normal kernel of twice its
// weighted covariance, and keeps the first Particles proposals (in
// attempt order) with distance ≤ ε_t. after sees each population as it
// is finished.
func Run(ctx context.Context, priors []Prior, s Settings, simulate Simulator, store Store, after func(Population)) ([]Population, Stop, error) {
	if err := s.check(len(priors)); err != nil {
		return nil, "", err
	}
	var pops []Population
	total := 0
	for t := 0; ; t++ {
		var prev *Population
		eps := math.Inf(1)
		if t > 0 {
			prev = &pops[t-1]
			eps = weightedQuantile(prev.Particles, s.Quantile)
		}
		prop, err := newProposer(priors, prev)
		if err != nil {
			return pops, "", err
		}
		pop, err := generation(ctx, t, eps, priors, s, prop, simulate, store, s.MaxSimulations-total)
		if errors.Is(err, errBudget) {
			return pops, StopSimulations, nil
		}
		if err != nil {
			return pops, "", err
		}
		if prev != nil {
			prop.weigh(&pop)
		}
		total += pop.Simulations
		pops = append(pops, pop)
		if after != nil {
			after(pop)
		}
		switch {
		case t == s.Generations:
			return pops, StopGenerations, nil
		case t > 0 && pop.Acceptance() < s.MinAcceptance:
			return pops, StopAcceptance, nil
		case t > 0 && !(weightedQuantile(pop.Particles, s.Quantile) < eps):
			// Every distance is at the tolerance (a floor of the
			// simulator's noise reached exactly): no smaller ε exists.
			return pops, StopNoImprovement, nil
		}
	}
}

var errBudget = errors.New("fit: simulation budget reached")

func (s Settings) check(d int) error {
	switch {
	case d == 0:
		return errors.New("fit: no parameter to fit (give [fit.prior] entries)")
	case s.Particles < 2:
		return fmt.Errorf("fit: particles = %d; at least 2", s.Particles)
	case s.Generations < 0:
		return fmt.Errorf("fit: generations = %d; at least 0", s.Generations)
	case !(s.Quantile > 0 && s.Quantile < 1):
		return fmt.Errorf("fit: quantile = %g is outside (0, 1)", s.Quantile)
	case s.Workers < 1:
		return fmt.Errorf("fit: workers = %d; at least 1", s.Workers)
	}
	return nil
}

// attemptSeeds are the streams of attempt k of generation t: one for
// the proposal, one for the simulation, derived from the fit's seed as a
// sweep's runs are from (seed, point, replicate).
func attemptSeeds(seed uint64, t, k int) (propose, simulate uint64) {
	return rng.StreamSeed(seed, 2*t, k), rng.StreamSeed(seed, 2*t+1, k)
}

// generation fills population t: it evaluates attempts in blocks until
// Particles of them are accepted.
func generation(ctx context.Context, t int, eps float64, priors []Prior, s Settings, prop *proposer, simulate Simulator, store Store, budget int) (Population, error) {
	pop := Population{Generation: t, Epsilon: eps}
	type result struct {
		z    []float64
		d    float64
		sims int
	}
	block := min(maxBlock, s.Particles)
	for start := 0; len(pop.Particles) < s.Particles; start += block {
		res := make([]result, block)
		for k := range res {
			ps, _ := attemptSeeds(s.Seed, t, start+k)
			res[k].z = prop.propose(rng.New(ps))
		}
		need := 0
		for _, r := range res {
			if r.z != nil {
				need++
			}
		}
		if pop.Simulations+need > budget {
			return pop, errBudget
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(s.Workers)
		var mu sync.Mutex
		for k := range res {
			if res[k].z == nil {
				res[k].d = math.NaN() // outside the prior: no simulation
				continue
			}
			idx := start + k
			if a, ok := store.Lookup(t, idx); ok {
				if !slices.Equal(a.Z, res[k].z) {
					return pop, fmt.Errorf("fit: the journal's attempt %d of generation %d was at %v, not %v: it belongs to another fit", idx, t, a.Z, res[k].z)
				}
				res[k].d, res[k].sims = a.Distance, 1
				continue
			}
			g.Go(func() error {
				_, ss := attemptSeeds(s.Seed, t, idx)
				d, err := simulate(gctx, res[k].z, ss, eps)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				res[k].d, res[k].sims = d, 1
				return store.Record(Attempt{Generation: t, Index: idx, Z: res[k].z, Distance: d})
			})
		}
		if err := g.Wait(); err != nil {
			return pop, err
		}
		for k, r := range res {
			if len(pop.Particles) == s.Particles {
				break
			}
			pop.Proposals = start + k + 1
			pop.Simulations += r.sims
			if r.z != nil && !math.IsNaN(r.d) && r.d <= eps {
				pop.Particles = append(pop.Particles, Particle{Z: r.z, Distance: r.d, Weight: 1})
			}
		}
	}
	normalise(pop.Particles)
	pop.ESS = ess(pop.Particles)
	return pop, nil
}

// proposer draws proposals: from the prior for population 0, else from
// the previous population by weight, perturbed by N(0, 2Σ).
type proposer struct {
	priors []Prior
	prev   *Population
	cum    []float64 // cumulative weights of prev
	kernel *distmv.Normal
}

func newProposer(priors []Prior, prev *Population) (*proposer, error) {
	p := &proposer{priors: priors, prev: prev}
	if prev == nil {
		return p, nil
	}
	d := len(priors)
	p.cum = make([]float64, len(prev.Particles))
	acc := 0.0
	for i, q := range prev.Particles {
		acc += q.Weight
		p.cum[i] = acc
	}
	cov := mat.NewSymDense(d, nil)
	mean := make([]float64, d)
	for _, q := range prev.Particles {
		for a := range d {
			mean[a] += q.Weight * q.Z[a]
		}
	}
	for _, q := range prev.Particles {
		for a := range d {
			for b := a; b < d; b++ {
				cov.SetSym(a, b, cov.At(a, b)+2*q.Weight*(q.Z[a]-mean[a])*(q.Z[b]-mean[b]))
			}
		}
	}
	// A degenerate population (every particle at one value along an
	// axis) still gets a kernel: a width of 10⁻⁶ of the prior's range.
	for a := range d {
		floor := 1e-12 * (priors[a].Hi - priors[a].Lo) * (priors[a].Hi - priors[a].Lo)
		if cov.At(a, a) < floor {
			cov.SetSym(a, a, floor)
		}
	}
	k, ok := distmv.NewNormal(make([]float64, d), cov, nil)
	if !ok {
		// Collinear particles: keep the variances, drop the covariances.
		diag := mat.NewSymDense(d, nil)
		for a := range d {
			diag.SetSym(a, a, cov.At(a, a))
		}
		if k, ok = distmv.NewNormal(make([]float64, d), diag, nil); !ok {
			return nil, errors.New("fit: the population's covariance is not positive definite")
		}
	}
	p.kernel = k
	return p, nil
}

// propose draws one proposal from r, or nil if it falls outside the
// prior.
func (p *proposer) propose(r *rng.Xoshiro) []float64 {
	d := len(p.priors)
	z := make([]float64, d)
	if p.prev == nil {
		for a, pr := range p.priors {
			z[a] = pr.Lo + r.Float64()*(pr.Hi-pr.Lo)
		}
		return z
	}
	u := r.Float64() * p.cum[len(p.cum)-1]
	j := min(sort.SearchFloat64s(p.cum, u), len(p.cum)-1)
	for p.prev.Particles[j].Weight == 0 && j+1 < len(p.cum) {
		j++
	}
	// A standard normal vector by Box–Muller, then the kernel's Cholesky
	// factor: the draw is N(z_j, 2Σ).
	xi := make([]float64, d)
	for a := 0; a < d; a += 2 {
		u1, u2 := 1-r.Float64(), r.Float64()
		rad := math.Sqrt(-2 * math.Log(u1))
		xi[a] = rad * math.Cos(2*math.Pi*u2)
		if a+1 < d {
			xi[a+1] = rad * math.Sin(2*math.Pi*u2)
		}
	}
	p.kernel.TransformNormal(z, xi) // L ξ, with 2Σ = L Lᵀ (the kernel's mean is 0)
	for a := range d {
		z[a] += p.prev.Particles[j].Z[a]
	}
	for a, pr := range p.priors {
		if z[a] < pr.Lo || z[a] > pr.Hi {
			return nil
		}
	}
	return z
}

// weigh sets population t's importance weights: the prior is uniform on
// the working scale, so w_i ∝ 1 / Σ_j w_j K(z_i − z_j).
func (p *proposer) weigh(pop *Population) {
	diff := make([]float64, len(p.priors))
	logs := make([]float64, len(pop.Particles))
	for i, q := range pop.Particles {
		terms := make([]float64, 0, len(p.prev.Particles))
		for _, prev := range p.prev.Particles {
			if prev.Weight == 0 {
				continue
			}
			for a := range diff {
				diff[a] = q.Z[a] - prev.Z[a]
			}
			terms = append(terms, math.Log(prev.Weight)+p.kernel.LogProb(diff))
		}
		logs[i] = -logSumExp(terms)
	}
	top := math.Inf(-1)
	for _, l := range logs {
		top = math.Max(top, l)
	}
	for i := range pop.Particles {
		pop.Particles[i].Weight = math.Exp(logs[i] - top)
	}
	normalise(pop.Particles)
	pop.ESS = ess(pop.Particles)
}

func logSumExp(xs []float64) float64 {
	top := math.Inf(-1)
	for _, x := range xs {
		top = math.Max(top, x)
	}
	if math.IsInf(top, -1) {
		return top
	}
	s := 0.0
	for _, x := range xs {
		s += math.Exp(x - top)
	}
	return top + math.Log(s)
}

func normalise(ps []Particle) {
	s := 0.0
	for _, p := range ps {
		s += p.Weight
	}
	for i := range ps {
		ps[i].Weight /= s
	}
}

// ess is the effective sample size of normalised weights, 1/Σw².
func ess(ps []Particle) float64 {
	s := 0.0
	for _, p := range ps {
		s += p.Weight * p.Weight
	}
	return 1 / s
}

// weightedQuantile is the smallest distance whose cumulative weight
// reaches q.
func weightedQuantile(ps []Particle, q float64) float64 {
	x, w := make([]float64, len(ps)), make([]float64, len(ps))
	for i, p := range ps {
		x[i], w[i] = p.Distance, p.Weight
	}
	return figures.WeightedQuantile(x, w, q)
}
