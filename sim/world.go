package sim

import (
	"fmt"
	"math"
	"slices"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// PlatformStats describes one platform in one generation.
type PlatformStats struct {
	Size     int // agents at the start of the generation
	CountA   int // of those, A
	Natives  int // agents whose origin is this platform
	NativesA int
	// Migrants are agents of another origin (movers and their
	// descendants).
	Migrants, MigrantsA int
	MeanFitness         float64 // earned on the platform in this generation; NaN if empty
	MovedIn, MovedOut   int     // moves in this generation
	Refused             int     // moves into this (full lattice) platform refused
	Clamped             int     // negative fitness values set to 0
}

// World is a set of platforms whose agents move between them (see the
// package documentation). It implements Population for the world as a
// whole, whose size never changes.
type World struct {
	cfg   WorldConfig
	plats []platform
	gen   int
	total int
	last  []PlatformStats
	dest  [][]int32 // per platform, per adult: destination + 1, 0 to stay
	moves []pendingMove
	// limited holds the moves into lattices (which may run out of
	// empty sites), made in random order.
	limited []pendingMove
	// movable[k]: an event or an open route of this generation has
	// platform k at one end, so its adults are materialised.
	movable []bool

	// Buffers of Step and migrate, sized once: a step allocates nothing
	// once pools have grown to their platforms' sizes.
	freq, size, away, remoteA []float64
	pools                     []*pool
	sizes                     []int
	cand                      []int32
	words                     []uint64 // migration's random words, drawn a block at a time
	routes                    []model.Route
}

// platform is the engine of one platform: an adapter around WellMixed
// (wmPlatform) or Lattice (latticePlatform).
type platform interface {
	// counts returns the start-of-generation statistics (sizes and
	// phenotypes by origin).
	counts() PlatformStats
	// play runs interaction and horizontal transmission, with this
	// generation's cross-exposure of the platform's random donors. It
	// returns the mean fitness, the clamped count and, when movable (an
	// event or open route of this generation ends on the platform), the
	// adults; otherwise adults may be nil, and nothing per agent is
	// recorded that the platform does not need itself.
	play(r *rng.Xoshiro, ex exposure, movable bool) (adults *pool, meanFit float64, clamped int)
	// capacity is the most adults the platform can hold.
	capacity() int
	// reproduce replaces the adults with their offspring. touched says
	// whether any agent moved in or out this generation (then the pool
	// play returned holds the adults after the moves); reachable, whether
	// migration can reach the platform in a later generation.
	reproduce(r *rng.Xoshiro, touched, reachable bool)
	// agents returns the juveniles' phenotypes, origins and arrival
	// generations (for lattices, by site, with the sites' occupancy;
	// occupied is nil for a well-mixed platform).
	agents() (ph, origin []uint8, arrival []int32, occupied []uint8)
	// configure sets new parameters and settings of the same structure,
	// keeping the agents.
	configure(pc PlatformConfig)
}

// pool holds a platform's adults between horizontal transmission and
// reproduction.
type pool struct {
	ph      []uint8
	fit     []float64
	origin  []uint8
	arrival []int32
	site    []int32 // lattice: the adult's site; -1 for an arrival not yet placed
}

func (p *pool) len() int { return len(p.ph) }

// moveDown copies adults [from, end) to [to, …) in all five arrays (to ≤
// from) and returns how many.
func (p *pool) moveDown(to, from, end int) int {
	copy(p.fit[to:], p.fit[from:end])
	copy(p.origin[to:], p.origin[from:end])
	copy(p.arrival[to:], p.arrival[from:end])
	copy(p.site[to:], p.site[from:end])
	return copy(p.ph[to:], p.ph[from:end])
}

func (p *pool) reset() {
	p.ph, p.fit, p.origin, p.arrival, p.site = p.ph[:0], p.fit[:0], p.origin[:0], p.arrival[:0], p.site[:0]
}

// reserve makes room for n adults, so that pushes do not allocate.
func (p *pool) reserve(n int) {
	if cap(p.ph) < n {
		p.ph, p.fit, p.origin = make([]uint8, 0, n), make([]float64, 0, n), make([]uint8, 0, n)
		p.arrival, p.site = make([]int32, 0, n), make([]int32, 0, n)
	}
}

func (p *pool) push(ph uint8, fit float64, origin uint8, arrival, site int32) {
	p.ph = append(p.ph, ph)
	p.fit = append(p.fit, fit)
	p.origin = append(p.origin, origin)
	p.arrival = append(p.arrival, arrival)
	p.site = append(p.site, site)
}

type pendingMove struct{ from, idx, to int32 }

// NewWorld validates cfg and makes its world, drawing each platform's
// start from r in platform order.
//
// A full lattice draws its start as NewLattice and a well-mixed platform
// as NewWellMixed; a platform that nothing touches then steps as that
// single population: a world of one platform produces exactly the numbers
// of the population with the same stream.
func NewWorld(cfg WorldConfig, r *rng.Xoshiro) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	K := len(cfg.Platforms)
	// The world owns its configuration: SetPlatform and AddEvent must not
	// write into the caller's slices.
	cfg.Platforms = slices.Clone(cfg.Platforms)
	cfg.Migration.Events = slices.Clone(cfg.Migration.Events)
	w := &World{cfg: cfg, plats: make([]platform, K), dest: make([][]int32, K), last: make([]PlatformStats, K), movable: make([]bool, K),
		freq: make([]float64, K), size: make([]float64, K), away: make([]float64, K), remoteA: make([]float64, K),
		pools: make([]*pool, K), sizes: make([]int, K), words: make([]uint64, wordBlock)}
	for k, pc := range cfg.Platforms {
		switch pc.Kind {
		case KindWellMixed:
			w.plats[k] = newWMPlatform(k, pc, cfg.Migration.Reaches(k, 0), r)
		case KindLattice:
			w.plats[k] = newLatticePlatform(k, pc, nil, r)
		default:
			g, err := networkGraph(pc, r)
			if err != nil {
				return nil, model.Within(fmt.Sprintf("platform[%d]", k), err)
			}
			w.plats[k] = newLatticePlatform(k, pc, g, r)
		}
		w.total += w.plats[k].counts().Size
	}
	if w.total < 1 {
		return nil, &model.FieldError{Path: "platform", Detail: "the world has no agents: give some platform a size"}
	}
	return w, nil
}

// networkGraph returns a network platform's graph: its fixed graph, or,
// with graph_seed "replicate", a graph drawn from the seed that is the
// run's next word (so the run's other draws follow it).
func networkGraph(pc PlatformConfig, r *rng.Xoshiro) (*Graph, error) {
	seed, fixed := pc.Network.Seed, pc.Network.SeedMode == GraphFixed
	if !fixed {
		seed = r.Uint64()
	}
	g, err := pc.BuildGraph(seed, fixed)
	if err != nil {
		return nil, &model.FieldError{Path: "population.graph", Detail: err.Error()}
	}
	if err := graphCheck(g, pc.Lattice.WithDefaults().Rounds); err != nil {
		return nil, model.Within("population", err)
	}
	if pc.StartAgents() > g.Nodes() {
		return nil, &model.FieldError{Path: "population.agents", Value: pc.StartAgents(), Domain: fmt.Sprintf("[0, %d] (the graph's nodes)", g.Nodes())}
	}
	return g, nil
}

// Size implements Population: the world's agents (constant).
func (w *World) Size() int { return w.total }

// CountA implements Population: A agents on every platform.
func (w *World) CountA() int {
	n := 0
	for _, p := range w.plats {
		n += p.counts().CountA
	}
	return n
}

// Generation is the number of generations played.
func (w *World) Generation() int { return w.gen }

// Platforms returns the platforms' configurations.
func (w *World) Platforms() []PlatformConfig { return w.cfg.Platforms }

// LastStats returns the statistics of every platform in the generation
// the last Step played (nil before the first). The slice is reused.
func (w *World) LastStats() []PlatformStats {
	if w.gen == 0 {
		return nil
	}
	return w.last
}

// State returns every platform's start-of-generation statistics now (no
// fitness: NaN).
func (w *World) State() []PlatformStats {
	out := make([]PlatformStats, len(w.plats))
	for k, p := range w.plats {
		out[k] = p.counts()
		out[k].MeanFitness = math.NaN()
	}
	return out
}

// Agents returns platform k's juveniles: phenotypes, origins (platform
// indices), arrival generations and, for a lattice, by site, with the
// sites' occupancy (1 where a site holds an agent; nil for well-mixed
// platforms). The slices are the world's own: read them, do not keep them
// across steps.
func (w *World) Agents(k int) (ph, origin []uint8, arrival []int32, occupied []uint8) {
	return w.plats[k].agents()
}

// Graph returns platform k's graph (nil unless it is a network): the one
// this world runs on, which with graph_seed "replicate" is its own.
func (w *World) Graph(k int) *Graph {
	if lp, ok := w.plats[k].(*latticePlatform); ok {
		return lp.lt.cfg.Graph
	}
	return nil
}

// Step implements Population: every platform plays, adults move, every
// platform reproduces.
func (w *World) Step(r *rng.Xoshiro) GenStats {
	st, freq, size := w.last, w.freq, w.size
	for k, p := range w.plats {
		st[k] = p.counts()
		size[k] = float64(st[k].Size)
		if st[k].Size > 0 {
			freq[k] = float64(st[k].CountA) / float64(st[k].Size)
		}
	}
	w.cfg.Migration.Exposure(freq, size, w.away, w.remoteA)
	w.markMovable()
	pools := w.pools
	for k, p := range w.plats {
		var mf float64
		pools[k], mf, st[k].Clamped = p.play(r, exposure{w.away[k], w.remoteA[k]}, w.movable[k])
		st[k].MeanFitness = math.NaN()
		if st[k].Size > 0 {
			st[k].MeanFitness = mf
		}
	}
	w.migrate(r, pools, st)
	var gs GenStats
	var W float64
	for k, p := range w.plats {
		p.reproduce(r, st[k].MovedIn+st[k].MovedOut > 0, w.cfg.Migration.Reaches(k, w.gen+1))
		gs.CountA += st[k].CountA
		gs.Clamped += st[k].Clamped
		if st[k].Size > 0 {
			W += float64(st[k].MeanFitness * float64(st[k].Size))
		}
	}
	gs.MeanFitness = W / float64(w.total)
	if len(st) == 1 {
		gs.MeanFitness = st[0].MeanFitness // exactly, not W·N/N
	}
	w.gen++
	return gs
}

// markMovable marks the platforms at either end of this generation's
// events and open routes: the only ones whose adults migration can touch.
func (w *World) markMovable() {
	clear(w.movable)
	for _, e := range w.cfg.Migration.Events {
		if e.Generation == w.gen {
			w.movable[e.From], w.movable[e.To] = true, true
		}
	}
	for _, rt := range w.cfg.Migration.Routes {
		if rt.Open(w.gen) {
			w.movable[rt.From], w.movable[rt.To] = true, true
		}
	}
}

// migrate moves adults: this generation's events in order, then routes
// for the adults that have not moved. Moves take effect in platform and
// adult order, those into well-mixed platforms first; a move into a full
// lattice is refused (the adult stays).
func (w *World) migrate(r *rng.Xoshiro, pools []*pool, st []PlatformStats) {
	mig := &w.cfg.Migration
	if !mig.Active(w.gen) {
		return // nothing can move: no per-adult work
	}
	moved := false
	for k, p := range pools {
		if p == nil {
			continue
		}
		w.dest[k] = resize(w.dest[k], p.len())
		clear(w.dest[k])
	}
	cand := w.cand[:0]
	for _, e := range mig.Events {
		if e.Generation != w.gen {
			continue
		}
		p, dest := pools[e.From], w.dest[e.From]
		cand = cand[:0]
		for i := range p.len() {
			if dest[i] == 0 && (e.Phenotype == model.AnyPhenotype || (p.ph[i] == 1) == (e.Phenotype == model.OnlyA)) {
				cand = append(cand, int32(i))
			}
		}
		n := int(math.Round(e.Fraction * float64(len(cand))))
		// A partial Fisher–Yates shuffle picks n candidates uniformly.
		for t := range n {
			j := t + r.IntN(len(cand)-t)
			cand[t], cand[j] = cand[j], cand[t]
			dest[cand[t]] = int32(e.To) + 1
			moved = true
		}
	}
	w.cand = cand
	for k, p := range pools {
		routes := w.routes[:0]
		for _, rt := range mig.Routes {
			if rt.From == k && rt.Open(w.gen) {
				routes = append(routes, rt)
			}
		}
		w.routes = routes
		if len(routes) == 0 || p == nil {
			continue
		}
		dest := w.dest[k][:p.len()]
		// Every adult that no event moved draws one word: in blocks,
		// the same words in the same order.
		left := 0
		for _, d := range dest {
			left += int(b2u8(d == 0))
		}
		words := w.words[:0]
		for i := range dest {
			if dest[i] != 0 {
				continue
			}
			if len(words) == 0 {
				words = w.words[:min(len(w.words), left)]
				left -= len(words)
				r.Fill(words)
			}
			// One uniform number picks at most one route: route j
			// when it falls in [Σ_{<j} rate, Σ_{≤j} rate).
			u := rng.Unit(words[0])
			words = words[1:]
			for _, rt := range routes {
				if u < rt.Rate {
					// Payoff seeking: move only for a better mean
					// (never into an empty platform: NaN compares false).
					if !rt.PayoffSeeking || p.fit[i] < st[rt.To].MeanFitness {
						dest[i] = int32(rt.To) + 1
						moved = true
					}
					break
				}
				u -= rt.Rate
			}
		}
	}
	if !moved {
		return
	}
	size := w.sizes
	for k, p := range pools {
		size[k] = 0
		if p != nil {
			size[k] = p.len()
		}
	}
	// Moves into platforms without a capacity (well-mixed) are all
	// made first: the sites they free in lattices are then open to
	// arrivals, whatever the order of the platforms. Moves into lattices
	// are then made in a uniformly random order, so that when empty sites
	// run out the refused movers are a uniformly random subset, not the
	// last in platform and adult order.
	w.moves, w.limited = w.moves[:0], w.limited[:0]
	for k, p := range pools {
		if p == nil {
			continue
		}
		for i, d := range w.dest[k][:p.len()] {
			if d == 0 {
				continue
			}
			m := pendingMove{int32(k), int32(i), d - 1}
			if w.plats[m.to].capacity() < MaxWellMixed {
				w.limited = append(w.limited, m)
				continue
			}
			w.accept(m, size, st)
		}
	}
	if len(w.limited) > 0 {
		rng.Shuffle(r, w.limited)
		for _, m := range w.limited {
			if size[m.to] >= w.plats[m.to].capacity() {
				st[m.to].Refused++
				w.dest[m.from][m.idx] = 0
				continue
			}
			w.accept(m, size, st)
		}
	}
	for _, m := range w.moves {
		from, to := pools[m.from], pools[m.to]
		to.push(from.ph[m.idx], from.fit[m.idx], from.origin[m.idx], int32(w.gen), -1)
	}
	// Remove the movers, keeping the others in order.
	for k, p := range pools {
		if p == nil {
			continue
		}
		dest := w.dest[k]
		// The stayers between two movers are a run, moved down with
		// copy: movers are few, and five arrays moved element by element
		// cost more than the generation's migration draws.
		j, i := 0, 0
		for i < len(dest) {
			for i < len(dest) && dest[i] != 0 {
				i++
			}
			e := i
			for e < len(dest) && dest[e] == 0 {
				e++
			}
			if j != i {
				p.moveDown(j, i, e)
			}
			j += e - i
			i = e
		}
		// Arrivals were appended after the original adults.
		m := j + p.moveDown(j, len(dest), p.len())
		p.ph, p.fit, p.origin, p.arrival, p.site = p.ph[:m], p.fit[:m], p.origin[:m], p.arrival[:m], p.site[:m]
	}
}

// accept makes a move: it counts it and queues the adult for its new
// platform.
func (w *World) accept(m pendingMove, size []int, st []PlatformStats) {
	size[m.from]--
	size[m.to]++
	st[m.from].MovedOut++
	st[m.to].MovedIn++
	w.moves = append(w.moves, m)
}

// resize returns s with length n, reusing its array when it is large
// enough. A new array has room for a quarter more: the sizes of platforms
// with migration wander, and their buffers stop growing soon.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// nativeStats are the counts of n agents, nA of them A, all natives.
func nativeStats(n, nA int) PlatformStats {
	return PlatformStats{Size: n, CountA: nA, Natives: n, NativesA: nA}
}

// lineageCounts tallies juveniles by origin for platform k. It sums
// flags rather than branching on them: once lineages mix, whether an
// agent is native is a coin no branch predicts.
func lineageCounts(k int, ph, origin []uint8, occupied []uint8, st *PlatformStats) {
	var n, nA, nat, natA int
	for i, x := range ph {
		o := 1
		if occupied != nil {
			o = int(b2u8(occupied[i] != 0))
		}
		a := o * int(x)
		native := int(b2u8(int(origin[i]) == k))
		n += o
		nA += a
		nat += o * native
		natA += a * native
	}
	st.Size += n
	st.CountA += nA
	st.Natives += nat
	st.NativesA += natA
	st.Migrants += n - nat
	st.MigrantsA += nA - natA
}

// parentDraw draws, for platforms whose offspring need their parent
// (for its lineage), parents ∝ fitness and offspring phenotypes.
type parentDraw struct {
	fit              []float64
	scale            float64 // 2^32 / the largest fitness
	uniform          bool    // every fitness is 0: parents are uniform
	among            []int32 // when uniform: the adults' indices in fit; nil for all of fit
	thrV, thrOblique uint64
}

// newParentDraw prepares draws among n adults, of which adultsA are A, on
// a platform of vertical rate v; fit holds their fitness, and may hold
// zeros for places without an adult (a lattice's empty sites), which are
// never drawn (set among if every fitness may be 0).
func newParentDraw(fit []float64, n, adultsA int, v float64) parentDraw {
	var fmax float64
	for _, f := range fit {
		// Not the max builtin, whose NaN and signed-zero rules took 9 %
		// of a migration scenario's run (tiktok_refugees): fitness is a
		// number ≥ 0.
		if f > fmax {
			fmax = f
		}
	}
	return parentDraw{fit: fit, scale: 0x1p32 / fmax, uniform: !(fmax > 0),
		thrV: rng.Threshold(v), thrOblique: rng.Threshold(float64(adultsA) / float64(n))}
}

// parent picks an adult with probability ∝ fitness by rejection: a
// uniform adult i is accepted with probability fit[i]/max fitness
// (expected draws: max / mean fitness).
func (d *parentDraw) parent(r *rng.Xoshiro) int {
	if d.uniform {
		if d.among != nil {
			return int(d.among[r.IntN(len(d.among))])
		}
		return r.IntN(len(d.fit))
	}
	for {
		if i, ok := d.candidate(r, r.Uint64()); ok {
			return int(i)
		}
	}
}

// candidate is one try of parent's rejection draw, from the word x (and,
// in Bounded's rare remainder, r's next words).
func (d *parentDraw) candidate(r *rng.Xoshiro, x uint64) (int32, bool) {
	i := r.Bounded(uint32(x>>32), uint32(len(d.fit)))
	return int32(i), float64(uint32(x)) < d.fit[i]*d.scale
}

// parentBlock is the words a parentStream reads ahead; parentChunk, the
// offspring it serves at a time.
const (
	parentBlock = 512
	parentChunk = 1024
)

// parentStream serves a generation's offspring their parents and
// phenotype words: the words that a parent draw, then one word for
// phenotype, for each offspring in turn would take from r, in order, and
// close leaves r where those calls would have. It reads a block of words
// ahead and sorts them in two loops without unpredictable branches: the
// first turns every word into its candidate and acceptance (the fitness
// loads, at random, overlap), the second walks the block, an accepted
// candidate taking the next word as its phenotype word. A candidate in
// Bounded's remainder (probability below n/2^32) is drawn as parent
// draws it, after r is set back to the word after it. Platforms keep one,
// so that a generation allocates nothing.
type parentStream struct {
	d     parentDraw
	r     *rng.Xoshiro
	save  rng.Xoshiro // r before words were drawn
	p     int         // the next unread word; parentBlock: none, and r is at the next word
	words [parentBlock]uint64
	idx   [parentBlock]int32
	acc   [parentBlock]uint8 // the candidate is accepted
	extra [parentBlock]uint8 // the candidate falls in Bounded's remainder
	par   [parentChunk]int32
	u     [parentChunk]uint64
}

// start begins a generation's draws from d with r, which only the
// stream may draw from until close.
func (s *parentStream) start(d parentDraw, r *rng.Xoshiro) {
	if s.r != nil {
		// The words read ahead would be lost, and r left early.
		panic("sim: parentStream started again before close")
	}
	s.d, s.r, s.p = d, r, parentBlock
}

// next serves the next min(n, parentChunk) offspring: their parents and
// phenotype words.
func (s *parentStream) next(n int) ([]int32, []uint64) {
	par, u := s.par[:min(n, parentChunk)], s.u[:min(n, parentChunk)]
	if s.d.uniform {
		for k := range par {
			par[k], u[k] = int32(s.d.parent(s.r)), s.r.Uint64()
		}
		return par, u
	}
	k := 0
	for k < len(par) {
		if s.p >= parentBlock-1 {
			if s.p == parentBlock-1 {
				// The block's last word: r is at the word after it,
				// which an accepted candidate takes.
				s.p = parentBlock
				if i, ok := s.d.candidate(s.r, s.words[parentBlock-1]); ok {
					par[k], u[k] = i, s.r.Uint64()
					k++
				}
				continue
			}
			s.refill()
		}
		p := s.p
		for k < len(par) && p < parentBlock-1 && s.extra[p] == 0 {
			a := int(s.acc[p])
			par[k], u[k] = s.idx[p], s.words[p+1]
			k += a
			p += 1 + a
		}
		s.p = p
		if k < len(par) && p < parentBlock-1 {
			// Bounded's remainder: draw again from the word after p.
			*s.r = s.save
			s.r.Fill(s.words[:p+1])
			s.p = parentBlock
			if i, ok := s.d.candidate(s.r, s.words[p]); ok {
				par[k], u[k] = i, s.r.Uint64()
				k++
			}
		}
	}
	return par, u
}

// refill draws a block of words and their candidates.
func (s *parentStream) refill() {
	s.save = *s.r
	s.r.Fill(s.words[:])
	fit, scale := s.d.fit, s.d.scale
	n := uint32(len(fit))
	thresh := -n % n
	for p, x := range s.words[:] {
		m := uint64(uint32(x>>32)) * uint64(n)
		i := m >> 32
		s.idx[p] = int32(i)
		s.acc[p] = b2u8(float64(uint32(x)) < fit[i]*scale)
		s.extra[p] = b2u8(uint32(m) < thresh)
	}
	s.p = 0
}

// b2u8 is 1 for true and 0 for false, set from a flag, not a branch.
func b2u8(b bool) uint8 {
	var x uint8
	if b {
		x = 1
	}
	return x
}

// close sets r back to the first word the stream has not served.
func (s *parentStream) close() {
	if s.p < parentBlock {
		*s.r = s.save
		s.r.Fill(s.words[:s.p])
	}
	s.p, s.r = parentBlock, nil
}

// AcculturationTolerance is how close migrants' frequency of A must come
// to natives' for them to count as acculturated.
const AcculturationTolerance = 0.05

// Acculturation measures, per platform, the generations from the first
// generation with migrants on it until the first generation (that one
// included) in which migrants' frequency of A is within
// AcculturationTolerance of natives' on that platform.
type Acculturation struct {
	start, done []int
}

// NewAcculturation tracks k platforms.
func NewAcculturation(k int) *Acculturation {
	a := &Acculturation{start: make([]int, k), done: make([]int, k)}
	for i := range k {
		a.start[i], a.done[i] = -1, -1
	}
	return a
}

// Observe records platform k at the start of generation gen: natives' and
// migrants' frequencies of A, NaN where there are none.
func (a *Acculturation) Observe(gen, k int, natives, migrants float64) {
	if math.IsNaN(migrants) || a.done[k] >= 0 {
		return
	}
	if a.start[k] < 0 {
		a.start[k] = gen
	}
	if !math.IsNaN(natives) && math.Abs(migrants-natives) <= AcculturationTolerance {
		a.done[k] = gen
	}
}

// ObserveStats records every platform's statistics of generation gen.
func (a *Acculturation) ObserveStats(gen int, st []PlatformStats) {
	for k, s := range st {
		a.Observe(gen, k, frac(s.NativesA, s.Natives), frac(s.MigrantsA, s.Migrants))
	}
}

func frac(a, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(a) / float64(n)
}

// Times returns each platform's acculturation time in generations, or −1
// if migrants never came or never acculturated.
func (a *Acculturation) Times() []int {
	out := make([]int, len(a.done))
	for k := range out {
		out[k] = -1
		if a.done[k] >= 0 {
			out[k] = a.done[k] - a.start[k]
		}
	}
	return out
}

// SetPlatform changes platform k's parameters and lattice settings
// between generations, keeping its agents (teaching mode's sliders). The
// structure (kind, size, lattice side) cannot change.
func (w *World) SetPlatform(k int, pc PlatformConfig) error {
	if k < 0 || k >= len(w.plats) {
		return fmt.Errorf("sim: no platform %d", k)
	}
	old := w.cfg.Platforms[k]
	if pc.Kind != old.Kind || pc.Lattice.Side != old.Lattice.Side || pc.Network != old.Network || (pc.Kind == KindWellMixed && pc.Agents != old.Agents) {
		return &model.FieldError{Path: "population.size", Detail: "a running platform keeps its structure and size"}
	}
	pc.Agents = old.Agents
	if err := pc.Validate(); err != nil {
		return err
	}
	w.plats[k].configure(pc)
	w.cfg.Platforms[k] = pc
	return nil
}

// AddEvent schedules an event (validated against the world) for a later
// or the current generation: teaching mode's "trigger migration" button.
// Any platform may take part: a lattice switches on the layers the moves
// need when they happen.
func (w *World) AddEvent(e model.Event) error {
	if e.Generation < w.gen {
		return fmt.Errorf("sim: event at generation %d, which has been played (now %d)", e.Generation, w.gen)
	}
	m := w.cfg.Migration
	m.Events = append(append([]model.Event(nil), m.Events...), e)
	if err := m.Validate(w.cfg.Names(), max(w.cfg.Generations, e.Generation+1)); err != nil {
		return err
	}
	w.cfg.Migration = m
	return nil
}

// Migration returns the world's routes, events and exposures (with any
// added by AddEvent).
func (w *World) Migration() model.Migration { return w.cfg.Migration }
