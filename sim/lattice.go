package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"unsafe"

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
	Neighborhood Neighborhood // default Moore
	Radius       int          // neighbourhood radius; 0 means 1
	Boundary     Boundary     // default Bounded
	Selection    Selection    // default Global
	Fitness      FitnessMode  // default FitnessMean
	Initiation   float64      // probability that a visited site initiates; (0, 1]; 0 means 1/2
	Rounds       int          // visits of every site per generation; 0 means 1
	// Feed is the probability that a visited site's horizontal donor is
	// drawn from the whole platform (by FeedBias) instead of from its
	// neighbours: a recommendation feed. [0, 1]; 0 means none.
	Feed     float64
	FeedBias FeedBias
	// Graph, when set, replaces the lattice's neighbourhoods by a graph's:
	// a network (Side, Neighborhood, Radius and Boundary are then unused).
	Graph *Graph
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

// Validate reports every setting outside its range as a
// *model.FieldError whose path is the setting's key (size for the side),
// joined with errors.Join. Ranges that depend on another setting (a
// torus radius on the side, rounds on the neighbourhood) are checked only
// when that setting is valid.
func (c LatticeConfig) Validate() error {
	c = c.WithDefaults()
	var errs []error
	bad := func(key string, v any, domain string) {
		errs = append(errs, &model.FieldError{Path: key, Value: v, Domain: domain})
	}
	sideOK := c.Graph != nil || c.Side >= 2 && c.Side <= MaxLatticeSide
	if !sideOK {
		bad("size", c.Side, fmt.Sprintf("[2, %d] (the lattice side L)", MaxLatticeSide))
	}
	shapeOK := c.Graph != nil || c.Neighborhood <= VonNeumann && c.Radius >= 1 && c.Radius <= 1000
	switch {
	case c.Graph != nil:
	case c.Neighborhood > VonNeumann:
		bad("neighborhood", int(c.Neighborhood), `"moore" or "vonneumann"`)
	case c.Radius < 1 || c.Radius > 1000:
		bad("radius", c.Radius, "[1, 1000]")
	case sideOK && c.Boundary == Torus && c.Side < 2*c.Radius+1:
		bad("radius", c.Radius, fmt.Sprintf("[1, %d] on a torus of side %d (neighbours must be distinct: L ≥ 2r+1)", (c.Side-1)/2, c.Side))
	case sideOK && c.Radius >= c.Side:
		bad("radius", c.Radius, fmt.Sprintf("[1, %d) (below the lattice side)", c.Side))
	}
	if c.Boundary > Torus {
		bad("boundary", int(c.Boundary), `"bounded" or "torus"`)
	}
	if c.Selection > Local {
		bad("selection", int(c.Selection), `"global" or "local"`)
	}
	if c.Fitness > FitnessSum {
		bad("fitness", int(c.Fitness), `"mean" or "sum"`)
	}
	if !(c.Initiation > 0 && c.Initiation <= 1) {
		bad("initiation", c.Initiation, "(0, 1]")
	}
	if !(c.Feed >= 0 && c.Feed <= 1) {
		bad("feed", c.Feed, model.DomainProbability)
	}
	if c.FeedBias > FeedFitness {
		bad("feed_bias", int(c.FeedBias), `"uniform", "degree" or "fitness"`)
	}
	switch {
	case c.Rounds < 1:
		bad("rounds", c.Rounds, "≥ 1")
	case shapeOK && maxGames(c.Rounds, c.MaxNeighbours()) > math.MaxUint16:
		// Interaction counters are 16-bit: a site takes part in at most
		// rounds × (1 + neighbours) games a generation.
		bad("rounds", c.Rounds, fmt.Sprintf("[1, %d] with %d neighbours at most (at most 65535 games a site a generation)", math.MaxUint16/(1+c.MaxNeighbours()), c.MaxNeighbours()))
	}
	return errors.Join(errs...)
}

// MaxNeighbours is the number of neighbours of an interior site (of the
// best-connected node, on a graph).
func (c LatticeConfig) MaxNeighbours() int {
	if c.Graph != nil {
		return c.Graph.MaxDegree()
	}
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
// radius 1, the α of the paper's Figure 4 curves); on a graph, or with a
// feed, Graph.DonorIsPartner.
func (c LatticeConfig) EffectiveAlpha() float64 {
	if !(c.Feed >= 0 && c.Feed <= 1) {
		c.Feed = 0 // reported by Validate, not as a bad α
	}
	if c.Graph != nil {
		return c.Graph.DonorIsPartner(c.Feed, c.FeedBias)
	}
	a := 1 / float64(c.MaxNeighbours())
	if c.Feed > 0 {
		// The feed draws the partner with chance 1/(N−1): exact for a
		// uniform feed, and for a degree-biased one on a torus; on a
		// bounded lattice, whose edge sites have fewer neighbours, an
		// approximation (a network on graph = "lattice" gives the exact
		// value, Graph.DonorIsPartner).
		a = float64((1-c.Feed)*a) + float64(c.Feed/float64(c.Side*c.Side-1))
	}
	return a
}

// Lattice is an L×L lattice population (MODEL.md §6). As a world's
// platform it may carry two optional layers, nil while unused, and take a
// per-generation hook (see the package documentation):
//
//   - vacancies: sites may be empty;
//   - lineages: each agent's platform of origin and the generation its
//     lineage arrived, which offspring take from their parents;
//   - cross-exposure: a visited site's horizontal donor may come from
//     another platform (an argument of the generation, zero when none).
//
// With every layer unused it is the paper's lattice, drawn by the fast
// loops below.
type Lattice struct {
	p    model.Params
	cfg  LatticeConfig
	L, N int

	phen, next []uint8 // phenotypes by site, 0 (B, and empty sites) or 1 (A), nothing else: the kernels index tables by them; next is the offspring buffer
	// Packed game counters this generation (see initCounters): 16-bit
	// when the packing is a table index, 64-bit otherwise; one of the
	// two is nil. Each generation starts them at 0 with the top bit set
	// at the sites that are not interior (resetCounters), so that play
	// learns a site's kind from the counter it loads anyway.
	cnt16    []uint16
	cnt64    []uint64
	inc      [4]uint64 // counter increment by self<<1 | partner
	cntEmpty uint64    // the counter value of an empty site, whose fitness is 0
	fitTab   []float64 // fitness by packed counter, when small enough
	clampTab []uint8   // 1 where fitTab clamped a negative fitness
	clamps   bool      // clampTab has a 1
	faFresh  bool      // local.a holds this generation's w·A (from fitness, for selectMoore1)
	unit     [2]float64
	radix    int       // G: one more than the most games a site can play
	w        []float64 // fitness this generation (0 at empty sites)

	// Neighbours. An interior site (every neighbour of the full shape on
	// the lattice, no wrapping: rows and columns [r, L−r)) finds its k-th
	// neighbour at s + off[k]; every other site has its list
	// nbr[nbrStart[s]:nbrStart[s+1]], in the same order, and an interior
	// site's is empty, which saves the lists' bytes for all but the
	// band along the sides (neighboursOf and degree serve both kinds). A
	// graph has no interior sites: its lists are its adjacency.
	off           []int32
	nbrStart, nbr []int32
	nbScratch     []int32 // an interior site's list, formed by neighboursOf
	// Selection blocks (the site, then its neighbours): built for local
	// selection with non-box shapes, and on first use by local draws of
	// parents (mixed lineages).
	blkStart, blk []int32

	initiators []int32
	buf        []uint64
	pairs      []int32   // a batch's drawn partners and donors (play)
	touched    uint64    // the sum of what play's first pass loads, kept so that the compiler keeps the loads
	local      *localSel // local selection's buffers; nil for global
	bands      *bandPlay // a large box lattice's bands (bands.go); nil until play first needs them
	nA         int
	isolated   bool        // some node of the graph has no neighbour
	stride     int         // a regular graph's degree (0 otherwise)
	feedAlias  *aliasTable // a degree-biased feed's draws ∝ degree
	feedMass   int64       // the occupied sites' degrees, this round (degree bias)
	feedGames  int         // the most games a site has played so far (fitness bias)

	// The vacancy layer: occ[s] is 1 where site s holds an agent, nil
	// while every site does. Empty sites keep phenotype 0 and fitness 0,
	// so that sums over all sites are sums over agents.
	occ     []uint8
	nOcc    int  // agents (N while every site is occupied)
	recount bool // the vacancies changed since local selection counted its blocks' agents
	// The lineage layer; nil while every agent is a native of home that
	// never moved.
	lin  *lineage
	home uint8 // the lattice's platform (0 for a single population)
}

// lineage is the lineage layer: by site, each agent's platform of origin
// and the generation its lineage arrived.
type lineage struct {
	origin, nextOrigin   []uint8
	arrival, nextArrival []int32
	// mixed: some agent's lineage is not (home, 0), so an offspring's
	// lineage depends on which adult is its parent. While it is false,
	// every lineage is (home, 0) and selection draws phenotypes only.
	mixed bool
	// parents: global selection's parent draws while lineages are mixed.
	parents *parentStream
}

// exposure is cross-exposure's hook for one generation of a platform: its
// random horizontal donors come from other platforms with probability
// away. The zero value is no exposure.
type exposure struct {
	away    float64 // the probability that a random donor is from another platform
	remoteA float64 // the probability that it is, and is A (model.Migration.Exposure)
}

// remote is the probability that a donor from another platform is A.
func (e exposure) remote() float64 {
	if e.away > 0 {
		return e.remoteA / e.away
	}
	return 0
}

// NewLattice makes a lattice population, each site A with probability
// initialA, drawing from r.
func NewLattice(p model.Params, cfg LatticeConfig, initialA float64, r *rng.Xoshiro) (*Lattice, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if !(initialA >= 0 && initialA <= 1) {
		return nil, &model.FieldError{Path: "initial_a", Value: initialA, Domain: model.DomainProbability}
	}
	cfg = cfg.WithDefaults()
	return newLattice(p, cfg, initialA, cfg.Side*cfg.Side, 0, r), nil
}

// newLattice makes a lattice of valid settings whose agents (at most L²)
// occupy uniformly random sites, each A with probability initialA; home is
// its platform. A full lattice draws exactly as NewLattice always has.
func newLattice(p model.Params, cfg LatticeConfig, initialA float64, agents int, home uint8, r *rng.Xoshiro) *Lattice {
	cfg = cfg.WithDefaults()
	L := cfg.Side
	N := L * L
	if cfg.Graph != nil {
		L, N = 0, cfg.Graph.Nodes()
	}
	lt := &Lattice{
		L: L, N: N, nOcc: N, home: home,
		phen: make([]uint8, N), next: make([]uint8, N),
		w:          make([]float64, N),
		initiators: make([]int32, N, N+8), // bitsToSites writes up to 7 past the last
		// Random words, drawn in blocks: up to four an initiator in a
		// block of the layered loop (exposure and feed); the initiation
		// coins and global selection's offspring take the buffer's
		// length at a time, local selection's 1,024 words.
		buf:   make([]uint64, 4*wordBlock),
		pairs: make([]int32, 2*wordBlock),
	}
	lt.configure(p, cfg)
	if agents < N {
		// A partial Fisher–Yates shuffle picks the occupied sites.
		lt.occ = make([]uint8, N)
		sites := lt.initiators
		for s := range sites {
			sites[s] = int32(s)
		}
		for t := range agents {
			j := t + r.IntN(N-t)
			sites[t], sites[j] = sites[j], sites[t]
			lt.occ[sites[t]] = 1
		}
		lt.nOcc = agents
	}
	lt.nA = initBernoulli(r, lt.phen, initialA, lt.buf)
	if lt.occ != nil {
		lt.nA = maskCount(lt.phen, lt.occ)
	}
	return lt
}

// configure sets the parameters and the lattice settings (same side),
// keeping the agents and their layers: everything derived from the
// settings is rebuilt, but neighbour lists and selection blocks only when
// the shape (or the selection) changed, so that a slider moved on a large
// lattice costs its fitness table, not its lists. It draws no random
// numbers.
func (lt *Lattice) configure(p model.Params, cfg LatticeConfig) {
	cfg = cfg.WithDefaults()
	old := lt.cfg
	sameShape := lt.nbrStart != nil && cfg.Graph == old.Graph && cfg.Side == old.Side && cfg.Radius == old.Radius &&
		cfg.Neighborhood == old.Neighborhood && cfg.Boundary == old.Boundary
	lt.p, lt.cfg = p, cfg
	if sameShape {
		// The lists and offsets stand.
	} else if g := cfg.Graph; g != nil {
		lt.nbrStart, lt.nbr = g.Start, g.Adj
		// No site is "interior": every neighbour comes from the lists.
		lt.off = nil
		lt.isolated = g.Isolated() > 0
		lt.stride = 0
		if k := g.MaxDegree(); k > 0 && len(g.Adj) == k*g.Nodes() {
			lt.stride = k // every node has degree k
		}
	} else {
		lt.nbrStart, lt.nbr = neighbours(cfg, bandLists)
		lt.off = interiorOffsets(cfg)
		lt.nbScratch = make([]int32, len(lt.off))
	}
	lt.initCounters()
	if !sameShape || cfg.Initiation != old.Initiation || cfg.Feed > 0 {
		// Laid out again on first use, for this shape and initiation
		// (bandsFor); never used under a feed (the layered loop plays).
		lt.bands = nil
	}
	if !sameShape || cfg.Selection != old.Selection {
		lt.blkStart, lt.blk, lt.local = nil, nil, nil
		if cfg.Selection == Local {
			if !lt.box() {
				lt.blkStart, lt.blk = lt.blocks()
			}
			lt.local = newLocalSel(lt)
		}
	}
	if !sameShape || cfg.Feed <= 0 || cfg.FeedBias != FeedDegree {
		lt.feedAlias = nil
	}
	if cfg.Feed > 0 && cfg.FeedBias == FeedDegree && lt.feedAlias == nil {
		lt.feedAlias = newDegreeAlias(lt.N, lt.degree)
	}
	lt.recount = true
}

// SiteBytes is the memory a lattice or network platform holds a site,
// outside neighbour lists and the optional layers (sim/doc.go, "Memory
// layout"): phenotype and offspring 1 byte each, fitness 8, initiator
// list 4, list start 4, and a game counter of 2 bytes, or 8 when a site
// can play more games than the 16-bit packing holds (maxNeighbours: the
// best-connected site's neighbours); local selection adds 64 (its sums
// and buffers).
func SiteBytes(maxNeighbours, rounds int, sel Selection) int64 {
	b := int64(18 + counterBytesFor(rounds, maxNeighbours))
	if sel == Local {
		b += 64
	}
	return b
}

// Bytes estimates the memory of a lattice of this configuration (a
// network's, when Graph is set): SiteBytes a site, the neighbour lists of
// the band along the sides (a graph's adjacency), and the selection
// blocks that local selection builds from lists (every shape but Moore's;
// Moore's row buffers keep a spare row above and below, paddedRowsMoore1),
// and, on a large box lattice, banded play's lists (bandsBytes). The
// layers a world may switch on (vacancies, lineages) add up to 11 bytes a
// site.
func (c LatticeConfig) Bytes() int64 {
	c = c.WithDefaults()
	k := c.MaxNeighbours()
	if g := c.Graph; g != nil {
		n := int64(g.Nodes())
		b := n*SiteBytes(k, c.Rounds, c.Selection) + g.Bytes()
		if c.Selection == Local {
			b += 4 * (int64(len(g.Adj)) + 2*n + 1) // blocks: the node, its neighbours; their starts
		}
		return b
	}
	lo, hi := interiorSpan(c.Side, c.Radius)
	n, inner := int64(c.Side)*int64(c.Side), int64(hi-lo)
	b := n*SiteBytes(k, c.Rounds, c.Selection) + 4*int64(k)*(n-inner*inner)
	switch {
	case c.Selection == Local && c.Neighborhood != Moore:
		b += 4 * (n*int64(k+2) + 1)
	case c.Selection == Local:
		b += 32 * int64(c.Side) // the row buffers' spare rows (paddedRowsMoore1)
	}
	return b + bandsBytes(c, counterBytesFor(c.Rounds, k))
}

// counterBytesFor is the size of a site's game counter: 2 bytes when the
// packing indexes the fitness table (initCounters), 8 otherwise.
func counterBytesFor(rounds, maxNeighbours int) int {
	if tablePacked(maxGames(rounds, maxNeighbours) + 1) {
		return 2
	}
	return 8
}

// box reports whether selection blocks are boxes (a Moore lattice), whose
// sums boxSum forms row by row.
func (lt *Lattice) box() bool { return lt.cfg.Graph == nil && lt.cfg.Neighborhood == Moore }

// listKind says which lists neighbours builds.
type listKind uint8

const (
	allLists   listKind = iota // every site's neighbours (a lattice graph)
	bandLists                  // the same, empty for interior sites (which find theirs by offsets)
	blockLists                 // every site's selection block: itself, then its neighbours
)

// interiorSpan is the rows (and columns) [lo, hi) of a side-L lattice's
// interior sites, whose radius-r neighbourhood lies on the lattice without
// wrapping; empty (lo = hi) when L ≤ 2r. The other sites are the band
// along the sides.
func interiorSpan(L, r int) (lo, hi int) {
	lo = min(r, L)
	return lo, max(L-r, lo)
}

// neighbours builds the neighbour lists of every site in row-major offset
// order, of the given kind.
func neighbours(c LatticeConfig, kind listKind) (start, list []int32) {
	L, r := c.Side, c.Radius
	lo, hi := interiorSpan(L, r)
	start = make([]int32, L*L+1)
	for y := range L {
		for x := range L {
			s := y*L + x
			if kind == bandLists && x >= lo && x < hi && y >= lo && y < hi {
				start[s+1] = int32(len(list)) // interior
				continue
			}
			if kind == blockLists {
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

// neighboursOf returns site i's neighbours, in list order: its list, or,
// for an interior site, its offsets' sites in lt.nbScratch (valid until
// the next call).
func (lt *Lattice) neighboursOf(i int32) []int32 {
	nb := lt.nbr[lt.nbrStart[i]:lt.nbrStart[i+1]]
	if len(nb) == 0 && lt.off != nil { // a lattice site always has a neighbour: interior
		for k, o := range lt.off {
			lt.nbScratch[k] = i + o
		}
		return lt.nbScratch
	}
	return nb
}

// degree returns the number of site i's neighbours.
func (lt *Lattice) degree(i int32) int {
	if n := int(lt.nbrStart[i+1] - lt.nbrStart[i]); n > 0 || lt.off == nil {
		return n
	}
	return len(lt.off)
}

// interiorOffsets returns the index offsets of the full neighbourhood, in
// the order neighbours lists them: an interior site's neighbours, all on
// the lattice without wrapping.
func interiorOffsets(c LatticeConfig) (off []int32) {
	L, r := c.Side, c.Radius
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if (dx != 0 || dy != 0) && (c.Neighborhood == Moore || abs(dx)+abs(dy) <= r) {
				off = append(off, int32(dy*L+dx))
			}
		}
	}
	return off
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Size implements Population: the agents (every site, unless the lattice
// is a world's platform with vacancies).
func (lt *Lattice) Size() int { return lt.nOcc }

// CountA implements Population.
func (lt *Lattice) CountA() int { return lt.nA }

// Side returns L.
func (lt *Lattice) Side() int { return lt.L }

// Phenotypes returns the sites' phenotypes in row-major order (0 = B,
// 1 = A; empty sites hold 0). The slice is the population's own: read it,
// do not keep it across steps.
func (lt *Lattice) Phenotypes() []uint8 { return lt.phen }

// SetPhenotypes replaces the sites' phenotypes (row-major, 0 = B, 1 = A)
// with a copy of ph, which must have one value per site (0 at empty
// sites).
func (lt *Lattice) SetPhenotypes(ph []uint8) error {
	if len(ph) == lt.N && lt.occ != nil {
		for s, x := range ph {
			if x != 0 && lt.occ[s] == 0 {
				return fmt.Errorf("sim: phenotype %d at empty site %d", x, s)
			}
		}
	}
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
	st, sums := lt.playGeneration(r, exposure{})
	lt.reproduce(r, sums)
	return st
}

// adultSums are the totals over the adults that selection starts from.
type adultSums struct {
	W, WA float64 // summed fitness of all adults and of the A adults
	nA    int     // A adults
}

// playGeneration plays the generation's games and horizontal transmission
// and scores the adults. A world moves adults between playGeneration and
// reproduce.
func (lt *Lattice) playGeneration(r *rng.Xoshiro, ex exposure) (GenStats, adultSums) {
	stats := GenStats{CountA: lt.nA}
	lt.interact(r, ex)
	W, WA, nA, clamped := lt.fitness()
	stats.MeanFitness = W / float64(lt.nOcc)
	stats.Clamped = clamped
	return stats, adultSums{W, WA, nA}
}

// reproduce replaces the adults, whose totals are s, by their offspring:
// one on every occupied site.
func (lt *Lattice) reproduce(r *rng.Xoshiro, s adultSums) {
	switch {
	case lt.lin != nil && lt.lin.mixed:
		lt.nA = lt.selectParents(r, s.nA)
	case lt.cfg.Selection == Global:
		// Offspring A with probability v·W_A/W + (1−v)·n_A/n; if every
		// fitness is 0 (possible with "sum"), selection is neutral.
		fA := float64(s.nA) / float64(lt.nOcc)
		q := fA
		if s.W > 0 {
			q = float64(lt.p.V*s.WA/s.W) + float64((1-lt.p.V)*fA)
		}
		lt.nA = initBernoulli(r, lt.next, q, lt.buf)
		if lt.vacant() {
			// Every site drew; empty ones stay empty.
			lt.nA = maskCount(lt.next, lt.occ)
		}
	default:
		lt.nA = lt.selectLocal(r)
	}
	lt.phen, lt.next = lt.next, lt.phen
}

// vacant reports whether some site is empty.
func (lt *Lattice) vacant() bool { return lt.nOcc < lt.N }

// occupied reports whether site s holds an agent.
func (lt *Lattice) occupied(s int) bool { return lt.occ == nil || lt.occ[s] != 0 }

// interact plays the generation's rounds of games and horizontal
// transmission, filling the game counters. Empty sites never play; their
// counters mark them, so that fitness gives them 0.
func (lt *Lattice) interact(r *rng.Xoshiro, ex exposure) {
	vacant := lt.vacant()
	if lt.cnt16 != nil {
		resetCounters(lt.cnt16, lt.L, lt.cfg.Radius, lt.occ, uint16(lt.cntEmpty), vacant)
	} else {
		resetCounters(lt.cnt64, lt.L, lt.cfg.Radius, lt.occ, lt.cntEmpty, vacant)
	}
	for range lt.cfg.Rounds {
		m := lt.pickInitiators(r)
		if vacant {
			// Every site drew its initiation coin; the empty ones drop
			// out, leaving each agent's coin independent as before.
			m = occupiedOnly(lt.initiators[:m], lt.occ)
		}
		rng.Shuffle(r, lt.initiators[:m])
		layered := vacant || ex.away > 0 || lt.cfg.Feed > 0 || lt.isolated
		switch {
		case layered && lt.cnt16 != nil:
			playLayered(lt, r, lt.initiators[:m], ex, lt.cnt16)
		case layered:
			playLayered(lt, r, lt.initiators[:m], ex, lt.cnt64)
		case lt.cnt16 != nil:
			play(lt, r, lt.initiators[:m], lt.cnt16)
		default:
			play(lt, r, lt.initiators[:m], lt.cnt64)
		}
	}
}

// counter is a packed game counter's type: uint16 for the table packing,
// uint64 for the fields.
type counter interface{ uint16 | uint64 }

// edgeBit is the counter bit that marks a site that is not interior: the
// type's top bit, above every packed value.
func edgeBit[C counter]() C { return ^(^C(0) >> 1) }

// resetCounters starts a generation's counters at 0, with the edge bit at
// every site that is not interior: on an L×L lattice of radius r, the
// band of r rows and r columns along each side; on a graph (L = 0), every
// node. With vacancies, empty sites get the empty mark instead, which the
// layered loop (the only one that runs then) never reads as an edge.
func resetCounters[C counter](cnt []C, L, r int, occ []uint8, empty C, vacant bool) {
	edge := edgeBit[C]()
	if L == 0 {
		fill(cnt, edge)
	} else {
		lo, hi := interiorSpan(L, r)
		clear(cnt)
		fill(cnt[:lo*L], edge)
		fill(cnt[hi*L:], edge)
		for y := lo; y < hi; y++ {
			row := cnt[y*L : (y+1)*L]
			fill(row[:lo], edge)
			fill(row[hi:], edge)
		}
	}
	if vacant {
		for s, o := range occ {
			if o == 0 {
				cnt[s] = empty
			}
		}
	}
}

// fill sets every element of s to v, by doubling copies.
func fill[C counter](s []C, v C) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for n := 1; n < len(s); n *= 2 {
		copy(s[n:], s[:n])
	}
}

// counter returns site s's packed counter, without the edge bit.
func (lt *Lattice) counter(s int) uint64 {
	if lt.cnt16 != nil {
		return uint64(lt.cnt16[s] &^ edgeBit[uint16]())
	}
	return lt.cnt64[s] &^ edgeBit[uint64]()
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
		// Blocks of the buffer's words, 64 sites a word (as one Fill of
		// (N+63)/64 words would draw them).
		for s0 := 0; s0 < lt.N; s0 += 64 * len(lt.buf) {
			s1 := min(s0+64*len(lt.buf), lt.N)
			words := lt.buf[:(s1-s0+63)/64]
			r.Fill(words)
			words[len(words)-1] &= ^uint64(0) >> (uint(len(words)*64-(s1-s0)) & 63) // no sites past s1 (a no-op but in the last block)
			m = bitsToSites(words, int32(s0), init, m)
		}
		return m
	}
	// Two sites a word, the even site's coin in the low half.
	for s0 := 0; s0 < lt.N; s0 += 2 * len(lt.buf) {
		s1 := min(s0+2*len(lt.buf), lt.N)
		words := lt.buf[:(s1-s0+1)/2]
		r.Fill(words)
		for s := s0; s < s1; s++ {
			u := words[(s-s0)>>1] >> (32 * ((s - s0) & 1))
			init[m] = int32(s)
			m += int(lt32(uint32(u), thr))
		}
	}
	return m
}

// bitsToSites appends to sites[:m], in order, base + k for every set bit
// k of the bit string words (bit k of words[k/64]) and returns the new
// length. It writes whole bytes' worth of entries, the set bits' sites
// first, so that sites needs room for 7 entries past its last.
func bitsToSites(words []uint64, base int32, sites []int32, m int) int {
	sites = sites[:cap(sites)]
	if kernelOn && len(words) > 0 {
		// The kernel writes, unchecked, up to 7 entries past the count
		// before the last byte, as the loop below would.
		before := m - bits.OnesCount8(uint8(words[len(words)-1]>>56))
		for _, u := range words {
			before += bits.OnesCount64(u)
		}
		_ = sites[before+7]
		return bitsRun(&words[0], 8*len(words), base, &sites[0], m)
	}
	for _, u := range words {
		for b := int32(0); b < 64; b += 8 {
			x := uint8(u >> b)
			t := &byteSites[x]
			dst := (*[8]int32)(sites[m : m+8])
			at := base + b
			dst[0], dst[1], dst[2], dst[3] = at+t[0], at+t[1], at+t[2], at+t[3]
			dst[4], dst[5], dst[6], dst[7] = at+t[4], at+t[5], at+t[6], at+t[7]
			m += bits.OnesCount8(x)
		}
		base += 64
	}
	return m
}

// byteCounts[x] is the number of set bits of byte x (bitsRun's table).
var byteCounts = func() (t [256]uint8) {
	for x := range t {
		t[x] = uint8(bits.OnesCount8(uint8(x)))
	}
	return t
}()

// byteSites[x] lists the set bits of byte x in increasing order, then
// zeros.
var byteSites = func() (t [256][8]int32) {
	for x := range t {
		k := 0
		for b := range 8 {
			if x>>b&1 != 0 {
				t[x][k] = int32(b)
				k++
			}
		}
	}
	return t
}()

// Per-site game counters are packed in one uint64, so that a game updates
// each player with one add (of inc[self<<1 | partner]). They count games
// g, games with an A partner pA, and games played while A: aA. When the
// most games a site can play, G − 1, is small, the packing is the mixed-
// radix number g + G·pA + G²·aA, and fitness is one table lookup;
// otherwise the fields sit at bits 0, 16 and 32 (16 bits each).
const (
	cntPartner = 16
	cntAsA     = 32
	// fitTableMax bounds the fitness table (fewer than G³ entries of 8
	// bytes): its indices, and the empty mark G³, stay below a uint16's
	// edge bit.
	fitTableMax = 1 << 15
)

// play runs the initiators in order: each plays with a random neighbour
// (both are paid) and then meets a second random neighbour for horizontal
// transmission, where the A holder converts the B holder with probability
// T_A and, independently, the B holder converts the A holder with T_B.
// Updates are immediate. Each initiator takes two random words: one for
// the two neighbours (32 bits each), one for the two conversions.
func play[C counter](lt *Lattice, r *rng.Xoshiro, init []int32, cnt []C) {
	g := newGameRules[C](lt)
	// With a power-of-two neighbourhood (8: Moore radius 1; 4: von
	// Neumann radius 1) the top bits of each half-word pick a neighbour
	// exactly; otherwise multiply-shift with rejection.
	off, box := boxTable(lt.off)
	k := newKernel16(&g, &off, lt.stride, lt.phen, cnt, lt.nbrStart, lt.nbr)
	if box && bandsFor(lt) != nil {
		playBands(lt, r, init, cnt, &g, &off, k)
		return
	}
	// A regular graph's lists have one length: node i's k-th neighbour
	// is nbr[i·stride + k], drawn as an interior site's (the same numbers
	// as edgeNeighbours would give).
	stride := uint32(lt.stride)
	sshift := uint(32 - bits.TrailingZeros32(stride))
	spow2 := stride&(stride-1) == 0
	for k0 := 0; k0 < len(init); k0 += wordBlock {
		batch := init[k0:min(k0+wordBlock, len(init))]
		words := lt.buf[:2*len(batch)]
		r.Fill(words)
		// Two passes over the batch. The first draws every initiator's
		// partner and donor, in order (edge sites may draw more words,
		// as they would in one pass), and touches their memory: its loads
		// are independent, so that on a large lattice or graph the cache
		// misses of many initiators overlap. The second plays the games
		// and conversions in order, from the cache.
		pairs := lt.pairs[:2*len(batch)]
		var touched C
		switch {
		case box && lt.N <= touchAbove:
			playBox(lt, r, batch, words, cnt, &g, &off, k) // small: one pass
			continue
		case stride > 0 && spow2 && lt.N <= touchAbove:
			playStride(lt, batch, words, cnt, &g, lt.nbr, int(stride), sshift, k)
			continue
		case box:
			touched = drawBox(lt, r, batch, words, pairs, cnt, &off)
		case stride > 0 && spow2:
			touched = drawStride(lt, batch, words, pairs, cnt, int(stride), sshift)
		default:
			touched = drawAny(lt, r, batch, words, pairs, cnt)
		}
		lt.touched += uint64(touched)
		meetAll(lt.phen, cnt, batch, pairs, words, &g)
	}
}

// gameRules are a round's constants: the conversion thresholds (T_B,
// T_A) and the counter increments by self<<1 | partner.
type gameRules[C counter] struct {
	thrT [2]uint64
	inc  [4]C
}

func newGameRules[C counter](lt *Lattice) gameRules[C] {
	return gameRules[C]{
		thrT: adoptThresholds(lt.p),
		inc:  [4]C{C(lt.inc[0]), C(lt.inc[1]), C(lt.inc[2]), C(lt.inc[3])},
	}
}

// meetAll plays the initiators of a batch in order, each with its drawn
// partner and donor, pairs[2n] and pairs[2n+1]: i plays with its partner j
// (both are paid), then i and donor d convert each other by the 32-bit
// halves of its second word.
func meetAll[C counter](phen []uint8, cnt []C, batch, pairs []int32, words []uint64, g *gameRules[C]) {
	pairs, words = pairs[:2*len(batch)], words[:2*len(batch)]
	for n, i := range batch {
		j, d := pairs[2*n], pairs[2*n+1]
		a := phen[i] & 1
		g.game(cnt, i, j, a, phen[j]&1)
		convert(phen, i, d, a, phen[d]&1, words[2*n+1], &g.thrT)
	}
}

// game pays i and j for a game between them, of phenotypes a and b.
func (g *gameRules[C]) game(cnt []C, i, j int32, a, b uint8) {
	cnt[i] += g.inc[a<<1|b]
	cnt[j] += g.inc[b<<1|a]
}

// convert is horizontal transmission between initiator i, of phenotype a,
// and donor d, of phenotype e: each converts the other, by the 32-bit
// halves of v. (game and convert are two functions rather than one so
// that each fits the compiler's inlining budget.)
func convert(phen []uint8, i, d int32, a, e uint8, v uint64, thrT *[2]uint64) {
	phen[i] = adopt(a, e, uint32(v>>32), thrT) // the donor converts i
	phen[d] = adopt(e, a, uint32(v), thrT)     // i converts the donor
}

// playBox is drawBox and meetAll in one pass, for a lattice small enough
// to stay in the cache. Its initiators go to playInterior, a loop that
// needs no generator, so that its values stay in registers; an edge site
// whose draw might take another word leaves it for edgeNeighbours and
// re-enters.
func playBox[C counter](lt *Lattice, r *rng.Xoshiro, batch []int32, words []uint64, cnt []C, g *gameRules[C], off *[8]int32, k *kernel16) {
	phen := lt.phen
	words = words[:2*len(batch)]
	for n := 0; n < len(batch); n++ {
		if n = runInterior(phen, cnt, batch, words, n, off, g, lt.nbrStart, lt.nbr, k); n == len(batch) {
			break
		}
		i := batch[n]
		j, d := lt.edgeNeighbours(r, i, words[2*n])
		a := phen[i] & 1
		g.game(cnt, i, j, a, phen[j]&1)
		convert(phen, i, d, a, phen[d]&1, words[2*n+1], &g.thrT)
	}
}

// playInterior plays batch[n:] in order, interior sites by their offsets
// and edge sites by their lists (edgeDraws), and returns the index of the
// first edge site whose draw might take another word, or len(batch).
func playInterior[C counter](phen []uint8, cnt []C, batch []int32, words []uint64, n int, off *[8]int32, g *gameRules[C], start, nbr []int32) int {
	edge := edgeBit[C]()
	for ; n < len(batch) && 2*n+1 < len(words); n++ {
		i := batch[n]
		var j, d int32
		if cnt[i]&edge == 0 {
			j, d = boxOffsets(i, words[2*n], off)
		} else if j, d = edgeDraws(start, nbr, i, words[2*n]); j < 0 {
			return n
		}
		a := phen[i] & 1
		g.game(cnt, i, j, a, phen[j]&1)
		convert(phen, i, d, a, phen[d]&1, words[2*n+1], &g.thrT)
	}
	return n
}

// edgeDraws is edgeNeighbours without its generator: the same two
// neighbours of edge site i from word u, or −1, −1 where either of
// Bounded's draws would take another word (its low word below
// edgeRejects[deg]), or for a list longer than 8 (no box lattice has one).
func edgeDraws(start, nbr []int32, i int32, u uint64) (j, d int32) {
	s0 := start[i]
	deg := uint32(start[i+1] - s0)
	if deg > 8 {
		return -1, -1
	}
	mj := uint64(uint32(u>>32)) * uint64(deg)
	md := uint64(uint32(u)) * uint64(deg)
	if t := edgeRejects[deg]; uint32(mj) < t || uint32(md) < t {
		return -1, -1
	}
	return nbr[s0+int32(mj>>32)], nbr[s0+int32(md>>32)]
}

// edgeRejects[n] is Bounded's redraw threshold for n, 2³² mod n (Reject
// draws again while the product's low word lies below it); for n = 0,
// which never occurs, the largest value, so that edgeDraws defers.
var edgeRejects = func() (t [9]uint32) {
	t[0] = ^uint32(0)
	for n := 1; n < len(t); n++ {
		t[n] = uint32((1 << 32) % n)
	}
	return t
}()

// boxOffsets is an interior site i's partner and donor from word u, on a
// lattice whose full neighbourhood has 8 or 4 sites: i + off[top three
// bits] of each half, off holding each of 4 offsets twice. (An edge
// site's come from edgeNeighbours instead.)
func boxOffsets(i int32, u uint64, off *[8]int32) (j, d int32) {
	return i + off[u>>61], i + off[uint32(u)>>29]
}

// boxTable spreads a power-of-two neighbourhood of at most 8 offsets over
// 8 entries, so that the top three bits of a half-word pick the neighbour
// its top log₂ k bits pick. ok is false for any other neighbourhood.
func boxTable(off []int32) (t [8]int32, ok bool) {
	k := len(off)
	if k == 0 || k > 8 || k&(k-1) != 0 {
		return t, false
	}
	drop := 3 - bits.TrailingZeros(uint(k))
	for x := range t {
		t[x] = off[x>>drop]
	}
	return t, true
}

// playStride is drawStride and meetAll in one pass, for a small graph.
func playStride[C counter](lt *Lattice, batch []int32, words []uint64, cnt []C, g *gameRules[C], nbr []int32, stride int, shift uint, k *kernel16) {
	runStride(lt.phen, cnt, batch, words[:2*len(batch)], nbr, stride, shift, g, k)
}

// playStrideRun plays a batch on a regular graph of power-of-two degree.
func playStrideRun[C counter](phen []uint8, cnt []C, batch []int32, words []uint64, nbr []int32, stride int, shift uint, g *gameRules[C]) {
	words = words[:2*len(batch)]
	for n, i := range batch {
		j, d := strideOffsets(nbr, i, words[2*n], stride, shift)
		a := phen[i] & 1
		g.game(cnt, i, j, a, phen[j]&1)
		convert(phen, i, d, a, phen[d]&1, words[2*n+1], &g.thrT)
	}
}

// strideOffsets is node i's partner and donor from word u on a regular
// graph of degree stride, a power of two (shift = 32 − log₂ stride):
// nbr[i·stride + top bits] of each half.
func strideOffsets(nbr []int32, i int32, u uint64, stride int, shift uint) (j, d int32) {
	base := int(i) * stride
	return nbr[base+int(uint32(u>>32)>>shift)], nbr[base+int(uint32(u)>>shift)]
}

// touchAbove is the number of sites above which the first pass touches
// the state it will play on: below it, the state stays in the cache and
// the extra loads would only cost. (A variable so that a test can send
// small lattices and graphs through the two-pass loops.)
var touchAbove = 1 << 17

// touch loads the state of initiator i, partner j and donor d for the
// first pass; the sum keeps the loads from being dropped.
func touch[C counter](phen []uint8, cnt []C, i, j, d int32) C {
	return cnt[i] + cnt[j] + C(phen[i]) + C(phen[j]) + C(phen[d])
}

// drawBox draws partners and donors, and touches their state, on a
// lattice above touchAbove sites whose full neighbourhood has a
// power-of-two size: an interior site's neighbours are i + off[top bits],
// an edge site's come from its list.
func drawBox[C counter](lt *Lattice, r *rng.Xoshiro, batch []int32, words []uint64, pairs []int32, cnt []C, off *[8]int32) C {
	phen := lt.phen
	edge := edgeBit[C]()
	words, pairs = words[:2*len(batch)], pairs[:2*len(batch)]
	var t C
	for n, i := range batch {
		j, d := boxOffsets(i, words[2*n], off)
		if cnt[i]&edge != 0 {
			j, d = lt.edgeNeighbours(r, i, words[2*n])
		}
		pairs[2*n], pairs[2*n+1] = j, d
		t += touch(phen, cnt, i, j, d) // (no chain of loads to cut: touchPairs apart was 1.06× at L = 1000 unbanded)
	}
	return t
}

// drawStride draws partners and donors, and touches their state, on a
// regular graph of power-of-two degree above touchAbove nodes.
func drawStride[C counter](lt *Lattice, batch []int32, words []uint64, pairs []int32, cnt []C, stride int, shift uint) C {
	phen, nbr := lt.phen, lt.nbr
	words, pairs = words[:2*len(batch)], pairs[:2*len(batch)]
	t := touchLists[C](lt, batch)
	for n, i := range batch {
		pairs[2*n], pairs[2*n+1] = strideOffsets(nbr, i, words[2*n], stride, shift)
	}
	return t + touchPairs(phen, cnt, batch, pairs)
}

// touchPairs loads the state of a batch's initiators and of their
// partners and donors, pairs[2n] and pairs[2n+1]: a loop of independent
// loads, whose misses overlap, so that meetAll finds them in the cache.
// (Kept apart from the draws: fused with them, the compiled loop kept its
// counters on the stack and took twice as long on a 10⁶-node graph.)
func touchPairs[C counter](phen []uint8, cnt []C, batch, pairs []int32) C {
	pairs = pairs[:2*len(batch)]
	var t C
	for n, i := range batch {
		t += touch(phen, cnt, i, pairs[2*n], pairs[2*n+1])
	}
	return t
}

// touchLists loads, for a batch on a graph above touchAbove nodes, every
// initiator's list start, then its list's first entry: loops of
// independent loads, whose misses overlap, so that the draws' chain of
// dependent loads (list start, list) finds its links in the cache, as
// touchPairs then does for the neighbours' state. (Measured on 10⁶-node
// graphs: a fifth off a Barabási–Albert generation, two fifths off a
// random 8-regular one, before touchPairs halved the latter again.)
func touchLists[C counter](lt *Lattice, batch []int32) C {
	start, nbr := lt.nbrStart, lt.nbr
	var t C
	if k := lt.stride; k > 0 {
		for _, i := range batch {
			t += C(nbr[int(i)*k])
		}
		return t
	}
	for _, i := range batch {
		t += C(start[i])
	}
	for _, i := range batch {
		if s0 := start[i]; s0 < start[i+1] {
			t += C(nbr[s0])
		}
	}
	return t
}

// drawAny draws partners and donors on any other shape: interior sites by
// offsets with rejection, a regular graph by stride, other sites from
// their lists. It serves every size, and touches only above touchAbove.
func drawAny[C counter](lt *Lattice, r *rng.Xoshiro, batch []int32, words []uint64, pairs []int32, cnt []C) C {
	deep := lt.N > touchAbove
	phen, off, nbr := lt.phen, lt.off, lt.nbr
	edge := edgeBit[C]()
	k, stride := uint32(len(off)), uint32(lt.stride)
	var t C
	if deep && off == nil {
		t = touchLists[C](lt, batch)
	}
	for n, i := range batch {
		u := words[2*n]
		var j, d int32
		switch {
		case off != nil && cnt[i]&edge == 0: // (a graph's nodes are all edge sites: no load)
			m1, m2 := uint64(uint32(u>>32))*uint64(k), uint64(uint32(u))*uint64(k)
			if uint32(m1) < k || uint32(m2) < k {
				m1, m2 = r.Reject(m1, k), r.Reject(m2, k)
			}
			j = i + off[m1>>32]
			d = i + off[m2>>32]
		case stride > 0:
			m1, m2 := uint64(uint32(u>>32))*uint64(stride), uint64(uint32(u))*uint64(stride)
			if uint32(m1) < stride || uint32(m2) < stride {
				m1, m2 = r.Reject(m1, stride), r.Reject(m2, stride)
			}
			base := int(i) * int(stride)
			j = nbr[base+int(m1>>32)]
			d = nbr[base+int(m2>>32)]
		default:
			j, d = lt.edgeNeighbours(r, i, u)
		}
		pairs[2*n], pairs[2*n+1] = j, d
	}
	if deep {
		t += touchPairs(phen, cnt, batch, pairs)
	}
	return t
}

// edgeNeighbours picks the two neighbours of a non-interior site from its
// list, uniformly (multiply-shift with rejection).
func (lt *Lattice) edgeNeighbours(r *rng.Xoshiro, i int32, u uint64) (j, d int32) {
	s0 := lt.nbrStart[i]
	deg := uint32(lt.nbrStart[i+1] - s0)
	return lt.nbr[s0+int32(r.Bounded(uint32(u>>32), deg))], lt.nbr[s0+int32(r.Bounded(uint32(u), deg))]
}

// playLayered is play for a lattice with vacancies, cross-exposure, a
// feed, or nodes without neighbours. An initiator plays with a uniformly
// random occupied neighbour (no game if it has none); then, with
// probability away, its horizontal donor is an agent of another
// platform, A with probability remote, from which only the initiator can
// adopt (with T of the donor's phenotype); otherwise, with probability
// feed, the donor is drawn from the whole platform (feedDonor), and
// otherwise it is a second uniformly random occupied neighbour; with a
// donor of the platform, play's two-way conversion follows. It is a loop
// of its own, beside play, because the number of candidates varies from
// site to site and a donor may be remote: play, which every full lattice
// without exposure or feed runs, stays free of those branches. Each
// initiator takes play's two random words (neighbours; conversions),
// then, when away > 0, one for the exposure coin (high half) and the
// remote donor's phenotype (low half), and, when feed > 0, one whose high
// half is the feed coin (the donor's draws follow, from the stream).
func playLayered[C counter](lt *Lattice, r *rng.Xoshiro, init []int32, ex exposure, cnt []C) {
	g := newGameRules[C](lt)
	thrAway, thrRemote := rng.Threshold(ex.away), rng.Threshold(ex.remote())
	thrFeed := rng.Threshold(lt.cfg.Feed)
	phen, occ := lt.phen, lt.occ
	if !lt.vacant() {
		occ = nil // every neighbour is occupied
	}
	nw, atAway, atFeed := 2, 0, 0
	if thrAway > 0 {
		atAway = nw
		nw++
	}
	if thrFeed > 0 {
		atFeed = nw
		nw++
		lt.feedStart()
	}
	for k0 := 0; k0 < len(init); k0 += wordBlock {
		batch := init[k0:min(k0+wordBlock, len(init))]
		words := lt.buf[:nw*len(batch)]
		r.Fill(words)
		for n, i := range batch {
			u, v := words[nw*n], words[nw*n+1]
			nb := lt.neighboursOf(i)
			k := countOccupied(nb, occ)
			a := phen[i] & 1
			d := int32(-1)
			if k > 0 {
				j := nthOccupied(nb, occ, r.Bounded(uint32(u>>32), k))
				d = nthOccupied(nb, occ, r.Bounded(uint32(u), k))
				g.game(cnt, i, j, a, phen[j]&1)
				if atFeed > 0 {
					lt.feedPlayed(i, j)
				}
			}
			if atAway > 0 && uint64(uint32(words[nw*n+atAway]>>32)) < thrAway {
				e := lt32(uint32(words[nw*n+atAway]), thrRemote)
				phen[i] = adopt(a, e, uint32(v>>32), &g.thrT) // a remote donor only gives
				continue
			}
			if atFeed > 0 && uint64(uint32(words[nw*n+atFeed]>>32)) < thrFeed {
				d = lt.feedDonor(r, i)
			}
			if d < 0 {
				continue // no one to learn from
			}
			convert(phen, i, d, a, phen[d]&1, v, &g.thrT)
		}
	}
}

// countOccupied counts the occupied sites of nb (all of them if occ is
// nil).
func countOccupied(nb []int32, occ []uint8) uint32 {
	if occ == nil {
		return uint32(len(nb))
	}
	k := uint32(0)
	for _, t := range nb {
		k += uint32(occ[t])
	}
	return k
}

// nthOccupied returns the x-th (from 0) occupied site of nb.
func nthOccupied(nb []int32, occ []uint8, x uint32) int32 {
	if occ == nil {
		return nb[x]
	}
	for _, t := range nb {
		if occ[t] != 0 {
			if x == 0 {
				return t
			}
			x--
		}
	}
	panic("sim: fewer occupied neighbours than counted")
}

// occupiedOnly keeps, in order, the sites of list that are occupied, and
// returns how many.
func occupiedOnly(list []int32, occ []uint8) int {
	m := 0
	for _, s := range list {
		list[m] = s
		m += int(occ[s])
	}
	return m
}

// maskCount empties the phenotypes of empty sites and returns the number
// of A.
func maskCount(ph, occ []uint8) int {
	n := 0
	for s := range ph {
		ph[s] &= occ[s]
		n += int(ph[s])
	}
	return n
}

// fitness computes every site's fitness (0 at empty sites, whose counter
// is cntEmpty) and returns the total, the total over A sites, the number
// of A sites, and how many negative values were clamped to 0.
func (lt *Lattice) fitness() (W, WA float64, nA, clamped int) {
	phen, w := lt.phen, lt.w
	lt.faFresh = false
	if tab := lt.fitTab; tab != nil {
		cnt := lt.cnt16
		w = w[:len(cnt)]
		phen = phen[:len(cnt)]
		clampTab := lt.clampTab
		const idx = 1<<15 - 1 // the counter without its edge bit
		// Four interleaved sums (a fixed order: still deterministic)
		// break the floating-point add chain.
		var w0, w1, w2, w3, a0, a1, a2, a3 float64
		s := 0
		if n := len(cnt) &^ 3; kernelOn && n > 0 {
			// The kernel checks each counter against the table's length
			// and stops, reporting −1, at one out of range: the Go loop
			// then starts over and meets it as a bounds error.
			var lanes [8]float64
			var fa *float64
			if lt.moore1Draws() && n == len(cnt) {
				fa = &lt.local.a[0] // free on this path (needA is false)
			}
			nA = fitnessRun16(&cnt[0], &phen[0], n, &tab[0], len(tab), &w[0], fa, &lanes)
			lt.faFresh = fa != nil && nA >= 0
			w0, w1, w2, w3, a0, a1, a2, a3 = lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7]
			s = n
			if nA < 0 {
				w0, w1, w2, w3, a0, a1, a2, a3, nA, s = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
			} else if lt.clamps {
				// (Only "sum" fitness can clamp: the paper's "mean" never
				// pays for this pass.)
				for _, c := range cnt[:n] {
					clamped += int(clampTab[c&idx])
				}
			}
		}
		for ; s+4 <= len(cnt); s += 4 {
			c0, c1, c2, c3 := cnt[s]&idx, cnt[s+1]&idx, cnt[s+2]&idx, cnt[s+3]&idx
			f0, f1, f2, f3 := tab[c0], tab[c1], tab[c2], tab[c3]
			w[s], w[s+1], w[s+2], w[s+3] = f0, f1, f2, f3
			w0, w1, w2, w3 = w0+f0, w1+f1, w2+f2, w3+f3
			p0, p1, p2, p3 := phen[s]&1, phen[s+1]&1, phen[s+2]&1, phen[s+3]&1
			a0 += float64(f0 * lt.unit[p0])
			a1 += float64(f1 * lt.unit[p1])
			a2 += float64(f2 * lt.unit[p2])
			a3 += float64(f3 * lt.unit[p3])
			nA += int(p0) + int(p1) + int(p2) + int(p3)
			clamped += int(clampTab[c0]) + int(clampTab[c1]) + int(clampTab[c2]) + int(clampTab[c3])
		}
		for ; s < len(cnt); s++ {
			c := cnt[s] & idx
			f, p := tab[c], phen[s]&1
			w[s] = f
			w0 += f
			a0 += float64(f * lt.unit[p])
			nA += int(p)
			clamped += int(clampTab[c])
		}
		return (w0 + w1) + (w2 + w3), (a0 + a1) + (a2 + a3), nA, clamped
	}
	cnt := lt.cnt64
	w = w[:len(cnt)]
	phen = phen[:len(cnt)]
	for s, x := range cnt {
		x &^= edgeBit[uint64]()
		f, cl := lt.fitnessOf(int(x&0xffff), int(x>>cntPartner&0xffff), int(x>>cntAsA&0xffff))
		if x == lt.cntEmpty {
			f = 0
		}
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

// maxGames is the most games a site can play in a generation: rounds ×
// (one as initiator + one as each neighbour's partner).
func maxGames(rounds, maxNeighbours int) int { return rounds * (1 + maxNeighbours) }

// tablePacked reports whether counters of radix G (one more than the most
// games) take the mixed-radix packing that indexes the fitness table, in
// 16 bits; otherwise they take the 64-bit fields.
func tablePacked(G int) bool { return G*G*G < fitTableMax }

// initCounters chooses the counter packing and builds its tables; the
// counters are kept when their type stands (resetCounters starts every
// generation's).
func (lt *Lattice) initCounters() {
	G := maxGames(lt.cfg.Rounds, lt.cfg.MaxNeighbours()) + 1
	lt.radix = G
	lt.unit = [2]float64{0, 1}
	if !tablePacked(G) {
		lt.inc = [4]uint64{0: 1, 1: 1 | 1<<cntPartner, 2: 1 | 1<<cntAsA, 3: 1 | 1<<cntPartner | 1<<cntAsA}
		lt.cntEmpty = 1 << 48 // above the three fields
		lt.fitTab, lt.clampTab = nil, nil
		lt.cnt16 = nil
		if len(lt.cnt64) != lt.N {
			lt.cnt64 = make([]uint64, lt.N)
		}
		return
	}
	lt.cnt64 = nil
	if len(lt.cnt16) != lt.N {
		lt.cnt16 = make([]uint16, lt.N)
	}
	g := uint64(G)
	lt.inc = [4]uint64{0: 1, 1: 1 + g, 2: 1 + g*g, 3: 1 + g + g*g}
	// One entry past the G³ counters, of fitness 0, is an empty site's.
	lt.cntEmpty = g * g * g
	lt.fitTab = make([]float64, G*G*G+1)
	lt.clampTab = make([]uint8, G*G*G+1)
	lt.clamps = false
	for aA := range G {
		for pA := range G {
			for games := range G {
				k := games + G*pA + G*G*aA
				lt.fitTab[k], lt.clampTab[k] = lt.fitnessOf(games, pA, aA)
				lt.clamps = lt.clamps || lt.clampTab[k] != 0
			}
		}
	}
}

// selectLocal draws each occupied site's offspring from its block: A with
// probability v·W_A(block)/W(block) + (1−v)·n_A(block)/n(block), n the
// block's agents. Empty sites stay empty.
func (lt *Lattice) selectLocal(r *rng.Xoshiro) int {
	ls := lt.local
	v := lt.p.V
	// The counts of A matter only for oblique copying (v < 1) and for
	// blocks of zero fitness, which only "sum" fitness or vacancies (a
	// block without agents) can produce.
	vacant := lt.vacant()
	needA := v < 1 || lt.cfg.Fitness == FitnessSum || vacant
	moore1 := lt.box() && lt.cfg.Radius == 1 && lt.cfg.Boundary == Bounded
	if lt.moore1Draws() {
		return lt.selectMoore1(r)
	}
	switch {
	case moore1:
		// The paper's 3×3 blocks: both sums in one kernel.
		lt.boxSumsMoore1(ls.sumW, ls.sumWA)
		if needA {
			for s, p := range lt.phen[:lt.N] {
				ls.a[s] = float64(p & 1)
			}
			lt.boxSum(ls.a, ls.sumA)
		}
	case lt.box():
		for s := range lt.N {
			a := float64(lt.phen[s] & 1)
			ls.wa[s] = float64(lt.w[s] * a)
			ls.a[s] = a
		}
		lt.boxSum(lt.w, ls.sumW)
		lt.boxSum(ls.wa, ls.sumWA)
		if needA {
			lt.boxSum(ls.a, ls.sumA)
		}
	default:
		// Blocks from lists: each site's values side by side, so that a
		// block's member costs one cache line, not three (the sums are
		// the same, in the same order); without A's sums, two values in
		// 16 bytes, which never straddle a line.
		// A as unit[A], and w·A as w·unit[A] (rowsMoore1's product):
		// without an integer-to-float conversion, which chains iterations.
		w, phen, unit := lt.w[:lt.N], lt.phen[:lt.N], &lt.unit
		if needA {
			trip := ls.trip[:lt.N]
			for s := range trip {
				a := unit[phen[s]&1]
				trip[s] = [3]float64{w[s], float64(w[s] * a), a}
			}
			listSums(trip, lt.blkStart, lt.blk, ls.sumW, ls.sumWA, ls.sumA)
		} else {
			pairs := ls.pairs[:lt.N]
			for s := range pairs {
				pairs[s] = [2]float64{w[s], float64(w[s] * unit[phen[s]&1])}
			}
			listSumsW(pairs, lt.blkStart, lt.blk, ls.sumW, ls.sumWA)
		}
	}
	// Empty sites add 0 to every sum; with vacancies a block's size is
	// its agents (0 for a block without any, so that its q is 0).
	inv := ls.invSize
	if vacant {
		inv = lt.blockAgentsInv()
	}
	count := 0
	for s0 := 0; s0 < lt.N; s0 += 2 * wordBlock {
		s1 := min(s0+2*wordBlock, lt.N)
		words := lt.buf[:(s1-s0+1)/2]
		r.Fill(words)
		if !needA {
			count += ratioDraws(ls.sumWA[s0:s1], ls.sumW[s0:s1], words, lt.next[s0:s1])
			continue
		}
		for s := s0; s < s1; s++ {
			var q float64
			switch {
			case ls.sumW[s] > 0:
				q = float64(v*ls.sumWA[s]/ls.sumW[s]) + float64((1-v)*ls.sumA[s]*inv[s])
			default: // a block of zero fitness selects neutrally
				q = ls.sumA[s] * inv[s]
			}
			u := uint32(words[(s-s0)>>1] >> (32 * ((s - s0) & 1)))
			a := lt32(u, ratioThreshold(q)) // q lies in [0, 1] up to rounding
			lt.next[s] = a
			count += int(a)
		}
	}
	if vacant {
		// Every site drew, out of the loop's way; empty ones stay empty.
		count = maskCount(lt.next, lt.occ)
	}
	return count
}

// listSums sums each site's block of triples (w, w·A, A) from its list,
// in the list's order: the same additions, bit for bit, as one site at a
// time. Four sites go in lockstep, up to their shortest list, so that
// four chains of dependent additions overlap instead of one waiting on
// each add's latency; the rest of each list follows on its own.
func listSums(trip [][3]float64, start, blk []int32, sumW, sumWA, sumA []float64) {
	n := len(sumW)
	s := 0
	if kernelOn && n >= 4 {
		_, _, _, _, _ = start[n], blk[:start[n]], sumWA[n-1], sumA[n-1], trip[len(trip)-1] // (see listSumsW)
		sumsRun(&trip[0], &start[0], &blk[0], n/4, &sumW[0], &sumWA[0], &sumA[0])
		s = n &^ 3
	}
	for ; s+4 <= n; s += 4 {
		b0, b1, b2, b3, m := lockstep(start, blk, s)
		var w0, wa0, a0, w1, wa1, a1, w2, wa2, a2, w3, wa3, a3 float64
		for k := range b0 {
			x0, x1, x2, x3 := &trip[b0[k]], &trip[b1[k]], &trip[b2[k]], &trip[b3[k]]
			w0, wa0, a0 = w0+x0[0], wa0+x0[1], a0+x0[2]
			w1, wa1, a1 = w1+x1[0], wa1+x1[1], a1+x1[2]
			w2, wa2, a2 = w2+x2[0], wa2+x2[1], a2+x2[2]
			w3, wa3, a3 = w3+x3[0], wa3+x3[1], a3+x3[2]
		}
		w0, wa0, a0 = tailSums(trip, blk[int(start[s])+m:start[s+1]], w0, wa0, a0)
		w1, wa1, a1 = tailSums(trip, blk[int(start[s+1])+m:start[s+2]], w1, wa1, a1)
		w2, wa2, a2 = tailSums(trip, blk[int(start[s+2])+m:start[s+3]], w2, wa2, a2)
		w3, wa3, a3 = tailSums(trip, blk[int(start[s+3])+m:start[s+4]], w3, wa3, a3)
		sumW[s], sumWA[s], sumA[s] = w0, wa0, a0
		sumW[s+1], sumWA[s+1], sumA[s+1] = w1, wa1, a1
		sumW[s+2], sumWA[s+2], sumA[s+2] = w2, wa2, a2
		sumW[s+3], sumWA[s+3], sumA[s+3] = w3, wa3, a3
	}
	for ; s < n; s++ {
		sumW[s], sumWA[s], sumA[s] = tailSums(trip, blk[start[s]:start[s+1]], 0, 0, 0)
	}
}

// listSumsW is listSums without the sums of A, which only oblique
// copying, "sum" fitness and vacancies read (a tenth off a generation of
// local selection on a random 8-regular graph). It is listSums's loop
// with one lane fewer: a shared loop would add the lane back, or a branch.
func listSumsW(pairs [][2]float64, start, blk []int32, sumW, sumWA []float64) {
	n := len(sumW)
	s := 0
	if kernelOn && n >= 4 {
		// The same additions, each site's (W, W·A) pair in one
		// register (0.77× the time of a generation of local selection on a
		// random 8-regular graph of 10⁴ nodes). The kernel reads
		// start[:n+1], blk[:start[n]] and the pairs the lists name,
		// and writes sumW[:n] and sumWA[:n].
		_, _, _, _ = start[n], blk[:start[n]], sumWA[n-1], pairs[len(pairs)-1]
		sumsWRun(&pairs[0], &start[0], &blk[0], n/4, &sumW[0], &sumWA[0])
		s = n &^ 3
	}
	for ; s+4 <= n; s += 4 {
		b0, b1, b2, b3, m := lockstep(start, blk, s)
		var w0, wa0, w1, wa1, w2, wa2, w3, wa3 float64
		for k := range b0 {
			x0, x1, x2, x3 := &pairs[b0[k]], &pairs[b1[k]], &pairs[b2[k]], &pairs[b3[k]]
			w0, wa0 = w0+x0[0], wa0+x0[1]
			w1, wa1 = w1+x1[0], wa1+x1[1]
			w2, wa2 = w2+x2[0], wa2+x2[1]
			w3, wa3 = w3+x3[0], wa3+x3[1]
		}
		sumW[s], sumWA[s] = tailSumsW(pairs, blk[int(start[s])+m:start[s+1]], w0, wa0)
		sumW[s+1], sumWA[s+1] = tailSumsW(pairs, blk[int(start[s+1])+m:start[s+2]], w1, wa1)
		sumW[s+2], sumWA[s+2] = tailSumsW(pairs, blk[int(start[s+2])+m:start[s+3]], w2, wa2)
		sumW[s+3], sumWA[s+3] = tailSumsW(pairs, blk[int(start[s+3])+m:start[s+4]], w3, wa3)
	}
	for ; s < n; s++ {
		sumW[s], sumWA[s] = tailSumsW(pairs, blk[start[s]:start[s+1]], 0, 0)
	}
}

// lockstep returns the lists of sites s to s+3 cut to the shortest's
// length m, the part that listSums and listSumsW go through in lockstep.
func lockstep(start, blk []int32, s int) (b0, b1, b2, b3 []int32, m int) {
	b0, b1 = blk[start[s]:start[s+1]], blk[start[s+1]:start[s+2]]
	b2, b3 = blk[start[s+2]:start[s+3]], blk[start[s+3]:start[s+4]]
	m = min(len(b0), len(b1), len(b2), len(b3))
	return b0[:m], b1[:m], b2[:m], b3[:m], m
}

// tailSumsW adds a list's pairs to running sums, in order.
func tailSumsW(pairs [][2]float64, list []int32, w, wa float64) (float64, float64) {
	for _, t := range list {
		x := &pairs[t]
		w, wa = w+x[0], wa+x[1]
	}
	return w, wa
}

// tailSums adds a list's triples to running sums, in order.
func tailSums(trip [][3]float64, list []int32, w, wa, a float64) (float64, float64, float64) {
	for _, t := range list {
		x := &trip[t]
		w, wa, a = w+x[0], wa+x[1], a+x[2]
	}
	return w, wa, a
}

// blockAgentsInv returns, by site, 1 / the number of agents in its
// selection block (0 for a block without any), recounted only when the
// vacancies have changed.
func (lt *Lattice) blockAgentsInv() []float64 {
	ls := lt.local
	if ls.agentsInv == nil {
		ls.agentsInv = make([]float64, lt.N)
		lt.recount = true
	}
	inv := ls.agentsInv
	if !lt.recount {
		return inv
	}
	if lt.box() {
		for s, o := range lt.occ {
			inv[s] = float64(o)
		}
		lt.boxSum(inv, inv) // boxSum reads all of src before it writes dst
	} else {
		for s := range lt.N {
			inv[s] = float64(countOccupied(lt.blk[lt.blkStart[s]:lt.blkStart[s+1]], lt.occ))
		}
	}
	for s, n := range inv {
		if n > 0 {
			inv[s] = 1 / n
		}
	}
	lt.recount = false
	return inv
}

// localSel holds local selection's per-site buffers.
type localSel struct {
	wa, a, tmp        []float64    // w·A, A, and a row-pass buffer (box sums only)
	trip              [][3]float64 // w, w·A, A by site (blocks from lists only) ...
	pairs             [][2]float64 // ... or w, w·A, in trip's memory, when A's sums are not needed
	sumW, sumWA, sumA []float64    // block sums
	size, invSize     []float64    // block sizes and their inverses
	agentsInv         []float64    // with vacancies: 1 / the agents of each block; nil until needed
}

func newLocalSel(lt *Lattice) *localSel {
	N := lt.N
	ls := &localSel{
		sumW: make([]float64, N), sumWA: make([]float64, N), sumA: make([]float64, N),
		size: make([]float64, N), invSize: make([]float64, N),
	}
	defer func() {
		for s, n := range ls.size {
			ls.invSize[s] = 1 / n
		}
	}()
	// Box sums read w·A, A and a row buffer; sums from lists read the
	// packed triples or pairs: each path allocates only its own.
	if lt.box() {
		// tmp and wa have a row to spare above and below (paddedRowsMoore1).
		pad := N + 2*lt.L
		ls.wa, ls.a, ls.tmp = make([]float64, pad), make([]float64, N), make([]float64, pad)
		ones := make([]float64, N)
		for i := range ones {
			ones[i] = 1
		}
		lt.local = ls
		lt.boxSum(ones, ls.size)
	} else {
		// One allocation, two views: a generation uses one of them.
		vals := make([]float64, 3*N)
		ls.trip = unsafe.Slice((*[3]float64)(unsafe.Pointer(&vals[0])), N)
		ls.pairs = unsafe.Slice((*[2]float64)(unsafe.Pointer(&vals[0])), N)
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

// boxSumsMoore1 is boxSum of the fitness w and of w·A, at once, for a
// bounded lattice of radius 1: both row passes in one loop
// (paddedRowsMoore1), then both column sums (colMoore1), with boxSum's
// additions in boxSum's order, so that the sums are bit-identical.
func (lt *Lattice) boxSumsMoore1(sumW, sumWA []float64) {
	L, N := lt.L, lt.N
	tW, tA := lt.paddedRowsMoore1()
	sumW, sumWA = sumW[:N], sumWA[:N]
	for s := range sumW {
		sumW[s] = colMoore1(tW[s:], tW[s+L:], tW[s+2*L:], 0)
		sumWA[s] = colMoore1(tA[s:], tA[s+L:], tA[s+2*L:], 0)
	}
}

// paddedRowsMoore1 forms the row passes of w and w·A (rowsMoore1) in the
// local buffers tmp and wa, N + 2L long, with a zero row above and below:
// site s's block rows are then t[s], t[s+L] (its own) and t[s+2L], and
// every row's column sum is (centre + above) + below, which is boxSum's
// (x + 0 = x for the non-negative sums here).
func (lt *Lattice) paddedRowsMoore1() (tW, tA []float64) {
	L, N := lt.L, lt.N
	tW, tA = lt.local.tmp[:N+2*L], lt.local.wa[:N+2*L]
	clear(tW[:L])
	clear(tA[:L])
	clear(tW[N+L:])
	clear(tA[N+L:])
	lt.rowsMoore1(tW[L:N+L], tA[L:N+L])
	return tW, tA
}

// rowsMoore1 is the row pass of boxSum, radius 1 and bounded, of the
// fitness w into tW and of w·A into tA (each L² long), in one loop.
func (lt *Lattice) rowsMoore1(tW, tA []float64) {
	L := lt.L
	w, phen := lt.w[:L*L], lt.phen[:L*L]
	tW, tA = tW[:L*L], tA[:L*L]
	// w·A as w·unit[A]: the same product, without an integer-to-float
	// conversion (whose write of part of a register chains iterations).
	unit := lt.unit
	if kernelOn && lt.faFresh {
		// fitness left w·A in local.a this generation (fitnessRun16's
		// masked w: the product for w ≥ 0, which moore1Draws implies).
		rowsPairsRun(&w[0], &lt.local.a[0], L, L*L, &tW[0], &tA[0])
		lt.faFresh = false
		return
	}
	if kernelOn {
		rowsRun(&w[0], &phen[0], &lt.unit, L, L*L, &tW[0], &tA[0])
		return
	}
	for o := 0; o < L*L; o += L {
		rw, rp := w[o:o+L], phen[o:o+L]
		ow, oa := tW[o:o+L], tA[o:o+L]
		// out[x] = (row[x] + row[x+1]) + row[x−1], the missing terms
		// dropped at the edges, as boxSum adds them.
		prevW, prevA := rw[0], float64(rw[0]*unit[rp[0]&1])
		curW, curA := rw[1], float64(rw[1]*unit[rp[1]&1])
		ow[0], oa[0] = prevW+curW, prevA+curA
		for x := 1; x < L-1; x++ {
			nextW := rw[x+1]
			nextA := float64(nextW * unit[rp[x+1]&1])
			ow[x] = (curW + nextW) + prevW
			oa[x] = (curA + nextA) + prevA
			prevW, prevA, curW, curA = curW, curA, nextW, nextA
		}
		ow[L-1], oa[L-1] = curW+prevW, curA+prevA
	}
}

// moore1Draws reports whether local selection takes selectMoore1 this
// generation: a lattice of local selection, without mixed lineages (which
// select parents instead), on the paper's 3×3 bounded blocks, with v = 1,
// mean fitness and no vacancies.
func (lt *Lattice) moore1Draws() bool {
	return lt.cfg.Selection == Local && lt.local != nil && (lt.lin == nil || !lt.lin.mixed) &&
		lt.box() && lt.cfg.Radius == 1 && lt.cfg.Boundary == Bounded &&
		lt.p.V == 1 && lt.cfg.Fitness == FitnessMean && !lt.vacant()
}

// ratioThreshold is the 32-bit threshold of probability q in [0, 1] (a q
// a hair above 1 gives 2^32), as local selection converts it: through an
// int64, whose conversion is one instruction (a uint64's is a branch and
// two); rng.Threshold's range checks are not needed.
func ratioThreshold(q float64) uint64 { return uint64(int64(float64(q*(1<<32)) + 0.5)) }

// ratioDraws draws each out[k] A with probability WA[k]/W[k], as
// selectLocal's division would (by ratioBelow: 6 % off a generation
// of local selection on a random 8-regular graph), the even site of a
// word on its low half, and returns how many are A. It serves blocks of
// mean fitness with v = 1 and no vacancies: each fitness lies in
// [1 − c, 1 + b] with c < 1, so that W is normal and W·2³² finite, and
// W_A ≤ W, the same sum with some terms 0 (rounding is monotonic).
func ratioDraws(WA, W []float64, words []uint64, out []uint8) int {
	W, WA = W[:len(out)], WA[:len(out)]
	count, k := 0, 0
	if n := len(out) &^ 1; kernelOn && n > 0 {
		// selectMoore1's kernel, with zero rows above and below the
		// sums: (W + 0) + 0 is W, bit for bit.
		z := zeroRows[:n]
		_ = words[n/2-1]
		count = selectRun(&z[0], &W[0], &z[0], &z[0], &WA[0], &z[0], &words[0], &out[0], n)
		k = n
	}
	for ; k < len(out); k++ {
		a := ratioBelow(WA[k], W[k], uint32(words[k>>1]>>(32*(k&1))))
		out[k] = a
		count += int(a)
	}
	return count
}

// zeroRows stands for the rows above and below when ratioDraws lends
// selectMoore1's kernel sums that are already whole (selectLocal's
// blocks of 2·wordBlock sites).
var zeroRows [2 * wordBlock]float64

// ratioBelow is lt32(u, ratioThreshold(WA/W)) for 0 ≤ WA ≤ W, W normal
// and W·2³² finite, without a division unless u lies within 2⁻¹⁰ of the
// boundary (selectMoore1 gives the bounds; W = 0 divides, as before).
func ratioBelow(WA, W float64, u uint32) uint8 {
	D := WA*0x1p32 - (float64(u)+0.5)*W
	if math.Abs(D) <= W*0x1p-10 {
		return lt32(u, ratioThreshold(WA/W))
	}
	return uint8(^math.Float64bits(D) >> 63) // D > 0
}

// colMoore1 is the block sum at k from the row-pass rows above, at and
// below it: (centre + above) + below, boxSum's order.
func colMoore1(up, mid, down []float64, k int) float64 { return (mid[k] + up[k]) + down[k] }

// selectMoore1 is selectLocal on the paper's 3×3 bounded blocks with
// v = 1 and mean fitness (no vacancies): the offspring at s is A with
// probability q = W_A(block)/W(block), drawn as selectLocal draws it (the
// even site of a word on its low half) and with the same outcome, bit for
// bit. The column sums are fused with the draws, over paddedRowsMoore1's
// buffers.
//
// The draw avoids a division per site. Its outcome, u < T with
// T = ⌊fl(fl(W_A/W)·2³² + 0.5)⌋, is that of u + ½ < ρ = 2³²·W_A/W unless
// |ρ − (u + ½)| ≤ 3·2⁻²²: the division's rounding moves ρ by at most
// ρ·2⁻⁵³ ≤ 2⁻²¹ (ρ ≤ 2³²), the +0.5's by at most 2⁻²². In
// D = 2³²·W_A − (u + ½)·W, the scaling and u + ½ are exact, the product
// errs by at most W·2⁻²¹, and the subtraction's rounding keeps the sign;
// so |D| > W·2⁻¹⁰ gives |ρ − (u + ½)| > 2⁻¹⁰ − 2⁻²¹, and D's sign is the
// outcome. The rest (about one site in 500) divides as selectLocal does.
// This needs W normal and W·2³² finite: a block's fitness sum lies in
// [4(1 − c), 9(1 + b)], with c < 1.
func (lt *Lattice) selectMoore1(r *rng.Xoshiro) int {
	L, N := lt.L, lt.N
	tW, tA := lt.paddedRowsMoore1()
	next := lt.next[:N]
	count := 0
	for s0 := 0; s0 < N; s0 += 2 * wordBlock {
		s1 := min(s0+2*wordBlock, N)
		words := lt.buf[:(s1-s0+1)/2]
		r.Fill(words)
		up, mid, down := tW[s0:s1], tW[s0+L:s1+L], tW[s0+2*L:s1+2*L]
		upA, midA, downA := tA[s0:s1], tA[s0+L:s1+L], tA[s0+2*L:s1+2*L]
		out := next[s0:s1]
		// Whole pairs of sites, a word each (the even site on the low
		// half), then an odd site's low half.
		n := len(out) &^ 1
		up, mid, down = up[:n], mid[:n], down[:n]
		upA, midA, downA = upA[:n], midA[:n], downA[:n]
		k := 0
		if kernelOn && n > 0 {
			count += selectRun(&up[0], &mid[0], &down[0], &upA[0], &midA[0], &downA[0], &words[0], &out[0], n)
			k = n
		}
		for ; k+1 < n; k += 2 {
			u := words[k>>1]
			a0 := ratioBelow(colMoore1(upA, midA, downA, k), colMoore1(up, mid, down, k), uint32(u))
			a1 := ratioBelow(colMoore1(upA, midA, downA, k+1), colMoore1(up, mid, down, k+1), uint32(u>>32))
			out[k], out[k+1] = a0, a1
			count += int(a0) + int(a1)
		}
		if n < len(out) { // an odd last site: a word's low half
			s := s0 + n
			a := ratioBelow(colMoore1(tA[s:], tA[s+L:], tA[s+2*L:], 0), colMoore1(tW[s:], tW[s+L:], tW[s+2*L:], 0), uint32(words[n/2]))
			out[n] = a
			count += int(a)
		}
	}
	return count
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

// selectParents is selection for a lattice whose lineages are mixed: each
// occupied site's offspring needs its parent, whose origin and arrival it
// takes. The parent is drawn ∝ fitness among the agents of the whole
// lattice (global) or of the site's block (local); the offspring copies
// its phenotype with probability v and a uniformly random agent's of the
// lattice or block otherwise. Sites are served in order; empty sites stay
// empty. adultsA is the number of A adults; it returns the number of A
// offspring.
func (lt *Lattice) selectParents(r *rng.Xoshiro, adultsA int) int {
	lin := lt.lin
	next, origin, arrival := lt.next, lin.nextOrigin, lin.nextArrival
	var d parentDraw
	var blkStart, blk []int32
	thrV := rng.Threshold(lt.p.V)
	if lt.cfg.Selection == Global {
		// Empty sites have fitness 0: the rejection draw never accepts
		// them.
		d = newParentDraw(lt.w, lt.nOcc, adultsA, lt.p.V)
		if d.uniform {
			d.among = lt.occupiedSites()
		}
	} else {
		blkStart, blk = lt.blocks()
	}
	count, mixed := 0, false
	born := func(s int, par int32, x uint8) {
		next[s], origin[s], arrival[s] = x, lin.origin[par], lin.arrival[par]
		count += int(x)
		mixed = mixed || origin[s] != lt.home || arrival[s] != 0
	}
	if blk == nil {
		// Global selection: the stream's parents, to the occupied sites
		// in order.
		if lin.parents == nil {
			lin.parents = new(parentStream)
		}
		ps := lin.parents
		ps.start(d, r)
		s := 0
		for left := lt.nOcc; left > 0; {
			par, u := ps.next(left)
			left -= len(par)
			for k, pa := range par {
				for !lt.occupied(s) {
					next[s] = 0
					s++
				}
				born(s, pa, offspring(u[k], lt.phen[pa], d.thrV, d.thrOblique))
				s++
			}
		}
		ps.close()
		clear(next[s:lt.N]) // empty sites after the last agent
	} else {
		for s := range lt.N {
			if !lt.occupied(s) {
				next[s] = 0
				continue
			}
			par, x := lt.blockParent(r, blk[blkStart[s]:blkStart[s+1]], thrV)
			born(s, par, x)
		}
	}
	lin.origin, lin.nextOrigin = origin, lin.origin
	lin.arrival, lin.nextArrival = arrival, lin.arrival
	// Once the lineages that arrived die out, selection takes the
	// phenotype-only shortcut again.
	lin.mixed = mixed
	return count
}

// blockParent draws a parent ∝ fitness among the agents of block
// (uniformly if all their fitness is 0) and the offspring's phenotype: the
// parent's with probability v (threshold thrV), otherwise a uniformly
// random agent's of the block. It takes one word for the two coins, then
// one for the parent.
func (lt *Lattice) blockParent(r *rng.Xoshiro, block []int32, thrV uint64) (int32, uint8) {
	var tot float64
	n, nA := 0, 0
	for _, t := range block {
		if lt.occupied(int(t)) {
			tot += lt.w[t]
			n++
			nA += int(lt.phen[t])
		}
	}
	u := r.Uint64()
	par := int32(-1)
	if tot > 0 {
		x := r.Float64() * tot
		for _, t := range block {
			if lt.w[t] > 0 { // only agents have positive fitness
				par = t // the last candidate, should rounding leave x ≥ its fitness
				if x < lt.w[t] {
					break
				}
				x -= lt.w[t]
			}
		}
	} else {
		j := r.IntN(n) // the block holds its own site: n ≥ 1
		for _, t := range block {
			if lt.occupied(int(t)) {
				if j == 0 {
					par = t
					break
				}
				j--
			}
		}
	}
	return par, offspring(u, lt.phen[par], thrV, rng.Threshold(float64(nA)/float64(n)))
}

// blocks returns the selection blocks' lists, building them on first use.
func (lt *Lattice) blocks() (start, list []int32) {
	if lt.blkStart == nil {
		if g := lt.cfg.Graph; g != nil {
			lt.blkStart, lt.blk = g.blocks()
		} else {
			lt.blkStart, lt.blk = neighbours(lt.cfg, blockLists)
		}
	}
	return lt.blkStart, lt.blk
}

// occupiedSites lists the occupied sites, in order, in the initiators'
// buffer (free outside interact).
func (lt *Lattice) occupiedSites() []int32 {
	list := lt.initiators[:0]
	for s := range lt.N {
		if lt.occupied(s) {
			list = append(list, int32(s))
		}
	}
	return list
}

// The layers' primitives, for the world's moves (between playGeneration
// and reproduce).

// enableVacancies switches the vacancy layer on, every site occupied.
func (lt *Lattice) enableVacancies() []uint8 {
	if lt.occ == nil {
		lt.occ = make([]uint8, lt.N)
		for s := range lt.occ {
			lt.occ[s] = 1
		}
	}
	return lt.occ
}

// enableLineages switches the lineage layer on, every agent a native of
// home whose lineage never moved.
func (lt *Lattice) enableLineages() *lineage {
	if lt.lin == nil {
		N := lt.N
		lin := &lineage{origin: make([]uint8, N), nextOrigin: make([]uint8, N), arrival: make([]int32, N), nextArrival: make([]int32, N)}
		for s := range lin.origin {
			lin.origin[s] = lt.home
		}
		lt.lin = lin
	}
	return lt.lin
}

// lineageOf returns site s's origin and arrival.
func (lt *Lattice) lineageOf(s int) (uint8, int32) {
	if lt.lin == nil {
		return lt.home, 0
	}
	return lt.lin.origin[s], lt.lin.arrival[s]
}

// vacate empties site s, whose adult left (vacancy layer on).
func (lt *Lattice) vacate(s int) {
	lt.faFresh = false
	lt.occ[s], lt.phen[s], lt.w[s] = 0, 0, 0
	lt.nOcc--
	lt.recount = true
}

// settle puts on empty site s (vacancy layer on) an adult of phenotype ph
// and fitness fit, earned elsewhere, and of the given lineage.
func (lt *Lattice) settle(s int, ph uint8, fit float64, origin uint8, arrival int32) {
	lt.faFresh = false
	lt.occ[s], lt.phen[s], lt.w[s] = 1, ph, fit
	lt.nOcc++
	lt.recount = true
	if lt.lin == nil && origin == lt.home && arrival == 0 {
		return
	}
	lin := lt.enableLineages()
	lin.origin[s], lin.arrival[s] = origin, arrival
	lin.mixed = lin.mixed || origin != lt.home || arrival != 0
}

// adultTotals recounts the adults' totals, after moves.
func (lt *Lattice) adultTotals() adultSums {
	var s adultSums
	for t, f := range lt.w {
		a := lt.phen[t]
		s.W += f
		s.WA += float64(f * float64(a))
		s.nA += int(a)
	}
	return s
}
