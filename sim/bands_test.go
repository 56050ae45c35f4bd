package sim

import (
	"fmt"
	"slices"
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// TestBandsMatchPlay holds banded play to play's batches: the same
// generations, from the same seed, by bands and without, must leave the
// same phenotypes, counters, fitness, statistics and generator, bit for
// bit. Small bands (8 and 11 rows, the last band partial) put many band
// edges on small lattices; the shapes are both neighbourhoods and both
// boundaries, 16- and 64-bit counters, and initiation 1/2, 1/4 and 1;
// banded play runs both by its assembly kernel and by its Go loop.
func TestBandsMatchPlay(t *testing.T) {
	// 28 and 39 end in a last band of H/2 + 1 rows for H = 11, whose
	// deferred initiators of the last row only a correct shifted band
	// holds (a bug once dropped them).
	shapes := append(boxShapes(16, 37, 100, 28, 39),
		shape{"L60-rounds4", LatticeConfig{Side: 60, Rounds: 4}}, // 64-bit counters
		shape{"L60-rounds3", LatticeConfig{Side: 60, Rounds: 3}}, // 16-bit counters, the kernel's, over rounds
		shape{"L60-init1", LatticeConfig{Side: 60, Initiation: 1}},
		shape{"L60-init0.25-local", LatticeConfig{Side: 60, Initiation: 0.25, Selection: Local}},
	)
	params := fig4cParams
	params.TA, params.TB = 0.3, 0.65
	defer func(b, m int) { bandBytes, minBandRows = b, m }(bandBytes, minBandRows)
	minBandRows = 8
	for _, s := range shapes {
		for _, H := range []int{8, 11} {
			if 2*H > s.cfg.Side {
				continue // one band: play's batches serve
			}
			t.Run(fmt.Sprintf("%s-H%d", s.name, H), func(t *testing.T) {
				run := func(on, kernel bool) (tr stateTrace, stats []GenStats, next uint64, deferred [2]int) {
					bandsOn, kernelOn = on, kernel && kernelAsm
					defer func() { bandsOn, kernelOn = true, kernelAsm }()
					r := rng.New(5)
					lt := newLattice(params, s.cfg, 0.5, s.cfg.Side*s.cfg.Side, 0, r)
					bandBytes = H * lt.L * (1 + int(lt.counterBytes()))
					for range 30 {
						lt.repolymorph(r)
						stats = append(stats, lt.Step(r))
						tr.record(lt)
						if on {
							if lt.bands == nil || lt.bands.H != H {
								t.Fatal("bands not in use")
							}
							deferred[0] += lt.bands.deferred[0]
							deferred[1] += lt.bands.deferred[1]
						}
					}
					return tr, stats, r.Uint64(), deferred
				}
				trP, sP, rP, _ := run(false, true)
				// Banded play by the assembly kernel (where there is one)
				// and by the Go loop.
				for _, kernel := range []bool{true, false} {
					trB, sB, rB, def := run(true, kernel)
					if def[0] == 0 || def[1] == 0 {
						t.Fatalf("deferred %v: a pass the case does not test", def)
					}
					for g := range trB.phen {
						if !slices.Equal(trB.phen[g], trP.phen[g]) || !slices.Equal(trB.cnt[g], trP.cnt[g]) {
							t.Fatalf("kernel %v, generation %d: banded play's phenotypes or counters differ from play's", kernel, g)
						}
						if !slices.Equal(trB.fit[g], trP.fit[g]) || sB[g] != sP[g] {
							t.Fatalf("kernel %v, generation %d: fitness or statistics differ: %+v, %+v", kernel, g, sB[g], sP[g])
						}
					}
					if rB != rP {
						t.Fatalf("kernel %v: banded play left the generator elsewhere", kernel)
					}
				}
			})
		}
	}
}

// TestBandsMatchPlayAtScale: a production-sized torus whose last band
// has H/2 + 1 rows of an odd H (L = 2088, H = 167), against play's
// batches over two generations.
func TestBandsMatchPlayAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("4.4 million sites")
	}
	cfg := LatticeConfig{Side: 2088, Boundary: Torus}
	run := func(on bool) ([]uint8, []uint16, uint64) {
		bandsOn = on
		defer func() { bandsOn = true }()
		r := rng.New(3)
		lt := newLattice(fig4cParams, cfg, 0.5, cfg.Side*cfg.Side, 0, r)
		for range 2 {
			lt.Step(r)
		}
		if on && (lt.bands == nil || lt.bands.H != 167) {
			t.Fatalf("bands %+v, want H = 167", lt.bands)
		}
		return lt.phen, lt.cnt16, r.Uint64()
	}
	pB, cB, rB := run(true)
	pP, cP, rP := run(false)
	if !slices.Equal(pB, pP) || !slices.Equal(cB, cP) || rB != rP {
		t.Fatal("banded play differs from play's batches")
	}
}
