package model

// The deterministic recursion of an infinite, well-mixed population
// (MODEL.md §3). Every function takes ph = p̂, the frequency of A among
// juveniles, and assumes valid parameters.

// Adults returns p', the frequency of A among adults after horizontal
// transmission: p̂ + p̂(1−p̂)(T_A − T_B). It does not depend on α, because a
// juvenile's partner is itself a random member of the generation.
func (p Params) Adults(ph float64) float64 {
	return ph*ph*(p.TB-p.TA) + ph*(1+p.TA-p.TB)
}

// MeanFitness returns w̄ = 1 + p̂(b − c), the mean fitness of juveniles that
// meet in random pairs.
func (p Params) MeanFitness(ph float64) float64 {
	return 1 + ph*(p.B-p.C)
}

// ParentsWeighted returns w̄·ṗ', the fitness-weighted frequency of A after
// horizontal transmission. Its four terms are the four pairings of a
// juvenile with its partner (A–A, A–B, B–A, B–B), each weighted by the
// juvenile's fitness and by the probability that the juvenile is A after
// horizontal transmission.
func (p Params) ParentsWeighted(ph float64) float64 {
	q := 1 - ph
	a, tA, tB := p.Alpha, p.TA, p.TB
	stayA := ph + q*(1-tB) // an A keeps A against a random donor
	return ph*ph*(1+p.B-p.C)*(a+(1-a)*stayA) +
		ph*q*(1-p.C)*(a*(1-tB)+(1-a)*stayA) +
		q*ph*(1+p.B)*(a*tA+(1-a)*ph*tA) +
		q*q*(1-a)*ph*tA
}

// Parents returns ṗ', the frequency of A among parents: those adults
// weighted by fitness.
func (p Params) Parents(ph float64) float64 {
	return p.ParentsWeighted(ph) / p.MeanFitness(ph)
}

// Next returns p̂', the frequency of A among the next generation's
// juveniles: v·ṗ' + (1−v)·p'.
func (p Params) Next(ph float64) float64 {
	return p.V*p.Parents(ph) + (1-p.V)*p.Adults(ph)
}

// F returns f(p̂) = w̄(p̂' − p̂), computed from the recursion. It equals
// p̂(p̂−1)(β1p̂ − β3); FFactored computes that form.
func (p Params) F(ph float64) float64 {
	return p.MeanFitness(ph) * (p.Next(ph) - ph)
}

// FFactored returns p̂(p̂ − 1)(β1p̂ − β3), the factorised form of F.
func (p Params) FFactored(ph float64) float64 {
	return ph * (ph - 1) * (p.Beta1()*ph - p.Beta3())
}

// FPrime returns f'(p̂) = 3β1p̂² − 2(β1+β3)p̂ + β3.
func (p Params) FPrime(ph float64) float64 {
	b1, b3 := p.Beta1(), p.Beta3()
	return 3*b1*ph*ph - 2*(b1+b3)*ph + b3
}

// Slope returns dp̂'/dp̂ at an equilibrium p̂ (where f = 0):
// 1 + f'(p̂)/w̄(p̂). The equilibrium is stable iff |Slope| < 1.
func (p Params) Slope(ph float64) float64 {
	return 1 + p.FPrime(ph)/p.MeanFitness(ph)
}

// Beta1 is β1 = [c(1 − v) − b(1 − αv)]Δ, the cubic coefficient of f.
func (p Params) Beta1() float64 {
	return (p.C*(1-p.V) - p.B*(1-p.Alpha*p.V)) * p.Delta()
}

// Beta2 is β2 = −(β1 + β3), the quadratic coefficient of
// f(p̂) = β1p̂³ + β2p̂² + β3p̂.
func (p Params) Beta2() float64 {
	return -(p.Beta1() + p.Beta3())
}

// Beta3 is β3 = αbvT_A − cv(1 − T_B) + Δ = f'(0): cooperation invades when
// rare iff β3 > 0.
func (p Params) Beta3() float64 {
	return p.Alpha*p.B*p.V*p.TA - p.C*p.V*(1-p.TB) + p.Delta()
}

// Trajectory returns p̂ over n generations from p0: n+1 values, the first
// being p0.
func (p Params) Trajectory(p0 float64, n int) []float64 {
	out := make([]float64, n+1)
	out[0] = p0
	for i := 1; i <= n; i++ {
		out[i] = p.Next(out[i-1])
	}
	return out
}

// Converge iterates the recursion from p0 until one step changes p̂ by at
// most tol or maxGen generations have passed. It returns the last p̂, the
// number of generations iterated and whether the tolerance was met.
func (p Params) Converge(p0, tol float64, maxGen int) (ph float64, gens int, converged bool) {
	ph = p0
	for gens < maxGen {
		next := p.Next(ph)
		gens++
		d := next - ph
		ph = next
		if d <= tol && d >= -tol {
			return ph, gens, true
		}
	}
	return ph, gens, false
}

// OffspringA is the probability that an offspring of a finite
// well-mixed population is A (MODEL.md §2, step 1): a parent drawn ∝
// fitness is copied with probability v, a uniformly random adult
// otherwise, so q = v·W_A/W + (1 − v)·n_A/n, with W_A and W the summed
// fitness of the n_A A adults and of all n. The products are converted
// explicitly (never fused into a multiply-add), so every processor
// computes the same bits: sim.WellMixed draws with it and FiniteChain
// sums over it.
func (p Params) OffspringA(WA, W float64, nA, n int) float64 {
	return float64(p.V*WA/W) + float64((1-p.V)*float64(nA)/float64(n))
}
