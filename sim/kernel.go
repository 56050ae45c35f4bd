package sim

import "unsafe"

// kernel16 is the table of the assembly play loops (kernel_amd64.s), in
// the layout they read: a round's constants for uint16 counters.
type kernel16 struct {
	off    [8]int32  // boxTable's offsets (box lattices)
	inc    [4]uint16 // counter increments by self<<1 | partner
	thrT   [2]uint64 // conversion thresholds (T_B, T_A)
	stride uint64    // a regular graph's degree, a power of two
	lo     int32     // banded play: a band's inner sites [lo, lo + span)
	span   uint32
	start  *int32 // box lattices: edge site i's list is nbr[start[i]:start[i+1]]
	nbr    *int32
	rej    [9]uint32 // edgeRejects
}

// The assembly addresses kernel16's and pairKernel's fields by these
// offsets.
var (
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.inc) - 32]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.thrT) - 40]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.stride) - 56]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.lo) - 64]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.span) - 68]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.start) - 72]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.nbr) - 80]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(kernel16{}.rej) - 88]struct{}{}
	_ [0]struct{} = [unsafe.Sizeof(bandEntry{}) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(pairKernel{}.alpha) - 8]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(pairKernel{}.thrT) - 16]struct{}{}
	_ [0]struct{} = [unsafe.Offsetof(pairKernel{}.unit) - 32]struct{}{}
)

// kernelOn chooses the assembly kernels where they exist; tests turn it
// off to run the Go loops they transcribe.
var kernelOn = kernelAsm

// newKernel16 is the assembly's table for a round of rules g, or nil
// where the Go loops run instead: without an assembly kernel, with
// uint64 counters, or when phen is shorter than the counters, or start
// than the counters and one (which the kernels, trusting the lattice's
// shape, do not check). start and nbr are the edge sites' lists.
func newKernel16[C counter](g *gameRules[C], off *[8]int32, stride int, phen []uint8, cnt []C, start, nbr []int32) *kernel16 {
	if _, ok := any(cnt).([]uint16); !ok || !kernelOn || len(phen) < len(cnt) || len(start) <= len(cnt) {
		return nil
	}
	k := &kernel16{off: *off, thrT: g.thrT, stride: uint64(stride), start: &start[0], rej: edgeRejects}
	if len(nbr) > 0 {
		k.nbr = &nbr[0]
	}
	for x, v := range g.inc {
		k.inc[x] = uint16(v)
	}
	return k
}

// runInterior is playInterior, by the assembly kernel when k is not nil
// (and cnt is then a []uint16).
func runInterior[C counter](phen []uint8, cnt []C, batch []int32, words []uint64, n int, off *[8]int32, g *gameRules[C], start, nbr []int32, k *kernel16) int {
	if k == nil || n >= len(batch) {
		return playInterior(phen, cnt, batch, words, n, off, g, start, nbr)
	}
	c16 := any(cnt).([]uint16)
	_ = words[2*len(batch)-1]
	return n + interiorRun16(&phen[0], &c16[0], &batch[n], len(batch)-n, &words[2*n], k)
}

// runStride is playStride's loop, by the assembly kernel when k is not
// nil.
func runStride[C counter](phen []uint8, cnt []C, batch []int32, words []uint64, nbr []int32, stride int, shift uint, g *gameRules[C], k *kernel16) {
	if k == nil || len(batch) == 0 {
		playStrideRun(phen, cnt, batch, words, nbr, stride, shift, g)
		return
	}
	c16 := any(cnt).([]uint16)
	_ = words[2*len(batch)-1]
	strideRun16(&phen[0], &c16[0], &nbr[0], &batch[0], len(batch), &words[0], k)
}
