package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

const platformScenario = `name = "refugees"
seed = 11
generations = 40
replicates = 3
record_every = 1
[model]
b = 1.3
c = 0.1
v = 0.9
ta = 0.3
tb = 0.3
[population]
stop = "generations"
[[platform]]
name = "tiktok"
[platform.population]
kind = "wellmixed"
size = 3000
[platform.model]
alpha = 0.05
[[platform]]
name = "xiaohongshu"
[platform.population]
kind = "wellmixed"
size = 1500
[platform.model]
alpha = 0.6
[[event]]
generation = 10
from = "tiktok"
to = "xiaohongshu"
fraction = 0.4
[[migration]]
from = "xiaohongshu"
to = "tiktok"
rate = 0.01
start = 20
`

func TestRunPlatformsSameBytesAnyWorkers(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "refugees.toml", platformScenario)
	var got [2][2][]byte
	for i, w := range []string{"1", "2"} {
		out := filepath.Join(dir, "w"+w)
		if code, _, stderr := runCLI(t, "run", sc, "--out", out, "--workers", w, "--quiet"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for j, f := range []string{"series.csv", "runs.csv"} {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			got[i][j] = b
		}
	}
	if !bytes.Equal(got[0][0], got[1][0]) || !bytes.Equal(got[0][1], got[1][1]) {
		t.Fatal("series.csv or runs.csv differ between 1 and 2 workers")
	}
	series := string(got[0][0])
	if !strings.HasPrefix(series, "point,replicate,generation,platform,n_agents,freq_a,freq_a_natives,freq_a_migrants,mean_fitness,moved_in,moved_out,refused,clamped,b_tiktok,") {
		t.Fatalf("series header %q", series[:100])
	}
	// The ban: exactly 1200 adults move at generation 10.
	for _, row := range []string{"\n0,0,10,all,4500,", "\n0,0,10,tiktok,3000,", "\n0,0,11,tiktok,1800,", "\n0,0,11,xiaohongshu,2700,"} {
		if !strings.Contains(series, row) {
			t.Errorf("series.csv has no row starting %q", row[1:])
		}
	}
	tab, err := artifact.ReadTable(filepath.Join(dir, "w1", "series.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var in, out bool
	for i := range tab.Rows {
		mi, _ := tab.Float(i, "moved_in")
		mo, _ := tab.Float(i, "moved_out")
		in, out = in || mi == 1200, out || mo == 1200
	}
	if !in || !out {
		t.Error("the ban's 1200 moves are not recorded in and out")
	}
	runs := string(got[0][1])
	if !strings.Contains(runs, "acculturation_tiktok") || !strings.Contains(runs, "final_size_xiaohongshu") || !strings.Contains(runs, "alpha_xiaohongshu") {
		t.Errorf("runs.csv header: %q", strings.SplitN(runs, "\n", 2)[0])
	}
	if _, err := os.Stat(filepath.Join(dir, "w1", "platforms.png")); err != nil {
		t.Error(err)
	}
}

func TestRunDeterministic(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "refugees.toml", platformScenario)
	out := filepath.Join(dir, "det")
	code, stdout, stderr := runCLI(t, "run", sc, "--deterministic", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "acculturation") {
		t.Errorf("stdout %q", stdout)
	}
	series, _ := os.ReadFile(filepath.Join(out, "series.csv"))
	lines := strings.Split(strings.TrimSpace(string(series)), "\n")
	// Header, then (40 generations + the final state) × (world + 2).
	if len(lines) != 1+41*3 || !strings.HasPrefix(lines[0], "point,replicate,generation,platform,n_agents,freq_a,") {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	if !strings.Contains(string(series), "\n0,0,11,tiktok,1800,") {
		t.Error("deterministic sizes after the ban are not exact")
	}
	man, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !strings.Contains(string(man), `"deterministic": true`) {
		t.Error("manifest does not say deterministic")
	}
	// A lattice platform has no deterministic counterpart: a usage error.
	lat := strings.Replace(platformScenario, "kind = \"wellmixed\"\nsize = 1500", "kind = \"lattice\"\nsize = 40", 1)
	sc2 := writeFile(t, dir, "lat.toml", lat)
	code, _, stderr = runCLI(t, "run", sc2, "--deterministic", "--out", filepath.Join(dir, "lat"))
	if code != exitUsage || !strings.Contains(stderr, "lattice") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestRunPlatformBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ from, to, want string }{
		{`to = "tiktok"` + "\nrate = 0.01", `to = "tiktok"` + "\nrate = 1.01", "migration.1.rate: 1.01 is outside its allowed range [0, 1]"},
		{`generation = 10`, `generation = 40`, "event.1.generation: 40 is outside its allowed range [0, 40) (the run has generations 0 to 39)"},
		{`to = "xiaohongshu"` + "\nfraction", `to = "rednote"` + "\nfraction", `event.1.to: unknown platform "rednote"`},
	} {
		sc := writeFile(t, dir, "bad.toml", strings.Replace(platformScenario, c.from, c.to, 1))
		code, _, stderr := runCLI(t, "run", sc, "--out", filepath.Join(dir, "bad"))
		if code != exitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "bad.toml:") {
			t.Errorf("exit %d, stderr %q, want %q with a line", code, stderr, c.want)
		}
	}
}

// A scenario of one [[platform]] and no migration gives the numbers of the
// same single-population scenario with the same seed.
func TestOnePlatformIsTheSinglePopulation(t *testing.T) {
	dir := t.TempDir()
	single := strings.Replace(smallScenario, "[population]\nkind = \"wellmixed\"\nsize = 501\n", "[population]\nkind = \"wellmixed\"\nsize = 501\nstop = \"generations\"\n", 1)
	world := strings.Replace(smallScenario, "[population]\nkind = \"wellmixed\"\nsize = 501\n",
		"[population]\nstop = \"generations\"\n[[platform]]\nname = \"only\"\n[platform.population]\nkind = \"wellmixed\"\nsize = 501\n", 1)
	var finals [2][]string
	for i, src := range []string{single, world} {
		out := filepath.Join(dir, fmt.Sprint(i))
		if code, _, stderr := runCLI(t, "run", writeFile(t, dir, fmt.Sprintf("s%d.toml", i), src), "--out", out, "--quiet"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "runs.csv"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			// run, point, replicate, seed, then after the settings
			// the outcome: final_freq_a, generations, stop_reason, clamped.
			f := strings.Split(line, ",")
			finals[i] = append(finals[i], strings.Join(f[:4], ",")+" "+strings.Join(f[len(f)-4:], ","))
		}
	}
	if strings.Join(finals[0], "\n") != strings.Join(finals[1], "\n") {
		t.Fatalf("single population:\n%s\none platform:\n%s", strings.Join(finals[0], "\n"), strings.Join(finals[1], "\n"))
	}
}

// A sweep of the deterministic counterpart: one "replicate" a point, a
// summary, and plot works on the parent of its directory.
func TestSweepDeterministicAndPlotOfAParent(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(platformScenario, "record_every = 1", "record_every = 0", 1) + "[sweep]\nevent.1.fraction = [0.2, 0.6]\nplatform.xiaohongshu.alpha = [0.1, 0.6]\n"
	sc := writeFile(t, dir, "det.toml", src)
	out := filepath.Join(dir, "all", "det")
	if code, _, stderr := runCLI(t, "sweep", sc, "--deterministic", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.csv"))
	if err != nil || strings.Count(string(b), "\n") != 1+4 {
		t.Fatalf("summary: %v\n%s", err, b)
	}
	if code, stdout, stderr := runCLI(t, "plot", filepath.Join(dir, "all")); code != 0 || !strings.Contains(stdout, "heatmap.png") {
		t.Errorf("plot of a parent directory: %d %q %q", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "plot", dir); code != exitUsage {
		t.Error("plot of a directory holding no output directories succeeded")
	}
}
