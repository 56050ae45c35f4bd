package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// The lattice's layers (vacancies, lineages, cross-exposure) against the
// literal refLattice, in distribution.
//
// layersZ is the tolerance of every comparison below, in standard errors:
// these tests make about 500 comparisons (mean and variance of each
// statistic), and under normality a deviation beyond 4.5 standard errors
// has probability 6.8e-6, so the chance that any of them fails by chance
// is about 0.3%. The seeds are fixed, so a run either passes or fails for
// good; z was set from this count, before the tests ran.
const layersZ = 4.5

// layeredStart is a lattice's state: phenotypes and the layers.
type layeredStart struct {
	phen    []uint8
	occ     []bool  // nil: full
	origin  []uint8 // nil: no lineages
	arrival []int32
}

// newLayeredStart draws a start on an L×L lattice: each site occupied
// with probability density (every site if density is 1); with lineages, an
// agent is a migrant (origin 1, arrived at generation 3) with probability
// 0.3. Natives are A with probability 0.4, migrants with 0.8, so that
// selection, which favours B, moves the lineages' shares.
func newLayeredStart(L int, density float64, lineages bool, seed uint64) layeredStart {
	r := rand.New(rand.NewPCG(seed, 17))
	N := L * L
	st := layeredStart{phen: make([]uint8, N)}
	if density < 1 {
		st.occ = make([]bool, N)
	}
	if lineages {
		st.origin, st.arrival = make([]uint8, N), make([]int32, N)
	}
	for s := range N {
		if st.occ != nil {
			if st.occ[s] = r.Float64() < density; !st.occ[s] {
				continue
			}
		}
		pA := 0.4
		if lineages && r.Float64() < 0.3 {
			st.origin[s], st.arrival[s] = 1, 3
			pA = 0.8
		}
		if r.Float64() < pA {
			st.phen[s] = 1
		}
	}
	return st
}

// engineFrom makes an engine lattice in state st through the layers' own
// primitives.
func engineFrom(t *testing.T, p model.Params, cfg LatticeConfig, st layeredStart, r *rng.Xoshiro) *Lattice {
	t.Helper()
	lt, err := NewLattice(p, cfg, 0.5, r)
	if err != nil {
		t.Fatal(err)
	}
	if st.occ != nil {
		lt.enableVacancies()
		for s, o := range st.occ {
			if !o {
				lt.vacate(s)
			}
		}
	}
	if err := lt.SetPhenotypes(st.phen); err != nil {
		t.Fatal(err)
	}
	if st.origin != nil {
		lin := lt.enableLineages()
		copy(lin.origin, st.origin)
		copy(lin.arrival, st.arrival)
		lin.mixed = true
	}
	return lt
}

func (st layeredStart) ref(p model.Params, cfg LatticeConfig, ex exposure) *refLattice {
	rl := &refLattice{p: p, cfg: cfg.WithDefaults(), L: cfg.Side, phen: append([]uint8(nil), st.phen...),
		away: ex.away, remote: ex.remote()}
	if st.occ != nil {
		rl.occ = append([]bool(nil), st.occ...)
	}
	if st.origin != nil {
		rl.origin, rl.arrival = append([]uint8(nil), st.origin...), append([]int32(nil), st.arrival...)
	}
	return rl
}

// latticeSample is what the layered comparisons measure.
type latticeSample struct {
	countA, natives, migrantsA, adjacentAA, meanFit sampleStats
}

func (ls *latticeSample) add(ph []uint8, L int, occupied func(int) bool, origin func(int) uint8, meanFit float64) {
	nA, nat, migA := 0, 0, 0
	for s, x := range ph {
		if !occupied(s) {
			continue
		}
		nA += int(x)
		if origin(s) == 0 {
			nat++
		} else {
			migA += int(x)
		}
	}
	ls.countA.add(float64(nA))
	ls.natives.add(float64(nat))
	ls.migrantsA.add(float64(migA))
	ls.adjacentAA.add(float64(adjacentAA(ph, L)))
	ls.meanFit.add(meanFit)
}

func compareSamples(t *testing.T, what string, eng, lit latticeSample) float64 {
	t.Helper()
	worst := sameDistribution(t, what+": count of A", eng.countA, lit.countA, layersZ)
	worst = max(worst, sameDistribution(t, what+": natives", eng.natives, lit.natives, layersZ))
	worst = max(worst, sameDistribution(t, what+": migrants that are A", eng.migrantsA, lit.migrantsA, layersZ))
	worst = max(worst, sameDistribution(t, what+": adjacent A–A pairs", eng.adjacentAA, lit.adjacentAA, layersZ))
	return max(worst, sameDistribution(t, what+": mean fitness", eng.meanFit, lit.meanFit, layersZ))
}

// The interaction phase, one generation and several of the engine's
// layered lattice and of the literal model, from the same start, give the
// same distributions of the count of A, of natives, of migrants that are
// A, of adjacent A–A pairs and of the last generation's mean fitness: with vacancies, lineages and
// exposure alone and together, global and local selection, bounded and
// torus, mean and sum fitness.
func TestLatticeLayersMatchLiteralModel(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.3, V: 0.7, TA: 0.4, TB: 0.6}
	const L = 12
	exposed := exposure{away: 0.3, remoteA: 0.3 * 0.8}
	cases := []struct {
		name     string
		cfg      LatticeConfig
		density  float64
		lineages bool
		ex       exposure
		sum, v1  bool
	}{
		{"vacancies global", LatticeConfig{Side: L}, 0.7, false, exposure{}, false, false},
		{"vacancies local", LatticeConfig{Side: L, Selection: Local}, 0.7, false, exposure{}, false, false},
		{"vacancies local torus sum", LatticeConfig{Side: L, Selection: Local, Boundary: Torus, Fitness: FitnessSum}, 0.7, false, exposure{}, true, false},
		{"lineages global", LatticeConfig{Side: L}, 1, true, exposure{}, false, false},
		{"lineages local torus", LatticeConfig{Side: L, Selection: Local, Boundary: Torus}, 1, true, exposure{}, false, false},
		{"exposure full", LatticeConfig{Side: L}, 1, false, exposed, false, false},
		{"all global bounded mean", LatticeConfig{Side: L}, 0.7, true, exposed, false, false},
		{"all global torus sum", LatticeConfig{Side: L, Boundary: Torus, Fitness: FitnessSum}, 0.7, true, exposed, true, false},
		{"all local bounded mean", LatticeConfig{Side: L, Selection: Local}, 0.7, true, exposed, false, false},
		{"all local bounded v1", LatticeConfig{Side: L, Selection: Local}, 0.7, true, exposed, false, true},
		{"all local torus sum", LatticeConfig{Side: L, Selection: Local, Boundary: Torus, Fitness: FitnessSum}, 0.7, true, exposed, true, false},
		{"all vN r2 local", LatticeConfig{Side: L, Neighborhood: VonNeumann, Radius: 2, Selection: Local}, 0.7, true, exposed, false, false},
		{"all initiation 0.8 x2", LatticeConfig{Side: L, Initiation: 0.8, Rounds: 2}, 0.7, true, exposed, false, false},
		{"sparse local", LatticeConfig{Side: L, Selection: Local}, 0.25, true, exposed, false, false},
		// Many agents without neighbours, which still learn from afar.
		{"isolated and exposed", LatticeConfig{Side: L}, 0.1, true, exposure{away: 0.6}, false, false}, // remote donors are B
	}
	gens := []int{0, 1, 4} // 0: the interaction phase alone
	if testing.Short() {
		gens = gens[:2]
	}
	worst := 0.0
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pp := p
			if tc.sum {
				pp.C = 0.9 // negative sums occur and are clamped; blocks of zero fitness too
			}
			if tc.v1 {
				pp.V = 1
			}
			start := newLayeredStart(L, tc.density, tc.lineages, uint64(ci))
			for _, g := range gens {
				const reps = 3000
				var eng, lit latticeSample
				r := rng.New(uint64(100*ci + g))
				lr := rand.New(rand.NewPCG(uint64(ci), uint64(g)))
				for range reps {
					lt := engineFrom(t, pp, tc.cfg, start, r)
					var mf float64
					if g == 0 {
						lt.interact(r, tc.ex)
						W, _, _, _ := lt.fitness()
						mf = W / float64(lt.nOcc)
					}
					for range g {
						st, sums := lt.playGeneration(r, tc.ex)
						lt.reproduce(r, sums)
						mf = st.MeanFitness
					}
					if g > 0 { // lt.nA counts juveniles
						checkLayerInvariants(t, lt)
					}
					eng.add(lt.phen, L, lt.occupied, func(s int) uint8 { o, _ := lt.lineageOf(s); return o }, mf)

					rl := start.ref(pp, tc.cfg, tc.ex)
					if g == 0 {
						_, mf = rl.fitness(rl.interact(lr))
					}
					for range g {
						mf = rl.step(lr)
					}
					lit.add(rl.phen, L, rl.isOcc, func(s int) uint8 {
						if rl.origin == nil {
							return 0
						}
						return rl.origin[s]
					}, mf)
				}
				when := itoa(g) + " generation(s)"
				if g == 0 {
					when = "interaction phase"
				}
				worst = max(worst, compareSamples(t, when, eng, lit))
			}
		})
	}
	t.Logf("largest deviation: %.2f standard errors (z = %.1f)", worst, layersZ)
}

// checkLayerInvariants checks what the engine keeps true between
// generations: empty sites hold B, nA and nOcc count what they say, and
// "not mixed" means every agent is a native that never moved.
func checkLayerInvariants(t *testing.T, lt *Lattice) {
	t.Helper()
	n, nA := 0, 0
	mixed := false
	for s, x := range lt.phen {
		if !lt.occupied(s) {
			if x != 0 {
				t.Fatalf("empty site %d holds phenotype %d", s, x)
			}
			continue
		}
		n++
		nA += int(x)
		if o, a := lt.lineageOf(s); o != lt.home || a != 0 {
			mixed = true
		}
	}
	if n != lt.nOcc || nA != lt.nA {
		t.Fatalf("%d agents, %d A; the lattice counts %d and %d", n, nA, lt.nOcc, lt.nA)
	}
	if mixed && (lt.lin == nil || !lt.lin.mixed) {
		t.Fatal("lineages are mixed, the layer says not")
	}
}

// refWorld is a literal world of a well-mixed platform (0) and a lattice
// with vacancies (1): events move exactly round(fraction × n) uniformly
// chosen adults, arrivals on the lattice take uniformly random empty
// sites, and the lattice's random donors come from platform 0 with
// probability expose.
type refWorld struct {
	wm      model.Params
	juv     []uint8
	origin  []uint8 // of the well-mixed juveniles
	lat     *refLattice
	events  []model.Event
	expose  float64
	meanFit [2]float64
}

func newRefWorld(cfg WorldConfig, r *rand.Rand) *refWorld {
	wmc, lc := cfg.Platforms[0], cfg.Platforms[1]
	w := &refWorld{wm: wmc.Model, juv: make([]uint8, wmc.Agents), origin: make([]uint8, wmc.Agents), events: cfg.Migration.Events}
	for _, x := range cfg.Migration.Exposures {
		w.expose += x.Prob
	}
	for i := range w.juv {
		if r.Float64() < wmc.InitialA {
			w.juv[i] = 1
		}
	}
	N := lc.Lattice.Side * lc.Lattice.Side
	rl := &refLattice{p: lc.Model, cfg: lc.Lattice.WithDefaults(), L: lc.Lattice.Side, phen: make([]uint8, N),
		occ: make([]bool, N), origin: make([]uint8, N), arrival: make([]int32, N)}
	for _, s := range r.Perm(N)[:lc.Agents] {
		rl.occ[s], rl.origin[s] = true, 1
	}
	for s := range N {
		if rl.occ[s] && r.Float64() < lc.InitialA {
			rl.phen[s] = 1
		}
	}
	w.lat = rl
	return w
}

func (w *refWorld) step(t *testing.T, g int, r *rand.Rand) {
	t.Helper()
	lat := w.lat
	adult, fit, mW := refWellMixedAdults(w.wm, w.juv, r)
	origin := append([]uint8(nil), w.origin...)
	lat.away, lat.remote = w.expose, float64(countA(w.juv))/float64(len(w.juv))
	games, pay := lat.interact(r)
	fl, mL := lat.fitness(games, pay)
	w.meanFit = [2]float64{mW, mL}
	for _, e := range w.events {
		if e.Generation != g {
			continue
		}
		if e.From == 0 {
			k := int(math.Round(e.Fraction * float64(len(adult))))
			movers := r.Perm(len(adult))[:k]
			var empty []int
			for s, o := range lat.occ {
				if !o {
					empty = append(empty, s)
				}
			}
			if k > len(empty) {
				t.Fatalf("the literal world has no refusals: %d movers for %d empty sites", k, len(empty))
			}
			gone := map[int]bool{}
			for _, i := range movers {
				j := r.IntN(len(empty))
				s := empty[j]
				empty = append(empty[:j], empty[j+1:]...)
				lat.occ[s], lat.phen[s], fl[s], lat.origin[s], lat.arrival[s] = true, adult[i], fit[i], origin[i], int32(g)
				gone[i] = true
			}
			var a2 []uint8
			var f2 []float64
			var o2 []uint8
			for i := range adult {
				if !gone[i] {
					a2, f2, o2 = append(a2, adult[i]), append(f2, fit[i]), append(o2, origin[i])
				}
			}
			adult, fit, origin = a2, f2, o2
		} else {
			var agents []int
			for s, o := range lat.occ {
				if o {
					agents = append(agents, s)
				}
			}
			k := int(math.Round(e.Fraction * float64(len(agents))))
			for _, j := range r.Perm(len(agents))[:k] {
				s := agents[j]
				adult, fit, origin = append(adult, lat.phen[s]), append(fit, fl[s]), append(origin, lat.origin[s])
				lat.occ[s], lat.phen[s], fl[s] = false, 0, 0
			}
		}
	}
	// Well-mixed offspring: parent ∝ fitness gives the origin; the
	// phenotype is the parent's with probability v, a random adult's
	// otherwise.
	all := make([]int, len(adult))
	for i := range all {
		all[i] = i
	}
	w.juv, w.origin = make([]uint8, len(adult)), make([]uint8, len(adult))
	for i := range w.juv {
		par := refPick(all, fit, r)
		w.origin[i] = origin[par]
		if r.Float64() < w.wm.V {
			w.juv[i] = adult[par]
		} else {
			w.juv[i] = adult[r.IntN(len(adult))]
		}
	}
	lat.reproduce(r, fl)
}

// worldSample is what the world comparison measures on both platforms,
// and where on the lattice its migrants live (migrantMoment).
type worldSample struct {
	size, countA, natives, migrants, migrantsA, meanFit [2]sampleStats
	moment                                              sampleStats
}

// migrantMoment is Σ over the lattice's migrants (origin 0) of
// (x − c) + 2(y − c), c the centre: 0 in expectation if arrivals take
// uniformly random sites.
func migrantMoment(origin []uint8, occupied func(int) bool, L int) float64 {
	c := float64(L-1) / 2
	var m float64
	for s, o := range origin {
		if occupied(s) && o == 0 {
			m += float64(s%L) - c + 2*(float64(s/L)-c)
		}
	}
	return m
}

func (ws *worldSample) add(st [2]PlatformStats, meanFit [2]float64, moment float64) {
	ws.moment.add(moment)
	for k := range 2 {
		ws.size[k].add(float64(st[k].Size))
		ws.countA[k].add(float64(st[k].CountA))
		ws.natives[k].add(float64(st[k].Natives))
		ws.migrants[k].add(float64(st[k].Migrants))
		ws.migrantsA[k].add(float64(st[k].MigrantsA))
		ws.meanFit[k].add(meanFit[k])
	}
}

func (w *refWorld) stats() [2]PlatformStats {
	var st [2]PlatformStats
	lineageCountsRef := func(k int, ph, origin []uint8, occ func(int) bool) PlatformStats {
		var s PlatformStats
		for i, x := range ph {
			if !occ(i) {
				continue
			}
			s.Size++
			s.CountA += int(x)
			if int(origin[i]) == k {
				s.Natives++
			} else {
				s.Migrants++
				s.MigrantsA += int(x)
			}
		}
		return s
	}
	st[0] = lineageCountsRef(0, w.juv, w.origin, func(int) bool { return true })
	st[1] = lineageCountsRef(1, w.lat.phen, w.lat.origin, w.lat.isOcc)
	return st
}

// A world of a well-mixed platform and a lattice with vacancies, with an
// event into the lattice (generation 0), one out of it (generation 2) and
// exposure of the lattice to the well-mixed platform, against the literal
// world: sizes, A, natives, migrants, migrants that are A and mean
// fitness on both platforms, and where the lattice's migrants live, after
// one generation and after four.
func TestWorldWithVacancyLatticeMatchesLiteral(t *testing.T) {
	wmP := model.Params{B: 1.3, C: 0.1, V: 0.7, Alpha: 0.4, TA: 0.4, TB: 0.3}
	ltP := model.Params{B: 1.3, C: 0.05, V: 0.8, Alpha: 0.125, TA: 0.35, TB: 0.4}
	for si, lc := range []LatticeConfig{{Side: 12}, {Side: 12, Selection: Local, Boundary: Torus}} {
		t.Run(lc.Selection.String()+" "+lc.Boundary.String(), func(t *testing.T) {
			cfg := WorldConfig{
				Platforms: []PlatformConfig{
					{Name: "src", Agents: 400, InitialA: 0.7, Model: wmP},
					{Name: "grid", Kind: KindLattice, Agents: 90, InitialA: 0.3, Model: ltP, Lattice: lc},
				},
				Migration: model.Migration{
					Events:    []model.Event{{Generation: 0, From: 0, To: 1, Fraction: 0.1}, {Generation: 2, From: 1, To: 0, Fraction: 0.25}},
					Exposures: []model.Exposure{{Learners: 1, Donors: 0, Prob: 0.3}},
				},
				Generations: 4,
			}
			const reps = 2000
			var eng, lit [2]worldSample // after generation 1 and after 4
			r := rng.New(uint64(500 + si))
			lr := rand.New(rand.NewPCG(uint64(500+si), 1))
			for range reps {
				w, err := NewWorld(cfg, r)
				if err != nil {
					t.Fatal(err)
				}
				rw := newRefWorld(cfg, lr)
				for g := range 4 {
					w.Step(r)
					rw.step(t, g, lr)
					if g == 0 || g == 3 {
						var st [2]PlatformStats
						copy(st[:], w.State())
						last := w.LastStats()
						lt := w.plats[1].(*latticePlatform).lt
						eng[g/3].add(st, [2]float64{last[0].MeanFitness, last[1].MeanFitness}, migrantMoment(lt.lin.origin, lt.occupied, lt.L))
						lit[g/3].add(rw.stats(), rw.meanFit, migrantMoment(rw.lat.origin, rw.lat.isOcc, rw.lat.L))
					}
				}
				checkLayerInvariants(t, w.plats[1].(*latticePlatform).lt)
			}
			worst := 0.0
			for c, when := range []string{"after 1 generation", "after 4"} {
				e, l := eng[c], lit[c]
				for k, name := range []string{"src", "grid"} {
					at := when + ", " + name
					worst = max(worst, sameDistribution(t, at+": size", e.size[k], l.size[k], layersZ))
					worst = max(worst, sameDistribution(t, at+": count of A", e.countA[k], l.countA[k], layersZ))
					worst = max(worst, sameDistribution(t, at+": natives", e.natives[k], l.natives[k], layersZ))
					worst = max(worst, sameDistribution(t, at+": migrants", e.migrants[k], l.migrants[k], layersZ))
					worst = max(worst, sameDistribution(t, at+": migrants that are A", e.migrantsA[k], l.migrantsA[k], layersZ))
					worst = max(worst, sameDistribution(t, at+": mean fitness", e.meanFit[k], l.meanFit[k], layersZ))
				}
				worst = max(worst, sameDistribution(t, when+": where the lattice's migrants live", e.moment, l.moment, layersZ))
			}
			t.Logf("largest deviation: %.2f standard errors (z = %.1f)", worst, layersZ)
		})
	}
}
