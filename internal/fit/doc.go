// Package fit fits a scenario's parameters to observed data by
// approximate Bayesian computation with sequential Monte Carlo
// ("culturesim fit").
//
// # Algorithm
//
// Run is population Monte Carlo ABC (Beaumont, Cornuet, Marin & Robert
// 2009, Biometrika 96:983) with tolerances adapted as a quantile of the
// last population's distances (Drovandi & Pettitt 2011, Biometrics
// 67:225; Del Moral, Doucet & Jasra 2012 adapt them to an effective
// sample size instead): population 0 draws Particles
// parameter vectors from the prior and keeps them all; population t ≥ 1
// sets its tolerance ε_t to the weighted Quantile of population t−1's
// distances, draws a particle of t−1 by weight, perturbs it with a normal
// kernel of twice t−1's weighted covariance, simulates, and keeps the
// proposal if its distance is at most ε_t, until Particles are kept. A
// kept particle's weight is 1 / Σ_j w_j K(z − z_j): the priors are
// uniform on each parameter's working scale (its logarithm for a
// log-uniform prior), so the prior density cancels. The fit stops after
// Generations populations, or after a population that accepts fewer than
// MinAcceptance of its simulations, or before one would take the total
// past MaxSimulations.
//
// # Determinism
//
// Attempt k of population t proposes from rng.StreamSeed(seed, 2t, k) and
// simulates from rng.StreamSeed(seed, 2t+1, k). Attempts are evaluated in
// blocks of a fixed size (not the number of workers), and a population
// keeps the first Particles accepted attempts in attempt order, so the
// same fit gives the same populations, bit for bit, on any number of
// workers and after any number of interruptions.
//
// # Durability
//
// Every finished simulation is one line of the journal (fit-journal.jsonl)
// as soon as it ends; a resumed fit replays the algorithm, reading the
// distances the journal holds instead of simulating again, and checks
// that each proposal is the one the journal recorded (another fit's
// journal is refused by its fingerprint: scenario, data, priors,
// settings and seed).
//
// # Distance
//
// Observed.Distance compares a run's records with the observations:
// d = simulated − observed for each frequency of A, (simulated −
// observed) / observed for each size, combined as √Σd² (euclidean),
// Σ|d| (manhattan) or max |d|. The distance so far never decreases as
// generations arrive (Meter), so a run is stopped as soon as it passes
// the tolerance, with the decision it would have had at the end.
package fit
