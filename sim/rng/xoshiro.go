package rng

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// Xoshiro is a xoshiro256++ generator. The zero value is invalid (all-zero
// state); create generators with New or Stream.
type Xoshiro struct {
	s0, s1, s2, s3 uint64
}

// SplitMix64 advances *state and returns the next output of Vigna's
// SplitMix64 generator. It seeds xoshiro and mixes stream indices.
func SplitMix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return Mix64(*state)
}

// Mix64 is SplitMix64's output function: a bijective 64-bit mixer.
func Mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// New returns a generator whose 256-bit state is the first four outputs of
// SplitMix64 seeded with seed, as the xoshiro authors recommend.
func New(seed uint64) *Xoshiro {
	x := &Xoshiro{}
	x.Seed(seed)
	return x
}

// Seed resets the generator to the state New(seed) would have.
func (x *Xoshiro) Seed(seed uint64) {
	sm := seed
	x.s0, x.s1, x.s2, x.s3 = SplitMix64(&sm), SplitMix64(&sm), SplitMix64(&sm), SplitMix64(&sm)
	if x.s0|x.s1|x.s2|x.s3 == 0 { // impossible for SplitMix64, kept as a guard
		x.s0 = 1
	}
}

// StreamSeed derives the seed of one run from the scenario seed, the
// parameter point and the replicate, by chained mixing: distinct
// (point, replicate) pairs give unrelated seeds.
func StreamSeed(seed uint64, point, replicate int) uint64 {
	h := Mix64(seed ^ 0x6a09e667f3bcc909) // fractional bits of √2: separates seed 0 from index 0
	h = Mix64(h ^ uint64(point))
	h = Mix64(h ^ uint64(replicate) ^ 0xbb67ae8584caa73b)
	return h
}

// Stream returns the generator of one run: New(StreamSeed(seed, point, replicate)).
func Stream(seed uint64, point, replicate int) *Xoshiro {
	return New(StreamSeed(seed, point, replicate))
}

// Uint64 returns the next 64 random bits.
func (x *Xoshiro) Uint64() uint64 {
	s0, s1, s2, s3 := x.s0, x.s1, x.s2, x.s3
	result := bits.RotateLeft64(s0+s3, 23) + s0
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	x.s0, x.s1, x.s2, x.s3 = s0, s1, s2, s3
	return result
}

// Fill writes the next len(buf) outputs into buf: the same numbers, in the
// same order, as len(buf) calls of Uint64, but with the state in
// registers (about 0.9 ns a word here, against 1.5–2 ns a call). Hot
// loops fill a block and consume it.
//
// Not inlined: inlined into a large caller (play, pickInitiators) the
// loop's counter was spilled to the stack and reloaded every word (about
// 1.0 ns a word there, against 0.85 ns here); a call costs a few ns a
// block of words.
//
//go:noinline
func (x *Xoshiro) Fill(buf []uint64) {
	s0, s1, s2, s3 := x.s0, x.s1, x.s2, x.s3
	for i := range buf {
		buf[i] = bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
	}
	x.s0, x.s1, x.s2, x.s3 = s0, s1, s2, s3
}

// Uint32 returns 32 random bits (the high half of a draw, the better one).
func (x *Xoshiro) Uint32() uint32 { return uint32(x.Uint64() >> 32) }

// Uint32n returns a uniform integer in [0, n); n must be positive.
func (x *Xoshiro) Uint32n(n uint32) uint32 {
	return x.Bounded(x.Uint32(), n)
}

// Bounded maps 32 random bits u to a uniform integer in [0, n) with
// Lemire's multiply-shift, drawing again in the rare case (probability
// below n/2^32) where u falls in the biased remainder. It lets callers
// split one 64-bit draw into two bounded numbers.
func (x *Xoshiro) Bounded(u, n uint32) uint32 {
	m := uint64(u) * uint64(n)
	if uint32(m) < n {
		m = x.Reject(m, n)
	}
	return uint32(m >> 32)
}

// Reject is Bounded's rare path, for hot loops that inline the
// multiply-shift themselves: given m = u·n with uint32(m) < n, it returns
// an unbiased product, drawing again while the low half is below 2^32 mod n.
//
//go:noinline
func (x *Xoshiro) Reject(m uint64, n uint32) uint64 {
	thresh := -n % n
	for uint32(m) < thresh {
		m = uint64(x.Uint32()) * uint64(n)
	}
	return m
}

// IntN returns a uniform integer in [0, n) for n up to 2^32.
func (x *Xoshiro) IntN(n int) int {
	if n <= 0 || uint64(n) > 1<<32 {
		panic("rng: IntN argument out of range")
	}
	if n == 1<<32 {
		return int(x.Uint32())
	}
	return int(x.Uint32n(uint32(n)))
}

// Float64 returns a uniform float64 in [0, 1) with 53 random bits.
func (x *Xoshiro) Float64() float64 { return Unit(x.Uint64()) }

// Unit is Float64's number from the 64-bit draw u, for loops that draw
// their words in blocks with Fill.
func Unit(u uint64) float64 { return float64(u>>11) * 0x1p-53 }

// Threshold converts a probability to a 32-bit threshold: an event
// "uint64(u) < Threshold(p)", u uniform on 32 bits, has probability
// round(p·2^32)/2^32. Probabilities outside [0, 1] are clamped; NaN is 0.
func Threshold(p float64) uint64 {
	if !(p > 0) {
		return 0
	}
	if p >= 1 {
		return 1 << 32
	}
	// p·2^32 < 2^32, so adding ½ is exact: this is math.Round, inlinable.
	// The conversion rounds the product first: no platform may fuse it
	// into a multiply-add, so thresholds agree bit for bit everywhere.
	return uint64(float64(p*(1<<32)) + 0.5)
}

// Bernoulli reports true with probability p (as Threshold quantises it).
func (x *Xoshiro) Bernoulli(p float64) bool {
	return uint64(x.Uint32()) < Threshold(p)
}

// Shuffle permutes s uniformly (Fisher–Yates). It draws blocks of 64-bit
// numbers with Fill and takes two bounded indices from each, so a shuffle
// of n items costs about n/2 draws. In shuffleBlock, each block's indices
// are drawn first (with any rejections' words, in order, as a single pass
// would) and the swaps done after, in a loop of loads that do not wait on
// the index arithmetic. A slice of int32 (the lattice's initiators) takes
// shuffleRun instead where it exists: the same draws and swaps, each swap
// as soon as its index is drawn, every value in a register; 0.68× the
// time of shuffleBlock for 10⁴ items, 0.85× for 8·10⁶.
func Shuffle[T any](x *Xoshiro, s []T) {
	var buf [128]uint64
	s32, fused := any(s).([]int32)
	fused = fused && shuffleKernel && len(s) <= fusedShuffleMax
	i := len(s) - 1
	for i > 1 {
		k := min(i/2, len(buf))
		x.Fill(buf[:k])
		if fused {
			i = shuffleBlockFused(x, s32, i, buf[:k])
		} else {
			i = shuffleBlock(x, s, i, buf[:k])
		}
	}
	if i == 1 {
		j := x.Bounded(x.Uint32(), 2)
		s[1], s[j] = s[j], s[1]
	}
}

// prefetchMin is the shortest slice whose shuffle prefetches its swaps'
// far elements (shuffleRunPF): 2²⁰ int32 take 4 MiB, four times this
// machine's L2. One core of an AMD EPYC (1 MiB L2, 32 MiB L3), ns an
// item, alone: 8·10⁶ items 7.2 → 5.2 (medians of 3; prefetching 8, 16,
// 32, 64 words ahead gave 5.7, 5.2, 5.4, 6.4), 5·10⁵ items (2 MiB) 1.4 →
// 1.7, slower, and 10⁶ or 2·10⁶ within the noise. Inside an L = 4,000
// lattice's generation, whose other arrays share the cache, the shuffle's
// tail below 2²² items gains too: 18.5 → 18.1 ns a site with 2²² here,
// 17.6 with 2²⁰ (medians of 4, builds by turns). Tests lower it.
var prefetchMin = 1 << 20

// fusedShuffleMax is the longest slice shuffleRun serves: its n = i + 1
// must fit 32 bits (as Bounded's does).
const fusedShuffleMax = 1<<31 - 1

// shuffleBlock does the Fisher–Yates steps at i, i−1, …, two for each
// word of buf (the high half first), and returns the next i: the indices
// first, then the swaps.
func shuffleBlock[T any](x *Xoshiro, s []T, i int, buf []uint64) int {
	var js [256]int
	n := uint32(i + 1)
	for b, u := range buf {
		m := uint64(uint32(u>>32)) * uint64(n)
		if uint32(m) < n {
			m = x.Reject(m, n)
		}
		js[2*b] = int(m >> 32)
		n--
		m = uint64(uint32(u)) * uint64(n)
		if uint32(m) < n {
			m = x.Reject(m, n)
		}
		js[2*b+1] = int(m >> 32)
		n--
	}
	for _, j := range js[:2*len(buf)] {
		s[i], s[j] = s[j], s[i]
		i--
	}
	return i
}

// shuffleBlockFused is shuffleBlock for int32 items by shuffleRun, which
// plays whole words while neither of a word's halves may need a redraw
// (uint32(m) ≥ n for both: Reject would return m as it is); a word that
// may is played here, through Reject, before shuffleRun goes on.
func shuffleBlockFused(x *Xoshiro, s []int32, i int, buf []uint64) int {
	_ = s[i] // every index touched lies in s[:i+1]
	pf := i >= prefetchMin
	for b := 0; b < len(buf); b++ {
		var done int
		if pf { // (two calls, not a func value: through one, buf would escape)
			done = shuffleRunPF(&s[0], i, &buf[b], len(buf)-b)
		} else {
			done = shuffleRun(&s[0], i, &buf[b], len(buf)-b)
		}
		b += done
		i -= 2 * done
		if b == len(buf) {
			break
		}
		i = shuffleBlock(x, s, i, buf[b:b+1])
	}
	return i
}

// MarshalBinary encodes the 256-bit state (32 bytes, little-endian).
func (x *Xoshiro) MarshalBinary() ([]byte, error) {
	b := make([]byte, 32)
	binary.LittleEndian.PutUint64(b[0:], x.s0)
	binary.LittleEndian.PutUint64(b[8:], x.s1)
	binary.LittleEndian.PutUint64(b[16:], x.s2)
	binary.LittleEndian.PutUint64(b[24:], x.s3)
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary.
func (x *Xoshiro) UnmarshalBinary(b []byte) error {
	if len(b) != 32 {
		return errors.New("rng: xoshiro256++ state must be 32 bytes")
	}
	s0, s1 := binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:])
	s2, s3 := binary.LittleEndian.Uint64(b[16:]), binary.LittleEndian.Uint64(b[24:])
	if s0|s1|s2|s3 == 0 {
		return errors.New("rng: all-zero xoshiro256++ state")
	}
	x.s0, x.s1, x.s2, x.s3 = s0, s1, s2, s3
	return nil
}

// Distance returns how many 64-bit words lie between the states of from
// and to: the number of Uint64 calls that take from's state to's. It
// steps a copy of from, at most limit times, and reports false if to's
// state is not reached within them. Benchmarks use it to count the
// random words a step draws.
func Distance(from, to *Xoshiro, limit int) (int, bool) {
	x := *from
	for n := 0; n <= limit; n++ {
		if x == *to {
			return n, true
		}
		x.Uint64()
	}
	return 0, false
}
