package artifact

import (
	"math"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// Interval is a confidence interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// wilsonZ is the standard normal quantile of 0.975: intervals are 95%.
const wilsonZ = 1.959963984540054

// Wilson is the Wilson score 95% interval of a binomial proportion, k
// successes in n trials (Wilson 1927). Unlike the normal interval it stays
// inside [0, 1] and does not collapse to a point at k = 0 or k = n, which
// is where fixation fractions usually are. NaN for n = 0.
func Wilson(k, n int) Interval { return WilsonZ(k, n, wilsonZ) }

// WilsonZ is the Wilson score interval for the standard normal quantile
// z: 1.96 for 95%, 3.2905 for 99.9% (two-sided).
func WilsonZ(k, n int, z float64) Interval {
	if n <= 0 {
		return Interval{math.NaN(), math.NaN()}
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{math.Max(0, centre-half), math.Min(1, centre+half)}
}

// Theory is what the analytic model of MODEL.md §4 says about one
// platform at one point.
type Theory struct {
	Outcome      model.Outcome
	PStar        float64 // the interior equilibrium, NaN where there is none
	Beta1, Beta3 float64
	// Kind is "recursion" where the outcome is the large-N limit of what
	// is simulated (a single well-mixed population) and "approximation"
	// otherwise: on a lattice α is the neighbourhood's effective α, and a
	// platform of a world also exchanges agents and learners with others.
	Kind string
}

// OutcomeName is the outcome's name in tables.
func (t Theory) OutcomeName() string { return t.Outcome.String() }

// Theory kinds.
const (
	TheoryRecursion     = "recursion"
	TheoryApproximation = "approximation"
)

// TheoryOf analyses one platform of a world of platforms platforms. A
// lattice's Model already carries its effective α (sim.PlatformConfig.Finish).
func TheoryOf(pc sim.PlatformConfig, platforms int) Theory {
	p := pc.Model
	o, _ := p.Classify()
	kind := TheoryRecursion
	if platforms > 1 || pc.Kind != sim.KindWellMixed {
		kind = TheoryApproximation
	}
	return Theory{Outcome: o, PStar: p.PStar(), Beta1: p.Beta1(), Beta3: p.Beta3(), Kind: kind}
}

// tidy rounds the analytic values as tables store them (see Tidy).
func (t Theory) tidy() Theory {
	t.PStar, t.Beta1, t.Beta3 = Tidy(t.PStar), Tidy(t.Beta1), Tidy(t.Beta3)
	return t
}

// The agreement column's cells (a boolean column).
const (
	Agrees    = CSVTrue
	Disagrees = CSVFalse
)

// Agreement test constants (documented in README "Reading results").
const (
	// agreeSE: a coexistence cell agrees when the mean final frequency
	// is within this many standard errors of p̂*.
	agreeSE = 4
	// sideSD: a start decides a cell's expected fate only when it lies
	// this many of its own binomial standard deviations from the point
	// the theory says it moves away from (p̂* for a bistable cell; the
	// absorbing 0 or 1 a few agents of a kind can drift to).
	sideSD = 3
)

// agree tests whether the simulated cell s of a single well-mixed
// platform pc is consistent with its analytic outcome th (as stored:
// Summarise passes them tidied). It returns Agrees,
// Disagrees, or "" where no test applies (approximations, neutral and
// boundary cells, undecided starts, fewer than two runs for
// coexistence).
//
//   - cooperation: A should fix. True when the Wilson 95% interval of
//     the fraction of runs in which A fixed lies above ½, false when it
//     lies below ½ (undecided otherwise).
//   - defection: likewise with B.
//   - coexistence: the frequency should settle at p̂*. True when
//     |mean − p̂*| ≤ 4·max(SE, 1/N), SE the standard error of the mean
//     final frequency (1/N, the resolution of a frequency, keeps the test
//     meaningful when every run ends at the same value).
//   - bistable: A should fix when the start lies above p̂* and B when it
//     lies below, tested as for cooperation or defection.
//
// Agents start A independently with probability p₀ = initial_a, so the
// start's frequency has standard deviation σ = √(p₀(1−p₀)/N). A start
// within 3σ of the point it should leave is undecided: of p̂* for a
// bistable cell, of 0 for cooperation and coexistence (A, absent or a
// few agents, can be lost: 0 is absorbing), of 1 for defection and
// coexistence.
func agree(s PointSummary, th Theory, pc sim.PlatformConfig) string {
	if th.Kind != TheoryRecursion || s.Runs == 0 {
		return ""
	}
	above := func(iv Interval) string {
		switch {
		case iv.Lo > 0.5:
			return Agrees
		case iv.Hi < 0.5:
			return Disagrees
		}
		return ""
	}
	p0, n := pc.InitialA, float64(pc.Agents)
	sd := math.Sqrt(p0 * (1 - p0) / n)
	clear := func(from float64) bool { return math.Abs(p0-from) > sideSD*sd }
	switch th.Outcome {
	case model.Cooperation:
		if clear(0) {
			return above(s.FixedA)
		}
	case model.Defection:
		if clear(1) {
			return above(s.FixedB)
		}
	case model.Coexistence:
		if s.Runs < 2 || !clear(0) || !clear(1) {
			return ""
		}
		if math.Abs(s.MeanFreqA-th.PStar) <= agreeSE*math.Max(s.SEFreqA, 1/n) {
			return Agrees
		}
		return Disagrees
	case model.Bistable:
		switch {
		case !clear(th.PStar):
		case p0 > th.PStar:
			return above(s.FixedA)
		default:
			return above(s.FixedB)
		}
	}
	return ""
}
