package sim

import (
	"errors"
	"fmt"
	"math"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// PlatformConfig is one platform of a world.
type PlatformConfig struct {
	Name     string
	Model    model.Params // the platform's culture: its own b, c, v, α, T_A, T_B
	Lattice  bool         // a lattice platform (otherwise well-mixed)
	Size     int          // agents (well-mixed) or the lattice side L
	Agents   int          // lattice: occupied sites at the start; 0 means every site
	InitialA float64      // each agent A with this probability at the start
	// LatticeConfig holds the lattice settings; its Side and InitialA are
	// ignored (Size and InitialA above rule).
	LatticeConfig LatticeConfig
}

// WorldConfig is a world of platforms and the migration between them.
type WorldConfig struct {
	Platforms   []PlatformConfig
	Migration   model.Migration
	Generations int // the run's length, which events must fall within
}

// Validate checks every platform and the migration.
func (c WorldConfig) Validate() error {
	if len(c.Platforms) < 1 || len(c.Platforms) > model.MaxPlatforms {
		return &ConfigError{Field: "platform", Value: len(c.Platforms), Allowed: fmt.Sprintf("[1, %d] platforms", model.MaxPlatforms)}
	}
	var errs []error
	for i, p := range c.Platforms {
		if err := p.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("platform %d (%s): %w", i, p.Name, err))
		}
	}
	if err := c.Migration.Validate(len(c.Platforms), c.Generations); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// lattice is the platform's lattice configuration, with the side and
// initial frequency it takes from Size and InitialA.
func (p PlatformConfig) lattice() LatticeConfig {
	lc := p.LatticeConfig
	lc.Side, lc.InitialA = p.Size, p.InitialA
	return lc
}

// Validate checks one platform's settings.
func (p PlatformConfig) Validate() error {
	if err := p.Model.Validate(); err != nil {
		return err
	}
	if !p.Lattice {
		if p.Size < 0 || p.Size > MaxWellMixed {
			return &ConfigError{Field: "size", Value: p.Size, Allowed: "[0, 2^31] agents"}
		}
		if !(p.InitialA >= 0 && p.InitialA <= 1) {
			return &ConfigError{Field: "initial_a", Value: p.InitialA, Allowed: "[0, 1]"}
		}
		return nil
	}
	if err := p.lattice().Validate(); err != nil {
		return err
	}
	if p.Agents < 0 || p.Agents > p.Size*p.Size {
		return &ConfigError{Field: "agents", Value: p.Agents, Allowed: fmt.Sprintf("[0, %d] (0: every site of the %d×%d lattice)", p.Size*p.Size, p.Size, p.Size)}
	}
	return nil
}

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

	// Buffers of Step and migrate, sized once: a step allocates nothing
	// once pools have grown to their platforms' sizes.
	freq, size, away, remoteA []float64
	pools                     []*pool
	sizes                     []int
	cand                      []int32
	routes                    []model.Route
}

// platform is the engine of one platform.
type platform interface {
	// counts returns the start-of-generation statistics (sizes and
	// phenotypes by origin).
	counts() PlatformStats
	// play runs interaction and horizontal transmission. donor is the
	// probability that a random horizontal donor is A (own platform and
	// exposure mixed); away is the probability that the donor is from
	// another platform and remote that such a donor is A. It returns the
	// adults (nil for a platform nothing can move into or out of) and
	// the mean fitness and clamped count.
	play(r *rng.Xoshiro, gen int, donor, away, remote float64) (adults *pool, meanFit float64, clamped int)
	// capacity is the most adults the platform can hold.
	capacity() int
	// reproduce replaces the adults with their offspring. touched says
	// whether any agent moved in or out this generation.
	reproduce(r *rng.Xoshiro, touched bool)
	// phenotypes returns the juveniles' phenotypes, origins and arrival
	// generations (for lattices, by site; unoccupied sites are marked in
	// occupied, nil for a well-mixed platform).
	agents() (ph, origin []uint8, arrival []int32, occupied []uint8)
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

func (p *pool) reset() {
	p.ph, p.fit, p.origin, p.arrival, p.site = p.ph[:0], p.fit[:0], p.origin[:0], p.arrival[:0], p.site[:0]
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
// A platform that no route, event or exposure touches runs the
// single-population engine (NewWellMixed's draws or NewLattice itself):
// a world of one such platform produces exactly the numbers of that
// population with the same stream.
func NewWorld(cfg WorldConfig, r *rng.Xoshiro) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	K := len(cfg.Platforms)
	w := &World{cfg: cfg, plats: make([]platform, K), dest: make([][]int32, K), last: make([]PlatformStats, K),
		freq: make([]float64, K), size: make([]float64, K), away: make([]float64, K), remoteA: make([]float64, K),
		pools: make([]*pool, K), sizes: make([]int, K)}
	for k, pc := range cfg.Platforms {
		var err error
		switch {
		case !pc.Lattice:
			w.plats[k] = newWMPlatform(k, pc, r)
		case !cfg.Migration.Touches(k) && (pc.Agents == 0 || pc.Agents == pc.Size*pc.Size):
			w.plats[k], err = newFixedLattice(pc, r)
		default:
			w.plats[k] = newLatticePlatform(k, pc, r)
		}
		if err != nil {
			return nil, fmt.Errorf("platform %d (%s): %w", k, pc.Name, err)
		}
		w.total += w.plats[k].counts().Size
	}
	if w.total < 1 {
		return nil, &ConfigError{Field: "size", Value: 0, Allowed: "at least one agent in the world"}
	}
	return w, nil
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
// indices), arrival generations and, for a lattice, site occupancy (nil
// for well-mixed platforms). The slices are the world's own: read them,
// do not keep them across steps.
func (w *World) Agents(k int) (ph, origin []uint8, arrival []int32, occupied []uint8) {
	return w.plats[k].agents()
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
	pools := w.pools
	for k, p := range w.plats {
		away, remote := w.away[k], w.remoteA[k]
		if away > 0 {
			remote /= away // the probability that a remote donor is A
		}
		var mf float64
		pools[k], mf, st[k].Clamped = p.play(r, w.gen, model.Donor(freq[k], away, w.remoteA[k]), away, remote)
		st[k].MeanFitness = math.NaN()
		if st[k].Size > 0 {
			st[k].MeanFitness = mf
		}
	}
	w.migrate(r, pools, st)
	var gs GenStats
	var W float64
	for k, p := range w.plats {
		p.reproduce(r, st[k].MovedIn+st[k].MovedOut > 0)
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
		dest := w.dest[k]
		for i := range p.len() {
			if dest[i] != 0 {
				continue
			}
			// One uniform number picks at most one route: route j
			// when it falls in [Σ_{<j} rate, Σ_{≤j} rate).
			u := r.Float64()
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
	// arrivals, whatever the order of the platforms.
	w.moves = w.moves[:0]
	for pass := range 2 {
		for k, p := range pools {
			if p == nil {
				continue
			}
			for i, d := range w.dest[k][:p.len()] {
				if d == 0 {
					continue
				}
				to := int(d - 1)
				limited := w.plats[to].capacity() < MaxWellMixed
				if limited != (pass == 1) {
					continue
				}
				if size[to] >= w.plats[to].capacity() {
					st[to].Refused++
					w.dest[k][i] = 0
					continue
				}
				size[k]--
				size[to]++
				st[k].MovedOut++
				st[to].MovedIn++
				w.moves = append(w.moves, pendingMove{int32(k), int32(i), int32(to)})
			}
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
		j := 0
		for i := range len(dest) {
			if dest[i] != 0 {
				continue
			}
			p.ph[j], p.fit[j], p.origin[j], p.arrival[j], p.site[j] = p.ph[i], p.fit[i], p.origin[i], p.arrival[i], p.site[i]
			j++
		}
		// Arrivals were appended after the original adults.
		n := copy(p.ph[j:], p.ph[len(dest):])
		copy(p.fit[j:], p.fit[len(dest):])
		copy(p.origin[j:], p.origin[len(dest):])
		copy(p.arrival[j:], p.arrival[len(dest):])
		copy(p.site[j:], p.site[len(dest):])
		m := j + n
		p.ph, p.fit, p.origin, p.arrival, p.site = p.ph[:m], p.fit[:m], p.origin[:m], p.arrival[:m], p.site[:m]
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// lineageCounts tallies juveniles by origin for platform k.
func lineageCounts(k int, ph, origin []uint8, occupied []uint8, st *PlatformStats) {
	for i, x := range ph {
		if occupied != nil && occupied[i] == 0 {
			continue
		}
		st.Size++
		st.CountA += int(x)
		if int(origin[i]) == k {
			st.Natives++
			st.NativesA += int(x)
		} else {
			st.Migrants++
			st.MigrantsA += int(x)
		}
	}
}

// parentDraw draws, for platforms whose offspring need their parent
// (for its lineage), parents ∝ fitness and offspring phenotypes.
type parentDraw struct {
	fit              []float64
	scale            float64 // 2^32 / the largest fitness
	uniform          bool    // every fitness is 0: parents are uniform
	thrV, thrOblique uint64
}

// newParentDraw prepares draws among adults of the given fitness, of
// which adultsA are A, on a platform of vertical rate v.
func newParentDraw(fit []float64, adultsA int, v float64) parentDraw {
	var fmax float64
	for _, f := range fit {
		fmax = max(fmax, f)
	}
	return parentDraw{fit: fit, scale: 0x1p32 / fmax, uniform: !(fmax > 0),
		thrV: rng.Threshold(v), thrOblique: rng.Threshold(float64(adultsA) / float64(len(fit)))}
}

// parent picks an adult with probability ∝ fitness by rejection: a
// uniform adult i is accepted with probability fit[i]/max fitness
// (expected draws: max / mean fitness).
func (d *parentDraw) parent(r *rng.Xoshiro) int {
	if d.uniform {
		return r.IntN(len(d.fit))
	}
	n := uint32(len(d.fit))
	for {
		u := r.Uint64()
		i := r.Bounded(uint32(u>>32), n)
		if float64(uint32(u)) < d.fit[i]*d.scale {
			return int(i)
		}
	}
}

// phenotype is an offspring's phenotype given its parent's: the parent's
// with probability v, otherwise a random adult's (A with the adults'
// frequency of A).
func (d *parentDraw) phenotype(r *rng.Xoshiro, parent uint8) uint8 {
	u := r.Uint64()
	x := lt32(uint32(u), d.thrOblique)
	if uint64(uint32(u>>32)) < d.thrV {
		x = parent
	}
	return x
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
// structure (kind, size, sites) cannot change.
func (w *World) SetPlatform(k int, pc PlatformConfig) error {
	if k < 0 || k >= len(w.plats) {
		return fmt.Errorf("sim: no platform %d", k)
	}
	old := w.cfg.Platforms[k]
	if pc.Lattice != old.Lattice || pc.Size != old.Size {
		return &ConfigError{Field: "size", Value: pc.Size, Allowed: fmt.Sprintf("%d (a running platform keeps its structure and size)", old.Size)}
	}
	pc.Agents = old.Agents
	if err := pc.Validate(); err != nil {
		return err
	}
	switch p := w.plats[k].(type) {
	case *wmPlatform:
		p.setModel(pc.Model)
	case *latticePlatform:
		p.configure(pc)
	case *fixedLattice:
		lt, err := NewLattice(pc.Model, pc.lattice(), rng.New(0)) // its random start is replaced at once
		if err != nil {
			return err
		}
		if err := lt.SetPhenotypes(p.lt.phen); err != nil {
			return err
		}
		p.lt = lt
	}
	w.cfg.Platforms[k] = pc
	return nil
}

// AddEvent schedules an event (validated against the world) for a later
// or the current generation: teaching mode's "trigger migration" button.
func (w *World) AddEvent(e model.Event) error {
	if e.Generation < w.gen {
		return fmt.Errorf("sim: event at generation %d, which has been played (now %d)", e.Generation, w.gen)
	}
	m := w.cfg.Migration
	m.Events = append(append([]model.Event(nil), m.Events...), e)
	if err := m.Validate(len(w.plats), max(w.cfg.Generations, e.Generation+1)); err != nil {
		return err
	}
	if _, fixed := w.plats[e.From].(*fixedLattice); fixed {
		return fmt.Errorf("sim: platform %d was built without migration; declare the event or a route in the scenario", e.From)
	}
	if _, fixed := w.plats[e.To].(*fixedLattice); fixed {
		return fmt.Errorf("sim: platform %d was built without migration; declare the event or a route in the scenario", e.To)
	}
	w.cfg.Migration = m
	return nil
}

// Migration returns the world's routes, events and exposures (with any
// added by AddEvent).
func (w *World) Migration() model.Migration { return w.cfg.Migration }
