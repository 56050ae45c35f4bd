package model

import (
	"errors"
	"math"
	mrand "math/rand"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/quick"
)

// randomParams draws a valid parameter set with b up to 20.
func randomParams(r *rand.Rand) Params {
	c := r.Float64()
	return Params{
		B: c + (20-c)*r.Float64() + 1e-9, C: c,
		V: r.Float64(), Alpha: r.Float64(), TA: r.Float64(), TB: r.Float64(),
	}
}

// The factorisation of MODEL.md §3: w̄(p̂' − p̂) = p̂(p̂ − 1)(β1p̂ − β3).
func TestFactorisation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for range 20000 {
		p := randomParams(r)
		for _, ph := range []float64{0, 1e-4, 0.1, 0.25, 0.5, 0.75, r.Float64(), 1 - 1e-4, 1} {
			err := math.Abs(p.F(ph) - p.FFactored(ph))
			// MODEL.md: checked to 1e-14; the terms grow with b, so scale by it.
			if tol := 1e-14 * math.Max(1, p.B); err > tol {
				t.Fatalf("%+v p̂=%v: f = %v, factored %v, |diff| %g > %g", p, ph, p.F(ph), p.FFactored(ph), err, tol)
			}
			worst = max(worst, err/math.Max(1, p.B))
		}
	}
	t.Logf("worst |f − factored| / max(1,b) = %g", worst)
}

// Parents from first principles: enumerate the juvenile's phenotype, its
// partner's, the donor route and the donor's phenotype, independently of
// the closed form in ParentsWeighted.
func TestParentsFromFirstPrinciples(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		p := randomParams(r)
		ph := r.Float64()
		freq := [2]float64{B: 1 - ph, A: ph}
		tr := [2]float64{B: p.TB, A: p.TA}
		var weighted, adults float64
		for _, self := range []Phenotype{A, B} {
			for _, partner := range []Phenotype{A, B} {
				pr := freq[self] * freq[partner]
				w := p.Fitness(self, partner)
				// probability of being A after horizontal transmission
				afterA := func(donor Phenotype) float64 {
					switch {
					case donor == self && self == A:
						return 1
					case donor == self:
						return 0
					case self == A: // donor B
						return 1 - tr[B]
					default: // self B, donor A
						return tr[A]
					}
				}
				pa := p.Alpha*afterA(partner) + (1-p.Alpha)*(ph*afterA(A)+(1-ph)*afterA(B))
				weighted += pr * w * pa
				adults += pr * pa
			}
		}
		if d := math.Abs(weighted - p.ParentsWeighted(ph)); d > 1e-13*p.B {
			t.Fatalf("%+v p̂=%v: w̄ṗ' enumerated %v, closed form %v", p, ph, weighted, p.ParentsWeighted(ph))
		}
		if d := math.Abs(adults - p.Adults(ph)); d > 1e-14 {
			t.Fatalf("%+v p̂=%v: p' enumerated %v, closed form %v", p, ph, adults, p.Adults(ph))
		}
	}
}

func TestRecursionStaysInUnitInterval(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		p := randomParams(r)
		for _, ph := range []float64{0, r.Float64(), 1} {
			if n := p.Next(ph); n < 0 || n > 1+1e-15 {
				t.Fatalf("%+v: Next(%v) = %v outside [0,1]", p, ph, n)
			}
		}
		if p.Next(0) != 0 {
			t.Fatalf("%+v: 0 is not a fixed point: %v", p, p.Next(0))
		}
		if math.Abs(p.Next(1)-1) > 1e-15 {
			t.Fatalf("%+v: 1 is not a fixed point: %v", p, p.Next(1))
		}
	}
}

// Each threshold puts the parameters on the boundary it solves for.
func TestThresholdsSolveBetaEquations(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	checked := 0
	for range 20000 {
		p := randomParams(r)
		tol := 1e-11 * math.Max(1, p.B)
		if g := p.Gamma1(); !math.IsNaN(g) {
			q := p
			q.C = g
			if b3 := q.Beta3(); math.Abs(b3) > tol*math.Max(1, math.Abs(g)) {
				t.Fatalf("%+v: β3(c=γ1=%v) = %g", p, g, b3)
			}
			checked++
		}
		if g := p.Gamma2(); !math.IsNaN(g) {
			q := p
			q.C = g
			if d := q.Beta3() - q.Beta1(); math.Abs(d) > tol*math.Max(1, math.Abs(g)) {
				t.Fatalf("%+v: β3 − β1 at c=γ2=%v is %g", p, g, d)
			}
		}
		if a := p.A2(); !math.IsNaN(a) {
			q := p
			q.Alpha = a
			if b3 := q.Beta3(); math.Abs(b3) > tol*math.Max(1, math.Abs(a)) {
				t.Fatalf("%+v: β3(α=a2=%v) = %g", p, a, b3)
			}
		}
		if a := p.A1(); !math.IsNaN(a) {
			q := p
			q.Alpha = a
			if d := q.Beta3() - q.Beta1(); math.Abs(d) > tol*math.Max(1, math.Abs(a)) {
				t.Fatalf("%+v: β3 − β1 at α=a1=%v is %g", p, a, d)
			}
		}
	}
	if checked < 19000 {
		t.Fatalf("only %d of 20000 random sets had a defined γ1", checked)
	}
}

func TestThresholdsUndefined(t *testing.T) {
	p := Params{B: 1.2, C: 0.5, V: 0, Alpha: 0.4, TA: 0.5, TB: 0.4}
	for name, x := range map[string]float64{"gamma1": p.Gamma1(), "a1": p.A1(), "a2": p.A2()} {
		if !math.IsNaN(x) {
			t.Errorf("v = 0: %s = %v, want NaN", name, x)
		}
	}
	q := Params{B: 1.2, C: 0.5, V: 1, Alpha: 0.4, TA: 1, TB: 0.4}
	if !math.IsNaN(q.VHat()) {
		t.Errorf("T_A = 1: v̂ = %v, want NaN", q.VHat())
	}
	if !math.IsNaN(q.CriticalCostEqualT()) {
		t.Errorf("T_A ≠ T_B: critical cost %v, want NaN", q.CriticalCostEqualT())
	}
}

// T_A = T_B = T: cooperation fixes iff c < bαT/(1 − T) (v > 0); otherwise
// defection, and exactly at the threshold a boundary.
func TestEqualTransmission(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		tt := 0.95 * r.Float64()
		p := Params{B: 0.1 + 5*r.Float64(), V: 0.01 + 0.99*r.Float64(), Alpha: r.Float64(), TA: tt, TB: tt}
		crit := p.CriticalCostEqualT()
		p.C = r.Float64() * math.Min(0.999, p.B-1e-6)
		if p.Beta1() != 0 {
			t.Fatalf("T_A = T_B but β1 = %v", p.Beta1())
		}
		o, _ := p.Classify()
		switch {
		case p.C < crit*(1-1e-9):
			if o != Cooperation {
				t.Fatalf("%+v: c = %v < %v but outcome %v", p, p.C, crit, o)
			}
		case p.C > crit*(1+1e-9):
			if o != Defection {
				t.Fatalf("%+v: c = %v > %v but outcome %v", p, p.C, crit, o)
			}
		}
		p.C = crit
		if crit < math.Min(1, p.B) && crit > 0 {
			if o, _ := p.Classify(); o != Boundary && o != Neutral {
				t.Fatalf("%+v: at the threshold the outcome is %v, want boundary", p, o)
			}
		}
	}
}

// v = 0: b and c drop out; A rises iff T_A > T_B.
func TestNoVerticalTransmission(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 5000 {
		p := randomParams(r)
		p.V = 0
		o, _ := p.Classify()
		want := Cooperation
		switch {
		case p.TA < p.TB:
			want = Defection
		case p.TA == p.TB:
			want = Neutral
		}
		if o != want {
			t.Fatalf("%+v: outcome %v, want %v", p, o, want)
		}
		q := p
		q.B, q.C = p.B*3+1, p.C/2
		for _, ph := range []float64{0.1, 0.5, 0.9} {
			if d := math.Abs(p.Next(ph) - q.Next(ph)); d > 1e-15 {
				t.Fatalf("v = 0: p̂' depends on b, c: %v vs %v", p.Next(ph), q.Next(ph))
			}
		}
	}
}

// Provenance: β's computed by hand from MODEL.md §3 for the parameter sets
// of the paper's Figure 3d, the MODEL.md §7 counterexample and Figure S1.
func TestKnownParameterSets(t *testing.T) {
	cases := []struct {
		name         string
		p            Params
		beta1, beta3 float64
		outcome      Outcome
		pstar        float64 // NaN: none
	}{
		// orange curve of 3d: Δ = −0.5, β1 = −12·0.55·(−0.5) = 3.3,
		// β3 = 0.45·12·0.4 − 0.35·0.1 − 0.5 = 1.625, p̂* = 1.625/3.3.
		{"fig3d orange", Params{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9}, 3.3, 1.625, Coexistence, 1.625 / 3.3},
		// blue curve of 3d: Δ = 0.4, β1 = −1.3·0.6·0.4 = −0.312,
		// β3 = 0.4·1.3·0.5 − 0.904·0.9 + 0.4 = −0.1536.
		{"fig3d blue", Params{B: 1.3, C: 0.904, V: 1, Alpha: 0.4, TA: 0.5, TB: 0.1}, -0.312, -0.1536, Bistable, 0.1536 / 0.312},
		// Figure S1 resident: Δ = −0.3, β1 = −1.3·0.3·(−0.3) = 0.117,
		// β3 = 0.7·1.3·0.4 − 0.05·0.3 − 0.3 = 0.049.
		{"figS1 resident", Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.7, TA: 0.4, TB: 0.7}, 0.117, 0.049, Coexistence, 0.049 / 0.117},
		// MODEL.md §7: the paper's Result 1 says stable coexistence, but
		// β3 > β1 > 0 and the recursion fixes cooperation.
		// β1 = [0.13·0.63 − 14.5(1 − 0.72·0.37)]·(−0.22), β3 = 0.72·14.5·0.37·0.71 − 0.13·0.37·0.07 − 0.22.
		{"Result 1 counterexample", Params{B: 14.5, C: 0.13, V: 0.37, Alpha: 0.72, TA: 0.71, TB: 0.93},
			(0.13*0.63 - 14.5*(1-0.72*0.37)) * -0.22, 0.72*14.5*0.37*0.71 - 0.13*0.37*0.07 - 0.22, Cooperation, math.NaN()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Analyze(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(a.Beta1-tc.beta1) > 1e-12 || math.Abs(a.Beta3-tc.beta3) > 1e-12 {
				t.Errorf("β1, β3 = %v, %v; want %v, %v", a.Beta1, a.Beta3, tc.beta1, tc.beta3)
			}
			if a.Outcome != tc.outcome {
				t.Errorf("outcome %v, want %v", a.Outcome, tc.outcome)
			}
			if math.IsNaN(tc.pstar) != math.IsNaN(a.PStar) || (!math.IsNaN(tc.pstar) && math.Abs(a.PStar-tc.pstar) > 1e-12) {
				t.Errorf("p̂* = %v, want %v", a.PStar, tc.pstar)
			}
			if math.Abs(a.Beta2+a.Beta1+a.Beta3) > 1e-15 {
				t.Errorf("β2 = %v is not −(β1+β3)", a.Beta2)
			}
			for _, start := range []float64{1e-4, 1 - 1e-4} {
				got := iterateToRest(tc.p, start)
				want := expectedLimit(a, start)
				if math.Abs(got-want) > 1e-6 {
					t.Errorf("from %v the recursion rests at %v, classification predicts %v", start, got, want)
				}
			}
		})
	}
}

// The §7 counterexample, in the paper's own terms: it satisfies v < v̂ (the
// premise of Result 1's "stable coexistence") yet cooperation fixes.
func TestResult1Counterexample(t *testing.T) {
	p := Params{B: 14.5, C: 0.13, V: 0.37, Alpha: 0.72, TA: 0.71, TB: 0.93}
	if !(p.V < p.VHat()) {
		t.Fatalf("v = %v is not below v̂ = %v: the counterexample no longer applies", p.V, p.VHat())
	}
	if b1, b3 := p.Beta1(), p.Beta3(); !(b3 > b1 && b1 > 0) {
		t.Fatalf("want β3 > β1 > 0, got β1 = %v, β3 = %v", b1, b3)
	}
	if o, _ := p.Classify(); o != Cooperation {
		t.Fatalf("outcome %v, want cooperation", o)
	}
	if x := iterateToRest(p, 0.5); math.Abs(x-1) > 1e-9 {
		t.Fatalf("from 1/2 the recursion rests at %v, not 1", x)
	}
}

// iterateToRest iterates until a step moves p̂ by less than 1e-14 (at most
// 10^7 generations).
func iterateToRest(p Params, p0 float64) float64 {
	x, _, _ := p.Converge(p0, 1e-14, 10_000_000)
	return x
}

// expectedLimit is where the classification says a start ends.
func expectedLimit(a Analysis, start float64) float64 {
	switch a.Outcome {
	case Cooperation:
		return 1
	case Defection:
		return 0
	case Coexistence:
		return a.PStar
	case Bistable:
		if start < a.PStar {
			return 0
		}
		return 1
	}
	return start
}

// propertyCase is a random parameter set for testing/quick: uniform in every
// parameter, with half of the costs drawn between γ1 and γ2, where the
// interior regions lie (uniform costs rarely fall there).
type propertyCase struct{ P Params }

func (propertyCase) Generate(r *mrand.Rand, _ int) reflect.Value {
	p := Params{B: 1e-3 + 15*r.Float64(), V: r.Float64(), Alpha: r.Float64(), TA: r.Float64(), TB: r.Float64()}
	cmax := math.Min(0.999, p.B)
	p.C = r.Float64() * cmax
	g1, g2 := p.Gamma1(), p.Gamma2()
	lo, hi := math.Max(0, math.Min(g1, g2)), math.Min(cmax, math.Max(g1, g2))
	if r.Intn(2) == 0 && lo < hi {
		p.C = lo + r.Float64()*(hi-lo)
	}
	return reflect.ValueOf(propertyCase{p})
}

// The property test of the issue: on random parameter sets away from
// boundaries, the classification agrees with iterating the recursion from
// both edges, p̂ = 1e-4 and 1 − 1e-4.
func TestClassificationAgreesWithIteration(t *testing.T) {
	counts := map[Outcome]int{}
	property := func(pc propertyCase) bool {
		p := pc.P
		// "Away from boundaries": both signs decided by a margin, and an
		// interior equilibrium well inside the two starting points. The
		// margins bound the slowest rate of change, so 10^7 generations
		// always suffice.
		const margin = 1e-2
		b1, b3 := p.Beta1(), p.Beta3()
		if math.Abs(b3) < margin || math.Abs(b3-b1) < margin {
			return true
		}
		a, err := Analyze(p)
		if err != nil {
			t.Errorf("%+v: %v", p, err)
			return false
		}
		if !math.IsNaN(a.PStar) && (a.PStar < 1e-2 || a.PStar > 1-1e-2) {
			return true
		}
		counts[a.Outcome]++
		for _, start := range []float64{1e-4, 1 - 1e-4} {
			got := iterateToRest(p, start)
			if want := expectedLimit(a, start); math.Abs(got-want) > 1e-6 {
				t.Errorf("%+v (β1 %v, β3 %v): classified %v, but from %v the recursion rests at %v, not %v",
					p, b1, b3, a.Outcome, start, got, want)
				return false
			}
		}
		// Stability by the sign rule of §4 agrees with |dp̂'/dp̂| < 1.
		for _, e := range a.Equilibria {
			if stableBySign := p.FPrime(e.P) < 0; stableBySign != (e.Stability == Stable) {
				t.Errorf("%+v: equilibrium %v has f' = %v but slope %v (%v)", p, e.P, p.FPrime(e.P), e.Slope, e.Stability)
				return false
			}
		}
		if a.Invades != (b3 > 0) {
			t.Errorf("%+v: invades = %v with β3 = %v", p, a.Invades, b3)
			return false
		}
		return true
	}
	cfg := &quick.Config{MaxCount: 30000, Rand: mrand.New(mrand.NewSource(20210317))}
	if err := quick.Check(property, cfg); err != nil {
		t.Fatal(err)
	}
	t.Logf("checked outcomes: %v", counts)
	// The property must be exercised in every region, not only the two
	// large ones.
	for _, o := range []Outcome{Cooperation, Defection, Coexistence, Bistable} {
		if counts[o] < 400 {
			t.Errorf("only %d checks fell in the %v region", counts[o], o)
		}
	}
}

func TestBoundaryAndNeutral(t *testing.T) {
	// T_A = T_B and α = 0: β1 = 0 and β3 = −cv(1−T) < 0: defection.
	p := Params{B: 1.3, C: 0.1, V: 1, Alpha: 0, TA: 0.3, TB: 0.3}
	if o, _ := p.Classify(); o != Defection {
		t.Errorf("α = 0, T_A = T_B: %v, want defection", o)
	}
	// c = 0 as well: β1 = β3 = 0, neutral; every frequency is fixed.
	p.C = 0
	if o, _ := p.Classify(); o != Neutral {
		t.Errorf("α = 0, c = 0, T_A = T_B: %v, want neutral", o)
	}
	if x := p.Next(0.3); math.Abs(x-0.3) > 1e-15 {
		t.Errorf("neutral: p̂' = %v from 0.3", x)
	}
	for _, e := range p.Equilibria() {
		if e.Stability != Marginal {
			t.Errorf("neutral equilibrium %v is %v, want marginal", e.P, e.Stability)
		}
	}
	// c exactly at γ1: the invasion boundary.
	q := Params{B: 1.2, V: 0.8, Alpha: 0.4, TA: 0.5, TB: 0.4}
	q.C = q.Gamma1()
	o, k := q.Classify()
	if o != Boundary || k != InvasionBoundary {
		t.Errorf("c = γ1: %v (%v), want boundary β3 = 0", o, k)
	}
	if !math.IsNaN(q.PStar()) {
		t.Errorf("c = γ1: p̂* = %v, want none", q.PStar())
	}
	q.C = q.Gamma2()
	if o, k := q.Classify(); o != Boundary || k != FixationBoundary {
		t.Errorf("c = γ2 = %v: %v (%v), want boundary β3 = β1", q.C, o, k)
	}
}

func TestValidate(t *testing.T) {
	good := Params{B: 1.2, C: 0.5, V: 0.5, Alpha: 0.4, TA: 0.5, TB: 0.4}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid parameters rejected: %v", err)
	}
	cases := []struct {
		mod  func(*Params)
		name string
		frag string
	}{
		{func(p *Params) { p.C = 1.5 }, "c", "0 ≤ c < 1"},
		{func(p *Params) { p.C = 1.2 }, "c", "c = 1.2"},
		{func(p *Params) { p.B = 0.3 }, "b", "c = 0.5 is not below b"},
		{func(p *Params) { p.C = -0.1 }, "c", "-0.1"},
		{func(p *Params) { p.V = 1.01 }, "v", "[0, 1]"},
		{func(p *Params) { p.Alpha = -0.01 }, "alpha", "[0, 1]"},
		{func(p *Params) { p.TA = math.NaN() }, "ta", "not a number"},
		{func(p *Params) { p.TB = 2 }, "tb", "tb = 2"},
		{func(p *Params) { p.B = math.Inf(1) }, "b", "not a finite number"},
		{func(p *Params) { p.B = 1e308 }, "b", "1e+308 is outside its allowed range c < b ≤ 10⁶"}, // fitness would overflow
	}
	for _, tc := range cases {
		p := good
		tc.mod(&p)
		err := p.Validate()
		var pe *FieldError
		if !errors.As(err, &pe) {
			t.Errorf("%+v: error %v is not a *FieldError", p, err)
			continue
		}
		if pe.Path != tc.name || !strings.Contains(err.Error(), tc.frag) {
			t.Errorf("%+v: got %q (parameter %s), want parameter %s and %q", p, err, pe.Path, tc.name, tc.frag)
		}
	}
	// Every bad parameter is reported, not just the first.
	bad := Params{B: math.NaN(), C: 2, V: -1, Alpha: 2, TA: 3, TB: -4}
	if n := strings.Count(bad.Validate().Error(), "outside its allowed range"); n != 6 {
		t.Errorf("six bad parameters, %d reported: %v", n, bad.Validate())
	}
}

func TestPayoffMatrix(t *testing.T) {
	p := Params{B: 1.3, C: 0.2}
	want := map[[2]Phenotype]float64{
		{A, A}: 1 + 1.3 - 0.2, {A, B}: 1 - 0.2, {B, A}: 1 + 1.3, {B, B}: 1,
	}
	for k, w := range want {
		if got := p.Fitness(k[0], k[1]); math.Abs(got-w) > 1e-15 {
			t.Errorf("fitness %v meeting %v = %v, want %v", k[0], k[1], got, w)
		}
	}
}

func TestTrajectoryAndConverge(t *testing.T) {
	p := Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.7, TA: 0.4, TB: 0.7}
	tr := p.Trajectory(0.1, 5)
	if len(tr) != 6 || tr[0] != 0.1 || tr[1] != p.Next(0.1) || tr[5] != p.Next(tr[4]) {
		t.Fatalf("trajectory %v", tr)
	}
	x, gens, ok := p.Converge(0.1, 1e-14, 1_000_000)
	if !ok || math.Abs(x-p.PStar()) > 1e-10 || gens < 10 {
		t.Fatalf("converge: %v after %d (ok=%v), want p̂* = %v", x, gens, ok, p.PStar())
	}
}

// The parameter table is the one place that names parameters: Get and
// Set reach every field, t and bias set T_A and T_B, and labels read as
// the plots show them.
func TestParameterTable(t *testing.T) {
	var p Params
	for i, key := range []string{"b", "c", "v", "alpha", "ta", "tb"} {
		if err := p.Set(key, float64(i+1)/10); err != nil {
			t.Fatal(err)
		}
	}
	if want := (Params{B: 0.1, C: 0.2, V: 0.3, Alpha: 0.4, TA: 0.5, TB: 0.6}); p != want {
		t.Fatalf("Set wrote %+v, want %+v", p, want)
	}
	for _, pa := range Parameters[:PrimaryParameters] {
		if x, ok := p.Get(pa.Key); !ok || x != map[string]float64{"b": 0.1, "c": 0.2, "v": 0.3, "alpha": 0.4, "ta": 0.5, "tb": 0.6}[pa.Key] {
			t.Errorf("Get(%q) = %v, %v", pa.Key, x, ok)
		}
	}
	if err := p.Set("t", 0.3); err != nil || p.TA != 0.3 || p.TB != 0.3 {
		t.Errorf("t: %+v, %v", p, err)
	}
	ta, bias := p.TA, 0.1
	if err := p.Set("bias", bias); err != nil || p.TB != ta-bias {
		t.Errorf("bias: %+v, %v", p, err)
	}
	if x, _ := p.Get("bias"); x != p.TA-p.TB {
		t.Errorf("Get(bias) = %v", x)
	}
	if err := p.Set("gamma", 1); err == nil || !strings.Contains(err.Error(), "b, c, v, alpha, ta, tb, t, bias") {
		t.Errorf("unknown key: %v", err)
	}
	for key, want := range map[string]string{"c": "Cost of cooperation, c", "alpha": "Interaction–transmission association, α",
		"bias": "Horizontal transmission bias, T_A − T_B", "ta": "Horizontal transmission of A, T_A"} {
		if pa, _ := LookupParam(key); pa.Label() != want {
			t.Errorf("label of %s: %q, want %q", key, pa.Label(), want)
		}
	}
}

func TestFieldErrorPaths(t *testing.T) {
	err := Within("platform[1].model", Params{B: 1, C: 2, V: 0.5, Alpha: 0.5, TA: 0.5, TB: 1.5}.Validate())
	var paths []string
	for _, fe := range FieldErrors(err) {
		paths = append(paths, fe.Path)
	}
	if got := strings.Join(paths, " "); got != "platform[1].model.c platform[1].model.tb" { // b is not blamed for c
		t.Errorf("paths %q", got)
	}
	if got := Within("migration", &FieldError{Path: "[2].rate", Value: 1.5, Domain: "[0, 1]"}).Error(); got != "migration[2].rate = 1.5 is outside its allowed range [0, 1]" {
		t.Errorf("message %q", got)
	}
	if Within("x", nil) != nil {
		t.Error("Within(nil) is not nil")
	}
}
