package sim

import "github.com/culturesim/culturesim/sim/rng"

// latticePlatform is a lattice platform: a Lattice, the world's view of
// it, and its adults while migration can move them. The layers switch on
// when they are first needed: vacancies when an adult first leaves,
// lineages when an adult first arrives, the exposure loop in every
// generation with exposure. A lattice that nothing touches is therefore
// the single population, drawn by its fast path.
type latticePlatform struct {
	lt     *Lattice
	idx    int
	sums   adultSums // this generation's adults, for reproduce
	adults pool      // materialised only when migration can act on the lattice
}

// newLatticePlatform makes platform k, a lattice or a network on graph g
// (nil for a lattice).
func newLatticePlatform(k int, pc PlatformConfig, g *Graph, r *rng.Xoshiro) *latticePlatform {
	lc := pc.Lattice
	lc.Graph = g
	return &latticePlatform{lt: newLattice(pc.Model, lc, pc.InitialA, pc.StartAgents(), uint8(k), r), idx: k}
}

func (lp *latticePlatform) configure(pc PlatformConfig) {
	lc := pc.Lattice
	lc.Graph = lp.lt.cfg.Graph // a running network keeps its graph
	lp.lt.configure(pc.Model, lc)
}

func (lp *latticePlatform) capacity() int { return lp.lt.N }

// agents switches the two layers on if they are off, so that callers
// always get origins and occupancy; an unused layer changes no draw.
func (lp *latticePlatform) agents() (ph, origin []uint8, arrival []int32, occupied []uint8) {
	lt := lp.lt
	lin := lt.enableLineages()
	return lt.phen, lin.origin, lin.arrival, lt.enableVacancies()
}

func (lp *latticePlatform) counts() PlatformStats {
	lt := lp.lt
	if lt.lin == nil || !lt.lin.mixed {
		return nativeStats(lt.nOcc, lt.nA)
	}
	var st PlatformStats
	lineageCounts(lp.idx, lt.phen, lt.lin.origin, lt.occ, &st)
	return st
}

func (lp *latticePlatform) play(r *rng.Xoshiro, ex exposure, movable bool) (*pool, float64, int) {
	st, sums := lp.lt.playGeneration(r, ex)
	lp.sums = sums
	if !movable {
		return nil, st.MeanFitness, st.Clamped
	}
	// The adults in site order, with their sites.
	lt, a := lp.lt, &lp.adults
	a.reset()
	a.reserve(2 * lt.N) // the adults and their arrivals: at most N + N
	for s := range lt.N {
		if lt.occupied(s) {
			origin, arrival := lt.lineageOf(s)
			a.push(lt.phen[s], lt.w[s], origin, arrival, int32(s))
		}
	}
	return a, st.MeanFitness, st.Clamped
}

func (lp *latticePlatform) reproduce(r *rng.Xoshiro, touched, _ bool) {
	if touched {
		lp.sums = lp.move(r)
	}
	lp.lt.reproduce(r, lp.sums)
}

// move applies the generation's moves to the lattice: the adults that
// left leave their sites empty, and arrivals (site −1 in the pool, after
// the adults that stayed) take uniformly random empty sites, one IntN
// each, in pool order. It returns the adults' totals after the moves.
func (lp *latticePlatform) move(r *rng.Xoshiro) adultSums {
	lt, a := lp.lt, &lp.adults
	occ := lt.enableVacancies()
	for _, s := range a.site {
		if s >= 0 {
			occ[s] = 2 // stays
		}
	}
	empty := lt.initiators[:0] // free outside interact
	for s, o := range occ {
		switch o {
		case 2:
			occ[s] = 1
			continue
		case 1:
			lt.vacate(s)
		}
		empty = append(empty, int32(s))
	}
	for i, s := range a.site {
		if s >= 0 {
			continue
		}
		j := r.IntN(len(empty)) // capacity was checked when the move was made
		lt.settle(int(empty[j]), a.ph[i], a.fit[i], a.origin[i], a.arrival[i])
		empty[j] = empty[len(empty)-1]
		empty = empty[:len(empty)-1]
	}
	return lt.adultTotals()
}
