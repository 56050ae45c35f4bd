package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

func s1Modifier() Modifier { return Modifier{B: 1.3, C: 0.05, TA: 0.4, TB: 0.7} }

// FigureS1Alphas returns the α sequence of the paper's Figure S1 test here
// independently: four equal steps from 0.7 to a2.
func s1Alphas(m Modifier) []float64 {
	a2 := m.Params(0.7).A2()
	return []float64{0.7, 0.7 + (a2-0.7)/3, 0.7 + 2*(a2-0.7)/3, a2}
}

func TestModifierConservesFrequency(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 2000 {
		p := randomParams(r)
		m := Modifier{B: p.B, C: p.C, TA: p.TA, TB: p.TB}
		var s ModifierState
		sum := 0.0
		for i := range s {
			s[i] = r.Float64()
			sum += s[i]
		}
		for i := range s {
			s[i] /= sum
		}
		a1, a2 := r.Float64(), r.Float64()
		for range 50 {
			var w float64
			s, w = m.Step(s, a1, a2)
			if total := s[0] + s[1] + s[2] + s[3]; math.Abs(total-1) > 1e-14 {
				t.Fatalf("frequencies sum to %v", total)
			}
			// The normaliser is the mean fitness 1 + x(b − c) of the
			// previous juveniles: conservation before normalisation.
			if w < 1-p.C-1e-12 || w > 1+p.B+1e-12 {
				t.Fatalf("mean fitness %v outside [1−c, 1+b]", w)
			}
			for i, x := range s {
				if x < 0 || x > 1 {
					t.Fatalf("type %d frequency %v", i, x)
				}
			}
		}
	}
}

// With both alleles equal, the modifier model is the single-locus recursion
// with v = 1.
func TestModifierReducesToRecursion(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for range 2000 {
		p := randomParams(r)
		p.V = 1
		m := Modifier{B: p.B, C: p.C, TA: p.TA, TB: p.TB}
		x := r.Float64()
		f := r.Float64() // split of each phenotype between M and m
		s := ModifierState{x * f, (1 - x) * f, x * (1 - f), (1 - x) * (1 - f)}
		next, w := m.Step(s, p.Alpha, p.Alpha)
		if d := math.Abs(next.Cooperators() - p.Next(x)); d > 1e-14 {
			t.Fatalf("%+v: modifier gives %v, recursion %v", p, next.Cooperators(), p.Next(x))
		}
		if d := math.Abs(w - p.MeanFitness(x)); d > 1e-13 {
			t.Fatalf("mean fitness %v, want %v", w, p.MeanFitness(x))
		}
		// A neutral modifier does not change allele frequency.
		if d := math.Abs(next.AlleleM() - f); d > 1e-13 {
			t.Fatalf("neutral allele moved from %v to %v", f, next.AlleleM())
		}
	}
}

// Figure S1: each step down in α invades (the reduction principle), and
// cooperation and mean fitness fall.
func TestModifierInvasionsLowerAlphaSucceed(t *testing.T) {
	m := s1Modifier()
	alphas := s1Alphas(m)
	// Each invasion on its own, from the resident's equilibrium.
	for i := 0; i+1 < len(alphas); i++ {
		res, pts, err := RunInvasions(InvasionConfig{
			Modifier: m, Alphas: alphas[i : i+2], Entry: 0.005, Fixation: 0.005, MaxGenerations: 2_000_000, RecordEvery: 1000,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || !res[0].Invaded {
			t.Fatalf("α %v → %v: %+v, want a successful invasion", alphas[i], alphas[i+1], res)
		}
		first, last := pts[0], pts[len(pts)-1]
		if !(last.Cooperators < first.Cooperators && last.MeanFitness < first.MeanFitness) {
			t.Errorf("α %v → %v: cooperation %v → %v, fitness %v → %v; want both to fall",
				alphas[i], alphas[i+1], first.Cooperators, last.Cooperators, first.MeanFitness, last.MeanFitness)
		}
		t.Logf("α %.4f → %.4f invades in %d generations", alphas[i], alphas[i+1], res[0].End-res[0].Start)
	}
}

func TestModifierInvasionHigherAlphaFails(t *testing.T) {
	m := s1Modifier()
	res, _, err := RunInvasions(InvasionConfig{
		Modifier: m, Alphas: []float64{0.64, 0.67}, Entry: 0.005, Fixation: 0.005, MaxGenerations: 2_000_000,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !res[0].Lost || res[0].Invaded {
		t.Fatalf("α 0.64 → 0.67: %+v, want the invader lost", res)
	}
}

func TestFigureS1Sequence(t *testing.T) {
	m := s1Modifier()
	res, pts, err := RunInvasions(InvasionConfig{
		Modifier: m, Alphas: s1Alphas(m), Entry: 0.005, Fixation: 0.005, MaxGenerations: 250_000, RecordEvery: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	// The paper's figure: two completed invasions, near 50,000 and 125,000
	// generations, and a third still under way at 250,000.
	if len(res) != 3 || !res[0].Invaded || !res[1].Invaded || res[2].Invaded || res[2].Lost {
		t.Fatalf("results %+v", res)
	}
	if res[0].End < 40_000 || res[0].End > 65_000 || res[1].End < 110_000 || res[1].End > 145_000 {
		t.Errorf("invasions end at %d and %d; the paper shows about 50,000 and 125,000", res[0].End, res[1].End)
	}
	if pts[len(pts)-1].Generation != 250_000 {
		t.Errorf("last record at %d", pts[len(pts)-1].Generation)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Generation <= pts[i-1].Generation && pts[i].Invasion == pts[i-1].Invasion {
			t.Fatalf("records out of order at %d", i)
		}
	}
}

func TestInvasionConfigValidate(t *testing.T) {
	m := s1Modifier()
	bad := []InvasionConfig{
		{Modifier: m, Alphas: []float64{0.7}, Entry: 0.005, Fixation: 0.005, MaxGenerations: 10},
		{Modifier: m, Alphas: []float64{0.7, 1.2}, Entry: 0.005, Fixation: 0.005, MaxGenerations: 10},
		{Modifier: m, Alphas: []float64{0.7, 0.6}, Entry: 0, Fixation: 0.005, MaxGenerations: 10},
		{Modifier: m, Alphas: []float64{0.7, 0.6}, Entry: 0.005, Fixation: 1, MaxGenerations: 10},
		{Modifier: m, Alphas: []float64{0.7, 0.6}, Entry: 0.005, Fixation: 0.005, MaxGenerations: 0},
	}
	for i, c := range bad {
		if _, _, err := RunInvasions(c); err == nil {
			t.Errorf("case %d accepted: %+v", i, c)
		}
	}
}
