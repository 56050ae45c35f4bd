package sim

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// The benchmark table of "culturesim bench": for each engine and size, the
// median time of one generation, the random words it draws, and its floor:
// those words times the measured cost of one word. The same cases are the
// package's Go benchmarks (bench_test.go); this is the table anyone can
// rerun from the command line.

// BenchCase is one engine and size of the table.
type BenchCase struct {
	Name  string // engine-size-selection, e.g. lattice-100-global
	Sites int    // sites, agents or nodes
	Large bool   // needs seconds to build and hundreds of MiB (skipped by quick tables)
	build func(r *rng.Xoshiro) (benchStepper, error)
}

// BenchResult is one row of the table.
type BenchResult struct {
	Name      string
	Sites     int
	PerGen    time.Duration // median time of one generation
	NsPerSite float64
	Words     int     // random 64-bit words one generation draws
	WordNs    float64 // the measured cost of one word
	Floor     time.Duration
	Ratio     float64 // PerGen / Floor
	MemBytes  uint64  // heap the engine holds after its first generation
	Runs      int
}

// benchStepper is an engine as the table drives it: one generation, then
// a fresh random start if a phenotype fixed (so every timed generation is
// a polymorphic one, as in the paper's runs).
type benchStepper interface {
	Step(r *rng.Xoshiro) GenStats
	repolymorph(r *rng.Xoshiro)
}

func (lt *Lattice) repolymorph(r *rng.Xoshiro) {
	if lt.nA == 0 || lt.nA == lt.N {
		lt.nA = initBernoulli(r, lt.phen, 0.5, lt.buf)
	}
}

func (w *WellMixed) repolymorph(r *rng.Xoshiro) {
	if w.nA == 0 || w.nA == w.n {
		w.drawPairs(r, coexistA)
	}
}

// agentsStepper steps a well-mixed population agent by agent, as a
// platform that migration can reach does (never packed).
type agentsStepper struct{ *WellMixed }

func (a agentsStepper) Step(r *rng.Xoshiro) GenStats { return a.stepAgents(r) }

func (a agentsStepper) repolymorph(r *rng.Xoshiro) {
	if a.nA == 0 || a.nA == a.n {
		a.nA = initBernoulli(r, a.juv, coexistA, a.buf)
	}
}

// fig4cParams is the paper's Figure 4c point (MODEL.md §6), the lattice
// and network cases' parameters (and the package tests').
var fig4cParams = model.Params{B: 1.3, C: 0.02, V: 1, Alpha: 0.125, TA: 0.4, TB: 0.435}

// coexistParams is the well-mixed cases' point, whose stable coexistence
// lies near coexistA, where they start (β3 ≈ 0.050, β1 ≈ 0.116: p̂* ≈
// 0.432; TestBenchPointsCoexist). A packed population costs nothing once
// fixed, so a point that drifts to fixation would time the wrong thing.
var coexistParams = model.Params{B: 1.3, C: 0.05, V: 0.8, Alpha: 0.87, TA: 0.4, TB: 0.7}

const coexistA = 0.43

// BenchCases lists the table's cases, in order.
func BenchCases() []BenchCase {
	lattice := func(side int, sel Selection, large bool) BenchCase {
		return BenchCase{Name: fmt.Sprintf("lattice-%d-%s", side, sel), Sites: side * side, Large: large,
			build: func(r *rng.Xoshiro) (benchStepper, error) {
				return NewLattice(fig4cParams, LatticeConfig{Side: side, Selection: sel}, 0.5, r)
			}}
	}
	wellMixed := func(n int) BenchCase {
		return BenchCase{Name: fmt.Sprintf("wellmixed-%d", n), Sites: n,
			build: func(r *rng.Xoshiro) (benchStepper, error) { return NewWellMixed(coexistParams, n, coexistA, r) }}
	}
	wellMixedAgents := func(n int) BenchCase {
		return BenchCase{Name: fmt.Sprintf("wellmixed-%d-agents", n), Sites: n,
			build: func(r *rng.Xoshiro) (benchStepper, error) {
				w, err := NewWellMixed(coexistParams, n, coexistA, r)
				if err != nil {
					return nil, err
				}
				w.unpack(r)
				return agentsStepper{w}, nil
			}}
	}
	network := func(name string, net NetworkConfig, sel Selection, large bool) BenchCase {
		return BenchCase{Name: fmt.Sprintf("%s-%s", name, sel), Sites: net.Nodes, Large: large,
			build: func(r *rng.Xoshiro) (benchStepper, error) {
				pc := PlatformConfig{Kind: KindNetwork, Network: net}
				g, err := pc.BuildGraph(1, false)
				if err != nil {
					return nil, err
				}
				return newLattice(fig4cParams, LatticeConfig{Graph: g, Selection: sel}, 0.5, g.Nodes(), 0, r), nil
			}}
	}
	return []BenchCase{
		lattice(100, Global, false),
		lattice(100, Local, false),
		lattice(1000, Global, false),
		lattice(4000, Global, true),
		wellMixed(10_000),
		wellMixed(1_000_000),
		wellMixedAgents(1_000_000),
		network("regular8-10000", NetworkConfig{Graph: GraphRegular, Nodes: 10_000, Degree: 8}, Global, false),
		network("regular8-10000", NetworkConfig{Graph: GraphRegular, Nodes: 10_000, Degree: 8}, Local, false),
		network("regular8-1000000", NetworkConfig{Graph: GraphRegular, Nodes: 1_000_000, Degree: 8}, Global, true),
		network("ba4-10000", NetworkConfig{Graph: GraphBA, Nodes: 10_000, M: 4}, Global, false),
		network("ba4-1000000", NetworkConfig{Graph: GraphBA, Nodes: 1_000_000, M: 4}, Global, true),
		{Name: "world-tiktok-150000", Sites: 150_000, build: func(r *rng.Xoshiro) (benchStepper, error) { return migrationWorld(r) }},
	}
}

// migrationWorld is the path of the TikTok scenarios: two well-mixed
// platforms (10⁵ and 5·10⁴ agents, tiktok_refugees's models) whose
// lineages a ban has mixed, with return migration every generation, so
// that every offspring's parent is drawn (parentStream) and every adult
// may move. It is stepped past the ban.
func migrationWorld(r *rng.Xoshiro) (*World, error) {
	p := model.Params{B: 1.3, C: 0.1, V: 0.9, TA: 0.3, TB: 0.3}
	tiktok, xhs := p, p
	tiktok.Alpha, xhs.Alpha = 0.05, 0.6
	w, err := NewWorld(WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "tiktok", Agents: 100_000, InitialA: 0.5, Model: tiktok},
			{Name: "xiaohongshu", Agents: 50_000, InitialA: 0.5, Model: xhs},
		},
		Migration: model.Migration{
			Events: []model.Event{{Generation: 1, From: 0, To: 1, Fraction: 0.4}},
			Routes: []model.Route{{From: 1, To: 0, Rate: 0.005, Start: 2}},
		},
		Generations: 1 << 30,
	}, r)
	if err != nil {
		return nil, err
	}
	for range 3 {
		w.Step(r)
	}
	return w, nil
}

// repolymorph: a world's cost does not fall when a platform fixes (its
// agents still play, move and are born one by one).
func (w *World) repolymorph(*rng.Xoshiro) {}

// WordCost measures the cost of one random word, in ns: the median of runs
// timings of Fill over a 1024-word buffer (the engines draw in such
// blocks), each at least minRun long.
func WordCost(runs int, minRun time.Duration) float64 {
	// Its own loop, not medianNsPer's: through that closure the same Fill
	// measured 15–60 % slower, which would inflate every floor. Every
	// block's last word goes into a sink that outlives the loop: without
	// it, when Fill was still inlined here, the compiler dropped words
	// nobody read with their arithmetic, and the floor it measured (0.56
	// ns a word, against 0.85 ns for the same words written) was too low,
	// and every ratio too high. Fill is no longer inlined; the sink keeps
	// the measure honest if it ever is again.
	r := rng.New(1)
	buf := make([]uint64, wordBlock)
	times := make([]float64, 0, runs)
	var sink uint64
	for range runs {
		n, start := 0, time.Now()
		for time.Since(start) < minRun {
			for range 64 {
				r.Fill(buf)
				sink ^= buf[len(buf)-1]
			}
			n += 64 * len(buf)
		}
		times = append(times, float64(time.Since(start).Nanoseconds())/float64(n))
	}
	wordSink = sink
	return median(times)
}

// wordSink keeps WordCost's words alive (see there).
var wordSink uint64

// medianNsPer is the median, over runs timings, of the ns per item of
// step, which does some items' work and returns how many: each timing
// repeats step, at least once, until minRun has passed.
func medianNsPer(runs int, minRun time.Duration, step func() int) float64 {
	times := make([]float64, 0, runs)
	for range runs {
		n, start := 0, time.Now()
		for n == 0 || time.Since(start) < minRun {
			n += step()
		}
		times = append(times, float64(time.Since(start).Nanoseconds())/float64(n))
	}
	return median(times)
}

// LoadCost measures the cost of one load of a random site's 16-bit
// counter among n, in ns: the median of runs timings, each at least
// minRun long, of a gather over all n sites in a shuffled order (loads
// independent of one another, as a large lattice's initiators make them).
// It is the memory floor of a lattice or graph too large for the cache.
func LoadCost(n, runs int, minRun time.Duration) float64 {
	cnt := make([]uint16, n)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
		cnt[i] = uint16(i) // written, so that its pages are its own (never-written pages all read the one zero page)
	}
	rng.Shuffle(rng.New(2), idx)
	ns := medianNsPer(runs, minRun, func() int {
		var sum uint16 // local: a captured sum would be stored on every load
		for _, i := range idx {
			sum += cnt[i]
		}
		loadSink += sum
		return n
	})
	return ns
}

// loadSink keeps LoadCost's loads from being optimised away.
var loadSink uint16

// RunBench times case c: runs timings of whole generations, each at least
// minRun long, after one untimed generation; it counts the words of one
// more generation. wordNs is the cost of a word (WordCost).
func RunBench(c BenchCase, runs int, minRun time.Duration, wordNs float64) (BenchResult, error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := rng.New(1)
	e, err := c.build(r)
	if err != nil {
		return BenchResult{}, err
	}
	// The heap is read after a first generation, which lays out what
	// play and selection build on first use (banded play's lists).
	e.Step(r)
	runtime.GC()
	runtime.ReadMemStats(&after)
	e.repolymorph(r)

	// The words of one generation: the distance between the generator's
	// states before and after it.
	start := *r
	e.Step(r)
	words, ok := rng.Distance(&start, r, 1<<34)
	if !ok {
		return BenchResult{}, fmt.Errorf("bench %s: could not count the words of a generation", c.Name)
	}

	// The repolymorph checks are in the time, as in the Go benchmarks;
	// the rare fresh start they draw is too.
	per := medianNsPer(runs, minRun, func() int {
		e.repolymorph(r)
		e.Step(r)
		return 1
	})
	floor := float64(words) * wordNs
	res := BenchResult{
		Name: c.Name, Sites: c.Sites, Runs: runs,
		PerGen: time.Duration(per), NsPerSite: per / float64(c.Sites),
		Words: words, WordNs: wordNs, Floor: time.Duration(floor), Ratio: per / floor,
	}
	if after.HeapAlloc > before.HeapAlloc {
		res.MemBytes = after.HeapAlloc - before.HeapAlloc
	}
	runtime.KeepAlive(e)
	return res, nil
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
