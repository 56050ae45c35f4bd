//go:build !purego

package sim

// kernelAsm reports that the assembly kernels of kernel_amd64.s serve
// the uint16-counter play loops.
const kernelAsm = true

// interiorRun16 is playInterior for uint16 counters, from batch[0] to at
// most batch[n−1], with words the batch's words from the first of them;
// it returns how many initiators it played.
//
//go:noescape
func interiorRun16(phen *uint8, cnt *uint16, batch *int32, n int, words *uint64, k *kernel16) int

// strideRun16 is playStrideRun for uint16 counters over batch[:n].
//
//go:noescape
func strideRun16(phen *uint8, cnt *uint16, nbr *int32, batch *int32, n int, words *uint64, k *kernel16)
