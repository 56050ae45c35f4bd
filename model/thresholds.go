package model

import "math"

// Closed-form thresholds (MODEL.md §4). They draw region boundaries; the
// outcome itself comes from Classify. Each returns NaN where its
// denominator vanishes.

func ratio(num, den float64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// Gamma1 is the cost c at which β3 = 0:
// γ1 = [bvαT_A + Δ] / [v(1 − T_B)]. Below it (for v(1−T_B) > 0) cooperation
// invades when rare.
func (p Params) Gamma1() float64 {
	return ratio(p.B*p.V*p.Alpha*p.TA+p.Delta(), p.V*(1-p.TB))
}

// Gamma2 is the cost c at which β3 = β1:
// γ2 = [bvαT_B + (1 + b)Δ] / [v(1 − T_B) + (1 − v)Δ].
func (p Params) Gamma2() float64 {
	d := p.Delta()
	return ratio(p.B*p.V*p.Alpha*p.TB+(1+p.B)*d, p.V*(1-p.TB)+(1-p.V)*d)
}

// VHat is v̂ = (T_B − T_A)/(1 − T_A), the vertical rate at which γ1 and γ2
// meet the cost axis in the paper's Result 1.
func (p Params) VHat() float64 {
	return ratio(p.TB-p.TA, 1-p.TA)
}

// A2 is the association α at which β3 = 0:
// a2 = [cv(1 − T_B) − Δ] / (bvT_A).
func (p Params) A2() float64 {
	return ratio(p.C*p.V*(1-p.TB)-p.Delta(), p.B*p.V*p.TA)
}

// A1 is the association α at which β3 = β1:
// a1 = [cv(1 − T_A) − Δ(1 + b − c)] / (bvT_B).
func (p Params) A1() float64 {
	return ratio(p.C*p.V*(1-p.TA)-p.Delta()*(1+p.B-p.C), p.B*p.V*p.TB)
}

// CriticalCostEqualT is the cost below which cooperation fixes when
// T_A = T_B = T and v > 0: b·αT/(1 − T). It is NaN when T_A ≠ T_B or T = 1.
func (p Params) CriticalCostEqualT() float64 {
	if p.TA != p.TB {
		return math.NaN()
	}
	return CriticalCost(p.B, p.Alpha, p.TA)
}

// CriticalCost is b·αT/(1 − T), the cost threshold for equal transmission
// rates T_A = T_B = T (NaN for T = 1). On a lattice, α is the inverse of the
// number of neighbours (1/8 for Moore radius 1); this is the curve of the
// paper's Figure 4a.
func CriticalCost(b, alpha, t float64) float64 {
	return ratio(b*alpha*t, 1-t)
}
