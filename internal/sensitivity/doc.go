// Package sensitivity computes global sensitivity indices of a model from
// its outputs on designs built elsewhere: variance-based (Sobol) first-order
// and total indices, and Morris elementary-effect screening measures, each
// with bootstrap confidence intervals. It is pure arithmetic on slices; it
// neither builds designs nor runs the model.
//
// # Sobol indices
//
// Two independent n×d sample matrices A and B of the factors are combined
// into d more, AB^(i) being A with its column i taken from B (Saltelli et
// al. 2010, Comput. Phys. Commun. 181:259, without the second-order
// matrices BA^(i)). Sobol expects the outputs in n blocks of d+2 values,
// one block per base row j:
//
//	f(A_j), f(AB^(1)_j), …, f(AB^(d)_j), f(B_j)
//
// so len(y) = n(d+2). With V the variance of the 2n values f(A) and f(B)
// (denominator 2n), the first-order index S_i = V_i/V uses the estimator of
// Saltelli et al. (2010), Table 2 (b),
//
//	V_i ≈ (1/n) Σ_j f(B)_j (f(AB^(i))_j − f(A)_j),
//
// and the total index ST_i = VT_i/V uses Jansen's (1999, Comput. Phys.
// Commun. 117:35) estimator,
//
//	VT_i ≈ (1/2n) Σ_j (f(A)_j − f(AB^(i))_j)²,
//
// the one Saltelli et al. (2010) recommend. The V_i estimator is applied to
// the outputs as given, not centred: adding a constant to f leaves its
// expectation alone but adds noise proportional to the constant, so
// outputs with a large offset are best centred by the caller. Estimates
// are not clipped to [0, 1]; small negative values of S_i for unimportant
// factors are sampling noise.
//
// An output constant over the whole design depends on no factor; Sobol
// then reports S = ST = 0 with intervals [0, 0] rather than 0/0. Constant
// f(A) and f(B) with some differing f(AB) cannot be given a ratio and is
// reported as ErrNoVariance.
//
// # Morris screening
//
// A Morris (1991, Technometrics 33:161) design is r trajectories of d+1
// points in the unit hypercube, consecutive points differing in one
// coordinate. Each step gives an elementary effect
//
//	EE = (y_{k+1} − y_k) / (x_{k+1,i} − x_{k,i})
//
// for the coordinate i that moved, with the signed step. For every factor
// Morris reports μ, the mean EE, σ, its standard deviation (denominator
// N−1; a large σ signals interactions or non-linearity), and μ*, the mean
// |EE| of Campolongo, Cariboni & Saltelli (2007, Environ. Model. Softw.
// 22:1509), which does not let effects of opposite sign cancel.
//
// # Bootstrap
//
// Intervals are percentile bootstrap intervals (Efron & Tibshirani 1993;
// for Sobol indices, Archer, Saltelli & Sobol 1997). The resampling unit
// is the independent unit of the design: a Saltelli block of d+2 outputs
// sharing one base row (so A, B and every AB^(i) stay paired, and V is
// re-estimated with the numerators), or a whole Morris trajectory. Each of
// the given number of resamples draws as many units as the design has,
// uniformly with replacement (an exactly uniform bounded draw from the
// caller's Source), re-estimates the indices, and the interval at
// confidence c runs from the (1−c)/2 to the (1+c)/2 quantile of the
// resampled values (linear interpolation between order statistics). The
// results are a deterministic function of the data and the Source's state.
package sensitivity
