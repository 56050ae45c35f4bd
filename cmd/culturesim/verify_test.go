package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// verify: 0 on a sweep and on its shards' merge, 1 naming the run after
// one stored value is altered; --progress=json gives JSON lines.
func TestVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "tiny.toml", sweepScenario)
	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", whole, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := runCLI(t, "verify", whole, "--progress", "json")
	if code != exitOK || !strings.Contains(out, "re-ran 12 of 12 stored runs") || !strings.Contains(out, "all reproduce") {
		t.Fatalf("verify: %d %q %q", code, out, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var last struct{ Done, Total int }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Done != 12 || last.Total != 12 {
		t.Errorf("progress lines %q: %v", stderr, err)
	}
	// An explicit --progress wins over --quiet: JSON lines and nothing else.
	code, out, stderr = runCLI(t, "verify", whole, "--progress", "json", "--quiet")
	if code != exitOK || out != "" || !strings.HasPrefix(stderr, `{"label":"verify `) {
		t.Fatalf("verify --progress json --quiet: %d %q %q", code, out, stderr)
	}
	_, merged := shardAndMerge(t, dir, sc)
	if code, out, stderr := runCLI(t, "verify", merged, "--sample", "5", "--seed", "7", "--quiet"); code != exitOK || out != "" {
		t.Fatalf("verify merged: %d %q %q", code, out, stderr)
	}
	// Alter run 7's final frequency in runs.csv.
	path := filepath.Join(merged, "runs.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(string(b), "\n")
	cells := strings.Split(rows[8], ",") // the header, then runs 0…
	if cells[0] != "7" {
		t.Fatalf("row 8 is run %s", cells[0])
	}
	col := -1
	for j, h := range strings.Split(rows[0], ",") {
		if h == "final_freq_a" {
			col = j
		}
	}
	cells[col] = "0.4242"
	rows[8] = strings.Join(cells, ",")
	if err := os.WriteFile(path, []byte(strings.Join(rows, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "verify", merged, "--quiet")
	if code != exitFailure || !strings.Contains(stderr, "run 7 (point 3, replicate 1)") || !strings.Contains(stderr, `final_freq_a stored "0.4242"`) {
		t.Fatalf("verify altered: %d %q", code, stderr)
	}
	for _, bad := range [][]string{{"verify"}, {"verify", merged, "--sample", "-1"}, {"verify", merged, "--seed", "x"}, {"verify", dir}} {
		if code, _, stderr := runCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d %q", bad, code, stderr)
		}
	}
}
