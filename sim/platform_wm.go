package sim

import (
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// wmPlatform is a well-mixed platform whose agents carry their origin and
// arrival generation. Interaction draws exactly as WellMixed does; so does
// reproduction while every adult shares one lineage and nobody moved
// (then an offspring's parent need not be known).
type wmPlatform struct {
	idx     int
	p       model.Params
	fit     [4]float64
	ph      []uint8 // juveniles
	origin  []uint8
	arrival []int32
	nA      int
	adults  pool
	tally   adultTally
	buf     []uint64
	// oneLineage: every juvenile has origin idx and arrival 0.
	oneLineage bool
}

func newWMPlatform(k int, pc PlatformConfig, r *rng.Xoshiro) *wmPlatform {
	p := pc.Model
	w := &wmPlatform{idx: k, p: p, ph: make([]uint8, pc.Size), origin: make([]uint8, pc.Size),
		arrival: make([]int32, pc.Size), buf: make([]uint64, 3*wordBlock), oneLineage: true}
	w.fit = fitnessTable(p)
	for i := range w.origin {
		w.origin[i] = uint8(k)
	}
	w.nA = initBernoulli(r, w.ph, pc.InitialA, w.buf)
	return w
}

// newWMPlatformKeeping is w with the parameters of pc and w's agents.
func newWMPlatformKeeping(w *wmPlatform, pc PlatformConfig) *wmPlatform {
	c := *w
	c.p = pc.Model
	c.fit = fitnessTable(pc.Model)
	return &c
}

func fitnessTable(p model.Params) [4]float64 {
	return [4]float64{
		0<<1 | 0: p.Fitness(model.B, model.B),
		0<<1 | 1: p.Fitness(model.B, model.A),
		1<<1 | 0: p.Fitness(model.A, model.B),
		1<<1 | 1: p.Fitness(model.A, model.A),
	}
}

func (w *wmPlatform) capacity() int { return MaxWellMixed }

func (w *wmPlatform) agents() (ph, origin []uint8, arrival []int32, occupied []uint8) {
	return w.ph, w.origin, w.arrival, nil
}

func (w *wmPlatform) counts() PlatformStats {
	if w.oneLineage {
		return PlatformStats{Size: len(w.ph), CountA: w.nA, Natives: len(w.ph), NativesA: w.nA}
	}
	var st PlatformStats
	lineageCounts(w.idx, w.ph, w.origin, nil, &st)
	return st
}

// play is WellMixed.interact, also recording each adult.
func (w *wmPlatform) play(r *rng.Xoshiro, gen int, donor, _, _ float64) (*pool, float64, int) {
	N := len(w.ph)
	a := &w.adults
	a.reset()
	w.tally = adultTally{}
	if N == 0 {
		return a, 0, 0
	}
	a.ph = resize(a.ph, N)
	a.fit = resize(a.fit, N)
	a.origin = append(a.origin, w.origin...)
	a.arrival = append(a.arrival, w.arrival...)
	a.site = resize(a.site, N)
	t := &w.tally
	thrAlpha := rng.Threshold(w.p.Alpha)
	thrRandA := rng.Threshold(donor)
	thrT := [2]uint64{rng.Threshold(w.p.TB), rng.Threshold(w.p.TA)}
	receive := func(a, b uint8, u uint64, v uint32) uint8 {
		d := lt32(uint32(u>>32), thrRandA)
		if uint64(uint32(u)) < thrAlpha {
			d = b
		}
		return a ^ (a^d)&lt32(v, thrT[d&1])
	}
	juv := w.ph
	record := func(i int, c, x uint8) {
		t.n[c&3]++
		t.nA[c&3] += int(x)
		a.ph[i] = x
		a.fit[i] = w.fit[c&3]
	}
	pairs := N / 2
	for k0 := 0; k0 < pairs; k0 += wordBlock {
		k1 := min(k0+wordBlock, pairs)
		words := w.buf[:3*(k1-k0)]
		r.Fill(words)
		for k := k0; k < k1; k++ {
			u := words[3*(k-k0) : 3*(k-k0)+3 : 3*(k-k0)+3]
			x, y := juv[2*k]&1, juv[2*k+1]&1
			record(2*k, x<<1|y, receive(x, y, u[0], uint32(u[2]>>32)))
			record(2*k+1, y<<1|x, receive(y, x, u[1], uint32(u[2])))
		}
	}
	if N%2 == 1 {
		last := N - 1
		var x, y uint8
		if last > 0 {
			j := r.Uint32n(uint32(last))
			x, y = juv[last]&1, juv[j]&1
		} else {
			// A platform of one agent plays nobody: fitness 1, as a
			// lattice site without games, which is class B–B's. Its
			// random donor is itself, or an exposed platform's agent.
			x = juv[0] & 1
			u := r.Uint64()
			d := lt32(uint32(u>>32), thrRandA)
			x2 := x ^ (x^d)&lt32(uint32(u), thrT[d&1])
			t.n[0]++
			t.nA[0] += int(x2)
			a.ph[0], a.fit[0] = x2, w.fit[0]
			return a, w.fit[0], 0
		}
		record(last, x<<1|y, receive(x, y, r.Uint64(), r.Uint32()))
	}
	var W float64
	for c := range 4 {
		W += float64(float64(t.n[c]) * w.fit[c])
	}
	return a, W / float64(N), 0
}

// reproduce draws the next juveniles, one per adult.
func (w *wmPlatform) reproduce(r *rng.Xoshiro, touched bool) {
	a := &w.adults
	N := a.len()
	if !touched && w.oneLineage {
		// As WellMixed.Step: offspring A with probability
		// v·W_A/W + (1−v)·n_A/N.
		t := &w.tally
		var W, WA float64
		adultsA := 0
		for c := range 4 {
			W += float64(float64(t.n[c]) * w.fit[c])
			WA += float64(float64(t.nA[c]) * w.fit[c])
			adultsA += t.nA[c]
		}
		if N > 0 {
			q := float64(w.p.V*WA/W) + float64((1-w.p.V)*float64(adultsA)/float64(N))
			w.nA = initBernoulli(r, w.ph, q, w.buf)
		}
		return
	}
	w.ph = resize(w.ph, N)
	w.origin = resize(w.origin, N)
	w.arrival = resize(w.arrival, N)
	w.nA = 0
	w.oneLineage = true
	if N == 0 {
		return
	}
	fmax, _ := maxFitness(a.fit)
	adultsA := 0
	for _, x := range a.ph {
		adultsA += int(x)
	}
	thrV := rng.Threshold(w.p.V)
	thrOblique := rng.Threshold(float64(adultsA) / float64(N))
	scale := 0x1p32 / fmax
	for i := range N {
		// The parent, drawn ∝ fitness, gives its lineage; the offspring
		// copies it with probability v and a random adult otherwise.
		var par int
		if fmax > 0 {
			par = drawParent(r, a.fit, scale)
		} else {
			par = r.IntN(N)
		}
		u := r.Uint64()
		x := lt32(uint32(u), thrOblique)
		if uint64(uint32(u>>32)) < thrV {
			x = a.ph[par]
		}
		w.ph[i], w.origin[i], w.arrival[i] = x, a.origin[par], a.arrival[par]
		w.nA += int(x)
		if a.origin[par] != uint8(w.idx) || a.arrival[par] != 0 {
			w.oneLineage = false
		}
	}
}
