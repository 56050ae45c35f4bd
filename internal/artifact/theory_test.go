package artifact

import (
	"math"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

func TestWilson(t *testing.T) {
	// Wilson (1927), z = Φ⁻¹(0.975) = 1.959963984540054 (1.96 would move
	// the bounds by ~3e-6); reference values computed by hand from
	// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 20, 0, 0.16112515805},
		{20, 20, 0.83887484195, 1},
		{10, 20, 0.29929801, 0.70070199},
		{1, 1, 0.20654931, 1},
	} {
		iv := Wilson(c.k, c.n)
		if math.Abs(iv.Lo-c.lo) > 1e-8 || math.Abs(iv.Hi-c.hi) > 1e-8 {
			t.Errorf("Wilson(%d, %d) = %+v, want [%v, %v]", c.k, c.n, iv, c.lo, c.hi)
		}
	}
	if iv := Wilson(0, 0); !math.IsNaN(iv.Lo) || !math.IsNaN(iv.Hi) {
		t.Errorf("Wilson(0, 0) = %+v", iv)
	}
}

func platform(b, c, alpha, ta, tb, initialA float64, n int) sim.PlatformConfig {
	return sim.PlatformConfig{Name: "population", Kind: sim.KindWellMixed, Agents: n, InitialA: initialA,
		Model: model.Params{B: b, C: c, V: 1, Alpha: alpha, TA: ta, TB: tb}}
}

// summary of 20 runs: fixedA and fixedB runs fixed A and B, the others
// ended at mean.
func summary(fixedA, fixedB int, mean, se float64) PointSummary {
	return PointSummary{Runs: 20, MeanFreqA: mean, SEFreqA: se, FixedA: Wilson(fixedA, 20), FixedB: Wilson(fixedB, 20)}
}

func TestAgree(t *testing.T) {
	coop := platform(1.3, 0.1, 0.7, 0.3, 0.3, 0.5, 1000)
	def := platform(1.3, 0.6, 0.7, 0.3, 0.3, 0.5, 1000)
	coex := platform(12, 0.35, 0.45, 0.4, 0.9, 0.5, 1000)     // p̂* = 0.4924
	bist := platform(1.3, 0.904, 0.4, 0.5, 0.1, 0.7, 1000)    // p̂* = 0.4923
	near := platform(1.3, 0.904, 0.4, 0.5, 0.1, 0.5, 1000)    // 0.5 is within 3σ (0.047) of p̂*
	coopNone := platform(1.3, 0.1, 0.7, 0.3, 0.3, 0, 1000)    // no A to fix
	coopFew := platform(1.3, 0.1, 0.7, 0.3, 0.3, 0.005, 1000) // about 5 A agents: within 3σ (0.0067) of 0
	coopTen := platform(1.3, 0.1, 0.7, 0.3, 0.3, 0.01, 1000)  // about 10: 3σ = 0.0094, decided
	defAll := platform(1.3, 0.6, 0.7, 0.3, 0.3, 1, 1000)
	coexNone := platform(12, 0.35, 0.45, 0.4, 0.9, 0, 1000)
	below := platform(1.3, 0.904, 0.4, 0.5, 0.1, 0.2, 1000) // the basin of defection
	lattice := coop
	lattice.Kind = sim.KindLattice
	pstar := coex.Model.PStar()
	for _, c := range []struct {
		name string
		s    PointSummary
		pc   sim.PlatformConfig
		want string
	}{
		{"cooperation fixed", summary(20, 0, 1, 0), coop, Agrees},
		{"cooperation lost", summary(3, 17, 0.15, 0.08), coop, Disagrees},
		{"cooperation undecided", summary(10, 10, 0.5, 0.11), coop, ""},
		{"defection fixed", summary(0, 20, 0, 0), def, Agrees},
		{"defection not", summary(20, 0, 1, 0), def, Disagrees},
		{"coexistence at p̂*", summary(0, 0, pstar+0.001, 0.0005), coex, Agrees},
		{"coexistence within 1/N", summary(0, 0, pstar+0.003, 0), coex, Agrees},
		{"coexistence away", summary(0, 0, pstar+0.01, 0.001), coex, Disagrees},
		{"bistable above", summary(20, 0, 1, 0), bist, Agrees},
		{"bistable above, lost", summary(0, 20, 0, 0), bist, Disagrees},
		{"bistable below", summary(0, 20, 0, 0), below, Agrees},
		{"bistable at p̂*", summary(0, 20, 0, 0), near, ""},
		{"cooperation from no A", summary(0, 20, 0, 0), coopNone, ""},
		{"cooperation from 5 A", summary(2, 18, 0.1, 0.07), coopFew, ""},
		{"cooperation from 10 A", summary(2, 18, 0.1, 0.07), coopTen, Disagrees},
		{"defection from all A", summary(20, 0, 1, 0), defAll, ""},
		{"coexistence from no A", summary(0, 20, 0, 0), coexNone, ""},
		{"lattice", summary(20, 0, 1, 0), lattice, ""},
		{"no runs", PointSummary{}, coop, ""},
	} {
		if got := agree(c.s, TheoryOf(c.pc, 1), c.pc); got != c.want {
			t.Errorf("%s: agree = %q, want %q", c.name, got, c.want)
		}
	}
	if th := TheoryOf(lattice, 1); th.Kind != TheoryApproximation {
		t.Errorf("lattice theory kind %q", th.Kind)
	}
	if th := TheoryOf(coex, 1); th.Kind != TheoryRecursion || th.Outcome != model.Coexistence || math.Abs(th.PStar-0.492424242424) > 1e-9 {
		t.Errorf("coexistence theory %+v", th)
	}
}
