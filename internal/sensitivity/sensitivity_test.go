package sensitivity

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// The Ishigami function (Ishigami & Homma 1990) with the usual a = 7,
// b = 0.1, on x_i uniform on [−π, π].
const (
	ishA = 7.0
	ishB = 0.1
)

func ishigami(x []float64) float64 {
	s2 := math.Sin(x[1])
	return math.Sin(x[0]) + ishA*s2*s2 + ishB*math.Pow(x[2], 4)*math.Sin(x[0])
}

// ishigamiTruth returns the analytic first-order and total indices,
// derived from the variance decomposition
//
//	V   = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2
//	V1  = ½(1 + bπ⁴/5)²,  V2 = a²/8,  V3 = 0
//	VT1 = ½(1 + bπ⁴/5)² + 8b²π⁸/225,  VT2 = a²/8,  VT3 = 8b²π⁸/225.
func ishigamiTruth() (s1, st [3]float64) {
	pi4 := math.Pow(math.Pi, 4)
	pi8 := pi4 * pi4
	v := ishA*ishA/8 + ishB*pi4/5 + ishB*ishB*pi8/18 + 0.5
	v13 := 8 * ishB * ishB * pi8 / 225 // the x1–x3 interaction
	one := 1 + ishB*pi4/5
	v1, v2, v3 := 0.5*one*one, ishA*ishA/8, 0.0
	s1 = [3]float64{v1 / v, v2 / v, v3 / v}
	st = [3]float64{(v1 + v13) / v, v2 / v, v13 / v}
	return s1, st
}

// saltelliOutputs evaluates f on a Saltelli (2010) design built from plain
// Monte Carlo: A and B have independent uniform entries on [lo, hi) drawn
// from src (row j of A, then row j of B), and the outputs are laid out in
// blocks f(A_j), f(AB^(1)_j), …, f(AB^(d)_j), f(B_j).
func saltelliOutputs(f func([]float64) float64, n, d int, lo, hi float64, src *rng.Xoshiro) []float64 {
	y := make([]float64, 0, n*(d+2))
	a := make([]float64, d)
	b := make([]float64, d)
	ab := make([]float64, d)
	for range n {
		for i := range a {
			a[i] = lo + (hi-lo)*src.Float64()
		}
		for i := range b {
			b[i] = lo + (hi-lo)*src.Float64()
		}
		y = append(y, f(a))
		for i := range d {
			copy(ab, a)
			ab[i] = b[i]
			y = append(y, f(ab))
		}
		y = append(y, f(b))
	}
	return y
}

// The seed was fixed before the first run and is not to be tuned.
const ishigamiSeed = 2010

func TestSobolIshigami(t *testing.T) {
	const n, d = 8192, 3
	y := saltelliOutputs(ishigami, n, d, -math.Pi, math.Pi, rng.Stream(ishigamiSeed, 0, 0))
	idx, err := Sobol(y, d, 1000, 0.95, rng.Stream(ishigamiSeed, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	s1, st := ishigamiTruth()
	for i, ix := range idx {
		t.Logf("x%d: S1 = %.4f [%.4f, %.4f] (true %.4f)   ST = %.4f [%.4f, %.4f] (true %.4f)",
			i+1, ix.S1, ix.S1CI.Lo, ix.S1CI.Hi, s1[i], ix.ST, ix.STCI.Lo, ix.STCI.Hi, st[i])
		if !ix.S1CI.Contains(s1[i]) {
			t.Errorf("x%d: true S1 %.4f outside 95%% interval [%.4f, %.4f]", i+1, s1[i], ix.S1CI.Lo, ix.S1CI.Hi)
		}
		if !ix.STCI.Contains(st[i]) {
			t.Errorf("x%d: true ST %.4f outside 95%% interval [%.4f, %.4f]", i+1, st[i], ix.STCI.Lo, ix.STCI.Hi)
		}
		if !ix.S1CI.Contains(ix.S1) || !ix.STCI.Contains(ix.ST) {
			t.Errorf("x%d: estimate outside its own interval: %+v", i+1, ix)
		}
	}
}

// binomialMinSuccesses returns the largest m such that a Binomial(trials,
// p) count falls below m with probability < alpha: requiring at least m
// successes fails a correct procedure with probability < alpha.
func binomialMinSuccesses(trials int, p, alpha float64) int {
	cdf := 0.0 // P(X <= k-1) before step k
	for k := 0; k <= trials; k++ {
		lg1, _ := math.Lgamma(float64(trials + 1))
		lg2, _ := math.Lgamma(float64(k + 1))
		lg3, _ := math.Lgamma(float64(trials - k + 1))
		pk := math.Exp(lg1 - lg2 - lg3 + float64(k)*math.Log(p) + float64(trials-k)*math.Log1p(-p))
		if cdf+pk >= alpha {
			return k // P(X < k) = cdf < alpha, P(X < k+1) >= alpha
		}
		cdf += pk
	}
	return trials
}

func TestBinomialMinSuccesses(t *testing.T) {
	// Binomial(40, 0.95): P(X <= 32) ≈ 7.1e-4, P(X <= 33) ≈ 3.4e-3.
	if m := binomialMinSuccesses(40, 0.95, 1e-3); m != 33 {
		t.Errorf("got %d, want 33", m)
	}
	// P(X <= 85) ≈ 1.4e-4 < 1e-3/6 <= P(X <= 86) for Binomial(100, 0.95).
	if m := binomialMinSuccesses(100, 0.95, 1e-3/6); m != 86 {
		t.Errorf("got %d, want 86", m)
	}
	if m := binomialMinSuccesses(10, 0.5, 1e-9); m != 0 {
		t.Errorf("got %d, want 0", m)
	}
}

// TestSobolCoverage checks that the 95% intervals cover the analytic
// Ishigami indices about as often as they claim, over independent
// replications (plain Monte Carlo designs, independent seeds) at n = 1024.
// Each of the 6 intervals must cover in at least m of the trials, m from
// the Binomial(trials, 0.95) law so that a correct 95% interval falls short
// with probability < 1e-3/6 per interval, < 1e-3 for the whole test
// (Bonferroni); for 100 trials m = 86. 100 trials rather than 40 give the
// check some power: an interval covering only 80% of the time passes with
// probability 0.08 (0.59 with 40 trials and m = 32). A one-off study of
// 1000 replications (500 resamples) measured coverages of 0.936 to 0.957.
func TestSobolCoverage(t *testing.T) {
	const n, d, trials, resamples = 1024, 3, 100, 1000
	const seed = 19990101
	need := binomialMinSuccesses(trials, 0.95, 1e-3/6)
	s1, st := ishigamiTruth()
	var cover1, coverT [d]int
	for k := range trials {
		y := saltelliOutputs(ishigami, n, d, -math.Pi, math.Pi, rng.Stream(seed, k, 0))
		idx, err := Sobol(y, d, resamples, 0.95, rng.Stream(seed, k, 1))
		if err != nil {
			t.Fatal(err)
		}
		for i, ix := range idx {
			if ix.S1CI.Contains(s1[i]) {
				cover1[i]++
			}
			if ix.STCI.Contains(st[i]) {
				coverT[i]++
			}
		}
	}
	for i := range d {
		t.Logf("x%d: S1 covered %d/%d, ST covered %d/%d (need >= %d)", i+1, cover1[i], trials, coverT[i], trials, need)
		if cover1[i] < need {
			t.Errorf("x%d: S1 95%% interval covered the truth in %d/%d trials, want >= %d", i+1, cover1[i], trials, need)
		}
		if coverT[i] < need {
			t.Errorf("x%d: ST 95%% interval covered the truth in %d/%d trials, want >= %d", i+1, coverT[i], trials, need)
		}
	}
}

// A factor the function ignores has f(AB^(4)) = f(A) exactly, so both of
// its estimators and every resample are exactly 0.
func TestSobolDummyFactor(t *testing.T) {
	const n, d = 8192, 4
	f := func(x []float64) float64 { return ishigami(x[:3]) }
	y := saltelliOutputs(f, n, d, -math.Pi, math.Pi, rng.Stream(7, 0, 0))
	idx, err := Sobol(y, d, 500, 0.95, rng.Stream(7, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	dummy := idx[3]
	t.Logf("dummy x4: %+v", dummy)
	if !dummy.S1CI.Contains(0) || !dummy.STCI.Contains(0) {
		t.Errorf("dummy factor intervals exclude 0: %+v", dummy)
	}
	if dummy.S1 != 0 || dummy.ST != 0 {
		t.Errorf("dummy factor indices %v, %v, want exactly 0", dummy.S1, dummy.ST)
	}
	if idx[1].S1CI.Contains(0) || idx[0].STCI.Contains(0) {
		t.Errorf("influential factors' intervals contain 0: %+v", idx[:2])
	}
}

func TestSobolDeterministic(t *testing.T) {
	y := saltelliOutputs(ishigami, 256, 3, -math.Pi, math.Pi, rng.New(3))
	a, err := Sobol(y, 3, 200, 0.9, rng.New(11))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Sobol(y, 3, 200, 0.9, rng.New(11))
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same source, different results:\n%+v\n%+v", a, b)
	}
	c, err := Sobol(y, 3, 0, 0.9, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c {
		if c[i].S1 != a[i].S1 || c[i].ST != a[i].ST {
			t.Errorf("x%d: point estimates depend on the bootstrap", i+1)
		}
		if !math.IsNaN(c[i].S1CI.Lo) || !math.IsNaN(c[i].STCI.Hi) {
			t.Errorf("x%d: intervals without resamples: %+v", i+1, c[i])
		}
	}
}

func TestSobolConstantOutput(t *testing.T) {
	y := make([]float64, 10*(3+2))
	for k := range y {
		y[k] = 0.1
	}
	idx, err := Sobol(y, 3, 100, 0.95, rng.New(1))
	if err != nil {
		t.Fatal(err)
	}
	for i, ix := range idx {
		if ix != (SobolIndex{}) {
			t.Errorf("x%d: %+v, want all zero", i+1, ix)
		}
	}
}

func TestSobolErrors(t *testing.T) {
	good := saltelliOutputs(ishigami, 8, 3, -math.Pi, math.Pi, rng.New(1))
	src := rng.New(2)
	withBad := func(k int, v float64) []float64 {
		y := append([]float64(nil), good...)
		y[k] = v
		return y
	}
	noVar := append([]float64(nil), good...)
	for j := range 8 {
		noVar[j*5], noVar[j*5+4] = 1, 1 // f(A) = f(B) = 1, f(AB) varies
	}
	cases := []struct {
		name      string
		y         []float64
		d, res    int
		conf      float64
		src       Source
		want      string
		noVarianc bool
	}{
		{"d=0", good, 0, 10, 0.95, src, "d = 0", false},
		{"length", good[:39], 3, 10, 0.95, src, "len(y) = 39 is not a multiple of d+2 = 5", false},
		{"one row", good[:5], 3, 10, 0.95, src, "n = 1", false},
		{"empty", nil, 3, 10, 0.95, src, "n = 0", false},
		{"NaN", withBad(17, math.NaN()), 3, 10, 0.95, src, "y[17] = NaN (row 17: base row 3, f(AB^(2)) of factor 1)", false},
		{"Inf", withBad(24, math.Inf(-1)), 3, 10, 0.95, src, "y[24] = -Inf (row 24: base row 4, f(B))", false},
		{"conf 1", good, 3, 10, 1, src, "confidence level 1", false},
		{"conf NaN", good, 3, 10, math.NaN(), src, "confidence level NaN", false},
		{"resamples", good, 3, -1, 0.95, src, "resamples = -1", false},
		{"nil src", good, 3, 10, 0.95, nil, "nil Source", false},
		{"no variance", noVar, 3, 10, 0.95, src, "f(A) and f(B) all equal 1", true},
	}
	for _, c := range cases {
		_, err := Sobol(c.y, c.d, c.res, c.conf, c.src)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.want)
		}
		if errors.Is(err, ErrNoVariance) != c.noVarianc {
			t.Errorf("%s: errors.Is(err, ErrNoVariance) = %v", c.name, !c.noVarianc)
		}
	}
}

// morrisTrajectories builds r trajectories in d dimensions on the 4-level
// grid {0, 1/3, 2/3, 1} with Δ = 2/3 (Morris 1991 with p = 4): a random
// base point on the grid, then the coordinates in random order, each moved
// by +Δ from levels 0 and 1/3 and by −Δ from 2/3 and 1.
func morrisTrajectories(r, d int, src *rng.Xoshiro) [][]float64 {
	x := make([][]float64, 0, r*(d+1))
	level := make([]int, d)
	order := make([]int, d)
	row := func() []float64 {
		v := make([]float64, d)
		for i, l := range level {
			v[i] = float64(l) / 3
		}
		return v
	}
	for range r {
		for i := range level {
			level[i] = src.IntN(4)
			order[i] = i
		}
		rng.Shuffle(src, order)
		x = append(x, row())
		for _, i := range order {
			if level[i] < 2 {
				level[i] += 2
			} else {
				level[i] -= 2
			}
			x = append(x, row())
		}
	}
	return x
}

func evalRows(f func([]float64) float64, x [][]float64) []float64 {
	y := make([]float64, len(x))
	for k, row := range x {
		y[k] = f(row)
	}
	return y
}

// On a linear function every elementary effect of factor i is c_i (up to
// rounding in y and in the grid values, hence the 1e-12 tolerance), so
// μ = c_i, μ* = |c_i| and σ = 0.
func TestMorrisLinear(t *testing.T) {
	c := []float64{1.5, -2, 0.25, 0, 4}
	const r = 20
	d := len(c)
	f := func(x []float64) float64 {
		s := 0.0
		for i, v := range x {
			s += c[i] * v
		}
		return s
	}
	x := morrisTrajectories(r, d, rng.New(1991))
	idx, err := Morris(x, evalRows(f, x), d, 200, 0.95, rng.New(2007))
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	for i, ix := range idx {
		if ix.N != r {
			t.Errorf("x%d: N = %d, want %d", i+1, ix.N, r)
		}
		if math.Abs(ix.Mu-c[i]) > tol || math.Abs(ix.MuStar-math.Abs(c[i])) > tol || ix.Sigma > tol {
			t.Errorf("x%d: mu %v mu* %v sigma %v, want %v, %v, 0", i+1, ix.Mu, ix.MuStar, ix.Sigma, c[i], math.Abs(c[i]))
		}
		if ix.MuStarCI.Lo < math.Abs(c[i])-tol || ix.MuStarCI.Hi > math.Abs(c[i])+tol {
			t.Errorf("x%d: mu* interval %+v, want [%v, %v]", i+1, ix.MuStarCI, math.Abs(c[i]), math.Abs(c[i]))
		}
	}
}

// A factor the function ignores has every effect exactly 0; an
// interacting factor has σ > 0.
func TestMorrisIgnoredFactor(t *testing.T) {
	const r, d = 30, 4
	f := func(x []float64) float64 { return x[0]*x[0] + math.Sin(3*x[1]) + x[0]*x[2] }
	x := morrisTrajectories(r, d, rng.New(33))
	idx, err := Morris(x, evalRows(f, x), d, 200, 0.95, rng.New(161))
	if err != nil {
		t.Fatal(err)
	}
	for i, ix := range idx {
		t.Logf("x%d: mu* %.4f [%.4f, %.4f] mu %.4f sigma %.4f N %d", i+1, ix.MuStar, ix.MuStarCI.Lo, ix.MuStarCI.Hi, ix.Mu, ix.Sigma, ix.N)
	}
	if ig := idx[3]; ig.MuStar != 0 || ig.Mu != 0 || ig.Sigma != 0 || ig.MuStarCI != (Interval{}) {
		t.Errorf("ignored factor: %+v, want all zero", ig)
	}
	if !(idx[0].Sigma > 0.1) || !(idx[0].MuStarCI.Lo > 0) {
		t.Errorf("interacting factor x1: %+v", idx[0])
	}
}

func TestMorrisDeterministic(t *testing.T) {
	x := morrisTrajectories(10, 3, rng.New(5))
	y := evalRows(ishigami, x)
	a, err := Morris(x, y, 3, 100, 0.9, rng.New(6))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Morris(x, y, 3, 100, 0.9, rng.New(6))
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same source, different results:\n%+v\n%+v", a, b)
	}
}

func TestMorrisErrors(t *testing.T) {
	const d = 3
	x := morrisTrajectories(3, d, rng.New(8))
	y := evalRows(ishigami, x)
	src := rng.New(9)
	cloneX := func() [][]float64 {
		c := make([][]float64, len(x))
		for k, row := range x {
			c[k] = append([]float64(nil), row...)
		}
		return c
	}
	// Trajectory 1, row 2 (design row 6) equal to its predecessor.
	still := cloneX()
	still[6] = append([]float64(nil), still[5]...)
	// Trajectory 2, row 1 (design row 9) moving two coordinates.
	two := cloneX()
	two[9] = append([]float64(nil), two[8]...)
	two[9][0] += 0.5
	two[9][2] += 0.5
	wide := cloneX()
	wide[4] = append(wide[4], 0)
	nanX := cloneX()
	nanX[2][1] = math.NaN()
	nanY := append([]float64(nil), y...)
	nanY[7] = math.Inf(1)
	// One trajectory in which factor 0 moves back and forth and factor 2 never.
	irregular := [][]float64{{0, 0, 0}, {2.0 / 3, 0, 0}, {2.0 / 3, 2.0 / 3, 0}, {0, 2.0 / 3, 0}}
	cases := []struct {
		name string
		x    [][]float64
		y    []float64
		want string
	}{
		{"lengths", x, y[:11], "12 design rows but 11 outputs"},
		{"rows", x[:11], y[:11], "11 design rows is not a positive multiple of d+1 = 4"},
		{"empty", nil, nil, "0 design rows"},
		{"width", wide, y, "design row 4 has 4 coordinates, want d = 3"},
		{"NaN x", nanX, y, "design row 2 coordinate 1 = NaN"},
		{"Inf y", x, nanY, "y[7] = +Inf (row 7, trajectory 1)"},
		{"no change", still, y, "trajectory 1, row 2 (design row 6): no coordinate changes"},
		{"two changes", two, y, "trajectory 2, row 1 (design row 9): coordinates 0, 2 change"},
		{"factor never moves", irregular, y[:4], "factor 2 never changes"},
	}
	for _, c := range cases {
		_, err := Morris(c.x, c.y, d, 10, 0.95, src)
		if err == nil {
			t.Errorf("%s: no error", c.name)
		} else if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.want)
		}
	}
	if _, err := Morris(x, y, 0, 10, 0.95, src); err == nil {
		t.Error("d = 0: no error")
	}
	if _, err := Morris(x, y, d, 10, 0.95, nil); err == nil {
		t.Error("nil source: no error")
	}
}

func TestPercentile(t *testing.T) {
	v := make([]float64, 101)
	for k := range v {
		v[100-k] = float64(k + 1) // unsorted on purpose
	}
	// (1 − 0.9)/2 is not exact in binary, hence the tolerance.
	if iv := percentile(v, 0.9); math.Abs(iv.Lo-6) > 1e-12 || math.Abs(iv.Hi-96) > 1e-12 {
		t.Errorf("90%% interval of 1..101: %+v, want [6, 96]", iv)
	}
	if iv := percentile([]float64{1, 2}, 0.5); iv != (Interval{1.25, 1.75}) {
		t.Errorf("50%% interval of {1, 2}: %+v, want [1.25, 1.75]", iv)
	}
}

func TestUniformIndex(t *testing.T) {
	// The draw must stay in range and be uniform on a small n (5σ band).
	src := rng.New(4)
	var counts [3]int
	const draws = 30000
	for range draws {
		counts[uniformIndex(src, 3)]++
	}
	for k, c := range counts {
		if math.Abs(float64(c)-draws/3) > 5*math.Sqrt(draws*(1.0/3)*(2.0/3)) {
			t.Errorf("value %d drawn %d times of %d", k, c, draws)
		}
	}
}
