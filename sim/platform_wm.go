package sim

import (
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// wmPlatform is a well-mixed platform whose agents carry their origin and
// arrival generation. It is a WellMixed population (its juveniles,
// interaction and, while every adult shares one lineage and nobody moved,
// its reproduction: then an offspring's parent need not be known) plus
// the lineages and the adults that migration moves. While no event or
// route can reach it any more, its juveniles are packed (WellMixed), and
// laid out as agents again before a generation that migration can touch.
type wmPlatform struct {
	wm      WellMixed // wm.n may be 0 or 1 here
	idx     int
	origin  []uint8
	arrival []int32
	adults  pool
	tally   adultTally
	out     []uint8       // per agent, class<<1 | adult phenotype (WellMixed.interact)
	parents *parentStream // reproduction's parent draws, once lineages are mixed
	// oneLineage: every juvenile has origin idx and arrival 0.
	oneLineage bool
}

// newWMPlatform makes platform k and draws its start as NewWellMixed
// does (packed, without per-agent memory) if no migration can ever reach
// it, otherwise agent by agent.
func newWMPlatform(k int, pc PlatformConfig, reachable bool, r *rng.Xoshiro) *wmPlatform {
	w := &wmPlatform{idx: k, oneLineage: true,
		wm: WellMixed{p: pc.Model, n: pc.Agents, buf: make([]uint64, 3*wordBlock), fit: fitnessTable(pc.Model)}}
	if !reachable && pc.Agents >= 2 {
		w.wm.drawPairs(r, pc.InitialA)
		return w
	}
	w.natives()
	w.wm.juv = make([]uint8, pc.Agents)
	w.wm.nA = initBernoulli(r, w.wm.juv, pc.InitialA, w.wm.buf)
	return w
}

// natives gives a platform of one lineage its lineage arrays (origin idx,
// arrival 0), which a platform packed from the start has not made.
func (w *wmPlatform) natives() {
	if w.oneLineage && len(w.origin) != w.wm.n {
		w.origin, w.arrival = resize(w.origin, w.wm.n), resize(w.arrival, w.wm.n)
		for i := range w.origin {
			w.origin[i], w.arrival[i] = uint8(w.idx), 0
		}
	}
}

// configure gives the platform new parameters, keeping its agents.
func (w *wmPlatform) configure(pc PlatformConfig) {
	w.wm.p, w.wm.fit = pc.Model, fitnessTable(pc.Model)
}

func (w *wmPlatform) capacity() int { return MaxWellMixed }

func (w *wmPlatform) agents() (ph, origin []uint8, arrival []int32, occupied []uint8) {
	w.natives()
	return w.wm.Phenotypes(), w.origin, w.arrival, nil
}

func (w *wmPlatform) counts() PlatformStats {
	n, nA := w.wm.n, w.wm.nA
	if w.oneLineage {
		return nativeStats(n, nA)
	}
	var st PlatformStats
	lineageCounts(w.idx, w.wm.juv, w.origin, nil, &st)
	return st
}

// play runs WellMixed.interact. It records each adult (the pool) only
// when migration can act on the platform this generation or its lineages
// are mixed (their offspring need their parents); otherwise it is
// WellMixed's generation, draw for draw.
func (w *wmPlatform) play(r *rng.Xoshiro, ex exposure, movable bool) (*pool, float64, int) {
	if movable || !w.oneLineage {
		w.wm.unpack(r)
		w.natives()
	}
	juv := w.wm.juv
	N := w.wm.n
	w.tally = adultTally{}
	var a *pool
	if movable || !w.oneLineage {
		a = &w.adults
		a.reset()
		a.ph = resize(a.ph, N)
		a.fit = resize(a.fit, N)
		a.origin = append(a.origin, w.origin...)
		a.arrival = append(a.arrival, w.arrival...)
		a.site = resize(a.site, N)
	}
	if N == 0 {
		return a, 0, 0
	}
	donor := model.Donor(float64(w.wm.nA)/float64(N), ex.away, ex.remoteA)
	if N == 1 {
		// A platform of one agent plays nobody: fitness 1, as a lattice
		// site without games, which is class B–B's. Its random donor is
		// itself, or an exposed platform's agent.
		x := juv[0] & 1
		u := r.Uint64()
		d := lt32(uint32(u>>32), rng.Threshold(donor))
		thrT := adoptThresholds(w.wm.p)
		x2 := adopt(x, d, uint32(u), &thrT)
		w.tally.n[0]++
		w.tally.nA[0] += int(x2)
		if a != nil {
			a.ph[0], a.fit[0] = x2, w.wm.fit[0]
		}
		return a, w.wm.fit[0], 0
	}
	if w.wm.packed {
		w.wm.interactPacked(r, donor, &w.tally)
		W, _, _ := w.wm.tallyFitness(&w.tally)
		return nil, W / float64(N), 0
	}
	var out []uint8
	if a != nil {
		w.out = resize(w.out, N)
		out = w.out
	}
	w.wm.interact(r, donor, &w.tally, out)
	if a != nil {
		for i, o := range out {
			a.ph[i], a.fit[i] = o&1, w.wm.fit[o>>1]
		}
	}
	W, _, _ := w.wm.tallyFitness(&w.tally)
	return a, W / float64(N), 0
}

// reproduce draws the next juveniles, one per adult: packed if no
// migration can reach the platform any more (reachable false).
func (w *wmPlatform) reproduce(r *rng.Xoshiro, touched, reachable bool) {
	if !touched && w.oneLineage {
		// Nobody moved, so the adults are the juveniles that played.
		if w.wm.n > 0 {
			w.wm.breed(r, &w.tally, !reachable) // WellMixed's own draws
		}
		return
	}
	a := &w.adults
	N := a.len()
	w.wm.juv, w.wm.n, w.wm.packed = resize(w.wm.juv, N), N, false
	w.origin = resize(w.origin, N)
	w.arrival = resize(w.arrival, N)
	w.wm.nA = 0
	w.oneLineage = true
	if N == 0 {
		return
	}
	adultsA := 0
	for _, x := range a.ph {
		adultsA += int(x)
	}
	d := newParentDraw(a.fit, N, adultsA, w.wm.p.V)
	if w.parents == nil {
		w.parents = new(parentStream)
	}
	s := w.parents
	s.start(d, r)
	juv, origin, arrival := w.wm.juv, w.origin, w.arrival
	mixed := false
	for i0 := 0; i0 < N; {
		// The parent, drawn ∝ fitness, gives its lineage; the offspring
		// copies it with probability v and a random adult otherwise.
		par, u := s.next(N - i0)
		for k, pa := range par {
			x := offspring(u[k], a.ph[pa], d.thrV, d.thrOblique)
			o, t := a.origin[pa], a.arrival[pa]
			juv[i0+k], origin[i0+k], arrival[i0+k] = x, o, t
			w.wm.nA += int(x)
			mixed = mixed || o != uint8(w.idx) || t != 0
		}
		i0 += len(par)
	}
	s.close()
	w.oneLineage = !mixed
}
