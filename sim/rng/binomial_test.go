package rng

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Binomial's histogram over 4·10⁵ draws against the exact probabilities,
// by Pearson's χ² at the 10⁻⁴ level (tail bins merged until each expects
// ≥ 5), across both methods (inversion below n·p = 10, BTRS above), both
// sides of p = ½, the switch-over and a billion trials. A wrong hat or
// squeeze constant in BTRS moves mass by far more than this resolves.
func TestBinomialMatchesExactDistribution(t *testing.T) {
	cases := []struct {
		n int
		p float64
	}{
		{1, 0.3}, {7, 0.5}, {30, 0.01}, {100, 0.0999}, {100, 0.1}, {101, 0.1}, {40, 0.75},
		{1000, 0.02}, {1000, 0.5}, {5000, 0.9}, {100000, 0.3}, {1 << 20, 0.0001}, {1_000_000_000, 0.25},
	}
	const draws = 400_000
	for ci, c := range cases {
		x := Stream(41, ci, 0)
		mean := float64(c.n) * c.p
		sd := math.Sqrt(mean * (1 - c.p))
		// The bins span the mean ± 9 sd; the two at the ends gather the
		// tails (gonum's distribution function, from the incomplete beta).
		lo := max(0, int(mean-9*sd-1))
		hi := min(c.n, int(mean+9*sd+1))
		counts := make([]int, hi-lo+1)
		var sum float64
		for range draws {
			k := Binomial(x, c.n, c.p)
			if k < 0 || k > c.n {
				t.Fatalf("n = %d, p = %g: drew %d", c.n, c.p, k)
			}
			counts[min(max(k, lo), hi)-lo]++
			sum += float64(k)
		}
		exact := distuv.Binomial{N: float64(c.n), P: c.p}
		probs := make([]float64, len(counts))
		for i := range probs {
			probs[i] = exact.Prob(float64(lo + i))
		}
		if lo > 0 {
			probs[0] += exact.CDF(float64(lo - 1))
		}
		if hi < c.n {
			probs[len(probs)-1] += exact.Survival(float64(hi))
		}
		stat, df := pearsonMerged(counts, probs, draws)
		limit := distuv.ChiSquared{K: float64(df)}.Quantile(1 - 1e-4)
		if stat > limit {
			t.Errorf("n = %d, p = %g: χ² = %.1f on %d degrees of freedom, above the 10⁻⁴ quantile %.1f", c.n, c.p, stat, df, limit)
		}
		// The mean within 5 standard errors.
		m := sum / draws
		if se := sd / math.Sqrt(draws); math.Abs(m-mean) > 5*se+1e-12 {
			t.Errorf("n = %d, p = %g: mean %.6f, want %.6f ± %.2g", c.n, c.p, m, mean, 5*se)
		}
	}
}

// pearsonMerged is Pearson's statistic with adjacent bins merged until
// each expects ≥ 5, and its degrees of freedom.
func pearsonMerged(counts []int, probs []float64, total int) (stat float64, df int) {
	var obs, exp float64
	bins := 0
	var lastObs, lastExp float64
	flush := func() {
		stat += (obs - exp) * (obs - exp) / exp
		lastObs, lastExp = obs, exp
		obs, exp = 0, 0
		bins++
	}
	for i := range counts {
		obs += float64(counts[i])
		exp += probs[i] * float64(total)
		if exp >= 5 {
			flush()
		}
	}
	if exp > 0 || obs > 0 {
		// The remainder joins the last full bin.
		stat -= (lastObs - lastExp) * (lastObs - lastExp) / lastExp
		obs, exp = obs+lastObs, exp+lastExp
		bins--
		flush()
	}
	return stat, bins - 1
}

// The edges: no trials, probability 0 or 1, and probabilities outside
// [0, 1] (clamped) take no draws and return the certain count.
func TestBinomialEdges(t *testing.T) {
	x := New(3)
	before := *x
	for _, c := range []struct {
		n    int
		p    float64
		want int
	}{{0, 0.5, 0}, {-3, 0.5, 0}, {10, 0, 0}, {10, -1, 0}, {10, math.NaN(), 0}, {10, 1, 10}, {10, 2, 10}} {
		if got := Binomial(x, c.n, c.p); got != c.want {
			t.Errorf("Binomial(%d, %g) = %d, want %d", c.n, c.p, got, c.want)
		}
	}
	if *x != before {
		t.Error("a certain outcome drew random numbers")
	}
}

func BenchmarkBinomial(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		p    float64
	}{{"n=20,p=0.3", 20, 0.3}, {"n=1e6,p=0.3", 1_000_000, 0.3}, {"n=1e9,p=0.5", 1_000_000_000, 0.5}} {
		b.Run(c.name, func(b *testing.B) {
			x := New(1)
			s := 0
			for b.Loop() {
				s += Binomial(x, c.n, c.p)
			}
			sink = uint64(s)
		})
	}
}
