package design

import "fmt"

// Saltelli returns the sampling matrix of Saltelli (2010) for estimating
// first-order and total Sobol sensitivity indices of d parameters, without
// second-order terms, from n base points.
//
// The base matrices A and B (n×d each) are the first d and the last d
// columns of points 1..n of the 2d-dimensional Sobol sequence (point 0, the
// origin, is skipped). The result has n blocks of d+2 rows,
//
//	A_j, AB_j^(1), …, AB_j^(d), B_j    (j = 0..n−1),
//
// where AB^(i) is A with column i taken from B: n·(d+2) rows in all.
//
// d must lie in [1, MaxSobolDim/2], n in [1, MaxPoints−1], and n·(d+2) must
// not exceed MaxPoints.
func Saltelli(n, d int) ([][]float64, error) {
	if d < 1 || 2*d > MaxSobolDim {
		return nil, &ArgError{Func: "Saltelli", Arg: "d", Value: d,
			Want: fmt.Sprintf("1 <= d <= %d (2d <= MaxSobolDim)", MaxSobolDim/2)}
	}
	if err := checkRange("Saltelli", "n", n, 1, MaxPoints-1); err != nil {
		return nil, err
	}
	if err := checkRows("Saltelli", "n*(d+2)", n, d+2); err != nil {
		return nil, err
	}
	base := sobol(n+1, 2*d)
	rows, _ := newRows(n*(d+2), d)
	for j := 0; j < n; j++ {
		a, b := base[j+1][:d], base[j+1][d:]
		block := rows[j*(d+2) : (j+1)*(d+2)]
		copy(block[0], a)
		for i := 1; i <= d; i++ {
			copy(block[i], a)
			block[i][i-1] = b[i-1]
		}
		copy(block[d+1], b)
	}
	return rows, nil
}
