// Package sim is culturesim's agent-based engine: finite populations of
// cooperators (A) and defectors (B) that play the prisoner's dilemma,
// transmit their phenotypes vertically, obliquely and horizontally, and
// reproduce in proportion to fitness (MODEL.md §2 and §6).
//
// Two population structures implement Population:
//
//   - WellMixed: N agents, random pairs, the generation cycle of MODEL.md §2.
//   - Lattice: L×L sites, neighbourhood interactions in random order with
//     immediate (asynchronous) updates, global or local selection (§6).
//
// World holds several platforms (well-mixed, or lattices with vacancies)
// whose agents carry their platform of origin and the generation their
// lineage arrived, and move between platforms (model.Migration). A world's
// generation, with its random numbers drawn in this order from one stream:
//
//  1. every platform, in order, plays: pairing or neighbourhood games and
//     horizontal transmission, with random donors from another platform
//     with the exposure probabilities (cross_exposure);
//  2. adults move. This generation's events act first, in file order:
//     exactly round(fraction × n) of the n adults of "from" (of the given
//     phenotype) that have not moved yet, chosen uniformly (partial
//     Fisher–Yates). Then every adult that has not moved draws one uniform
//     number u and takes route j of its platform's open routes when u falls
//     in [Σ_{i<j} rate_i, Σ_{i≤j} rate_i); a payoff-seeking route is taken
//     only if the adult's fitness this generation is strictly below the
//     mean fitness earned on the target platform this generation (before
//     any move; an empty target attracts nobody). Moves take effect in
//     platform and adult order, those into well-mixed platforms first (so
//     the sites they free are open to arrivals whatever the platforms'
//     order); a move into a lattice with no empty site
//     is refused and counted on the target (the adult stays). Movers keep
//     their phenotype, fitness and origin; their arrival becomes this
//     generation;
//  3. every platform, in order, reproduces at its size after the moves:
//     each offspring's parent is drawn ∝ fitness (from the whole platform,
//     or the site's block under local selection) and gives the offspring
//     its origin and arrival; the offspring copies the parent's phenotype
//     with probability v, a random adult's otherwise. Lattice arrivals
//     first take uniformly random empty sites; empty sites stay empty.
//
// A platform drawn exactly as a single population when it can be: a
// well-mixed platform where nobody moved and every agent shares one
// lineage draws like WellMixed (parents need not be known), and a full
// lattice that no route, event or exposure touches is a Lattice. A world of
// one platform therefore reproduces the single population of the same
// stream bit for bit. model.DetWorld is the deterministic counterpart of a
// world of well-mixed platforms; the tests check that the engine follows it.
//
// # Randomness and determinism
//
// A population never owns randomness: every Step takes the run's
// *rng.Xoshiro, and consumes it in an order fixed by the algorithm alone.
// A run is therefore a pure function of its configuration and its stream,
// which rng.Stream derives from (scenario seed, point, replicate). Hot
// loops take blocks of random words with Xoshiro.Fill: the same numbers,
// in the same order, as single draws.
//
// # Exactness
//
// The engine draws exactly from the model's distribution; where it skips
// work, it is because the skipped work cannot change that distribution:
//
//   - Well-mixed juveniles are independent and identically distributed
//     given their parents (each offspring draws its own parent), so pairing
//     agents 2k and 2k+1 is a uniformly random pairing in distribution; no
//     shuffle is needed. The first generation is drawn the same way (each
//     agent A with probability initial_a). With odd N, the last agent plays
//     with a uniformly random other agent; only the last agent receives a
//     payoff from that game, so every agent has exactly one payoff.
//   - A random horizontal donor is a uniformly random member of the
//     generation (itself included, as in the recursion of MODEL.md §3);
//     only its phenotype matters, and it is A with probability nA/N, so the
//     engine draws that phenotype directly.
//   - When agents carry nothing heritable but their phenotype, "draw a
//     parent with probability ∝ fitness and copy it (probability v), or copy
//     a uniformly random adult (1 − v)" makes an offspring A with
//     probability q = v·W_A/W + (1 − v)·n_A/N, where W_A and W are the
//     summed fitness of A adults and of all adults; the engine draws each
//     offspring's phenotype with that probability (per 3×3 block, for local
//     selection). The tests check both shortcuts against a literal
//     implementation.
//   - Probabilities are applied as 32-bit thresholds (rng.Threshold):
//     each is within 1.2e-10 of the requested value, 0 and 1 exactly.
//
// # Bit-identical results
//
// Go may fuse x*y + z into one multiply-add on some processors (arm64,
// ppc64, s390x), which rounds differently. Wherever a product meets a sum
// on the way to a random decision or an output, the engine converts the
// product explicitly, float64(x*y), which the language forbids fusing: a
// seeded run gives the same bytes on every platform.
//
// # Invariants
//
// Population size never changes (a world's neither; its platforms' sizes
// change only by moves, each counted once, out of one platform and into
// another). Phenotypes are 0 (B) or 1 (A). Steps
// allocate nothing: every buffer is sized when the population is made.
package sim
