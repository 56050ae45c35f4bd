// Package model is the deterministic mathematics of cultural transmission of
// cooperation: the model of Cohen, Lewin-Epstein, Feldman & Ram, "Non-vertical
// cultural transmission, assortment and the evolution of cooperation",
// Proc. R. Soc. B 288:20203162 (2021), as restated in the project's
// specification (shared/MODEL.md).
//
// # Conventions
//
//   - Phenotype A is the cooperator, B the defector. All frequencies are
//     frequencies of A.
//   - p̂ (written ph in code) is the frequency of A among juveniles, p among
//     adults (after horizontal transmission) and ṗ among parents (after
//     selection). The recursion maps juveniles to the next juveniles.
//   - Fitness is 1 + payoff: 1+b−c (A meets A), 1−c (A meets B), 1+b
//     (B meets A), 1 (B meets B).
//   - Quantities that do not exist for given parameters (a threshold whose
//     denominator vanishes, an interior equilibrium outside (0,1)) are NaN,
//     never a sentinel number.
//
// # Invariants
//
//   - f(p̂) = w̄·(p̂' − p̂) = p̂(p̂ − 1)(β1p̂ − β3) holds exactly (up to rounding)
//     for every valid parameter set; the tests check it to 1e-14.
//   - The outcome follows from the signs of β3 and β3 − β1 alone
//     (MODEL.md §4). Equalities, within a rounding tolerance, are reported as
//     boundaries, never as a region. The paper's Result 1 (through γ1, γ2
//     and v̂) is wrong for large b (MODEL.md §7), so thresholds are used only
//     to draw boundaries.
//   - The recursion maps [0,1] into [0,1]: every new frequency is a convex
//     combination of frequencies.
//
// # Errors
//
// Every check returns *FieldError values (joined with errors.Join), each
// naming the setting by its path ("c", "migration[1].rate"), its value
// and its allowed range; callers map paths to their own names (scenario
// keys, flags). Params.Validate reports every parameter outside its
// domain. Functions that take parameters assume they are valid; Analyze
// validates first.
//
// # The parameter table
//
// Parameters is the one place where each parameter's key, symbol, name
// and domain are written; Params.Get and Params.Set address parameters by
// key. Everything that names a parameter (scenario keys, sweep axes,
// flags, table headers, plot labels, sliders) reads it.
//
// The package has no I/O, no goroutines and no randomness.
package model
