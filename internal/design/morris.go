package design

import (
	"fmt"
	"math/rand/v2"
)

// MaxMorrisLevels bounds the number of grid levels p of Morris.
const MaxMorrisLevels = 1 << 20

// Morris returns r trajectories for the elementary-effects screening
// method of Morris (1991), in the form of Campolongo, Cariboni & Saltelli
// (2007), on the p-level grid {0, 1/(p−1), …, 1} with jump
// Δ = p/(2(p−1)).
//
// Each trajectory has d+1 rows. Its base point takes each coordinate
// uniformly from the levels ℓ/(p−1), ℓ = 0..p/2−1, from which a jump of +Δ
// (p/2 levels) stays on the grid; each coordinate's direction, up or down,
// is a fair coin; and the order in which the coordinates move is a uniform
// random permutation. A coordinate moving down starts at its base level
// plus p/2 and ends at the base level; one moving up does the reverse. So
// consecutive rows differ in exactly one coordinate, by exactly p/2 grid
// levels (±Δ up to the rounding of ℓ/(p−1)), and every coordinate moves
// exactly once. Trajectory t occupies rows t·(d+1) … t·(d+1)+d; all draws
// come from src.
//
// p must be even with 2 <= p <= MaxMorrisLevels (4 is the usual choice),
// r and d at least 1 with r·(d+1) <= MaxPoints, and src must not be nil.
func Morris(r, d, p int, src Source) ([][]float64, error) {
	if p < 2 || p > MaxMorrisLevels || p%2 != 0 {
		return nil, &ArgError{Func: "Morris", Arg: "p", Value: p,
			Want: fmt.Sprintf("an even number with 2 <= p <= %d", MaxMorrisLevels)}
	}
	if err := checkRange("Morris", "d", d, 1, MaxPoints-1); err != nil {
		return nil, err
	}
	if err := checkRange("Morris", "r", r, 1, MaxPoints); err != nil {
		return nil, err
	}
	if err := checkRows("Morris", "r*(d+1)", r, d+1); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, ErrNilSource
	}
	rnd := rand.New(src)
	half := p / 2
	step := float64(p - 1)
	rows, _ := newRows(r*(d+1), d)
	level := make([]int, d) // current grid level of each coordinate
	up := make([]bool, d)
	for t := 0; t < r; t++ {
		for i := range level {
			base := rnd.IntN(half)
			up[i] = rnd.IntN(2) == 1
			if up[i] {
				level[i] = base
			} else {
				level[i] = base + half
			}
		}
		order := rnd.Perm(d)
		traj := rows[t*(d+1) : (t+1)*(d+1)]
		for s := 0; ; s++ {
			for i, l := range level {
				traj[s][i] = float64(l) / step
			}
			if s == d {
				break
			}
			i := order[s]
			if up[i] {
				level[i] += half
			} else {
				level[i] -= half
			}
		}
	}
	return rows, nil
}
