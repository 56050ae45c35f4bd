package rng

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The reference vectors of xoshiro256++ from state {1, 2, 3, 4}, produced
// by the authors' C implementation (xoshiro256plusplus.c) and checked by
// every port, e.g. rust-random's rand_xoshiro.
func TestXoshiroReferenceVector(t *testing.T) {
	x := &Xoshiro{1, 2, 3, 4}
	want := []uint64{41943041, 58720359, 3588806011781223, 3591011842654386,
		9228616714210784205, 9973669472204895162, 14011001112246962877,
		12406186145184390807, 15849039046786891736, 10450023813501588000}
	for i, w := range want {
		if got := x.Uint64(); got != w {
			t.Fatalf("output %d: %d, want %d", i, got, w)
		}
	}
}

// SplitMix64's reference outputs for seed 1234567 (Vigna's splitmix64.c,
// as listed on Rosetta Code).
func TestSplitMix64ReferenceVector(t *testing.T) {
	s := uint64(1234567)
	want := []uint64{6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821}
	for i, w := range want {
		if got := SplitMix64(&s); got != w {
			t.Fatalf("output %d: %d, want %d", i, got, w)
		}
	}
	// New seeds xoshiro with those four outputs.
	x := New(1234567)
	if x.s0 != want[0] || x.s1 != want[1] || x.s2 != want[2] || x.s3 != want[3] {
		t.Fatalf("state %v", *x)
	}
}

func TestFillMatchesUint64(t *testing.T) {
	a, b := New(31), New(31)
	buf := make([]uint64, 1000)
	a.Fill(buf[:7])
	a.Fill(buf[7:])
	for i, w := range buf {
		if got := b.Uint64(); got != w {
			t.Fatalf("word %d: Fill %d, Uint64 %d", i, w, got)
		}
	}
	if a.Uint64() != b.Uint64() {
		t.Fatal("state after Fill differs")
	}
}

func TestImplementsSource(t *testing.T) {
	var _ rand.Source = New(1)
	r := rand.New(New(1))
	if f := r.Float64(); f < 0 || f >= 1 {
		t.Fatal(f)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	x := New(99)
	for range 10 {
		x.Uint64()
	}
	b, _ := x.MarshalBinary()
	var y Xoshiro
	if err := y.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if x.Uint64() != y.Uint64() {
			t.Fatal("restored generator diverged")
		}
	}
	if err := y.UnmarshalBinary(make([]byte, 32)); err == nil {
		t.Error("accepted an all-zero state")
	}
	if err := y.UnmarshalBinary(make([]byte, 31)); err == nil {
		t.Error("accepted a short state")
	}
}

func TestStreamsAreDistinct(t *testing.T) {
	seen := map[uint64][3]int{}
	for _, seed := range []uint64{0, 1, 42} {
		for p := range 50 {
			for r := range 50 {
				s := StreamSeed(seed, p, r)
				if prev, ok := seen[s]; ok {
					t.Fatalf("seed %d point %d replicate %d collides with %v", seed, p, r, prev)
				}
				seen[s] = [3]int{int(seed), p, r}
			}
		}
	}
	if Stream(7, 1, 2).Uint64() != Stream(7, 1, 2).Uint64() {
		t.Fatal("same stream, different output")
	}
}

// chiSquare returns the χ² statistic of counts against equal expectations.
func chiSquare(counts []int, total int) float64 {
	e := float64(total) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - e
		x += d * d / e
	}
	return x
}

// chiSquareLimit is a conservative upper bound on χ² with k degrees of
// freedom at significance well below 1e-6: k + 7√(2k) + 25 (Wilson–Hilferty
// puts the 1e-6 quantile near k + 4.9√(2k) + 11 for moderate k).
func chiSquareLimit(k int) float64 { return float64(k) + 7*math.Sqrt(2*float64(k)) + 25 }

func TestUint32nUniform(t *testing.T) {
	x := New(2024)
	for _, n := range []uint32{2, 3, 5, 7, 8, 9, 10, 24, 100, 1000} {
		counts := make([]int, n)
		const draws = 1 << 20
		for range draws {
			counts[x.Uint32n(n)]++
		}
		if c := chiSquare(counts, draws); c > chiSquareLimit(int(n)-1) {
			t.Errorf("n = %d: χ² = %.1f over %d bins", n, c, n)
		}
	}
}

// Bounded is exact even where the plain multiply-shift is most biased:
// n close to 2^32 makes the rejection branch common.
func TestBoundedLargeN(t *testing.T) {
	x := New(5)
	n := uint32(3 << 30) // 3/4 of 2^32: multiply-shift alone would favour some values 2:1
	const draws = 1 << 20
	var low int
	for range draws {
		if x.Uint32n(n) < n/3 {
			low++
		}
	}
	// Exactly uniform: P(v < n/3) = 1/3; binomial sd √(N·2/9).
	if d := math.Abs(float64(low) - draws/3.0); d > 5*math.Sqrt(draws*2/9.0) {
		t.Errorf("P(v < n/3) = %v, want 1/3", float64(low)/draws)
	}
}

func TestBitsBalanced(t *testing.T) {
	x := New(77)
	const draws = 1 << 18
	var ones [64]int
	for range draws {
		u := x.Uint64()
		for b := range 64 {
			ones[b] += int(u >> b & 1)
		}
	}
	sd := math.Sqrt(draws / 4.0)
	for b, c := range ones {
		if d := math.Abs(float64(c) - draws/2.0); d > 5*sd {
			t.Errorf("bit %d set %d times of %d", b, c, draws)
		}
	}
}

func TestThresholdAndBernoulli(t *testing.T) {
	if Threshold(0) != 0 || Threshold(1) != 1<<32 || Threshold(-1) != 0 || Threshold(2) != 1<<32 || Threshold(math.NaN()) != 0 {
		t.Fatal("threshold edges")
	}
	x := New(3)
	for _, p := range []float64{0, 1e-3, 0.125, 0.435, 0.5, 0.999, 1} {
		const n = 1 << 20
		k := 0
		for range n {
			if x.Bernoulli(p) {
				k++
			}
		}
		sd := math.Sqrt(n * p * (1 - p))
		if d := math.Abs(float64(k) - n*p); d > 5*sd+1e-9 {
			t.Errorf("p = %v: %d of %d", p, k, n)
		}
	}
}

func TestFloat64Range(t *testing.T) {
	x := New(11)
	var sum float64
	const n = 1 << 20
	for range n {
		f := x.Float64()
		if f < 0 || f >= 1 {
			t.Fatal(f)
		}
		sum += f
	}
	// mean 1/2, sd of the mean 1/√(12n)
	if d := math.Abs(sum/n - 0.5); d > 5/math.Sqrt(12*n) {
		t.Errorf("mean %v", sum/n)
	}
}

// Every permutation of four items is equally likely; so is every position
// of an item in a longer slice (odd and even lengths exercise both ends of
// the two-per-draw loop).
func TestShuffleUniform(t *testing.T) {
	x := New(8)
	counts := map[[4]int]int{}
	const draws = 240000
	for range draws {
		s := [4]int{0, 1, 2, 3}
		Shuffle(x, s[:])
		counts[s]++
	}
	if len(counts) != 24 {
		t.Fatalf("%d permutations seen", len(counts))
	}
	cs := make([]int, 0, 24)
	for _, c := range counts {
		cs = append(cs, c)
	}
	if c := chiSquare(cs, draws); c > chiSquareLimit(23) {
		t.Errorf("χ² = %.1f over 24 permutations", c)
	}
	for _, n := range []int{7, 10} {
		pos := make([]int, n*n)
		const reps = 100000
		for range reps {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			Shuffle(x, s)
			for p, v := range s {
				pos[v*n+p]++
			}
		}
		if c := chiSquare(pos, reps*n); c > chiSquareLimit(n*n-1) {
			t.Errorf("n = %d: χ² = %.1f over item × position", n, c)
		}
	}
	Shuffle(x, []int{})
	Shuffle(x, []int{1})
}

// Adjacent streams are uncorrelated: the sample correlation of paired
// uniforms is within 5/√n of zero.
func TestStreamsUncorrelated(t *testing.T) {
	const n = 1 << 16
	for _, pair := range [][4]int{{0, 0, 0, 1}, {0, 0, 1, 0}, {0, 1, 1, 0}} {
		a, b := Stream(1, pair[0], pair[1]), Stream(1, pair[2], pair[3])
		var sab, sa, sb, saa, sbb float64
		for range n {
			u, v := a.Float64(), b.Float64()
			sab += u * v
			sa += u
			sb += v
			saa += u * u
			sbb += v * v
		}
		cov := sab/n - sa/n*sb/n
		r := cov / math.Sqrt((saa/n-sa*sa/n/n)*(sbb/n-sb*sb/n/n))
		if math.Abs(r) > 5/math.Sqrt(n) {
			t.Errorf("streams %v: correlation %v", pair, r)
		}
	}
}

func BenchmarkUint64(b *testing.B) {
	x := New(1)
	var s uint64
	for b.Loop() {
		s += x.Uint64()
	}
	sink = s
}

func BenchmarkFill(b *testing.B) {
	x := New(1)
	buf := make([]uint64, 1024)
	for b.Loop() {
		x.Fill(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(buf)), "ns/word")
}

func BenchmarkUint32n(b *testing.B) {
	x := New(1)
	var s uint32
	for b.Loop() {
		s += x.Uint32n(8)
	}
	sink = uint64(s)
}

func BenchmarkPCGUint64(b *testing.B) {
	x := rand.NewPCG(1, 2)
	var s uint64
	for b.Loop() {
		s += x.Uint64()
	}
	sink = s
}

func BenchmarkShuffle10000(b *testing.B) {
	x := New(1)
	s := make([]int32, 10000)
	b.ReportAllocs()
	for b.Loop() {
		Shuffle(x, s)
	}
}

// BenchmarkShuffleLarge: the initiators of an L = 1,000 and an
// L = 4,000 lattice (32 MiB of int32), past the cache.
func BenchmarkShuffleLarge(b *testing.B) {
	for _, n := range []int{500_000, 8_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x := New(1)
			s := make([]int32, n)
			for k := range s {
				s[k] = int32(k)
			}
			for b.Loop() {
				Shuffle(x, s)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
		})
	}
}

func BenchmarkStdShuffle10000(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	s := make([]int32, 10000)
	for b.Loop() {
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	}
}

var sink uint64

func TestDistance(t *testing.T) {
	a := New(7)
	b := *a
	buf := make([]uint64, 1234)
	b.Fill(buf)
	b.Uint32n(10)
	if n, ok := Distance(a, &b, 10_000); !ok || n != 1235 {
		t.Fatalf("Distance = %d, %v; want 1235, true", n, ok)
	}
	if _, ok := Distance(a, &b, 1000); ok {
		t.Fatal("Distance found a state beyond its limit")
	}
}
