package execute

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// shortRuns is a sweep of 64 short runs (well-mixed, 20,000 agents, 100
// generations): the workload of the parallel speed-up target.
const shortRuns = `seed = 5
generations = 100
replicates = 8
[model]
b = 1.3
c = 0.05
v = 0.9
alpha = 0.5
ta = 0.4
tb = 0.45
[population]
kind = "wellmixed"
size = 20000
stop = "generations"
[sweep]
c = {from = 0.01, to = 0.08, n = 8}
`

// BenchmarkSweepWorkers measures a whole sweep with 1 and 2 workers; the
// ratio of the two is the parallel speed-up (target ≥ 1.8 on 2 cores).
func BenchmarkSweepWorkers(b *testing.B) {
	sc, err := scenarios.Parse("short.toml", []byte(shortRuns))
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			base := b.TempDir()
			i := 0
			for b.Loop() {
				dir := filepath.Join(base, fmt.Sprint(i))
				i++
				o := Options{Dir: dir, Kind: artifact.KindSweep, Selection: artifact.All, Workers: w, Provenance: prov}
				if _, err := Run(context.Background(), sc, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sc.NumRuns())*float64(b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// BenchmarkWorldTiktokRefugees: one whole simulation of the built-in
// tiktok_refugees world (three platforms, 150,000 agents, migration and
// cross-exposure), the fits' unit of work; reported per agent-generation.
func BenchmarkWorldTiktokRefugees(b *testing.B) {
	sc, err := scenarios.Builtin("tiktok_refugees")
	if err != nil {
		b.Fatal(err)
	}
	cfg := sc.Point(0)
	agents := 0
	for _, p := range cfg.Platforms {
		agents += p.Agents
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Simulate(context.Background(), cfg, sc.Run, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(agents*sc.Run.Generations), "ns/agent-gen")
}
