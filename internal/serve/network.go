package serve

import (
	"math"

	"github.com/culturesim/culturesim/sim"
)

// maxDrawNodes bounds a network's drawn sample.
const maxDrawNodes = 160

// NetDrawing is a sample of a network platform's nodes, laid out for the
// page: the nodes a breadth-first search from the best-connected node
// reaches first (a neighbourhood of the graph, as a user's view of it),
// their positions in [0, 1]² and the edges among them.
type NetDrawing struct {
	Description string     `json:"description"`
	Nodes       int        `json:"nodes"`
	Edges       int        `json:"edges"`
	MeanDegree  float64    `json:"meanDegree"`
	Alpha       float64    `json:"alpha"` // the effective α (sim.Graph.DonorIsPartner)
	X           []float64  `json:"x"`
	Y           []float64  `json:"y"`
	Links       [][2]int32 `json:"links"`
	sample      []int32    // the sampled nodes, in drawing order
	graph       *sim.Graph // the graph it was drawn from
}

// drawing returns platform k's drawing (nil unless it is a network),
// made once for each graph the session's world runs on.
func (s *session) drawing(k int) *NetDrawing {
	g := s.world.Graph(k)
	if g == nil || s.cfg.Platforms[k].Kind != sim.KindNetwork {
		return nil
	}
	if len(s.drawings) != len(s.cfg.Platforms) {
		s.drawings = make([]*NetDrawing, len(s.cfg.Platforms))
	}
	if d := s.drawings[k]; d != nil && d.graph == g {
		return d
	}
	pc := s.cfg.Platforms[k]
	d := &NetDrawing{Description: pc.GraphDescription(), Nodes: g.Nodes(), Edges: g.Edges(), MeanDegree: g.MeanDegree(),
		Alpha: g.DonorIsPartner(pc.Lattice.Feed, pc.Lattice.FeedBias), graph: g}
	d.sample = bfsSample(g, maxDrawNodes)
	at := make(map[int32]int32, len(d.sample))
	for i, v := range d.sample {
		at[v] = int32(i)
	}
	for i, v := range d.sample {
		for _, u := range g.Neighbours(int(v)) {
			if j, ok := at[u]; ok && int32(i) < j {
				d.Links = append(d.Links, [2]int32{int32(i), j})
			}
		}
	}
	d.X, d.Y = springLayout(len(d.sample), d.Links)
	s.drawings[k] = d
	return d
}

// bfsSample lists up to n nodes in breadth-first order from the node of
// largest degree (the lowest such), continuing from the next unvisited
// node when a component is exhausted.
func bfsSample(g *sim.Graph, n int) []int32 {
	N := g.Nodes()
	start := 0
	for i := range N {
		if g.Degree(i) > g.Degree(start) {
			start = i
		}
	}
	seen := make([]bool, N)
	out := make([]int32, 0, min(n, N))
	queue := []int32{int32(start)}
	seen[start] = true
	next := 0
	for len(out) < cap(out) {
		if len(queue) == 0 {
			for next < N && seen[next] {
				next++
			}
			queue = append(queue, int32(next))
			seen[next] = true
		}
		v := queue[0]
		queue = queue[1:]
		out = append(out, v)
		for _, u := range g.Neighbours(int(v)) {
			if !seen[u] {
				seen[u] = true
				queue = append(queue, u)
			}
		}
	}
	return out
}

// springLayout places n nodes by Fruchterman and Reingold's force-directed
// method (1991), from a circle in sample order, with no randomness: the
// same graph gives the same picture. Positions are scaled into [0, 1]².
func springLayout(n int, links [][2]int32) (xs, ys []float64) {
	xs, ys = make([]float64, n), make([]float64, n)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(max(n, 1))
		r := 0.5 * math.Sqrt(float64(i+1)/float64(n))
		xs[i], ys[i] = r*math.Cos(a*7.1), r*math.Sin(a*7.1)
	}
	if n < 2 {
		return xs, ys
	}
	k := math.Sqrt(1 / float64(n)) // the ideal edge length in a unit square
	dx, dy := make([]float64, n), make([]float64, n)
	temp := 0.1
	for it := 0; it < 250; it++ {
		clear(dx)
		clear(dy)
		for i := range n {
			for j := i + 1; j < n; j++ {
				ex, ey := xs[i]-xs[j], ys[i]-ys[j]
				d2 := math.Max(ex*ex+ey*ey, 1e-9)
				f := k * k / d2 // repulsion k²/d, along the unit vector
				dx[i] += ex * f
				dy[i] += ey * f
				dx[j] -= ex * f
				dy[j] -= ey * f
			}
		}
		for _, l := range links {
			i, j := l[0], l[1]
			ex, ey := xs[i]-xs[j], ys[i]-ys[j]
			d := math.Max(math.Hypot(ex, ey), 1e-9)
			f := d / k // attraction d²/k
			dx[i] -= ex * f
			dy[i] -= ey * f
			dx[j] += ex * f
			dy[j] += ey * f
		}
		for i := range n {
			// A weak pull to the centre keeps components together.
			dx[i] -= 0.05 * xs[i] / k
			dy[i] -= 0.05 * ys[i] / k
			d := math.Max(math.Hypot(dx[i], dy[i]), 1e-12)
			step := math.Min(d, temp)
			xs[i] += dx[i] / d * step
			ys[i] += dy[i] / d * step
		}
		temp = math.Max(temp*0.98, 0.002)
	}
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range n {
		x0, x1 = math.Min(x0, xs[i]), math.Max(x1, xs[i])
		y0, y1 = math.Min(y0, ys[i]), math.Max(y1, ys[i])
	}
	span := math.Max(math.Max(x1-x0, y1-y0), 1e-9)
	for i := range n {
		xs[i] = 0.03 + 0.94*(xs[i]-x0)/span
		ys[i] = 0.03 + 0.94*(ys[i]-y0)/span
	}
	return xs, ys
}
