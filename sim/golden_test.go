package sim

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim/rng"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenRun records a short seeded run: every generation's frequency and
// mean fitness, the result, and a hash of the final phenotypes.
func goldenRun(t *testing.T, pop Population, r *rng.Xoshiro, phen func() []uint8) []byte {
	t.Helper()
	var buf bytes.Buffer
	res, err := Run(context.Background(), pop, r, RunConfig{Generations: 25, RecordEvery: 1, Stop: StopNever}, func(rec Record) {
		fmt.Fprintf(&buf, "%d %.17g %.17g %d\n", rec.Generation, rec.FreqA, rec.MeanFitness, rec.Clamped)
	})
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	h.Write(phen())
	fmt.Fprintf(&buf, "result %+v phenotypes %016x\n", res, h.Sum64())
	return buf.Bytes()
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed: a seeded run no longer reproduces its recorded output.\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// Golden runs pin the engine's exact output for a seed: any change to how
// it draws random numbers or updates agents shows here. Regenerate with
// -update only for an intended change, and say so in the commit.
func TestGoldenWellMixed(t *testing.T) {
	r := rng.Stream(42, 0, 0)
	w, err := NewWellMixed(model.Params{B: 1.3, C: 0.05, V: 0.8, Alpha: 0.7, TA: 0.4, TB: 0.7}, 1001, 0.5, r)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "golden_wellmixed.txt", goldenRun(t, w, r, w.Phenotypes))
}

func TestGoldenLattice(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  LatticeConfig
	}{
		{"golden_lattice_global.txt", LatticeConfig{Side: 20}},
		{"golden_lattice_local_torus_sum.txt", LatticeConfig{Side: 20, Selection: Local, Boundary: Torus, Fitness: FitnessSum, Radius: 2}},
	} {
		r := rng.Stream(42, 0, 1)
		p := fig4cParams
		p.V = 0.9
		lt, err := NewLattice(p, tc.cfg, 0.5, r)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, tc.name, goldenRun(t, lt, r, lt.Phenotypes))
	}
}
