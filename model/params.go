package model

import (
	"errors"
	"fmt"
	"math"
)

// Params are the parameters of one generation of the model (MODEL.md §1).
// The zero value is not valid: c < b requires b > 0.
type Params struct {
	B     float64 // benefit of receiving cooperation; b > c
	C     float64 // cost of cooperating; 0 ≤ c < 1 (c = 0 is the costless limit the paper's lattice grids include)
	V     float64 // vertical transmission rate; 1 − v is oblique; [0, 1]
	Alpha float64 // interaction–transmission association; [0, 1]
	TA    float64 // probability that horizontal transmission of A succeeds; [0, 1]
	TB    float64 // probability that horizontal transmission of B succeeds; [0, 1]
}

// ParamError reports one parameter outside its domain.
type ParamError struct {
	Name   string  // the parameter's name as the specification writes it: b, c, v, alpha, ta, tb
	Value  float64 // the offending value
	Domain string  // the allowed range, e.g. "[0, 1]"
	Detail string  // optional: why the value is outside, when the domain depends on another parameter
}

func (e *ParamError) Error() string {
	s := fmt.Sprintf("%s = %s is outside its domain %s", e.Name, FormatFloat(e.Value), e.Domain)
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Domains of the parameters, as error messages and documentation show them.
const (
	DomainB           = "b > c"
	DomainC           = "0 ≤ c < 1 and c < b"
	DomainProbability = "[0, 1]"
)

// Validate returns nil if every parameter is inside its domain, and otherwise
// one *ParamError per offending parameter, joined with errors.Join.
func (p Params) Validate() error {
	var errs []error
	bad := func(name string, v float64, domain, detail string) {
		errs = append(errs, &ParamError{Name: name, Value: v, Domain: domain, Detail: detail})
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

	switch {
	case !finite(p.C):
		bad("c", p.C, DomainC, "not a finite number")
	case p.C < 0 || p.C >= 1:
		bad("c", p.C, DomainC, "")
	}
	switch {
	case !finite(p.B):
		bad("b", p.B, DomainB, "not a finite number")
	case finite(p.C) && p.C >= p.B:
		bad("b", p.B, DomainB, fmt.Sprintf("c = %s is not below b", FormatFloat(p.C)))
	}
	for _, q := range []struct {
		name string
		v    float64
	}{{"v", p.V}, {"alpha", p.Alpha}, {"ta", p.TA}, {"tb", p.TB}} {
		switch {
		case math.IsNaN(q.v):
			bad(q.name, q.v, DomainProbability, "not a number")
		case q.v < 0 || q.v > 1:
			bad(q.name, q.v, DomainProbability, "")
		}
	}
	return errors.Join(errs...)
}

// FormatFloat prints a float the way error messages and reports show it:
// the shortest representation that reads back to the same value.
func FormatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return fmt.Sprint(x)
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
