package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"
)

// Source is the random stream that drives the bootstrap. *rng.Xoshiro from
// sim/rng satisfies it.
type Source interface{ Uint64() uint64 }

// Interval is a closed interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// Contains reports whether v lies in [Lo, Hi].
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// ErrNoVariance is returned (wrapped; test with errors.Is) by Sobol when the
// f(A) and f(B) outputs have zero variance although some f(AB) output
// differs from them, so the indices would be a nonzero amount divided by
// zero. A completely constant output is not an error: see Sobol.
var ErrNoVariance = errors.New("sensitivity: zero variance of f(A) and f(B) outputs")

// checkBootstrap validates the arguments shared by Sobol and Morris.
func checkBootstrap(resamples int, conf float64, src Source) error {
	if resamples < 0 {
		return fmt.Errorf("sensitivity: resamples = %d, want >= 0", resamples)
	}
	if !(conf > 0 && conf < 1) {
		return fmt.Errorf("sensitivity: confidence level %v, want 0 < conf < 1", conf)
	}
	if resamples > 0 && src == nil {
		return errors.New("sensitivity: nil Source with resamples > 0")
	}
	return nil
}

// uniformIndex returns an exactly uniform integer in [0, n), n >= 1, by
// Lemire's multiply-and-reject method on 64-bit words.
func uniformIndex(src Source, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		// Reject the low products that would over-represent some values:
		// exactly (2^64 mod n) of them.
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// resampleCounts fills counts (length m) with the multiplicities of m
// indices drawn uniformly with replacement from [0, m).
func resampleCounts(src Source, counts []int) {
	clear(counts)
	m := uint64(len(counts))
	for range counts {
		counts[uniformIndex(src, m)]++
	}
}

// percentile returns the percentile interval of the sample at confidence
// conf: the (1-conf)/2 and (1+conf)/2 quantiles, each by linear
// interpolation between order statistics (Hyndman & Fan 1996, type 7). It
// sorts vals in place. An empty sample gives [NaN, NaN].
func percentile(vals []float64, conf float64) Interval {
	if len(vals) == 0 {
		return Interval{math.NaN(), math.NaN()}
	}
	sort.Float64s(vals)
	alpha := 1 - conf
	return Interval{quantile(vals, alpha/2), quantile(vals, 1-alpha/2)}
}

// quantile is the type-7 quantile of the sorted sample s at probability p.
func quantile(s []float64, p float64) float64 {
	h := p * float64(len(s)-1)
	k := int(math.Floor(h))
	if k >= len(s)-1 {
		return s[len(s)-1]
	}
	if k < 0 {
		return s[0]
	}
	frac := h - float64(k)
	if frac == 0 || s[k] == s[k+1] {
		return s[k]
	}
	return s[k] + frac*(s[k+1]-s[k])
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
