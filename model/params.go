package model

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Params are the parameters of one generation of the model (MODEL.md §1).
// The zero value is not valid: c < b requires b > 0.
type Params struct {
	B     float64 // benefit of receiving cooperation; c < b ≤ BMax
	C     float64 // cost of cooperating; 0 ≤ c < 1 (c = 0 is the costless limit the paper's lattice grids include)
	V     float64 // vertical transmission rate; 1 − v is oblique; [0, 1]
	Alpha float64 // interaction–transmission association; [0, 1]
	TA    float64 // probability that horizontal transmission of A succeeds; [0, 1]
	TB    float64 // probability that horizontal transmission of B succeeds; [0, 1]
}

// Domains of the parameters, as error messages and documentation show them.
const (
	DomainB           = "c < b ≤ 10⁶"
	DomainC           = "0 ≤ c < 1 and c < b"
	DomainProbability = "[0, 1]"
)

// Param describes one model parameter: the single place where its key,
// symbol, name and domain are written. Scenario files, sweep axes,
// command-line flags, table headers, plot labels and the teaching page's
// sliders all read this table (Parameters).
type Param struct {
	Key    string // as files, flags and tables spell it: "alpha"
	Symbol string // as figures write it (gonum/plot text): "α", "T_A"
	Name   string // what it is: "interaction–transmission association"
	Short  string // a word or two for tight places (a slider): "association"
	Domain string // the allowed range
	// Min and Max bound the domain (±Inf where it is open-ended; whether
	// an end is included is in Domain), for samplers and sliders.
	Min, Max float64
	// Derived parameters set others: t sets T_A = T_B = t and bias sets
	// T_B = T_A − bias. They are applied after the primary ones (bias
	// last, since it reads T_A). Writes lists the keys a derived
	// parameter sets.
	Derived bool
	Writes  []string
	get     func(Params) float64
	set     func(*Params, float64)
}

// Label is the parameter as an axis or slider shows it: "Cost of
// cooperation, c".
func (p Param) Label() string {
	return strings.ToUpper(p.Name[:1]) + p.Name[1:] + ", " + p.Symbol
}

// Parameters lists the model's parameters, the six primary ones in the
// order of MODEL.md §1, then the derived t and bias.
var Parameters = []Param{
	{Key: "b", Symbol: "b", Short: "benefit", Name: "benefit of cooperation", Domain: DomainB, Min: 0, Max: BMax,
		get: func(p Params) float64 { return p.B }, set: func(p *Params, x float64) { p.B = x }},
	{Key: "c", Symbol: "c", Short: "cost", Name: "cost of cooperation", Domain: DomainC, Min: 0, Max: 1,
		get: func(p Params) float64 { return p.C }, set: func(p *Params, x float64) { p.C = x }},
	{Key: "v", Symbol: "v", Short: "vertical", Name: "vertical transmission rate", Domain: DomainProbability, Min: 0, Max: 1,
		get: func(p Params) float64 { return p.V }, set: func(p *Params, x float64) { p.V = x }},
	{Key: "alpha", Symbol: "α", Short: "association", Name: "interaction–transmission association", Domain: DomainProbability, Min: 0, Max: 1,
		get: func(p Params) float64 { return p.Alpha }, set: func(p *Params, x float64) { p.Alpha = x }},
	{Key: "ta", Symbol: "T_A", Short: "success of A", Name: "horizontal transmission of A", Domain: DomainProbability, Min: 0, Max: 1,
		get: func(p Params) float64 { return p.TA }, set: func(p *Params, x float64) { p.TA = x }},
	{Key: "tb", Symbol: "T_B", Short: "success of B", Name: "horizontal transmission of B", Domain: DomainProbability, Min: 0, Max: 1,
		get: func(p Params) float64 { return p.TB }, set: func(p *Params, x float64) { p.TB = x }},
	{Key: "t", Symbol: "T", Short: "transmission", Name: "horizontal transmission rate", Domain: DomainProbability, Min: 0, Max: 1, Derived: true, Writes: []string{"ta", "tb"},
		get: func(p Params) float64 { return p.TA }, set: func(p *Params, x float64) { p.TA, p.TB = x, x }},
	{Key: "bias", Symbol: "T_A − T_B", Short: "bias", Name: "horizontal transmission bias", Domain: "[T_A − 1, T_A]", Min: -1, Max: 1, Derived: true, Writes: []string{"tb"},
		get: func(p Params) float64 { return p.TA - p.TB }, set: func(p *Params, x float64) { p.TB = p.TA - x }},
}

// BMax bounds the benefit: fitness sums b over up to 2³¹ agents, which
// stays exact to far below any precision a run has for b ≤ 10⁶ (b =
// 10³⁰⁸ made fitness +Inf), and the paper's b are of order 1–10.
const BMax = 1e6

// PrimaryParameters is the number of primary parameters at the head of
// Parameters (b, c, v, alpha, ta, tb).
const PrimaryParameters = 6

// LookupParam returns the parameter with the given key.
func LookupParam(key string) (Param, bool) {
	for _, p := range Parameters {
		if p.Key == key {
			return p, true
		}
	}
	return Param{}, false
}

// ParamKeys lists the keys of Parameters, in order.
func ParamKeys() []string {
	out := make([]string, len(Parameters))
	for i, p := range Parameters {
		out[i] = p.Key
	}
	return out
}

// Get returns the value of the parameter with the given key (for t, T_A;
// for bias, T_A − T_B) and whether the key is a parameter's.
func (p Params) Get(key string) (float64, bool) {
	pa, ok := LookupParam(key)
	if !ok {
		return math.NaN(), false
	}
	return pa.get(p), true
}

// Set sets the parameter with the given key (t and bias set T_A and T_B).
// It does not validate: Validate checks the whole set, since domains
// depend on each other.
func (p *Params) Set(key string, x float64) error {
	pa, ok := LookupParam(key)
	if !ok {
		return fmt.Errorf("model: unknown parameter %q; the parameters are %s", key, strings.Join(ParamKeys(), ", "))
	}
	pa.set(p, x)
	return nil
}

// Validate returns nil if every parameter is inside its domain, and otherwise
// one *FieldError per offending parameter (its path is the parameter's
// key), joined with errors.Join.
func (p Params) Validate() error {
	var errs []error
	bad := func(name string, v float64, domain, detail string) {
		errs = append(errs, &FieldError{Path: name, Value: v, Domain: domain, Detail: detail})
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

	cOK := false
	switch {
	case !finite(p.C):
		bad("c", p.C, DomainC, "not a finite number")
	case p.C < 0 || p.C >= 1:
		bad("c", p.C, DomainC, "")
	default:
		cOK = true
	}
	switch {
	case !finite(p.B):
		bad("b", p.B, DomainB, "not a finite number")
	case p.B > BMax:
		bad("b", p.B, DomainB, "")
	case cOK && p.C >= p.B: // b is not blamed for a c outside its own range
		bad("b", p.B, DomainB, fmt.Sprintf("c = %s is not below b", FormatFloat(p.C)))
	}
	for _, pa := range Parameters[2:PrimaryParameters] {
		switch q := pa.get(p); {
		case math.IsNaN(q):
			bad(pa.Key, q, DomainProbability, "not a number")
		case q < 0 || q > 1:
			bad(pa.Key, q, DomainProbability, "")
		}
	}
	return errors.Join(errs...)
}

// Phenotype is a cultural phenotype: A (cooperator) or B (defector).
type Phenotype uint8

const (
	B Phenotype = 0 // defector
	A Phenotype = 1 // cooperator
)

func (ph Phenotype) String() string {
	if ph == A {
		return "A"
	}
	return "B"
}

// Payoff is the prisoner's-dilemma payoff of self meeting partner, without
// the baseline 1: b−c, −c, b or 0 (MODEL.md §1).
func (p Params) Payoff(self, partner Phenotype) float64 {
	var x float64
	if partner == A {
		x += p.B
	}
	if self == A {
		x -= p.C
	}
	return x
}

// Fitness is the fitness of self meeting partner: 1 + Payoff (the table of
// MODEL.md §1, the paper's panel 1c).
func (p Params) Fitness(self, partner Phenotype) float64 {
	return 1 + p.Payoff(self, partner)
}

// Delta is Δ = T_A − T_B, the horizontal transmission bias.
func (p Params) Delta() float64 { return p.TA - p.TB }

// Describe lists the primary parameters as reports show them: "b = 1.2,
// c = 0.5, v = 0.5, α = 0.4, T_A = 0.5, T_B = 0.4".
func (p Params) Describe() string {
	parts := make([]string, PrimaryParameters)
	for i, pa := range Parameters[:PrimaryParameters] {
		parts[i] = fmt.Sprintf("%s = %g", pa.Symbol, pa.get(p))
	}
	return strings.Join(parts, ", ")
}
