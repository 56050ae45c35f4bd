package model

import (
	"errors"
	"fmt"
	"math"
)

// Platforms, migration and their deterministic counterpart.
//
// A world is a set of platforms, each a well-mixed population with its own
// parameters. Every individual has a platform of origin, inherited from its
// parent. A generation on platform k is the cycle of MODEL.md §2 with two
// additions: a random horizontal donor comes from platform j with the
// exposure probability x_kj (from platform k itself otherwise), and between
// horizontal transmission and reproduction adults move between platforms.
// Movers reproduce on their new platform with the fitness they earned on
// the old one; reproduction keeps each platform at its size after moves.

// MaxPlatforms bounds the number of platforms (origins are stored in a
// byte by the agent-based engine).
const MaxPlatforms = 64

// Route is background migration: each adult of From moves to To with
// probability Rate per generation. With PayoffSeeking, an adult that draws
// the route moves only if its fitness is lower than the mean fitness
// earned on To in the same generation.
type Route struct {
	From, To      int
	Rate          float64
	PayoffSeeking bool
	// The route is open in generations [Start, End); End 0 means no end.
	Start, End int
}

// Open reports whether the route acts in generation g.
func (r Route) Open(g int) bool { return g >= r.Start && (r.End == 0 || g < r.End) }

// Event moves, at the given generation, exactly round(Fraction × n)
// randomly chosen adults from From to To, where n is the number of adults
// on From (of the given phenotype, if Phenotype is A or B) that have not
// moved in that generation. Phenotype AnyPhenotype moves either.
type Event struct {
	Generation int
	From, To   int
	Fraction   float64
	Phenotype  EventPhenotype
}

// EventPhenotype restricts an event to one phenotype.
type EventPhenotype int8

const (
	AnyPhenotype EventPhenotype = iota
	OnlyA
	OnlyB
)

func (e EventPhenotype) String() string { return [...]string{"any", "A", "B"}[e] }

// Exposure is cross-platform learning: a random horizontal donor of a
// learner on Learners comes from Donors with probability Prob.
type Exposure struct {
	Learners, Donors int
	Prob             float64
}

// Migration is every way platforms exchange individuals or influence.
// Within a generation, events act first (in order), then routes act on the
// adults that have not moved; an individual moves at most once a
// generation.
type Migration struct {
	Routes    []Route
	Events    []Event
	Exposures []Exposure
}

// Validate checks the migration of a world whose platforms have the
// given names, and that runs for the given number of generations (events
// happen in [0, generations)). Every problem is a *FieldError, with paths
// migration[i].rate, event[i].generation, cross_exposure[i].probability
// and so on (i from 0, in declaration order).
func (m Migration) Validate(names []string, generations int) error {
	k := len(names)
	var errs []error
	bad := func(path string, v any, domain, detail string) {
		errs = append(errs, &FieldError{Path: path, Value: v, Domain: domain, Detail: detail})
	}
	plat := func(path string, i int) bool {
		if i < 0 || i >= k {
			bad(path, i, fmt.Sprintf("[0, %d) (a platform index)", k), "")
			return false
		}
		return true
	}
	name := func(i int) string { return fmt.Sprintf("%q", names[i]) }
	out := make([]float64, k)
	for i, r := range m.Routes {
		at := fmt.Sprintf("migration[%d]", i)
		okFrom, okTo := plat(at+".from", r.From), plat(at+".to", r.To)
		if okFrom && okTo && r.From == r.To {
			bad(at+".to", nil, "", "is the same platform as from")
		}
		switch {
		case !(r.Rate >= 0 && r.Rate <= 1):
			bad(at+".rate", r.Rate, DomainProbability, "")
		case okFrom:
			out[r.From] += r.Rate
			if out[r.From] > 1+1e-12 {
				bad(at+".rate", nil, "", fmt.Sprintf("the rates of migration from %s sum to %s, above 1 (an adult takes at most one route a generation)",
					name(r.From), FormatFloat(out[r.From])))
			}
		}
		if r.Start < 0 || r.Start >= generations {
			bad(at+".start", r.Start, fmt.Sprintf("[0, %d)", generations), "the run's generations")
		}
		if r.End != 0 && r.End <= r.Start {
			bad(at+".end", r.End, fmt.Sprintf("(%d, ∞), or 0 for none", r.Start), "after start: the route is open in [start, end)")
		}
	}
	for i, e := range m.Events {
		at := fmt.Sprintf("event[%d]", i)
		okFrom, okTo := plat(at+".from", e.From), plat(at+".to", e.To)
		if okFrom && okTo && e.From == e.To {
			bad(at+".to", nil, "", "is the same platform as from")
		}
		if !(e.Fraction >= 0 && e.Fraction <= 1) {
			bad(at+".fraction", e.Fraction, DomainProbability, "")
		}
		if e.Generation < 0 || e.Generation >= generations {
			bad(at+".generation", e.Generation, fmt.Sprintf("[0, %d)", generations), fmt.Sprintf("the run has generations 0 to %d", generations-1))
		}
		if e.Phenotype > OnlyB || e.Phenotype < AnyPhenotype {
			bad(at+".phenotype", int(e.Phenotype), `"any", "A" or "B"`, "")
		}
	}
	in := make([]float64, k)
	for i, x := range m.Exposures {
		at := fmt.Sprintf("cross_exposure[%d]", i)
		okL, okD := plat(at+".learners", x.Learners), plat(at+".donors", x.Donors)
		if okL && okD && x.Learners == x.Donors {
			bad(at+".donors", nil, "", "is the same platform as learners")
		}
		switch {
		case !(x.Prob >= 0 && x.Prob <= 1):
			bad(at+".probability", x.Prob, DomainProbability, "")
		case okL:
			in[x.Learners] += x.Prob
			if in[x.Learners] > 1+1e-12 {
				bad(at+".probability", nil, "", fmt.Sprintf("the exposure probabilities of %s sum to %s, above 1", name(x.Learners), FormatFloat(in[x.Learners])))
			}
		}
	}
	return errors.Join(errs...)
}

// PlatformNames returns the names "platform 0", "platform 1", … that
// messages use for a world whose platforms are not named.
func PlatformNames(k int) []string {
	out := make([]string, k)
	for i := range out {
		out[i] = fmt.Sprintf("platform %d", i)
	}
	return out
}

// Reaches reports whether some event or route can move agents into or
// out of platform k in generation g or later.
func (m Migration) Reaches(k, g int) bool {
	for _, e := range m.Events {
		if e.Generation >= g && (e.From == k || e.To == k) {
			return true
		}
	}
	for _, r := range m.Routes {
		if (r.End == 0 || r.End > g) && (r.From == k || r.To == k) {
			return true
		}
	}
	return false
}

// Active reports whether any event happens or any route is open in
// generation g: whether anyone can move then.
func (m Migration) Active(g int) bool {
	for _, e := range m.Events {
		if e.Generation == g {
			return true
		}
	}
	for _, r := range m.Routes {
		if r.Open(g) {
			return true
		}
	}
	return false
}

// Exposure fills, for each learning platform, away: the probability that
// its random horizontal donor comes from another platform, and remoteA:
// the probability that it does and is A (Σ x·freq over exposed
// platforms). An empty donor platform exposes nobody. freq[k] is ignored
// when size[k] is 0. away and remoteA have one entry per platform.
func (m Migration) Exposure(freq, size, away, remoteA []float64) {
	clear(away)
	clear(remoteA)
	for _, x := range m.Exposures {
		if size[x.Donors] > 0 {
			away[x.Learners] += x.Prob
			remoteA[x.Learners] += float64(x.Prob * freq[x.Donors])
		}
	}
}

// Donor is the probability that a random horizontal donor on a platform
// of frequency own is A, given its Exposure: own itself without exposure.
func Donor(own, away, remoteA float64) float64 {
	return remoteA + float64((1-away)*own)
}

// DonorFreq returns, for each platform, the probability that its random
// horizontal donor is A: its own frequency, mixed with exposed platforms'
// frequencies (see Exposure).
func (m Migration) DonorFreq(freq, size []float64) []float64 {
	K := len(freq)
	away, remoteA := make([]float64, K), make([]float64, K)
	m.Exposure(freq, size, away, remoteA)
	r := make([]float64, K)
	for k := range r {
		r[k] = Donor(freq[k], away[k], remoteA[k])
	}
	return r
}

// AdoptA returns the probability that a juvenile ends its horizontal phase
// as A, by its class (self, partner), when a random donor is A with
// probability r: the generalisation of MODEL.md §3's bracketed terms (there
// r = p̂).
func (p Params) AdoptA(self, partner Phenotype, r float64) float64 {
	a := p.Alpha
	// Products are rounded before sums (float64(…)) so that no platform
	// fuses them into multiply-adds: the same bytes everywhere.
	keepA := r + float64((1-r)*(1-p.TB)) // adopts A from a random donor, or keeps it
	switch {
	case self == A && partner == A:
		return a + float64((1-a)*keepA)
	case self == A:
		return float64(a*(1-p.TB)) + float64((1-a)*keepA)
	case partner == A:
		return float64(a*p.TA) + float64((1-a)*r*p.TA)
	default:
		return (1 - a) * r * p.TA
	}
}

// DetPlatform is one platform of a deterministic world.
type DetPlatform struct {
	Name     string // for messages; "platform k" when empty
	Params   Params
	Size     float64 // individuals at generation 0
	InitialA float64 // frequency of A at generation 0
}

// DetStats is one platform's state in one generation of a deterministic
// world, in the units of the agent-based engine's statistics.
type DetStats struct {
	Size         float64 // individuals at the start of the generation
	FreqA        float64 // frequency of A among them
	FreqNatives  float64 // among those of this platform's origin; NaN if none
	FreqMigrants float64 // among those of another origin; NaN if none
	Natives      float64 // individuals of this platform's origin
	Migrants     float64 // individuals of another origin
	MeanFitness  float64 // mean fitness earned on the platform; NaN if empty
	MovedIn      float64 // adults that arrived in this generation
	MovedOut     float64 // adults that left in this generation
}

// DetWorld iterates the deterministic counterpart of a world of
// well-mixed platforms: the expected dynamics of an infinite population in
// which each platform (and each origin on it) follows MODEL.md §3.
//
// State: mass[k][o] individuals of origin o on platform k, of which a
// fraction freq[k][o] is A. One generation on platform k, with p̂ its
// frequency and r its donor frequency (DonorFreq):
//
//	adults of origin o that are A:  m Σ_(s,q) P(s|f) P(q|p̂) AdoptA(s,q,r)
//	parents' weight of A (and all): the same sums weighted by Fitness(s,q)
//
// where an individual's own phenotype s is A with probability f =
// freq[k][o] and its partner's q with probability p̂ (partners are drawn
// from the whole platform). Movers carry these four quantities (adult A,
// adult B, parent weight A, parent weight B) in proportion: a random subset
// of a group has the group's composition and mean fitness. After moves,
// platform k holds N'_k adults; its offspring of origin o number
// N'_k·W_ko/W_k, with W the parents' weights, and are A with probability
// v·W_ko,A/W_ko + (1−v)·(A adults)/N'_k, because an offspring's parent is
// drawn ∝ fitness and gives it its origin, and the offspring copies that
// parent with probability v and a random adult otherwise.
//
// With one platform and one origin this is exactly MODEL.md §3.
type DetWorld struct {
	plats []DetPlatform
	mig   Migration
	mass  [][]float64
	freq  [][]float64
	gen   int
}

// NewDetWorld validates and makes a deterministic world. Payoff-seeking
// routes have no deterministic counterpart here (whether an adult moves
// depends on its own fitness, not only its group's) and are rejected.
func NewDetWorld(plats []DetPlatform, mig Migration, generations int) (*DetWorld, error) {
	if len(plats) < 1 || len(plats) > MaxPlatforms {
		return nil, fmt.Errorf("model: %d platforms; allowed [1, %d]", len(plats), MaxPlatforms)
	}
	var errs []error
	for i, p := range plats {
		at := fmt.Sprintf("platform[%d]", i)
		errs = append(errs, Within(at+".model", p.Params.Validate()))
		if !(p.Size >= 0) || math.IsInf(p.Size, 0) {
			errs = append(errs, &FieldError{Path: at + ".size", Value: p.Size, Domain: "[0, ∞)"})
		}
		if !(p.InitialA >= 0 && p.InitialA <= 1) {
			errs = append(errs, &FieldError{Path: at + ".initial_a", Value: p.InitialA, Domain: DomainProbability})
		}
	}
	names := PlatformNames(len(plats))
	for i, p := range plats {
		if p.Name != "" {
			names[i] = p.Name
		}
	}
	errs = append(errs, mig.Validate(names, generations))
	for i, r := range mig.Routes {
		if r.PayoffSeeking {
			errs = append(errs, &FieldError{Path: fmt.Sprintf("migration[%d].rule", i), Value: "payoff", Domain: `"random"`,
				Detail: "payoff-seeking moves have no deterministic counterpart: whether an adult moves depends on its own fitness"})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	K := len(plats)
	w := &DetWorld{plats: plats, mig: mig, mass: make([][]float64, K), freq: make([][]float64, K)}
	for k, p := range plats {
		w.mass[k] = make([]float64, K)
		w.freq[k] = make([]float64, K)
		w.mass[k][k] = p.Size
		w.freq[k][k] = p.InitialA
	}
	return w, nil
}

// Generation is the number of generations played.
func (w *DetWorld) Generation() int { return w.gen }

// group is one origin's share of a platform between horizontal
// transmission and reproduction.
type group struct {
	n                          float64 // adults, kept apart from adultA + adultB so that sizes stay exact
	adultA, adultB, parA, parB float64
}

func (g *group) take(s float64, onlyA, onlyB bool) group {
	var out group
	if !onlyA && !onlyB {
		out.n = s * g.n
	}
	if !onlyB {
		out.adultA, out.parA = s*g.adultA, s*g.parA
		g.adultA -= out.adultA
		g.parA -= out.parA
	}
	if !onlyA {
		out.adultB, out.parB = s*g.adultB, s*g.parB
		g.adultB -= out.adultB
		g.parB -= out.parB
	}
	if onlyA || onlyB {
		out.n = out.adultA + out.adultB
	}
	g.n -= out.n
	return out
}

func (g *group) add(h group) {
	g.n += h.n
	g.adultA += h.adultA
	g.adultB += h.adultB
	g.parA += h.parA
	g.parB += h.parB
}

// State returns the start-of-generation statistics of every platform
// (moves and mean fitness are those of the previous Step's generation, or
// zero and NaN before the first).
func (w *DetWorld) State() []DetStats {
	out := make([]DetStats, len(w.plats))
	for k := range w.plats {
		out[k] = w.stateOf(k)
		out[k].MeanFitness = math.NaN()
	}
	return out
}

func (w *DetWorld) stateOf(k int) DetStats {
	var n, nA, nat, natA, mig, migA float64
	for o, m := range w.mass[k] {
		a := float64(m * w.freq[k][o])
		n += m
		nA += a
		if o == k {
			nat, natA = nat+m, natA+a
		} else {
			mig, migA = mig+m, migA+a
		}
	}
	return DetStats{Size: n, FreqA: share(nA, n), FreqNatives: share(natA, nat), FreqMigrants: share(migA, mig), Natives: nat, Migrants: mig}
}

func share(a, b float64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return a / b
}

// Step plays one generation and returns each platform's statistics for
// it: the state at its start, the mean fitness earned in it and the moves
// made in it.
func (w *DetWorld) Step() []DetStats {
	K := len(w.plats)
	stats := make([]DetStats, K)
	freq, size := make([]float64, K), make([]float64, K)
	for k := range K {
		stats[k] = w.stateOf(k)
		size[k], freq[k] = stats[k].Size, stats[k].FreqA
		if size[k] == 0 {
			freq[k] = 0
		}
	}
	donor := w.mig.DonorFreq(freq, size)
	groups := make([][]group, K)
	for k, pl := range w.plats {
		groups[k] = make([]group, K)
		P, ph, r := pl.Params, freq[k], donor[k]
		var W float64
		for o, m := range w.mass[k] {
			if m == 0 {
				continue
			}
			f := w.freq[k][o]
			g := &groups[k][o]
			g.n = m
			for _, s := range [2]Phenotype{A, B} {
				ps := f
				if s == B {
					ps = 1 - f
				}
				for _, q := range [2]Phenotype{A, B} {
					pq := ph
					if q == B {
						pq = 1 - ph
					}
					mass := m * ps * pq
					fit := P.Fitness(s, q)
					a := P.AdoptA(s, q, r)
					g.adultA += float64(mass * a)
					g.adultB += float64(mass * (1 - a))
					g.parA += float64(mass * fit * a)
					g.parB += float64(mass * fit * (1 - a))
					W += float64(mass * fit)
				}
			}
		}
		stats[k].MeanFitness = share(W, size[k])
	}
	w.migrate(groups, stats)
	for k, pl := range w.plats {
		var N, nA, W float64
		for _, g := range groups[k] {
			N += g.n
			nA += g.adultA
			W += g.parA + g.parB
		}
		v := pl.Params.V
		for o, g := range groups[k] {
			wo := g.parA + g.parB
			if N <= 0 || W <= 0 || wo <= 0 {
				w.mass[k][o], w.freq[k][o] = 0, 0
				continue
			}
			w.mass[k][o] = N * (wo / W) // exactly N with one origin
			w.freq[k][o] = float64(v*g.parA/wo) + float64((1-v)*nA/N)
		}
	}
	w.gen++
	return stats
}

// migrate applies this generation's events, then its routes, to the
// groups, counting moves into stats.
func (w *DetWorld) migrate(groups [][]group, stats []DetStats) {
	K := len(groups)
	incoming := make([][]group, K)
	for k := range incoming {
		incoming[k] = make([]group, K)
	}
	move := func(from, to int, s float64, onlyA, onlyB bool) {
		for o := range groups[from] {
			h := groups[from][o].take(s, onlyA, onlyB)
			incoming[to][o].add(h)
			n := h.n
			stats[from].MovedOut += n
			stats[to].MovedIn += n
		}
	}
	for _, e := range w.mig.Events {
		if e.Generation != w.gen {
			continue
		}
		var n float64
		for _, g := range groups[e.From] {
			switch e.Phenotype {
			case OnlyA:
				n += g.adultA
			case OnlyB:
				n += g.adultB
			default:
				n += g.n
			}
		}
		if n <= 0 {
			continue
		}
		// round(fraction × n) as the engine moves, but never more than
		// there is (n need not be whole here).
		movers := math.Round(e.Fraction * n)
		move(e.From, e.To, min(1, movers/n), e.Phenotype == OnlyA, e.Phenotype == OnlyB)
	}
	// Routes act on the adults still unmoved; each adult takes at most
	// one route, so every route's rate applies to the same remaining
	// group, and the group keeps the share 1 − Σ rates.
	outRate := make([]float64, K)
	for _, r := range w.mig.Routes {
		if !r.Open(w.gen) {
			continue
		}
		outRate[r.From] += r.Rate
		for o, g := range groups[r.From] {
			h := g.scaled(r.Rate)
			incoming[r.To][o].add(h)
			n := h.n
			stats[r.From].MovedOut += n
			stats[r.To].MovedIn += n
		}
	}
	for k, s := range outRate {
		if s == 0 {
			continue
		}
		for o := range groups[k] {
			groups[k][o] = groups[k][o].scaled(1 - s)
		}
	}
	for k := range groups {
		for o := range groups[k] {
			groups[k][o].add(incoming[k][o])
		}
	}
}

func (g group) scaled(s float64) group {
	return group{s * g.n, s * g.adultA, s * g.adultB, s * g.parA, s * g.parB}
}
