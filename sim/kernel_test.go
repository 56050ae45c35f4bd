package sim

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// TestKernelsMatchGo holds the assembly play loops to the Go loops they
// transcribe: the same generations, from the same seed, with the kernels
// on and off, must leave the same phenotypes, the same counters and the
// same generator, bit for bit. The shapes cover edge sites everywhere
// (L = 2, 3), both neighbourhood sizes the box kernel serves (8 and 4),
// tori, and regular graphs of degree 2, 4 and 8.
func TestKernelsMatchGo(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	shapes := boxShapes(2, 3, 5, 37, 100)
	// "sum" fitness clamps negative values (the kernel counts them).
	shapes = append(shapes, shape{"L37-sum", LatticeConfig{Side: 37, Fitness: FitnessSum}})
	for _, k := range []int{2, 4, 8} {
		g, err := randomRegular(500, k, rng.New(uint64(k)))
		if err != nil {
			t.Fatal(err)
		}
		shapes = append(shapes, shape{fmt.Sprintf("regular%d", k), LatticeConfig{Graph: g}})
	}
	params := fig4cParams
	params.TA, params.TB = 0.3, 0.65 // unequal, so that a swapped threshold shows
	params.C = 0.6                   // so that "sum" fitness goes negative
	for _, s := range shapes {
		for _, sel := range []Selection{Global, Local} {
			s.cfg.Selection = sel
			t.Run(s.name+"-"+sel.String(), func(t *testing.T) {
				run := func(on, avx2 bool) (phen [][]uint8, cnt [][]uint16, fit [][]float64, stats []GenStats, next uint64) {
					kernelOn, avx2On = on, avx2
					defer func() { kernelOn, avx2On = kernelAsm, hasAVX2 }()
					r := rng.New(7)
					n := 500
					if s.cfg.Graph == nil {
						n = s.cfg.Side * s.cfg.Side
					}
					lt := newLattice(params, s.cfg, 0.5, n, 0, r)
					if lt.cnt16 == nil {
						t.Fatal("expected uint16 counters")
					}
					for range 40 {
						lt.repolymorph(r)
						stats = append(stats, lt.Step(r))
						phen = append(phen, slices.Clone(lt.Phenotypes()))
						cnt = append(cnt, slices.Clone(lt.cnt16))
						fit = append(fit, slices.Clone(lt.w))
					}
					return phen, cnt, fit, stats, r.Uint64()
				}
				pG, cG, fG, sG, rG := run(false, false)
				for _, avx2 := range []bool{false, hasAVX2} { // the SSE2 kernels, then (where there are) the AVX2 ones
					pA, cA, fA, sA, rA := run(true, avx2)
					if s.cfg.Fitness == FitnessSum && !slices.ContainsFunc(sA, func(st GenStats) bool { return st.Clamped > 0 }) {
						t.Fatal(`"sum" fitness never clamped: the case tests nothing`)
					}
					for g := range pA {
						if !slices.Equal(pA[g], pG[g]) || !slices.Equal(cA[g], cG[g]) {
							t.Fatalf("AVX2 %v, generation %d: the kernel's phenotypes or counters differ from Go's", avx2, g)
						}
						if !slices.Equal(fA[g], fG[g]) || sA[g] != sG[g] {
							t.Fatalf("AVX2 %v, generation %d: the kernel's fitness or statistics differ from Go's: %+v, %+v", avx2, g, sA[g], sG[g])
						}
					}
					if rA != rG {
						t.Fatalf("AVX2 %v: the kernel left the generator elsewhere", avx2)
					}
				}
			})
		}
	}
}

// shape is a named lattice configuration of a test's table.
type shape struct {
	name string
	cfg  LatticeConfig
}

// boxShapes is every side of sides with both box neighbourhoods and both
// boundaries.
func boxShapes(sides ...int) []shape {
	var shapes []shape
	for _, L := range sides {
		for _, nb := range []Neighborhood{Moore, VonNeumann} {
			for _, bd := range []Boundary{Bounded, Torus} {
				cfg := LatticeConfig{Side: L, Neighborhood: nb, Boundary: bd}
				shapes = append(shapes, shape{fmt.Sprintf("L%d-%v-%v", L, nb, bd), cfg})
			}
		}
	}
	return shapes
}

// TestBitsToSites compares bitsToSites, by its Go loop and by the
// kernel, with the loop it replaces, one set bit at a time, on random and
// extreme bit strings.
func TestBitsToSites(t *testing.T) {
	defer func() { kernelOn = kernelAsm }()
	for _, on := range []bool{false, kernelAsm} {
		kernelOn = on
		testBitsToSites(t)
	}
}

func testBitsToSites(t *testing.T) {
	r := rng.New(3)
	for trial := range 200 {
		words := make([]uint64, 1+trial%9)
		r.Fill(words)
		switch trial % 4 {
		case 1:
			clear(words)
		case 2:
			for k := range words {
				words[k] = ^uint64(0)
			}
		case 3:
			words[len(words)-1] &= 1<<(trial%64) - 1
		}
		base := int32(trial * 1000)
		var want []int32
		for w, u := range words {
			for ; u != 0; u &= u - 1 {
				want = append(want, base+int32(w*64+bits.TrailingZeros64(u)))
			}
		}
		pre := []int32{-1, -2}
		sites := make([]int32, len(pre), len(pre)+64*len(words)+7)
		copy(sites, pre)
		m := bitsToSites(words, base, sites, len(pre))
		if got := sites[:m]; !slices.Equal(got[:2], pre) || !slices.Equal(got[2:], want) {
			t.Fatalf("trial %d (kernel %v): got %v, want %v after %v", trial, kernelOn, got, want, pre)
		}
	}
}

// TestFitnessKernelStopsAtBadCounter: a counter past the fitness table
// makes the kernel hand over to the Go loop, which meets it as a bounds
// error instead of reading outside the table.
func TestFitnessKernelStopsAtBadCounter(t *testing.T) {
	defer func() { avx2On = hasAVX2 }()
	for _, avx2 := range []bool{false, hasAVX2} {
		avx2On = avx2
		lt := newLattice(fig4cParams, LatticeConfig{Side: 20}, 0.5, 400, 0, rng.New(1))
		lt.cnt16[201] = uint16(len(lt.fitTab)) // one past the table
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("AVX2 %v: no bounds error for a counter past the table", avx2)
				}
			}()
			lt.fitness()
		}()
	}
}

// TestSelectRunAtTheBoundary holds the assembly selection loops (SSE2,
// and AVX2 where the processor has it) to the division where they must
// take their division path: block sums of W in [4, 13) and W_A with
// 2³²·W_A/W within 2⁻¹¹ of m + ½, and u = m; and, on random sums and
// words with a last pair past the AVX2 loop's fours, to the same division
// everywhere; and ratioDraws, graphs' draws from sums already formed, by
// the same kernels (with zero rows) and in Go.
func TestSelectRunAtTheBoundary(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	defer func() { avx2On, kernelOn = hasAVX2, kernelAsm }()
	for _, boundary := range []bool{true, false} {
		const n = 3998 // ≡ 2 mod 4
		r := rng.New(11)
		zero := make([]float64, n)
		W, WA := make([]float64, n), make([]float64, n)
		words := make([]uint64, n/2)
		want := make([]uint8, n)
		margin := 0
		for k := range n {
			W[k] = 4 + 9*r.Float64()
			u := r.Uint32()
			if boundary {
				// ρ = 2³²·W_A/W within 2⁻¹¹ of m + ½, and u = m: the draw
				// rests on how the division rounds.
				m := float64(r.Uint32n(1<<32 - 1))
				WA[k] = W[k] * (m + 0.5 + (r.Float64()-0.5)*0x1p-10) * 0x1p-32
				u = uint32(m)
			} else {
				WA[k] = W[k] * r.Float64()
			}
			words[k/2] |= uint64(u) << (32 * (k % 2))
			want[k] = lt32(u, ratioThreshold(WA[k]/W[k]))
			if D := WA[k]*0x1p32 - (float64(u)+0.5)*W[k]; math.Abs(D) <= W[k]*0x1p-10 {
				margin++
			}
		}
		if boundary && margin < n/2 {
			t.Fatalf("only %d of %d sites in the margin: the case misses the division path", margin, n)
		}
		for _, avx2 := range []bool{false, hasAVX2} {
			avx2On = avx2
			out := make([]uint8, n)
			count := selectRun(&zero[0], &W[0], &zero[0], &zero[0], &WA[0], &zero[0], &words[0], &out[0], n)
			wantCount := 0
			for k := range n {
				if out[k] != want[k] {
					t.Fatalf("boundary %v, AVX2 %v, site %d: W = %v, W_A = %v: offspring %d, the division gives %d", boundary, avx2, k, W[k], WA[k], out[k], want[k])
				}
				wantCount += int(want[k])
			}
			if count != wantCount {
				t.Fatalf("boundary %v, AVX2 %v: count %d, want %d", boundary, avx2, count, wantCount)
			}
			// ratioDraws from the same sums, on one of selectLocal's
			// blocks (by the kernel, else in Go).
			for _, on := range []bool{false, true} {
				kernelOn = on
				for _, m := range []int{2*wordBlock - 2, 2*wordBlock - 3} { // the AVX2 loop's last pair (≡ 2 mod 4), then an odd site in Go
					out := make([]uint8, m)
					count := ratioDraws(WA[:m], W[:m], words, out)
					wantM := wantCount
					for _, a := range want[m:] {
						wantM -= int(a)
					}
					if !slices.Equal(out, want[:m]) || count != wantM {
						t.Fatalf("boundary %v, AVX2 %v, kernel %v, %d sites: ratioDraws' offspring or count (%d) differ from the division's", boundary, avx2, on, m, count)
					}
				}
			}
		}
	}
}

// TestListSumsMatchOneSiteAtATime: local selection's lockstep block sums
// on graphs are, bit for bit, those of a plain loop over each site's
// list, on lists of one length (regular) and of many (Barabási–Albert,
// whose tails run past the lockstep part), with N not a multiple of 4.
func TestListSumsMatchOneSiteAtATime(t *testing.T) {
	defer func() { kernelOn = kernelAsm }()
	for _, net := range []NetworkConfig{
		{Graph: GraphRegular, Nodes: 1003, Degree: 8},
		{Graph: GraphBA, Nodes: 1002, M: 3},
	} {
		g := testGraph(t, PlatformConfig{Network: net}, 7)
		start, blk := g.blocks()
		n := g.Nodes()
		r := rng.New(3)
		trip, pairs := make([][3]float64, n), make([][2]float64, n)
		for s := range trip {
			w, a := 0.5+r.Float64(), float64(r.Uint32()&1)
			trip[s] = [3]float64{w, w * a, a}
			pairs[s] = [2]float64{w, w * a}
		}
		for _, on := range []bool{true, false} { // listSumsW by its kernel (where there is one) and in Go
			kernelOn = on && kernelAsm
			sumW, sumWA, sumA := make([]float64, n), make([]float64, n), make([]float64, n)
			wW, wWA := make([]float64, n), make([]float64, n)
			listSums(trip, start, blk, sumW, sumWA, sumA)
			listSumsW(pairs, start, blk, wW, wWA)
			for s := range n {
				var w, wa, a float64
				for _, u := range blk[start[s]:start[s+1]] {
					w += trip[u][0]
					wa += trip[u][1]
					a += trip[u][2]
				}
				for k, pair := range [][2]float64{{sumW[s], w}, {sumWA[s], wa}, {sumA[s], a}, {wW[s], w}, {wWA[s], wa}} {
					if math.Float64bits(pair[0]) != math.Float64bits(pair[1]) {
						t.Fatalf("%v, kernel %v: site %d, sum %d: %v, want %v", net.Graph, kernelOn, s, k, pair[0], pair[1])
					}
				}
			}
		}
	}
}

// TestPairsKernelMatchesGo: the well-mixed pair kernel (pairsRun) gives
// playPairs's tallies and records, for thresholds at 0, at 2^32 and in
// between, juveniles with stray high bits, and blocks of 1 to 1024
// pairs, with and without records.
func TestPairsKernelMatchesGo(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	defer func() { kernelOn = kernelAsm }()
	r := rng.New(11)
	thr := func() uint64 {
		switch r.Uint32n(4) {
		case 0:
			return 0
		case 1:
			return 1 << 32
		}
		return uint64(r.Uint32())
	}
	for trial := range 200 {
		n := []int{1, 2, 3, 1023, 1024}[trial%5]
		k := newPairKernel(fig4cParams, 0.5)
		k.randA, k.alpha, k.thrT = thr(), thr(), [2]uint64{thr(), thr()}
		pj := make([]uint8, 2*n)
		for i := range pj {
			pj[i] = uint8(r.Uint32()) // the phenotype is bit 0
		}
		words := make([]uint64, 3*n)
		r.Fill(words)
		var outs [2][]uint8
		var tallies [2][2]uint64
		for g, on := range []bool{false, true} {
			kernelOn = on
			if trial%2 == 0 {
				outs[g] = make([]uint8, 2*n)
			}
			tallies[g][0], tallies[g][1] = playPairs(pj, words, &k, outs[g])
		}
		if tallies[0] != tallies[1] || !slices.Equal(outs[0], outs[1]) {
			t.Fatalf("trial %d (%d pairs, %+v): Go %x %v, kernel %x %v", trial, n, k, tallies[0], outs[0], tallies[1], outs[1])
		}
	}
}

// TestBernoulliKernelMatchesGo: initBernoulli with the kernel
// (bernoulliRun: SSE2, and AVX2 where the processor has it) writes the
// phenotypes and count of its Go loop, for thresholds at and around 0,
// 2^31 and 2^32 and lengths that leave every kind of tail (words past the
// last 16 or 8, an odd site).
func TestBernoulliKernelMatchesGo(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	defer func() { kernelOn, avx2On = kernelAsm, hasAVX2 }()
	for _, avx2 := range []bool{false, hasAVX2} {
		avx2On = avx2
		testBernoulliKernelMatchesGo(t)
	}
}

func testBernoulliKernelMatchesGo(t *testing.T) {
	buf := make([]uint64, wordBlock)
	ps := []float64{0, 0x1p-32, 0.25, 0.5 - 0x1p-32, 0.5, 0.5 + 0x1p-32, 0.8, 1 - 0x1p-32, 1}
	for trial := range 150 {
		p := ps[trial%len(ps)]
		n := []int{1, 15, 16, 17, 31, 47, 2047, 2048, 2049, 5000}[trial%10]
		var out [2][]uint8
		var count [2]int
		for g, on := range []bool{false, true} {
			kernelOn = on
			out[g] = make([]uint8, n)
			count[g] = initBernoulli(rng.New(uint64(trial)), out[g], p, buf)
		}
		if count[0] != count[1] || !slices.Equal(out[0], out[1]) {
			t.Fatalf("p %v, %d sites: Go %d A, kernel (AVX2 %v) %d", p, n, count[0], avx2On, count[1])
		}
	}
	// Halves at and beside each threshold, against lt32.
	r := rng.New(2)
	for _, thr := range []uint64{0, 1, 1 << 31, 1<<31 + 1, 1<<31 - 1, 1<<32 - 1, uint64(r.Uint32())} {
		near := []uint32{0, 1, uint32(thr - 1), uint32(thr), uint32(thr + 1), 1<<31 - 1, 1 << 31, 1<<32 - 1}
		words := make([]uint64, 72) // 4 × 16 + 8
		for i := range words {
			words[i] = uint64(near[r.Uint32n(8)])<<32 | uint64(near[r.Uint32n(8)])
		}
		out := make([]uint8, 2*len(words))
		got := bernoulliRun(&words[0], len(words), thr, &out[0])
		want := 0
		for i, u := range words {
			a, b := lt32(uint32(u>>32), thr), lt32(uint32(u), thr)
			want += int(a) + int(b)
			if out[2*i] != a || out[2*i+1] != b {
				t.Fatalf("thr %#x (AVX2 %v), word %d %#x: sites %d %d, want %d %d", thr, avx2On, i, u, out[2*i], out[2*i+1], a, b)
			}
		}
		if got != want {
			t.Fatalf("thr %#x (AVX2 %v): count %d, want %d", thr, avx2On, got, want)
		}
	}
}

// TestTwoPassDrawsMatchOnePass: the two-pass loops of large lattices and
// graphs (draws and touches, then games) leave the phenotypes, counters,
// fitness and generator exactly as the one-pass loops of small ones do:
// drawBox against playBox, drawStride against playStride, and drawAny's
// touching branch against drawAny without it.
func TestTwoPassDrawsMatchOnePass(t *testing.T) {
	graph := func(nc NetworkConfig) *Graph { return testGraph(t, PlatformConfig{Network: nc}, 1) }
	shapes := append(boxShapes(30), // drawBox
		shape{"L30-radius2", LatticeConfig{Side: 30, Radius: 2}},                                                   // drawAny by offsets
		shape{"regular8", LatticeConfig{Graph: graph(NetworkConfig{Graph: GraphRegular, Nodes: 3000, Degree: 8})}}, // drawStride
		shape{"regular6", LatticeConfig{Graph: graph(NetworkConfig{Graph: GraphRegular, Nodes: 3000, Degree: 6})}}, // drawAny by stride
		shape{"ba3", LatticeConfig{Graph: graph(NetworkConfig{Graph: GraphBA, Nodes: 3000, M: 3})}},                // drawAny by lists
		shape{"ba3-rounds2-local", LatticeConfig{Graph: graph(NetworkConfig{Graph: GraphBA, Nodes: 3000, M: 3}), Rounds: 2, Selection: Local}},
	)
	defer func(n int) { touchAbove, bandsOn = n, true }(touchAbove)
	bandsOn = false
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			n := s.cfg.Side * s.cfg.Side
			if s.cfg.Graph != nil {
				n = s.cfg.Graph.Nodes()
			}
			run := func(above int) (tr stateTrace, next uint64) {
				touchAbove = above
				r := rng.New(9)
				lt := newLattice(fig4cParams, s.cfg, 0.5, n, 0, r)
				for range 10 {
					lt.repolymorph(r)
					lt.Step(r)
					tr.record(lt)
				}
				return tr, r.Uint64()
			}
			tr1, r1 := run(n) // one pass
			tr2, r2 := run(0) // two passes
			for g := range tr1.phen {
				if !slices.Equal(tr1.phen[g], tr2.phen[g]) || !slices.Equal(tr1.cnt[g], tr2.cnt[g]) || !slices.Equal(tr1.fit[g], tr2.fit[g]) {
					t.Fatalf("generation %d: the two-pass loop's phenotypes, counters or fitness differ", g)
				}
			}
			if r1 != r2 {
				t.Fatalf("generator left at %x by one pass, %x by two", r1, r2)
			}
		})
	}
}

// stateTrace is a lattice's phenotypes, counters and fitness after each
// generation, for tests that compare two ways of playing.
type stateTrace struct {
	phen [][]uint8
	cnt  [][]uint64
	fit  [][]float64
}

func (tr *stateTrace) record(lt *Lattice) {
	tr.phen = append(tr.phen, slices.Clone(lt.Phenotypes()))
	c := make([]uint64, lt.N)
	for k := range c {
		c[k] = lt.counter(k)
	}
	tr.cnt = append(tr.cnt, c)
	tr.fit = append(tr.fit, slices.Clone(lt.w))
}

// edgeHalves are 32-bit halves that reach Bounded's redraw path and its
// edges: 0 (a product of 0, below every nonzero threshold), 1, the top,
// and the first values of each of a list's deg cells.
func edgeHalves(deg uint32) []uint32 {
	h := []uint32{0, 1, 2, ^uint32(0), 1 << 31}
	for c := range uint64(deg) {
		first := uint32((c<<32 + uint64(deg) - 1) / uint64(deg))
		h = append(h, first, first-1, first+1)
	}
	return h
}

// TestEdgeDrawsMatchEdgeNeighbours: wherever edgeDraws gives neighbours,
// they are edgeNeighbours', and edgeNeighbours draws no word there; it
// defers exactly where Bounded's low word lies below 2³² mod deg.
func TestEdgeDrawsMatchEdgeNeighbours(t *testing.T) {
	for _, s := range boxShapes(2, 3, 5, 12) {
		lt := newLattice(fig4cParams, s.cfg, 0.5, s.cfg.Side*s.cfg.Side, 0, rng.New(1))
		deferred := 0
		for i := range int32(lt.N) {
			deg := uint32(lt.nbrStart[i+1] - lt.nbrStart[i])
			if deg == 0 {
				continue // interior
			}
			halves := edgeHalves(deg)
			for _, hi := range halves {
				for _, lo := range halves {
					u := uint64(hi)<<32 | uint64(lo)
					j, d := edgeDraws(lt.nbrStart, lt.nbr, i, u)
					x := rng.New(uint64(i) + 9)
					y := *x
					wj, wd := lt.edgeNeighbours(&y, i, u)
					lowBelow := func(h uint32) bool { return uint32(uint64(h)*uint64(deg)) < uint32((1<<32)%uint64(deg)) }
					if want := lowBelow(hi) || lowBelow(lo); (j < 0) != want {
						t.Fatalf("%s site %d (deg %d), word %#x: deferred %v, want %v", s.name, i, deg, u, j < 0, want)
					}
					if j < 0 {
						deferred++
						continue
					}
					if j != wj || d != wd || y != *x {
						t.Fatalf("%s site %d, word %#x: (%d, %d), edgeNeighbours (%d, %d), generator moved %v", s.name, i, u, j, d, wj, wd, y != *x)
					}
				}
			}
		}
		if s.cfg.Side > 2 && s.cfg.Boundary == Bounded && deferred == 0 {
			t.Fatalf("%s: no word deferred: the redraw path went untested", s.name)
		}
	}
}

// TestInteriorKernelDefersAsGo runs the box play loop by the kernel and
// by playInterior on words whose halves are often 0, so that edge sites
// defer often: both must stop at the same initiators and leave the same
// phenotypes and counters.
func TestInteriorKernelDefersAsGo(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	for _, s := range boxShapes(3, 5, 12) {
		r := rng.New(4)
		lt := newLattice(fig4cParams, s.cfg, 0.5, s.cfg.Side*s.cfg.Side, 0, r)
		g := newGameRules[uint16](lt)
		off, ok := boxTable(lt.off)
		if !ok {
			t.Fatalf("%s: not a box lattice", s.name)
		}
		batch := make([]int32, max(3*lt.N, 400))
		for k := range batch {
			batch[k] = int32(r.Uint32n(uint32(lt.N)))
		}
		words := make([]uint64, 2*len(batch))
		r.Fill(words)
		for k := 0; k < len(words); k += 2 {
			switch r.Uint32n(4) {
			case 0:
				words[k] &= 0xffffffff
			case 1:
				words[k] &^= 0xffffffff
			}
		}
		resetCounters(lt.cnt16, lt.L, lt.cfg.Radius, nil, 0, false)
		phenGo, cntGo := slices.Clone(lt.phen), slices.Clone(lt.cnt16)
		k := newKernel16(&g, &off, lt.stride, lt.phen, lt.cnt16, lt.nbrStart, lt.nbr)
		stops := 0
		for n, m := 0, 0; n < len(batch) || m < len(batch); n, m = n+1, m+1 {
			n = runInterior(lt.phen, lt.cnt16, batch, words, n, &off, &g, lt.nbrStart, lt.nbr, k)
			m = playInterior(phenGo, cntGo, batch, words, m, &off, &g, lt.nbrStart, lt.nbr)
			if n != m || !slices.Equal(lt.phen, phenGo) || !slices.Equal(lt.cnt16, cntGo) {
				t.Fatalf("%s: the kernel stopped at %d, Go at %d, or their states differ", s.name, n, m)
			}
			stops++ // the deferred initiator is skipped, unplayed, by both
		}
		if s.cfg.Boundary == Bounded && stops < 10 { // (a torus's lists have 8 or 4 sites: no redraws)
			t.Fatalf("%s: only %d stops: the deferral went untested", s.name, stops)
		}
	}
}

// TestFitnessKernelMatchesGo compares fitness by each kernel (SSE2, and
// AVX2 where the processor has it) and by its Go loop on random counters
// (edge bits included) and phenotypes (other bits than A's included),
// "mean" and "sum" fitness, sizes on both sides of a multiple of four: the
// same w, the same sums bit for bit, the same counts of A and of clamps;
// and each kernel's fa is w at A sites and +0 at B sites.
func TestFitnessKernelMatchesGo(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	defer func() { kernelOn, avx2On = kernelAsm, hasAVX2 }()
	kernels := []bool{false}
	if hasAVX2 {
		kernels = append(kernels, true)
	} else {
		t.Log("no AVX2 here: the SSE2 kernel only")
	}
	params := fig4cParams
	params.C = 0.6 // so that "sum" fitness clamps
	r := rng.New(11)
	for _, L := range []int{2, 3, 5, 37, 100} {
		for _, fm := range []FitnessMode{FitnessMean, FitnessSum} {
			lt := newLattice(params, LatticeConfig{Side: L, Fitness: fm}, 0.5, L*L, 0, r)
			for trial := range 5 {
				for s := range lt.cnt16 {
					lt.cnt16[s] = uint16(r.Uint32n(uint32(len(lt.fitTab)))) | uint16(r.Uint32n(2))<<15
					lt.phen[s] = uint8(r.Uint32n(4))
				}
				type out struct {
					W, WA      float64
					nA, clamps int
					w          []float64
				}
				kernelOn = false
				clear(lt.w)
				W, WA, nA, cl := lt.fitness()
				g := out{W, WA, nA, cl, slices.Clone(lt.w)}
				for _, avx2 := range kernels {
					kernelOn, avx2On = true, avx2
					clear(lt.w)
					W, WA, nA, cl := lt.fitness()
					k := out{W, WA, nA, cl, lt.w}
					if math.Float64bits(g.W) != math.Float64bits(k.W) || math.Float64bits(g.WA) != math.Float64bits(k.WA) ||
						g.nA != k.nA || g.clamps != k.clamps || !slices.Equal(g.w, k.w) {
						t.Fatalf("L=%d %v trial %d: Go (%v, %v, %d A, %d clamped), kernel (AVX2 %v: %v, %v, %d A, %d clamped), or w differs",
							L, fm, trial, g.W, g.WA, g.nA, g.clamps, avx2, k.W, k.WA, k.nA, k.clamps)
					}
					n := len(lt.cnt16) &^ 3
					if n == 0 {
						continue
					}
					var lanes [8]float64
					w, fa := make([]float64, n), make([]float64, n)
					fitnessRun16(&lt.cnt16[0], &lt.phen[0], n, &lt.fitTab[0], len(lt.fitTab), &w[0], &fa[0], &lanes)
					for s := range n {
						want := 0.0
						if lt.phen[s]&1 == 1 {
							want = w[s]
						}
						if math.Float64bits(fa[s]) != math.Float64bits(want) || w[s] != g.w[s] {
							t.Fatalf("L=%d %v trial %d site %d (AVX2 %v): w %v fa %v, want w %v fa %v", L, fm, trial, s, avx2, w[s], fa[s], g.w[s], want)
						}
					}
				}
			}
		}
	}
}

// TestRowsPairsMatchRows holds rowsPairsRun (SSE2, and AVX2 where the
// processor has it), the row pass from w and its masked copy, to
// rowsRun's from w and the phenotypes, on rows of even and odd lengths.
func TestRowsPairsMatchRows(t *testing.T) {
	if !kernelAsm {
		t.Skip("no assembly kernel on this platform")
	}
	defer func() { avx2On = hasAVX2 }()
	r := rng.New(5)
	unit := [2]float64{0, 1}
	for _, L := range []int{2, 3, 4, 5, 6, 7, 100, 101} {
		n := L * (1 + int(r.Uint32n(5)))
		w, fa, phen := make([]float64, n), make([]float64, n), make([]uint8, n)
		for s := range w {
			w[s] = 0.4 + 1.7*float64(r.Uint64()>>11)/(1<<53)
			phen[s] = uint8(r.Uint32n(2))
			fa[s] = w[s] * unit[phen[s]]
		}
		tW, tA := make([]float64, n), make([]float64, n)
		rowsRun(&w[0], &phen[0], &unit, L, n, &tW[0], &tA[0])
		for _, avx2 := range []bool{false, hasAVX2} {
			avx2On = avx2
			pW, pA := make([]float64, n), make([]float64, n)
			rowsPairsRun(&w[0], &fa[0], L, n, &pW[0], &pA[0])
			for s := range tW {
				if math.Float64bits(tW[s]) != math.Float64bits(pW[s]) || math.Float64bits(tA[s]) != math.Float64bits(pA[s]) {
					t.Fatalf("L=%d site %d: rowsRun (%v, %v), rowsPairsRun (AVX2 %v) (%v, %v)", L, s, tW[s], tA[s], avx2, pW[s], pA[s])
				}
			}
		}
	}
}
