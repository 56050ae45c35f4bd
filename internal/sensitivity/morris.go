package sensitivity

import (
	"fmt"
	"math"
	"strings"
)

// MorrisIndex holds the elementary-effect statistics of one factor.
type MorrisIndex struct {
	// MuStar is the mean absolute elementary effect (Campolongo et al.
	// 2007), Mu the mean signed effect and Sigma the standard deviation of
	// the effects with an N−1 denominator (Morris 1991); Sigma is NaN when
	// N < 2.
	MuStar, Mu, Sigma float64
	// MuStarCI is the bootstrap percentile interval of MuStar, resampling
	// whole trajectories ([NaN, NaN] when no resample was requested).
	MuStarCI Interval
	// N is the number of elementary effects of this factor.
	N int
}

// Morris computes elementary-effect screening measures from r trajectories
// of d+1 rows each: x has r*(d+1) rows of d coordinates (unit-hypercube
// values; the range is not checked), y the output of each row, and rows
// t*(d+1) … t*(d+1)+d form trajectory t. Consecutive rows of a trajectory
// must differ in exactly one coordinate i; the step gives the elementary
// effect EE = (y_{k+1} − y_k)/(x_{k+1,i} − x_{k,i}) with the signed step.
// The usual trajectories move each factor once; Morris also accepts a
// factor moving several times in a trajectory (N counts the effects) but
// requires every factor to move at least once overall.
//
// MuStarCI comes from resamples bootstrap resamples of the r trajectories
// (with replacement) with the percentile method at confidence conf; src
// drives the resampling (it may be nil when resamples is 0). The result is
// a deterministic function of the inputs and the state of src.
func Morris(x [][]float64, y []float64, d, resamples int, conf float64, src Source) ([]MorrisIndex, error) {
	if d < 1 {
		return nil, fmt.Errorf("sensitivity: Morris with d = %d factors, want d >= 1", d)
	}
	if err := checkBootstrap(resamples, conf, src); err != nil {
		return nil, err
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("sensitivity: %d design rows but %d outputs", len(x), len(y))
	}
	rowsPer := d + 1
	if len(x) == 0 || len(x)%rowsPer != 0 {
		return nil, fmt.Errorf("sensitivity: %d design rows is not a positive multiple of d+1 = %d (want r*(d+1) rows for r trajectories)", len(x), rowsPer)
	}
	r := len(x) / rowsPer
	for k, row := range x {
		if len(row) != d {
			return nil, fmt.Errorf("sensitivity: design row %d has %d coordinates, want d = %d", k, len(row), d)
		}
		for i, v := range row {
			if !finite(v) {
				return nil, fmt.Errorf("sensitivity: design row %d coordinate %d = %v is not finite", k, i, v)
			}
		}
	}
	for k, v := range y {
		if !finite(v) {
			return nil, fmt.Errorf("sensitivity: output y[%d] = %v (row %d, trajectory %d) is not finite", k, v, k, k/rowsPer)
		}
	}

	// Effects of trajectory t are ee[t*d : (t+1)*d], their factors in fac.
	ee := make([]float64, r*d)
	fac := make([]int, r*d)
	for t := range r {
		for k := range d {
			p := t*rowsPer + k
			prev, next := x[p], x[p+1]
			changed := -1
			var moved []int
			for i := range d {
				if next[i] != prev[i] {
					changed = i
					moved = append(moved, i)
				}
			}
			switch {
			case len(moved) == 0:
				return nil, fmt.Errorf("sensitivity: trajectory %d, row %d (design row %d): no coordinate changes from the previous row, want exactly one", t, k+1, p+1)
			case len(moved) > 1:
				return nil, fmt.Errorf("sensitivity: trajectory %d, row %d (design row %d): coordinates %s change from the previous row, want exactly one", t, k+1, p+1, joinInts(moved))
			}
			effect := (y[p+1] - y[p]) / (next[changed] - prev[changed])
			if !finite(effect) {
				return nil, fmt.Errorf("sensitivity: trajectory %d, row %d (design row %d): elementary effect of factor %d is %v", t, k+1, p+1, changed, effect)
			}
			ee[t*d+k], fac[t*d+k] = effect, changed
		}
	}

	out := make([]MorrisIndex, d)
	sum := make([]float64, d)
	sumAbs := make([]float64, d)
	for k, e := range ee {
		i := fac[k]
		out[i].N++
		sum[i] += e
		sumAbs[i] += math.Abs(e)
	}
	for i := range out {
		if out[i].N == 0 {
			return nil, fmt.Errorf("sensitivity: factor %d never changes in any of the %d trajectories", i, r)
		}
		out[i].Mu = sum[i] / float64(out[i].N)
		out[i].MuStar = sumAbs[i] / float64(out[i].N)
		out[i].Sigma = math.NaN()
	}
	ss := make([]float64, d)
	for k, e := range ee {
		dev := e - out[fac[k]].Mu
		ss[fac[k]] += dev * dev
	}
	for i := range out {
		if out[i].N > 1 {
			out[i].Sigma = math.Sqrt(ss[i] / float64(out[i].N-1))
		}
	}

	boot := make([][]float64, d)
	for i := range boot {
		boot[i] = make([]float64, 0, resamples)
	}
	counts := make([]int, r)
	cnt := make([]float64, d)
	for range resamples {
		resampleCounts(src, counts)
		clear(sumAbs)
		clear(cnt)
		for t, c := range counts {
			if c == 0 {
				continue
			}
			w := float64(c)
			for k := t * d; k < (t+1)*d; k++ {
				sumAbs[fac[k]] += w * math.Abs(ee[k])
				cnt[fac[k]] += w
			}
		}
		for i := range d {
			if cnt[i] > 0 { // a factor may be absent from a resample only in irregular designs
				boot[i] = append(boot[i], sumAbs[i]/cnt[i])
			}
		}
	}
	for i := range out {
		out[i].MuStarCI = percentile(boot[i], conf)
	}
	return out, nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
