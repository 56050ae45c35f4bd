package sim

import (
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// MaxWellMixed is the largest well-mixed population: agent indices are
// drawn with 32-bit bounded integers.
const MaxWellMixed = 1 << 31

// WellMixed is a finite, well-mixed population following the generation
// cycle of MODEL.md §2 (see the package documentation for how it draws).
type WellMixed struct {
	p model.Params
	n int // agents
	// The juveniles at the start of the generation: their phenotypes in
	// juv, or, when packed, only how many of the pairs (2k, 2k+1) are A–A,
	// mixed and B–B (juv is then stale). A population that no migration
	// can reach stays packed, and its generation costs the same at any N.
	juv    []uint8
	packed bool
	viewed bool // packed, and juv holds Phenotypes' view of these pairs
	pairs  pairCounts
	nA     int // number of A among the juveniles
	buf    []uint64

	// Fitness of a juvenile by class self<<1 | partner.
	fit [4]float64
}

// pairCounts are packed juveniles: the pairs (2k, 2k+1) by phenotypes,
// and, when N is odd, the last agent's phenotype.
type pairCounts struct {
	aa, ab, bb int
	last       uint8
}

// NewWellMixed makes a population of n agents, each A with probability
// initialA, drawing from r.
func NewWellMixed(p model.Params, n int, initialA float64, r *rng.Xoshiro) (*WellMixed, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if n < 2 || n > MaxWellMixed {
		return nil, &model.FieldError{Path: "size", Value: n, Domain: "[2, 2^31]"}
	}
	if !(initialA >= 0 && initialA <= 1) {
		return nil, &model.FieldError{Path: "initial_a", Value: initialA, Domain: model.DomainProbability}
	}
	w := &WellMixed{p: p, n: n, buf: make([]uint64, 3*wordBlock), fit: fitnessTable(p)}
	w.drawPairs(r, initialA)
	return w, nil
}

// Size implements Population.
func (w *WellMixed) Size() int { return w.n }

// CountA implements Population: A among the juveniles about to play.
func (w *WellMixed) CountA() int { return w.nA }

// Phenotypes returns the juveniles' phenotypes (0 = B, 1 = A). The slice
// is the population's own: read it, do not keep it across steps. A packed
// population lays its pairs out (once a generation) in a uniformly random
// order drawn from a generator of the view's own, seeded by the counts:
// looking does not move the run's stream.
func (w *WellMixed) Phenotypes() []uint8 {
	if w.packed && !w.viewed {
		pc := w.pairs
		var view rng.Xoshiro
		view.Seed(rng.Mix64(uint64(pc.aa) ^ uint64(pc.ab)<<21 ^ uint64(pc.bb)<<42 ^ uint64(pc.last)<<63))
		w.layOut(&view)
		w.viewed = true
	}
	return w.juv
}

// drawPairs packs N juveniles each A with probability q, independently:
// a pair is A–A with probability q², and otherwise mixed with probability
// 2q(1 − q)/(1 − q²) = 2q/(1 + q).
func (w *WellMixed) drawPairs(r *rng.Xoshiro, q float64) {
	P := w.n / 2
	aa := rng.Binomial(r, P, float64(q*q))
	ab := rng.Binomial(r, P-aa, 2*q/(1+q))
	w.pairs = pairCounts{aa: aa, ab: ab, bb: P - aa - ab}
	if w.n%2 == 1 && r.Float64() < q {
		w.pairs.last = 1
	}
	w.nA = 2*aa + ab + int(w.pairs.last)
	w.packed, w.viewed = true, false
}

// layOut writes packed juveniles into juv, in a uniformly random order of
// the pairs drawn from r (one bounded number a pair, which also orients a
// mixed pair), and leaves the population packed.
func (w *WellMixed) layOut(r *rng.Xoshiro) {
	w.juv = resize(w.juv, w.n)
	aa, ab, bb := w.pairs.aa, w.pairs.ab, w.pairs.bb
	for k := range w.n / 2 {
		x := int(r.Uint32n(uint32(2 * (aa + ab + bb))))
		var a, b uint8
		switch {
		case x < 2*aa:
			a, b = 1, 1
			aa--
		case x < 2*(aa+ab):
			a = uint8(x & 1)
			b = 1 - a
			ab--
		default:
			bb--
		}
		w.juv[2*k], w.juv[2*k+1] = a, b
	}
	if w.n%2 == 1 {
		w.juv[w.n-1] = w.pairs.last
	}
}

// unpack turns packed juveniles into agents, laid out from the run's
// stream r: before a generation that handles agents one by one.
func (w *WellMixed) unpack(r *rng.Xoshiro) {
	if w.packed {
		w.layOut(r)
		w.packed = false
	}
}

// SetPhenotypes replaces the juveniles' phenotypes (0 = B, 1 = A) with
// those of ph, which must have Size() values, in an order shuffled with r:
// the engine pairs neighbours in its array, which is a random pairing only
// because the order is random (see the package documentation).
func (w *WellMixed) SetPhenotypes(ph []uint8, r *rng.Xoshiro) error {
	w.juv = resize(w.juv, w.n)
	n, err := setPhenotypes(w.juv, ph)
	if err != nil {
		return err
	}
	rng.Shuffle(r, w.juv)
	w.nA = n
	w.packed = false
	return nil
}

// adultTally sums, by juvenile fitness class, how many juveniles there are
// and how many are A after horizontal transmission.
type adultTally struct {
	n  [4]int // juveniles by class self<<1 | partner
	nA [4]int // of those, A after horizontal transmission
}

// Step implements Population: pairs play, horizontal transmission acts
// synchronously, and the next juveniles are drawn.
func (w *WellMixed) Step(r *rng.Xoshiro) GenStats { return w.step(r, true) }

// stepAgents is Step without packing the offspring: the generation of a
// platform that migration can reach.
func (w *WellMixed) stepAgents(r *rng.Xoshiro) GenStats { return w.step(r, false) }

func (w *WellMixed) step(r *rng.Xoshiro, pack bool) GenStats {
	var t adultTally
	N := w.n
	if w.packed {
		w.interactPacked(r, float64(w.nA)/float64(N), &t)
	} else {
		w.interact(r, float64(w.nA)/float64(N), &t, nil)
	}
	W, _, _ := w.tallyFitness(&t)
	stats := GenStats{CountA: w.nA, MeanFitness: W / float64(N)}
	w.breed(r, &t, pack)
	return stats
}

// pairKernel is a well-mixed generation's thresholds, laid out for
// pairsRun (kernel_amd64.s): offsets 0, 8, 16 and 24, then the tallies'
// unit by class at 32.
type pairKernel struct {
	randA, alpha uint64    // a random member is A; the partner is the donor (α)
	thrT         [2]uint64 // adoption succeeds: T_B (donor B), T_A (donor A)
	unit         [4]uint64 // 1 in class c's 16-bit tally field
}

func newPairKernel(p model.Params, donorA float64) pairKernel {
	return pairKernel{randA: rng.Threshold(donorA), alpha: rng.Threshold(p.Alpha),
		thrT: adoptThresholds(p),
		unit: [4]uint64{1, 1 << 16, 1 << 32, 1 << 48}}
}

// receive returns the phenotype of a receiver a whose partner is b,
// given its α/donor word u and its 32-bit adoption number v.
func (k *pairKernel) receive(a, b uint8, u uint64, v uint32) uint8 {
	d := lt32(uint32(u>>32), k.randA) // a random member's phenotype
	// The partner is the donor when the α coin falls: selected by a
	// mask, as the coin is too random for a branch to predict.
	d ^= (d ^ b) & lt32(uint32(u), k.alpha)
	return adopt(a, d, v, &k.thrT)
}

// playPairs plays the pairs (pj[2i], pj[2i+1]) of a block, three words
// each (words[3i]: the first agent's α coin and random donor,
// words[3i+1] the second's, words[3i+2] both adoption numbers), and
// returns their tallies: in four 16-bit fields by class self<<1 |
// partner, the agents (nPack) and the A adults (aPack). A pair adds at
// most 2 to a field, so a block must hold fewer than 2^15 pairs
// (interact's hold wordBlock). If out is not nil, out[j] receives agent j's
// class<<1 | its adult phenotype. The assembly kernel pairsRun is its
// twin where it exists.
func playPairs(pj []uint8, words []uint64, k *pairKernel, out []uint8) (nPack, aPack uint64) {
	n := len(pj) / 2
	if kernelOn && n > 0 {
		var o *uint8
		if out != nil {
			o = &out[:2*n][0]
		}
		return pairsRun(&pj[0], &words[:3*n][0], n, k, o)
	}
	// The tallies live in two registers: incrementing t.n[c] in memory
	// with a random c would chain every pair's stores to the next one's
	// loads.
	for i := range n {
		u := words[3*i : 3*i+3 : 3*i+3]
		a, b := pj[2*i]&1, pj[2*i+1]&1
		ai := k.receive(a, b, u[0], uint32(u[2]>>32))
		bi := k.receive(b, a, u[1], uint32(u[2]))
		ca, cb := a<<1|b, b<<1|a
		nPack += k.unit[ca] + k.unit[cb]
		aPack += k.unit[ca]&-uint64(ai) + k.unit[cb]&-uint64(bi)
		if out != nil {
			out[2*i], out[2*i+1] = ca<<1|ai, cb<<1|bi
		}
	}
	return nPack, aPack
}

// fitnessTable is the fitness of a juvenile by class self<<1 | partner.
func fitnessTable(p model.Params) [4]float64 {
	return [4]float64{
		0<<1 | 0: p.Fitness(model.B, model.B),
		0<<1 | 1: p.Fitness(model.B, model.A),
		1<<1 | 0: p.Fitness(model.A, model.B),
		1<<1 | 1: p.Fitness(model.A, model.A),
	}
}

// tallyFitness returns the adults' summed fitness W, that of the A
// adults W_A, and the number of A adults.
func (w *WellMixed) tallyFitness(t *adultTally) (W, WA float64, adultsA int) {
	for c := range 4 {
		W += float64(float64(t.n[c]) * w.fit[c])
		WA += float64(float64(t.nA[c]) * w.fit[c])
		adultsA += t.nA[c]
	}
	return W, WA, adultsA
}

// breed draws the next N juveniles from the adults of tally t: each A
// with probability v·W_A/W + (1−v)·n_A/N (W ≥ N(1−c) > 0), packed (as
// pairs) or one by one.
func (w *WellMixed) breed(r *rng.Xoshiro, t *adultTally, packed bool) {
	W, WA, adultsA := w.tallyFitness(t)
	q := w.p.OffspringA(WA, W, adultsA, w.n)
	if packed && w.n >= 2 {
		w.drawPairs(r, q)
		return
	}
	w.juv = resize(w.juv, w.n)
	w.nA = initBernoulli(r, w.juv, q, w.buf)
	w.packed = false
}

// interactPacked is interact for packed juveniles: each agent's chance to
// change depends only on its own and its partner's phenotype, so the
// number that change in each class is binomial. An agent learns from its
// partner with probability α, otherwise from a random member, A with
// probability donorA; if they differ, it adopts with T_A (donor A) or
// T_B (donor B). The odd agent out plays with a uniformly random other
// agent, A with probability (n_A − its own)/(N − 1).
func (w *WellMixed) interactPacked(r *rng.Xoshiro, donorA float64, t *adultTally) {
	p := w.p
	// The chance that an agent of class self<<1 | partner ends up A.
	var toA [4]float64
	toA[0<<1|0] = float64((1-p.Alpha)*donorA) * p.TA
	toA[0<<1|1] = (p.Alpha + float64((1-p.Alpha)*donorA)) * p.TA
	toA[1<<1|0] = 1 - float64((p.Alpha+float64((1-p.Alpha)*(1-donorA)))*p.TB)
	toA[1<<1|1] = 1 - float64(float64((1-p.Alpha)*(1-donorA))*p.TB)
	pc := w.pairs
	n := [4]int{2 * pc.bb, pc.ab, pc.ab, 2 * pc.aa}
	for c := range 4 {
		t.n[c] += n[c]
		t.nA[c] += rng.Binomial(r, n[c], toA[c])
	}
	if w.n%2 == 1 {
		a := pc.last
		var b uint8
		if r.Float64() < float64(w.nA-int(a))/float64(w.n-1) {
			b = 1
		}
		c := a<<1 | b
		t.n[c]++
		if r.Float64() < toA[c] {
			t.nA[c]++
		}
	}
}

// interact plays one generation's games and horizontal transmission and
// tallies the adults; a random donor is A with probability donorA. If out
// is not nil, out[i] receives agent i's class<<1 | its adult phenotype
// (platforms record every adult). Each pair (2k, 2k+1) takes three random words: one
// per agent for the α coin and a random donor's phenotype, and one for
// both agents' adoption coins.
func (w *WellMixed) interact(r *rng.Xoshiro, donorA float64, t *adultTally, out []uint8) {
	N := w.n
	k := newPairKernel(w.p, donorA)
	pairs := N / 2
	juv := w.juv[:2*pairs]
	for k0 := 0; k0 < pairs; k0 += wordBlock {
		k1 := min(k0+wordBlock, pairs)
		words := w.buf[:3*(k1-k0)]
		r.Fill(words)
		var o []uint8
		if out != nil {
			o = out[2*k0 : 2*k1]
		}
		nPack, aPack := playPairs(juv[2*k0:2*k1], words, &k, o)
		for c := range 4 {
			t.n[c] += int(nPack >> (16 * c) & 0xffff)
			t.nA[c] += int(aPack >> (16 * c) & 0xffff)
		}
	}
	juv = w.juv
	if N%2 == 1 {
		// The odd agent out plays with a uniformly random other agent,
		// who is not paid for this second game.
		last := N - 1
		j := r.Uint32n(uint32(last))
		a, b := juv[last]&1, juv[j]&1
		ai := k.receive(a, b, r.Uint64(), r.Uint32())
		c := a<<1 | b
		t.n[c&3]++
		t.nA[c&3] += int(ai)
		if out != nil {
			out[last] = (c&3)<<1 | ai
		}
	}
}
