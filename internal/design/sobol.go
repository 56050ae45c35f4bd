package design

import (
	_ "embed"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"sync"
)

// Direction numbers.
//
// joe_kuo_6_21201_first1111.txt is the first 1111 lines (the header and
// the rows for dimensions 2..1111) of new-joe-kuo-6.21201, published by
// S. Joe and F. Y. Kuo with "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654,
// https://web.maths.unsw.edu.au/~fkuo/sobol/ — Copyright (c) 2008,
// Frances Y. Kuo and Stephen Joe, redistributed under their BSD-style
// licence, reproduced in joe_kuo_LICENSE.txt. Each row is
//
//	d s a m_1 … m_s
//
// for dimension d: the degree s of its primitive polynomial
// x^s + a_1 x^(s−1) + … + a_(s−1) x + 1 over GF(2), the inner coefficients
// packed as a = a_1…a_(s−1) in binary (a_1 most significant), and the
// initial direction integers m_1 … m_s (m_k odd, m_k < 2^k). Dimension 1 is
// not listed: it is the van der Corput sequence, m_k = 1 for all k.
//
// The rows were transcribed from the copy of the table that SciPy ships
// (scipy/stats/_sobol_direction_numbers.npz, SciPy 1.10.1: arrays
// poly = 2^s + 2a + 1 and vinit = m) and written in the authors' layout
// (8-character columns, a trailing space on every line). The first 1024
// lines are byte-identical to the upstream file: their SHA-256 is
// 52eeb57738dd69f5e1f593f2085c4efb3fb410c3af241d5396d7a2bef60b9257, the
// digest an independent verbatim copy of those lines is pinned to. The
// tests pin the digest of the whole embedded file.
//
//go:embed joe_kuo_6_21201_first1111.txt
var joeKuoText string

// MaxSobolDim is the largest dimension Sobol supports: the number of
// dimensions of the embedded direction-number table.
const MaxSobolDim = 1111

// sobolBits is the width of the direction numbers: point coordinates are
// multiples of 2^−32. Points 0..2^30−1 use only the first 30 of them.
const sobolBits = 32

// sobolPoly is one dimension's row of the table.
type sobolPoly struct {
	s int      // degree of the primitive polynomial
	a uint32   // its inner coefficients a_1…a_(s−1), a_1 most significant
	m []uint32 // initial direction integers m_1..m_s
}

// joeKuo returns the parsed table: element j is dimension j+2. The table
// is embedded, so a malformed row is a build defect and panics.
var joeKuo = sync.OnceValue(func() []sobolPoly {
	polys, err := parseJoeKuo(joeKuoText)
	if err != nil {
		panic(err)
	}
	if len(polys) != MaxSobolDim-1 {
		panic(fmt.Sprintf("design: direction table has %d dimensions, want %d", len(polys)+1, MaxSobolDim))
	}
	return polys
})

// parseJoeKuo parses text in the layout of new-joe-kuo-6.21201: a header
// line, then rows "d s a m_1 … m_s" for d = 2, 3, ….
func parseJoeKuo(text string) ([]sobolPoly, error) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "d") {
		return nil, fmt.Errorf("design: direction table: missing header")
	}
	polys := make([]sobolPoly, 0, len(lines)-1)
	for i, line := range lines[1:] {
		dim := i + 2
		f := strings.Fields(line)
		nums := make([]uint64, len(f))
		for k, s := range f {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("design: direction table, dimension %d: %v", dim, err)
			}
			nums[k] = v
		}
		if len(nums) < 4 || nums[0] != uint64(dim) {
			return nil, fmt.Errorf("design: direction table: malformed row for dimension %d: %q", dim, line)
		}
		s, a := int(nums[1]), nums[2]
		if s < 1 || s >= sobolBits || len(nums) != 3+s || a >= 1<<(s-1) {
			return nil, fmt.Errorf("design: direction table, dimension %d: degree %d, coefficients %d and %d initial numbers disagree", dim, s, a, len(nums)-3)
		}
		p := sobolPoly{s: s, a: uint32(a), m: make([]uint32, s)}
		for k := range p.m {
			m := nums[3+k]
			if m%2 == 0 || m >= 1<<(k+1) {
				return nil, fmt.Errorf("design: direction table, dimension %d: m_%d = %d is not odd and below 2^%d", dim, k+1, m, k+1)
			}
			p.m[k] = uint32(m)
		}
		polys = append(polys, p)
	}
	return polys, nil
}

// directions returns the direction numbers V_1..V_32 of dimension j+1
// (j counted from 0) as 32-bit fractions: v[k] = V_(k+1)·2^32.
//
// With V_k = m_k/2^k, the recurrence of Bratley & Fox (1988),
//
//	m_k = 2a_1 m_(k−1) ⊕ 4a_2 m_(k−2) ⊕ … ⊕ 2^(s−1) a_(s−1) m_(k−s+1) ⊕ 2^s m_(k−s) ⊕ m_(k−s),
//
// becomes V_k = a_1 V_(k−1) ⊕ … ⊕ a_(s−1) V_(k−s+1) ⊕ V_(k−s) ⊕ (V_(k−s) >> s).
func directions(j int) [sobolBits]uint32 {
	var v [sobolBits]uint32
	if j == 0 {
		for k := range v {
			v[k] = 1 << (sobolBits - 1 - k)
		}
		return v
	}
	p := joeKuo()[j-1]
	for k := 0; k < sobolBits; k++ {
		if k < p.s {
			v[k] = p.m[k] << (sobolBits - 1 - k)
			continue
		}
		x := v[k-p.s] ^ v[k-p.s]>>p.s
		for t := 1; t < p.s; t++ {
			if p.a>>(p.s-1-t)&1 == 1 {
				x ^= v[k-t]
			}
		}
		v[k] = x
	}
	return v
}

// Sobol returns the first n points (rows) of the d-dimensional Sobol
// sequence, unscrambled, with Joe & Kuo's direction numbers
// (new-joe-kuo-6.21201), in Gray-code order (Antonov & Saleev 1979):
// point 0 is the origin and point i is point i−1 with V_c XORed into every
// coordinate, c being the position of the lowest zero bit of i−1. Point i
// thus equals the XOR of the V_k over the set bits k of gray(i) = i ⊕ i>>1,
// which for n = 2^m is a reordering of the first 2^m points in natural
// order.
//
// d must lie in [1, MaxSobolDim] and n in [1, MaxPoints]. Coordinates are
// multiples of 2^−32 in [0,1), exactly representable.
func Sobol(n, d int) ([][]float64, error) {
	if err := checkRange("Sobol", "d", d, 1, MaxSobolDim); err != nil {
		return nil, err
	}
	if err := checkRange("Sobol", "n", n, 1, MaxPoints); err != nil {
		return nil, err
	}
	return sobol(n, d), nil
}

// sobol generates the points for valid n and d.
func sobol(n, d int) [][]float64 {
	v := make([][sobolBits]uint32, d)
	for j := range v {
		v[j] = directions(j)
	}
	x := make([]uint32, d)
	rows, _ := newRows(n, d)
	const scale = 1.0 / (1 << sobolBits)
	for i := 1; i < n; i++ {
		c := bits.TrailingZeros(^uint(i - 1)) // lowest zero bit of i−1, from 0
		row := rows[i]
		for j := range x {
			x[j] ^= v[j][c]
			row[j] = float64(x[j]) * scale
		}
	}
	return rows
}
