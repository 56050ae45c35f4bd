package model

import (
	"fmt"
	"math"
)

// Diffusion is the diffusion approximation of the finite well-mixed
// population of N (FiniteChain) for N too large for the exact chain. The
// frequency x of A among juveniles moves, per generation, with
//
//	drift     M(x) = Σ_c ν_c h_c π_c − x
//	variance  V(x) = [p̄(1 − p̄) + s²(x)] / N,  p̄ = M(x) + x
//
// over the four classes c of a juvenile (its phenotype and its partner's):
// π_c is the probability that it is A as an adult, h_c = v f_c/w̄ + 1 − v
// an A adult's weight in the offspring's probability q, and ν_c the
// class's frequency. With ν_c the products of frequencies (x², x(1 − x),
// …) the drift is exactly the recursion's, p̂′(x) − x (MODEL.md §3). In a
// population of N an A's partner is one of the other N − 1, so ν_AA =
// x(xN − 1)/(N − 1), ν_AB = ν_BA = x(1 − x)N/(N − 1), ν_BB = (1 − x)((1 −
// x)N − 1)/(N − 1): the recursion with the finite population's pairing,
// which is the exact chain's mean step for even N and tends to the
// recursion's as N grows. The difference is of order 1/N, and under weak
// selection it matters: it is negative assortment (a cooperator never
// meets itself), which at N = 60 can reverse the sign of the drift. The
// finite pairing is the default; Recursion selects the recursion's drift.
//
// p̄(1 − p̄)/N is the binomial sampling of the offspring, s²(x)/N the
// variance of q itself, to leading order in 1/N: the adults' independent
// transmission coins, Σ_c ν_c h_c² π_c(1 − π_c), and the number of A–A
// pairs of the random pairing (variance N x²(1 − x)²/2), κ² x²(1 − x)²/2,
// with κ = 2(h_AA π_AA − h_AB π_AB − h_BA π_BA + h_BB π_BB) the change in
// Σ_c n_c h_c π_c / N per A–A pair.
//
// From M and V, the classical formulas (Kimura 1962; Ewens 2004, §4.3):
// the fixation probability u(x) = S(x)/S(1), with scale density
// ψ(y) = exp(−∫₀^y 2M/V) and S(x) = ∫₀^x ψ, and the mean absorption time
// T(x) = ∫₀¹ G(x, ξ) dξ with G(x, ξ) = 2 S(x∧ξ)(S(1) − S(x∨ξ)) /
// (S(1) V(ξ) ψ(ξ)), integrated on a grid of max(20000, 4N) intervals (N ≤
// DiffusionMaxN). It is
// an approximation: good where selection per generation is weak and x is
// not within a few 1/N of 0 or 1.
type Diffusion struct {
	Params Params
	N      int
	// Recursion: the drift is the infinite population's recursion,
	// without the finite pairing.
	Recursion bool
	// grid: x_i = i/G; logPsi, logS and logSc (∫_x^1 ψ) at the nodes.
	g            int
	logPsi       []float64
	logS, logSc  []float64
	logSpeedMids []float64 // log(2/(V ψ)) at the midpoints
}

// DiffusionMaxN bounds the population of the diffusion approximation:
// its grid of 4N intervals (4·10⁶ at most, 128 MB) keeps 1/N four
// intervals from the boundary.
const DiffusionMaxN = 1_000_000

// NewDiffusion prepares the approximation for N agents, 2 ≤ N ≤
// DiffusionMaxN, with the finite population's pairing in the drift, or
// (recursion) the infinite population's recursion.
func NewDiffusion(p Params, n int, recursion bool) (*Diffusion, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if n < 2 || n > DiffusionMaxN {
		return nil, &FieldError{Path: "finite", Value: n, Domain: fmt.Sprintf("[2, %d] for the diffusion approximation", DiffusionMaxN)}
	}
	// The integrand 2M/V grows like N: keep its change per step small.
	g := max(20000, min(4*n, 4_000_000))
	d := &Diffusion{Params: p, N: n, Recursion: recursion, g: g,
		logPsi: make([]float64, g+1), logS: make([]float64, g+1), logSc: make([]float64, g+1), logSpeedMids: make([]float64, g)}
	h := 1 / float64(g)
	// −log ψ by the midpoint rule, and the speed density at midpoints.
	logPsiMid := make([]float64, g)
	for i := range g {
		y := (float64(i) + 0.5) * h
		m, v := d.moments(y)
		if v <= 0 {
			// Only when nothing is random (all probabilities 0 or 1):
			// treat as a very small variance.
			v = math.SmallestNonzeroFloat64
		}
		logPsiMid[i] = d.logPsi[i] - m/v*h // ψ at the midpoint: half a step
		d.logPsi[i+1] = d.logPsi[i] - 2*m/v*h
		d.logSpeedMids[i] = math.Ln2 - math.Log(v) - logPsiMid[i]
	}
	// S(x_i) = Σ_{j<i} ψ(mid_j) h, in logs; Sc from the right.
	d.logS[0] = math.Inf(-1)
	for i := range g {
		d.logS[i+1] = logAdd(d.logS[i], logPsiMid[i]+math.Log(h))
	}
	d.logSc[g] = math.Inf(-1)
	for i := g - 1; i >= 0; i-- {
		d.logSc[i] = logAdd(d.logSc[i+1], logPsiMid[i]+math.Log(h))
	}
	return d, nil
}

// logAdd is log(e^a + e^b).
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// classFrequencies are ν_c, by class self<<1 | partner: those of the
// recursion, or of a random pairing in a population of n.
func classFrequencies(x float64, n int, recursion bool) [4]float64 {
	if recursion {
		return [4]float64{(1 - x) * (1 - x), (1 - x) * x, x * (1 - x), x * x}
	}
	nf := float64(n)
	mixed := x * (1 - x) * nf / (nf - 1)
	// Within 1/N of a boundary ν_AA (or ν_BB) is negative: the
	// polynomial's continuation between the states 0 and 1/N, which keeps
	// the drift smooth there (and matches the exact chain best at small
	// N); the variance, which must not go negative, uses the recursion's.
	return [4]float64{(1 - x) * ((1-x)*nf - 1) / (nf - 1), mixed, mixed, x * (x*nf - 1) / (nf - 1)}
}

// Drift is M(x), the mean change of the juvenile frequency in one
// generation.
func (d *Diffusion) Drift(x float64) float64 {
	m, _ := d.moments(x)
	return m
}

// Variance is V(x), the variance of the change of the juvenile frequency
// in one generation, to leading order in 1/N.
func (d *Diffusion) Variance(x float64) float64 {
	_, v := d.moments(x)
	return v
}

// moments is M(x) and V(x), from one pass over the four classes (see
// Diffusion): each class's π_c and weight h_c serve both.
func (d *Diffusion) moments(x float64) (drift, variance float64) {
	p := d.Params
	nuPair := classFrequencies(x, d.N, d.Recursion)
	nu := classFrequencies(x, d.N, true)
	wbar := p.MeanFitness(x)
	sign := [4]float64{1, -1, -1, 1}
	mean, s2, kappa := 0.0, 0.0, 0.0
	for cl := range 4 {
		pi := adoptClass(p, cl, x)
		h := p.V*fitClass(p, cl)/wbar + 1 - p.V
		mean += nuPair[cl] * h * pi
		s2 += nu[cl] * h * h * pi * (1 - pi)
		kappa += 2 * sign[cl] * h * pi
	}
	drift = mean - x
	pbar := math.Max(0, math.Min(1, mean))
	s2 += kappa * kappa * x * x * (1 - x) * (1 - x) / 2
	return drift, (pbar*(1-pbar) + s2) / float64(d.N)
}

// at interpolates a table of logarithms at x in [0, 1], linearly in the
// values (S and S(1) − S are smooth; their logarithms are not near 0),
// adding them in logs (they may be far beyond float64).
func (d *Diffusion) at(tab []float64, x float64) float64 {
	x = math.Max(0, math.Min(1, x))
	f := x * float64(d.g)
	i := min(int(f), d.g-1)
	wa, wb := float64(i+1)-f, f-float64(i)
	la, lb := math.Inf(-1), math.Inf(-1)
	if wa > 0 {
		la = tab[i] + math.Log(wa)
	}
	if wb > 0 {
		lb = tab[i+1] + math.Log(wb)
	}
	return logAdd(la, lb)
}

// Fixation is u(x), the probability that A fixes from frequency x.
func (d *Diffusion) Fixation(x float64) float64 {
	a, _ := d.fixation(x)
	return a
}

// FixationB is 1 − u(x), the probability that B fixes from frequency x
// of A, computed on its own so that a small value keeps its digits.
func (d *Diffusion) FixationB(x float64) float64 {
	_, b := d.fixation(x)
	return b
}

// fixation is u(x) = S/(S + Sc) and 1 − u(x) = Sc/(S + Sc), each from the
// logarithms of S(x) and Sc(x) = S(1) − S(x).
func (d *Diffusion) fixation(x float64) (a, b float64) {
	switch {
	case x <= 0:
		return 0, 1
	case x >= 1:
		return 1, 0
	}
	ls, lsc := d.at(d.logS, x), d.at(d.logSc, x)
	return 1 / (1 + math.Exp(lsc-ls)), 1 / (1 + math.Exp(ls-lsc))
}

// RhoA is u(1/N), one cooperator's fixation probability.
func (d *Diffusion) RhoA() float64 { return d.Fixation(1 / float64(d.N)) }

// RhoB is 1 − u(1 − 1/N), one defector's fixation probability.
func (d *Diffusion) RhoB() float64 { return d.FixationB(1 - 1/float64(d.N)) }

// AbsorptionTime is T(x), the mean number of generations until one
// phenotype fixes, from frequency x.
func (d *Diffusion) AbsorptionTime(x float64) float64 {
	if x <= 0 || x >= 1 {
		return 0
	}
	ls1 := d.logS[d.g]
	lsx, lscx := d.at(d.logS, x), d.at(d.logSc, x)
	h := 1 / float64(d.g)
	t := 0.0
	for i := range d.g {
		xi := (float64(i) + 0.5) * h
		var lg float64
		if xi < x {
			// S(ξ)·(S(1) − S(x))
			lg = logAdd(d.logS[i], d.logS[i+1]) - math.Ln2 + lscx
		} else {
			lg = lsx + logAdd(d.logSc[i], d.logSc[i+1]) - math.Ln2
		}
		t += math.Exp(lg-ls1+d.logSpeedMids[i]) * h
	}
	return t
}
