//go:build !purego

package rng

// shuffleKernel reports that shuffleRun is the assembly loop of
// shuffle_amd64.s.
const shuffleKernel = true

// shuffleRun does shuffleBlock's steps for the words buf[0], …,
// buf[k−1] (k ≥ 1) on s[:i+1], each swap as soon as its index is drawn,
// and stops before the first word either of whose halves may need a
// redraw; it returns the number of words it played. shuffleBlock is the
// reference TestShuffleKernelMatchesBlocks holds it to.
//
//go:noescape
func shuffleRun(s *int32, i int, buf *uint64, k int) int

// shuffleRunPF is shuffleRun with the far element of each swap
// prefetched a few words ahead: the same swaps, for slices past the
// cache (prefetchMin).
//
//go:noescape
func shuffleRunPF(s *int32, i int, buf *uint64, k int) int
