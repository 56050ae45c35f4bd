package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const smallScenario = `name = "small"
seed = 5
generations = 50
replicates = 3
record_every = 5
[model]
b = 1.3
c = 0.05
v = 0.9
alpha = 0.3
ta = 0.4
tb = 0.5
[population]
kind = "wellmixed"
size = 501
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunWritesOutputs(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "small.toml", smallScenario)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "run", sc, "--out", out, "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "3 of 3 replicates") {
		t.Errorf("stdout %q", stdout)
	}
	series, err := os.ReadFile(filepath.Join(out, "series.csv"))
	if err != nil || !strings.HasPrefix(string(series), "point,replicate,generation,platform,n_agents,freq_a,mean_fitness,clamped,b,") {
		t.Fatalf("series.csv: %v %q", err, series[:min(60, len(series))])
	}
	for _, f := range []string{"runs.csv", "summary.csv", "series.parquet", "journal.bin", "manifest.json", "dynamics.png", "dynamics.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	man, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	for _, w := range []string{`"kind": "run"`, `"schema": 3`, `"sessions"`, "small.toml", `"seed": 5`, `culturesim run`, `"dynamics.png"`} {
		if !strings.Contains(string(man), w) {
			t.Errorf("manifest lacks %s", w)
		}
	}
	// Refuses to overwrite without --force or --resume; --resume has
	// nothing left to do; --force replaces, byte for byte.
	if code, _, stderr := runCLI(t, "run", sc, "--out", out); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("rerun into the same directory: exit %d, %q", code, stderr)
	}
	if code, stdout, stderr := runCLI(t, "run", sc, "--out", out, "--resume"); code != 0 || !strings.Contains(stdout, "3 of 3 replicates (3 from earlier sessions)") {
		t.Errorf("--resume of a finished run: exit %d, %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "run", sc, "--out", out, "--force", "--workers", "1", "--quiet"); code != 0 {
		t.Fatalf("--force: exit %d %s", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(out, "series.csv"))
	if string(again) != string(series) {
		t.Error("the same scenario gave different series with 1 and 2 workers")
	}
	// A foreign directory is refused.
	foreign := filepath.Join(dir, "foreign")
	os.MkdirAll(foreign, 0o755)
	writeFile(t, foreign, "notes.txt", "mine")
	if code, _, stderr := runCLI(t, "run", sc, "--out", foreign); code != exitUsage || !strings.Contains(stderr, "not a culturesim output directory") {
		t.Errorf("foreign directory: exit %d, %q", code, stderr)
	}
}

func TestRunRejectsBadScenario(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(smallScenario, "size = 501", "size = 501\nsizee = 3", 1)
	bad = strings.Replace(bad, "ta = 0.4", "ta = 1.4", 1)
	sc := writeFile(t, dir, "bad.toml", bad)
	code, _, stderr := runCLI(t, "run", sc, "--out", filepath.Join(dir, "o"))
	if code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"bad.toml:11: model.ta: 1.4 is outside its allowed range [0, 1]", "bad.toml:16: population.sizee: unknown key (did you mean population.size?)"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("an output directory was created for an invalid scenario")
	}
	if code, _, _ := runCLI(t, "run"); code != exitUsage {
		t.Error("run without a scenario accepted")
	}
	if code, _, stderr := runCLI(t, "run", "no-such-builtin"); code != exitUsage || !strings.Contains(stderr, "fig4c") {
		t.Errorf("unknown built-in: %d %q", code, stderr)
	}
}

const sweepScenario = `name = "tiny"
seed = 2
generations = 100
replicates = 2
[model]
b = 1.3
c = 0.05
ta = 0.4
tb = 0.4
[population]
kind = "lattice"
size = 10
[sweep]
t = [0.1, 0.4]
c = {from = 0, to = 0.1, n = 3}
`

func TestSweepValidateMergePlotCommands(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "tiny.toml", sweepScenario)
	code, out, stderr := runCLI(t, "validate", sc)
	if code != 0 || !strings.Contains(out, "6 points × 2 replicates = 12 runs") || !strings.Contains(out, "sweep t") {
		t.Fatalf("validate: %d %q %q", code, out, stderr)
	}
	bad := writeFile(t, dir, "bad.toml", strings.Replace(sweepScenario, "n = 3}", "n = 0}", 1))
	if code, _, stderr := runCLI(t, "validate", bad); code != exitUsage || !strings.Contains(stderr, "bad.toml:15: sweep.c.n") {
		t.Errorf("validate bad: %d %q", code, stderr)
	}
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", whole, "--quiet", "--workers", "2"); code != 0 {
		t.Fatal(stderr)
	}
	shards, merged := shardAndMerge(t, dir, sc)
	for _, f := range []string{"runs.csv", "summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(whole, f))
		b, _ := os.ReadFile(filepath.Join(merged, f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: merged differs from whole", f)
		}
	}
	os.Remove(filepath.Join(merged, "heatmap.png"))
	if code, out, stderr := runCLI(t, "plot", merged); code != 0 || !strings.Contains(out, "heatmap.png") {
		t.Fatalf("plot: %d %q %q", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(merged, "heatmap.png")); err != nil {
		t.Error("plot did not redraw heatmap.png")
	}
	if code, _, stderr := runCLI(t, "plot", shards[0]); code == 0 || !strings.Contains(stderr, "merge") {
		t.Errorf("plot of a shard: %d %q", code, stderr)
	}
	// plot works without the journal (as committed results are kept).
	os.Remove(filepath.Join(merged, "journal.bin"))
	os.Remove(filepath.Join(merged, "heatmap.svg"))
	if code, _, stderr := runCLI(t, "plot", merged); code != 0 {
		t.Fatalf("plot without a journal: %d %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(merged, "heatmap.svg")); err != nil {
		t.Error("plot without a journal did not redraw heatmap.svg")
	}
	if code, _, _ := runCLI(t, "sweep", sc, "--shard", "3/2"); code != exitUsage {
		t.Error("--shard 3/2 accepted")
	}
	if code, _, _ := runCLI(t, "sweep", sc, "--resume", "--force"); code != exitUsage {
		t.Error("--resume with --force accepted")
	}
}

// run on a scenario with [sweep] needs --point; with --point and
// --replicate it replays that run of the sweep bit for bit, with its full
// series.
func TestRunPointOfASweep(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "tiny.toml", sweepScenario)
	code, _, stderr := runCLI(t, "run", sc, "--out", filepath.Join(dir, "r"))
	if code != exitUsage || !strings.Contains(stderr, "--point I (0 to 5") || !strings.Contains(stderr, "culturesim sweep") {
		t.Fatalf("run of a sweep without --point: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "run", sc, "--point", "6"); code != exitUsage || !strings.Contains(stderr, "points 0 to 5") {
		t.Errorf("--point 6: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "run", sc, "--replicate", "1"); code != exitUsage || !strings.Contains(stderr, "--point I") {
		t.Errorf("--replicate without --point on a sweep: %d %q", code, stderr)
	}
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", whole, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	replay := filepath.Join(dir, "replay")
	if code, _, stderr := runCLI(t, "run", sc, "--point", "4", "--replicate", "1", "--out", replay, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	rowOf := func(path, run string) string {
		b, _ := os.ReadFile(path)
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, run+",") {
				return l
			}
		}
		return ""
	}
	want := rowOf(filepath.Join(whole, "runs.csv"), "9")
	if got := rowOf(filepath.Join(replay, "runs.csv"), "9"); got == "" || got != want {
		t.Errorf("replayed run 9:\n%s\nthe sweep's:\n%s", got, want)
	}
	series, _ := os.ReadFile(filepath.Join(replay, "series.csv"))
	if n := strings.Count(string(series), "\n4,1,"); n < 2 {
		t.Errorf("replay series has %d rows of point 4, replicate 1", n)
	}
	if _, err := os.Stat(filepath.Join(replay, "dynamics.png")); err != nil {
		t.Error(err)
	}
}

// A directory another culturesim holds: exit 75 (busy), naming the holder.
func TestBusyDirectory(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "tiny.toml", sweepScenario)
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	lock := `{"host":"node-3","pid":777,"since":"2026-12-01T10:00:00Z","command":"culturesim sweep tiny.toml"}`
	if err := os.WriteFile(filepath.Join(out, ".culturesim.lock"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "sweep", sc, "--out", out, "--resume", "--quiet")
	if code != exitBusy || !strings.Contains(stderr, "pid 777 on node-3") || !strings.Contains(stderr, "culturesim sweep tiny.toml") {
		t.Fatalf("busy directory: %d %q", code, stderr)
	}
}

// shardAndMerge sweeps the scenario file sc as two shards in dir and
// merges them into dir/merged; it returns the shards and the merge.
func shardAndMerge(t *testing.T, dir, sc string) (shards []string, merged string) {
	t.Helper()
	for i := range 2 {
		d := filepath.Join(dir, fmt.Sprintf("shard%d", i))
		if code, _, stderr := runCLI(t, "sweep", sc, "--out", d, "--shard", fmt.Sprintf("%d/2", i), "--quiet"); code != 0 {
			t.Fatal(stderr)
		}
		shards = append(shards, d)
	}
	merged = filepath.Join(dir, "merged")
	if code, _, stderr := runCLI(t, append(append([]string{"merge"}, shards...), "--out", merged)...); code != 0 {
		t.Fatal(stderr)
	}
	return shards, merged
}
