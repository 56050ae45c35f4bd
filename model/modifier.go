package model

import (
	"errors"
	"fmt"
	"math"
)

// Modifier is the two-locus model of the evolution of α (MODEL.md §5,
// the paper's Figure S1), with v = 1. A modifier locus with alleles M (α1)
// and m (α2) is inherited vertically and never transmitted horizontally; a
// receiver uses its own allele's α.
type Modifier struct {
	B, C, TA, TB float64 // as in Params; v = 1 and α comes from the allele
}

// Params returns the single-locus parameters of a population fixed for an
// allele with association alpha.
func (m Modifier) Params(alpha float64) Params {
	return Params{B: m.B, C: m.C, V: 1, Alpha: alpha, TA: m.TA, TB: m.TB}
}

// ModifierState holds the frequencies of the four types among juveniles:
// [0] = (A, M), [1] = (B, M), [2] = (A, m), [3] = (B, m). They sum to 1.
type ModifierState [4]float64

// Cooperators returns x = p1 + p3, the frequency of A.
func (s ModifierState) Cooperators() float64 { return s[0] + s[2] }

// AlleleM returns p1 + p2, the frequency of allele M.
func (s ModifierState) AlleleM() float64 { return s[0] + s[1] }

// Allelem returns p3 + p4, the frequency of allele m.
func (s ModifierState) Allelem() float64 { return s[2] + s[3] }

// Step advances one generation with allele M carrying alpha1 and allele m
// carrying alpha2. It returns the next juveniles and the mean fitness of
// the current ones, 1 + x(b − c), which normalises the recursion.
func (m Modifier) Step(s ModifierState, alpha1, alpha2 float64) (ModifierState, float64) {
	// y from the B types themselves (not 1 − x), so rounding never makes
	// it negative.
	x, y := s.Cooperators(), s[1]+s[3]
	var next ModifierState
	next[0], next[1] = m.pair(s[0], s[1], alpha1, x, y)
	next[2], next[3] = m.pair(s[2], s[3], alpha2, x, y)
	w := next[0] + next[1] + next[2] + next[3]
	for i := range next {
		next[i] /= w
	}
	return next, w
}

// pair returns the unnormalised next frequencies of (A, allele) and
// (B, allele) from their current frequencies pa, pb, for an allele with
// association a, in a population with cooperator frequency x = 1 − y.
func (m Modifier) pair(pa, pb, a, x, y float64) (na, nb float64) {
	b, c, tA, tB := m.B, m.C, m.TA, m.TB
	na = pa*x*(1+b-c)*(1-(1-a)*y*tB) + // A meets A, stays A
		pa*y*(1-c)*(1-a*tB*x-tB*y) + // A meets B, stays A
		pb*x*(1+b)*tA*(x+a*y) + // B meets A, becomes A
		pb*y*x*(1-a)*tA // B meets B, becomes A through a random donor
	nb = pb*y*(1-(1-a)*x*tA) + // B meets B, stays B
		pb*x*(1+b)*(1-a*tA*y-tA*x) + // B meets A, stays B
		pa*y*(1-c)*(a*tB+(1-a)*y*tB) + // A meets B, becomes B
		pa*x*(1+b-c)*(1-a)*y*tB // A meets A, becomes B through a random donor
	return na, nb
}

// InvasionConfig describes a sequence of modifier invasions: the resident
// allele Alphas[0] starts at its attractor, then each later allele in turn
// enters as an invader against whichever allele is resident.
type InvasionConfig struct {
	Modifier
	// Alphas: the resident's α first, then the invaders' in order of entry.
	Alphas []float64
	// Entry is the invader's frequency on entry on each of its two types:
	// the four types start at (r_A − Entry, r_B − Entry, Entry, Entry),
	// with r_A, r_B the resident's types (renormalised to sum 1, the
	// old allele's remnant removed). The paper's Figure S1: 0.005, so
	// 0.01 of invaders in total, as the authors' notebook enters them
	// (MODEL.md §5).
	Entry float64
	// Fixation: an invasion succeeds when the invader's frequency exceeds
	// 1 − Fixation (the paper: 0.005); it then becomes the resident, and the
	// remaining old allele is removed as the next invader enters.
	Fixation float64
	// Loss: an invasion fails when the invader's frequency falls below
	// Loss; the resident stays. Zero means Entry/50 (a hundredth of the
	// invader's total on entry).
	Loss float64
	// MaxGenerations bounds the total generations over all invasions
	// (the paper's Figure S1 shows 250,000).
	MaxGenerations int
	// RecordEvery: record the state every that many generations (and at
	// the start and end of each invasion). Zero means every generation.
	RecordEvery int
}

// InvasionResult is the outcome of one invasion attempt.
type InvasionResult struct {
	Resident, Invader float64 // α of the resident and of the invader
	Start, End        int     // generation of entry, and of success, loss or the cap
	Invaded           bool    // the invader exceeded 1 − Fixation
	Lost              bool    // the invader fell below Loss
	FinalInvader      float64 // invader's frequency at End
}

// InvasionPoint is one recorded generation of an invasion sequence.
type InvasionPoint struct {
	Generation  int
	Invasion    int     // index into InvasionResults
	Cooperators float64 // frequency of A among juveniles
	Invader     float64 // frequency of the current invader allele
	MeanFitness float64 // 1 + x(b − c)
	Resident    float64 // α of the current resident
}

// Validate checks the configuration; every allele must be a valid α, and
// the underlying model parameters valid.
func (c InvasionConfig) Validate() error {
	var errs []error
	if len(c.Alphas) < 2 {
		errs = append(errs, fmt.Errorf("modifier: need a resident and at least one invader α, got %d values", len(c.Alphas)))
	}
	for i, a := range c.Alphas {
		if err := c.Params(a).Validate(); err != nil {
			errs = append(errs, Within(fmt.Sprintf("alleles[%d]", i), err))
		}
	}
	if !(c.Entry > 0 && c.Entry < 0.5) {
		errs = append(errs, &FieldError{Path: "entry", Value: c.Entry, Domain: "(0, 0.5)"})
	}
	if !(c.Fixation > 0 && c.Fixation < 1) {
		errs = append(errs, &FieldError{Path: "fixation", Value: c.Fixation, Domain: "(0, 1)"})
	}
	if c.Loss < 0 || c.Loss >= 2*c.Entry || math.IsNaN(c.Loss) {
		errs = append(errs, &FieldError{Path: "loss", Value: c.Loss, Domain: "[0, 2·entry)"})
	}
	if c.MaxGenerations <= 0 {
		errs = append(errs, &FieldError{Path: "max_generations", Value: c.MaxGenerations, Domain: "≥ 1"})
	}
	if c.RecordEvery < 0 {
		errs = append(errs, &FieldError{Path: "record_every", Value: c.RecordEvery, Domain: "≥ 0"})
	}
	return errors.Join(errs...)
}

// Attractor returns where a population fixed for alpha settles from p̂ = 1/2:
// the stable p̂* for coexistence, 1 for cooperation, 0 for defection.
func (m Modifier) Attractor(alpha float64) float64 {
	p := m.Params(alpha)
	switch o, _ := p.Classify(); o {
	case Coexistence:
		return p.PStar()
	case Bistable:
		if p.PStar() < 0.5 {
			return 1
		}
		return 0
	case Cooperation:
		return 1
	case Defection:
		return 0
	}
	x, _, _ := p.Converge(0.5, 1e-15, 1_000_000)
	return x
}

// RunInvasions runs the invasion sequence. It returns one result per
// invasion attempted and the recorded trajectory. It stops early when an
// invasion neither succeeds nor fails within MaxGenerations.
func RunInvasions(cfg InvasionConfig) ([]InvasionResult, []InvasionPoint, error) {
	if cfg.Loss == 0 {
		cfg.Loss = cfg.Entry / 50
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	every := max(cfg.RecordEvery, 1)
	resident := cfg.Alphas[0]
	x0 := cfg.Attractor(resident)
	// M is always the resident, m the invader; when m wins, it is relabelled M.
	state := ModifierState{x0, 1 - x0, 0, 0}
	var results []InvasionResult
	var points []InvasionPoint
	gen := 0
	record := func(inv int, s ModifierState, invader float64) {
		points = append(points, InvasionPoint{
			Generation: gen, Invasion: inv, Cooperators: s.Cooperators(),
			Invader: invader, MeanFitness: cfg.Params(resident).MeanFitness(s.Cooperators()), Resident: resident,
		})
	}
	for k, invader := range cfg.Alphas[1:] {
		resA := state[0] / (state[0] + state[1])
		if resA < cfg.Entry || 1-resA < cfg.Entry {
			// A resident fixed (or nearly) for one phenotype cannot lose
			// Entry of both: the invader takes its share of each instead.
			state = ModifierState{(1 - 2*cfg.Entry) * resA, (1 - 2*cfg.Entry) * (1 - resA), cfg.Entry, cfg.Entry}
		} else {
			state = ModifierState{resA - cfg.Entry, 1 - resA - cfg.Entry, cfg.Entry, cfg.Entry}
		}
		res := InvasionResult{Resident: resident, Invader: invader, Start: gen}
		record(k, state, state.Allelem())
		for {
			if f := state.Allelem(); f > 1-cfg.Fixation {
				res.Invaded = true
				break
			} else if f < cfg.Loss {
				res.Lost = true
				break
			}
			if gen >= cfg.MaxGenerations {
				break
			}
			state, _ = cfg.Step(state, resident, invader)
			gen++
			if gen%every == 0 {
				record(k, state, state.Allelem())
			}
		}
		res.End = gen
		res.FinalInvader = state.Allelem()
		if gen%every != 0 {
			record(k, state, res.FinalInvader)
		}
		results = append(results, res)
		if !res.Invaded && !res.Lost {
			break
		}
		if res.Invaded {
			resident = invader
			state = ModifierState{state[2], state[3], state[0], state[1]}
		}
	}
	return results, points, nil
}
