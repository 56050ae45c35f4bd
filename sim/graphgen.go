package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/graphs/gen"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// GraphFamily is how a network's graph is made.
type GraphFamily uint8

const (
	GraphRegular    GraphFamily = iota // random k-regular (Steger–Wormald pairing)
	GraphGnp                           // Erdős–Rényi G(n, p) (gonum gen.Gnp)
	GraphGnm                           // Erdős–Rényi G(n, m) (gonum gen.Gnm)
	GraphSmallWorld                    // Watts–Strogatz: a ring of degree k, each edge rewired with probability rewire
	GraphBA                            // Barabási–Albert: each new node joins m nodes ∝ degree
	GraphHolmeKim                      // Holme–Kim: BA with triad formation (tunable clustering)
	GraphLattice                       // the lattice's neighbourhoods as a graph
	GraphEdges                         // an edge-list file
)

func (f GraphFamily) String() string {
	return [...]string{"regular", "gnp", "gnm", "smallworld", "ba", "holme_kim", "lattice", "edges"}[f]
}

// familyKeys are the graph settings each family reads (the lattice graph
// also reads neighborhood, radius and boundary).
var familyKeys = map[GraphFamily][]string{
	GraphRegular: {"degree"}, GraphGnp: {"p", "mean_degree"}, GraphGnm: {"mean_degree"}, GraphSmallWorld: {"degree", "rewire"},
	GraphBA: {"m"}, GraphHolmeKim: {"m", "triad"}, GraphLattice: {"neighborhood", "radius", "boundary"}, GraphEdges: {"edges"},
}

// Uses reports whether the family reads a graph or lattice-shape setting
// (every other setting applies to all networks).
func (f GraphFamily) Uses(key string) bool {
	s, ok := LookupSetting(key)
	if !ok || !(s.NetworkOnly || s.LatticeShape) || key == "graph" || key == "graph_seed" {
		return true
	}
	return slices.Contains(familyKeys[f], key)
}

// GraphSeedMode says whether replicates share a graph.
type GraphSeedMode uint8

const (
	GraphFixed     GraphSeedMode = iota // one graph for every replicate, from NetworkConfig.Seed
	GraphReplicate                      // a new graph per replicate, from the run's stream
)

func (m GraphSeedMode) String() string { return [...]string{"fixed", "replicate"}[m] }

// FeedBias says how a recommendation feed picks a donor.
type FeedBias uint8

const (
	FeedUniform FeedBias = iota // a uniformly random other member
	FeedDegree                  // ∝ degree: popular accounts
	FeedFitness                 // ∝ fitness earned so far this generation: payoff-biased
)

func (b FeedBias) String() string { return [...]string{"uniform", "degree", "fitness"}[b] }

// NetworkConfig is how a network platform's graph is made (the lattice
// family takes its shape from the platform's LatticeConfig).
type NetworkConfig struct {
	Graph      GraphFamily
	Nodes      int     // generated families: the nodes (for lattice: the side L)
	Degree     int     // regular, smallworld: k
	MeanDegree float64 // gnp (instead of P), gnm: the expected or exact mean degree
	P          float64 // gnp: the edge probability, when MeanDegree is 0
	M          int     // ba, holme_kim: edges of each new node
	Rewire     float64 // smallworld: the rewiring probability
	Triad      float64 // holme_kim: the probability of triad formation after the first edge
	EdgesFile  string  // edges: the file, as the scenario names it
	EdgesGraph *Graph  // edges: the file's graph, read once by the scenario decoder
	SeedMode   GraphSeedMode
	Seed       uint64 // fixed graphs: the generator's seed (the scenario decoder derives it)
}

// graphSalt separates graph streams from the runs' streams.
const graphSalt = 0x3c6ef372fe94f82b

// NodeCount is the number of nodes the graph will have, without building
// it.
func (p PlatformConfig) NodeCount() int {
	n := p.Network
	switch n.Graph {
	case GraphLattice:
		return n.Nodes * n.Nodes
	case GraphEdges:
		if n.EdgesGraph == nil {
			return 0
		}
		return n.EdgesGraph.Nodes()
	}
	return n.Nodes
}

// validateNetwork checks a network platform's graph settings; paths are
// population.KEY.
func (p PlatformConfig) validateNetwork() []error {
	n := p.Network
	var errs []error
	bad := func(key string, v any, domain string) {
		errs = append(errs, &model.FieldError{Path: "population." + key, Value: v, Domain: domain})
	}
	miss := func(key, why string) {
		errs = append(errs, &model.FieldError{Path: "population." + key, Detail: fmt.Sprintf("graph %q needs %s", n.Graph, why)})
	}
	if n.EdgesFile != "" && n.Graph != GraphEdges {
		errs = append(errs, &model.FieldError{Path: "population.edges", Detail: fmt.Sprintf(`an edge list needs graph = "edges" (graph is %q)`, n.Graph)})
	}
	N := n.Nodes
	if n.Graph != GraphEdges && n.Graph != GraphLattice && (N < 2 || N > MaxGraphNodes) {
		bad("size", N, fmt.Sprintf("[2, %d] (the network's nodes)", MaxGraphNodes))
		return errs
	}
	switch n.Graph {
	case GraphRegular:
		switch k := n.Degree; {
		case k == 0:
			miss("degree", "degree = k, every node's number of neighbours")
		case k < 1 || k > N-1:
			bad("degree", k, fmt.Sprintf("[1, %d] (below the %d nodes)", N-1, N))
		case k*N%2 != 0:
			errs = append(errs, &model.FieldError{Path: "population.degree", Detail: fmt.Sprintf("degree %d on %d nodes: nodes × degree must be even (%d × %d = %d), or no graph has it", k, N, N, k, N*k)})
		}
	case GraphGnp:
		switch {
		case n.MeanDegree != 0 && n.P != 0:
			errs = append(errs, &model.FieldError{Path: "population.p", Detail: "give p or mean_degree, not both"})
		case n.MeanDegree == 0 && n.P == 0:
			miss("p", "p (the edge probability) or mean_degree")
		case n.MeanDegree != 0 && !(n.MeanDegree > 0 && n.MeanDegree <= float64(N-1)):
			bad("mean_degree", n.MeanDegree, fmt.Sprintf("(0, %d] (at most the other nodes)", N-1))
		case n.P != 0 && !(n.P > 0 && n.P <= 1):
			bad("p", n.P, "(0, 1]")
		}
	case GraphGnm:
		switch {
		case n.MeanDegree == 0:
			miss("mean_degree", "mean_degree (the edges are round(nodes × mean_degree / 2))")
		case !(n.MeanDegree > 0 && n.MeanDegree <= float64(N-1)):
			bad("mean_degree", n.MeanDegree, fmt.Sprintf("(0, %d] (at most the other nodes)", N-1))
		}
	case GraphSmallWorld:
		switch k := n.Degree; {
		case k == 0:
			miss("degree", "degree = k, the ring's degree (even)")
		case k < 2 || k > N-1 || k%2 != 0:
			bad("degree", k, fmt.Sprintf("[2, %d], even (k/2 neighbours on each side of the ring)", (N-1)&^1))
		}
		if !(n.Rewire >= 0 && n.Rewire <= 1) {
			bad("rewire", n.Rewire, model.DomainProbability)
		}
	case GraphBA, GraphHolmeKim:
		switch m := n.M; {
		case m == 0:
			miss("m", "m, the edges each new node brings")
		case m < 1 || m >= N:
			bad("m", m, fmt.Sprintf("[1, %d] (below the nodes)", N-1))
		}
		if n.Graph == GraphHolmeKim && !(n.Triad >= 0 && n.Triad <= 1) {
			bad("triad", n.Triad, model.DomainProbability)
		}
	case GraphLattice:
		// The lattice's shape only: its dynamics' settings are checked
		// with every network's.
		lc := p.Lattice
		lc.Side = N
		var fe *model.FieldError
		for _, err := range flatten(lc.Validate()) {
			if errors.As(err, &fe) && (fe.Path == "size" || fe.Path == "radius" || fe.Path == "neighborhood" || fe.Path == "boundary") {
				errs = append(errs, model.Within("population", err))
			}
		}
	case GraphEdges:
		switch {
		case n.EdgesGraph == nil:
			miss("edges", `edges = "FILE", an edge list`)
		case n.Nodes != 0 && n.Nodes != n.EdgesGraph.Nodes():
			errs = append(errs, &model.FieldError{Path: "population.size", Value: n.Nodes, Detail: fmt.Sprintf("the edge list %s has %d nodes (leave size out: the file gives it)", n.EdgesFile, n.EdgesGraph.Nodes())})
		}
	default:
		bad("graph", int(n.Graph), model.QuoteList(choices["graph"], "or"))
	}
	return errs
}

// flatten lists the errors joined in err (nil: none).
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// BuildGraph makes the platform's graph from seed (its fixed seed, or a
// replicate's). Graphs are cached by their settings and seed, so that the
// replicates and points that share a graph build it once per process;
// with cache false (a replicate's own graph) it is built afresh.
func (p PlatformConfig) BuildGraph(seed uint64, cache bool) (*Graph, error) {
	n := p.Network
	if n.Graph == GraphEdges {
		if n.EdgesGraph == nil {
			return nil, errors.New("sim: an edges network without its graph")
		}
		return n.EdgesGraph, nil
	}
	key := graphKey{n, seed, p.Lattice.WithDefaults()}
	key.n.Seed, key.n.EdgesGraph, key.n.EdgesFile, key.n.SeedMode = 0, nil, "", 0
	key.lattice.Selection, key.lattice.Fitness, key.lattice.Initiation, key.lattice.Rounds = 0, 0, 0, 0
	key.lattice.Feed, key.lattice.FeedBias, key.lattice.Graph = 0, 0, nil
	if n.Graph != GraphLattice {
		key.lattice = LatticeConfig{}
	}
	if !cache {
		return buildGraph(key, seed)
	}
	return graphs.get(key, func() (*Graph, error) { return buildGraph(key, seed) })
}

type graphKey struct {
	n       NetworkConfig
	seed    uint64
	lattice LatticeConfig
}

func buildGraph(k graphKey, seed uint64) (*Graph, error) {
	n := k.n
	r := rng.New(rng.Mix64(seed ^ graphSalt))
	N := n.Nodes
	switch n.Graph {
	case GraphRegular:
		return randomRegular(N, n.Degree, r)
	case GraphGnp:
		pr := n.P
		if n.MeanDegree > 0 {
			pr = n.MeanDegree / float64(N-1)
		}
		b := newCollector(false)
		if err := gen.Gnp(b, N, pr, r); err != nil {
			return nil, err
		}
		return b.graph(N), nil
	case GraphGnm:
		b := newCollector(true)
		m := int(math.Round(float64(N) * n.MeanDegree / 2))
		if err := gen.Gnm(b, N, m, r); err != nil {
			return nil, err
		}
		return b.graph(N), nil
	case GraphSmallWorld:
		return wattsStrogatz(N, n.Degree, n.Rewire, r), nil
	case GraphBA:
		return scaleFree(N, n.M, 0, r), nil
	case GraphHolmeKim:
		return scaleFree(N, n.M, n.Triad, r), nil
	case GraphLattice:
		lc := k.lattice
		lc.Side = N
		start, list := neighbours(lc, allLists)
		g := &Graph{Start: start, Adj: list}
		for i := range g.Nodes() {
			g.maxDeg = max(g.maxDeg, g.Degree(i))
		}
		return g, nil
	}
	return nil, fmt.Errorf("sim: no generator for graph %v", n.Graph)
}

// graphCache holds built graphs, at most graphCacheBytes of them (the
// oldest go first); each is built once even when runs ask at once.
type graphCache struct {
	mu    sync.Mutex
	m     map[graphKey]*cachedGraph
	order []graphKey
	bytes int64
}

type cachedGraph struct {
	once sync.Once
	g    *Graph // set under graphCache.mu, once built
	err  error
	done bool // built: its bytes are counted and it may be evicted
}

const graphCacheBytes = 1 << 30

var graphs = &graphCache{m: map[graphKey]*cachedGraph{}}

func (c *graphCache) get(k graphKey, build func() (*Graph, error)) (*Graph, error) {
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		e = &cachedGraph{}
		c.m[k] = e
		c.order = append(c.order, k)
	}
	c.mu.Unlock()
	e.once.Do(func() {
		g, err := build()
		c.mu.Lock()
		defer c.mu.Unlock()
		e.g, e.err, e.done = g, err, true
		if g == nil || c.m[k] != e {
			return // failed, or evicted while it was built: not counted
		}
		c.bytes += g.Bytes()
		// Evict the oldest built graphs (never this one, nor one still
		// being built) while over the bound.
		keep := c.order[:0]
		for _, old := range c.order {
			o := c.m[old]
			if c.bytes > graphCacheBytes && o != e && o.done {
				if o.g != nil {
					c.bytes -= o.g.Bytes()
				}
				delete(c.m, old)
				continue
			}
			keep = append(keep, old)
		}
		c.order = keep
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.g, e.err
}

// collector is a gonum graph.Builder that only records edges, so that
// gonum's generators fill our adjacency without a map-based graph in
// between (node ids are 0, 1, … in creation order). It answers
// HasEdgeBetween (for gen.Gnm) from a set kept only when asked for.
type collector struct {
	nodes int64
	edges [][2]int32
	set   map[[2]int32]struct{}
}

func newCollector(withSet bool) *collector {
	c := &collector{}
	if withSet {
		c.set = map[[2]int32]struct{}{}
	}
	return c
}

func (c *collector) NewNode() graph.Node                { return simple.Node(c.nodes) }
func (c *collector) AddNode(n graph.Node)               { c.nodes = max(c.nodes, n.ID()+1) }
func (c *collector) NewEdge(u, v graph.Node) graph.Edge { return simple.Edge{F: u, T: v} }
func (c *collector) SetEdge(e graph.Edge) {
	a, b := int32(e.From().ID()), int32(e.To().ID())
	if a > b {
		a, b = b, a
	}
	c.edges = append(c.edges, [2]int32{a, b})
	if c.set != nil {
		c.set[[2]int32{a, b}] = struct{}{}
	}
}

func (c *collector) HasEdgeBetween(x, y int64) bool {
	a, b := int32(x), int32(y)
	if a > b {
		a, b = b, a
	}
	_, ok := c.set[[2]int32{a, b}]
	return ok
}

func (c *collector) graph(n int) *Graph { return graphFromEdges(n, c.edges, false) }

// randomRegular draws a random k-regular graph on n nodes by the pairing
// of Steger and Wormald (1999), as networkx's random_regular_graph: pair
// the remaining stubs at random, keep the pairs that make new edges, and
// pair the rest again; start over when no usable pair is left. It is
// close to uniform for k small against n. gonum has no such generator.
func randomRegular(n, k int, r *rng.Xoshiro) (*Graph, error) {
	if k > (n-1)/2 && int64(n)*int64(n) <= 1<<28 {
		// Dense: pairing rarely succeeds, so draw the sparse complement,
		// (n−1−k)-regular, and complement it (the complement of a uniform
		// regular graph is uniform).
		h, err := randomRegular(n, n-1-k, r)
		if err != nil {
			return nil, err
		}
		return complement(h), nil
	}
	adj := make([]int32, n*k) // node u's neighbours: adj[u*k : u*k+deg[u]]
	deg := make([]int32, n)
	has := func(u, v int32) bool {
		for _, x := range adj[int(u)*k : int(u)*k+int(deg[u])] {
			if x == v {
				return true
			}
		}
		return false
	}
	stubs := make([]int32, 0, n*k)
	for attempt := 0; attempt < 1000; attempt++ {
		clear(deg)
		stubs = stubs[:0]
		for u := range n {
			for range k {
				stubs = append(stubs, int32(u))
			}
		}
		ok := true
		for len(stubs) > 0 && ok {
			rng.Shuffle(r, stubs)
			left := stubs[:0]
			added := 0
			for i := 0; i+1 < len(stubs); i += 2 {
				u, v := stubs[i], stubs[i+1]
				if u == v || has(u, v) {
					left = append(left, u, v)
					continue
				}
				adj[int(u)*k+int(deg[u])] = v
				deg[u]++
				adj[int(v)*k+int(deg[v])] = u
				deg[v]++
				added++
			}
			stubs = left
			if added == 0 {
				ok = suitable(stubs, has)
			}
		}
		if !ok {
			continue
		}
		edges := make([][2]int32, 0, n*k/2)
		for u := range n {
			for _, v := range adj[u*k : u*k+k] {
				if int32(u) < v {
					edges = append(edges, [2]int32{int32(u), v})
				}
			}
		}
		return graphFromEdges(n, edges, false), nil
	}
	return nil, fmt.Errorf("sim: no random %d-regular graph on %d nodes after 1000 attempts", k, n)
}

// complement returns the graph joining exactly the pairs g does not.
func complement(g *Graph) *Graph {
	n := g.Nodes()
	var edges [][2]int32
	for u := range n {
		nb := g.Neighbours(u) // sorted
		k := 0
		for v := u + 1; v < n; v++ {
			for k < len(nb) && int(nb[k]) < v {
				k++
			}
			if k < len(nb) && int(nb[k]) == v {
				continue
			}
			edges = append(edges, [2]int32{int32(u), int32(v)})
		}
	}
	return graphFromEdges(n, edges, false)
}

// suitable reports whether two of the remaining stubs could still be
// joined.
func suitable(stubs []int32, has func(u, v int32) bool) bool {
	for i, u := range stubs {
		for _, v := range stubs[i+1:] {
			if u != v && !has(u, v) {
				return true
			}
		}
	}
	return false
}

// wattsStrogatz builds the Watts–Strogatz small world (Nature 1998): a
// ring where every node joins the k/2 nearest on each side, then each
// edge (i, i+j), for j = 1…k/2 and i in order, is rewired with probability
// beta: its far end moves to a uniformly random node that is neither i
// nor already i's neighbour (as networkx's watts_strogatz_graph). gonum's
// SmallWorldsBB is another model (Batagelj–Brandes), empty at p = 0.
func wattsStrogatz(n, k int, beta float64, r *rng.Xoshiro) *Graph {
	nb := make([][]int32, n)
	for i := range n {
		for j := 1; j <= k/2; j++ {
			v := int32((i + j) % n)
			nb[i] = append(nb[i], v)
			nb[v] = append(nb[v], int32(i))
		}
	}
	has := func(u, v int32) bool {
		for _, x := range nb[u] {
			if x == v {
				return true
			}
		}
		return false
	}
	remove := func(u, v int32) {
		row := nb[u]
		for t, x := range row {
			if x == v {
				row[t] = row[len(row)-1]
				nb[u] = row[:len(row)-1]
				return
			}
		}
	}
	thr := rng.Threshold(beta)
	for j := 1; j <= k/2; j++ {
		for i := range n {
			u, v := int32(i), int32((i+j)%n)
			if uint64(r.Uint32()) >= thr || len(nb[u]) >= n-1 || !has(u, v) {
				continue
			}
			w := int32(r.IntN(n))
			for w == u || has(u, w) {
				w = int32(r.IntN(n))
			}
			remove(u, v)
			remove(v, u)
			nb[u] = append(nb[u], w)
			nb[w] = append(nb[w], u)
		}
	}
	var edges [][2]int32
	for u := range n {
		for _, v := range nb[u] {
			if int32(u) < v {
				edges = append(edges, [2]int32{int32(u), v})
			}
		}
	}
	return graphFromEdges(n, edges, false)
}

// scaleFree grows a Holme–Kim graph (Phys. Rev. E 65, 026107, 2002),
// Barabási–Albert's when triad is 0: from a complete graph on m+1 nodes,
// each new node brings m edges to distinct older nodes. The first goes to
// a node drawn ∝ degree (preferential attachment: a uniformly random end
// of a uniformly random edge); each further one, with probability triad,
// to a uniformly random neighbour of the last node reached by attachment
// that the new node has not joined yet (triad formation; attachment
// again if there is none), and otherwise by attachment. It runs in
// O(n·m) time and memory: gonum's PreferentialAttachment and
// TunableClusteringScaleFree reweigh every node at every step (O(n²)),
// and the latter visits neighbours in map order, which is not
// reproducible.
func scaleFree(n, m int, triad float64, r *rng.Xoshiro) *Graph {
	edges := make([][2]int32, 0, m*(m+1)/2+(n-m-1)*m)
	ends := make([]int32, 0, 2*cap(edges)) // every edge's two ends: degree-proportional draws
	var nb [][]int32                       // adjacency, kept for triad formation only
	if triad > 0 {
		nb = make([][]int32, n)
	}
	link := func(u, v int32) {
		edges = append(edges, [2]int32{u, v})
		ends = append(ends, u, v)
		if nb != nil {
			nb[u] = append(nb[u], v)
			nb[v] = append(nb[v], u)
		}
	}
	for u := range m + 1 {
		for v := range u {
			link(int32(v), int32(u))
		}
	}
	thr := rng.Threshold(triad)
	chosen := make([]int32, 0, m)
	in := func(x int32) bool {
		for _, c := range chosen {
			if c == x {
				return true
			}
		}
		return false
	}
	for v := m + 1; v < n; v++ {
		chosen = chosen[:0]
		last := int32(-1)
		for e := range m {
			target := int32(-1)
			if e > 0 && thr > 0 && uint64(r.Uint32()) < thr {
				// Neighbours of last not joined yet: at most e of its
				// neighbours are, so rejection ends unless all are.
				row := nb[last]
				free := 0
				for _, x := range row {
					if !in(x) {
						free++
					}
				}
				if free > 0 {
					for target < 0 || in(target) {
						target = row[r.IntN(len(row))]
					}
				}
			}
			if target < 0 {
				for target < 0 || in(target) {
					target = ends[r.IntN(len(ends))]
				}
				last = target
			}
			chosen = append(chosen, target)
		}
		for _, t := range chosen {
			link(t, int32(v))
		}
	}
	return graphFromEdges(n, edges, false)
}

// GraphSummary describes a network platform's graph, as validate prints
// it and manifests record it.
type GraphSummary struct {
	Family            string  `json:"graph"`
	Description       string  `json:"description"`
	Nodes             int     `json:"nodes"`
	Edges             int     `json:"edges"`
	MeanDegree        float64 `json:"mean_degree"`
	MaxDegree         int     `json:"max_degree"`
	Isolated          int     `json:"isolated_nodes"`
	Clustering        float64 `json:"clustering"`
	MeanInverseDegree float64 `json:"mean_inverse_degree"`
	// EffectiveAlpha is the chance that a visited node's donor is its
	// partner (Graph.DonorIsPartner, with the platform's feed).
	EffectiveAlpha float64 `json:"effective_alpha"`
	SelfLoops      int     `json:"dropped_self_loops,omitempty"`
	Duplicates     int     `json:"dropped_duplicate_edges,omitempty"`
	// Seed is the fixed graph's seed, or "replicate" (each replicate
	// draws its own from its stream; the numbers describe the fixed one).
	Seed string `json:"graph_seed"`
}

// Summary describes the platform's fixed graph (false if it is not a
// valid network).
func (p PlatformConfig) Summary() (GraphSummary, bool) {
	g := p.Graph()
	if g == nil {
		return GraphSummary{}, false
	}
	n := p.Network
	s := GraphSummary{Family: n.Graph.String(), Description: p.GraphDescription(), Nodes: g.Nodes(), Edges: g.Edges(), MeanDegree: g.MeanDegree(),
		MaxDegree: g.MaxDegree(), Isolated: g.Isolated(), Clustering: g.Clustering(), MeanInverseDegree: g.MeanInverseDegree(),
		EffectiveAlpha: g.DonorIsPartner(p.Lattice.Feed, p.Lattice.FeedBias), SelfLoops: g.SelfLoops, Duplicates: g.Duplicates,
		Seed: fmt.Sprint(n.Seed)}
	if n.Graph == GraphEdges {
		s.Seed = "none (a file)"
	} else if n.SeedMode == GraphReplicate {
		s.Seed = "replicate"
	}
	return s, true
}

// GraphDescription names a network's graph in words.
func (p PlatformConfig) GraphDescription() string {
	n := p.Network
	switch n.Graph {
	case GraphRegular:
		return fmt.Sprintf("random %d-regular graph on %d nodes", n.Degree, n.Nodes)
	case GraphGnp:
		if n.MeanDegree > 0 {
			return fmt.Sprintf("Erdős–Rényi G(n = %d, p = %.4g/(n−1))", n.Nodes, n.MeanDegree)
		}
		return fmt.Sprintf("Erdős–Rényi G(n = %d, p = %.4g)", n.Nodes, n.P)
	case GraphGnm:
		return fmt.Sprintf("Erdős–Rényi G(n = %d, m = %d)", n.Nodes, int(math.Round(float64(n.Nodes)*n.MeanDegree/2)))
	case GraphSmallWorld:
		return fmt.Sprintf("Watts–Strogatz small world on %d nodes, ring degree %d, rewiring %.4g", n.Nodes, n.Degree, n.Rewire)
	case GraphBA:
		return fmt.Sprintf("Barabási–Albert graph on %d nodes, m = %d", n.Nodes, n.M)
	case GraphHolmeKim:
		return fmt.Sprintf("Holme–Kim graph on %d nodes, m = %d, triad probability %.4g", n.Nodes, n.M, n.Triad)
	case GraphLattice:
		lc := p.Lattice.WithDefaults()
		return fmt.Sprintf("%d×%d lattice graph (%s r = %d, %s)", n.Nodes, n.Nodes, lc.Neighborhood, lc.Radius, lc.Boundary)
	case GraphEdges:
		return "edge list " + n.EdgesFile
	}
	return n.Graph.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Describe says in a line what a platform's population is.
func (p PlatformConfig) Describe() string {
	switch p.Kind {
	case KindLattice:
		return fmt.Sprintf("%d×%d lattice, %d agents, effective α %.4g", p.Lattice.Side, p.Lattice.Side, p.StartAgents(), p.Model.Alpha)
	case KindNetwork:
		s, ok := p.Summary()
		if !ok {
			return "network: " + p.GraphDescription()
		}
		out := fmt.Sprintf("network: %s; %d nodes, %d edges, mean degree %.4g (largest %d), clustering %.4g; %d agents, effective α %.4g (mean 1/k %.4g)",
			s.Description, s.Nodes, s.Edges, s.MeanDegree, s.MaxDegree, s.Clustering, p.StartAgents(), s.EffectiveAlpha, s.MeanInverseDegree)
		if s.Isolated > 0 {
			out += "; " + plural(s.Isolated, "isolated node", "isolated nodes") + " (no games; learning from the feed only; mean 1/k is over the others, α counts them 0)"
		}
		if s.SelfLoops+s.Duplicates > 0 {
			out += fmt.Sprintf("; dropped %s and %s", plural(s.SelfLoops, "self-loop", "self-loops"), plural(s.Duplicates, "repeated edge", "repeated edges"))
		}
		if p.Lattice.Feed > 0 {
			out += fmt.Sprintf("; feed %.4g (%s)", p.Lattice.Feed, p.Lattice.FeedBias)
		}
		return out
	}
	return fmt.Sprintf("well-mixed, %d agents", p.Agents)
}

// Work estimates what a platform will cost before anything is built:
// its sites (agents of a well-mixed platform), the entries of its
// neighbour lists (2 × edges of a graph, the expected number for random
// families; sites × neighbours of a lattice), and the games it can play
// in a generation. Callers that run worlds for others (the teaching page)
// bound them before building a graph or a world.
func (p PlatformConfig) Work() (sites, links, games int64) {
	switch p.Kind {
	case KindWellMixed:
		return int64(p.Agents), 0, int64(p.Agents)
	case KindLattice:
		lc := p.Lattice.WithDefaults()
		s := int64(lc.Side) * int64(lc.Side)
		k := int64(lc.MaxNeighbours())
		return s, s * k, s * int64(lc.Rounds) * (1 + k)
	}
	n := p.Network
	N := int64(p.NodeCount())
	var deg float64
	switch n.Graph {
	case GraphRegular, GraphSmallWorld:
		deg = float64(n.Degree)
	case GraphGnp:
		deg = n.MeanDegree
		if deg == 0 {
			deg = n.P * float64(N-1)
		}
	case GraphGnm:
		deg = n.MeanDegree
	case GraphBA, GraphHolmeKim:
		deg = 2 * float64(n.M)
	case GraphLattice:
		deg = float64(p.Lattice.WithDefaults().MaxNeighbours())
	case GraphEdges:
		if n.EdgesGraph != nil {
			deg = n.EdgesGraph.MeanDegree()
		}
	}
	l := int64(math.Min(float64(N)*deg, math.MaxInt64/4))
	rounds := int64(p.Lattice.WithDefaults().Rounds)
	return N, l, rounds * (N + l) // an initiator's game, and its neighbours' as partners
}
