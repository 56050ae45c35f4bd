package sensitivity

import (
	"fmt"
	"math"
)

// SobolIndex holds the variance-based indices of one factor.
type SobolIndex struct {
	// S1 is the first-order index: V_i/V with
	// V_i ≈ (1/n) Σ_j f(B)_j (f(AB^(i))_j − f(A)_j) (Saltelli et al. 2010,
	// Table 2 (b)). ST is the total index: VT_i/V with
	// VT_i ≈ (1/2n) Σ_j (f(A)_j − f(AB^(i))_j)² (Jansen 1999). V is the
	// variance (1/2n denominator) of the 2n values f(A) and f(B).
	S1, ST float64
	// S1CI and STCI are bootstrap percentile intervals at the requested
	// confidence ([NaN, NaN] when no resample was requested or usable).
	S1CI, STCI Interval
}

// Sobol estimates the first-order and total indices of d factors from
// outputs in the Saltelli (2010) layout without second-order terms: n
// blocks of d+2 values, block j being f(A_j), f(AB^(1)_j), …, f(AB^(d)_j),
// f(B_j), so len(y) must be n*(d+2) with n >= 2.
//
// The intervals come from resamples bootstrap resamples of the n blocks
// (with replacement, each resample re-estimating V, V_i and VT_i), with
// the percentile method at confidence conf (e.g. 0.95). src drives the
// resampling; the result is a deterministic function of the inputs and the
// state of src. resamples may be 0 (src may then be nil); the intervals
// are then [NaN, NaN]. A resample whose f(A) and f(B) values are all equal
// has no defined ratio and is left out of the percentiles.
//
// Degenerate outputs: if every value of y is the same, the output depends
// on no factor, and Sobol returns S1 = ST = 0 with intervals [0, 0] and no
// error. If only the f(A) and f(B) values are constant while some f(AB)
// value differs, the ratios are undefined and the error wraps
// ErrNoVariance. A NaN or infinite output is an error naming its index in
// y, which is also its row in the design.
func Sobol(y []float64, d, resamples int, conf float64, src Source) ([]SobolIndex, error) {
	if d < 1 {
		return nil, fmt.Errorf("sensitivity: Sobol with d = %d factors, want d >= 1", d)
	}
	if err := checkBootstrap(resamples, conf, src); err != nil {
		return nil, err
	}
	stride := d + 2
	if len(y)%stride != 0 {
		return nil, fmt.Errorf("sensitivity: len(y) = %d is not a multiple of d+2 = %d (want n*(d+2) outputs for n base rows)", len(y), stride)
	}
	n := len(y) / stride
	if n < 2 {
		return nil, fmt.Errorf("sensitivity: len(y) = %d gives n = %d base rows of d+2 = %d outputs, want n >= 2", len(y), n, stride)
	}
	for k, v := range y {
		if !finite(v) {
			return nil, fmt.Errorf("sensitivity: output y[%d] = %v (row %d: base row %d, %s) is not finite", k, v, k, k/stride, saltelliLabel(k%stride, d))
		}
	}

	out := make([]SobolIndex, d)
	if constant(y) {
		return out, nil // all zero: S1 = ST = 0, intervals [0, 0]
	}

	e := newSobolEstimator(y, d, n)
	s1 := make([]float64, d)
	st := make([]float64, d)
	if !e.estimate(nil, s1, st) {
		return nil, fmt.Errorf("sensitivity: f(A) and f(B) all equal %v over n = %d base rows but some f(AB) differs: %w", y[0], n, ErrNoVariance)
	}
	for i := range out {
		out[i].S1, out[i].ST = s1[i], st[i]
	}

	s1Boot := make([][]float64, d)
	stBoot := make([][]float64, d)
	for i := range d {
		s1Boot[i] = make([]float64, 0, resamples)
		stBoot[i] = make([]float64, 0, resamples)
	}
	counts := make([]int, n)
	for range resamples {
		resampleCounts(src, counts)
		if !e.estimate(counts, s1, st) {
			continue
		}
		for i := range d {
			s1Boot[i] = append(s1Boot[i], s1[i])
			stBoot[i] = append(stBoot[i], st[i])
		}
	}
	for i := range out {
		out[i].S1CI = percentile(s1Boot[i], conf)
		out[i].STCI = percentile(stBoot[i], conf)
	}
	return out, nil
}

// saltelliLabel names position p of a block of d+2 outputs.
func saltelliLabel(p, d int) string {
	switch p {
	case 0:
		return "f(A)"
	case d + 1:
		return "f(B)"
	default:
		return fmt.Sprintf("f(AB^(%d)) of factor %d", p, p-1)
	}
}

func constant(y []float64) bool {
	for _, v := range y {
		if v != y[0] {
			return false
		}
	}
	return true
}

// sobolEstimator evaluates the estimators on the full sample or on a
// weighted (bootstrap) sample of the n blocks.
type sobolEstimator struct {
	y      []float64
	d, n   int
	shift  float64 // mean of all f(A), f(B): centres the variance sums
	v1, vt []float64
}

func newSobolEstimator(y []float64, d, n int) *sobolEstimator {
	stride := d + 2
	sum := 0.0
	for j := range n {
		sum += y[j*stride] + y[j*stride+d+1]
	}
	return &sobolEstimator{y: y, d: d, n: n, shift: sum / float64(2*n),
		v1: make([]float64, d), vt: make([]float64, d)}
}

// estimate writes the indices of the sample in which block j has weight
// counts[j] (weight 1 for all when counts is nil) into s1 and st. It
// reports false, leaving s1 and st unspecified, when the weighted f(A) and
// f(B) values are all equal.
func (e *sobolEstimator) estimate(counts []int, s1, st []float64) bool {
	d, stride := e.d, e.d+2
	clear(e.v1)
	clear(e.vt)
	var total, sumC, sumC2 float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for j := range e.n {
		w := 1.0
		if counts != nil {
			if counts[j] == 0 {
				continue
			}
			w = float64(counts[j])
		}
		block := e.y[j*stride : (j+1)*stride]
		a, b := block[0], block[d+1]
		lo, hi = min(lo, a, b), max(hi, a, b)
		ac, bc := a-e.shift, b-e.shift
		total += w
		sumC += w * (ac + bc)
		sumC2 += w * (ac*ac + bc*bc)
		for i, ab := range block[1 : d+1] {
			diff := ab - a
			// f(B) centred: Σ f(B)(f(AB)−f(A)) has expectation V_i
			// either way, but an output far from 0 (a frequency near 0.7)
			// makes the uncentred sum many times noisier.
			e.v1[i] += w * bc * diff
			e.vt[i] += w * diff * diff
		}
	}
	if !(hi > lo) {
		return false
	}
	m := sumC / (2 * total)
	variance := sumC2/(2*total) - m*m
	if !(variance > 0) { // rounding on nearly constant outputs
		return false
	}
	for i := range d {
		s1[i] = e.v1[i] / total / variance
		st[i] = e.vt[i] / (2 * total) / variance
	}
	return true
}
