package sim

import (
	"math"
	"sort"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// fixedLattice is a full lattice platform that no migration or exposure
// touches: the single-population engine, unchanged.
type fixedLattice struct{ lt *Lattice }

func newFixedLattice(pc PlatformConfig, r *rng.Xoshiro) (*fixedLattice, error) {
	lt, err := NewLattice(pc.Model, pc.lattice(), r)
	if err != nil {
		return nil, err
	}
	return &fixedLattice{lt: lt}, nil
}

func (f *fixedLattice) counts() PlatformStats {
	return PlatformStats{Size: f.lt.N, CountA: f.lt.nA, Natives: f.lt.N, NativesA: f.lt.nA}
}

func (f *fixedLattice) play(r *rng.Xoshiro, _ int, _, _, _ float64) (*pool, float64, int) {
	st := f.lt.Step(r)
	return nil, st.MeanFitness, st.Clamped
}

func (f *fixedLattice) capacity() int { return f.lt.N }

func (f *fixedLattice) reproduce(*rng.Xoshiro, bool) {}

// agents returns no origins or arrivals: every agent is a native that
// never moved.
func (f *fixedLattice) agents() (ph, origin []uint8, arrival []int32, occupied []uint8) {
	return f.lt.phen, nil, nil, nil
}

// latticePlatform is a lattice with vacancies whose agents carry their
// origin and arrival generation. A generation follows MODEL.md §6 among
// occupied sites:
//
//   - occupied sites are visited in a random order (rounds times); a
//     visited site initiates with probability initiation and plays with a
//     uniformly random occupied neighbour (no game if it has none);
//   - it then takes a horizontal donor: with the platform's exposure
//     probability a random agent of an exposing platform (only the
//     visited site may adopt, with T of the donor's phenotype), otherwise
//     a uniformly random occupied neighbour, with the two-way conversion
//     of §6;
//   - movers leave their sites empty; arrivals take uniformly random
//     empty sites;
//   - every occupied site gets one offspring, whose parent is drawn ∝
//     fitness from the occupied sites of the whole lattice (global) or of
//     the site's block (local); the offspring takes the parent's origin
//     and arrival, and its phenotype with probability v (a random adult's
//     of the lattice or block otherwise). Empty sites stay empty.
type latticePlatform struct {
	idx           int
	p             model.Params
	cfg           LatticeConfig
	N             int
	nbStart, nb   []int32
	blkStart, blk []int32
	occ           []uint8 // juveniles' sites
	ph, origin    []uint8 // by site
	arrival       []int32
	aph, aorigin  []uint8 // adults by site, for reproduction
	aarrival      []int32
	afit          []float64
	aocc          []uint8
	games         []int32
	pay           []float64
	order, tmp    []int32
	empty         []int32   // empty sites, while arrivals are placed
	fits          []float64 // adults' fitness in site order (global draws)
	adults        pool
	n             int // occupied sites
	nA            int
	thrT          [2]uint64
	payoff        [2][2]float64
}

func newLatticePlatform(k int, pc PlatformConfig, r *rng.Xoshiro) *latticePlatform {
	cfg := pc.lattice().WithDefaults()
	N := cfg.Side * cfg.Side
	lp := &latticePlatform{idx: k, N: N,
		occ: make([]uint8, N), ph: make([]uint8, N), origin: make([]uint8, N), arrival: make([]int32, N),
		aph: make([]uint8, N), aorigin: make([]uint8, N), aarrival: make([]int32, N), afit: make([]float64, N), aocc: make([]uint8, N),
		games: make([]int32, N), pay: make([]float64, N)}
	lp.configure(pc)
	agents := pc.Agents
	if agents == 0 {
		agents = N
	}
	sites := make([]int32, N)
	for i := range sites {
		sites[i] = int32(i)
	}
	if agents < N {
		for t := range agents {
			j := t + r.IntN(N-t)
			sites[t], sites[j] = sites[j], sites[t]
		}
		sites = sites[:agents]
		sort.Slice(sites, func(i, j int) bool { return sites[i] < sites[j] })
	}
	thr := rng.Threshold(pc.InitialA)
	for _, s := range sites {
		lp.occ[s] = 1
		lp.origin[s] = uint8(k)
		x := lt32(r.Uint32(), thr)
		lp.ph[s] = x
		lp.nA += int(x)
	}
	lp.n = agents
	return lp
}

// configure sets the parameters and lattice settings of pc (same side).
func (lp *latticePlatform) configure(pc PlatformConfig) {
	cfg := pc.lattice().WithDefaults()
	lp.p, lp.cfg = pc.Model, cfg
	lp.nbStart, lp.nb = neighbours(cfg, false)
	lp.blkStart, lp.blk = nil, nil
	if cfg.Selection == Local {
		lp.blkStart, lp.blk = neighbours(cfg, true)
	}
	lp.thrT = [2]uint64{rng.Threshold(pc.Model.TB), rng.Threshold(pc.Model.TA)}
	for s := range 2 {
		for q := range 2 {
			lp.payoff[s][q] = pc.Model.Payoff(model.Phenotype(s), model.Phenotype(q))
		}
	}
}

func (lp *latticePlatform) capacity() int { return lp.N }

func (lp *latticePlatform) agents() (ph, origin []uint8, arrival []int32, occupied []uint8) {
	return lp.ph, lp.origin, lp.arrival, lp.occ
}

func (lp *latticePlatform) counts() PlatformStats {
	var st PlatformStats
	lineageCounts(lp.idx, lp.ph, lp.origin, lp.occ, &st)
	return st
}

// occupiedNeighbours lists s's occupied neighbours into lp.tmp.
func (lp *latticePlatform) occupiedNeighbours(s int32) []int32 {
	lp.tmp = lp.tmp[:0]
	for _, j := range lp.nb[lp.nbStart[s]:lp.nbStart[s+1]] {
		if lp.occ[j] != 0 {
			lp.tmp = append(lp.tmp, j)
		}
	}
	return lp.tmp
}

func (lp *latticePlatform) play(r *rng.Xoshiro, gen int, _, away, remote float64) (*pool, float64, int) {
	clear(lp.games)
	clear(lp.pay)
	lp.order = lp.order[:0]
	for s, o := range lp.occ {
		if o != 0 {
			lp.order = append(lp.order, int32(s))
		}
	}
	thrInit := rng.Threshold(lp.cfg.Initiation)
	thrAway := rng.Threshold(away)
	thrRemote := rng.Threshold(remote)
	ph := lp.ph
	for range lp.cfg.Rounds {
		rng.Shuffle(r, lp.order)
		for _, s := range lp.order {
			if uint64(r.Uint32()) >= thrInit {
				continue
			}
			nb := lp.occupiedNeighbours(s)
			if len(nb) > 0 {
				j := nb[r.IntN(len(nb))]
				a, b := ph[s], ph[j]
				lp.pay[s] += lp.payoff[a][b]
				lp.pay[j] += lp.payoff[b][a]
				lp.games[s]++
				lp.games[j]++
			}
			if thrAway > 0 && uint64(r.Uint32()) < thrAway {
				// A donor from another platform: only s can adopt.
				d := lt32(r.Uint32(), thrRemote)
				if d != ph[s] && uint64(r.Uint32()) < lp.thrT[d] {
					ph[s] = d
				}
				continue
			}
			if len(nb) == 0 {
				continue
			}
			d := nb[r.IntN(len(nb))]
			if ph[s] != ph[d] {
				// The A holder converts the B holder with T_A and,
				// independently, the B holder converts the A holder
				// with T_B.
				u := r.Uint64()
				flipS := uint64(uint32(u>>32)) < lp.thrT[ph[d]]
				flipD := uint64(uint32(u)) < lp.thrT[ph[s]]
				if flipS {
					ph[s] ^= 1
				}
				if flipD {
					ph[d] ^= 1
				}
			}
		}
	}
	a := &lp.adults
	a.reset()
	clamped := 0
	var W float64
	for _, s := range lp.order {
		var f float64
		if lp.cfg.Fitness == FitnessMean {
			f = 1 + lp.pay[s]/float64(max(1, lp.games[s]))
		} else {
			f = 1 + lp.pay[s]
			if f < 0 {
				f = 0
				clamped++
			}
		}
		W += f
		a.push(ph[s], f, lp.origin[s], lp.arrival[s], s)
	}
	lp.nA = 0
	for _, s := range lp.order {
		lp.nA += int(ph[s])
	}
	if len(lp.order) == 0 {
		return a, math.NaN(), 0
	}
	return a, W / float64(len(lp.order)), clamped
}

// reproduce places arrivals on random empty sites and fills every
// occupied site with an offspring.
func (lp *latticePlatform) reproduce(r *rng.Xoshiro, _ bool) {
	a := &lp.adults
	clear(lp.aocc)
	for i, s := range a.site {
		if s >= 0 {
			lp.aocc[s] = 1
			lp.put(s, i)
		}
	}
	empty, listed := lp.empty[:0], false
	for i, s := range a.site {
		if s >= 0 {
			continue
		}
		if !listed {
			for t, o := range lp.aocc {
				if o == 0 {
					empty = append(empty, int32(t))
				}
			}
			listed = true
		}
		j := r.IntN(len(empty)) // capacity was checked when the move was made
		s = empty[j]
		empty[j] = empty[len(empty)-1]
		empty = empty[:len(empty)-1]
		a.site[i] = s
		lp.aocc[s] = 1
		lp.put(s, i)
	}
	lp.empty = empty
	// The adults, by site, in site order, for global draws.
	lp.order = lp.order[:0]
	fits := lp.fits[:0]
	adultsA := 0
	for s, o := range lp.aocc {
		if o != 0 {
			lp.order = append(lp.order, int32(s))
			fits = append(fits, lp.afit[s])
			adultsA += int(lp.aph[s])
		}
	}
	lp.fits = fits
	n := len(lp.order)
	copy(lp.occ, lp.aocc)
	lp.n, lp.nA = n, 0
	if n == 0 {
		return
	}
	d := newParentDraw(fits, adultsA, lp.p.V)
	for _, s := range lp.order {
		var par int32
		var x uint8
		if lp.cfg.Selection == Global {
			par = lp.order[d.parent(r)]
			x = d.phenotype(r, lp.aph[par])
		} else {
			par, x = lp.localParent(r, s, d.thrV)
		}
		lp.ph[s], lp.origin[s], lp.arrival[s] = x, lp.aorigin[par], lp.aarrival[par]
		lp.nA += int(x)
	}
}

func (lp *latticePlatform) put(s int32, i int) {
	a := &lp.adults
	lp.aph[s], lp.afit[s], lp.aorigin[s], lp.aarrival[s] = a.ph[i], a.fit[i], a.origin[i], a.arrival[i]
}

// localParent draws the parent of site s's offspring ∝ fitness from the
// occupied sites of its block (s itself is one), and the offspring's
// phenotype.
func (lp *latticePlatform) localParent(r *rng.Xoshiro, s int32, thrV uint64) (int32, uint8) {
	lp.tmp = lp.tmp[:0]
	var tot float64
	for _, t := range lp.blk[lp.blkStart[s]:lp.blkStart[s+1]] {
		if lp.aocc[t] != 0 {
			lp.tmp = append(lp.tmp, t)
			tot += lp.afit[t]
		}
	}
	block := lp.tmp
	par := block[len(block)-1]
	if tot > 0 {
		x := r.Float64() * tot
		for _, t := range block {
			if x < lp.afit[t] {
				par = t
				break
			}
			x -= lp.afit[t]
		}
	} else {
		par = block[r.IntN(len(block))]
	}
	if uint64(r.Uint32()) < thrV {
		return par, lp.aph[par]
	}
	return par, lp.aph[block[r.IntN(len(block))]]
}
