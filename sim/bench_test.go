package sim

import (
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// BenchmarkLatticeGeneration is the speed target: one 100×100
// generation, the paper's parameters, ≤ 50 µs under global selection and
// ≤ 90 µs under local (on one core).
func BenchmarkLatticeGeneration(b *testing.B) {
	for _, sel := range []Selection{Global, Local} {
		b.Run(sel.String(), func(b *testing.B) { benchLattice(b, LatticeConfig{Side: 100, Selection: sel}) })
	}
}

// warmUp plays one untimed generation, outside the allocation count:
// banded play lays out its lists on first use, which is set-up, not a
// generation's cost (culturesim bench reads the heap after one too).
func warmUp(lt *Lattice, r *rng.Xoshiro) {
	lt.repolymorph(r)
	lt.Step(r)
}

// benchLattice times generations of a lattice of the paper's parameters,
// kept polymorphic, and reports the cost per site.
func benchLattice(b *testing.B, cfg LatticeConfig) {
	r := rng.New(1)
	lt, err := NewLattice(fig4cParams, cfg, 0.5, r)
	if err != nil {
		b.Fatal(err)
	}
	warmUp(lt, r)
	b.ReportAllocs()
	for b.Loop() {
		lt.repolymorph(r)
		lt.Step(r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lt.N), "ns/site")
	if bp := lt.bands; bp != nil {
		// Banded play: the share of the last round's initiators that
		// band edges deferred (pass 1) and deferred again (pass 2).
		m := 0
		for _, l := range bp.lists {
			m += len(l)
		}
		b.ReportMetric(100*float64(bp.deferred[0])/float64(m), "%deferred")
		b.ReportMetric(100*float64(bp.deferred[1])/float64(m), "%deferred-twice")
	}
}

// BenchmarkWellMixedGeneration: ≤ 4 ns per agent per generation at
// N = 10^6 (the target). A population that no migration reaches
// is packed and costs the same at any N; "agents" is the generation agent
// by agent, as on a platform that migration can reach.
func BenchmarkWellMixedGeneration(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		for _, agents := range []bool{false, true} {
			name := itoa(n)
			if agents {
				name += "-agents"
			}
			b.Run(name, func(b *testing.B) {
				r := rng.New(1)
				w, err := NewWellMixed(coexistParams, n, coexistA, r)
				if err != nil {
					b.Fatal(err)
				}
				step := w.Step
				if agents {
					w.unpack(r)
					step = w.stepAgents
				}
				b.ReportAllocs()
				for b.Loop() {
					step(r)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/agent")
			})
		}
	}
}

// BenchmarkWorldOnePlatform is the executor's path: every run is a world,
// and a world of one platform that nothing touches must cost what its
// single population costs (BenchmarkLatticeGeneration,
// BenchmarkWellMixedGeneration at N = 10^6), within 5% — except for the
// world's own bookkeeping, about 50 ns a generation, which shows against
// a packed well-mixed generation of under half a microsecond.
func BenchmarkWorldOnePlatform(b *testing.B) {
	for _, sel := range []Selection{Global, Local} {
		b.Run("lattice-"+sel.String(), func(b *testing.B) {
			r := rng.New(1)
			w, err := NewWorld(WorldConfig{Platforms: []PlatformConfig{{Name: "grid", Kind: KindLattice, InitialA: 0.5, Model: fig4cParams,
				Lattice: LatticeConfig{Side: 100, Selection: sel}}}, Generations: 1}, r)
			if err != nil {
				b.Fatal(err)
			}
			lt := w.plats[0].(*latticePlatform).lt
			b.ReportAllocs()
			for b.Loop() {
				lt.repolymorph(r) // keep it polymorphic
				w.Step(r)
			}
		})
	}
	b.Run("wellmixed-1000000", func(b *testing.B) {
		const n = 1_000_000
		r := rng.New(1)
		w, err := NewWorld(WorldConfig{Platforms: []PlatformConfig{{Name: "crowd", Agents: n, InitialA: coexistA, Model: coexistParams}}, Generations: 1}, r)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			w.Step(r)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/agent")
	})
}

// BenchmarkWorldMigration: a generation of the TikTok scenarios' path
// (migrationWorld), per agent.
func BenchmarkWorldMigration(b *testing.B) {
	r := rng.New(1)
	w, err := migrationWorld(r)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		w.Step(r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/150_000, "ns/agent")
}

func itoa(n int) string {
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

// BenchmarkNetworkGeneration: one generation on a 10,000-node random
// 8-regular graph (the paper's parameters, as BenchmarkLatticeGeneration
// on 100×100 = 10,000 sites), within 1.5× of the lattice; and on a
// 10⁶-node Barabási–Albert graph (m = 4), per node.
func BenchmarkNetworkGeneration(b *testing.B) {
	cases := []struct {
		name string
		net  NetworkConfig
		sel  Selection
	}{
		{"regular8-10000-global", NetworkConfig{Graph: GraphRegular, Nodes: 10_000, Degree: 8}, Global},
		{"regular8-10000-local", NetworkConfig{Graph: GraphRegular, Nodes: 10_000, Degree: 8}, Local},
		{"regular8-1000000-global", NetworkConfig{Graph: GraphRegular, Nodes: 1_000_000, Degree: 8}, Global},
		{"ba4-1000000-global", NetworkConfig{Graph: GraphBA, Nodes: 1_000_000, M: 4}, Global},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			pc := PlatformConfig{Kind: KindNetwork, Network: c.net}
			g, err := pc.BuildGraph(1, false)
			if err != nil {
				b.Fatal(err)
			}
			r := rng.New(1)
			lt := newLattice(fig4cParams, LatticeConfig{Graph: g, Selection: c.sel}, 0.5, g.Nodes(), 0, r)
			warmUp(lt, r)
			b.ReportAllocs()
			for b.Loop() {
				lt.repolymorph(r) // keep it polymorphic
				lt.Step(r)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.Nodes()), "ns/node")
		})
	}
}

// BenchmarkBuildBA: a 10⁶-node Barabási–Albert graph (m = 4) builds in
// under 10 s; its adjacency's size is reported.
func BenchmarkBuildBA(b *testing.B) {
	pc := PlatformConfig{Kind: KindNetwork, Network: NetworkConfig{Graph: GraphBA, Nodes: 1_000_000, M: 4}}
	var g *Graph
	for b.Loop() {
		g, _ = pc.BuildGraph(2, false)
	}
	b.ReportMetric(float64(g.Bytes())/(1<<20), "MiB-adjacency")
}

// BenchmarkLatticeScale: the per-site cost of a generation (global
// selection, the paper's parameters) from L = 100 to L = 4000.
func BenchmarkLatticeScale(b *testing.B) {
	for _, side := range []int{100, 1000, 4000} {
		b.Run(itoa(side), func(b *testing.B) { benchLattice(b, LatticeConfig{Side: side}) })
	}
}
