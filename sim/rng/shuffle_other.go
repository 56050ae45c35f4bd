//go:build !amd64 || purego

package rng

// shuffleKernel reports that no assembly shuffleRun exists here: Shuffle
// keeps shuffleBlock.
const shuffleKernel = false

func shuffleRun(s *int32, i int, buf *uint64, k int) int {
	panic("rng: no assembly shuffle on this platform")
}

func shuffleRunPF(s *int32, i int, buf *uint64, k int) int {
	panic("rng: no assembly shuffle on this platform")
}
