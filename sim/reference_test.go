package sim

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// Literal implementations of MODEL.md §2 and §6, written for clarity, not
// speed: explicit shuffles, explicit donors and parents drawn by
// cumulative weights. The engine's shortcuts must give the same
// distributions.

// refWellMixedStep plays one generation of MODEL.md §2 literally and
// returns the next juveniles and the mean fitness.
func refWellMixedStep(p model.Params, juv []uint8, r *rand.Rand) ([]uint8, float64) {
	adult, fit, mean := refWellMixedAdults(p, juv, r)
	return refBreed(p, adult, fit, r), mean
}

// refWellMixedAdults plays the games and horizontal transmission of
// MODEL.md §2: random pairs (the odd agent out plays a random other, who
// is not paid), and a donor that is the partner with probability α, a
// uniformly random member otherwise. It returns the adults' phenotypes,
// their fitness and its mean.
func refWellMixedAdults(p model.Params, juv []uint8, r *rand.Rand) (adult []uint8, fit []float64, mean float64) {
	N := len(juv)
	partner := make([]int, N)
	perm := r.Perm(N)
	for k := 0; k+1 < N; k += 2 {
		partner[perm[k]], partner[perm[k+1]] = perm[k+1], perm[k]
	}
	if N%2 == 1 {
		last := perm[N-1]
		j := r.IntN(N - 1)
		if j >= last {
			j++
		}
		partner[last] = j
	}
	fit = make([]float64, N)
	adult = make([]uint8, N)
	var W float64
	for i := range N {
		fit[i] = p.Fitness(model.Phenotype(juv[i]), model.Phenotype(juv[partner[i]]))
		W += fit[i]
		donor := r.IntN(N) // a uniformly random member, itself included
		if r.Float64() < p.Alpha {
			donor = partner[i]
		}
		adult[i] = juv[i]
		if d := juv[donor]; d != juv[i] {
			t := p.TB
			if d == 1 {
				t = p.TA
			}
			if r.Float64() < t {
				adult[i] = d
			}
		}
	}
	return adult, fit, W / float64(N)
}

// refBreed draws one offspring per adult: with probability v the
// phenotype of a parent drawn ∝ fitness, otherwise a random adult's.
func refBreed(p model.Params, adult []uint8, fit []float64, r *rand.Rand) []uint8 {
	N := len(adult)
	cum := make([]float64, N)
	acc := 0.0
	for i, f := range fit {
		acc += f
		cum[i] = acc
	}
	next := make([]uint8, N)
	for k := range N {
		if r.Float64() < p.V {
			parent := sort.SearchFloat64s(cum, r.Float64()*acc)
			next[k] = adult[min(parent, N-1)]
		} else {
			next[k] = adult[r.IntN(N)]
		}
	}
	return next
}

// refPick returns an index drawn with probability ∝ weight[i] among the
// given indices, uniformly if every weight is 0.
func refPick(idx []int, weight []float64, r *rand.Rand) int {
	var tot float64
	for _, i := range idx {
		tot += weight[i]
	}
	if tot <= 0 {
		return idx[r.IntN(len(idx))]
	}
	x := r.Float64() * tot
	for _, i := range idx {
		if x < weight[i] {
			return i
		}
		x -= weight[i]
	}
	for k := len(idx) - 1; ; k-- { // rounding: the last with positive weight
		if weight[idx[k]] > 0 {
			return idx[k]
		}
	}
}

// refLattice is a literal lattice of MODEL.md §6, with the layers of a
// world's lattice platform: vacancies, lineages (origin and arrival,
// inherited from the parent) and cross-exposure of horizontal donors.
type refLattice struct {
	p    model.Params
	cfg  LatticeConfig
	L    int
	phen []uint8
	occ  []bool // nil: every site holds an agent
	// Lineages, nil when not tracked: then an offspring's parent is
	// drawn only when it gives the phenotype.
	origin  []uint8
	arrival []int32
	// Cross-exposure: a visited site's donor comes from elsewhere with
	// probability away, and is then A with probability remote.
	away, remote float64
}

func (rl *refLattice) isOcc(s int) bool { return rl.occ == nil || rl.occ[s] }

// neighboursOf lists the neighbours of (x, y) from coordinates, with no
// shared code with the engine.
func (rl *refLattice) neighboursOf(x, y int) []int {
	var out []int
	r, L := rl.cfg.Radius, rl.L
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx == 0 && dy == 0 {
				continue
			}
			if rl.cfg.Neighborhood == VonNeumann && math.Abs(float64(dx))+math.Abs(float64(dy)) > float64(r) {
				continue
			}
			nx, ny := x+dx, y+dy
			if rl.cfg.Boundary == Torus {
				nx, ny = (nx%L+L)%L, (ny%L+L)%L
			} else if nx < 0 || ny < 0 || nx >= L || ny >= L {
				continue
			}
			out = append(out, ny*L+nx)
		}
	}
	return out
}

// occupiedNeighbours lists the neighbours of site s that hold an agent.
func (rl *refLattice) occupiedNeighbours(s int) []int {
	var out []int
	for _, t := range rl.neighboursOf(s%rl.L, s/rl.L) {
		if rl.isOcc(t) {
			out = append(out, t)
		}
	}
	return out
}

func (rl *refLattice) step(r *rand.Rand) float64 {
	games, pay := rl.interact(r)
	w, mean := rl.fitness(games, pay)
	rl.reproduce(r, w)
	return mean
}

// interact plays the rounds of games and transmission; it returns each
// site's number of games and summed payoff.
func (rl *refLattice) interact(r *rand.Rand) (games []int, pay []float64) {
	N := rl.L * rl.L
	games = make([]int, N)
	pay = make([]float64, N)
	for range rl.cfg.Rounds {
		var sites []int
		for s := range N {
			if rl.isOcc(s) {
				sites = append(sites, s)
			}
		}
		for _, k := range r.Perm(len(sites)) {
			s := sites[k]
			if r.Float64() >= rl.cfg.Initiation {
				continue
			}
			nb := rl.occupiedNeighbours(s)
			if len(nb) > 0 {
				j := nb[r.IntN(len(nb))]
				a, b := model.Phenotype(rl.phen[s]), model.Phenotype(rl.phen[j])
				pay[s] += rl.p.Payoff(a, b)
				pay[j] += rl.p.Payoff(b, a)
				games[s]++
				games[j]++
			}
			if rl.away > 0 && r.Float64() < rl.away {
				// A donor from another platform: only s can learn.
				var d uint8
				if r.Float64() < rl.remote {
					d = 1
				}
				if d != rl.phen[s] {
					t := rl.p.TB
					if d == 1 {
						t = rl.p.TA
					}
					if r.Float64() < t {
						rl.phen[s] = d
					}
				}
				continue
			}
			if len(nb) == 0 {
				continue
			}
			d := nb[r.IntN(len(nb))]
			if rl.phen[s] != rl.phen[d] {
				// The A holder converts the B holder with T_A, and
				// independently the B holder converts the A holder with T_B.
				tS, tD := rl.p.TB, rl.p.TA // success of d's and s's phenotype
				if rl.phen[d] == 1 {
					tS, tD = rl.p.TA, rl.p.TB
				}
				flipS, flipD := r.Float64() < tS, r.Float64() < tD
				if flipS {
					rl.phen[s] ^= 1
				}
				if flipD {
					rl.phen[d] ^= 1
				}
			}
		}
	}
	return games, pay
}

// fitness returns each agent's fitness (0 at empty sites) and the mean
// over agents.
func (rl *refLattice) fitness(games []int, pay []float64) ([]float64, float64) {
	N := rl.L * rl.L
	w := make([]float64, N)
	var W float64
	n := 0
	for s := range N {
		if !rl.isOcc(s) {
			continue
		}
		if rl.cfg.Fitness == FitnessMean {
			w[s] = 1 + pay[s]/math.Max(1, float64(games[s]))
		} else {
			w[s] = math.Max(0, 1+pay[s])
		}
		W += w[s]
		n++
	}
	return w, W / float64(n)
}

// reproduce gives every occupied site an offspring of a parent drawn ∝
// fitness w from the agents of the lattice (global) or of the site's
// block (local); empty sites stay empty.
func (rl *refLattice) reproduce(r *rand.Rand, w []float64) {
	N := rl.L * rl.L
	next := make([]uint8, N)
	var nextOrigin []uint8
	var nextArrival []int32
	if rl.origin != nil {
		nextOrigin, nextArrival = make([]uint8, N), make([]int32, N)
	}
	for s := range N {
		if !rl.isOcc(s) {
			continue
		}
		pool := make([]int, 0, N)
		if rl.cfg.Selection == Global {
			for t := range N {
				pool = append(pool, t)
			}
		} else {
			pool = append(append(pool, s), rl.neighboursOf(s%rl.L, s/rl.L)...)
		}
		agents := pool[:0]
		for _, t := range pool {
			if rl.isOcc(t) {
				agents = append(agents, t)
			}
		}
		pool = agents
		if rl.origin != nil {
			// The parent gives its lineage whether or not the offspring
			// copies its phenotype.
			parent := refPick(pool, w, r)
			nextOrigin[s], nextArrival[s] = rl.origin[parent], rl.arrival[parent]
			if r.Float64() < rl.p.V {
				next[s] = rl.phen[parent]
			} else {
				next[s] = rl.phen[pool[r.IntN(len(pool))]]
			}
			continue
		}
		var tot float64
		for _, t := range pool {
			tot += w[t]
		}
		if tot > 0 && r.Float64() < rl.p.V {
			x := r.Float64() * tot
			pick := pool[len(pool)-1]
			for _, t := range pool {
				if x < w[t] {
					pick = t
					break
				}
				x -= w[t]
			}
			next[s] = rl.phen[pick]
		} else {
			next[s] = rl.phen[pool[r.IntN(len(pool))]]
		}
	}
	rl.phen = next
	if rl.origin != nil {
		rl.origin, rl.arrival = nextOrigin, nextArrival
	}
}

// sampleStats accumulates mean and variance (Welford).
type sampleStats struct {
	n        int
	mean, m2 float64
}

func (s *sampleStats) add(x float64) {
	s.n++
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (x - s.mean)
}

func (s *sampleStats) variance() float64 { return s.m2 / float64(s.n-1) }

// sameDistribution fails the test if two samples' means differ by more
// than z standard errors, or their variances by more than z standard
// errors of the variance (2σ⁴/(n−1) for near-normal samples). It returns
// the larger of the two differences in standard errors (0 for equal
// constants).
func sameDistribution(t *testing.T, what string, a, b sampleStats, z float64) float64 {
	t.Helper()
	se := math.Sqrt(a.variance()/float64(a.n) + b.variance()/float64(b.n))
	dm := math.Abs(a.mean - b.mean)
	if dm > z*se+1e-12 {
		t.Errorf("%s: means %.5g (engine) and %.5g (literal) differ by %.2f standard errors", what, a.mean, b.mean, dm/se)
	}
	va, vb := a.variance(), b.variance()
	sev := math.Sqrt(2*va*va/float64(a.n-1) + 2*vb*vb/float64(b.n-1))
	dv := math.Abs(va - vb)
	if dv > z*sev+1e-12 {
		t.Errorf("%s: variances %.5g (engine) and %.5g (literal) differ by %.2f standard errors", what, va, vb, dv/sev)
	}
	inSE := func(d, se float64) float64 {
		if d <= 1e-12 {
			return 0
		}
		return d / se
	}
	return max(inSE(dm, se), inSE(dv, sev))
}

// One generation of the engine and of the literal model, from the same
// juveniles, give the same distribution of the next count of A and of the
// mean fitness.
func TestWellMixedMatchesLiteralModel(t *testing.T) {
	p := model.Params{B: 2, C: 0.4, V: 0.6, Alpha: 0.5, TA: 0.3, TB: 0.6}
	for _, n := range []int{200, 201} {
		start := make([]uint8, n)
		for i := range n / 3 {
			start[i*3] = 1
		}
		const reps = 4000
		var eng, lit, engW, litW sampleStats
		r := rng.New(uint64(n))
		lr := rand.New(rand.NewPCG(uint64(n), 9))
		for range reps {
			w, err := NewWellMixed(p, n, 0, r)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.SetPhenotypes(start, r); err != nil {
				t.Fatal(err)
			}
			st := w.Step(r)
			eng.add(float64(w.CountA()))
			engW.add(st.MeanFitness)

			next, mw := refWellMixedStep(p, start, lr)
			lit.add(float64(countA(next)))
			litW.add(mw)
		}
		sameDistribution(t, "next count of A, N = "+itoa(n), eng, lit, 5)
		sameDistribution(t, "mean fitness, N = "+itoa(n), engW, litW, 5)
	}
}

func countA(ph []uint8) int {
	n := 0
	for _, x := range ph {
		n += int(x)
	}
	return n
}

// adjacentAA counts horizontally or vertically adjacent A–A pairs: a
// spatial statistic that a wrong neighbourhood or update order would move.
func adjacentAA(ph []uint8, L int) int {
	n := 0
	for y := range L {
		for x := range L {
			if ph[y*L+x] == 0 {
				continue
			}
			if x+1 < L && ph[y*L+x+1] == 1 {
				n++
			}
			if y+1 < L && ph[(y+1)*L+x] == 1 {
				n++
			}
		}
	}
	return n
}

// One generation of the engine's lattice and of the literal lattice, from
// the same start, give the same distributions of the count of A, of
// adjacent A–A pairs and of mean fitness, over the structural options.
func TestLatticeMatchesLiteralModel(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.3, V: 0.7, TA: 0.4, TB: 0.6}
	const L = 12
	configs := map[string]LatticeConfig{
		"paper":              {Side: L},
		"local":              {Side: L, Selection: Local},
		"local v1":           {Side: L, Selection: Local},
		"torus local":        {Side: L, Boundary: Torus, Selection: Local},
		"von Neumann r2":     {Side: L, Neighborhood: VonNeumann, Radius: 2},
		"vN local torus":     {Side: L, Neighborhood: VonNeumann, Boundary: Torus, Selection: Local},
		"moore r2 sum":       {Side: L, Radius: 2, Fitness: FitnessSum},
		"initiation 0.8 x2":  {Side: L, Initiation: 0.8, Rounds: 2},
		"torus initiation 1": {Side: L, Boundary: Torus, Initiation: 1},
	}
	start := make([]uint8, L*L)
	sr := rand.New(rand.NewPCG(1, 1))
	for i := range start {
		if sr.Float64() < 0.5 {
			start[i] = 1
		}
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			pp := p
			if cfg.Fitness == FitnessSum {
				pp.C = 0.9 // negative sums occur and are clamped
			}
			if strings.HasSuffix(name, " v1") {
				pp.V = 1 // purely vertical, as in the paper
			}
			const reps = 3000
			var eA, lA, eAA, lAA, eW, lW sampleStats
			r := rng.New(7)
			lr := rand.New(rand.NewPCG(7, 7))
			for range reps {
				lt, err := NewLattice(pp, cfg, 0.5, r)
				if err != nil {
					t.Fatal(err)
				}
				if err := lt.SetPhenotypes(start); err != nil {
					t.Fatal(err)
				}
				st := lt.Step(r)
				eA.add(float64(lt.CountA()))
				eAA.add(float64(adjacentAA(lt.phen, L)))
				eW.add(st.MeanFitness)

				rl := &refLattice{p: pp, cfg: cfg.WithDefaults(), L: L, phen: append([]uint8(nil), start...)}
				lW.add(rl.step(lr))
				lA.add(float64(countA(rl.phen)))
				lAA.add(float64(adjacentAA(rl.phen, L)))
			}
			sameDistribution(t, "count of A", eA, lA, 5)
			sameDistribution(t, "adjacent A–A pairs", eAA, lAA, 5)
			sameDistribution(t, "mean fitness", eW, lW, 5)
		})
	}
}

// moment is Σ over A sites of (x − c) + 2(y − c), c the centre: it is
// symmetric in distribution only if sites are visited in random order.
func moment(ph []uint8, L int) float64 {
	c := float64(L-1) / 2
	var m float64
	for s, a := range ph {
		if a == 1 {
			m += float64(s%L) - c + 2*(float64(s/L)-c)
		}
	}
	return m
}

// The interaction phase alone, where visiting order and immediate updates
// matter most: with T_A = 1 and T_B = 0 an A converts every B it meets,
// and conversions chain along the visiting order. From a centred cross of
// A, the engine and the literal model must agree on the spread (count of
// A) and its direction (moment), which a fixed order would bias.
func TestLatticeInteractionPhaseMatchesLiteral(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.1, V: 1, TA: 1, TB: 0}
	const L = 15
	start := make([]uint8, L*L)
	for k := range L {
		start[7*L+k], start[k*L+7] = 1, 1
	}
	for _, cfg := range []LatticeConfig{{Side: L, Initiation: 1}, {Side: L, Boundary: Torus}, {Side: L, Neighborhood: VonNeumann, Initiation: 1}} {
		var eA, lA, eM, lM, eP, lP sampleStats
		r := rng.New(3)
		lr := rand.New(rand.NewPCG(3, 3))
		lt, err := NewLattice(p, cfg, 0.5, r)
		if err != nil {
			t.Fatal(err)
		}
		for range 4000 {
			if err := lt.SetPhenotypes(start); err != nil {
				t.Fatal(err)
			}
			lt.interact(r, exposure{})
			eA.add(float64(countA(lt.phen)))
			eM.add(moment(lt.phen, L))
			g, _, _ := lt.counters(7*L + 7)
			eP.add(float64(g))

			rl := &refLattice{p: p, cfg: cfg.WithDefaults(), L: L, phen: append([]uint8(nil), start...)}
			games, _ := rl.interact(lr)
			lA.add(float64(countA(rl.phen)))
			lM.add(moment(rl.phen, L))
			lP.add(float64(games[7*L+7]))
		}
		name := cfg.Neighborhood.String() + " " + cfg.Boundary.String()
		sameDistribution(t, name+": A after interaction", eA, lA, 5)
		sameDistribution(t, name+": directional moment", eM, lM, 5)
		sameDistribution(t, name+": games of the centre", eP, lP, 5)
	}
}

// counters decodes site s's game counters: games played, games with an A
// partner, games played while A.
func (lt *Lattice) counters(s int) (games, pA, aA int) {
	x := lt.counter(s)
	if lt.fitTab == nil {
		return int(x & 0xffff), int(x >> cntPartner & 0xffff), int(x >> cntAsA & 0xffff)
	}
	G := uint64(lt.radix)
	return int(x % G), int(x / G % G), int(x / G / G)
}
