package execute

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

// 10⁶ series rows take under 8 MB of Parquet. The sweep is the hardest
// case met: a 60×60 lattice in long-lived coexistence (Figure 4c's
// parameters, every generation recorded), whose mean fitness takes a
// distinct value in nearly every row and whose frequency takes
// thousands.
func TestSeriesParquetSize(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 10⁶ generations of a 3600-site lattice")
	}
	sc := scenario(t, `name = "million_lattice_coexist"
seed = 1
generations = 999
replicates = 100
record_every = 1
[model]
b = 1.3
c = 0.02
v = 1
ta = 0.4
tb = 0.435
[population]
kind = "lattice"
size = 60
neighborhood = "moore"
radius = 1
boundary = "bounded"
selection = "global"
fitness = "mean"
initiation = 0.5
stop = "generations"
[sweep]
c = [0.011, 0.012, 0.013, 0.014, 0.015, 0.016, 0.017, 0.018, 0.019, 0.02]
`)
	dir := filepath.Join(t.TempDir(), "million")
	if _, err := Run(context.Background(), sc, Options{Dir: dir, Kind: artifact.KindSweep, Selection: artifact.All, RecordEvery: 1, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, artifact.SeriesFile))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	if err := artifact.EachSeries(dir, func(artifact.SeriesRow) error { rows++; return nil }); err != nil {
		t.Fatal(err)
	}
	if rows != 1_000_000 {
		t.Fatalf("%d series rows, want 10⁶", rows)
	}
	mb := float64(st.Size()) / 1e6
	t.Logf("10⁶ series rows: %.2f MB of Parquet (%.2f bytes a row)", mb, float64(st.Size())/float64(rows))
	if mb >= 8 {
		t.Errorf("10⁶ series rows take %.2f MB of Parquet, want < 8", mb)
	}
	if _, err := os.Stat(filepath.Join(dir, artifact.SeriesCSVFile)); err == nil {
		t.Error("a sweep of 10⁶ series rows also wrote series.csv")
	}
}
