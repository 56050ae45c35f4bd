package sim

import (
	"math"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// twoPlatforms is a world of two well-mixed platforms of n agents with
// different cultures: "tiktok" (low α, defection-leaning) and "rednote"
// (high α, cooperation-leaning).
func twoPlatforms(n int, mig model.Migration, gens int) WorldConfig {
	return WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "tiktok", Agents: n, InitialA: 0.3, Model: model.Params{B: 1.3, C: 0.1, V: 0.7, Alpha: 0.1, TA: 0.3, TB: 0.35}},
			{Name: "rednote", Agents: n, InitialA: 0.6, Model: model.Params{B: 1.3, C: 0.05, V: 0.8, Alpha: 0.8, TA: 0.4, TB: 0.3}},
		},
		Migration:   mig,
		Generations: gens,
	}
}

func TestWorldOfOnePlatformIsTheSinglePopulation(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.5, TA: 0.4, TB: 0.45}
	for _, n := range []int{10_001, 20_000} {
		r1, r2 := rng.Stream(7, 3, 1), rng.Stream(7, 3, 1)
		pop, err := NewWellMixed(p, n, 0.4, r1)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewWorld(WorldConfig{Platforms: []PlatformConfig{{Name: "only", Agents: n, InitialA: 0.4, Model: p}}, Generations: 100}, r2)
		if err != nil {
			t.Fatal(err)
		}
		for g := range 100 {
			a, b := pop.Step(r1), w.Step(r2)
			if a != b {
				t.Fatalf("n = %d, generation %d: single population %+v, world %+v", n, g, a, b)
			}
		}
		if r1.Uint64() != r2.Uint64() {
			t.Fatalf("n = %d: the streams diverged", n)
		}
	}
	r1, r2 := rng.Stream(9, 0, 0), rng.Stream(9, 0, 0)
	lt, err := NewLattice(p, LatticeConfig{Side: 30, Selection: Local}, 0.5, r1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWorld(WorldConfig{Platforms: []PlatformConfig{{Name: "grid", Kind: KindLattice, InitialA: 0.5, Model: p, Lattice: LatticeConfig{Side: 30, Selection: Local}}}, Generations: 50}, r2)
	if err != nil {
		t.Fatal(err)
	}
	for g := range 50 {
		if a, b := lt.Step(r1), w.Step(r2); a != b {
			t.Fatalf("lattice generation %d: single population %+v, world %+v", g, a, b)
		}
	}
}

// checkConservation steps w and checks, every generation, that the world
// keeps its size, that every move is counted once (out of one platform,
// into another) and that each platform's size changes by its moves only.
func checkConservation(t *testing.T, w *World, r *rng.Xoshiro, gens int) (moves int) {
	t.Helper()
	total := w.Size()
	prev := w.State()
	for g := range gens {
		w.Step(r)
		st := w.LastStats()
		now := w.State()
		in, out, sum := 0, 0, 0
		for k := range st {
			in += st[k].MovedIn
			out += st[k].MovedOut
			sum += now[k].Size
			if st[k].Size != prev[k].Size {
				t.Fatalf("generation %d, platform %d: started with %d agents, the previous generation ended with %d", g, k, st[k].Size, prev[k].Size)
			}
			if want := st[k].Size + st[k].MovedIn - st[k].MovedOut; now[k].Size != want {
				t.Fatalf("generation %d, platform %d: %d agents after moves, want %d + %d − %d", g, k, now[k].Size, st[k].Size, st[k].MovedIn, st[k].MovedOut)
			}
			if st[k].Natives+st[k].Migrants != st[k].Size {
				t.Fatalf("generation %d, platform %d: natives %d + migrants %d ≠ size %d", g, k, st[k].Natives, st[k].Migrants, st[k].Size)
			}
		}
		if in != out {
			t.Fatalf("generation %d: %d moves in, %d out", g, in, out)
		}
		if sum != total || w.Size() != total {
			t.Fatalf("generation %d: world has %d agents, started with %d", g, sum, total)
		}
		moves += in
		prev = now
	}
	return moves
}

func TestWorldConservesAgents(t *testing.T) {
	mig := model.Migration{
		Routes: []model.Route{{From: 0, To: 1, Rate: 0.02}, {From: 1, To: 0, Rate: 0.01}, {From: 1, To: 2, Rate: 0.05, PayoffSeeking: true}},
		Events: []model.Event{{Generation: 5, From: 0, To: 1, Fraction: 0.5}, {Generation: 7, From: 1, To: 2, Fraction: 0.3, Phenotype: model.OnlyA}},
	}
	cfg := twoPlatforms(5001, mig, 40)
	cfg.Platforms = append(cfg.Platforms, PlatformConfig{Name: "grid", Kind: KindLattice, Lattice: LatticeConfig{Side: 40}, Agents: 1000, InitialA: 0.5,
		Model: model.Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.125, TA: 0.3, TB: 0.3}})
	w, err := NewWorld(cfg, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	if moves := checkConservation(t, w, rng.New(2), 40); moves < 2500 {
		t.Fatalf("only %d moves", moves)
	}
}

func TestEventMovesExactly(t *testing.T) {
	mig := model.Migration{Events: []model.Event{{Generation: 3, From: 0, To: 1, Fraction: 0.37}, {Generation: 6, From: 1, To: 0, Fraction: 0.25, Phenotype: model.OnlyA}}}
	w, err := NewWorld(twoPlatforms(10_000, mig, 10), rng.New(3))
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(4)
	back := 0
	for g := range 10 {
		before := w.State()
		w.Step(r)
		st := w.LastStats()
		switch g {
		case 3:
			if st[0].MovedOut != 3700 || st[1].MovedIn != 3700 {
				t.Fatalf("ban: moved %d out, %d in; want 3700", st[0].MovedOut, st[1].MovedIn)
			}
		case 6:
			// round(0.25 × A adults of platform 1), known only after
			// transmission: at least check it is a quarter of A's scale.
			if st[1].MovedOut == 0 || st[1].MovedOut > before[1].Size/4+1 {
				t.Fatalf("A-only event moved %d of %d", st[1].MovedOut, before[1].Size)
			}
			back = st[1].MovedOut
		default:
			if st[0].MovedOut+st[1].MovedOut != 0 {
				t.Fatalf("generation %d: moves without an event", g)
			}
		}
	}
	if s := w.State(); s[0].Size != 6300+back || s[1].Size != 13_700-back {
		t.Fatalf("sizes %d, %d after moving 3700 and %d back", s[0].Size, s[1].Size, back)
	}
}

// TestWorldFollowsDeterministicCounterpart is the acceptance test of the
// platform engine: 20 replicates of 10^5 agents per platform, whose mean
// frequency of A on each platform lies within 4 standard errors of the
// deterministic counterpart at each of 50 generations, with rate
// migration and exposure, and with a ban event. Sizes match exactly for
// events and within 4 standard errors for rates.
func TestWorldFollowsDeterministicCounterpart(t *testing.T) {
	if testing.Short() {
		t.Skip("20 × 2 × 10^5 agents × 50 generations")
	}
	const n, reps, gens = 100_000, 20, 50
	cases := []struct {
		name string
		mig  model.Migration
	}{
		{"rates and exposure", model.Migration{
			Routes:    []model.Route{{From: 0, To: 1, Rate: 0.05}, {From: 1, To: 0, Rate: 0.02}},
			Exposures: []model.Exposure{{Learners: 1, Donors: 0, Prob: 0.2}},
		}},
		{"ban event and return", model.Migration{
			Events: []model.Event{{Generation: 10, From: 0, To: 1, Fraction: 0.6}, {Generation: 30, From: 1, To: 0, Fraction: 0.1}},
		}},
	}
	for ci, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := twoPlatforms(n, tc.mig, gens)
			var det []model.DetPlatform
			for _, p := range cfg.Platforms {
				det = append(det, model.DetPlatform{Params: p.Model, Size: float64(p.Agents), InitialA: p.InitialA})
			}
			dw, err := model.NewDetWorld(det, tc.mig, gens)
			if err != nil {
				t.Fatal(err)
			}
			want := make([][]model.DetStats, gens)
			for g := range gens {
				want[g] = dw.Step()
			}
			var freq, size, natives, migrants [gens][2]sampleStats
			for rep := range reps {
				r := rng.Stream(uint64(100+ci), 0, rep)
				w, err := NewWorld(cfg, r)
				if err != nil {
					t.Fatal(err)
				}
				for g := range gens {
					w.Step(r)
					for k, s := range w.LastStats() {
						freq[g][k].add(float64(s.CountA) / float64(s.Size))
						if s.Natives > 0 {
							natives[g][k].add(float64(s.NativesA) / float64(s.Natives))
						}
						if s.Migrants > 0 {
							migrants[g][k].add(float64(s.MigrantsA) / float64(s.Migrants))
						}
						size[g][k].add(float64(s.Size))
					}
				}
			}
			worst := 0.0
			for g := range gens {
				for k := range 2 {
					f, d := freq[g][k], want[g][k]
					se := math.Sqrt(f.variance() / reps)
					if z := math.Abs(f.mean-d.FreqA) / se; z > 4 {
						t.Errorf("generation %d, platform %d: mean freq_a %.5f ± %.5f, deterministic %.5f (%.1f SE)", g, k, f.mean, se, d.FreqA, z)
					} else {
						worst = max(worst, z)
					}
					// Natives and migrants separately, where every
					// replicate has some (the counterpart is NaN where
					// there are none).
					for _, c := range []struct {
						what string
						got  sampleStats
						want float64
					}{{"natives", natives[g][k], d.FreqNatives}, {"migrants", migrants[g][k], d.FreqMigrants}} {
						if c.got.n < reps || math.IsNaN(c.want) || c.got.variance() == 0 {
							continue
						}
						se := math.Sqrt(c.got.variance() / reps)
						if z := math.Abs(c.got.mean-c.want) / se; z > 4 {
							t.Errorf("generation %d, platform %d: %s' mean freq_a %.5f ± %.5f, deterministic %.5f (%.1f SE)", g, k, c.what, c.got.mean, se, c.want, z)
						}
					}
					s := size[g][k]
					if s.variance() == 0 {
						// Event sizes are exact in the engine; the
						// counterpart's masses carry float rounding.
						if math.Abs(s.mean-d.Size) > 1e-9*d.Size {
							t.Errorf("generation %d, platform %d: size %v, deterministic %v", g, k, s.mean, d.Size)
						}
					} else if z := math.Abs(s.mean-d.Size) / math.Sqrt(s.variance()/reps); z > 4 {
						t.Errorf("generation %d, platform %d: mean size %.1f, deterministic %.1f (%.1f SE)", g, k, s.mean, d.Size, z)
					}
				}
			}
			t.Logf("largest deviation: %.2f standard errors (final freq_a: %.4f, %.4f)", worst, want[gens-1][0].FreqA, want[gens-1][1].FreqA)
		})
	}
}

func TestLatticePlatformVacanciesAndRefusals(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.125, TA: 0.3, TB: 0.3}
	cfg := WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "crowd", Agents: 2000, InitialA: 0.5, Model: p},
			{Name: "grid", Kind: KindLattice, Agents: 300, InitialA: 0.5, Model: p, Lattice: LatticeConfig{Side: 20, Selection: Local}},
		},
		// 200 movers a generation into a lattice with 100 empty sites.
		Migration:   model.Migration{Events: []model.Event{{Generation: 2, From: 0, To: 1, Fraction: 0.1}}},
		Generations: 10,
	}
	w, err := NewWorld(cfg, rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(6)
	for g := range 10 {
		w.Step(r)
		st := w.LastStats()
		if g == 2 && (st[1].MovedIn != 100 || st[1].Refused != 100 || st[0].MovedOut != 100) {
			t.Fatalf("into a lattice with 100 free sites: %d moved in, %d refused, %d moved out", st[1].MovedIn, st[1].Refused, st[0].MovedOut)
		}
		ph, origin, _, occ := w.Agents(1)
		n, migrants := 0, 0
		for s := range ph {
			if occ[s] == 0 {
				if ph[s] != 0 && g == 0 {
					t.Fatalf("empty site %d holds phenotype %d", s, ph[s])
				}
				continue
			}
			n++
			if origin[s] != 1 {
				migrants++
			}
		}
		want := 300
		if g >= 2 {
			want = 400
		}
		if n != want || w.State()[1].Size != want {
			t.Fatalf("generation %d: %d occupied sites, want %d", g, n, want)
		}
		if g == 2 && migrants == 0 {
			t.Fatal("no offspring of the 100 arrivals")
		}
	}
}

// Payoff-seeking moves go only from adults earning less than the target's
// mean fitness: with a target far richer than any home payoff everyone
// drawn moves, with a poorer one nobody does.
func TestPayoffSeekingMoves(t *testing.T) {
	poor := model.Params{B: 0.2, C: 0.1, V: 1, Alpha: 0.5, TA: 0.3, TB: 0.3} // fitness ≤ 1.2
	rich := model.Params{B: 5, C: 0.1, V: 1, Alpha: 0.5, TA: 0.3, TB: 0.3}   // all A: fitness 5.9
	cfg := WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "poor", Agents: 20_000, InitialA: 0.5, Model: poor},
			{Name: "rich", Agents: 20_000, InitialA: 1, Model: rich},
		},
		Migration: model.Migration{Routes: []model.Route{
			{From: 0, To: 1, Rate: 0.1, PayoffSeeking: true},
			{From: 1, To: 0, Rate: 0.1, PayoffSeeking: true},
		}},
		Generations: 1,
	}
	w, err := NewWorld(cfg, rng.New(7))
	if err != nil {
		t.Fatal(err)
	}
	w.Step(rng.New(8))
	st := w.LastStats()
	if st[1].MovedOut != 0 {
		t.Errorf("%d adults left the rich platform for the poor one", st[1].MovedOut)
	}
	// Binomial(20000, 0.1): 2000 ± 42.
	if d := math.Abs(float64(st[0].MovedOut) - 2000); d > 4*42.5 {
		t.Errorf("%d moved from poor to rich, want about 2000", st[0].MovedOut)
	}
}

// A world's step allocates nothing once its buffers have grown: events,
// routes and exposure included, lattices with vacancies, arrivals, mixed
// lineages (global and local) and exposure too, and a world of one
// platform as a population. A lattice that nothing touches keeps its
// layers off.
func TestWorldStepsDoNotAllocate(t *testing.T) {
	lp := model.Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.125, TA: 0.3, TB: 0.3}
	mig := model.Migration{
		// Lattices 2 and 5 lose adults faster than they gain them: about
		// 200 and 250 of their 900 sites stay occupied.
		Routes: []model.Route{{From: 0, To: 1, Rate: 0.02}, {From: 1, To: 0, Rate: 0.02}, {From: 1, To: 2, Rate: 0.002}, {From: 2, To: 1, Rate: 0.05},
			{From: 0, To: 5, Rate: 0.002}, {From: 5, To: 0, Rate: 0.04}},
		Exposures: []model.Exposure{{Learners: 1, Donors: 0, Prob: 0.1}, {Learners: 2, Donors: 0, Prob: 0.1}, {Learners: 3, Donors: 1, Prob: 0.2}},
	}
	cfg := twoPlatforms(5000, mig, 1000)
	lattice := func(name string, agents int, lc LatticeConfig) PlatformConfig {
		return PlatformConfig{Name: name, Kind: KindLattice, Lattice: lc, Agents: agents, InitialA: 0.5, Model: lp}
	}
	cfg.Platforms = append(cfg.Platforms,
		lattice("grid", 600, LatticeConfig{Side: 30}),                          // 2: vacancies, arrivals, exposure
		lattice("exposed", 0, LatticeConfig{Side: 20, Selection: Local}),       // 3: full, exposure only
		lattice("still", 0, LatticeConfig{Side: 20}),                           // 4: nothing touches it
		lattice("local", 500, LatticeConfig{Side: 30, Selection: Local}),       // 5: vacancies, local parents
		lattice("later", 0, LatticeConfig{Side: 20, Neighborhood: VonNeumann}), // 6: events added while running
	)
	r := rng.New(11)
	w, err := NewWorld(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []model.Event{{Generation: 5, From: 6, To: 0, Fraction: 0.5}, {Generation: 20, From: 1, To: 6, Fraction: 0.01}} {
		if err := w.AddEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	for range 50 { // let the buffers reach their working sizes
		w.Step(r)
	}
	if still := w.plats[4].(*latticePlatform).lt; still.occ != nil || still.lin != nil {
		t.Error("a lattice that nothing touches switched a layer on")
	}
	for _, k := range []int{2, 5, 6} {
		if lt := w.plats[k].(*latticePlatform).lt; !lt.vacant() || lt.lin == nil || !lt.lin.mixed {
			t.Errorf("platform %d: vacancies %v, mixed lineages %v", k, lt.vacant(), lt.lin != nil && lt.lin.mixed)
		}
	}
	if allocs := testing.AllocsPerRun(20, func() { w.Step(r) }); allocs != 0 {
		t.Errorf("%v allocations per world step", allocs)
	}
	for _, pc := range []PlatformConfig{cfg.Platforms[0], cfg.Platforms[3]} {
		one, err := NewWorld(WorldConfig{Platforms: []PlatformConfig{pc}, Generations: 10}, r)
		if err != nil {
			t.Fatal(err)
		}
		one.Step(r)
		if allocs := testing.AllocsPerRun(20, func() { one.Step(r) }); allocs != 0 {
			t.Errorf("%v allocations per step of a one-platform world (%s)", allocs, pc.Kind)
		}
	}
}

// Events added while a world runs may move agents out of and into a
// lattice that no route, event or exposure of the scenario touched: it
// runs the fast path until then, and switches its layers on when the
// first adults leave.
func TestEventsOnALatticeNothingTouched(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.125, TA: 0.3, TB: 0.3}
	cfg := WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "crowd", Agents: 2000, InitialA: 0.5, Model: p},
			{Name: "grid", Kind: KindLattice, InitialA: 0.5, Model: p, Lattice: LatticeConfig{Side: 20, Selection: Local}},
		},
		Generations: 10,
	}
	w, err := NewWorld(cfg, rng.New(31))
	if err != nil {
		t.Fatal(err)
	}
	lt := w.plats[1].(*latticePlatform).lt
	r := rng.New(32)
	w.Step(r)
	w.Step(r)
	if lt.occ != nil || lt.lin != nil {
		t.Fatal("layers on before anything touched the lattice")
	}
	for _, e := range []model.Event{{Generation: 2, From: 1, To: 0, Fraction: 0.25}, {Generation: 4, From: 0, To: 1, Fraction: 0.1}} {
		if err := w.AddEvent(e); err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
	}
	for g := 2; g < 10; g++ {
		before := w.State()
		w.Step(r)
		st, now := w.LastStats(), w.State()
		switch g {
		case 2:
			if st[1].MovedOut != 100 || st[0].MovedIn != 100 || now[1].Size != 300 || now[0].Size != 2100 {
				t.Fatalf("out of the lattice: %d moved out, %d in; sizes now %d, %d", st[1].MovedOut, st[0].MovedIn, now[0].Size, now[1].Size)
			}
			if lt.occ == nil || !lt.vacant() {
				t.Fatal("the lattice has no vacancies after its adults left")
			}
		case 4:
			// round(0.1 × 2100) = 210 movers for 100 empty sites.
			if st[1].MovedIn != 100 || st[1].Refused != 110 || now[1].Size != 400 {
				t.Fatalf("into the lattice: %d moved in, %d refused, size %d (from %d)", st[1].MovedIn, st[1].Refused, now[1].Size, before[1].Size)
			}
		default:
			if st[0].MovedOut+st[1].MovedOut != 0 {
				t.Fatalf("generation %d: moves without an event", g)
			}
		}
		for k, s := range now {
			if s.Natives+s.Migrants != s.Size {
				t.Fatalf("generation %d, platform %d: %d natives + %d migrants ≠ %d", g, k, s.Natives, s.Migrants, s.Size)
			}
		}
		if now[0].Size+now[1].Size != 2400 {
			t.Fatalf("generation %d: the world has %d agents", g, now[0].Size+now[1].Size)
		}
	}
	if s := w.State(); s[0].Migrants == 0 || s[1].Migrants == 0 {
		t.Errorf("no descendants of the movers: %d migrants on the crowd, %d on the lattice", s[0].Migrants, s[1].Migrants)
	}
	checkLayerInvariants(t, lt)
}

// SetPlatform gives any platform new parameters and lattice settings,
// keeping its agents; a lattice then steps exactly as a new lattice of
// those settings holding the same agents.
func TestSetPlatformEveryKind(t *testing.T) {
	pOld := model.Params{B: 1.3, C: 0.05, V: 0.9, Alpha: 0.125, TA: 0.3, TB: 0.3}
	pNew := model.Params{B: 1.5, C: 0.4, V: 0.6, Alpha: 0.3, TA: 0.35, TB: 0.45}
	newLC := LatticeConfig{Side: 16, Selection: Local, Neighborhood: VonNeumann, Radius: 2, Fitness: FitnessSum, Initiation: 0.8, Rounds: 2, Boundary: Torus}
	cfg := WorldConfig{
		Platforms: []PlatformConfig{
			{Name: "crowd", Agents: 1000, InitialA: 0.5, Model: pOld},
			{Name: "full", Kind: KindLattice, InitialA: 0.5, Model: pOld, Lattice: LatticeConfig{Side: 16}},
			{Name: "sparse", Kind: KindLattice, Agents: 150, InitialA: 0.5, Model: pOld, Lattice: LatticeConfig{Side: 16}},
		},
		Migration:   model.Migration{Routes: []model.Route{{From: 0, To: 2, Rate: 0.01}, {From: 2, To: 0, Rate: 0.02}}},
		Generations: 20,
	}
	w, err := NewWorld(cfg, rng.New(41))
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(42)
	checkConservation(t, w, r, 3)
	for k, pc := range cfg.Platforms {
		pc.Model = pNew
		if pc.Kind == KindLattice {
			pc.Lattice = newLC
		}
		phenotypes := func() string { ph, _, _, _ := w.Agents(k); return string(ph) }
		counts := func() PlatformStats { s := w.State()[k]; s.MeanFitness = 0; return s } // NaN ≠ NaN
		ph, before := phenotypes(), counts()
		if err := w.SetPlatform(k, pc); err != nil {
			t.Fatalf("platform %d: %v", k, err)
		}
		if phenotypes() != ph || counts() != before {
			t.Fatalf("platform %d: SetPlatform changed the agents", k)
		}
	}
	checkConservation(t, w, r, 10)
	bad := cfg.Platforms[1]
	bad.Lattice.Side = 17
	if err := w.SetPlatform(1, bad); err == nil {
		t.Error("a lattice's side changed")
	}
	bad = cfg.Platforms[0]
	bad.Agents = 999
	if err := w.SetPlatform(0, bad); err == nil {
		t.Error("a well-mixed platform's size changed")
	}

	one, err := NewWorld(WorldConfig{Platforms: cfg.Platforms[1:2], Generations: 20}, rng.New(43))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		one.Step(r)
	}
	pc := cfg.Platforms[1]
	pc.Model, pc.Lattice = pNew, newLC
	if err := one.SetPlatform(0, pc); err != nil {
		t.Fatal(err)
	}
	lt, err := NewLattice(pNew, newLC, 0.5, rng.New(0))
	if err != nil {
		t.Fatal(err)
	}
	if ph, _, _, _ := one.Agents(0); lt.SetPhenotypes(ph) != nil {
		t.Fatal(err)
	}
	ra, rb := rng.New(44), rng.New(44)
	for g := range 10 {
		if a, b := one.Step(ra), lt.Step(rb); a != b {
			t.Fatalf("generation %d after SetPlatform: world %+v, new lattice %+v", g, a, b)
		}
	}

	// A change of the live settings only (the model, the feed) keeps the
	// lists and blocks; it still steps as a new lattice of those settings.
	pc.Model = pOld
	pc.Lattice.Feed, pc.Lattice.FeedBias = 0.3, FeedDegree
	if err := one.SetPlatform(0, pc); err != nil {
		t.Fatal(err)
	}
	lc := newLC
	lc.Feed, lc.FeedBias = 0.3, FeedDegree
	lt2, err := NewLattice(pOld, lc, 0.5, rng.New(0))
	if err != nil {
		t.Fatal(err)
	}
	if ph, _, _, _ := one.Agents(0); lt2.SetPhenotypes(ph) != nil {
		t.Fatal(err)
	}
	for g := range 10 {
		if a, b := one.Step(ra), lt2.Step(rb); a != b {
			t.Fatalf("generation %d after a live change: world %+v, new lattice %+v", g, a, b)
		}
	}
}

// When a lattice runs out of empty sites, the refused movers are a
// uniformly random subset of those that tried, not the last in site
// order: 400 adults of a full lattice move towards 40 empty sites; the
// sites the 40 accepted movers leave empty in their lattice are spread
// over its rows as a uniformly random subset's are (hypergeometric: 40
// of 400 sites, 200 in the top half: mean 20, sd 3.0), not the first 40
// sites in order (all in the top two rows).
func TestRefusalsAreUniform(t *testing.T) {
	p := model.Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.125, TA: 0, TB: 0}
	var top sampleStats
	for rep := range 40 {
		cfg := WorldConfig{
			Platforms: []PlatformConfig{
				{Name: "from", Kind: KindLattice, InitialA: 0.5, Model: p, Lattice: LatticeConfig{Side: 20}},
				{Name: "to", Kind: KindLattice, Agents: 360, InitialA: 0.5, Model: p, Lattice: LatticeConfig{Side: 20}},
			},
			Migration:   model.Migration{Events: []model.Event{{Generation: 0, From: 0, To: 1, Fraction: 1}}},
			Generations: 1,
		}
		r := rng.Stream(77, 0, rep)
		w, err := NewWorld(cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		w.Step(r)
		st := w.LastStats()
		if st[1].MovedIn != 40 || st[1].Refused != 360 {
			t.Fatalf("%d moved in, %d refused; want 40 and 360", st[1].MovedIn, st[1].Refused)
		}
		_, _, _, occ := w.Agents(0)
		n := 0
		for s := range 200 {
			if occ[s] == 0 {
				n++
			}
		}
		top.add(float64(n))
	}
	// 40 replicates: the mean of the top-half count within 5 standard
	// errors of 20 (sd 3.0 each); order-biased refusals give 40.
	if se := 3.0 / math.Sqrt(40); math.Abs(top.mean-20) > 5*se {
		t.Errorf("emptied sites in the top half: mean %.2f over 40 replicates, want 20 ± %.2f", top.mean, 5*se)
	}
}

// A well-mixed platform that no migration can reach keeps counts, not
// agents; it lays its agents out before the first generation migration
// can touch (here an event added while the world runs), and packs again
// once nothing can reach it and its agents share one lineage. Every generation its view of the agents
// holds exactly its count of A, and the event moves exactly its share.
func TestPackedPlatformsUnpackForMigration(t *testing.T) {
	w, err := NewWorld(twoPlatforms(10_001, model.Migration{}, 20), rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	r := rng.New(6)
	packed := func(k int) bool { return w.plats[k].(*wmPlatform).wm.packed }
	for g := range 20 {
		if g == 4 {
			if err := w.AddEvent(model.Event{Generation: 8, From: 0, To: 1, Fraction: 0.3}); err != nil {
				t.Fatal(err)
			}
		}
		// Packed until the event is known, agents from then to the
		// event's generation; platform 0 packs again once its offspring
		// are born without a move (its agents are all natives), while
		// platform 1's migrants carry their lineage, agent by agent.
		for k := range 2 {
			want := g <= 4 || (k == 0 && g >= 10)
			if packed(k) != want {
				t.Fatalf("generation %d, platform %d: packed %v, want %v", g, k, packed(k), want)
			}
			ph, _, _, _ := w.Agents(k)
			st := w.State()[k]
			n := 0
			for _, x := range ph {
				n += int(x)
			}
			if len(ph) != st.Size || n != st.CountA {
				t.Fatalf("generation %d, platform %d: view of %d agents, %d A; state %d, %d A", g, k, len(ph), n, st.Size, st.CountA)
			}
		}
		w.Step(r)
		if st := w.LastStats(); g == 8 && (st[0].MovedOut != 3000 || st[1].MovedIn != 3000) {
			t.Fatalf("event moved %d out, %d in; want round(0.3 × 10001) = 3000", st[0].MovedOut, st[1].MovedIn)
		}
	}
	if s := w.State(); s[0].Size != 7001 || s[1].Size != 13_001 {
		t.Fatalf("sizes %d, %d", s[0].Size, s[1].Size)
	}
	// Looking does not move the stream: the same world stepped without a
	// look at its agents ends in the same state.
	blind, err := NewWorld(twoPlatforms(10_001, model.Migration{}, 20), rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	r = rng.New(6)
	for g := range 20 {
		if g == 4 {
			if err := blind.AddEvent(model.Event{Generation: 8, From: 0, To: 1, Fraction: 0.3}); err != nil {
				t.Fatal(err)
			}
		}
		blind.Step(r)
	}
	for k := range 2 {
		a, b := w.State()[k], blind.State()[k]
		a.MeanFitness, b.MeanFitness = 0, 0 // NaN in State
		if a != b {
			t.Errorf("platform %d: %+v with looks, %+v without", k, a, b)
		}
	}
}
