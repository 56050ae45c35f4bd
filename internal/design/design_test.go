package design

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// ---------------------------------------------------------------- Sobol

func mustSobol(t *testing.T, n, d int) [][]float64 {
	t.Helper()
	x, err := Sobol(n, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != n {
		t.Fatalf("Sobol(%d, %d): %d rows", n, d, len(x))
	}
	for i, row := range x {
		if len(row) != d {
			t.Fatalf("Sobol(%d, %d): row %d has %d columns", n, d, i, len(row))
		}
	}
	return x
}

func column(x [][]float64, j int) []float64 {
	c := make([]float64, len(x))
	for i, row := range x {
		c[i] = row[j]
	}
	return c
}

func TestSobolVanDerCorput(t *testing.T) {
	// Dimension 1 is the van der Corput sequence in Gray-code order.
	want := []float64{0, .5, .75, .25, .375, .875, .625, .125}
	if got := column(mustSobol(t, 8, 1), 0); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// The reference points below were produced once with SciPy 1.10.1 (Debian's
// python3-scipy), whose unscrambled Sobol generator uses the same Joe–Kuo
// direction numbers and Gray-code order:
//
//	scipy.stats.qmc.Sobol(d, scramble=False).random(n)
//
// Their values are dyadic rationals, so they compare exactly.
//
// Dimensions 2 and 3 by hand, as a check of the listing. Write V_k = m_k/2^k
// in binary; point i is the XOR of V_k over the set bits k of
// gray(i) = i ⊕ i>>1, and gray(1..7) = 1, 3, 2, 6, 7, 5, 4.
//
//   - Dimension 2, row "2 1 0 1": s = 1, m_1 = 1, m_k = 2m_(k−1) ⊕ m_(k−1),
//     so m = 1, 3, 5 and V = .1, .11, .101. Points 1..7: .1 = .5;
//     .1⊕.11 = .01 = .25; .11 = .75; .11⊕.101 = .011 = .375;
//     .1⊕.11⊕.101 = .111 = .875; .1⊕.101 = .001 = .125; .101 = .625.
//   - Dimension 3, row "3 2 1 1 3": s = 2, a_1 = 1, m = 1, 3,
//     m_3 = 2·m_2 ⊕ 4·m_1 ⊕ m_1 = 6 ⊕ 4 ⊕ 1 = 3, V = .1, .11, .011.
//     Points 1..7: .5; .25; .75; .11⊕.011 = .101 = .625;
//     .1⊕.11⊕.011 = .001 = .125; .1⊕.011 = .111 = .875; .011 = .375.
func TestSobolReferencePoints(t *testing.T) {
	want3 := [][]float64{{0, 0, 0}, {.5, .5, .5}, {.75, .25, .25}, {.25, .75, .75},
		{.375, .375, .625}, {.875, .875, .125}, {.625, .125, .875}, {.125, .625, .375}}
	x := mustSobol(t, 8, 3)
	for i := range want3 {
		if !slices.Equal(x[i], want3[i]) {
			t.Errorf("d=3 point %d: %v, want %v", i, x[i], want3[i])
		}
	}

	// Dimensions 10 and 21: their last columns, and point 4 in full.
	for _, c := range []struct {
		d      int
		last   []float64
		point4 []float64
	}{
		{10, []float64{0, .5, .75, .25, .625},
			[]float64{.375, .375, .625, .875, .375, .125, .375, .875, .875, .625}},
		{21, []float64{0, .5, .25, .75, .125},
			[]float64{.375, .375, .625, .875, .375, .125, .375, .875, .875, .625,
				.875, .375, .375, .625, .375, .875, .375, .875, .875, .125, .125}},
	} {
		x := mustSobol(t, 5, c.d)
		if got := column(x, c.d-1); !slices.Equal(got, c.last) {
			t.Errorf("d=%d last column %v, want %v", c.d, got, c.last)
		}
		if !slices.Equal(x[4], c.point4) {
			t.Errorf("d=%d point 4: %v, want %v", c.d, x[4], c.point4)
		}
	}

	// Later points of the 1111-dimensional sequence, at dimensions
	// 1, 2, 3, 10, 21, 64 and 1111.
	dims := []int{1, 2, 3, 10, 21, 64, 1111}
	far := map[int][]float64{
		1:    {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
		2:    {0.75, 0.25, 0.25, 0.75, 0.25, 0.75, 0.75},
		3:    {0.25, 0.75, 0.75, 0.25, 0.75, 0.25, 0.25},
		100:  {0.4140625, 0.2578125, 0.7734375, 0.6953125, 0.7578125, 0.6484375, 0.4609375},
		1000: {0.2197265625, 0.0966796875, 0.5185546875, 0.0693359375, 0.5224609375, 0.4462890625, 0.3701171875},
		1024: {0.00146484375, 0.37646484375, 0.44775390625, 0.67138671875, 0.52490234375, 0.96630859375, 0.64306640625},
	}
	x = mustSobol(t, 1025, MaxSobolDim)
	for i, want := range far {
		for k, dim := range dims {
			if got := x[i][dim-1]; got != want[k] {
				t.Errorf("point %d dimension %d: %v, want %v", i, dim, got, want[k])
			}
		}
	}
}

// literalM returns m_1..m_bits of dimension dim (from 1) by the integer
// form of the recurrence, m_k = ⊕_(t=1..s−1) 2^t a_t m_(k−t) ⊕ 2^s m_(k−s)
// ⊕ m_(k−s), independently of the shifted form in directions.
func literalM(dim, bits int) []uint64 {
	m := make([]uint64, bits+1) // m[k] = m_k, m[0] unused
	if dim == 1 {
		for k := 1; k <= bits; k++ {
			m[k] = 1
		}
		return m[1:]
	}
	p := joeKuo()[dim-2]
	for k := 1; k <= bits; k++ {
		if k <= p.s {
			m[k] = uint64(p.m[k-1])
			continue
		}
		v := m[k-p.s]<<p.s ^ m[k-p.s]
		for t := 1; t < p.s; t++ {
			at := uint64(p.a) >> (p.s - 1 - t) & 1
			v ^= at << t * m[k-t]
		}
		m[k] = v
	}
	return m[1:]
}

// literalPoint returns point i of the Sobol sequence as integers over 2^30,
// straight from the definition: x_i = ⊕ over set bits k of gray(i) of
// V_k = m_k/2^k.
func literalPoint(ms [][]uint64, i int) []uint64 {
	g := uint64(i ^ i>>1)
	x := make([]uint64, len(ms))
	for j, m := range ms {
		for k := 1; k <= 30; k++ {
			if g>>(k-1)&1 == 1 {
				x[j] ^= m[k-1] << (30 - k)
			}
		}
	}
	return x
}

func allLiteralM() [][]uint64 {
	ms := make([][]uint64, MaxSobolDim)
	for j := range ms {
		ms[j] = literalM(j+1, 30)
	}
	return ms
}

func TestSobolMatchesLiteralDefinition(t *testing.T) {
	ms := allLiteralM()
	const n = 2048
	x := mustSobol(t, n, MaxSobolDim)
	for i := 0; i < n; i++ {
		for j, v := range literalPoint(ms, i) {
			if want := float64(v) / (1 << 30); x[i][j] != want {
				t.Fatalf("point %d dimension %d: %v, want %v", i, j+1, x[i][j], want)
			}
		}
	}
	// Deep into the sequence, where the high direction numbers matter.
	const deep = 1<<18 + 1
	x = mustSobol(t, deep, 12)
	for _, i := range []int{1<<17 - 1, 1 << 17, 200001, deep - 1} {
		for j, v := range literalPoint(ms[:12], i) {
			if want := float64(v) / (1 << 30); x[i][j] != want {
				t.Fatalf("point %d dimension %d: %v, want %v", i, j+1, x[i][j], want)
			}
		}
	}
}

// FNV-1a digests of the numerators (over 2^30) of whole 1111-dimensional
// points far along the sequence, produced with SciPy 1.10.1 from its
// direction numbers (Sobol(1111, scramble=False)._sv, 30 bits) by the
// literal XOR definition, checked there against its Gray-code generator
// (fast_forward + random) at indices up to 65536. They cover all 30
// direction numbers of every dimension.
func TestSobolFarPointDigests(t *testing.T) {
	ms := allLiteralM()
	for _, c := range []struct {
		i    int
		want uint64
	}{
		{1, 0x05c457436564d367}, {2, 0x601d7ffbb564d367}, {4, 0x298c252a7d64d367},
		{8, 0xaa6c2f263964d367}, {16, 0x935de88d5b64d367}, {32, 0xe3dd77123a64d367},
		{64, 0x097797d969e4d367}, {128, 0xd06502f897a4d367}, {256, 0x3349df0f1c04d367},
		{512, 0x3612bc95b894d367}, {1024, 0xe6747b7ce0ecd367}, {2048, 0x77f83cf985c0d367},
		{4096, 0x7403e89b2362d367}, {8192, 0x5f7064174abfd367}, {16384, 0xc4812db6d1055367},
		{32768, 0xe3568ef6ad829367}, {65536, 0x7108110e9ccd3367}, {131072, 0x6c4a6023eace0367},
		{262144, 0xd823f4cfd36dbb67}, {524288, 0x65f72cd4844c6767}, {1048576, 0xbab33a8d0c774167},
		{2097152, 0xf74a385f079e4e67}, {4194304, 0x5f7019af8721ebe7}, {8388608, 0x4f11cd3b5a5837a7},
		{16777216, 0x12032ab9861ee807}, {33554432, 0xcd89c3c51914b057}, {67108864, 0x96ca101146f4431f},
		{134217728, 0x800ecf75456743db}, {268435456, 0x6543a02e32a580ed}, {536870912, 0x5ce371eb90e71056},
		{1073741823, 0x26dad6c4fd444a80}, {123456789, 0xd535ba7ab47dfa8f}, {987654321, 0x6cdf1f13dc9483e8},
	} {
		h := uint64(14695981039346656037)
		for _, v := range literalPoint(ms, c.i) {
			h ^= v
			h *= 1099511628211
		}
		if h != c.want {
			t.Errorf("point %d: digest %#016x, want %#016x", c.i, h, c.want)
		}
	}
}

func TestSobolDirectionsAgreeWithLiteralM(t *testing.T) {
	for j := 0; j < MaxSobolDim; j++ {
		v := directions(j)
		for k, m := range literalM(j+1, sobolBits) {
			if uint64(v[k]) != m<<(sobolBits-1-k) {
				t.Fatalf("dimension %d: V_%d = %#x, want m_%d = %d shifted", j+1, k+1, v[k], k+1, m)
			}
		}
	}
}

func TestSobolBalance(t *testing.T) {
	x := mustSobol(t, 1<<10, MaxSobolDim)
	for m := 0; m <= 10; m++ {
		n := 1 << m
		for j := 0; j < MaxSobolDim; j++ {
			hit := make([]bool, n)
			for i := 0; i < n; i++ {
				v := x[i][j]
				if v < 0 || v >= 1 {
					t.Fatalf("point %d dimension %d: %v outside [0,1)", i, j+1, v)
				}
				k := int(v * float64(n)) // exact: v is a multiple of 2^-32
				if hit[k] {
					t.Fatalf("n=%d dimension %d: stratum %d hit twice", n, j+1, k)
				}
				hit[k] = true
			}
		}
	}
}

// Sobol's first two dimensions form a (0,2)-sequence: for n = 2^m every
// elementary box [a/2^q, (a+1)/2^q) × [b/2^(m−q), (b+1)/2^(m−q)) holds
// exactly one of the first n points.
func TestSobolTwoDimensionalNet(t *testing.T) {
	const m = 10
	x := mustSobol(t, 1<<m, 2)
	for q := 0; q <= m; q++ {
		hit := make(map[[2]int]bool)
		for _, p := range x {
			box := [2]int{int(p[0] * float64(int(1)<<q)), int(p[1] * float64(int(1)<<(m-q)))}
			if hit[box] {
				t.Fatalf("q=%d: box %v hit twice", q, box)
			}
			hit[box] = true
		}
	}
}

func TestDirectionTable(t *testing.T) {
	polys := joeKuo()
	if len(polys)+1 != MaxSobolDim {
		t.Fatalf("%d dimensions", len(polys)+1)
	}
	// First rows of new-joe-kuo-6.21201 and its row 1111.
	for _, c := range []struct {
		dim int
		s   int
		a   uint32
		m   []uint32
	}{
		{2, 1, 0, []uint32{1}},
		{3, 2, 1, []uint32{1, 3}},
		{7, 4, 4, []uint32{1, 3, 5, 13}},
		{8, 5, 2, []uint32{1, 1, 5, 5, 17}},
		{10, 5, 7, []uint32{1, 1, 7, 11, 19}},
		{1111, 13, 4094, []uint32{1, 1, 5, 15, 19, 1, 7, 211, 157, 603, 403, 1387, 1583}},
	} {
		p := polys[c.dim-2]
		if p.s != c.s || p.a != c.a || !slices.Equal(p.m, c.m) {
			t.Errorf("dimension %d: %+v, want s=%d a=%d m=%v", c.dim, p, c.s, c.a, c.m)
		}
	}
	for _, bad := range []string{
		"",
		"d s a m_i\n2 1 0\n",                // no m
		"d s a m_i\n3 1 0 1\n",              // wrong dimension number
		"d s a m_i\n2 2 0 1\n",              // degree 2 but one m
		"d s a m_i\n2 2 2 1 3\n",            // a too wide for degree 2
		"d s a m_i\n2 2 1 1 2\n",            // m_2 even
		"d s a m_i\n2 2 1 1 5\n",            // m_2 >= 4
		"d s a m_i\n2 1 0 x\n",              // not a number
		"d s a m_i\n2 1 0 1\n3 2 1 1 3 5\n", // extra m
		"x\n2 1 0 1\n",                      // no header
		"d s a m_i\n2 1 0 1\n\n3 2 1 1 3\n", // blank row inside
	} {
		if _, err := parseJoeKuo(bad); err == nil {
			t.Errorf("parseJoeKuo(%q) accepted", bad)
		}
	}
	if p, err := parseJoeKuo("d s a m_i\n2 1 0 1 \n3\t2\t1\t1 3\n\n"); err != nil || len(p) != 2 {
		t.Errorf("spacing and trailing newlines: %v, %v", p, err)
	}
	// The embedded file is the authors' text, unchanged: its first 1024
	// lines hash to the SHA-256 of the upstream file's first 1024 lines, and
	// the whole file to the digest recorded when it was written.
	lines := strings.SplitAfter(joeKuoText, "\n")
	if len(lines) != MaxSobolDim+1 || lines[MaxSobolDim] != "" {
		t.Fatalf("%d lines", len(lines)-1)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(strings.Join(lines[:1024], "")))); got != "52eeb57738dd69f5e1f593f2085c4efb3fb410c3af241d5396d7a2bef60b9257" {
		t.Errorf("first 1024 lines: SHA-256 %s", got)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256([]byte(joeKuoText))); got != "d4410fd9b25c89e66dcbfe944f3d12f5e1d3e3498a707765829a503bbf7bc402" {
		t.Errorf("table: SHA-256 %s", got)
	}
}

// ---------------------------------------------------------------- Latin hypercube

// checkLatin reports whether every column of x hits each of the n strata
// [k/n, (k+1)/n) exactly once.
func checkLatin(t *testing.T, x [][]float64, n, d int) {
	t.Helper()
	if len(x) != n {
		t.Fatalf("%d rows, want %d", len(x), n)
	}
	for j := 0; j < d; j++ {
		hit := make([]int, n)
		for i, row := range x {
			if len(row) != d {
				t.Fatalf("row %d: %d columns, want %d", i, len(row), d)
			}
			v := row[j]
			if !(v >= 0 && v < 1) {
				t.Fatalf("n=%d d=%d: x[%d][%d] = %v outside [0,1)", n, d, i, j, v)
			}
			hit[int(v*float64(n))]++
		}
		for k, h := range hit {
			if h != 1 {
				t.Fatalf("n=%d d=%d column %d: stratum %d hit %d times", n, d, j, k, h)
			}
		}
	}
}

func TestLatinHypercubeStrata(t *testing.T) {
	seed := uint64(1)
	for _, n := range []int{1, 2, 3, 7, 10, 64, 100, 1000, 4099} {
		for _, d := range []int{1, 2, 5, 12} {
			seed++
			x, err := LatinHypercube(n, d, rng.New(seed))
			if err != nil {
				t.Fatal(err)
			}
			checkLatin(t, x, n, d)
		}
	}
}

func TestLatinHypercubeDeterministic(t *testing.T) {
	a, _ := LatinHypercube(50, 4, rng.New(7))
	b, _ := LatinHypercube(50, 4, rng.New(7))
	c, _ := LatinHypercube(50, 4, rng.New(8))
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Fatal("same seed, different designs")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Fatal("different seeds, same design")
	}
	// Columns are permuted independently: not all columns share one order.
	same := true
	for i := range a {
		if int(a[i][0]*50) != int(a[i][1]*50) {
			same = false
		}
	}
	if same {
		t.Fatal("columns 0 and 1 use the same stratum order")
	}
	// Any math/rand/v2 source will do.
	x, err := LatinHypercube(30, 3, rand.NewPCG(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	checkLatin(t, x, 30, 3)
}

func TestFixStrata(t *testing.T) {
	// Three values for n = 3 that rounding left on the upper edges of their
	// strata: 1/3 (meant for stratum 0, but floor(3·fl(1/3)) = 1), a value
	// just above it (stratum 1), and 1 (meant for stratum 2, floor gives 3).
	// Sorted, they must land in strata 0, 1 and 2, moved by ulps only.
	third := 1.0 / 3
	rows := [][]float64{{1}, {third}, {math.Nextafter(third, 1)}}
	fixStrata(rows, 1)
	checkLatin(t, rows, 3, 1)
	if rows[0][0] >= 1 || 1-rows[0][0] > 1e-15 {
		t.Errorf("1 moved to %v", rows[0][0])
	}
	if math.Abs(rows[1][0]-third) > 1e-15 || math.Abs(rows[2][0]-third) > 1e-15 {
		t.Errorf("values near 1/3 moved to %v and %v", rows[1][0], rows[2][0])
	}
}

// ---------------------------------------------------------------- Halton

func TestHaltonRangeAndDeterminism(t *testing.T) {
	a, err := Halton(500, 20, rng.New(11))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Halton(500, 20, rng.New(11))
	c, _ := Halton(500, 20, rng.New(12))
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Fatal("same seed, different designs")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Fatal("different seeds, same design")
	}
	if len(a) != 500 {
		t.Fatalf("%d rows", len(a))
	}
	for i, row := range a {
		if len(row) != 20 {
			t.Fatalf("row %d: %d columns", i, len(row))
		}
		for j, v := range row {
			if !(v >= 0 && v < 1) {
				t.Fatalf("x[%d][%d] = %v outside [0,1)", i, j, v)
			}
		}
	}
}

// haltonBases are the bases of Halton's first columns.
var haltonBases = []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}

// The column means of a scrambled Halton design are within a deterministic
// bound of 1/2. In base b the first n indices split into aligned blocks of
// b^k consecutive indices, at most b−1 blocks for each k = 0..K with
// K = floor(log_b n). Within one block the low k digits run through all b^k
// values while the higher ones are fixed, and the scrambling permutes the
// digits of each position the same way for every point, so the block's
// points are t/b^k + ρ (t = 0..b^k−1) for a common ρ in [0, b^−k). Their sum
// minus b^k/2 is b^k·ρ − 1/2, within 1/2 of 0. Hence
// |mean − 1/2| <= (b−1)(K+1)/(2n), plus float rounding.
func TestHaltonMean(t *testing.T) {
	d := len(haltonBases)
	for s, n := range []int{1, 10, 100, 343, 1000, 1234, 5000} {
		x, err := Halton(n, d, rng.New(uint64(100+s)))
		if err != nil {
			t.Fatal(err)
		}
		for j, b := range haltonBases {
			K := 0
			for p := b; p <= n; p *= b {
				K++
			}
			bound := float64((b-1)*(K+1))/(2*float64(n)) + 1e-12
			var sum float64
			for _, row := range x {
				sum += row[j]
			}
			if dev := math.Abs(sum/float64(n) - 0.5); dev > bound {
				t.Errorf("n=%d column %d (base %d): mean off 1/2 by %g, bound %g", n, j, b, dev, bound)
			}
		}
	}
}

// For n = b^k, column j (base b) has one point in each [t/b^k, (t+1)/b^k):
// the points are t/b^k + ρ with ρ in [0, b^−k), as above.
func TestHaltonStrata(t *testing.T) {
	d := 6
	for j, b := range haltonBases[:d] {
		for n := b; n <= 3000; n *= b {
			x, err := Halton(n, d, rng.New(uint64(1000*j+n)))
			if err != nil {
				t.Fatal(err)
			}
			hit := make([]bool, n)
			for i, row := range x {
				// ρ may be 0 to within rounding, so allow for a point a hair
				// below its stratum's lower edge.
				k := int(row[j]*float64(n) + 1e-9)
				if hit[k] {
					t.Fatalf("base %d n=%d: stratum %d hit twice (point %d)", b, n, k, i)
				}
				hit[k] = true
			}
		}
	}
}

// ---------------------------------------------------------------- Saltelli

func TestSaltelli(t *testing.T) {
	for _, c := range []struct{ n, d int }{{1, 1}, {8, 3}, {16, 5}, {33, 10}} {
		n, d := c.n, c.d
		x, err := Saltelli(n, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(x) != n*(d+2) {
			t.Fatalf("n=%d d=%d: %d rows, want %d", n, d, len(x), n*(d+2))
		}
		base := mustSobol(t, n+1, 2*d)
		for j := 0; j < n; j++ {
			a, b := base[j+1][:d], base[j+1][d:]
			block := x[j*(d+2) : (j+1)*(d+2)]
			for r, row := range block {
				if len(row) != d {
					t.Fatalf("n=%d d=%d block %d row %d: %d columns", n, d, j, r, len(row))
				}
			}
			if !slices.Equal(block[0], a) {
				t.Errorf("n=%d d=%d block %d: A row %v, want Sobol point %d's first half %v", n, d, j, block[0], j+1, a)
			}
			if !slices.Equal(block[d+1], b) {
				t.Errorf("n=%d d=%d block %d: B row %v, want Sobol point %d's second half %v", n, d, j, block[d+1], j+1, b)
			}
			for i := 1; i <= d; i++ {
				for k, v := range block[i] {
					want := a[k]
					if k == i-1 {
						want = b[k]
					}
					if v != want {
						t.Errorf("n=%d d=%d block %d AB^(%d) column %d: %v, want %v", n, d, j, i, k, v, want)
					}
				}
			}
		}
	}
	// The origin is skipped: the first A row is Sobol point 1, (1/2, …).
	x, _ := Saltelli(4, 2)
	if !slices.Equal(x[0], []float64{.5, .5}) {
		t.Errorf("first A row %v", x[0])
	}
	// The widest design the table allows.
	if _, err := Saltelli(2, MaxSobolDim/2); err != nil {
		t.Error(err)
	}
}

// ---------------------------------------------------------------- Morris

func checkMorris(t *testing.T, x [][]float64, r, d, p int) {
	t.Helper()
	if len(x) != r*(d+1) {
		t.Fatalf("%d rows, want %d", len(x), r*(d+1))
	}
	delta := float64(p) / float64(2*(p-1))
	level := func(v float64) int {
		l := int(math.Round(v * float64(p-1)))
		if !(v >= 0 && v <= 1) || float64(l)/float64(p-1) != v {
			t.Fatalf("p=%d: %v is not on the grid in [0,1]", p, v)
		}
		return l
	}
	for tr := 0; tr < r; tr++ {
		traj := x[tr*(d+1) : (tr+1)*(d+1)]
		moved := make([]int, d)
		for s, row := range traj {
			if len(row) != d {
				t.Fatalf("trajectory %d row %d: %d columns", tr, s, len(row))
			}
			for _, v := range row {
				level(v)
			}
			if s == 0 {
				continue
			}
			changed := 0
			for i := range row {
				if row[i] == traj[s-1][i] {
					continue
				}
				changed++
				moved[i]++
				if dl := level(row[i]) - level(traj[s-1][i]); dl != p/2 && dl != -p/2 {
					t.Fatalf("trajectory %d step %d coordinate %d: moved %d levels, want ±%d", tr, s, i, dl, p/2)
				}
				if dv := math.Abs(row[i] - traj[s-1][i]); math.Abs(dv-delta) > 1e-12 {
					t.Fatalf("trajectory %d step %d coordinate %d: moved %v, want ±%v", tr, s, i, dv, delta)
				}
			}
			if changed != 1 {
				t.Fatalf("trajectory %d step %d: %d coordinates changed, want 1", tr, s, changed)
			}
		}
		for i, m := range moved {
			if m != 1 {
				t.Fatalf("trajectory %d: coordinate %d moved %d times, want 1", tr, i, m)
			}
		}
	}
}

func TestMorris(t *testing.T) {
	seed := uint64(40)
	for _, p := range []int{2, 4, 6, 10} {
		for _, c := range []struct{ r, d int }{{1, 1}, {5, 3}, {20, 8}} {
			seed++
			x, err := Morris(c.r, c.d, p, rng.New(seed))
			if err != nil {
				t.Fatal(err)
			}
			checkMorris(t, x, c.r, c.d, p)
		}
	}
}

func TestMorrisRandomness(t *testing.T) {
	a, _ := Morris(10, 5, 4, rng.New(3))
	b, _ := Morris(10, 5, 4, rng.New(3))
	c, _ := Morris(10, 5, 4, rng.New(4))
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Fatal("same seed, different designs")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Fatal("different seeds, same design")
	}
	// Over many trajectories every grid level, both directions and every
	// position in the order occur for each coordinate.
	const r, d, p = 400, 4, 6
	x, _ := Morris(r, d, p, rng.New(5))
	checkMorris(t, x, r, d, p)
	levels := make([]map[int]bool, d)
	ups, downs := make([]int, d), make([]int, d)
	position := make([]map[int]bool, d)
	for i := range levels {
		levels[i], position[i] = map[int]bool{}, map[int]bool{}
	}
	for tr := 0; tr < r; tr++ {
		traj := x[tr*(d+1) : (tr+1)*(d+1)]
		for s := 1; s <= d; s++ {
			for i := 0; i < d; i++ {
				levels[i][int(math.Round(traj[s][i]*(p-1)))] = true
				if traj[s][i] > traj[s-1][i] {
					ups[i]++
					position[i][s] = true
				} else if traj[s][i] < traj[s-1][i] {
					downs[i]++
					position[i][s] = true
				}
			}
		}
	}
	for i := 0; i < d; i++ {
		if len(levels[i]) != p || len(position[i]) != d || ups[i] < r/4 || downs[i] < r/4 {
			t.Errorf("coordinate %d: %d levels, %d positions, %d up, %d down", i, len(levels[i]), len(position[i]), ups[i], downs[i])
		}
	}
}

// ---------------------------------------------------------------- errors

func TestErrors(t *testing.T) {
	src := rng.New(1)
	for _, c := range []struct {
		name string
		err  error
		arg  string
	}{
		{"Sobol d=0", second(Sobol(10, 0)), "d"},
		{"Sobol d too big", second(Sobol(10, MaxSobolDim+1)), "d"},
		{"Sobol n=0", second(Sobol(0, 2)), "n"},
		{"Sobol n too big", second(Sobol(MaxPoints+1, 2)), "n"},
		{"Halton d=0", second(Halton(10, 0, src)), "d"},
		{"Halton d too big", second(Halton(10, MaxHaltonDim+1, src)), "d"},
		{"Halton n=-1", second(Halton(-1, 2, src)), "n"},
		{"LatinHypercube n=0", second(LatinHypercube(0, 2, src)), "n"},
		{"LatinHypercube d=0", second(LatinHypercube(4, 0, src)), "d"},
		{"LatinHypercube n*d", second(LatinHypercube(1<<20, 1<<11, src)), "n*d"},
		{"Saltelli d=0", second(Saltelli(4, 0)), "d"},
		{"Saltelli 2d > MaxSobolDim", second(Saltelli(4, MaxSobolDim/2+1)), "d"},
		{"Saltelli n=0", second(Saltelli(0, 2)), "n"},
		{"Saltelli n=MaxPoints", second(Saltelli(MaxPoints, 2)), "n"},
		{"Saltelli rows", second(Saltelli(MaxPoints/4, 3)), "n*(d+2)"},
		{"Morris p odd", second(Morris(4, 3, 5, src)), "p"},
		{"Morris p=0", second(Morris(4, 3, 0, src)), "p"},
		{"Morris p too big", second(Morris(4, 3, MaxMorrisLevels+2, src)), "p"},
		{"Morris r=0", second(Morris(0, 3, 4, src)), "r"},
		{"Morris d=0", second(Morris(4, 0, 4, src)), "d"},
		{"Morris rows", second(Morris(MaxPoints/2, 3, 4, src)), "r*(d+1)"},
	} {
		var ae *ArgError
		if !errors.As(c.err, &ae) {
			t.Errorf("%s: error %v, want an *ArgError", c.name, c.err)
			continue
		}
		if ae.Arg != c.arg {
			t.Errorf("%s: names %q, want %q", c.name, ae.Arg, c.arg)
		}
		msg := ae.Error()
		if !strings.HasPrefix(msg, "design: ") || !strings.Contains(msg, c.arg+" = ") || !strings.Contains(msg, "want") {
			t.Errorf("%s: message %q", c.name, msg)
		}
	}
	for _, err := range []error{
		second(Halton(4, 2, nil)),
		second(LatinHypercube(4, 2, nil)),
		second(Morris(4, 2, 4, nil)),
	} {
		if !errors.Is(err, ErrNilSource) {
			t.Errorf("nil source: %v", err)
		}
	}
	want := "design: Sobol: d = 0, want 1 <= d <= 1111"
	if _, err := Sobol(3, 0); err == nil || err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func second[T any](_ T, err error) error { return err }

func TestRowsAreCapped(t *testing.T) {
	x, _ := Sobol(4, 2)
	_ = append(x[0], 9)
	if x[1][0] != .5 {
		t.Fatal("appending to a row overwrote the next")
	}
}
