package runs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

const lattice = `seed = 3
generations = 300
replicates = 5
record_every = 7
[model]
b = 1.3
c = 0.05
ta = 0.4
tb = 0.435
[population]
kind = "lattice"
size = 20
`

// The same scenario gives byte-identical tables with 1 and 2 workers.
func TestWorkersDoNotChangeOutput(t *testing.T) {
	sc, err := scenarios.Parse("l.toml", []byte(lattice))
	if err != nil {
		t.Fatal(err)
	}
	var outs [][]byte
	for _, w := range []int{1, 2, 5} {
		ex, err := Execute(context.Background(), sc, w)
		if err != nil {
			t.Fatal(err)
		}
		if !ex.Complete() {
			t.Fatal("incomplete")
		}
		outs = append(outs, append(SeriesTable(ex).Bytes(), RunsTable(ex).Bytes()...))
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatalf("output with worker setting %d differs from 1 worker", i)
		}
	}
}

func TestWriteAndCancel(t *testing.T) {
	sc, _ := scenarios.Parse("l.toml", []byte(lattice))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ex, err := Execute(ctx, sc, 2)
	if err == nil || !ex.Cancelled || ex.Complete() {
		t.Fatalf("cancelled execution: err %v, %+v", err, ex)
	}
	dir := t.TempDir()
	files, err := Write(dir, ex, artifact.Provenance{Tool: "culturesim", Command: "culturesim run l.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("nothing written")
	}
	kind, err := artifact.ManifestKind(dir)
	if err != nil || kind != ManifestKind {
		t.Fatalf("manifest kind %q, %v", kind, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	if !bytes.Contains(b, []byte(`"complete": false`)) {
		t.Error("manifest does not say the run is incomplete")
	}
}
