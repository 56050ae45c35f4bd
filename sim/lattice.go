package sim

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// Neighborhood is the shape of a site's interaction neighbourhood.
type Neighborhood uint8

const (
	Moore      Neighborhood = iota // Chebyshev distance ≤ r: (2r+1)² − 1 neighbours
	VonNeumann                     // Manhattan distance ≤ r: 2r(r+1) neighbours
)

// Boundary says what lies beyond the lattice's edges.
type Boundary uint8

const (
	Bounded Boundary = iota // edge sites have fewer neighbours (the paper's grid)
	Torus                   // opposite edges are joined
)

// Selection says where an offspring's parent comes from.
type Selection uint8

const (
	Global Selection = iota // the whole lattice (paper Figure 4)
	Local                   // the site itself and its neighbourhood (paper Figure S2: the 3×3 block)
)

// FitnessMode says how payoffs of several interactions add up.
type FitnessMode uint8

const (
	// FitnessMean: w = 1 + (Σ payoffs)/max(1, interactions), as the
	// paper's figures were made.
	FitnessMean FitnessMode = iota
	// FitnessSum: w = 1 + Σ payoffs, as the paper's text writes; negative
	// values are set to 0 and counted.
	FitnessSum
)

// String names are the scenario-file spellings.
func (n Neighborhood) String() string { return [...]string{"moore", "vonneumann"}[n] }
func (b Boundary) String() string     { return [...]string{"bounded", "torus"}[b] }
func (s Selection) String() string    { return [...]string{"global", "local"}[s] }
func (f FitnessMode) String() string  { return [...]string{"mean", "sum"}[f] }

// LatticeConfig configures a lattice population (MODEL.md §6). Its zero
// value, with Side set, is the paper's setting: Moore radius 1, bounded,
// global selection, mean fitness, initiation 1/2, one round.
type LatticeConfig struct {
	Side         int          // L: the lattice has L×L sites; ≥ 2
	InitialA     float64      // each site starts A with this probability; [0, 1]
	Neighborhood Neighborhood // default Moore
	Radius       int          // neighbourhood radius; 0 means 1
	Boundary     Boundary     // default Bounded
	Selection    Selection    // default Global
	Fitness      FitnessMode  // default FitnessMean
	Initiation   float64      // probability that a visited site initiates; (0, 1]; 0 means 1/2
	Rounds       int          // visits of every site per generation; 0 means 1
}

// WithDefaults returns the configuration with its zero-means-default
// fields filled in.
func (c LatticeConfig) WithDefaults() LatticeConfig {
	if c.Radius == 0 {
		c.Radius = 1
	}
	if c.Initiation == 0 {
		c.Initiation = 0.5
	}
	if c.Rounds == 0 {
		c.Rounds = 1
	}
	return c
}

// MaxLatticeSide bounds L so that site indices fit in int32.
const MaxLatticeSide = 40000

// Validate reports the first setting outside its range.
func (c LatticeConfig) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Side < 2 || c.Side > MaxLatticeSide:
		return &ConfigError{Field: "size", Value: c.Side, Allowed: fmt.Sprintf("[2, %d] (the lattice side L)", MaxLatticeSide)}
	case !(c.InitialA >= 0 && c.InitialA <= 1):
		return &ConfigError{Field: "initial_a", Value: c.InitialA, Allowed: "[0, 1]"}
	case c.Neighborhood > VonNeumann:
		return &ConfigError{Field: "neighborhood", Value: c.Neighborhood, Allowed: `"moore" or "vonneumann"`}
	case c.Radius < 1:
		return &ConfigError{Field: "radius", Value: c.Radius, Allowed: "≥ 1"}
	case c.Boundary == Torus && c.Side < 2*c.Radius+1:
		return &ConfigError{Field: "radius", Value: c.Radius, Allowed: fmt.Sprintf("≤ %d on a torus of side %d (neighbours must be distinct: L ≥ 2r+1)", (c.Side-1)/2, c.Side)}
	case c.Radius >= c.Side:
		return &ConfigError{Field: "radius", Value: c.Radius, Allowed: fmt.Sprintf("< %d (the lattice side)", c.Side)}
	case c.Boundary > Torus:
		return &ConfigError{Field: "boundary", Value: c.Boundary, Allowed: `"bounded" or "torus"`}
	case c.Selection > Local:
		return &ConfigError{Field: "selection", Value: c.Selection, Allowed: `"global" or "local"`}
	case c.Fitness > FitnessSum:
		return &ConfigError{Field: "fitness", Value: c.Fitness, Allowed: `"mean" or "sum"`}
	case !(c.Initiation > 0 && c.Initiation <= 1):
		return &ConfigError{Field: "initiation", Value: c.Initiation, Allowed: "(0, 1]"}
	case c.Rounds < 1:
		return &ConfigError{Field: "rounds", Value: c.Rounds, Allowed: "≥ 1"}
	}
	// Interaction counters are 16-bit: a site takes part in at most
	// rounds × (1 + neighbours) games a generation.
	if most := c.Rounds * (1 + c.MaxNeighbours()); most > math.MaxUint16 {
		return &ConfigError{Field: "rounds", Value: c.Rounds,
			Allowed: fmt.Sprintf("≤ %d with %d neighbours (at most 65535 games a site a generation)", math.MaxUint16/(1+c.MaxNeighbours()), c.MaxNeighbours())}
	}
	return nil
}

// MaxNeighbours is the number of neighbours of an interior site.
func (c LatticeConfig) MaxNeighbours() int {
	c = c.WithDefaults()
	r := c.Radius
	if c.Neighborhood == VonNeumann {
		return 2 * r * (r + 1)
	}
	return (2*r+1)*(2*r+1) - 1
}

// EffectiveAlpha is the interaction–transmission association the lattice
// implies: the chance that the random transmission neighbour is the
// interaction partner, 1/neighbours for an interior site (1/8 for Moore
// radius 1, the α of the paper's Figure 4 curves).
func (c LatticeConfig) EffectiveAlpha() float64 { return 1 / float64(c.MaxNeighbours()) }

// Lattice is an L×L lattice population (MODEL.md §6).
type Lattice struct {
	p    model.Params
	cfg  LatticeConfig
	L, N int

	phen, next []uint8   // phenotypes; next is the offspring buffer
	cnt        []uint64  // packed game counters this generation (see initCounters)
	inc        [4]uint64 // counter increment by self<<1 | partner
	fitTab     []float64 // fitness by packed counter, when small enough
	clampTab   []uint8   // 1 where fitTab clamped a negative fitness
	unit       [2]float64
	radix      int       // G: one more than the most games a site can play
	w          []float64 // fitness this generation

	// Neighbours. An interior site (every neighbour of the full shape on
	// the lattice, no wrapping) finds its k-th neighbour at s + off[k];
	// other sites use their list nbr[nbrStart[s]:nbrStart[s+1]], in the
	// same order.
	off           []int32
	interior      []uint8
	nbrStart, nbr []int32
	blkStart, blk []int32 // selection block of s (local, non-box shapes): site and neighbours

	initiators []int32
	buf        []uint64
	local      *localSel // local selection's buffers; nil for global
	nA         int
}

// NewLattice makes a lattice population, each site A with probability
// cfg.InitialA, drawing from r.
func NewLattice(p model.Params, cfg LatticeConfig, r *rng.Xoshiro) (*Lattice, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	L := cfg.Side
	N := L * L
	lt := &Lattice{
		p: p, cfg: cfg, L: L, N: N,
		phen: make([]uint8, N), next: make([]uint8, N),
		cnt:        make([]uint64, N),
		w:          make([]float64, N),
		initiators: make([]int32, N),
		buf:        make([]uint64, max(2*N, 2*wordBlock)),
	}
	lt.nbrStart, lt.nbr = neighbours(cfg, false)
	lt.off, lt.interior = interiorOffsets(cfg)
	lt.initCounters()
	if cfg.Selection == Local {
		if cfg.Neighborhood != Moore {
			lt.blkStart, lt.blk = neighbours(cfg, true)
		}
		lt.local = newLocalSel(lt)
	}
	lt.nA = initBernoulli(r, lt.phen, cfg.InitialA, lt.buf)
	return lt, nil
}

// neighbours builds the neighbour lists of every site in row-major offset
// order, optionally with the site itself first (selection blocks).
func neighbours(c LatticeConfig, self bool) (start, list []int32) {
	L, r := c.Side, c.Radius
	start = make([]int32, L*L+1)
	for y := range L {
		for x := range L {
			s := y*L + x
			if self {
				list = append(list, int32(s))
			}
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if dx == 0 && dy == 0 {
						continue
					}
					if c.Neighborhood == VonNeumann && abs(dx)+abs(dy) > r {
						continue
					}
					nx, ny := x+dx, y+dy
					if c.Boundary == Torus {
						nx, ny = (nx+L)%L, (ny+L)%L
					} else if nx < 0 || nx >= L || ny < 0 || ny >= L {
						continue
					}
					list = append(list, int32(ny*L+nx))
				}
			}
			start[s+1] = int32(len(list))
		}
	}
	return start, list
}

// interiorOffsets returns the index offsets of the full neighbourhood, in
// the order neighbours lists them, and marks the sites where all of them
// lie on the lattice without wrapping.
func interiorOffsets(c LatticeConfig) (off []int32, interior []uint8) {
	L, r := c.Side, c.Radius
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if (dx != 0 || dy != 0) && (c.Neighborhood == Moore || abs(dx)+abs(dy) <= r) {
				off = append(off, int32(dy*L+dx))
			}
		}
	}
	interior = make([]uint8, L*L)
	for y := r; y < L-r; y++ {
		for x := r; x < L-r; x++ {
			interior[y*L+x] = 1
		}
	}
	return off, interior
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Size implements Population.
func (lt *Lattice) Size() int { return lt.N }

// CountA implements Population.
func (lt *Lattice) CountA() int { return lt.nA }

// Side returns L.
func (lt *Lattice) Side() int { return lt.L }

// Phenotypes returns the sites' phenotypes in row-major order (0 = B,
// 1 = A). The slice is the population's own: read it, do not keep it
// across steps.
func (lt *Lattice) Phenotypes() []uint8 { return lt.phen }

// SetPhenotypes replaces the sites' phenotypes (row-major, 0 = B, 1 = A)
// with a copy of ph, which must have Size() values.
func (lt *Lattice) SetPhenotypes(ph []uint8) error {
	n, err := setPhenotypes(lt.phen, ph)
	if err != nil {
		return err
	}
	lt.nA = n
	return nil
}

// Step implements Population: rounds of interactions in random order with
// immediate horizontal transmission, then selection.
func (lt *Lattice) Step(r *rng.Xoshiro) GenStats {
	stats := GenStats{CountA: lt.nA}
	lt.interact(r)
	W, WA, nA, clamped := lt.fitness()
	stats.MeanFitness = W / float64(lt.N)
	stats.Clamped = clamped
	if lt.cfg.Selection == Global {
		// Offspring A with probability v·W_A/W + (1−v)·n_A/N; if every
		// fitness is 0 (possible with "sum"), selection is neutral.
		fA := float64(nA) / float64(lt.N)
		q := fA
		if W > 0 {
			q = float64(lt.p.V*WA/W) + float64((1-lt.p.V)*fA)
		}
		lt.nA = initBernoulli(r, lt.next, q, lt.buf)
	} else {
		lt.nA = lt.selectLocal(r)
	}
	lt.phen, lt.next = lt.next, lt.phen
	return stats
}

// interact plays the generation's rounds of games and horizontal
// transmission, filling the game counters.
func (lt *Lattice) interact(r *rng.Xoshiro) {
	clear(lt.cnt)
	for range lt.cfg.Rounds {
		m := lt.pickInitiators(r)
		rng.Shuffle(r, lt.initiators[:m])
		lt.play(r, lt.initiators[:m])
	}
}

// pickInitiators lists, in site order, the sites that initiate this round.
func (lt *Lattice) pickInitiators(r *rng.Xoshiro) int {
	init := lt.initiators
	m := 0
	thr := rng.Threshold(lt.cfg.Initiation)
	switch thr {
	case 1 << 32:
		for s := range lt.N {
			init[s] = int32(s)
		}
		return lt.N
	case 1 << 31: // probability 1/2: one random bit a site
		words := lt.buf[:(lt.N+63)/64]
		r.Fill(words)
		words[len(words)-1] &= ^uint64(0) >> (uint(len(words)*64-lt.N) & 63) // no sites past N
		for w, bitsLeft := range words {
			for ; bitsLeft != 0; bitsLeft &= bitsLeft - 1 {
				init[m] = int32(w*64 + bits.TrailingZeros64(bitsLeft))
				m++
			}
		}
		return m
	}
	words := lt.buf[:(lt.N+1)/2]
	r.Fill(words)
	for s := range lt.N {
		u := words[s>>1] >> (32 * (s & 1))
		init[m] = int32(s)
		m += int(lt32(uint32(u), thr))
	}
	return m
}

// Per-site game counters are packed in one uint64, so that a game updates
// each player with one add (of inc[self<<1 | partner]). They count games
// g, games with an A partner pA, and games played while A: aA. When the
// most games a site can play, G − 1, is small, the packing is the mixed-
// radix number g + G·pA + G²·aA, and fitness is one table lookup;
// otherwise the fields sit at bits 0, 16 and 32 (16 bits each).
const (
	cntPartner = 16
	cntAsA     = 32
	// fitTableMax bounds the fitness table (G³ entries of 8 bytes).
	fitTableMax = 1 << 15
)

// play runs the initiators in order: each plays with a random neighbour
// (both are paid) and then meets a second random neighbour for horizontal
// transmission, where the A holder converts the B holder with probability
// T_A and, independently, the B holder converts the A holder with T_B.
// Updates are immediate. Each initiator takes two random words: one for
// the two neighbours (32 bits each), one for the two conversions.
func (lt *Lattice) play(r *rng.Xoshiro, init []int32) {
	thrT := [2]uint64{rng.Threshold(lt.p.TB), rng.Threshold(lt.p.TA)}
	phen, cnt, interior := lt.phen, lt.cnt, lt.interior
	off, inc := lt.off, lt.inc
	k := uint32(len(off))
	// With a power-of-two neighbourhood (8: Moore radius 1; 4: von
	// Neumann radius 1) the top bits of each half-word pick a neighbour
	// exactly; otherwise multiply-shift with rejection.
	shift := uint(32 - bits.TrailingZeros32(k))
	pow2 := k&(k-1) == 0
	for k0 := 0; k0 < len(init); k0 += wordBlock {
		batch := init[k0:min(k0+wordBlock, len(init))]
		words := lt.buf[:2*len(batch)]
		r.Fill(words)
		for n, i := range batch {
			u, v := words[2*n], words[2*n+1]
			var j, d int32
			switch {
			case interior[i] != 0 && pow2:
				j = i + off[uint32(u>>32)>>shift]
				d = i + off[uint32(u)>>shift]
			case interior[i] != 0:
				m1, m2 := uint64(uint32(u>>32))*uint64(k), uint64(uint32(u))*uint64(k)
				if uint32(m1) < k || uint32(m2) < k {
					m1, m2 = r.Reject(m1, k), r.Reject(m2, k)
				}
				j = i + off[m1>>32]
				d = i + off[m2>>32]
			default:
				j, d = lt.edgeNeighbours(r, i, u)
			}

			a, b := phen[i]&1, phen[j]&1
			cnt[i] += inc[a<<1|b]
			cnt[j] += inc[b<<1|a]

			e := phen[d] & 1
			diff := a ^ e
			phen[i] = a ^ diff&lt32(uint32(v>>32), thrT[e]) // the donor converts i
			phen[d] = e ^ diff&lt32(uint32(v), thrT[a])     // i converts the donor
		}
	}
}

// edgeNeighbours picks the two neighbours of a non-interior site from its
// list, uniformly (multiply-shift with rejection).
func (lt *Lattice) edgeNeighbours(r *rng.Xoshiro, i int32, u uint64) (j, d int32) {
	s0 := lt.nbrStart[i]
	deg := uint32(lt.nbrStart[i+1] - s0)
	return lt.nbr[s0+int32(r.Bounded(uint32(u>>32), deg))], lt.nbr[s0+int32(r.Bounded(uint32(u), deg))]
}

// fitness computes every site's fitness and returns the total, the total
// over A sites, the number of A sites, and how many negative values were
// clamped to 0.
func (lt *Lattice) fitness() (W, WA float64, nA, clamped int) {
	phen, w, cnt := lt.phen, lt.w, lt.cnt
	w = w[:len(cnt)]
	phen = phen[:len(cnt)]
	if tab := lt.fitTab; tab != nil {
		// Four interleaved sums (a fixed order: still deterministic)
		// break the floating-point add chain.
		var w0, w1, w2, w3, a0, a1, a2, a3 float64
		s := 0
		for ; s+4 <= len(cnt); s += 4 {
			f0, f1, f2, f3 := tab[cnt[s]], tab[cnt[s+1]], tab[cnt[s+2]], tab[cnt[s+3]]
			w[s], w[s+1], w[s+2], w[s+3] = f0, f1, f2, f3
			w0, w1, w2, w3 = w0+f0, w1+f1, w2+f2, w3+f3
			p0, p1, p2, p3 := phen[s]&1, phen[s+1]&1, phen[s+2]&1, phen[s+3]&1
			a0 += float64(f0 * lt.unit[p0])
			a1 += float64(f1 * lt.unit[p1])
			a2 += float64(f2 * lt.unit[p2])
			a3 += float64(f3 * lt.unit[p3])
			nA += int(p0) + int(p1) + int(p2) + int(p3)
			clamped += int(lt.clampTab[cnt[s]]) + int(lt.clampTab[cnt[s+1]]) + int(lt.clampTab[cnt[s+2]]) + int(lt.clampTab[cnt[s+3]])
		}
		for ; s < len(cnt); s++ {
			f, p := tab[cnt[s]], phen[s]&1
			w[s] = f
			w0 += f
			a0 += float64(f * lt.unit[p])
			nA += int(p)
			clamped += int(lt.clampTab[cnt[s]])
		}
		return (w0 + w1) + (w2 + w3), (a0 + a1) + (a2 + a3), nA, clamped
	}
	for s, x := range cnt {
		f, cl := lt.fitnessOf(int(x&0xffff), int(x>>cntPartner&0xffff), int(x>>cntAsA&0xffff))
		w[s] = f
		a := phen[s] & 1
		W += f
		WA += float64(f * float64(a))
		nA += int(a)
		clamped += int(cl)
	}
	return W, WA, nA, clamped
}

// fitnessOf is the fitness after g games, pA of them with an A partner and
// aA of them played while A, and whether a negative value was clamped.
func (lt *Lattice) fitnessOf(g, pA, aA int) (float64, uint8) {
	pay := float64(lt.p.B*float64(pA)) - float64(lt.p.C*float64(aA))
	if lt.cfg.Fitness == FitnessMean {
		return 1 + pay/float64(max(1, g)), 0
	}
	if f := 1 + pay; f >= 0 {
		return f, 0
	}
	return 0, 1
}

// counters decodes site s's game counters: games played, games with an A
// partner, games played while A.
func (lt *Lattice) counters(s int) (games, pA, aA int) {
	x := lt.cnt[s]
	if lt.fitTab == nil {
		return int(x & 0xffff), int(x >> cntPartner & 0xffff), int(x >> cntAsA & 0xffff)
	}
	G := uint64(lt.radix)
	return int(x % G), int(x / G % G), int(x / G / G)
}

// initCounters chooses the counter packing and builds its tables.
func (lt *Lattice) initCounters() {
	G := lt.cfg.Rounds*(1+lt.cfg.MaxNeighbours()) + 1
	lt.radix = G
	lt.unit = [2]float64{0, 1}
	if G*G*G > fitTableMax {
		lt.inc = [4]uint64{0: 1, 1: 1 | 1<<cntPartner, 2: 1 | 1<<cntAsA, 3: 1 | 1<<cntPartner | 1<<cntAsA}
		return
	}
	g := uint64(G)
	lt.inc = [4]uint64{0: 1, 1: 1 + g, 2: 1 + g*g, 3: 1 + g + g*g}
	lt.fitTab = make([]float64, G*G*G)
	lt.clampTab = make([]uint8, G*G*G)
	for aA := range G {
		for pA := range G {
			for games := range G {
				k := games + G*pA + G*G*aA
				lt.fitTab[k], lt.clampTab[k] = lt.fitnessOf(games, pA, aA)
			}
		}
	}
}

// selectLocal draws each site's offspring from its block: A with
// probability v·W_A(block)/W(block) + (1−v)·n_A(block)/|block|.
func (lt *Lattice) selectLocal(r *rng.Xoshiro) int {
	ls := lt.local
	v := lt.p.V
	// The counts of A matter only for oblique copying (v < 1) and for
	// blocks of zero fitness, which only "sum" fitness can produce.
	needA := v < 1 || lt.cfg.Fitness == FitnessSum
	for s := range lt.N {
		a := float64(lt.phen[s] & 1)
		ls.wa[s] = float64(lt.w[s] * a)
		ls.a[s] = a
	}
	if lt.cfg.Neighborhood == Moore {
		lt.boxSum(lt.w, ls.sumW)
		lt.boxSum(ls.wa, ls.sumWA)
		if needA {
			lt.boxSum(ls.a, ls.sumA)
		}
	} else {
		for s := range lt.N {
			var w, wa, a float64
			for _, t := range lt.blk[lt.blkStart[s]:lt.blkStart[s+1]] {
				w += lt.w[t]
				wa += ls.wa[t]
				a += ls.a[t]
			}
			ls.sumW[s], ls.sumWA[s], ls.sumA[s] = w, wa, a
		}
	}
	count := 0
	for s0 := 0; s0 < lt.N; s0 += 2 * wordBlock {
		s1 := min(s0+2*wordBlock, lt.N)
		words := lt.buf[:(s1-s0+1)/2]
		r.Fill(words)
		for s := s0; s < s1; s++ {
			var q float64
			switch {
			case !needA:
				q = ls.sumWA[s] / ls.sumW[s] // W > 0: mean fitness is ≥ 1 − c > 0
			case ls.sumW[s] > 0:
				q = float64(v*ls.sumWA[s]/ls.sumW[s]) + float64((1-v)*ls.sumA[s]*ls.invSize[s])
			default: // a block of zero fitness selects neutrally
				q = ls.sumA[s] * ls.invSize[s]
			}
			u := uint32(words[(s-s0)>>1] >> (32 * ((s - s0) & 1)))
			// q lies in [0, 1] up to rounding, so rng.Threshold's range
			// checks are not needed: a q a hair above 1 gives 2^32.
			a := lt32(u, uint64(float64(q*(1<<32))+0.5))
			lt.next[s] = a
			count += int(a)
		}
	}
	return count
}

// localSel holds local selection's per-site buffers.
type localSel struct {
	wa, a, tmp        []float64 // w·A, A, and a row-pass buffer
	sumW, sumWA, sumA []float64 // block sums
	size, invSize     []float64 // block sizes and their inverses
}

func newLocalSel(lt *Lattice) *localSel {
	N := lt.N
	ls := &localSel{
		wa: make([]float64, N), a: make([]float64, N), tmp: make([]float64, N),
		sumW: make([]float64, N), sumWA: make([]float64, N), sumA: make([]float64, N),
		size: make([]float64, N), invSize: make([]float64, N),
	}
	defer func() {
		for s, n := range ls.size {
			ls.invSize[s] = 1 / n
		}
	}()
	if lt.cfg.Neighborhood == Moore {
		ones := make([]float64, N)
		for i := range ones {
			ones[i] = 1
		}
		lt.local = ls
		lt.boxSum(ones, ls.size)
	} else {
		for s := range N {
			ls.size[s] = float64(lt.blkStart[s+1] - lt.blkStart[s])
		}
	}
	return ls
}

// boxSum writes into dst the sum of src over each site's (2r+1)×(2r+1)
// block, clipped at a bounded edge or wrapped on a torus: a row pass into
// the scratch buffer, then a column pass. Both add shifted copies of whole
// rows, so the additions of neighbouring sites are independent and
// pipeline. Each sum is formed afresh from the values, so an all-zero
// block sums to exactly 0.
func (lt *Lattice) boxSum(src, dst []float64) {
	L, r := lt.L, lt.cfg.Radius
	torus := lt.cfg.Boundary == Torus
	tmp := lt.local.tmp
	for y := range L {
		row, out := src[y*L:(y+1)*L], tmp[y*L:(y+1)*L]
		copy(out, row)
		for dx := 1; dx <= r; dx++ {
			addShifted(out, row, dx, torus)  // out[x] += row[x+dx]
			addShifted(out, row, -dx, torus) // out[x] += row[x−dx]
		}
	}
	for y := range L {
		out := dst[y*L : (y+1)*L]
		copy(out, tmp[y*L:(y+1)*L])
		for k := y - r; k <= y+r; k++ {
			yy := k
			if k == y {
				continue
			}
			if k < 0 || k >= L {
				if !torus {
					continue
				}
				yy = (k + L) % L
			}
			in := tmp[yy*L : (yy+1)*L]
			for x := range out {
				out[x] += in[x]
			}
		}
	}
}

// addShifted adds in[x+d] to out[x] for every x where x+d is in range, or
// for every x with x+d wrapped around when torus.
func addShifted(out, in []float64, d int, torus bool) {
	n := len(out)
	if d > 0 {
		for x, f := range in[d:] {
			out[x] += f
		}
		if torus {
			for x, f := range in[:d] {
				out[n-d+x] += f
			}
		}
		return
	}
	d = -d
	dst := out[d:]
	for x, f := range in[:n-d] {
		dst[x] += f
	}
	if torus {
		for x, f := range in[n-d:] {
			out[x] += f
		}
	}
}
