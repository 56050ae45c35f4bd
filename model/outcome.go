package model

import (
	"fmt"
	"math"
)

// Outcome is the long-run fate of the frequency of A (MODEL.md §4).
type Outcome uint8

const (
	// Cooperation: β3 > 0 and β3 > β1; A fixes from any start in (0,1).
	Cooperation Outcome = iota
	// Defection: β3 < 0 and β3 < β1; B fixes from any start in (0,1).
	Defection
	// Coexistence: 0 < β3 < β1; every start in (0,1) goes to the stable p̂*.
	Coexistence
	// Bistable: β1 < β3 < 0; the unstable p̂* separates the basins of 0 and 1.
	Bistable
	// Neutral: β1 = β3 = 0; frequencies do not change.
	Neutral
	// Boundary: β3 = 0 or β3 = β1 (but not both): on the border between
	// two regions, where an edge equilibrium is not hyperbolic.
	Boundary
)

var outcomeNames = [...]string{
	Cooperation: "cooperation",
	Defection:   "defection",
	Coexistence: "coexistence",
	Bistable:    "bistable",
	Neutral:     "neutral",
	Boundary:    "boundary",
}

var outcomeDescriptions = [...]string{
	Cooperation: "cooperation fixes from any start",
	Defection:   "defection fixes from any start",
	Coexistence: "stable coexistence at p̂*",
	Bistable:    "the unstable p̂* separates the basins of defection and cooperation",
	Neutral:     "frequencies do not change",
	Boundary:    "on a boundary between regions",
}

// Outcomes lists every outcome in declaration order.
var Outcomes = []Outcome{Cooperation, Defection, Coexistence, Bistable, Neutral, Boundary}

// String returns the outcome's name as it appears in reports and files:
// cooperation, defection, coexistence, bistable, neutral or boundary.
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Description is a sentence-length explanation of the outcome.
func (o Outcome) Description() string {
	if int(o) < len(outcomeDescriptions) {
		return outcomeDescriptions[o]
	}
	return o.String()
}

// MarshalText encodes the outcome as its name.
func (o Outcome) MarshalText() ([]byte, error) {
	if int(o) >= len(outcomeNames) {
		return nil, fmt.Errorf("model: invalid outcome %d", uint8(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText decodes an outcome from its name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i, n := range outcomeNames {
		if n == string(b) {
			*o = Outcome(i)
			return nil
		}
	}
	return fmt.Errorf("model: unknown outcome %q", b)
}

// BoundaryKind says which boundary a parameter set lies on.
type BoundaryKind uint8

const (
	NotOnBoundary BoundaryKind = iota
	// InvasionBoundary: β3 = 0; f'(0) = 0, so whether rare cooperators
	// invade is decided by higher-order terms (solved for c this is γ1,
	// for α it is a2).
	InvasionBoundary
	// FixationBoundary: β3 = β1; f'(1) = 0, so whether rare defectors
	// invade is decided by higher-order terms (γ2, a1).
	FixationBoundary
)

func (k BoundaryKind) String() string {
	switch k {
	case InvasionBoundary:
		return "beta3 = 0"
	case FixationBoundary:
		return "beta3 = beta1"
	}
	return ""
}

// tolerance is the absolute rounding allowance on β1, β3 and β3 − β1 when
// deciding whether they vanish. The β's are sums of a few products of
// numbers of magnitude at most max(1, b), so rounding is a few ulps of that.
func (p Params) tolerance() float64 {
	return 1e-12 * math.Max(1, math.Abs(p.B))
}

// Classify returns the outcome of MODEL.md §4 from the signs of β3 and
// β3 − β1, and, for boundaries, which one.
func (p Params) Classify() (Outcome, BoundaryKind) {
	b1, b3 := p.Beta1(), p.Beta3()
	tol := p.tolerance()
	zero3 := math.Abs(b3) <= tol
	zero31 := math.Abs(b3-b1) <= tol
	switch {
	case zero3 && zero31:
		return Neutral, NotOnBoundary
	case zero3:
		return Boundary, InvasionBoundary
	case zero31:
		return Boundary, FixationBoundary
	case b3 > 0 && b3 > b1:
		return Cooperation, NotOnBoundary
	case b3 < 0 && b3 < b1:
		return Defection, NotOnBoundary
	case b3 > 0: // and b3 < b1
		return Coexistence, NotOnBoundary
	default: // b1 < b3 < 0
		return Bistable, NotOnBoundary
	}
}

// CooperationInvades reports whether rare cooperators increase: β3 > 0
// (beyond rounding).
func (p Params) CooperationInvades() bool {
	return p.Beta3() > p.tolerance()
}

// PStar returns the interior equilibrium p̂* = β3/β1 if it lies strictly
// inside (0, 1) and the parameters are not on a boundary, otherwise NaN.
func (p Params) PStar() float64 {
	switch o, _ := p.Classify(); o {
	case Coexistence, Bistable:
		return p.Beta3() / p.Beta1()
	}
	return math.NaN()
}

// Stability of an equilibrium of the map p̂ ↦ p̂'.
type Stability uint8

const (
	Unstable Stability = iota
	Stable
	// Marginal: |dp̂'/dp̂| = 1 within rounding, so linearisation does not
	// decide (boundaries, and every point of a neutral population).
	Marginal
)

func (s Stability) String() string {
	switch s {
	case Stable:
		return "stable"
	case Marginal:
		return "marginal"
	}
	return "unstable"
}

// Equilibrium is a fixed point of the recursion.
type Equilibrium struct {
	P         float64   // frequency of A among juveniles
	Slope     float64   // dp̂'/dp̂ at P; stable iff |Slope| < 1
	Stability Stability // from Slope
}

// Equilibria returns the fixed points in [0, 1] in increasing order: 0, the
// interior p̂* when it exists, and 1. In a neutral population every
// frequency is a fixed point; the edges are returned, marked Marginal.
func (p Params) Equilibria() []Equilibrium {
	tol := p.tolerance()
	eq := func(x float64) Equilibrium {
		s := p.Slope(x)
		st := Unstable
		switch m := math.Abs(s); {
		case math.Abs(m-1) <= tol:
			st = Marginal
		case m < 1:
			st = Stable
		}
		return Equilibrium{P: x, Slope: s, Stability: st}
	}
	out := []Equilibrium{eq(0)}
	if ps := p.PStar(); !math.IsNaN(ps) {
		out = append(out, eq(ps))
	}
	return append(out, eq(1))
}

// Analysis gathers everything the analytic model says about one parameter
// set.
type Analysis struct {
	Params     Params
	Beta1      float64
	Beta2      float64
	Beta3      float64
	Outcome    Outcome
	Boundary   BoundaryKind // which boundary, when Outcome == Boundary
	PStar      float64      // interior equilibrium in (0,1), or NaN
	Equilibria []Equilibrium
	Invades    bool // cooperation increases when rare (β3 > 0)
	// WBarStar is the mean fitness at p̂*, 1 + p̂*(b − c), or NaN.
	WBarStar float64
	// Thresholds; NaN where undefined for these parameters.
	Gamma1, Gamma2, VHat, A1, A2 float64
	// CriticalCostEqualT is b·αT/(1 − T) when T_A = T_B = T, else NaN.
	CriticalCostEqualT float64
}

// Analyze validates p and returns its analysis.
func Analyze(p Params) (Analysis, error) {
	if err := p.Validate(); err != nil {
		return Analysis{}, err
	}
	o, bk := p.Classify()
	ps := p.PStar()
	return Analysis{
		Params:             p,
		Beta1:              p.Beta1(),
		Beta2:              p.Beta2(),
		Beta3:              p.Beta3(),
		Outcome:            o,
		Boundary:           bk,
		PStar:              ps,
		Equilibria:         p.Equilibria(),
		Invades:            p.CooperationInvades(),
		WBarStar:           p.MeanFitness(ps),
		Gamma1:             p.Gamma1(),
		Gamma2:             p.Gamma2(),
		VHat:               p.VHat(),
		A1:                 p.A1(),
		A2:                 p.A2(),
		CriticalCostEqualT: p.CriticalCostEqualT(),
	}, nil
}
