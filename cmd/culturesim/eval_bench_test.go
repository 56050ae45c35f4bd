package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// evalBenchScenario is a 10⁴-agent well-mixed world; both benchmarks
// simulate it at the same 1,000 values of c, one run each.
const evalBenchScenario = `name = "evalbench"
seed = 3
generations = 50
replicates = 1
record_every = 0
[model]
b = 1.3
c = 0.1
v = 0.9
alpha = 0.4
ta = 0.3
tb = 0.3
[population]
kind = "wellmixed"
size = 10000
initial_a = 0.5
stop = "generations"
`

const evalBenchRequests = 1000

func evalBenchValues() []float64 {
	cs := make([]float64, evalBenchRequests)
	for i := range cs {
		cs[i] = 0.01 + 0.2*float64(i)/evalBenchRequests
	}
	return cs
}

// BenchmarkEval times culturesim eval answering 1,000 requests (one
// simulation each, at its own c) from one process: compare its sims/s
// with BenchmarkEvalSweep's at the same -cpu (the workers).
func BenchmarkEval(b *testing.B) {
	dir := b.TempDir()
	sc := filepath.Join(dir, "evalbench.toml")
	os.WriteFile(sc, []byte(evalBenchScenario), 0o644)
	var in bytes.Buffer
	for i, c := range evalBenchValues() {
		fmt.Fprintf(&in, `{"id": %d, "set": {"c": %g}, "seed": %d}`+"\n", i, c, i)
	}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	for range b.N {
		o := evalOptions{Scenario: sc, Workers: workers, in: bytes.NewReader(in.Bytes())}
		var out bytes.Buffer
		if err := runEval(context.Background(), o, &out, io.Discard); err != nil {
			b.Fatal(err)
		}
		if n := strings.Count(out.String(), "\n"); n != evalBenchRequests || strings.Contains(out.String(), `"error"`) {
			b.Fatalf("%d answers: %.300s", n, out.String())
		}
	}
	b.ReportMetric(float64(evalBenchRequests*b.N)/b.Elapsed().Seconds(), "sims/s")
}

// BenchmarkEvalSweep times the same 1,000 simulations as one sweep of a
// 1,000-point design (points = FILE), tables and journal included.
func BenchmarkEvalSweep(b *testing.B) {
	dir := b.TempDir()
	var csv bytes.Buffer
	csv.WriteString("c\n")
	for _, c := range evalBenchValues() {
		fmt.Fprintf(&csv, "%g\n", c)
	}
	os.WriteFile(filepath.Join(dir, "points.csv"), csv.Bytes(), 0o644)
	sc := filepath.Join(dir, "evalbench.toml")
	os.WriteFile(sc, []byte(evalBenchScenario+"[sweep]\npoints = \"points.csv\"\n"), 0o644)
	workers := fmt.Sprint(runtime.GOMAXPROCS(0))
	b.ResetTimer()
	for i := range b.N {
		out := filepath.Join(dir, fmt.Sprint("out", i))
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"sweep", sc, "--out", out, "--workers", workers, "--quiet"}, &stdout, &stderr); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.ReportMetric(float64(evalBenchRequests*b.N)/b.Elapsed().Seconds(), "sims/s")
}
