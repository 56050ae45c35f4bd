package sim

import (
	"math"
	"slices"
	"unsafe"

	"github.com/culturesim/culturesim/sim/rng"
)

// Banded play: a large box lattice's round, in an order that stays in
// the cache and gives the same result as play's random sequential one.
//
// An initiator reads and writes the state of three sites, itself i, its
// partner j and its donor d, all within one row of i. Two initiators
// whose sites are disjoint commute, so any order that keeps every pair
// that shares a site in sequence order gives the sequential result, bit
// for bit. The lattice is cut into bands of rows, each small enough to
// stay in the L2 cache, and:
//
//  1. A draw pass, in sequence order, takes every initiator's words and
//     draws its partner and donor exactly as play does (the same blocks of
//     words, rejections from the stream at the same points), and files the
//     initiator under its band, so that each band's list is in sequence
//     order.
//  2. Each band plays its list in order, except that it defers an
//     initiator that touches the band's first or last row (which another
//     band's initiators may touch; a torus's top and bottom rows touch
//     each other, a bounded lattice's touch no other band) or a site that
//     an initiator deferred before it in this band touched; deferring
//     marks the deferred sites.
//     A played initiator touches only its band's inner rows, which no
//     other band reaches; every earlier initiator that shares one of its
//     sites is in its band and was played before it (had one been
//     deferred, the site would be marked). So the played ones are in
//     order, and every deferred initiator comes after every played one it
//     shares a site with.
//  3. The deferred ones, a strip along each band's edge, are played the
//     same way on bands shifted by half a band, which puts those strips in
//     the middle. What that defers again is sorted into sequence order and
//     played last.
//
// Every step keeps the sequence order of each pair that shares a site,
// so the round is play's, bit for bit (TestBandsMatchPlay). It serves box
// lattices (Moore and von Neumann radius 1) whose state outgrows
// bandBytes.

// bandBytes is the state a band holds (phenotypes and counters): about
// half of this machine's 2 MiB of L2 per core, leaving room for the
// band's list and the marks.
var bandBytes = 1 << 20

// bandEntry is an initiator as a band plays it, in 16 bytes: its site,
// partner and donor, and its place in the round's sequence, each in the
// low 31 bits of a field (sites and places are below 2³¹), and in the
// four top bits its conversion coins, drawn from its second word before
// it plays. Only they are kept of that word: the initiator adopts the
// donor's phenotype e with the coin of the high half against T_e, and
// the donor adopts the initiator's a with the low half's against T_a.
// That is 16 bytes where the word would take 24, which the draw pass
// writes and the bands read for every initiator.
type bandEntry struct{ i, j, d, s uint32 }

// low31 masks a bandEntry field's site or place.
const low31 = 1<<31 - 1

// newBandEntry packs initiator i of place seq, with partner j, donor d
// and conversion word w under thresholds thrT (T_B, T_A).
func newBandEntry(i, j, d int32, seq int, w uint64, thrT *[2]uint64) bandEntry {
	hi, lo := uint32(w>>32), uint32(w)
	return bandEntry{
		i: uint32(i) | uint32(lt32(hi, thrT[0]))<<31, // i adopts a B donor's phenotype
		j: uint32(j) | uint32(lt32(hi, thrT[1]))<<31, // ... an A donor's
		d: uint32(d) | uint32(lt32(lo, thrT[0]))<<31, // the donor adopts a B initiator's
		s: uint32(seq) | uint32(lt32(lo, thrT[1]))<<31,
	}
}

// sites are e's initiator, partner and donor.
func (e bandEntry) sites() (i, j, d int32) {
	return int32(e.i & low31), int32(e.j & low31), int32(e.d & low31)
}

// seq is e's place in the round's sequence.
func (e bandEntry) seq() uint32 { return e.s & low31 }

// coins are e's conversion coins, bit k of the result from field k's top
// bit (fields i, j, d, s).
func (e bandEntry) coins() uint32 {
	return e.i>>31 | e.j>>31<<1 | e.d>>31<<2 | e.s>>31<<3
}

// meet plays e as play would: the game between i and j, then i adopts
// the donor's phenotype e by coin e, and the donor adopts i's a by coin
// 2 + a (convert's rule, its thresholds compared in advance).
func meet[C counter](phen []uint8, cnt []C, e bandEntry, g *gameRules[C]) {
	i, j, d := e.sites()
	c := e.coins()
	a := phen[i] & 1
	g.game(cnt, i, j, a, phen[j]&1)
	f := phen[d] & 1
	// adopt's rule, a ^ (a^f)&coin, with the coins drawn ahead (adopt
	// itself stays one expression, so that convert fits the inlining
	// budget).
	phen[i] = a ^ (a^f)&uint8(c>>f&1)
	phen[d] = f ^ (f^a)&uint8(c>>(2+a)&1)
}

// bandPlay holds a lattice's bands and their buffers, kept across rounds.
type bandPlay struct {
	H       int           // rows a band (the last may hold fewer)
	rowBand []int32       // band by row
	lists   [][]bandEntry // pass 1: each band's initiators, in sequence order
	low     [][]bandEntry // a band's deferred initiators whose i is in its first half of rows ...
	high    [][]bandEntry // ... and in its second half
	merged  []bandEntry   // pass 2's shifted bands, one after the other
	last    []bandEntry   // deferred twice
	marks   []uint64      // a bit a site: touched by a deferred initiator
	// Deferred initiators of the latest round, by pass (for tests and
	// benchmarks).
	deferred [2]int
}

// bandHeight is the band height of a lattice of configuration c with
// counters of counterBytes bytes, or 0 where play's batches serve: a
// graph, a radius other than 1, or a lattice too small (bandRows).
func bandHeight(c LatticeConfig, counterBytes int) int {
	if c.Graph != nil || c.Radius != 1 {
		return 0
	}
	return bandRows(c.Side, 1+counterBytes)
}

// bandRows is the band height for a side-L lattice of siteBytes bytes a
// site in play, or 0 when the lattice fits in fewer than two bands (or
// is too narrow for bands of minBandRows), and play's batches serve.
func bandRows(L, siteBytes int) int {
	h := max(minBandRows, bandBytes/(siteBytes*L))
	if 2*h > L {
		return 0
	}
	return h
}

// minBandRows is the lowest band height: a band that bandBytes would
// make lower is made this high instead (from L ≈ 29,000 with 16-bit
// counters, 9,700 with 64-bit ones), its state then a little past
// bandBytes but still within L2. Lower bands defer too much to pay: on an
// L = 4,000 lattice, with bandBytes scaled to set the height, 8-row bands
// deferred 57 % of initiators (11 % twice) and took 51.8 ns a site
// against 46.8 without bands; 10 rows took 37.6, 12 rows 34.6 (38 %
// deferred, 0.8 % twice), 16 rows 31.9. Tests lower it to reach small
// lattices' geometry.
var minBandRows = 12

// bandsOn lets tests turn banded play off, to compare it with play's
// batches.
var bandsOn = true

// bandsFor returns lt's bands, laid out on first
// use, or nil where play's batches serve.
func bandsFor(lt *Lattice) *bandPlay {
	H := bandHeight(lt.cfg, lt.counterBytes())
	if !bandsOn || H == 0 {
		return nil
	}
	if lt.bands == nil || lt.bands.H != H {
		lt.bands = newBandPlay(lt.L, H, lt.cfg.Initiation)
	}
	return lt.bands
}

// counterBytes is the size of a site's game counter.
func (lt *Lattice) counterBytes() int {
	if lt.cnt16 != nil {
		return 2
	}
	return 8
}

// bandCap is the room a band's list starts with: the mean number of
// initiators of its sites, at initiation p, and eight standard
// deviations, so that appends almost never grow it.
func bandCap(sites int, p float64) int {
	m := p * float64(sites)
	return int(m+8*math.Sqrt(m)) + 16
}

// bandsBytes is the memory banded play adds to a lattice of
// configuration c (defaults filled in; counters of counterBytes bytes): the
// bands' lists, a quarter more for the deferred initiators' and the
// merged and last lists (newBandPlay), a bit a site of marks and the row
// index; 0 where it does not serve.
func bandsBytes(c LatticeConfig, counterBytes int) int64 {
	H := bandHeight(c, counterBytes)
	if H == 0 || c.Feed > 0 {
		return 0 // play's batches, or the layered loop, serve
	}
	var entries int64
	for y0 := 0; y0 < c.Side; y0 += H {
		entries += int64(bandCap(min(H, c.Side-y0)*c.Side, c.Initiation))
	}
	entries += entries/4 + int64(bandCap(2*H*c.Side, c.Initiation)/8+lastCap)
	L := int64(c.Side)
	return entries*int64(unsafe.Sizeof(bandEntry{})) + L*L/8 + 4*L
}

// lastCap is the starting room for what pass 2 defers again (none, on
// the paper's lattices, but the 8- and 11-row bands of the tests).
const lastCap = 1024

// newBandPlay lays out bands of H rows on a side-L lattice whose sites
// initiate with probability p.
func newBandPlay(L, H int, p float64) *bandPlay {
	nb := (L + H - 1) / H
	bp := &bandPlay{
		H:       H,
		rowBand: make([]int32, L),
		lists:   make([][]bandEntry, nb),
		low:     make([][]bandEntry, nb),
		high:    make([][]bandEntry, nb),
		marks:   make([]uint64, (L*L+63)/64),
	}
	for y := range L {
		bp.rowBand[y] = int32(y / H)
	}
	// The deferred initiators' lists start with room for an eighth of
	// their band's (about 1 % to 5 % are deferred on the paper's lattices)
	// so that a step allocates only when a round defers more.
	for b := range bp.lists {
		c := bandCap(min(H, L-b*H)*L, p)
		bp.lists[b] = make([]bandEntry, 0, c)
		bp.low[b], bp.high[b] = make([]bandEntry, 0, c/8), make([]bandEntry, 0, c/8)
	}
	bp.merged = make([]bandEntry, 0, bandCap(2*H*L, p)/8)
	bp.last = make([]bandEntry, 0, lastCap)
	return bp
}

// playBands is play's round on a box lattice, by bands.
func playBands[C counter](lt *Lattice, r *rng.Xoshiro, init []int32, cnt []C, g *gameRules[C], off *[8]int32, k *kernel16) {
	bp := lt.bands
	L := lt.L
	for b := range bp.lists {
		bp.lists[b] = bp.lists[b][:0]
		bp.low[b] = bp.low[b][:0]
		bp.high[b] = bp.high[b][:0]
	}
	// Pass 1's draws. A site is interior (its neighbours at i + off) when
	// its row and column are in [1, L−1): the counters' edge bit, found
	// here without loading the counter.
	invL := 1 / float64(L)
	edge := uint32(L - 2)
	for k0 := 0; k0 < len(init); k0 += wordBlock {
		batch := init[k0:min(k0+wordBlock, len(init))]
		words := lt.buf[:2*len(batch)]
		r.Fill(words)
		for n, i := range batch {
			y := int32(float64(i) * invL)
			if y*int32(L) > i {
				y--
			} else if (y+1)*int32(L) <= i {
				y++
			}
			x := i - y*int32(L)
			var j, d int32
			if uint32(y-1) < edge && uint32(x-1) < edge {
				j, d = boxOffsets(i, words[2*n], off)
			} else {
				j, d = lt.edgeNeighbours(r, i, words[2*n])
			}
			b := bp.rowBand[y]
			bp.lists[b] = append(bp.lists[b], newBandEntry(i, j, d, k0+n, words[2*n+1], &g.thrT))
		}
	}
	phen, marks := lt.phen, bp.marks
	H := bp.H
	// inner is the sites of rows [y0, y1) that no other band's initiators
	// reach: all but the first and last row, except that a bounded
	// lattice's top and bottom rows have no band beyond them (a torus's
	// wrap to each other).
	torus := lt.cfg.Boundary == Torus
	inner := func(y0, y1 int) (lo, hi int32) {
		if y0 > 0 || torus {
			y0++
		}
		if y1 < L || torus {
			y1--
		}
		return int32(y0 * L), int32(max(y1, y0) * L) // a one-row torus band has no inner rows: an empty span, not a wrapped one
	}
	// Pass 1: band b holds rows [bH, min(bH+H, L)); its deferred
	// initiators in rows below bH + H/2 go to shifted band b, the others
	// to shifted band b+1.
	bp.deferred = [2]int{}
	for b, list := range bp.lists {
		y0, y1 := b*H, min(b*H+H, L)
		mid := int32(min(b*H+H/2, L) * L)
		lo, hi := inner(y0, y1)
		bp.low[b], bp.high[b] = playList(phen, cnt, marks, list, lo, hi, mid, g, k, bp.low[b], bp.high[b])
		bp.deferred[0] += len(bp.low[b]) + len(bp.high[b])
	}
	// Pass 2: shifted band t holds rows [(t−1)H + H/2, tH + H/2): band t−1's
	// upper half and band t's lower half, each in sequence order, merged.
	clear(marks)
	bp.last = bp.last[:0]
	for t := 0; t <= len(bp.lists); t++ {
		y0, y1 := max((t-1)*H+H/2, 0), min(t*H+H/2, L) // (t−1)H + H/2, not tH − H/2: they differ by a row when H is odd
		if y0 >= y1 {
			continue
		}
		var up, down []bandEntry
		if t > 0 {
			up = bp.high[t-1]
		}
		if t < len(bp.lists) {
			down = bp.low[t]
		}
		bp.merged = mergeSeq(bp.merged[:0], up, down)
		lo, hi := inner(y0, y1)
		bp.last, _ = playList(phen, cnt, marks, bp.merged, lo, hi, math.MaxInt32, g, k, bp.last, nil)
	}
	bp.deferred[1] = len(bp.last)
	clear(marks)
	// The rest, in sequence order.
	slices.SortFunc(bp.last, func(a, b bandEntry) int { return int(a.seq()) - int(b.seq()) })
	for _, e := range bp.last {
		meet(phen, cnt, e, g)
	}
}

// playList plays list's initiators, in order, whose three sites lie in
// [lo, hi) and are unmarked; it marks the sites of the others and appends
// them to low (i below mid) or high, which it returns.
// The assembly kernel plays the runs between them when k is not nil.
func playList[C counter](phen []uint8, cnt []C, marks []uint64, list []bandEntry, lo, hi, mid int32, g *gameRules[C], k *kernel16, low, high []bandEntry) ([]bandEntry, []bandEntry) {
	span := uint32(hi - lo)
	if k != nil {
		k.lo, k.span = lo, span
	}
	for n := 0; n < len(list); n++ {
		if k != nil {
			c16 := any(cnt).([]uint16)
			if n += bandRun16(&phen[0], &c16[0], &list[n], len(list)-n, &marks[0], k); n == len(list) {
				break
			}
		}
		e := list[n]
		i, j, d := e.sites()
		if uint32(i-lo) < span && uint32(j-lo) < span && uint32(d-lo) < span &&
			(marks[i>>6]>>(i&63)|marks[j>>6]>>(j&63)|marks[d>>6]>>(d&63))&1 == 0 {
			meet(phen, cnt, e, g)
			continue
		}
		marks[i>>6] |= 1 << (i & 63)
		marks[j>>6] |= 1 << (j & 63)
		marks[d>>6] |= 1 << (d & 63)
		if i < mid {
			low = append(low, e)
		} else {
			high = append(high, e)
		}
	}
	return low, high
}

// mergeSeq appends to dst the entries of a and b, each in sequence
// order, merged into sequence order.
func mergeSeq(dst, a, b []bandEntry) []bandEntry {
	for len(a) > 0 && len(b) > 0 {
		if a[0].seq() < b[0].seq() {
			dst, a = append(dst, a[0]), a[1:]
		} else {
			dst, b = append(dst, b[0]), b[1:]
		}
	}
	return append(append(dst, a...), b...)
}
