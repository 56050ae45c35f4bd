package sim

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/model"
)

// Graph is an undirected simple graph in compressed sparse rows, the
// network engine's adjacency: node i's neighbours are
// Adj[Start[i]:Start[i+1]]. It is immutable once built and shared by
// every run that uses it.
type Graph struct {
	Start []int32 // len Nodes()+1
	Adj   []int32 // both directions of every edge
	// From a file: the lines' self-loops and repeated edges, dropped.
	SelfLoops, Duplicates int
	maxDeg                int
}

// Nodes is the number of nodes.
func (g *Graph) Nodes() int { return len(g.Start) - 1 }

// Edges is the number of (undirected) edges.
func (g *Graph) Edges() int { return len(g.Adj) / 2 }

// Degree is node i's number of neighbours.
func (g *Graph) Degree(i int) int { return int(g.Start[i+1] - g.Start[i]) }

// Neighbours returns node i's neighbours (the graph's own slice).
func (g *Graph) Neighbours(i int) []int32 { return g.Adj[g.Start[i]:g.Start[i+1]] }

// MaxDegree is the largest degree.
func (g *Graph) MaxDegree() int { return g.maxDeg }

// MeanDegree is 2·edges/nodes.
func (g *Graph) MeanDegree() float64 { return float64(len(g.Adj)) / float64(g.Nodes()) }

// Isolated counts the nodes without neighbours.
func (g *Graph) Isolated() int {
	n := 0
	for i := range g.Nodes() {
		if g.Start[i+1] == g.Start[i] {
			n++
		}
	}
	return n
}

// Bytes is the adjacency's memory.
func (g *Graph) Bytes() int64 { return 4 * int64(len(g.Start)+len(g.Adj)) }

// MeanInverseDegree is the mean of 1/k over the nodes that have
// neighbours: the probability that a node's random transmission
// neighbour is its interaction partner, averaged over nodes (1/k on a
// k-regular graph).
func (g *Graph) MeanInverseDegree() float64 {
	var s float64
	n := 0
	for i := range g.Nodes() {
		if k := g.Degree(i); k > 0 {
			s += 1 / float64(k)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// DonorIsPartner is the probability, over a uniformly random visited node
// of a full network, that its horizontal donor is its interaction
// partner: (1 − feed)/k from its neighbours, plus feed × the chance that
// the feed draws the partner (1/(N−1) uniform; k_j/(K − k_i) by degree,
// K the degree sum). Fitness-biased feeds are taken at equal fitness,
// as uniform. Nodes without neighbours play no game and count 0. It is
// the graph's effective α (MODEL.md §3's α: donor and partner coincide).
func (g *Graph) DonorIsPartner(feed float64, bias FeedBias) float64 {
	N := g.Nodes()
	K := float64(len(g.Adj))
	var s float64
	for i := range N {
		nb := g.Neighbours(i)
		k := float64(len(nb))
		if k == 0 {
			continue
		}
		local := 1 / k
		var viaFeed float64
		switch {
		case feed == 0:
		case bias == FeedDegree:
			for _, j := range nb {
				viaFeed += float64(g.Degree(int(j))) / (K - k)
			}
			viaFeed /= k
		default:
			viaFeed = 1 / float64(N-1)
		}
		s += float64((1-feed)*local) + float64(feed*viaFeed)
	}
	return s / float64(N)
}

// Clustering is the average local clustering coefficient: over the nodes
// of degree ≥ 2, the fraction of pairs of neighbours that are adjacent
// (nodes of degree < 2 count 0, as networkx's average_clustering). Each
// triangle is found once, from its lowest-ranked corner along edges
// oriented from lower to higher (degree, index): O(E^1.5), a second for a
// 10⁶-node scale-free graph, where visiting every node's neighbours'
// neighbours would cost Σ k².
func (g *Graph) Clustering() float64 {
	N := g.Nodes()
	less := func(u, v int32) bool {
		du, dv := g.Degree(int(u)), g.Degree(int(v))
		return du < dv || du == dv && u < v
	}
	start := make([]int32, N+1)
	for u := range int32(N) {
		for _, v := range g.Neighbours(int(u)) {
			if less(u, v) {
				start[u+1]++
			}
		}
	}
	for u := range N {
		start[u+1] += start[u]
	}
	out := make([]int32, start[N])
	fill := slices.Clone(start[:N])
	for u := range int32(N) {
		for _, v := range g.Neighbours(int(u)) {
			if less(u, v) {
				out[fill[u]] = v
				fill[u]++
			}
		}
	}
	tri := make([]int64, N)
	mark := make([]int32, N)
	for i := range mark {
		mark[i] = -1
	}
	for u := range int32(N) {
		row := out[start[u]:start[u+1]]
		for _, v := range row {
			mark[v] = u
		}
		for _, v := range row {
			for _, w := range out[start[v]:start[v+1]] {
				if mark[w] == u {
					tri[u]++
					tri[v]++
					tri[w]++
				}
			}
		}
	}
	var s float64
	for i := range N {
		if k := float64(g.Degree(i)); k >= 2 {
			s += 2 * float64(tri[i]) / (k * (k - 1))
		}
	}
	return s / float64(N)
}

// blocks returns local selection's blocks: each node, then its
// neighbours.
func (g *Graph) blocks() (start, list []int32) {
	N := g.Nodes()
	start = make([]int32, N+1)
	list = make([]int32, 0, N+len(g.Adj))
	for i := range N {
		list = append(list, int32(i))
		list = append(list, g.Neighbours(i)...)
		start[i+1] = int32(len(list))
	}
	return start, list
}

// MaxGraphNodes bounds a network's nodes (node indices are int32, and the
// engine keeps about 40 bytes a node besides the adjacency).
const MaxGraphNodes = 1 << 27

// graphFromEdges builds the graph of n nodes with the given edges (node
// indices in [0, n)), dropping and counting self-loops and repeated
// edges. With keepOrder, each node's neighbours stay in the order the
// edges list them (the lattice graph keeps the lattice engine's order);
// otherwise they are sorted.
func graphFromEdges(n int, edges [][2]int32, keepOrder bool) *Graph {
	g := &Graph{Start: make([]int32, n+1)}
	for _, e := range edges {
		if e[0] == e[1] {
			g.SelfLoops++
			continue
		}
		g.Start[e[0]+1]++
		g.Start[e[1]+1]++
	}
	for i := range n {
		g.Start[i+1] += g.Start[i]
	}
	g.Adj = make([]int32, g.Start[n])
	fill := slices.Clone(g.Start[:n])
	for _, e := range edges {
		if e[0] == e[1] {
			continue
		}
		g.Adj[fill[e[0]]] = e[1]
		fill[e[0]]++
		g.Adj[fill[e[1]]] = e[0]
		fill[e[1]]++
	}
	if !keepOrder {
		// Sort and drop repeats in place, compacting the rows.
		w := int32(0)
		for i := range n {
			row := g.Adj[g.Start[i]:g.Start[i+1]]
			slices.Sort(row)
			g.Start[i] = w
			for k, x := range row {
				if k > 0 && x == row[k-1] {
					g.Duplicates++
					continue
				}
				g.Adj[w] = x
				w++
			}
		}
		g.Start[n] = w
		g.Adj = g.Adj[:w:w]
		g.Duplicates /= 2 // each repeat was seen from both ends
	}
	for i := range n {
		g.maxDeg = max(g.maxDeg, g.Degree(i))
	}
	return g
}

// EdgeListError is a problem with an edge-list file: Line is its 1-based
// line (0 for the file as a whole).
type EdgeListError struct {
	File string
	Line int
	Msg  string
}

func (e *EdgeListError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// ReadEdgeList reads an undirected edge list: one edge a line, two
// integer node ids separated by white space or a comma; "#" starts a
// comment; a line with a single id declares a node, which may stay
// isolated. Ids are any 64-bit integers, renumbered densely in
// increasing order (node i is the i-th smallest id). Self-loops and
// repeated edges (either direction) are dropped and counted. A gzip file
// (by its magic number) is decompressed. name labels errors.
func ReadEdgeList(name string, rd io.Reader) (g *Graph, ids []int64, err error) {
	br := bufio.NewReaderSize(rd, 1<<16)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &EdgeListError{File: name, Msg: "not a readable gzip file: " + err.Error()}
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var pairs [][2]int64
	var lone []int64
	line := 0
	fail := func(format string, a ...any) (*Graph, []int64, error) {
		return nil, nil, &EdgeListError{File: name, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' })
		var v [2]int64
		for k, f := range fields {
			if k == 2 {
				return fail("%d fields; a line holds one edge (two node ids) or one node id", len(fields))
			}
			x, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return fail("%q is not an integer node id", f)
			}
			v[k] = x
		}
		switch len(fields) {
		case 1:
			lone = append(lone, v[0])
		case 2:
			pairs = append(pairs, v)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			line++
			return fail("a line longer than 1 MiB")
		}
		return nil, nil, &EdgeListError{File: name, Line: line, Msg: err.Error()}
	}
	ids = make([]int64, 0, 2*len(pairs)+len(lone))
	for _, p := range pairs {
		ids = append(ids, p[0], p[1])
	}
	ids = append(ids, lone...)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	line = 0
	switch {
	case len(ids) == 0:
		return fail("no nodes: the edge list is empty")
	case len(pairs) == 0:
		return fail("no edges: %d nodes and nothing joining them", len(ids))
	case len(ids) > MaxGraphNodes:
		return fail("%d nodes; at most %d", len(ids), MaxGraphNodes)
	}
	edges := make([][2]int32, len(pairs))
	for k, p := range pairs {
		a, _ := slices.BinarySearch(ids, p[0])
		b, _ := slices.BinarySearch(ids, p[1])
		edges[k] = [2]int32{int32(a), int32(b)}
	}
	g = graphFromEdges(len(ids), edges, false)
	if g.Edges() == 0 {
		return fail("no edges: every line is a self-loop")
	}
	return g, ids, nil
}

// graphCheck reports a graph the engine cannot run: 16-bit game counters
// hold at most 65535 games a node a generation.
func graphCheck(g *Graph, rounds int) error {
	if rounds*(1+g.MaxDegree()) > math.MaxUint16 {
		return &model.FieldError{Path: "rounds", Value: rounds, Domain: fmt.Sprintf("[1, %d] on a graph of largest degree %d (at most 65535 games a node a generation)", math.MaxUint16/(1+g.MaxDegree()), g.MaxDegree())}
	}
	return nil
}
