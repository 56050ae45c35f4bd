package rng

import "math"

// Binomial returns the number of successes in n independent trials of
// probability p, exactly in distribution up to float64 rounding: of the
// probabilities inversion sums, and of the log-probability ratio the
// rejection test compares (about 1e-12 at any n, see logRatio).
// Probabilities outside [0, 1] are clamped; NaN counts as 0.
//
// Products meet sums only through explicit conversions, which Go forbids
// fusing into multiply-adds, so a seeded draw is the same everywhere up
// to math.Log, math.Log1p and math.Exp, whose last bit Go may compute
// differently on another architecture: a decision could then flip when
// its two sides agree to about 1e-15, once in some 10¹⁵ draws.
//
// With n·min(p, 1−p) < 10 it inverts the distribution function by a
// search from 0 (expected n·p + 1 steps, one uniform); otherwise it uses
// Hörmann's transformed rejection with squeeze, BTRS (W. Hörmann, "The
// generation of binomial random variates", J. Statist. Comput. Simul. 46,
// 1993): about 1.15 iterations of two uniforms, whatever n is.
func Binomial(x *Xoshiro, n int, p float64) int {
	switch {
	case n <= 0 || !(p > 0):
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - binomialLow(x, n, 1-p)
	}
	return binomialLow(x, n, p)
}

// binomialLow is Binomial for 0 < p ≤ ½.
func binomialLow(x *Xoshiro, n int, p float64) int {
	if float64(n)*p < 10 {
		return binomialInversion(x, n, p)
	}
	return binomialBTRS(x, n, p)
}

// binomialInversion finds the smallest k whose distribution function
// exceeds a uniform u, walking the probabilities up from
// P(0) = (1−p)^n ≥ e^−20 (n·p < 10, p ≤ ½) by their ratio. If rounding
// leaves u above the total, it starts again with a new u.
func binomialInversion(x *Xoshiro, n int, p float64) int {
	q := 1 - p
	f0 := math.Exp(float64(n) * math.Log1p(-p))
	ratio := p / q
	for {
		u, f := x.Float64(), f0
		for k := 0; k <= n; k++ {
			if u < f {
				return k
			}
			u -= f
			f *= float64(n-k) / float64(k+1) * ratio // no sum: nothing to fuse
			if f == 0 {
				break // the rest underflows: rounding left u above the total
			}
		}
	}
}

// binomialBTRS is Hörmann's BTRS for n·p ≥ 10, p ≤ ½: a point (u, v)
// uniform under a hat of the transformed distribution maps to
// k = ⌊(2a/(½−|u|) + b)·u + c⌋, accepted at once inside the squeeze and
// otherwise when log v is below log(P(k)/P(m)), m the mode.
func binomialBTRS(x *Xoshiro, n int, p float64) int {
	nf := float64(n)
	q := 1 - p
	spq := math.Sqrt(float64(nf*p) * q)
	b := 1.15 + float64(2.53*spq)
	a := -0.0873 + float64(0.0248*b) + float64(0.01*p)
	c := float64(nf*p) + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * spq
	m := math.Floor((nf + 1) * p)
	fm := stirlingTail(m) + stirlingTail(nf-m)
	for {
		u := x.Float64() - 0.5
		v := x.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor(float64((2*a/us+b)*u) + c)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || k > nf {
			continue
		}
		lv := math.Log(v * alpha / (a/float64(us*us) + b))
		if lv <= logRatio(nf, p, q, m, k, fm) {
			return int(k)
		}
	}
}

// logRatio is log P(k)/P(m) for Binomial(n, p), q = 1 − p, fm the
// Stirling tails of m and n − m. With Stirling's series for the four
// factorials, and d = k − m, it is
//
//	−(m + ½)·log1p(d/(m + 1)) + (n − m + ½)·log1p(d/(n − k + 1))
//	+ d·log((n − k + 1)p / ((k + 1)q)) + tails,
//
// where each term is small near the mode and computed from ratios near
// 1: about 1e-12 absolute at any n, where subtracting log-factorials of
// size n·log n would lose 1e-6 at n = 2³⁰.
func logRatio(n, p, q, m, k, fm float64) float64 {
	d := k - m
	t := -float64((m+0.5)*math.Log1p(d/(m+1))) + float64((n-m+0.5)*math.Log1p(d/(n-k+1)))
	t += float64(d * math.Log(float64((n-k+1)*p)/float64((k+1)*q)))
	return t + fm - stirlingTail(k) - stirlingTail(n-k)
}

// stirlingTail is log j! − [½ log 2π + (j + ½) log(j + 1) − (j + 1)]:
// a table for j < 10, four terms of the series beyond (error below 4e-13
// at j = 10, falling as j⁻⁹).
func stirlingTail(j float64) float64 {
	if j < float64(len(stirlingTable)) {
		return stirlingTable[int(j)]
	}
	z := 1 / (j + 1)
	z2 := z * z
	return (1.0/12 - float64((1.0/360-float64((1.0/1260-z2/1680)*z2))*z2)) * z
}

// stirlingTable is stirlingTail for j = 0 … 9, from math.Lgamma, which is
// exact to a few ulps there.
var stirlingTable = func() (t [10]float64) {
	for j := range t {
		lg, _ := math.Lgamma(float64(j) + 1)
		jf := float64(j)
		t[j] = lg - (float64(0.5*math.Log(2*math.Pi)) + float64((jf+0.5)*math.Log(jf+1)) - (jf + 1))
	}
	return t
}()
