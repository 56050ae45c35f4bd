package rng

import "testing"

// shuffleByBlocks is Shuffle with shuffleBlock for every block: the
// two-loop reference that the fused int32 path must equal.
func shuffleByBlocks(x *Xoshiro, s []int32) {
	var buf [128]uint64
	i := len(s) - 1
	for i > 1 {
		k := min(i/2, len(buf))
		x.Fill(buf[:k])
		i = shuffleBlock(x, s, i, buf[:k])
	}
	if i == 1 {
		j := x.Bounded(x.Uint32(), 2)
		s[1], s[j] = s[j], s[1]
	}
}

// TestShuffleKernelMatchesBlocks holds the fused int32 shuffle to the
// two-loop one: the same permutation and the same generator state after,
// over many lengths, and on blocks
// whose words force the possible-redraw path (a half of 0 gives m = 0,
// which Reject redraws unless n divides 2³²; a half just above gives a
// low word in [0, n) that Reject may keep).
func TestShuffleKernelMatchesBlocks(t *testing.T) {
	defer func(m int) { prefetchMin = m }(prefetchMin)
	for _, m := range []int{prefetchMin, 0} {
		prefetchMin = m // 0: every block by shuffleRunPF
		testShuffleKernelMatchesBlocks(t)
	}
}

func testShuffleKernelMatchesBlocks(t *testing.T) {
	lengths := []int{0, 1, 2, 3, 4, 5, 7, 8, 255, 256, 257, 258, 259, 1000, 4999, 5000, 10000, 1 << 16, 1<<16 + 1}
	for _, n := range lengths {
		for seed := uint64(1); seed <= 3; seed++ {
			a, b := make([]int32, n), make([]int32, n)
			for k := range a {
				a[k], b[k] = int32(k), int32(k)
			}
			x, y := New(seed), New(seed)
			Shuffle(x, a)
			shuffleByBlocks(y, b)
			if *x != *y {
				t.Fatalf("n=%d seed %d (prefetchMin %d): generator states differ", n, seed, prefetchMin)
			}
			for k := range a {
				if a[k] != b[k] {
					t.Fatalf("n=%d seed %d (prefetchMin %d): item %d is %d, want %d", n, seed, prefetchMin, k, a[k], b[k])
				}
			}
		}
	}
	if !shuffleKernel {
		return // no fused path here: Shuffle is shuffleByBlocks
	}
	// Blocks of random words with some halves forced small.
	src := New(99)
	for trial := range 2000 {
		n := 3 + int(src.Uint32n(600))
		i := n - 1
		k := 1 + int(src.Uint32n(uint32(min(i/2, 128))))
		buf := make([]uint64, k)
		src.Fill(buf)
		for w := range buf {
			switch src.Uint32n(8) {
			case 0:
				buf[w] &= 0x00000000ffffffff // high half 0
			case 1:
				buf[w] &= 0xffffffff00000000 // low half 0
			case 2:
				buf[w] = buf[w]&0xffffffff | 1<<32 // high half 1: m = n, low word n ≥ n, kept
			case 3:
				buf[w] = 0
			}
		}
		a, b := make([]int32, n), make([]int32, n)
		for q := range a {
			a[q], b[q] = int32(q), int32(q)
		}
		x := New(uint64(trial) + 7)
		y := *x
		ia := shuffleBlockFused(x, a, i, buf)
		ib := shuffleBlock(&y, b, i, buf)
		if ia != ib || *x != y {
			t.Fatalf("trial %d (n=%d, k=%d, prefetchMin %d): next i %d against %d, or generator states differ", trial, n, k, prefetchMin, ia, ib)
		}
		for q := range a {
			if a[q] != b[q] {
				t.Fatalf("trial %d (n=%d, k=%d, prefetchMin %d): item %d is %d, want %d", trial, n, k, prefetchMin, q, a[q], b[q])
			}
		}
	}
}
