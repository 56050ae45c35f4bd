package main

import (
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
	if err != nil || !strings.HasPrefix(string(series), "replicate,generation,freq_a,mean_fitness") {
		t.Fatalf("series.csv: %v %q", err, series[:min(60, len(series))])
	}
	for _, f := range []string{"runs.csv", "manifest.json", "dynamics.png", "dynamics.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	man, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	for _, w := range []string{`"kind": "run"`, `"wall_seconds"`, "small.toml", `"seed": 5`, `culturesim run`} {
		if !strings.Contains(string(man), w) {
			t.Errorf("manifest lacks %s", w)
		}
	}
	// Refuses to overwrite without --force; replaces with it, byte for byte.
	if code, _, stderr := runCLI(t, "run", sc, "--out", out); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("rerun into the same directory: exit %d, %q", code, stderr)
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
	for _, w := range []string{"bad.toml:11: model.ta: 1.4 is outside its domain [0, 1]", "bad.toml:16: population.sizee: unknown key (did you mean population.size?)"} {
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
