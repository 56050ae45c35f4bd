package design

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// MaxHaltonDim is the largest dimension Halton supports: gonum's Halton
// sampler knows the first 1000 primes, one base per dimension.
const MaxHaltonDim = 1000

// below1 is the largest float64 below 1.
var below1 = math.Nextafter(1, 0)

// Halton returns n points of the d-dimensional Halton sequence (bases
// 2, 3, 5, … for columns 0, 1, 2, …), scrambled by Owen's randomised van
// der Corput method (one random digit permutation per base and digit
// position, drawn from src) through gonum's samplemv.Halton. A coordinate
// that rounds up to 1 is moved to the largest float64 below 1, so every
// point lies in [0,1)^d.
//
// For n = b^k, column j (base b) has exactly one point in each
// [t/b^k, (t+1)/b^k). d must lie in [1, MaxHaltonDim], n in [1, MaxPoints],
// and src must not be nil.
func Halton(n, d int, src Source) ([][]float64, error) {
	if err := checkRange("Halton", "d", d, 1, MaxHaltonDim); err != nil {
		return nil, err
	}
	if err := checkRange("Halton", "n", n, 1, MaxPoints); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, ErrNilSource
	}
	rows, data := newRows(n, d)
	// gonum adds the scrambled digits into the batch, which starts at zero.
	h := samplemv.Halton{Kind: samplemv.Owen, Q: distmv.NewUnitUniform(d, src), Src: src}
	h.Sample(mat.NewDense(n, d, data))
	for i, v := range data {
		if v >= 1 {
			data[i] = below1
		}
	}
	return rows, nil
}

// LatinHypercube returns a Latin hypercube design of n points in d
// dimensions, drawn from src through gonum's samplemv.LatinHypercube with a
// unit uniform quantiler: on every axis each of the n strata [k/n, (k+1)/n)
// holds exactly one point, uniformly placed within it, and the strata are
// matched across axes by independent random permutations.
//
// A coordinate x lies in stratum floor(x·n), evaluated in float64. gonum
// computes u/n + k/n, which rounding can carry onto the stratum's upper
// edge; such a coordinate is moved back by an ulp or two so that the
// stratum property holds exactly under that definition.
//
// d must lie in [1, MaxPoints], n in [1, MaxPoints], n·d ≤ MaxPoints, and
// src must not be nil.
func LatinHypercube(n, d int, src Source) ([][]float64, error) {
	if err := checkRange("LatinHypercube", "d", d, 1, MaxPoints); err != nil {
		return nil, err
	}
	if err := checkRange("LatinHypercube", "n", n, 1, MaxPoints); err != nil {
		return nil, err
	}
	if err := checkRows("LatinHypercube", "n*d", n, d); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, ErrNilSource
	}
	rows, data := newRows(n, d)
	l := samplemv.LatinHypercube{Q: distmv.NewUnitUniform(d, src), Src: src}
	l.Sample(mat.NewDense(n, d, data))
	fixStrata(rows, d)
	return rows, nil
}

// stratum returns the index of the stratum [k/n, (k+1)/n) holding x.
func stratum(x float64, n int) int {
	return int(math.Floor(x * float64(n)))
}

// fixStrata makes column j of rows, a Latin hypercube up to rounding at the
// strata edges, one exactly: in each column the k-th smallest value is
// stepped by ulps into stratum k. stratum is monotone in x, so each step
// moves the right way, and gonum's values are at most an ulp or so off.
func fixStrata(rows [][]float64, d int) {
	n := len(rows)
	order := make([]int, n)
	for j := 0; j < d; j++ {
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(rows[a][j], rows[b][j]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		for k, i := range order {
			x := rows[i][j]
			for steps := 0; stratum(x, n) != k; steps++ {
				if steps == 64 {
					panic("design: Latin hypercube coordinate far outside its stratum")
				}
				if stratum(x, n) > k {
					x = math.Nextafter(x, math.Inf(-1))
				} else {
					x = math.Nextafter(x, math.Inf(1))
				}
			}
			rows[i][j] = x
		}
	}
}
