package model

import (
	"fmt"
	"math"
	"math/bits"
	"testing"
)

// literalRow is P(k → ·) for a few agents (n ≤ 8 in the tests), computed the way the engine
// draws a generation and MODEL.md states it, with none of the chain's
// code: every arrangement of k A juveniles over the array positions
// (equally likely), pairs (2i, 2i+1), for odd n every partner of the last
// agent; each agent's adult phenotype summed over its own coins (α: the
// partner or a random member, A with probability k/n; the adoption coin
// of the donor's T); then every one of the 2ⁿ adult outcomes, each with
// its probability, and the binomial of its q.
func literalRow(p Params, n, k int) []float64 {
	row := make([]float64, n+1)
	x := float64(k) / float64(n)
	// MODEL.md §1: the fitness of self meeting partner (1 = A).
	fitness := func(self, partner int) float64 {
		return 1 + p.B*float64(partner) - p.C*float64(self)
	}
	// P(adult is A) for a juvenile self whose partner is partner.
	adultA := func(self, partner int) float64 {
		total := 0.0
		for _, alphaCoin := range []bool{true, false} {
			for _, randomA := range []bool{true, false} {
				for _, adopts := range []bool{true, false} {
					w := p.Alpha
					if !alphaCoin {
						w = 1 - p.Alpha
					}
					donor := partner
					if !alphaCoin {
						donor = 0
						if randomA {
							donor = 1
						}
						if randomA {
							w *= x
						} else {
							w *= 1 - x
						}
					} else if !randomA {
						continue // the random member is not consulted
					}
					t := p.TB
					if donor == 1 {
						t = p.TA
					}
					if adopts {
						w *= t
					} else {
						w *= 1 - t
					}
					adult := self
					if donor != self && adopts {
						adult = donor
					}
					total += w * float64(adult)
				}
			}
		}
		return total
	}
	binom := func(n, j int, q float64) float64 {
		c := 1.0
		for i := range j {
			c = c * float64(n-i) / float64(i+1)
		}
		return c * math.Pow(q, float64(j)) * math.Pow(1-q, float64(n-j))
	}
	var arrangements float64
	for mask := uint(0); mask < 1<<n; mask++ {
		if bits.OnesCount(mask) == k {
			arrangements++
		}
	}
	partners := []int{-1}
	if n%2 == 1 {
		partners = partners[:0]
		for j := 0; j < n-1; j++ {
			partners = append(partners, j)
		}
	}
	for mask := uint(0); mask < 1<<n; mask++ {
		if bits.OnesCount(mask) != k {
			continue
		}
		ph := func(i int) int { return int(mask>>i) & 1 }
		for _, j := range partners {
			w := 1 / arrangements / float64(len(partners))
			partner := make([]int, n)
			for i := 0; i+1 < n; i += 2 {
				partner[i], partner[i+1] = ph(i+1), ph(i)
			}
			if j >= 0 {
				partner[n-1] = ph(j)
			}
			W := 0.0
			pa, fit := make([]float64, n), make([]float64, n)
			for i := range n {
				fit[i] = fitness(ph(i), partner[i])
				pa[i] = adultA(ph(i), partner[i])
				W += fit[i]
			}
			for adults := uint(0); adults < 1<<n; adults++ {
				pr := w
				nA, WA := 0, 0.0
				for i := range n {
					if adults>>i&1 == 1 {
						pr *= pa[i]
						nA++
						WA += fit[i]
					} else {
						pr *= 1 - pa[i]
					}
				}
				if pr == 0 {
					continue
				}
				q := p.V*WA/W + (1-p.V)*float64(nA)/float64(n)
				for i := range row {
					row[i] += pr * binom(n, i, q)
				}
			}
		}
	}
	return row
}

// analyzedChain builds the chain of n agents and solves it, failing the
// test on any error.
func analyzedChain(t *testing.T, p Params, n int) (*FiniteChain, FiniteAnalysis) {
	t.Helper()
	c, err := NewFiniteChain(p, n)
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Analyze()
	if err != nil {
		t.Fatal(err)
	}
	return c, a
}

var chainTestParams = []Params{
	{B: 2, C: 0.3, V: 0.5, Alpha: 0.4, TA: 0.5, TB: 0.7},
	{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9},
	{B: 1.3, C: 0.904, V: 1, Alpha: 0.4, TA: 0.5, TB: 0.1},
	{B: 3, C: 0.5, V: 0, Alpha: 0.9, TA: 0.2, TB: 0.6},
}

// The chain's rows are the literal enumeration of a generation's draws,
// for even and odd N.
func TestFiniteChainMatchesLiteralEnumeration(t *testing.T) {
	for _, p := range chainTestParams {
		for _, n := range []int{2, 3, 4, 5, 6, 7, 8} {
			c, err := NewFiniteChain(p, n)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k <= n; k++ {
				want := literalRow(p, n, k)
				for j := range want {
					if got := c.P.At(k, j); math.Abs(got-want[j]) > 1e-12 {
						t.Errorf("%s, N = %d: P[%d][%d] = %.15g, literal %.15g", p.Describe(), n, k, j, got, want[j])
					}
				}
			}
		}
	}
}

// Every row sums to 1 (to 1e-12), 0 and N are absorbing, and N outside
// [2, FiniteMax] is refused by name.
func TestFiniteChainRows(t *testing.T) {
	for i, p := range append(chainTestParams, FiniteRegions[0].Params, FiniteRegions[3].Params) {
		sizes := []int{2, 10, 25, 33}
		if i == 0 {
			sizes = append(sizes, 60, 61)
		}
		for _, n := range sizes {
			c, err := NewFiniteChain(p, n)
			if err != nil {
				t.Fatal(err)
			}
			for k := 0; k <= n; k++ {
				s := 0.0
				for j := 0; j <= n; j++ {
					s += c.P.At(k, j)
				}
				if math.Abs(s-1) > 1e-12 {
					t.Errorf("%s, N = %d: row %d sums to 1 %+.3g", p.Describe(), n, k, s-1)
				}
			}
			if c.P.At(0, 0) != 1 || c.P.At(n, n) != 1 {
				t.Errorf("%s, N = %d: 0 and N are not absorbing (%v, %v)", p.Describe(), n, c.P.At(0, 0), c.P.At(n, n))
			}
		}
	}
	for _, n := range []int{1, FiniteMax + 1} {
		if _, err := NewFiniteChain(chainTestParams[0], n); err == nil {
			t.Errorf("N = %d accepted", n)
		}
	}
}

// With v = 0 and T_A = T_B, the number of A is a martingale: A fixes from
// k with probability k/N exactly, ρ_A = 1/N.
func TestFiniteChainNeutral(t *testing.T) {
	for _, p := range []Params{
		{B: 1.3, C: 0.2, V: 0, Alpha: 0.3, TA: 0.4, TB: 0.4},
		{B: 5, C: 0.9, V: 0, Alpha: 1, TA: 0.9, TB: 0.9},
		{B: 1.3, C: 0.2, V: 0, Alpha: 0, TA: 0, TB: 0},
	} {
		for _, n := range []int{2, 7, 10, 25, 60, 61} {
			_, a := analyzedChain(t, p, n)
			for k, f := range a.Fixation {
				if want := float64(k) / float64(n); math.Abs(f-want) > 1e-10 {
					t.Errorf("%s, N = %d: fixation from %d is %.15g, want %d/%d", p.Describe(), n, k, f, k, n)
				}
			}
		}
	}
}

// The absorption times solve τ = 1 + Qτ and the quasi-stationary
// distribution is a left eigenvector of Q: checked against the matrix.
func TestFiniteChainAnalysisSolvesItsEquations(t *testing.T) {
	for _, reg := range FiniteRegions {
		n := 30
		c, a := analyzedChain(t, reg.Params, n)
		for k := 1; k < n; k++ {
			tau, phi := 1.0, c.P.At(k, n)
			for j := 1; j < n; j++ {
				tau += c.P.At(k, j) * a.AbsorptionTime[j]
				phi += c.P.At(k, j) * a.Fixation[j]
			}
			if math.Abs(tau-a.AbsorptionTime[k]) > 1e-9*tau || math.Abs(phi-a.Fixation[k]) > 1e-12 {
				t.Errorf("%s: from %d, τ %.12g vs 1 + Qτ %.12g, φ %.12g vs Qφ + r %.12g", reg.Name, k, a.AbsorptionTime[k], tau, a.Fixation[k], phi)
			}
		}
		sum := 0.0
		for j := 1; j < n; j++ {
			left := 0.0
			for k := 1; k < n; k++ {
				left += a.QuasiStationary[k] * c.P.At(k, j)
			}
			if math.Abs(left-a.Persistence*a.QuasiStationary[j]) > 1e-12 {
				t.Errorf("%s: (πQ)[%d] = %.12g, λπ = %.12g", reg.Name, j, left, a.Persistence*a.QuasiStationary[j])
			}
			sum += a.QuasiStationary[j]
		}
		if math.Abs(sum-1) > 1e-12 || !(a.Persistence > 0 && a.Persistence < 1) {
			t.Errorf("%s: quasi-stationary sum %v, persistence %v", reg.Name, sum, a.Persistence)
		}
	}
}

// At N = 60, away from the boundaries (starts of 10% to 90% A), the
// diffusion's fixation probabilities are within 1% and its mean
// absorption times within 5% of the exact chain's, in each region (weak
// selection, |β| ≤ 0.04: the regime analyze calls weak).
func TestDiffusionAgreesWithExactChain(t *testing.T) {
	const n = 60
	for _, reg := range FiniteRegions {
		_, a := analyzedChain(t, reg.Params, n)
		d, err := NewDiffusion(reg.Params, n, false)
		if err != nil {
			t.Fatal(err)
		}
		worstU, worstT := 0.0, 0.0
		for k := n / 10; k <= n-n/10; k++ {
			x := float64(k) / n
			eu := math.Abs(d.Fixation(x)/a.Fixation[k] - 1)
			et := math.Abs(d.AbsorptionTime(x)/a.AbsorptionTime[k] - 1)
			worstU, worstT = max(worstU, eu), max(worstT, et)
			if eu > 0.01 || et > 0.05 {
				t.Errorf("%s, from %d of %d: diffusion u %.4f, τ %.1f; exact %.4f, %.1f", reg.Name, k, n, d.Fixation(x), d.AbsorptionTime(x), a.Fixation[k], a.AbsorptionTime[k])
			}
		}
		t.Logf("%s: largest relative difference %.2f%% (fixation), %.2f%% (absorption time)", reg.Name, 100*worstU, 100*worstT)
	}
}

func ExampleFiniteChain() {
	// One cooperator among 25, in the coexistence region.
	c, _ := NewFiniteChain(FiniteRegions[2].Params, 25)
	a, _ := c.Analyze()
	fmt.Printf("ρ_A·N = %.3f (neutral: 1)\n", a.RhoA*25)
	// Output: ρ_A·N = 0.781 (neutral: 1)
}

// With the recursion's class frequencies the diffusion's drift is the
// recursion's p̂′ − p̂; with a finite population's it is the exact chain's
// mean step (even N), and the two differ by O(1/N).
func TestDiffusionDrift(t *testing.T) {
	for _, p := range append(chainTestParams, FiniteRegions[0].Params) {
		for _, n := range []int{10, 60} {
			c, err := NewFiniteChain(p, n)
			if err != nil {
				t.Fatal(err)
			}
			rec, _ := NewDiffusion(p, n, true)
			fin, _ := NewDiffusion(p, n, false)
			for k := 0; k <= n; k++ {
				x := float64(k) / float64(n)
				if got, want := rec.Drift(x), p.Next(x)-x; math.Abs(got-want) > 1e-14 {
					t.Errorf("%s: recursion drift at %v is %.16g, p̂′ − p̂ = %.16g", p.Describe(), x, got, want)
				}
				mean := 0.0
				for j := 0; j <= n; j++ {
					mean += c.P.At(k, j) * (float64(j)/float64(n) - x)
				}
				if got := fin.Drift(x); math.Abs(got-mean) > 1e-12 {
					t.Errorf("%s, N = %d: finite drift at %d is %.16g, the chain's mean step %.16g", p.Describe(), n, k, got, mean)
				}
			}
		}
	}
}

// For large N the diffusion's ρ_A and ρ_B settle where selection wins
// (cooperation: one A survives with a probability independent of N; one
// B none) and stay inside (0, 1): N = 10⁵ and 10⁶ agree within 1%.
func TestDiffusionLargeN(t *testing.T) {
	p := Params{B: 1.3, C: 0.05, V: 1, Alpha: 0.7, TA: 0.4, TB: 0.4} // cooperation, β3 ≈ 0.33
	var rho [2]float64
	for i, n := range []int{100_000, DiffusionMaxN} {
		d, err := NewDiffusion(p, n, false)
		if err != nil {
			t.Fatal(err)
		}
		rho[i] = d.RhoA()
		rhoB := d.RhoB()
		if !(rho[i] > 0 && rho[i] < 1) || !(rhoB >= 0 && rhoB < 1e-100) {
			t.Errorf("N = %d: ρ_A = %v, ρ_B = %v", n, rho[i], rhoB)
		}
	}
	if math.Abs(rho[1]/rho[0]-1) > 0.01 {
		t.Errorf("ρ_A at N = 10⁵ is %v, at 10⁶ %v: not settled", rho[0], rho[1])
	}
	// Defection: one B survives with a probability independent of N.
	q := Params{B: 1.3, C: 0.3, V: 1, Alpha: 0.1, TA: 0.4, TB: 0.4}
	var rhoB [2]float64
	for i, n := range []int{100_000, DiffusionMaxN} {
		d, err := NewDiffusion(q, n, false)
		if err != nil {
			t.Fatal(err)
		}
		if rhoB[i] = d.RhoB(); !(rhoB[i] > 0 && rhoB[i] < 1) {
			t.Errorf("defection, N = %d: ρ_B = %v", n, rhoB[i])
		}
	}
	if math.Abs(rhoB[1]/rhoB[0]-1) > 0.01 {
		t.Errorf("defection: ρ_B at N = 10⁵ is %v, at 10⁶ %v: not settled", rhoB[0], rhoB[1])
	}
	if _, err := NewDiffusion(p, DiffusionMaxN+1, false); err == nil {
		t.Error("N above DiffusionMaxN accepted")
	}
}

// With v = 0, b and c drop out and swapping T_A and T_B swaps A and B: one
// defector's fixation probability is then the other chain's cooperator's,
// to many digits even when it is tiny (ρ_B is solved on its own, not as
// 1 − Fixation[N−1]); the same for the diffusion.
func TestFixationOfBBySymmetry(t *testing.T) {
	p := Params{B: 1.3, C: 0.1, V: 0, Alpha: 0.5, TA: 0.9, TB: 0.1}
	q := p
	q.TA, q.TB = p.TB, p.TA
	for _, n := range []int{11, 60} {
		_, ap := analyzedChain(t, p, n)
		_, aq := analyzedChain(t, q, n)
		if ap.RhoB == 0 || math.Abs(ap.RhoB/aq.RhoA-1) > 1e-6 || math.Abs(ap.RhoA/aq.RhoB-1) > 1e-9 {
			t.Errorf("N = %d: ρ_B %v against the swapped ρ_A %v; ρ_A %v against ρ_B %v", n, ap.RhoB, aq.RhoA, ap.RhoA, aq.RhoB)
		}
	}
	dp, _ := NewDiffusion(p, 200, false)
	dq, _ := NewDiffusion(q, 200, false)
	if rb, ra := dp.RhoB(), dq.RhoA(); rb == 0 || math.Abs(rb/ra-1) > 1e-6 {
		t.Errorf("diffusion, N = 200: ρ_B %v against the swapped ρ_A %v", rb, ra)
	}
}

// Under strong selection the diffusion is a rough guide only, as analyze
// warns: for Figure 3d's orange parameters (|β3| = 3.3) at N = 100 its
// ρ_A is about half the exact chain's.
func TestDiffusionUnderStrongSelection(t *testing.T) {
	p := Params{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9}
	_, a := analyzedChain(t, p, 100)
	d, err := NewDiffusion(p, 100, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.RhoA() / a.RhoA; r < 0.4 || r > 0.6 {
		t.Errorf("diffusion ρ_A %v against exact %v: ratio %.3f, not about ½", d.RhoA(), a.RhoA, r)
	}
}
