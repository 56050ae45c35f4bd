package sim

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// recursionCase is a parameter set of one outcome region with a start
// that moves visibly within 30 generations.
type recursionCase struct {
	name string
	p    model.Params
	p0   float64
}

var recursionCases = []recursionCase{
	{"cooperation", model.Params{B: 2, C: 0.2, V: 0.5, Alpha: 0.3, TA: 0.35, TB: 0.3}, 0.05},
	{"defection", model.Params{B: 1.2, C: 0.3, V: 0.8, Alpha: 0.2, TA: 0.3, TB: 0.4}, 0.9},
	{"coexistence", model.Params{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9}, 0.1}, // Figure 3d, orange
	{"bistable", model.Params{B: 1.3, C: 0.904, V: 1, Alpha: 0.4, TA: 0.5, TB: 0.1}, 0.6},   // Figure 3d, blue
}

// trajectories runs reps well-mixed replicates of n agents for gens
// generations and returns freq[rep][g], the frequency of A among juveniles
// at the start of generation g (g = 0…gens).
func trajectories(t *testing.T, p model.Params, n int, p0 float64, reps, gens int, seed uint64) [][]float64 {
	t.Helper()
	out := make([][]float64, reps)
	for rep := range reps {
		r := rng.Stream(seed, 0, rep)
		w, err := NewWellMixed(p, n, p0, r)
		if err != nil {
			t.Fatal(err)
		}
		out[rep] = make([]float64, gens+1)
		for g := range gens {
			out[rep][g] = float64(w.CountA()) / float64(n)
			w.Step(r)
		}
		out[rep][gens] = float64(w.CountA()) / float64(n)
	}
	return out
}

func meanSD(xs []float64) (float64, float64) {
	var s sampleStats
	for _, x := range xs {
		s.add(x)
	}
	return s.mean, math.Sqrt(s.variance())
}

func column(tr [][]float64, g int) []float64 {
	col := make([]float64, len(tr))
	for i := range tr {
		col[i] = tr[i][g]
	}
	return col
}

// The acceptance test: in each of the four outcome regions, over
// 20 replicates of 10^5 agents, the replicates' mean frequency of A lies
// within 4 standard errors (from the replicates' spread) of the recursion
// at every one of 30 generations.
func TestWellMixedFollowsRecursion(t *testing.T) {
	const n, reps, gens = 100_000, 20, 30
	for _, tc := range recursionCases {
		t.Run(tc.name, func(t *testing.T) {
			if o, _ := tc.p.Classify(); o.String() != tc.name {
				t.Fatalf("parameters are in the %v region", o)
			}
			tr := trajectories(t, tc.p, n, tc.p0, reps, gens, 2021)
			want := tc.p.Trajectory(tc.p0, gens)
			worst := 0.0
			for g := 0; g <= gens; g++ {
				m, sd := meanSD(column(tr, g))
				se := sd / math.Sqrt(reps)
				z := math.Abs(m-want[g]) / se
				if se == 0 && math.Abs(m-want[g]) < 1e-12 {
					z = 0
				}
				worst = math.Max(worst, z)
				if z > 4 {
					t.Errorf("generation %d: mean %.5f, recursion %.5f: %.1f standard errors (se %.2g)", g, m, want[g], z, se)
				}
			}
			t.Logf("%s: p̂ %.3f → %.3f (recursion %.3f); largest deviation %.2f standard errors", tc.name, tc.p0, column(tr, gens)[0], want[gens], worst)
		})
	}
}

// The spread across replicates shrinks like 1/√N: from N = 10^4 to 10^6
// the standard deviation at generation 30 falls tenfold. Each standard
// deviation from 20 replicates has a relative standard error of about
// 1/√(2·19) ≈ 0.16, so the log of the ratio has one of about 0.23; the
// test allows four of them: a factor e^0.92 ≈ 2.5 either way.
func TestWellMixedSpreadScalesWithSqrtN(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 10^6 agents")
	}
	tc := recursionCases[2] // coexistence: the spread around the stable p̂* is stationary
	const reps, gens = 20, 30
	_, sdSmall := meanSD(column(trajectories(t, tc.p, 10_000, tc.p0, reps, gens, 7), gens))
	_, sdLarge := meanSD(column(trajectories(t, tc.p, 1_000_000, tc.p0, reps, gens, 8), gens))
	ratio := sdSmall / sdLarge
	t.Logf("sd at N=10^4: %.3g, at N=10^6: %.3g, ratio %.2f (1/√N predicts 10)", sdSmall, sdLarge, ratio)
	if ratio < 10/2.5 || ratio > 10*2.5 {
		t.Errorf("ratio of spreads %.2f, want 10 within a factor 2.5", ratio)
	}
}

// MODEL.md §6 and the issue: with T_A = T_B = 0.3, b = 1.3 and α = 1/8,
// cooperation should win in most replicates at half the threshold cost
// bαT/(1 − T) and lose in most at one and a half times it.
func TestLatticeThreshold(t *testing.T) {
	crit := model.CriticalCost(1.3, 1.0/8, 0.3)
	const reps = 20
	for _, tc := range []struct {
		factor    float64
		coopWins  bool
		latticeSz int
	}{{0.5, true, 100}, {1.5, false, 100}} {
		p := model.Params{B: 1.3, C: tc.factor * crit, V: 1, TA: 0.3, TB: 0.3}
		wins := 0
		for rep := range reps {
			r := rng.Stream(4, int(tc.factor*10), rep)
			lt, err := NewLattice(p, LatticeConfig{Side: tc.latticeSz}, 0.5, r)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(context.Background(), lt, r, RunConfig{Generations: 10_000}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Reason == StoppedFixedA {
				wins++
			}
		}
		t.Logf("c = %.4f (%.1f × %.4f): cooperation fixed in %d of %d", p.C, tc.factor, crit, wins, reps)
		if tc.coopWins && 2*wins <= reps {
			t.Errorf("below the threshold cooperation won only %d of %d", wins, reps)
		}
		if !tc.coopWins && 2*wins >= reps {
			t.Errorf("above the threshold cooperation won %d of %d", wins, reps)
		}
	}
}

// Panel 4c: T_A = 0.4, T_B = 0.435, c = 0.02 keeps both phenotypes for
// the whole 10,000 generations, hovering near 1/2.
func TestLatticeFigure4cPolymorphism(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 generations")
	}
	r := rng.Stream(1, 0, 0)
	lt, err := NewLattice(fig4cParams, LatticeConfig{Side: 100}, 0.5, r)
	if err != nil {
		t.Fatal(err)
	}
	var s sampleStats
	res, err := Run(context.Background(), lt, r, RunConfig{Generations: 10_000, RecordEvery: 10}, func(rec Record) {
		if rec.Generation >= 1000 && !math.IsNaN(rec.MeanFitness) {
			s.add(rec.FreqA)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("4c: %d generations, mean frequency of A %.3f (sd %.3f) after generation 1000", res.Generations, s.mean, math.Sqrt(s.variance()))
	if res.Reason != StoppedMaxGenerations {
		t.Fatalf("a phenotype fixed at generation %d", res.Generations)
	}
	if math.Abs(s.mean-0.5) > 0.15 {
		t.Errorf("mean frequency %.3f is not near 1/2", s.mean)
	}
}

func TestRunStopsAtFixationAndRecords(t *testing.T) {
	p := model.Params{B: 2, C: 0.1, V: 1, Alpha: 1, TA: 0.9, TB: 0}
	r := rng.New(5)
	w, err := NewWellMixed(p, 100, 0.5, r)
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	res, err := Run(context.Background(), w, r, RunConfig{Generations: 1000, RecordEvery: 3}, func(rec Record) { recs = append(recs, rec) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Reason != StoppedFixedA || res.FinalFreqA != 1 || res.Generations >= 1000 {
		t.Fatalf("result %+v", res)
	}
	last := recs[len(recs)-1]
	if last.Generation != res.Generations || last.FreqA != 1 || !math.IsNaN(last.MeanFitness) {
		t.Errorf("final record %+v", last)
	}
	for i, rec := range recs[:len(recs)-1] {
		if rec.Generation != 3*i {
			t.Fatalf("record %d is generation %d", i, rec.Generation)
		}
	}
	// StopNever plays every generation even when fixed.
	res, _ = Run(context.Background(), w, r, RunConfig{Generations: 10, Stop: StopNever}, nil)
	if res.Generations != 10 || res.Reason != StoppedMaxGenerations {
		t.Errorf("stop never: %+v", res)
	}
	if err := (RunConfig{Generations: 0}).Validate(); err == nil {
		t.Error("0 generations accepted")
	}
}

func TestRunCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := rng.New(1)
	w, _ := NewWellMixed(recursionCases[2].p, 1000, 0.5, r)
	res, err := Run(ctx, w, r, RunConfig{Generations: 100}, nil)
	if !errors.Is(err, context.Canceled) || res.Reason != StoppedCancelled {
		t.Fatalf("%v %+v", err, res)
	}
}

// Same stream, same trajectory; and steps allocate nothing.
func TestDeterminismAndNoAllocations(t *testing.T) {
	run := func() []uint8 {
		r := rng.Stream(9, 1, 2)
		lt, _ := NewLattice(fig4cParams, LatticeConfig{Side: 30, Selection: Local}, 0.5, r)
		for range 20 {
			lt.Step(r)
		}
		return append([]uint8(nil), lt.Phenotypes()...)
	}
	a, b := run(), run()
	if string(a) != string(b) {
		t.Fatal("same stream gave different lattices")
	}
	r := rng.New(3)
	lt, _ := NewLattice(fig4cParams, LatticeConfig{Side: 50}, 0.5, r)
	w, _ := NewWellMixed(recursionCases[2].p, 10001, 0.5, r)
	loc, _ := NewLattice(fig4cParams, LatticeConfig{Side: 50, Selection: Local, Neighborhood: VonNeumann}, 0.5, r)
	banded, _ := NewLattice(fig4cParams, LatticeConfig{Side: 1000}, 0.5, r) // bands.go
	banded.Step(r)
	if banded.bands == nil {
		t.Fatal("L = 1000: banded play not in use")
	}
	for name, pop := range map[string]Population{"lattice": lt, "well-mixed": w, "local vN lattice": loc, "banded lattice": banded} {
		if allocs := testing.AllocsPerRun(20, func() { pop.Step(r) }); allocs != 0 {
			t.Errorf("%s: %v allocations per step", name, allocs)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	p := fig4cParams
	bad := []struct {
		field    string
		cfg      LatticeConfig
		initialA float64
	}{
		{"size", LatticeConfig{Side: 1}, 0.5},
		{"initial_a", LatticeConfig{Side: 10}, 1.5},
		{"radius", LatticeConfig{Side: 10, Radius: -1}, 0.5},
		{"radius", LatticeConfig{Side: 4, Radius: 2, Boundary: Torus}, 0.5},
		{"initiation", LatticeConfig{Side: 10, Initiation: 1.5}, 0.5},
		{"rounds", LatticeConfig{Side: 10, Rounds: 10000}, 0.5},
	}
	for _, tc := range bad {
		_, err := NewLattice(p, tc.cfg, tc.initialA, rng.New(1))
		var ce *model.FieldError
		if !errors.As(err, &ce) || ce.Path != tc.field {
			t.Errorf("%+v: %v, want an error about %s", tc.cfg, err, tc.field)
		}
	}
	if _, err := NewWellMixed(p, 1, 0.5, rng.New(1)); err == nil {
		t.Error("a population of 1 accepted")
	}
	if _, err := NewWellMixed(model.Params{B: 1, C: 2}, 10, 0.5, rng.New(1)); err == nil {
		t.Error("invalid model parameters accepted")
	}
	if got := (LatticeConfig{Side: 10}).EffectiveAlpha(); got != 1.0/8 {
		t.Errorf("effective α %v", got)
	}
	if got := (LatticeConfig{Side: 10, Neighborhood: VonNeumann, Radius: 2}).MaxNeighbours(); got != 12 {
		t.Errorf("von Neumann radius 2: %d neighbours", got)
	}
}

// 10^7 well-mixed agents fit in well under 1 GiB: one byte of phenotype
// each, plus fixed buffers; a packed population, in a few KiB at any size.
func TestWellMixedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 10^7 agents")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := rng.New(1)
	w, err := NewWellMixed(recursionCases[2].p, 10_000_000, 0.5, r)
	if err != nil {
		t.Fatal(err)
	}
	w.unpack(r) // agent by agent, as on a platform migration reaches
	w.Step(r)
	runtime.ReadMemStats(&after)
	used := after.TotalAlloc - before.TotalAlloc
	t.Logf("10^7 agents: %.1f MiB allocated", float64(used)/(1<<20))
	if used > 1<<30 {
		t.Errorf("%d bytes for 10^7 agents", used)
	}
	runtime.KeepAlive(w)

	// A packed population keeps counts, not agents: the largest one
	// steps in a few KiB, and stays polymorphic near its p̂*.
	runtime.GC()
	runtime.ReadMemStats(&before)
	big, err := NewWellMixed(coexistParams, MaxWellMixed, coexistA, r)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		big.Step(r)
	}
	runtime.ReadMemStats(&after)
	if used := after.TotalAlloc - before.TotalAlloc; used > 1<<20 {
		t.Errorf("%d bytes for a packed population of 2^31 agents", used)
	}
	if f := float64(big.CountA()) / MaxWellMixed; math.Abs(f-coexistA) > 0.02 {
		t.Errorf("2^31 agents near p̂* ≈ %g: frequency %g after 10 generations", coexistA, f)
	}
}

// TestBoxSumsMoore1MatchesBoxSum: the fused kernel of the paper's 3×3
// blocks gives boxSum's sums bit for bit, on lattices from the smallest.
func TestBoxSumsMoore1MatchesBoxSum(t *testing.T) {
	for _, side := range []int{2, 3, 4, 7, 100} {
		r := rng.New(uint64(side))
		lt, err := NewLattice(fig4cParams, LatticeConfig{Side: side, Selection: Local}, 0.5, r)
		if err != nil {
			t.Fatal(err)
		}
		N := side * side
		for s := range N {
			lt.w[s] = 0.5 + r.Float64() // fitness-like values, whose sums round
		}
		wantW, wantWA, wa := make([]float64, N), make([]float64, N), make([]float64, N)
		for s := range N {
			wa[s] = float64(lt.w[s] * float64(lt.phen[s]&1))
		}
		lt.boxSum(lt.w, wantW)
		lt.boxSum(wa, wantWA)
		gotW, gotWA := make([]float64, N), make([]float64, N)
		lt.boxSumsMoore1(gotW, gotWA)
		for s := range N {
			if math.Float64bits(gotW[s]) != math.Float64bits(wantW[s]) || math.Float64bits(gotWA[s]) != math.Float64bits(wantWA[s]) {
				t.Fatalf("L = %d, site %d: (%v, %v), want boxSum's (%v, %v)", side, s, gotW[s], gotWA[s], wantW[s], wantWA[s])
			}
		}
	}
}

// TestSelectMoore1MatchesDivision: the fused selection of the paper's 3×3
// blocks (v = 1, mean fitness) draws the offspring that the literal rule
// draws from the same words, bit for bit: boxSum's block sums, q = W_A/W,
// A when the site's 32 bits fall below q's threshold (the even site of a
// word on its low half). Sides from the smallest; L = 47 (2,209 sites)
// crosses a block of words and ends on an odd site.
func TestSelectMoore1MatchesDivision(t *testing.T) {
	for _, side := range []int{2, 3, 4, 7, 47, 100} {
		r := rng.New(uint64(side) + 40)
		lt, err := NewLattice(fig4cParams, LatticeConfig{Side: side, Selection: Local}, 0.5, r)
		if err != nil {
			t.Fatal(err)
		}
		N := side * side
		for gen := range 5 {
			for s := range N {
				lt.w[s] = 0.5 + r.Float64()
				lt.phen[s] = uint8(r.Uint64() & 1)
			}
			sumW, sumWA, wa := make([]float64, N), make([]float64, N), make([]float64, N)
			for s := range N {
				wa[s] = float64(lt.w[s] * float64(lt.phen[s]&1))
			}
			lt.boxSum(lt.w, sumW)
			lt.boxSum(wa, sumWA)
			ref := *r
			words := make([]uint64, (N+1)/2)
			ref.Fill(words)
			want, wantA := make([]uint8, N), 0
			for s := range N {
				u := uint32(words[s/2] >> (32 * (s % 2)))
				thr := uint64(int64(sumWA[s]/sumW[s]*(1<<32) + 0.5))
				if uint64(u) < thr {
					want[s] = 1
					wantA++
				}
			}
			got := lt.selectMoore1(r)
			if got != wantA || !slices.Equal(lt.next, want) {
				t.Fatalf("L = %d, generation %d: %d A offspring, want %d (offspring equal: %v)", side, gen, got, wantA, slices.Equal(lt.next, want))
			}
			// The sums themselves, bit for bit: a draw flips on a one-ulp
			// change only once in about 2²¹ sites.
			tW, tA := lt.local.tmp, lt.local.wa
			for s := range N {
				gw, ga := colMoore1(tW, tW[side:], tW[2*side:], s), colMoore1(tA, tA[side:], tA[2*side:], s)
				if math.Float64bits(gw) != math.Float64bits(sumW[s]) || math.Float64bits(ga) != math.Float64bits(sumWA[s]) {
					t.Fatalf("L = %d, site %d: block sums (%v, %v), boxSum's (%v, %v)", side, s, gw, ga, sumW[s], sumWA[s])
				}
			}
			if *r != ref {
				t.Fatalf("L = %d: selectMoore1 drew other words than one a pair of sites", side)
			}
		}
	}
}

// TestGraphSelectLocalMatchesDivision: local selection on graphs (v = 1,
// mean fitness: ratioDraws) gives the offspring of the literal rule from
// the same words, bit for bit: each block's sums in its list's order,
// q = W_A/W, A when the site's 32 bits fall below q's threshold (the even
// site of a word on its low half); odd node counts end on a half word.
func TestGraphSelectLocalMatchesDivision(t *testing.T) {
	for _, net := range []NetworkConfig{
		{Graph: GraphRegular, Nodes: 3001, Degree: 8},
		{Graph: GraphBA, Nodes: 2049, M: 3},
	} {
		g := testGraph(t, PlatformConfig{Network: net}, 5)
		r := rng.New(41)
		N := g.Nodes()
		lt := newLattice(fig4cParams, LatticeConfig{Graph: g, Selection: Local}, 0.5, N, 0, r)
		start, blk := lt.blkStart, lt.blk
		for gen := range 5 {
			for s := range N {
				lt.w[s] = 0.5 + r.Float64()
				lt.phen[s] = uint8(r.Uint64() & 1)
			}
			ref := *r
			words := make([]uint64, (N+1)/2)
			ref.Fill(words)
			want, wantA := make([]uint8, N), 0
			for s := range N {
				var W, WA float64
				for _, x := range blk[start[s]:start[s+1]] {
					W += lt.w[x]
					WA += float64(lt.w[x] * float64(lt.phen[x]&1))
				}
				u := uint32(words[s/2] >> (32 * (s % 2)))
				if uint64(u) < uint64(int64(WA/W*(1<<32)+0.5)) {
					want[s] = 1
					wantA++
				}
			}
			if got := lt.selectLocal(r); got != wantA || !slices.Equal(lt.next, want) {
				t.Fatalf("%v, generation %d: %d A offspring, want %d (offspring equal: %v)", net.Graph, gen, got, wantA, slices.Equal(lt.next, want))
			}
			if *r != ref {
				t.Fatalf("%v: selectLocal drew other words than one a pair of nodes", net.Graph)
			}
		}
	}
}

// TestRatioBelowMatchesDivision: the division-free draw agrees with the
// division's threshold on uniform ratios and on ratios placed at the
// boundary u + ½ of the 32-bit number u and 1 … 2¹⁴ ulps from it, with
// the extremes 0 and 1 and u at both ends.
func TestRatioBelowMatchesDivision(t *testing.T) {
	r := rng.New(7)
	check := func(WA, W float64, u uint32) {
		t.Helper()
		WA = min(max(WA, 0), W)
		want := lt32(u, ratioThreshold(WA/W))
		if got := ratioBelow(WA, W, u); got != want {
			t.Fatalf("ratioBelow(%v, %v, %d) = %d, the division gives %d", WA, W, u, got, want)
		}
	}
	for range 200_000 {
		W := 0.5 + 20*r.Float64()
		u := uint32(r.Uint64())
		check(W*r.Float64(), W, u)
		// WA at the boundary and 2^k ulps to either side: for u near
		// 2³¹ one ulp moves 2³²·WA/W by about 2⁻²¹, so k up to 14
		// crosses the rounding zone (≤ 3·2⁻²²) and the margin (2⁻¹⁰).
		at := (float64(u) + 0.5) * W / (1 << 32)
		check(at, W, u)
		for k := range 15 {
			step := float64(int(1)<<k) * (math.Nextafter(at, math.Inf(1)) - at)
			check(at+step, W, u)
			check(at-step, W, u)
		}
		check(0, W, u)
		check(W, W, u)
		check(W*r.Float64(), W, 0)
		check(W*r.Float64(), W, math.MaxUint32)
	}
}

// TestInitBernoulliIsOneFill: initBernoulli's sites are those of the
// literal rule on one Fill over all of them (two sites a word, the even
// site's coin on the high half; an odd last site on its word's high
// half), across the buffer's blocks and the eight-site stores' tails.
func TestInitBernoulliIsOneFill(t *testing.T) {
	buf := make([]uint64, 64)
	for _, n := range []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 1001, 1024} {
		for _, p := range []float64{0, 0.3, 0.5, 1} {
			r := rng.New(uint64(n) + 3)
			ref := *r
			ph := make([]uint8, n)
			got := initBernoulli(r, ph, p, buf)
			words := make([]uint64, (n+1)/2)
			ref.Fill(words)
			thr, want := rng.Threshold(p), 0
			for s := range n {
				u := uint32(words[s/2] >> (32 * (1 - s%2)))
				a := uint8(0)
				if uint64(u) < thr {
					a = 1
				}
				if ph[s] != a {
					t.Fatalf("n = %d, p = %g: site %d is %d, the literal rule gives %d", n, p, s, ph[s], a)
				}
				want += int(a)
			}
			if got != want || *r != ref {
				t.Fatalf("n = %d, p = %g: count %d, want %d (same stream after: %v)", n, p, got, want, *r == ref)
			}
		}
	}
}

// TestPickInitiatorsBlocksAreOneFill: the initiation coins drawn a buffer
// at a time are those of one Fill over the whole lattice, across block
// edges (4,096 words: 262,144 sites at probability 1/2, 8,192 otherwise).
func TestPickInitiatorsBlocksAreOneFill(t *testing.T) {
	for _, c := range []struct {
		side int
		p    float64
	}{{512, 0.5}, {513, 0.5}, {90, 0.3}, {91, 0.3}, {513, 0.3}, {2, 0.5}, {3, 0.7}} {
		r := rng.New(11)
		lt, err := NewLattice(fig4cParams, LatticeConfig{Side: c.side, Initiation: c.p}, 0.5, r)
		if err != nil {
			t.Fatal(err)
		}
		ref := *r
		m := lt.pickInitiators(r)
		// The literal rule: one word per 64 sites (bit s%64 of word s/64)
		// at 1/2, otherwise one word per two sites (low half first).
		N := lt.N
		var want []int32
		thr := rng.Threshold(c.p)
		if thr == 1<<31 {
			words := make([]uint64, (N+63)/64)
			ref.Fill(words)
			for s := range N {
				if words[s/64]>>(s%64)&1 == 1 {
					want = append(want, int32(s))
				}
			}
		} else {
			words := make([]uint64, (N+1)/2)
			ref.Fill(words)
			for s := range N {
				if uint64(uint32(words[s/2]>>(32*(s%2)))) < thr {
					want = append(want, int32(s))
				}
			}
		}
		if !slices.Equal(lt.initiators[:m], want) {
			t.Fatalf("L = %d, p = %v: %d initiators, want %d (or another list)", c.side, c.p, m, len(want))
		}
		if *r != ref {
			t.Fatalf("L = %d, p = %v: the generator ends elsewhere", c.side, c.p)
		}
	}
}

// TestLatticeLayout: the counters' edge bit marks exactly the sites
// outside rows and columns [r, L−r), and every site's neighbours
// (neighboursOf, degree) are its full list, on small and odd shapes.
func TestLatticeLayout(t *testing.T) {
	for _, cfg := range []LatticeConfig{
		{Side: 2}, {Side: 3}, {Side: 5, Radius: 2}, {Side: 7, Radius: 3, Neighborhood: VonNeumann},
		{Side: 9, Radius: 2, Boundary: Torus}, {Side: 10, Neighborhood: VonNeumann, Boundary: Torus}, {Side: 17},
	} {
		lt, err := NewLattice(fig4cParams, cfg, 0.5, rng.New(3))
		if err != nil {
			t.Fatal(err)
		}
		c := cfg.WithDefaults()
		resetCounters(lt.cnt16, lt.L, c.Radius, nil, 0, false)
		start, list := neighbours(c, allLists)
		for s := range lt.N {
			x, y := s%c.Side, s/c.Side
			interior := x >= c.Radius && x < c.Side-c.Radius && y >= c.Radius && y < c.Side-c.Radius
			if edge := lt.cnt16[s]&edgeBit[uint16]() != 0; edge == interior {
				t.Fatalf("%+v: site %d edge bit %v, interior %v", cfg, s, edge, interior)
			}
			full := list[start[s]:start[s+1]]
			if got := lt.neighboursOf(int32(s)); !slices.Equal(got, full) {
				t.Fatalf("%+v: site %d neighbours %v, want %v", cfg, s, got, full)
			}
			if lt.degree(int32(s)) != len(full) {
				t.Fatalf("%+v: site %d degree %d, want %d", cfg, s, lt.degree(int32(s)), len(full))
			}
		}
	}
}

// TestLatticeBytesEstimate: LatticeConfig.Bytes is within 10 % of what
// building the lattice and stepping it once take from the heap (the step
// lays out what play and selection build on first use: at L = 1000,
// banded play's lists, which a feed's layered loop never builds).
func TestLatticeBytesEstimate(t *testing.T) {
	g, err := (&PlatformConfig{Kind: KindNetwork, Network: NetworkConfig{Graph: GraphRegular, Nodes: 200_000, Degree: 8}}).BuildGraph(1, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []LatticeConfig{
		{Side: 700}, {Side: 700, Selection: Local}, {Side: 700, Neighborhood: VonNeumann, Selection: Local},
		{Side: 500, Radius: 3}, {Graph: g}, {Graph: g, Selection: Local}, {Side: 1000}, {Side: 1000, Selection: Local}, {Side: 1000, Feed: 0.3},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var lt *Lattice
		if cfg.Graph != nil {
			lt = newLattice(fig4cParams, cfg, 0.5, g.Nodes(), 0, rng.New(1))
		} else {
			lt, err = NewLattice(fig4cParams, cfg, 0.5, rng.New(1))
			if err != nil {
				t.Fatal(err)
			}
		}
		lt.Step(rng.New(2))
		runtime.GC()
		runtime.ReadMemStats(&after)
		used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		if cfg.Graph != nil {
			used += g.Bytes() // built before, and counted by Bytes
		}
		est := cfg.Bytes()
		if d := math.Abs(float64(est-used)) / float64(used); d > 0.10 {
			t.Errorf("%+v: estimate %d bytes, heap %d (%.0f %% off)", cfg, est, used, 100*d)
		}
		runtime.KeepAlive(lt)
	}
}

// The bench's well-mixed point is a stable coexistence near its start, so
// that its timed generations are polymorphic ones.
func TestBenchPointsCoexist(t *testing.T) {
	if o, _ := coexistParams.Classify(); o != model.Coexistence {
		t.Fatalf("coexistParams: %v, want coexistence", o)
	}
	eq := coexistParams.Equilibria()
	if len(eq) != 3 || math.Abs(eq[1].P-coexistA) > 0.01 {
		t.Fatalf("coexistParams: equilibria %v, want p̂* within 0.01 of %g", eq, coexistA)
	}
}
