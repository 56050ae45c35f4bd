package serve

import (
	"encoding/json"
	"testing"
)

// BenchmarkFrame is the server's work per frame at the default speed (one
// generation a frame) for the 100×100 lattice of fig4c: a generation, the
// frame and its JSON. At 25 frames a second the server's share of a core
// is 25 × this time.
func BenchmarkFrame(b *testing.B) {
	srv, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	s, err := newSession(srv.scenario, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.world.Step(s.r)
		if _, err := json.Marshal(s.frame()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(25*b.Elapsed().Seconds()/float64(b.N), "cores@25fps")
}
