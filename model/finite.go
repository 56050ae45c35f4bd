package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// FiniteMax is the largest population the exact chain is built for: its
// cost grows as N⁵ (on one core: 0.4 s at N = 60, 4 s at N = 100; odd N,
// with four pairing cases, costs three to four times as much), its
// matrix as N².
const FiniteMax = 100

// negligible is the probability below which a (n_A, S, C) cell of a row
// is not expanded into its binomial: a row has at most (N + 2)³ cells in
// each of at most four pairing cases, so at N = 100 the dropped mass is
// below 4·102³·1e-22 < 1e-15.
const negligible = 1e-22

// FiniteChain is the exact one-generation transition matrix of the number
// of A juveniles in a well-mixed population of N (MODEL.md §2, as
// sim.WellMixed runs it; Diffusion approximates it for large N).
//
// The state is k, the number of A among the N juveniles. Given k, one
// generation is:
//
//  1. pairing: a uniformly random perfect matching of the N juveniles
//     (the engine's juveniles are exchangeable, so pairing neighbours in
//     its array is one). With odd N the last juvenile, A with probability
//     k/N, plays a uniformly random other one, who is not paid again;
//  2. horizontal transmission: every juvenile independently takes as its
//     donor its partner (α) or a uniformly random member of the
//     generation (A with probability k/N), and adopts a differing donor's
//     phenotype with T_A or T_B. A juvenile whose own phenotype is s and
//     whose partner's is t is therefore A as an adult with probability
//     π(s, t), and has fitness f(s, t) = 1 + b·t − c·s;
//  3. reproduction: the N offspring are independent, each A with
//     probability q = v·W_A/W + (1 − v)·n_A/N, where n_A counts A adults,
//     W_A their summed fitness and W everyone's.
//
// So P(k → k′) = E[Binomial(N, q)(k′)], the expectation over the number
// of A–A pairs and the four classes' adult counts. Given the pairing, the
// adult counts of the classes are independent binomials; q depends on
// them only through (n_A, S, C): S adults had an A partner, C were A
// juveniles, W_A = n_A + b·S − c·C. The chain sums the probability of
// every (n_A, S, C) and then the binomial of its q: exact, to floating
// point, with no sampling.
type FiniteChain struct {
	Params Params
	N      int
	// P[k][k′] is the probability of k′ A juveniles in the next generation
	// given k in this one, for k, k′ in 0…N. Rows 0 and N are absorbing.
	P *mat.Dense
}

// NewFiniteChain builds the chain of N agents, 2 ≤ N ≤ FiniteMax.
func NewFiniteChain(p Params, n int) (*FiniteChain, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if n < 2 || n > FiniteMax {
		return nil, &FieldError{Path: "finite", Value: n, Domain: fmt.Sprintf("[2, %d] for the exact chain", FiniteMax)}
	}
	c := &FiniteChain{Params: p, N: n, P: mat.NewDense(n+1, n+1, nil)}
	lf := logFactorials(n)
	row := make([]float64, n+1)
	for k := 0; k <= n; k++ {
		transitionRow(p, n, k, lf, row)
		c.P.SetRow(k, row)
	}
	return c, nil
}

// logFactorials returns log(i!) for i in 0…n.
func logFactorials(n int) []float64 {
	lf := make([]float64, n+1)
	for i := 2; i <= n; i++ {
		lf[i] = lf[i-1] + math.Log(float64(i))
	}
	return lf
}

// fitClass is the fitness of class self<<1 | partner (as sim indexes it).
func fitClass(p Params, cl int) float64 {
	return p.Fitness(Phenotype(cl>>1), Phenotype(cl&1))
}

// adoptClass is π: the probability that a juvenile of class self<<1 |
// partner is A as an adult, when a random donor is A with probability x.
func adoptClass(p Params, cl int, x float64) float64 {
	a := p.Alpha
	switch cl {
	case 0: // B meeting B: only a random A donor converts it
		return (1 - a) * x * p.TA
	case 1: // B meeting A
		return (a + (1-a)*x) * p.TA
	case 2: // A meeting B
		return 1 - (a+(1-a)*(1-x))*p.TB
	default: // A meeting A
		return 1 - (1-a)*(1-x)*p.TB
	}
}

// pairingCase is one way the pairing can fall: with probability weight,
// the classes hold n[cl] juveniles.
type pairingCase struct {
	weight float64
	n      [4]int
}

// pairings lists the pairings of n juveniles of which k are A (see the
// file's comment), by the number of A–A pairs and, for odd n, the last
// juvenile's phenotype and its partner's.
func pairings(n, k int, lf []float64) []pairingCase {
	var out []pairingCase
	add := func(w float64, m, a int, extra int) {
		// m juveniles (m even), a of them A, in a uniform random matching.
		ldf := func(r2 int) float64 { // log((r2 − 1)!!) for even r2
			r := r2 / 2
			return lf[r2] - float64(r)*math.Ln2 - lf[r]
		}
		lchoose := func(x, y int) float64 { return lf[x] - lf[y] - lf[x-y] }
		for j := max(0, a-m/2); 2*j <= a; j++ {
			mixed := a - 2*j
			lc := lchoose(a, 2*j) + ldf(2*j) + lchoose(m-a, mixed) + lf[mixed] + ldf(m-a-mixed) - ldf(m)
			pc := pairingCase{weight: w * math.Exp(lc)}
			pc.n[3] = 2 * j
			pc.n[2], pc.n[1] = mixed, mixed
			pc.n[0] = m - a - mixed
			if extra >= 0 {
				pc.n[extra]++
			}
			out = append(out, pc)
		}
	}
	if n%2 == 0 {
		add(1, n, k, -1)
		return out
	}
	m := n - 1
	for last := 0; last <= 1; last++ {
		wl := float64(k) / float64(n)
		if last == 0 {
			wl = 1 - wl
		}
		a := k - last
		if wl == 0 || a < 0 || a > m {
			continue
		}
		for partner := 0; partner <= 1; partner++ {
			wp := float64(a) / float64(m)
			if partner == 0 {
				wp = 1 - wp
			}
			if wp > 0 {
				add(wl*wp, m, a, last<<1|partner)
			}
		}
	}
	return out
}

// binomialPMF writes the Binomial(len(out) − 1, q) probabilities to out:
// the mode from logarithms, the others by the ratio of neighbours
// (relative error about n·ε), stopping where they underflow.
func binomialPMF(q float64, lf []float64, out []float64) {
	n := len(out) - 1
	clear(out)
	switch {
	case q <= 0:
		out[0] = 1
		return
	case q >= 1:
		out[n] = 1
		return
	}
	mode := min(n, int(float64(n+1)*q))
	out[mode] = math.Exp(lf[n] - lf[mode] - lf[n-mode] + float64(mode)*math.Log(q) + float64(n-mode)*math.Log1p(-q))
	up, down := q/(1-q), (1-q)/q
	for i := mode; i < n && out[i] != 0; i++ {
		out[i+1] = out[i] * (float64(n-i) / float64(i+1) * up)
	}
	for i := mode; i > 0 && out[i] != 0; i-- {
		out[i-1] = out[i] * (float64(i) / float64(n-i+1) * down)
	}
}

// transitionRow writes P(k → ·) for n agents to row.
func transitionRow(p Params, n, k int, lf, row []float64) {
	clear(row)
	x := float64(k) / float64(n)
	var pi, fit [4]float64
	for cl := range 4 {
		pi[cl], fit[cl] = adoptClass(p, cl, x), fitClass(p, cl)
	}
	// Mass of (S, C, n_A) for one value of W; S, C ≤ k + 1.
	dim := k + 2
	mass := make([]float64, dim*dim*(n+1))
	pmf := [4][]float64{}
	for cl := range pmf {
		pmf[cl] = make([]float64, n+1)
	}
	next := make([]float64, n+1)
	flush := func(W float64) {
		for s := range dim {
			for c := range dim {
				cell := mass[(s*dim+c)*(n+1) : (s*dim+c+1)*(n+1)]
				for nA, m := range cell {
					if m < negligible {
						// Dropping every such mass moves a row's sum by
						// less than 1e-14.
						cell[nA] = 0
						continue
					}
					// W_A = Σ_adults (1 + b·[partner A] − c·[was A]);
					// the engine sums it by class, which rounds alike
					// but for the last bits, except with every adult A,
					// when its W_A is its W and q is exactly 1.
					WA := float64(nA) + float64(p.B*float64(s)) - float64(p.C*float64(c))
					q := p.OffspringA(WA, W, nA, n)
					if nA == n {
						q = 1
					}
					binomialPMF(q, lf, next)
					for i, b := range next {
						row[i] += float64(m * b)
					}
					cell[nA] = 0
				}
			}
		}
	}
	cases := pairings(n, k, lf)
	for i, pc := range cases {
		for cl := range 4 {
			binomialPMF(pi[cl], lf, pmf[cl][:pc.n[cl]+1])
		}
		p3, p2, p1, p0 := pmf[3][:pc.n[3]+1], pmf[2][:pc.n[2]+1], pmf[1][:pc.n[1]+1], pmf[0][:pc.n[0]+1]
		for a3, w3 := range p3 { // A meeting A
			for a2, w2 := range p2 { // A meeting B
				for a1, w1 := range p1 { // B meeting A
					w := pc.weight * w3 * w2 * w1
					if w == 0 {
						continue
					}
					s, c := a3+a1, a3+a2
					cell := mass[(s*dim+c)*(n+1)+a3+a2+a1:]
					for a0, w0 := range p0 {
						cell[a0] += w * w0
					}
				}
			}
		}
		// W depends on the case only through its class counts; even n has
		// one W for all cases, odd n one per (last, partner).
		W := wOf(pc, fit)
		if i == len(cases)-1 || wOf(cases[i+1], fit) != W {
			flush(W)
		}
	}
}

// wOf is the summed fitness W of a pairing case's juveniles.
func wOf(pc pairingCase, fit [4]float64) float64 {
	W := 0.0
	for cl := range 4 {
		W += float64(pc.n[cl]) * fit[cl]
	}
	return W
}

// FiniteAnalysis is what the chain says about fixation and persistence.
type FiniteAnalysis struct {
	// Fixation[k] is the probability that A fixes from k A juveniles
	// (0 at k = 0, 1 at k = N); FixationB[k] that B fixes, solved on its
	// own rather than as 1 − Fixation[k], so that a small probability of
	// either keeps its digits (down to about Condition·1e-16 of the
	// largest).
	Fixation, FixationB []float64
	// RhoA is Fixation[1], the fixation probability of one cooperator,
	// against the neutral 1/N; RhoB that of one defector among N − 1
	// cooperators, FixationB[N−1].
	RhoA, RhoB float64
	// AbsorptionTime[k] is the mean number of generations until one
	// phenotype fixes, from k.
	AbsorptionTime []float64
	// QuasiStationary[k] (k in 1…N−1; 0 at 0 and N) is the distribution of
	// k among populations that have not yet fixed, in the long run;
	// Persistence is its per-generation probability of not fixing, the
	// largest eigenvalue of the chain restricted to 1…N−1, and
	// MeanQuasiStationaryTime = 1/(1 − Persistence) the mean time to
	// fixation from it.
	QuasiStationary         []float64
	Persistence             float64
	MeanQuasiStationaryTime float64
	// Condition is the condition number of I − Q (Q: the chain on 1…N−1);
	// above about 1e12 the solutions lose digits (fixation is then so slow
	// that it is, in practice, never seen).
	Condition float64
}

// ErrNoTransient is returned for a chain without transient states, one
// where fixation can never happen from inside, or one whose absorption
// equations are singular.
var ErrNoTransient = errors.New("model: the chain's absorption equations are singular (fixation never happens from some start)")

// Analyze solves the chain's absorption equations: (I − Q)φ = r with r
// the one-step probabilities of reaching N, (I − Q)τ = 1, and, by inverse
// iteration on (I − Q)ᵀ, the quasi-stationary distribution.
func (c *FiniteChain) Analyze() (FiniteAnalysis, error) {
	n := c.N
	m := n - 1
	out := FiniteAnalysis{Fixation: make([]float64, n+1), FixationB: make([]float64, n+1), AbsorptionTime: make([]float64, n+1), QuasiStationary: make([]float64, n+1)}
	out.Fixation[n], out.FixationB[0] = 1, 1
	a := mat.NewDense(m, m, nil)
	r := mat.NewVecDense(m, nil)  // one step to N
	r0 := mat.NewVecDense(m, nil) // one step to 0
	ones := mat.NewVecDense(m, nil)
	for i := range m {
		for j := range m {
			v := -c.P.At(i+1, j+1)
			if i == j {
				v++
			}
			a.Set(i, j, v)
		}
		r.SetVec(i, c.P.At(i+1, n))
		r0.SetVec(i, c.P.At(i+1, 0))
		ones.SetVec(i, 1)
	}
	var lu mat.LU
	lu.Factorize(a)
	out.Condition = lu.Cond()
	if math.IsInf(out.Condition, 1) || math.IsNaN(out.Condition) {
		return out, ErrNoTransient
	}
	var phi, phiB, tau mat.VecDense
	if err := lu.SolveVecTo(&phi, false, r); err != nil {
		return out, fmt.Errorf("%w: %v", ErrNoTransient, err)
	}
	if err := lu.SolveVecTo(&phiB, false, r0); err != nil {
		return out, fmt.Errorf("%w: %v", ErrNoTransient, err)
	}
	if err := lu.SolveVecTo(&tau, false, ones); err != nil {
		return out, fmt.Errorf("%w: %v", ErrNoTransient, err)
	}
	for i := range m {
		out.Fixation[i+1] = math.Min(1, math.Max(0, phi.AtVec(i)))
		out.FixationB[i+1] = math.Min(1, math.Max(0, phiB.AtVec(i)))
		out.AbsorptionTime[i+1] = tau.AtVec(i)
	}
	out.RhoA, out.RhoB = out.Fixation[1], out.FixationB[n-1]
	// Inverse iteration: (I − Q)ᵀ y = x converges to the left eigenvector
	// of Q of its largest eigenvalue λ (the smallest, 1 − λ, of I − Q).
	y := mat.NewVecDense(m, nil)
	for i := range m {
		y.SetVec(i, 1/float64(m))
	}
	var z mat.VecDense
	mu := 0.0
	for it := 0; it < 500; it++ {
		if err := lu.SolveVecTo(&z, true, y); err != nil {
			return out, fmt.Errorf("%w: %v", ErrNoTransient, err)
		}
		sum := mat.Sum(&z)
		z.ScaleVec(1/sum, &z)
		diff := 0.0
		for i := range m {
			diff += math.Abs(z.AtVec(i) - y.AtVec(i))
		}
		y.CopyVec(&z)
		mu = 1 / sum // y sums to 1, so (I − Q)ᵀ⁻¹y sums to 1/μ
		if diff < 1e-15 {
			break
		}
	}
	for i := range m {
		out.QuasiStationary[i+1] = y.AtVec(i)
	}
	out.Persistence = 1 - mu
	out.MeanQuasiStationaryTime = 1 / mu
	return out, nil
}

// FiniteRegion is a named parameter set.
type FiniteRegion struct {
	Name   string
	Params Params
}

// FiniteRegions are parameter sets, one in each region of MODEL.md §4 in
// the order cooperation, defection, coexistence, bistable, with selection
// weak enough (|β1|, |β3| ≤ 0.04) that populations of tens are neither
// neutral nor deterministic. Coexistence is Figure 4c's T_A, T_B, c and
// effective α in a well-mixed population; bistable swaps its T_A and T_B
// and raises c to 0.21.
var FiniteRegions = []FiniteRegion{
	{"cooperation", Params{B: 1.5, C: 0.05, V: 1, Alpha: 0.1, TA: 0.3, TB: 0.3}},
	{"defection", Params{B: 1.5, C: 0.08, V: 1, Alpha: 0.1, TA: 0.3, TB: 0.3}},
	{"coexistence", Params{B: 1.3, C: 0.02, V: 1, Alpha: 0.125, TA: 0.4, TB: 0.435}},
	{"bistable", Params{B: 1.3, C: 0.21, V: 1, Alpha: 0.125, TA: 0.435, TB: 0.4}},
}
