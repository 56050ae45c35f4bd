package main

import (
	"bytes"
	"fmt"
	"github.com/culturesim/culturesim/internal/testgate"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const slurmScenario = `name = "slurmcheck"
seed = 4
generations = 300
replicates = 3
[model]
b = 1.3
c = 0.05
ta = 0.4
tb = 0.4
[population]
kind = "lattice"
size = 15
[sweep]
t = [0.1, 0.3, 0.5]
c = [0.0, 0.05, 0.1, 0.15]
`

func TestSlurmScripts(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "s.toml", slurmScenario)
	bin := writeFile(t, dir, "fakebin", "#!/bin/sh\n")
	os.Chmod(bin, 0o755)
	code, stdout, stderr := runCLI(t, "slurm", sc, "--tasks", "4", "--binary", bin, "--out", filepath.Join(dir, "job"), "--time", "01:00:00",
		"--mem", "2G", "--account", "lab", "--qos", "short", "--max-running", "2", "--sbatch", "--constraint=avx2", "--sbatch", "--nice=10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	stable := filepath.Join(dir, "job", "bin", "culturesim")
	array, _ := os.ReadFile(filepath.Join(dir, "job", "array.sbatch"))
	for _, w := range []string{"#SBATCH --array=0-3%2", "--shard \"${SLURM_ARRAY_TASK_ID}/4\"", "--resume", "#SBATCH --time=01:00:00",
		"#SBATCH --signal=B:TERM@120", "#SBATCH --mem=2G", "#SBATCH --account=lab", "#SBATCH --qos=short", "#SBATCH --constraint=avx2", "#SBATCH --nice=10",
		"  " + stable + " sweep", `[ "$rc" -ne 75 ] && exit "$rc"`} {
		if !bytes.Contains(array, []byte(w)) {
			t.Errorf("array.sbatch lacks %q:\n%s", w, array)
		}
	}
	// The jobs run a copy: rebuilding the binary cannot change them.
	if b, err := os.ReadFile(stable); err != nil || string(b) != "#!/bin/sh\n" {
		t.Errorf("stable copy of the binary: %v %q", err, b)
	}
	submit, _ := os.ReadFile(filepath.Join(dir, "job", "submit.sh"))
	if !bytes.Contains(submit, []byte("--dependency=afterok")) || !bytes.Contains(submit, []byte("--kill-on-invalid-dep=yes")) || !strings.Contains(stdout, "submit.sh") {
		t.Errorf("submit.sh:\n%s", submit)
	}
	resubmit, _ := os.ReadFile(filepath.Join(dir, "job", "resubmit.sh"))
	if !bytes.Contains(resubmit, []byte(`--array="$list%2"`)) || !bytes.Contains(resubmit, []byte("--kill-on-invalid-dep=yes")) || !bytes.Contains(resubmit, []byte(`status --queue "$dir"`)) {
		t.Errorf("resubmit.sh:\n%s", resubmit)
	}
	for _, script := range []string{"array.sbatch", "merge.sbatch", "submit.sh", "resubmit.sh"} {
		if out, err := exec.Command("bash", "-n", filepath.Join(dir, "job", script)).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %v %s", script, err, out)
		}
	}
	// A path that would break the #SBATCH lines (or inject into them) is refused.
	for _, bad := range []string{"a b", "a\ntouch /tmp/x\n#", "logs%j", "x;y"} {
		if code, _, stderr := runCLI(t, "slurm", sc, "--tasks", "2", "--binary", bin, "--out", filepath.Join(dir, bad)); code != exitUsage || !strings.Contains(stderr, "cannot appear in a path") {
			t.Errorf("--out %q: %d %s", bad, code, stderr)
		}
	}
	if code, stdout, _ := runCLI(t, "status", "--queue", filepath.Join(dir, "job")); code != 0 || stdout != "0,1,2,3\n" {
		t.Errorf("status --queue of a job not started: %d %q", code, stdout)
	}
	// Another job's scripts over these shards: refused unless --force.
	if err := os.MkdirAll(filepath.Join(dir, "job", "shards", "shard-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "slurm", sc, "--tasks", "3", "--binary", bin, "--out", filepath.Join(dir, "job")); code != exitUsage || !strings.Contains(stderr, "holds the shards of another job") {
		t.Errorf("another job over the shards: %d %s", code, stderr)
	}
	code, stdout, _ = runCLI(t, "status", filepath.Join(dir, "job"))
	if code != 0 || !strings.Contains(stdout, "shard 3    not started") || !strings.Contains(stdout, "0 of 4 shards complete") {
		t.Errorf("status: %d %q", code, stdout)
	}
	for _, bad := range [][]string{{"--tasks", "0"}, {"--tasks", "2", "--binary", dir}, {"--tasks", "2", "--workers", "0"},
		{"--tasks", "2", "--sbatch", "constraint"}, {"--tasks", "2", "--max-running", "-1"}, {"--tasks", "2", "--mem", "2 G"},
		{"--tasks", "2", "--sbatch", "--array=0-5"}, {"--tasks", "2", "--time", "00:01:00"}, {"--tasks", "2", "--time", "soon"}, {"--tasks", "1000"}} {
		if code, _, _ := runCLI(t, append([]string{"slurm", sc, "--binary", bin, "--out", filepath.Join(dir, "j2")}, bad...)...); code != exitUsage {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestSlurmCluster submits a small sweep to a real Slurm cluster as a job
// array and checks that the merged result equals a local sweep byte for
// byte. It needs sbatch and a running cluster: .ci/run starts one
// (.ci/slurm/start.sh) and sets CULTURESIM_SLURM=1; elsewhere it skips.
func TestSlurmCluster(t *testing.T) {
	testgate.Require(t, testgate.Slurm)
	if _, err := exec.LookPath("sbatch"); err != nil {
		t.Fatal("CULTURESIM_SLURM=1 but sbatch is not on PATH")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "culturesim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sc := writeFile(t, dir, "s.toml", slurmScenario)
	local := filepath.Join(dir, "local")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", local, "--quiet"); code != 0 {
		t.Fatalf("local sweep: %s", stderr)
	}
	job := filepath.Join(dir, "job")
	merged := submitAndCompare(t, sc, bin, job, 3, local)
	shards, _ := filepath.Glob(filepath.Join(job, "shards", "shard-*"))
	if len(shards) != 3 {
		t.Errorf("shards %v", shards)
	}
	if code, stdout, _ := runCLI(t, "status", job); code != 0 || !strings.Contains(stdout, "3 of 3 shards complete") {
		t.Errorf("status: %q", stdout)
	}
	// A shard lost (as a failed task leaves nothing): resubmit.sh queues
	// it alone, and the merge again.
	if err := os.RemoveAll(filepath.Join(job, "shards", "shard-1")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(merged)
	out, err := exec.Command(filepath.Join(job, "resubmit.sh")).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("shards 1 queued again")) {
		t.Fatalf("resubmit: %v\n%s", err, out)
	}
	waitMerged(t, job, merged, "resubmit.sh")
	idle(t)
	for _, f := range []string{"runs.csv", "summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(local, f))
		b, _ := os.ReadFile(filepath.Join(merged, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s after resubmit.sh differs from the local sweep", f)
		}
	}
}

// idle waits until the cluster runs no job: a merge job still draws its
// figures after its manifest says complete.
func idle(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		out, err := exec.Command("squeue", "-h").CombinedOutput()
		if err == nil && len(bytes.TrimSpace(out)) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still queued after 2 minutes: %s %v", out, err)
		}
	}
}

// waitMerged waits for the merged sweep a script's jobs write.
func waitMerged(t *testing.T, job, merged, script string) {
	t.Helper()
	for deadline := time.Now().Add(4 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if m, err := os.ReadFile(filepath.Join(merged, "manifest.json")); err == nil && bytes.Contains(m, []byte("\n  \"status\": \"complete\"")) {
			return
		}
		if time.Now().After(deadline) {
			logs, _ := exec.Command("sh", "-c", "tail -n 20 "+job+"/logs/*; squeue").CombinedOutput()
			t.Fatalf("no merged result 4 minutes after %s:\n%s", script, logs)
		}
	}
}

// TestSlurmClusterNetwork runs a network scenario whose edge list sits
// beside it (a relative path) as a Slurm job: the job copies the file
// beside its scenario, and the merged result equals a local sweep's.
func TestSlurmClusterNetwork(t *testing.T) {
	testgate.Require(t, testgate.Slurm)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "culturesim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	os.MkdirAll(filepath.Join(dir, "graphs"), 0o755)
	var edges strings.Builder
	for i := range 60 { // a ring with chords
		fmt.Fprintf(&edges, "%d %d\n%d,%d\n", i, (i+1)%60, i, (i+7)%60)
	}
	writeFile(t, filepath.Join(dir, "graphs"), "ring.txt", edges.String())
	sc := writeFile(t, dir, "net.toml", "name = \"slurmnet\"\nseed = 5\ngenerations = 200\nreplicates = 2\n[model]\nb = 1.3\nc = 0.05\nv = 1\nta = 0.3\ntb = 0.3\n"+
		"[population]\nkind = \"network\"\ngraph = \"edges\"\nedges = \"graphs/ring.txt\"\nfeed = 0.2\n[sweep]\nc = [0.0, 0.05, 0.1, 0.2]\n")
	local := filepath.Join(dir, "local")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", local, "--quiet"); code != 0 {
		t.Fatalf("local sweep: %s", stderr)
	}
	submitAndCompare(t, sc, bin, filepath.Join(dir, "job"), 2, local)
}

// submitAndCompare writes a Slurm job of tasks tasks for scenario sc,
// submits it, waits for its merge and checks that its runs.csv and
// summary.csv equal those of the local sweep in local. It returns the
// merged directory.
func submitAndCompare(t *testing.T, sc, bin, job string, tasks int, local string) string {
	t.Helper()
	if code, _, stderr := runCLI(t, "slurm", sc, "--tasks", strconv.Itoa(tasks), "--binary", bin, "--out", job); code != 0 {
		t.Fatalf("slurm: %s", stderr)
	}
	out, err := exec.Command(filepath.Join(job, "submit.sh")).CombinedOutput()
	if err != nil {
		t.Fatalf("submit: %v\n%s", err, out)
	}
	t.Logf("submitted: %s", bytes.TrimSpace(out))
	merged := filepath.Join(job, "merged")
	waitMerged(t, job, merged, "submit.sh")
	idle(t)
	for _, f := range []string{"runs.csv", "summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(local, f))
		b, err := os.ReadFile(filepath.Join(merged, f))
		if err != nil || !bytes.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: the Slurm result differs from the local sweep (%v)", f, err)
		}
	}
	return merged
}
