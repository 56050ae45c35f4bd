package sim

import "github.com/culturesim/culturesim/sim/rng"

// The recommendation feed: with probability Feed a visited site's
// horizontal donor is drawn from the whole platform instead of from its
// neighbours. The donor is an occupied site other than the visited one,
// drawn uniformly, ∝ degree, or ∝ the fitness earned so far in this
// generation (the games already played; 1 before any). Every draw is by
// rejection from a proposal over all sites, so it is exact whatever the
// vacancies, and it takes its words from the stream after the block's.

// feedStart prepares the feed's draws for a round: the occupied degree
// mass (degree bias) and the most games any site has played so far
// (fitness bias under "sum", which bounds fitness by 1 + b·games).
func (lt *Lattice) feedStart() {
	switch lt.cfg.FeedBias {
	case FeedDegree:
		lt.feedMass = 0
		for s := range lt.N {
			if lt.occupied(s) {
				lt.feedMass += int64(lt.degree(int32(s)))
			}
		}
	case FeedFitness:
		lt.feedGames = 0
		for s := range lt.N {
			if lt.occupied(s) {
				lt.feedGames = max(lt.feedGames, lt.games(lt.counter(s)))
			}
		}
	}
}

// feedPlayed notes a game of i and j (the most games, for the fitness
// bound).
func (lt *Lattice) feedPlayed(i, j int32) {
	if lt.cfg.FeedBias == FeedFitness {
		lt.feedGames = max(lt.feedGames, lt.games(lt.counter(int(i))), lt.games(lt.counter(int(j))))
	}
}

// games decodes the number of games from a site's counter.
func (lt *Lattice) games(x uint64) int {
	if x == lt.cntEmpty {
		return 0
	}
	if lt.fitTab != nil {
		return int(x % uint64(lt.radix))
	}
	return int(x & 0xffff)
}

// fitnessNow is a site's fitness from the games it has played so far (0
// for an empty site).
func (lt *Lattice) fitnessNow(s int32) float64 {
	x := lt.counter(int(s))
	if x == lt.cntEmpty {
		return 0
	}
	if lt.fitTab != nil {
		return lt.fitTab[x]
	}
	f, _ := lt.fitnessOf(int(x&0xffff), int(x>>cntPartner&0xffff), int(x>>cntAsA&0xffff))
	return f
}

// feedDonor draws the feed's donor for visited site i: an occupied site
// other than i, or −1 when there is none.
func (lt *Lattice) feedDonor(r *rng.Xoshiro, i int32) int32 {
	if lt.nOcc < 2 {
		return -1
	}
	N := lt.N
	other := func(x int32) bool { return x != i && lt.occupied(int(x)) }
	switch lt.cfg.FeedBias {
	case FeedDegree:
		if lt.feedMass-int64(lt.degree(i)) <= 0 {
			return -1 // nobody else has a neighbour: no one to recommend
		}
		for {
			if x := lt.feedAlias.draw(r); other(x) {
				return x
			}
		}
	case FeedFitness:
		top := 1.0 // the fitness of a site yet to play
		if lt.cfg.Fitness == FitnessMean {
			top = max(top, 1+lt.p.B)
		} else {
			top = max(top, 1+lt.p.B*float64(lt.feedGames))
		}
		for tries := 0; ; tries++ {
			x := int32(r.IntN(N))
			if other(x) && r.Float64()*top < lt.fitnessNow(x) {
				return x
			}
			if tries == 64*N && lt.othersFitness(i) == 0 {
				break // every candidate has fitness 0 ("sum"): uniform, as selection
			}
		}
	}
	if !lt.vacant() {
		x := int32(r.IntN(N - 1))
		if x >= i {
			x++
		}
		return x
	}
	for {
		if x := int32(r.IntN(N)); other(x) {
			return x
		}
	}
}

// othersFitness sums the fitness so far of the occupied sites other than
// i.
func (lt *Lattice) othersFitness(i int32) float64 {
	var s float64
	for x := range int32(lt.N) {
		if x != i && lt.occupied(int(x)) {
			s += lt.fitnessNow(x)
		}
	}
	return s
}

// aliasTable draws indices with fixed weights in O(1) (Walker's alias
// method, Vose's construction).
type aliasTable struct {
	thr   []uint64 // keep index k when the coin is below thr[k] (of 2^32)
	alias []int32
}

// newDegreeAlias builds the table of the n sites ∝ degree.
func newDegreeAlias(n int, degree func(int32) int) *aliasTable {
	w := make([]float64, n)
	var tot float64
	for s := range n {
		w[s] = float64(degree(int32(s)))
		tot += w[s]
	}
	t := &aliasTable{thr: make([]uint64, n), alias: make([]int32, n)}
	if tot == 0 {
		for s := range n {
			t.thr[s], t.alias[s] = 1<<32, int32(s)
		}
		return t
	}
	var small, large []int32
	for s := range n {
		w[s] *= float64(n) / tot
		if w[s] < 1 {
			small = append(small, int32(s))
		} else {
			large = append(large, int32(s))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		t.thr[s], t.alias[s] = rng.Threshold(w[s]), l
		w[l] -= 1 - w[s]
		if w[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, s := range append(small, large...) { // rounding leaves weights of 1
		t.thr[s], t.alias[s] = 1<<32, s
	}
	return t
}

// draw takes one word: the high half picks a column, the low half keeps
// it or takes its alias.
func (t *aliasTable) draw(r *rng.Xoshiro) int32 {
	u := r.Uint64()
	k := r.Bounded(uint32(u>>32), uint32(len(t.thr)))
	if uint64(uint32(u)) < t.thr[k] {
		return int32(k)
	}
	return t.alias[k]
}
