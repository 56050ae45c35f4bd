package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

// twoApart is two well-mixed platforms that never exchange anyone: a's
// outcome cannot depend on b's α.
const twoApart = `name = "apart"
seed = 11
generations = 30
replicates = 4
record_every = 0
[model]
b = 1.3
c = 0.1
alpha = 0.5
v = 0.9
ta = 0.3
tb = 0.3
[population]
stop = "generations"
[[platform]]
name = "a"
[platform.population]
kind = "wellmixed"
size = 1000
initial_a = 0.5
[[platform]]
name = "b"
[platform.population]
kind = "wellmixed"
size = 1000
initial_a = 0.5
`

// A parameter the outcome does not depend on gets a first-order index
// whose interval holds 0, and a total index whose interval holds the
// replicates' noise share (a dummy's runs draw other random numbers, so
// its total index is that noise, not 0).
func TestSensitivityDummyParameter(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "apart.toml", twoApart+`[sweep]
design = "saltelli"
n = 64
c = {from = 0.02, to = 0.3}
"platform.a.alpha" = {from = 0.1, to = 0.9}
"platform.b.alpha" = {from = 0.1, to = 0.9}
`)
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "design.png")); err != nil {
		t.Errorf("no design figure: %v", err)
	}
	code, stdout, stderr := runCLI(t, "sensitivity", out, "--outputs", "mean_final_freq_a_a")
	if code != 0 {
		t.Fatalf("sensitivity: exit %d: %s", code, stderr)
	}
	tab, err := artifact.ReadTable(filepath.Join(out, SensitivityFile))
	if err != nil {
		t.Fatal(err)
	}
	get := func(row int, col string) float64 {
		x, err := tab.Float(row, col)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	if len(tab.Rows) != 3 || tab.Rows[2][1] != "platform.b.alpha" {
		t.Fatalf("table %v\n%s", tab.Rows, stdout)
	}
	if lo, hi := get(2, "s1_lo"), get(2, "s1_hi"); !(lo <= 0 && 0 <= hi) {
		t.Errorf("b's α: S1 interval [%g, %g] does not hold 0", lo, hi)
	}
	noise := get(2, "noise_share")
	if lo, hi := get(2, "st_lo"), get(2, "st_hi"); !(lo <= noise && noise <= hi) || hi > 0.05 {
		t.Errorf("b's α: ST interval [%g, %g] does not hold the noise share %g", lo, hi, noise)
	}
	// a's own α decides its outcome.
	if lo := get(1, "st_lo"); lo < 0.3 {
		t.Errorf("a's α: ST lower bound %g", lo)
	}
	for _, f := range []string{"sensitivity.parquet", "sensitivity_mean_final_freq_a_a.png", "sensitivity_mean_final_freq_a_a.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	man, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !strings.Contains(string(man), `"sensitivity.csv"`) {
		t.Error("the manifest does not list sensitivity.csv")
	}
	// A grid sweep has no indices.
	grid := writeFile(t, dir, "grid.toml", twoApart+"[sweep]\nc = [0.1, 0.2]\n")
	gout := filepath.Join(dir, "grid")
	runCLI(t, "sweep", grid, "--out", gout, "--quiet")
	if code, _, stderr := runCLI(t, "sensitivity", gout); code != exitUsage || !strings.Contains(stderr, `is a grid sweep; sensitivity indices need design = "saltelli"`) {
		t.Errorf("grid: exit %d: %s", code, stderr)
	}
}

// The same design is drawn for any number of workers, and a design file
// that lists a grid is that grid: the same tables byte for byte.
func TestDesignSweepsReproduce(t *testing.T) {
	dir := t.TempDir()
	lhs := writeFile(t, dir, "lhs.toml", twoApart+"[sweep]\ndesign = \"lhs\"\nn = 12\nc = {from = 0.02, to = 0.3}\n\"platform.b.alpha\" = {from = 0.1, to = 0.9}\n")
	var tables [][]byte
	for _, w := range []string{"1", "2"} {
		out := filepath.Join(dir, "lhs"+w)
		if code, _, stderr := runCLI(t, "sweep", lhs, "--out", out, "--workers", w, "--quiet"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
		tables = append(tables, b)
	}
	if !bytes.Equal(tables[0], tables[1]) || len(tables[0]) == 0 {
		t.Error("an lhs design's summary differs between 1 and 2 workers")
	}
	// Shards of a design merge into the whole sweep, which verifies, and
	// one run of it replays alone with its row.
	for _, sh := range []string{"0/2", "1/2"} {
		out := filepath.Join(dir, "shard"+sh[:1])
		if code, _, stderr := runCLI(t, "sweep", lhs, "--shard", sh, "--out", out, "--quiet"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", sh, code, stderr)
		}
	}
	merged := filepath.Join(dir, "merged")
	if code, _, stderr := runCLI(t, "merge", filepath.Join(dir, "shard0"), filepath.Join(dir, "shard1"), "--out", merged); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(merged, "summary.csv")); !bytes.Equal(b, tables[0]) {
		t.Error("the merged shards' summary differs from the whole sweep's")
	}
	if code, stdout, stderr := runCLI(t, "verify", merged); code != 0 {
		t.Errorf("verify: exit %d: %s %s", code, stdout, stderr)
	}
	one := filepath.Join(dir, "one")
	if code, _, stderr := runCLI(t, "run", lhs, "--point", "7", "--replicate", "2", "--out", one, "--quiet"); code != 0 {
		t.Fatalf("run --point 7: exit %d: %s", code, stderr)
	}
	whole, _ := artifact.ReadTable(filepath.Join(dir, "lhs1", "runs.csv"))
	alone, _ := artifact.ReadTable(filepath.Join(one, "runs.csv"))
	if len(alone.Rows) != 1 || strings.Join(alone.Rows[0], ",") != strings.Join(whole.Rows[7*4+2], ",") {
		t.Errorf("run (7, 2) alone:\n%v\nin the sweep:\n%v", alone.Rows, whole.Rows[7*4+2])
	}

	writeFile(t, dir, "grid.csv", "c,platform.b.alpha\n0.1,0.2\n0.1,0.7\n0.25,0.2\n0.25,0.7\n")
	byFile := writeFile(t, dir, "byfile.toml", twoApart+"[sweep]\npoints = \"grid.csv\"\n")
	byHand := writeFile(t, dir, "byhand.toml", twoApart+"[sweep]\nc = [0.1, 0.25]\n\"platform.b.alpha\" = [0.2, 0.7]\n")
	var got [][]byte
	for _, sc := range []string{byFile, byHand} {
		out := filepath.Join(dir, filepath.Base(sc)+".out")
		if code, _, stderr := runCLI(t, "sweep", sc, "--out", out, "--quiet"); code != 0 {
			t.Fatalf("%s: exit %d: %s", sc, code, stderr)
		}
		for _, f := range []string{"summary.csv", "runs.csv"} {
			b, _ := os.ReadFile(filepath.Join(out, f))
			got = append(got, b)
		}
		if _, err := os.Stat(filepath.Join(out, "heatmap.png")); err != nil {
			t.Errorf("%s: the grid has no heatmap: %v", sc, err)
		}
	}
	if !bytes.Equal(got[0], got[2]) || !bytes.Equal(got[1], got[3]) {
		t.Errorf("the imported grid's tables differ from the grid written by hand:\n%s\n%s", got[0], got[2])
	}
	// The manifest records the design file with its hash, as it records
	// edge lists.
	man, _ := os.ReadFile(filepath.Join(dir, "byfile.toml.out", "manifest.json"))
	if !strings.Contains(string(man), `"name": "grid.csv"`) {
		t.Errorf("the manifest does not record grid.csv:\n%s", man)
	}
}

func TestEvalAnswersInOrder(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "apart.toml", twoApart)
	in := strings.Join([]string{
		`{"id": 1, "set": {"platform.a.alpha": 0.8, "c": 0.05}, "seed": 3, "at": [10]}`,
		`{"id": "two", "set": {"platform.a.alpha": 1.5}}`,
		`not json`,
		`{"set": {"zeta": 1}}`,
		`{"id": 5, "set": {"platform.a.alpha": 0.8, "c": 0.05}, "seed": 3, "at": [10]}`,
		`{"id": 6, "set": {}, "extra": 1}`,
	}, "\n") + "\n"
	for _, workers := range []int{1, 3} {
		var stdout, stderr bytes.Buffer
		o := evalOptions{Scenario: sc, Workers: workers, in: strings.NewReader(in)}
		if err := runEval(t.Context(), o, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		if len(lines) != 6 {
			t.Fatalf("%d workers: %d answers:\n%s", workers, len(lines), stdout.String())
		}
		var first, fifth evalResponse
		json.Unmarshal([]byte(lines[0]), &first)
		json.Unmarshal([]byte(lines[4]), &fifth)
		if string(first.ID) != "1" || first.Error != "" || first.Seed == nil || *first.Seed != 3 || first.Stats["generations"] != 30 {
			t.Errorf("answer 1: %s", lines[0])
		}
		if _, ok := first.Stats["freq_a_a@10"]; !ok {
			t.Errorf("answer 1 lacks freq_a_a@10: %s", lines[0])
		}
		// The same request and seed give the same statistics.
		fifth.ID = first.ID
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(fifth)
		if !bytes.Equal(a, b) {
			t.Errorf("the same request twice:\n%s\n%s", lines[0], lines[4])
		}
		for i, want := range []string{"", `platform.a.alpha = 1.5`, "request 3 is not a JSON object", `"zeta" cannot be swept`, "", `unknown field "extra"`} {
			var r evalResponse
			if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
				t.Fatalf("answer %d is not JSON: %s", i+1, lines[i])
			}
			if want != "" && !strings.Contains(r.Error, want) {
				t.Errorf("answer %d: %s, want %q", i+1, lines[i], want)
			}
		}
		if !strings.HasPrefix(lines[1], `{"id":"two","error":`) {
			t.Errorf("answer 2 does not echo its id: %s", lines[1])
		}
		x := first.Stats["final_freq_a_a"]
		if math.IsNaN(x) || x < 0 || x > 1 {
			t.Errorf("final_freq_a_a = %v", strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
}

// A fit of data simulated at a known truth writes its posterior, its
// populations and a corner plot; the same fit on 1 or 2 workers, or
// killed and resumed, writes the same tables.
func TestFitSyntheticAndResume(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "apart.toml", strings.Replace(twoApart, "generations = 30", "generations = 20", 1)+`[fit]
particles = 20
generations = 2
[fit.prior]
"platform.a.alpha" = {from = 0.1, to = 0.9}
c = {from = 0.02, to = 0.3, scale = "log"}
`)
	truth := "platform.a.alpha=0.6,c=0.1"
	var posteriors [][]byte
	for _, w := range []string{"1", "2"} {
		out := filepath.Join(dir, "fit"+w)
		code, stdout, stderr := runCLI(t, "fit", sc, "--truth", truth, "--out", out, "--workers", w)
		if code != 0 {
			t.Fatalf("fit: exit %d: %s", code, stderr)
		}
		if !strings.Contains(stdout, "platform.a.alpha") || !strings.Contains(stdout, "truth 0.6") {
			t.Errorf("stdout: %s", stdout)
		}
		for _, f := range []string{"observed.csv", "posterior.csv", "posterior.parquet", "populations.csv", "estimates.csv", "corner.png", "corner.svg", "fit-journal.jsonl", "manifest.json"} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
		b, _ := os.ReadFile(filepath.Join(out, "posterior.csv"))
		posteriors = append(posteriors, b)
	}
	if !bytes.Equal(posteriors[0], posteriors[1]) {
		t.Error("the posterior differs between 1 and 2 workers")
	}
	pops, _ := artifact.ReadTable(filepath.Join(dir, "fit1", "populations.csv"))
	if len(pops.Rows) != 3 || pops.Rows[0][1] != "" {
		t.Errorf("populations: %v", pops.Rows)
	}
	// Resuming a finished fit simulates nothing again.
	code, stdout, stderr := runCLI(t, "fit", sc, "--truth", truth, "--out", filepath.Join(dir, "fit1"), "--resume")
	if code != 0 || !strings.Contains(stdout, "(0 run in this session") {
		t.Fatalf("resume: exit %d: %s %s", code, stdout, stderr)
	}
	total, _ := pops.Int(0, "simulations")
	for i := 1; i < len(pops.Rows); i++ {
		n, _ := pops.Int(i, "simulations")
		total += n
	}
	if !strings.Contains(stdout, fmt.Sprintf(" %d simulations (0 run", total)) {
		t.Errorf("resume simulated again: %s", stdout)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "fit1", "posterior.csv"))
	if !bytes.Equal(b, posteriors[0]) {
		t.Error("the resumed fit's posterior differs")
	}
	// A finished fit resumed with more generations continues it: its
	// first populations are the ones it had.
	if code, _, stderr := runCLI(t, "fit", sc, "--truth", truth, "--out", filepath.Join(dir, "fit1"), "--resume", "--generations", "3"); code != 0 {
		t.Fatalf("resume with --generations 3: exit %d: %s", code, stderr)
	}
	longer, _ := os.ReadFile(filepath.Join(dir, "fit1", "posterior.csv"))
	if !bytes.HasPrefix(longer, posteriors[0]) || len(longer) <= len(posteriors[0]) {
		t.Error("the longer fit does not extend the first")
	}
	// Without --force a finished fit is not replaced, and another fit's
	// journal is not resumed.
	if code, _, stderr := runCLI(t, "fit", sc, "--truth", truth, "--out", filepath.Join(dir, "fit1")); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("again without --force: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "fit", sc, "--truth", "platform.a.alpha=0.5,c=0.1", "--out", filepath.Join(dir, "fit1"), "--resume"); code != exitUsage || !strings.Contains(stderr, "another fit") {
		t.Errorf("resume with another truth: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fit", sc}, "give --data OBSERVED.csv"},
		{[]string{"fit", sc, "--truth", "platform.a.alpha=0.6"}, "give every fitted parameter in --truth (c is missing)"},
		{[]string{"fit", sc, "--truth", "zeta=1,c=0.1,platform.a.alpha=0.5"}, "--truth zeta: not a fitted parameter"},
		{[]string{"fit", sc, "--truth", "c"}, "want KEY=VALUE"},
		{[]string{"fit", sc, "--data", filepath.Join(dir, "nope.csv")}, "no such file"},
		{[]string{"fit", sc, "--truth", truth, "--particles", "5"}, "--particles = 5 is outside its allowed range"},
		{[]string{"fit", writeFile(t, dir, "swept.toml", strings.Replace(string(mustRead(t, sc)), "[fit]", "[sweep]\nb = [1.2, 1.3]\n[fit]", 1)), "--truth", truth}, "has a [sweep] of 2 points"},
	} {
		c.args = append(c.args, "--out", filepath.Join(dir, "bad"))
		if code, _, stderr := runCLI(t, c.args...); code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d: %s, want %q", c.args, code, stderr, c.want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
