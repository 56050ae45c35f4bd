// Package rng is culturesim's random source: xoshiro256++ (Blackman &
// Vigna 2019), seeded through SplitMix64, with the bounded and Bernoulli
// draws the simulation's hot loops need.
//
// # Streams
//
// Every run owns one generator, derived from (scenario seed, point index,
// replicate index) by Stream. No generator is global or shared between
// goroutines, so output never depends on the number of workers or on
// scheduling. A generator's state marshals to 32 bytes, so a run can be
// checkpointed and resumed bit for bit.
//
// # Exactness
//
// Uint32n is exactly uniform (Lemire's multiply-shift with rejection).
// Probabilities become 32-bit thresholds: Threshold(p) = round(p·2^32), and
// an event "u < Threshold(p)" with u uniform on 32 bits has probability
// Threshold(p)/2^32, within 1.2e-10 of p; p = 0 and p = 1 are exact.
//
// Xoshiro implements math/rand/v2's Source, so rand.New(x) gives the
// standard library's distributions on the same stream when needed.
package rng
