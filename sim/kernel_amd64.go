//go:build !purego

package sim

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// kernelAsm reports that the assembly kernels of kernel_amd64.s serve
// the uint16-counter play loops.
const kernelAsm = true

// interiorRun16 is playInterior for uint16 counters, from batch[0] to at
// most batch[n−1], with words the batch's words from the first of them
// and the edge sites' lists in k; it returns how many initiators it
// played.
//
//go:noescape
func interiorRun16(phen *uint8, cnt *uint16, batch *int32, n int, words *uint64, k *kernel16) int

// strideRun16 is playStrideRun for uint16 counters over batch[:n].
//
//go:noescape
func strideRun16(phen *uint8, cnt *uint16, nbr *int32, batch *int32, n int, words *uint64, k *kernel16)

// fitnessRun16SSE2 is fitnessRun16 in SSE2, two sites a register.
//
//go:noescape
func fitnessRun16SSE2(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int)

// fitnessRun16AVX2 is fitnessRun16SSE2 in AVX2, with the same results
// bit for bit.
//
//go:noescape
func fitnessRun16AVX2(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int)

// avx2On chooses the AVX2 kernels, where the processor has them; tests
// turn it off to hold them to the SSE2 ones.
var avx2On = hasAVX2

// hasAVX2 reports AVX2 (and the operating system's saving of its
// registers, which x/sys/cpu checks too).
var hasAVX2 = cpu.X86.HasAVX2

// fitnessRun16 is the four-lane loop of fitness's table path over the
// first n sites (n a multiple of 4), from and back into lanes (W's four
// sums, then W_A's), without the clamp counts (fitness counts them after,
// when the table has a clamped entry at all); tab holds tabLen entries. A
// counter out of its range stops it with nA = −1. Unless fa is nil, it
// also stores each site's w masked to +0 at B sites, for rowsPairsRun.
func fitnessRun16(cnt *uint16, phen *uint8, n int, tab *float64, tabLen int, w, fa *float64, lanes *[8]float64) (nA int) {
	if avx2On {
		return fitnessRun16AVX2(cnt, phen, n, tab, tabLen, w, fa, lanes)
	}
	return fitnessRun16SSE2(cnt, phen, n, tab, tabLen, w, fa, lanes)
}

// rowsPairsRunSSE2 is rowsRun from w and fitnessRun16's fa, two sites at
// a time in SSE2.
//
//go:noescape
func rowsPairsRunSSE2(w, fa *float64, L, n int, tW, tA *float64)

// rowsPairsRunAVX2 is rowsPairsRunSSE2 with four sites at a time in AVX2:
// the same sums, bit for bit.
//
//go:noescape
func rowsPairsRunAVX2(w, fa *float64, L, n int, tW, tA *float64)

// rowsPairsRun is rowsRun from w and fitnessRun16's fa, by the AVX2
// kernel where the processor has it.
func rowsPairsRun(w, fa *float64, L, n int, tW, tA *float64) {
	if avx2On {
		rowsPairsRunAVX2(w, fa, L, n, tW, tA)
		return
	}
	rowsPairsRunSSE2(w, fa, L, n, tW, tA)
}

// rowsRun is rowsMoore1's row pass over the n sites of rows of L ≥ 2.
//
//go:noescape
func rowsRun(w *float64, phen *uint8, unit *[2]float64, L, n int, tW, tA *float64)

// selectRunSSE2 is selectRun in SSE2, two sites a step.
//
//go:noescape
func selectRunSSE2(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int

// selectRunAVX2 is selectRunSSE2 with four sites a step in AVX2: the same
// offspring, bit for bit.
//
//go:noescape
func selectRunAVX2(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int

// selectRun is selectMoore1's loop over the first n sites of a block (n
// even), by the AVX2 kernel where the processor has it; it returns how
// many offspring are A.
func selectRun(up, mid, down, upA, midA, downA *float64, words *uint64, out *uint8, n int) int {
	if avx2On {
		return selectRunAVX2(up, mid, down, upA, midA, downA, words, out, n)
	}
	return selectRunSSE2(up, mid, down, upA, midA, downA, words, out, n)
}

// bandRun16 is playList's loop for uint16 counters over list[:n] while
// its initiators' sites lie in [k.lo, k.lo + k.span) and are unmarked;
// it returns how many it played.
//
//go:noescape
func bandRun16(phen *uint8, cnt *uint16, list *bandEntry, n int, marks *uint64, k *kernel16) int

// pairsRun is playPairs's loop over n ≥ 1 pairs (out nil or 2n long).
//
//go:noescape
func pairsRun(pj *uint8, words *uint64, n int, k *pairKernel, out *uint8) (nPack, aPack uint64)

// bernoulliRunSSE2 is initBernoulli's loop over n words (a multiple of
// 8) for a threshold below 2^32: it writes 2n phenotypes to out and
// returns how many are A.
//
//go:noescape
func bernoulliRunSSE2(words *uint64, n int, thr uint64, out *uint8) int

// bernoulliRunAVX2 is bernoulliRunSSE2 over a multiple of 16 words, in
// AVX2: the same phenotypes.
//
//go:noescape
func bernoulliRunAVX2(words *uint64, n int, thr uint64, out *uint8) int

// bernoulliRun is initBernoulli's loop over n words (a multiple of 8)
// for a threshold below 2^32: it writes 2n phenotypes to out and returns
// how many are A. With AVX2, its multiple of 16 words go by the AVX2
// kernel and a last 8 by the SSE2 one.
func bernoulliRun(words *uint64, n int, thr uint64, out *uint8) int {
	if !avx2On {
		return bernoulliRunSSE2(words, n, thr, out)
	}
	m, count := n&^15, 0
	if m > 0 {
		count = bernoulliRunAVX2(words, m, thr, out)
	}
	if m < n {
		count += bernoulliRunSSE2((*uint64)(unsafe.Add(unsafe.Pointer(words), 8*m)), n-m, thr, (*uint8)(unsafe.Add(unsafe.Pointer(out), 2*m)))
	}
	return count
}

// sumsWRun is listSumsW's four-site loop over the first 4·groups sites.
//
//go:noescape
func sumsWRun(pairs *[2]float64, start *int32, blk *int32, groups int, sumW, sumWA *float64)

// sumsRun is listSums's four-site loop over the first 4·groups sites.
//
//go:noescape
func sumsRun(trip *[3]float64, start *int32, blk *int32, groups int, sumW, sumWA, sumA *float64)

// bitsRun is bitsToSites's loop over the n bytes of the bit string at
// words (little-endian: byte k holds bits 8k..8k+7), appending at
// sites[m:]; it returns the new m. It writes 8 entries a byte, so sites
// needs room for 7 past the last set bit's.
//
//go:noescape
func bitsRun(words *uint64, n int, base int32, sites *int32, m int) int
