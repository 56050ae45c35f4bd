package sim

import (
	"testing"

	"github.com/culturesim/culturesim/sim/rng"
)

// TestParentStreamMatchesParentDraws: a parentStream serves the parents
// and phenotype words that parent then one word, offspring by offspring,
// draw, and close leaves the generator where they leave it: over blocks
// ending on every kind of word, requests of many sizes, and, with 3·10⁶
// adults, about 4.6·10⁻⁴ of candidates in Bounded's remainder (about a
// thousand; breaking that path fails the test). Also a population whose fitness is all 0 (uniform parents).
func TestParentStreamMatchesParentDraws(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		zero bool
	}{{"3e6", 3_000_000, false}, {"1000", 1000, false}, {"zero", 777, true}} {
		t.Run(c.name, func(t *testing.T) {
			fr := rng.New(9)
			fit := make([]float64, c.n)
			for i := range fit {
				if !c.zero {
					fit[i] = 0.05 + fr.Float64() // acceptance about 1/2
				}
			}
			d := newParentDraw(fit, c.n, c.n/2, 0.9)
			ref, got := rng.New(4), rng.New(4)
			var s parentStream
			sizes := rng.New(5)
			for gen := range 3 {
				s.start(d, got)
				for left := 400_000 + 1_000*gen; left > 0; {
					par, u := s.next(min(left, 1+int(sizes.Uint32n(3000))))
					for k := range par {
						want := int32(d.parent(ref))
						wu := ref.Uint64()
						if par[k] != want || u[k] != wu {
							t.Fatalf("gen %d, %d left: offspring %d: parent %d word %#x, want %d %#x", gen, left, k, par[k], u[k], want, wu)
						}
					}
					left -= len(par)
				}
				s.close()
				if *got != *ref {
					t.Fatalf("gen %d: generator not where the draws leave it", gen)
				}
			}
		})
	}
}
