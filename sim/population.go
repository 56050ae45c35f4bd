package sim

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

// Population is a finite population that advances one generation at a
// time.
type Population interface {
	// Size is the number of agents; it never changes.
	Size() int
	// CountA is the number of A agents at the start of the next
	// generation (juveniles for a well-mixed population, all sites for a
	// lattice).
	CountA() int
	// Step plays one generation with randomness from r and returns its
	// statistics.
	Step(r *rng.Xoshiro) GenStats
}

// GenStats describes one generation.
type GenStats struct {
	CountA      int     // A agents at the start of the generation
	MeanFitness float64 // mean fitness earned during the generation
	Clamped     int     // negative fitness values set to 0 (lattice, fitness "sum")
}

// lt32 reports whether the 32-bit number u falls below threshold thr
// (from rng.Threshold) as 0 or 1.
func lt32(u uint32, thr uint64) uint8 {
	// u < 2^32 and thr ≤ 2^32: u − thr wraps below zero exactly when
	// u < thr, and its top bit says so without a branch.
	return uint8((uint64(u) - thr) >> 63)
}

// bit32 is lt32 of u's low 32 bits, as a word: 1 when they fall below
// thr.
func bit32(u, thr uint64) uint64 { return (uint64(uint32(u)) - thr) >> 63 }

// adopt is horizontal transmission's rule for one receiver: of phenotype
// a, meeting a donor of phenotype d, it takes d's phenotype if they differ
// and the 32-bit number u falls below the threshold of d's phenotype
// (thrT[0] for B, thrT[1] for A: T_B and T_A).
func adopt(a, d uint8, u uint32, thrT *[2]uint64) uint8 { return a ^ (a^d)&lt32(u, thrT[d&1]) }

// adoptThresholds is adopt's thrT for parameters p: T_B's threshold, then
// T_A's, indexed by the donor's phenotype.
func adoptThresholds(p model.Params) [2]uint64 {
	return [2]uint64{rng.Threshold(p.TB), rng.Threshold(p.TA)}
}

// offspring is vertical and oblique transmission's rule, from one random
// word u: the parent's phenotype with probability v (threshold thrV, on
// the high half), otherwise a uniformly random adult's, which is A with
// threshold thrOblique (on the low half).
func offspring(u uint64, parent uint8, thrV, thrOblique uint64) uint8 {
	x := lt32(uint32(u), thrOblique)
	if uint64(uint32(u>>32)) < thrV {
		x = parent
	}
	return x
}

// wordBlock is the number of random words hot loops take at a time.
const wordBlock = 1024

// initBernoulli sets each phenotype to A with probability p and returns
// the number of A.
func initBernoulli(r *rng.Xoshiro, ph []uint8, p float64, buf []uint64) int {
	thr := rng.Threshold(p)
	count := 0
	for i := 0; i < len(ph); i += 2 * len(buf) {
		end := min(i+2*len(buf), len(ph))
		words := buf[:(end-i+1)/2]
		r.Fill(words)
		// Whole pairs first, then an odd site's high half: the pair loop
		// carries no bounds branch.
		out := ph[i:end]
		pairs := words[:len(out)/2]
		out = out[:2*len(pairs)]
		// Four words (eight sites) at a time: eight 0/1 bytes, stored as
		// one word and counted by its set bits.
		k := 0
		if kernelOn && thr < 1<<32 && len(pairs) >= 8 {
			k = len(pairs) &^ 7
			count += bernoulliRun(&pairs[0], k, thr, &out[0])
		}
		for ; k+4 <= len(pairs); k += 4 {
			q := pairs[k : k+4 : k+4]
			x := bit32(q[0]>>32, thr) | bit32(q[0], thr)<<8 |
				bit32(q[1]>>32, thr)<<16 | bit32(q[1], thr)<<24 |
				bit32(q[2]>>32, thr)<<32 | bit32(q[2], thr)<<40 |
				bit32(q[3]>>32, thr)<<48 | bit32(q[3], thr)<<56
			binary.LittleEndian.PutUint64(out[2*k:], x)
			count += bits.OnesCount64(x)
		}
		for ; k < len(pairs); k++ {
			u := pairs[k]
			a, b := lt32(uint32(u>>32), thr), lt32(uint32(u), thr)
			out[2*k], out[2*k+1] = a, b
			count += int(a) + int(b)
		}
		if len(words) > len(pairs) {
			a := lt32(uint32(words[len(pairs)]>>32), thr)
			ph[end-1] = a
			count += int(a)
		}
	}
	return count
}

// setPhenotypes copies ph into dst after checking its length and values,
// and returns the number of A.
func setPhenotypes(dst, ph []uint8) (int, error) {
	if len(ph) != len(dst) {
		return 0, fmt.Errorf("sim: %d phenotypes for a population of %d", len(ph), len(dst))
	}
	n := 0
	for i, x := range ph {
		if x > 1 {
			return 0, fmt.Errorf("sim: phenotype %d at index %d is neither 0 (B) nor 1 (A)", x, i)
		}
		n += int(x)
	}
	copy(dst, ph)
	return n, nil
}
