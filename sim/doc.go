// Package sim is culturesim's agent-based engine: finite populations of
// cooperators (A) and defectors (B) that play the prisoner's dilemma,
// transmit their phenotypes vertically, obliquely and horizontally, and
// reproduce in proportion to fitness (MODEL.md §2 and §6).
//
// Two population structures implement Population:
//
//   - WellMixed: N agents, random pairs, the generation cycle of MODEL.md §2;
//     kept as counts of pairs while no migration can reach it, so that a
//     generation costs the same (under a microsecond) at any N.
//   - Lattice: L×L sites, neighbourhood interactions in random order with
//     immediate (asynchronous) updates, global or local selection (§6);
//     or, with LatticeConfig.Graph set, the nodes of a graph (a network),
//     with the same dynamics on the graph's neighbourhoods.
//
// # Networks
//
// A network is MODEL.md §6 with a graph's neighbourhoods for the
// lattice's. Each generation, for each of rounds rounds: every node is
// visited once, in a uniformly random order; a visited node i initiates
// with probability initiation; an initiator plays the prisoner's dilemma
// with a uniformly random neighbour j (both are paid), then meets a
// horizontal donor d: with probability feed a member drawn from the whole
// platform (below), otherwise a second uniformly random neighbour, drawn
// independently of j (d = j with probability 1/k_i). If i and d differ,
// the A holder converts the B holder with T_A and, independently, the B
// holder converts the A holder with T_B; changes are immediate. Fitness
// is w = 1 + (Σ payoffs)/max(1, games) ("mean") or max(0, 1 + Σ payoffs)
// ("sum"). Selection: every node's offspring has a parent drawn ∝ fitness
// from the whole network (global) or from the node and its neighbours
// (local); it copies the parent's phenotype with probability v and a
// uniformly random member's of the same pool otherwise.
//
// The feed draws its donor among the occupied nodes other than i:
// uniformly ("uniform"), ∝ degree ("degree": popular accounts), or ∝ the
// fitness earned so far this generation ("fitness": successful ones,
// payoff-biased transmission; a node yet to play counts 1). A node
// without neighbours plays no game (fitness 1) and learns only from the
// feed; its selection block is itself. With vacancies (a world's
// platform) "neighbour" means occupied neighbour, as on a lattice.
//
// The graph's effective α, the chance that a visited node's donor is
// its partner, is Graph.DonorIsPartner: the mean over nodes of
// (1 − feed)/k_i plus feed × the chance that the feed draws the partner;
// 1/k on a k-regular graph without feed. It plays the role of α in the
// recursion's thresholds (c = α·b·T/(1 − T) for T_A = T_B = T).
//
// Against the well-mixed model (MODEL.md §2): with feed = 1 and a
// uniform feed on a complete graph, the network's donor is a uniformly
// random other member, as §2's is (§2 also allows the agent itself) —
// but updates differ. §2 pairs every agent once, synchronously, and only
// the learner can change; a network visits initiators one at a time with
// immediate updates, a node may take part in several games, and
// conversion is two-way. On a complete graph a feed of 1 equals no feed
// (every other node is a neighbour): the tests check it.
//
// The lattice graph (graph = "lattice") lists each site's neighbours in
// the lattice engine's order, so under global selection a network on it
// draws exactly the numbers of the lattice (bit-identical runs, tested);
// under local selection its block sums are formed in another order, and
// the two agree in distribution (tested). A regular graph's neighbours
// are picked like an interior lattice site's (fixed stride); other graphs
// take them from their lists with multiply-shift and rejection.
//
// World holds several platforms, each a WellMixed or a Lattice behind a
// thin adapter, whose agents carry their platform of origin and the
// generation their lineage arrived, and move between platforms
// (model.Migration). A single population is a world of one platform.
//
// # One lattice engine and its layers
//
// Lattice is the only lattice engine. As a world's platform it may carry
// optional layers, each nil (or zero) while unused:
//
//   - vacancies: sites may be empty. An empty site keeps phenotype 0,
//     fitness 0 and a counter that the fitness table maps to 0, so sums
//     over sites are sums over agents. Occupied sites are visited in
//     random order; a visited site plays a uniformly random occupied
//     neighbour (none: no game) and learns from a second one;
//   - lineages: each agent's origin and arrival by site, which an
//     offspring takes from its parent;
//   - cross-exposure: per generation, the probability away that a visited
//     site's horizontal donor is an agent of another platform, A with the
//     exposed platforms' frequency; only the visited site may then adopt
//     (with T of the donor's phenotype).
//
// The layers switch on when they are first needed: vacancies when an adult
// first leaves (or from the start, for a lattice that starts partly
// occupied), lineages when an adult of another lineage first arrives, the
// exposure loop in every generation with exposure. A lattice that nothing
// touches therefore runs the paper's fast loops, whatever the world
// around it; events may be added to any platform while a world runs.
// Full lattices without exposure run play, the fast loop; vacancies or
// exposure run playLayered beside it, which differs only where the
// candidates differ (occupied neighbours, remote donors). Initiator
// picking, shuffles, game counters, fitness and selection sums are shared.
//
// # Memory layout
//
// A site's game counters are packed in one number: 16 bits when their
// mixed-radix packing indexes the fitness table (fewer than 2^15 values:
// Moore radius ≤ 2 with one round), 64 otherwise. The counter's top bit
// marks a site that is not interior, so that play learns a site's kind
// from the counter it loads anyway; each generation clears the counters
// and sets that bit on the band of r rows and columns along the sides (on
// every node of a graph). Only the band keeps neighbour lists: an interior
// site finds its neighbours by offsets. Random words are drawn into one
// buffer of 4,096 words, whatever the size. A lattice of global selection
// thus holds 20 bytes a site with 16-bit counters, 26 with 64-bit ones
// (phenotype and offspring 1 each, counter 2 or 8, fitness 8, initiator
// list 4, list start 4); local selection adds 64 (its sums and buffers),
// and block lists for shapes other than Moore's and for mixed lineages
// (SiteBytes, LatticeConfig.Bytes, which the executor's memory check
// uses).
//
// Local selection on the paper's blocks (Moore radius 1, bounded, v = 1,
// mean fitness) fuses the column pass of the block sums with the draws
// and decides each offspring without a division: the sign of
// 2³²·W_A − (u + ½)·W gives the division's outcome outside a margin
// proven wider than the roundings, and about one site in 500, inside it,
// divides (selectMoore1; tests compare it with the division, at the
// boundary too).
//
// Above touchAbove sites the play loop runs in two passes per block of
// initiators: the first draws every partner and donor (edge sites'
// rejection words in the same order as one pass would take them) and
// loads their state, whose cache misses then overlap; the second plays in
// order. On a graph the first pass is itself three loops, each of
// independent loads: the neighbour lists (touchLists), the draws from
// them, then the state of initiator, partner and donor (touchPairs);
// fused, the second waited on the first's misses. The shuffle of the
// initiators draws each block's indices before its swaps, for the same
// reason. None of this changes a single random number: the goldens stand
// (TestTwoPassDrawsMatchOnePass).
//
// Local selection with v = 1, mean fitness and no vacancies draws without
// a division on every shape, by the same argument as selectMoore1
// (ratioDraws; TestGraphSelectLocalMatchesDivision).
//
// A box lattice (Moore or von Neumann radius 1) whose phenotypes and
// counters outgrow two bands of bandBytes (L ≥ 836 with 16-bit counters)
// plays its rounds by bands of rows instead (bands.go): one pass draws
// every initiator's partner and donor in sequence order and files it
// under its band; each band then plays its list in order, deferring the
// initiators that touch a row another band reaches, or a site a deferred
// one touched; the deferred ones play on bands shifted by half a band,
// and what those defer again plays last, in sequence order. Initiators
// whose sites are disjoint commute, and every pair that shares a site
// keeps its order, so the round is the sequential one, bit for bit
// (TestBandsMatchPlay). Each band's state stays in the L2 cache while it
// plays. Its lists take 16 bytes an initiator, and room for a quarter
// more deferred (about 10 bytes a site at the paper's initiation 1/2),
// and its marks a bit a site (bandsBytes, counted by
// LatticeConfig.Bytes).
//
// # Assembly kernels
//
// On amd64 the hottest loops run as assembly (kernel_amd64.s): over
// uint16 counters, play's loop on box lattices (edge sites by their
// lists, leaving for Go only where Bounded might draw again) and on
// regular graphs of power-of-two degree, banded play's lists, fitness's
// table loop (four sites at a time, packed in SSE2, also writing W·A
// when local selection's row pass will read it), and local selection's
// row pass (from W and W·A, rowsPairsRun) and draws on the paper's
// blocks (two sites at a time in SSE2); the Bernoulli phenotypes
// of global selection and well-mixed births (sixteen at a time in SSE2,
// bernoulliRun); the initiators' coins turned into sites (bitsRun); a
// well-mixed generation's pairs (pairsRun); and local
// selection's block sums on graphs, four lists in lockstep, each site's
// (W, W·A) pair in one register (sumsWRun, sumsRun). SSE2 is
// part of every amd64, so no feature test is needed; the packed
// operations are the scalar ones lane by lane, IEEE's rounding the same.
// Four kernels have AVX2 twins, chosen when golang.org/x/sys/cpu
// reports AVX2, four sites in one register where the SSE2 ones hold two
// or keep four lanes in two: fitness's table loop (its lanes are the SSE2
// kernel's four, so its sums are the same bits; 4.85 → 3.47 µs a 100×100
// fitness pass on one core of an AMD EPYC), the row pass from W and W·A
// (rowsPairsRunAVX2; 5.95 → 4.4 µs a 100×100 pass) and the draws on the
// paper's blocks (selectRunAVX2; a 100×100 local generation 57.1 → 52.1
// µs); and the Bernoulli phenotypes, thirty-two at a time
// (bernoulliRunAVX2; a global generation 44.4 → 44.0 µs). Tests run both
// twins (avx2On). Graphs' local draws from block sums already formed
// (ratioDraws) borrow selectRun, with zero rows above and below (a
// generation on a random 8-regular graph of 10⁴ nodes: 126.6 → 111.0 µs
// when they first took the AVX2 kernel).
// Each kernel transcribes a Go loop that stays beside it (for every other
// platform, for -tags purego, and as the reference), with the same
// operations in the same order, so that results are the same bytes on
// either; TestKernelsMatchGo, TestSelectRunAtTheBoundary,
// TestBandsMatchPlay, TestPairsKernelMatchesGo,
// TestBernoulliKernelMatchesGo, TestListSumsMatchOneSiteAtATime,
// TestInteriorKernelDefersAsGo, TestFitnessKernelMatchesGo,
// TestRowsPairsMatchRows and TestBitsToSites hold them to it. (The
// int32 shuffle's kernels, shuffleRun and, past the cache, shuffleRunPF,
// which prefetches its swaps' far elements, live in package rng.) The kernels
// trust the lattice's shape: an interior site's neighbours by its offsets
// lie inside, an edge site's list lies in nbr, and every initiator,
// neighbour and block member is a site.
// The fitness kernel checks each counter against its table, and on one
// out of range hands over to the Go loop, whose bounds check reports it.
//
// # A world's generation
//
// Random numbers are drawn in this order from one stream:
//
//  1. every platform, in order, plays. A well-mixed platform pairs agents
//     2k and 2k+1 and takes three words a pair (as WellMixed); a packed
//     one (below) draws instead, for each of the four classes (own and
//     partner's phenotype), the binomial number that ends the generation
//     A, and, with N odd, two uniforms for the last agent (its partner's
//     phenotype, its own change); a packed platform that migration can
//     reach in this generation first lays its pairs out as agents, one
//     bounded number a pair. A lattice,
//     each round: the initiation coins of every site (none at initiation
//     1, one random bit a site at 1/2, half a word a site otherwise;
//     empty sites' coins are drawn and dropped), a shuffle of the
//     occupied initiators, then per
//     initiator two words (the two neighbours; the two conversion coins)
//     and, with exposure, a third (the exposure coin, the remote donor's
//     phenotype), and with a feed another (the feed coin; the feed's
//     donor then draws from the stream), with rejection draws for
//     neighbour counts that are not powers of two. A network platform
//     whose graph is drawn per replicate takes its graph's seed, one
//     word, before its start;
//  2. adults move, if some event or open route of the generation ends on a
//     platform: only those platforms list their adults (phenotype, fitness,
//     origin, arrival, site); the others record nothing per agent. This
//     generation's events act first, in file order: exactly
//     round(fraction × n) of the n adults of "from" (of the given
//     phenotype) that have not moved yet, chosen uniformly (partial
//     Fisher–Yates). Then every adult that has not moved, on a platform
//     with open routes, draws one uniform number u and takes route j of
//     them when u falls
//     in [Σ_{i<j} rate_i, Σ_{i≤j} rate_i); a payoff-seeking route is taken
//     only if the adult's fitness this generation is strictly below the
//     mean fitness earned on the target platform this generation (before
//     any move; an empty target attracts nobody). Moves into well-mixed
//     platforms take effect first, in platform and adult order (so the
//     sites they free are open to arrivals whatever the platforms'
//     order); moves into lattices then take effect in a uniformly random
//     order (one shuffle of them), and one that finds no empty site is
//     refused and counted on the target (the adult stays): when sites
//     run out, the refused movers are a uniformly random subset. Movers keep their
//     phenotype, fitness and origin; their arrival becomes this
//     generation;
//  3. every platform, in order, reproduces at its size after the moves.
//     On a lattice that moves touched, movers leave their sites empty and
//     each arrival takes a uniformly random empty site (one IntN each, in
//     order). Every agent (every occupied site) gets one offspring whose
//     parent is drawn ∝ fitness from the whole platform, or from the
//     occupied sites of the site's block (the site included) under local
//     selection, and gives the offspring its origin and arrival; the
//     offspring copies the parent's phenotype with probability v, a random
//     adult's (of the platform or block) otherwise. Empty sites stay
//     empty. Drawn as: one Bernoulli word half per site (shortcut below;
//     empty sites' halves are drawn and dropped); or, with mixed
//     lineages, per agent in site order, rejection draws for the parent
//     and one word for the phenotype (global; a parentStream reads these
//     words a block ahead and leaves the stream where they end), or one
//     word for the phenotype coins and one for the parent (local). A
//     well-mixed platform that no migration can reach from the next
//     generation on draws its offspring packed: two binomial counts of
//     pairs and, with N odd, one uniform.
//
// A world of one platform that nothing touches draws exactly as the
// single population (WellMixed, Lattice) with the same stream.
// model.DetWorld is the deterministic counterpart of a world of
// well-mixed platforms; the tests check that the engine follows it.
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
//     shuffle is needed. Nor are the agents, while no event or route can
//     reach the platform (a single well-mixed population always): the
//     pairs are then packed, as counts. N offspring each A with
//     probability q make ⌊N/2⌋ pairs, A–A with probability q² and, if
//     not, mixed with probability 2q/(1 + q): two binomial draws (and a
//     Bernoulli for an odd last agent). In a generation an agent's chance
//     to end A depends only on its class (own phenotype, partner's), and
//     agents decide independently, so each class's number of A adults is
//     binomial; fitness depends on the class alone, so the adults' tallies
//     are all that selection needs. rng.Binomial draws exactly (inversion
//     or Hörmann's BTRS), so a packed generation costs the same at any N.
//     The tests hold it to the exact Markov chain of the count of A. The first generation is drawn the same way (each
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
//     probability q = v·W_A/W + (1 − v)·n_A/n, where W_A and W are the
//     summed fitness of A adults and of all n adults; the engine draws each
//     offspring's phenotype with that probability (per selection block,
//     over its agents, for local selection). Offspring are independent
//     given the adults (each draws its own parent), so this is exact. It
//     holds while every agent shares one lineage, (origin = own platform,
//     arrival 0): a well-mixed platform where nobody moved, or a lattice,
//     with or without vacancies, whose lineage layer is off or not mixed;
//     once arrived lineages die out, the shortcut returns. Otherwise the
//     parent is drawn (by rejection ∝ fitness: empty sites have fitness 0
//     and are never accepted) and gives its lineage. The tests check both
//     shortcuts against a literal implementation.
//   - Visiting the agents in a uniformly random order, each initiating
//     with probability initiation, is in distribution drawing every
//     agent's coin and visiting the initiators in a uniformly random order:
//     a visit that does not initiate changes nothing. Empty sites draw
//     initiation coins and offspring phenotypes that are then dropped, so
//     the agents' coins stay independent with the model's probabilities.
//   - Probabilities are applied as 32-bit thresholds (rng.Threshold):
//     each is within 1.2e-10 of the requested value, 0 and 1 exactly. A
//     packed well-mixed generation applies them as float64 values, in its
//     binomial and uniform draws.
//
// # Bit-identical results
//
// Go may fuse x*y + z into one multiply-add on some processors (arm64,
// ppc64, s390x), which rounds differently. Wherever a product meets a sum
// on the way to a random decision or an output, the engine converts the
// product explicitly, float64(x*y), which the language forbids fusing: a
// seeded run gives the same bytes on every platform. One exception, in
// principle: a packed well-mixed generation's binomial draws compare
// logarithms, whose last bit Go may compute differently on another
// architecture (amd64 has its own math.Log), so a decision there could
// flip when its two sides agree to about 1e-15: once in some 10¹⁵ draws.
//
// # Invariants
//
// Population size never changes (a world's neither; its platforms' sizes
// change only by moves, each counted once, out of one platform and into
// another). Phenotypes are 0 (B) or 1 (A); an empty lattice site holds 0.
// A lattice's lineage layer is "mixed" whenever some agent's lineage is not
// (its platform, 0). Steps allocate nothing once buffers have grown: a
// lattice's layers are allocated once, when they switch on.
package sim
