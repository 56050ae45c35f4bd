package main

import (
	"bytes"
	"github.com/culturesim/culturesim/internal/testgate"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
)

// TestMain lets a test start this binary as culturesim itself (for the
// kill and interrupt tests): with CULTURESIM_TEST_MAIN=1 it runs the
// command line and exits. Otherwise it runs the tests and reports the
// suites skipped here (testgate).
func TestMain(m *testing.M) {
	if os.Getenv("CULTURESIM_TEST_MAIN") == "1" {
		os.Exit(runMain())
	}
	os.Exit(testgate.Main(m))
}

const slowScenario = `name = "slow"
seed = 9
generations = 3000
replicates = 4
[model]
b = 1.3
c = 0.02
ta = 0.4
tb = 0.435
[population]
kind = "lattice"
size = 40
stop = "generations"
[sweep]
c = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06]
`

func culturesimProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CULTURESIM_TEST_MAIN=1")
	return cmd
}

// waitForRuns polls the journal until it holds at least n runs.
func waitForRuns(t *testing.T, dir string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s, err := artifact.ReadJournal(filepath.Join(dir, artifact.JournalFile), 0, nil); err == nil && len(s.Offsets) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d runs after 60 s", n)
}

// A sweep killed with SIGKILL keeps its finished runs; --resume completes
// it without recomputing them, with the tables of an uninterrupted sweep.
func TestSweepSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "slow.toml", slowScenario)
	ref := filepath.Join(dir, "ref")
	if code, _, stderr := runCLI(t, "sweep", sc, "--out", ref, "--quiet"); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(dir, "killed")
	cmd := culturesimProcess("sweep", sc, "--out", out, "--workers", "2", "--quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForRuns(t, out, 5)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	before, err := artifact.ReadJournal(filepath.Join(out, artifact.JournalFile), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Offsets) >= 24 {
		t.Skip("the sweep finished before the kill; nothing to test")
	}
	code, stdout, stderr := runCLI(t, "sweep", sc, "--out", out, "--resume")
	if code != 0 {
		t.Fatalf("resume: %s", stderr)
	}
	if !bytes.Contains([]byte(stdout), []byte("24 of 24 runs done")) {
		t.Errorf("resume: %s", stdout)
	}
	for _, f := range []string{"runs.csv", "summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(out, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s after kill and resume differs from an uninterrupted sweep", f)
		}
	}
	t.Logf("killed with %d of 24 runs in the journal (torn tail: %v)", len(before.Offsets), before.Torn)
}

// Ctrl-C (SIGINT) stops a sweep within a second, keeps finished runs and
// exits with status 130.
func TestSweepInterruptExits130(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "slow.toml", slowScenario)
	out := filepath.Join(dir, "s")
	cmd := culturesimProcess("sweep", sc, "--out", out, "--workers", "2")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForRuns(t, out, 2)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	took := time.Since(sent)
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v; stderr %s", err, stderr.String())
	}
	if took > time.Second {
		t.Errorf("took %v to stop after SIGINT", took)
	}
	m, err := artifact.ReadRunsManifest(out)
	if err != nil || m.Status != "interrupted" || m.DoneRuns < 2 {
		t.Errorf("manifest after interrupt: %+v %v", m, err)
	}
	if !bytes.Contains(stderr.Bytes(), []byte("--resume")) {
		t.Errorf("stderr does not say how to continue: %s", stderr.String())
	}
	t.Logf("stopped %v after SIGINT with %d runs kept", took, m.DoneRuns)
}

// A second Ctrl-C stops at once (a generation of a huge world can take
// many seconds to finish): exit 130, finished runs kept, --resume
// finishes.
func TestSecondInterruptStopsAtOnce(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "slow.toml", slowScenario)
	out := filepath.Join(dir, "s")
	cmd := culturesimProcess("sweep", sc, "--out", out, "--workers", "2", "--quiet")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForRuns(t, out, 2)
	cmd.Process.Signal(os.Interrupt)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v; stderr %s", err, stderr.String())
	}
	if code, _, serr := runCLI(t, "sweep", sc, "--out", out, "--resume", "--quiet"); code != 0 {
		t.Fatalf("resume after a hard stop: %s", serr)
	}
}

// A fit killed with SIGKILL keeps its finished simulations in its
// journal; --resume completes it without running them again, with the
// posterior of a fit never killed.
func TestFitSurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "apart.toml", strings.Replace(twoApart, "size = 1000", "size = 3000", 2)+`[fit]
particles = 40
generations = 3
[fit.prior]
"platform.a.alpha" = {from = 0.1, to = 0.9}
c = {from = 0.02, to = 0.3}
`)
	args := []string{"fit", sc, "--truth", "platform.a.alpha=0.6,c=0.1", "--quiet"}
	ref := filepath.Join(dir, "ref")
	if code, _, stderr := runCLI(t, append(args, "--out", ref)...); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(dir, "killed")
	cmd := culturesimProcess(append(args, "--out", out, "--workers", "2")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(out, "fit-journal.jsonl")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(journal); err == nil && bytes.Count(b, []byte("\n")) > 60 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	b, _ := os.ReadFile(journal)
	kept := bytes.Count(b, []byte("\n")) - 1
	if kept < 60 {
		t.Fatalf("the killed fit's journal holds %d simulations", kept)
	}
	if _, err := os.Stat(filepath.Join(out, "estimates.csv")); err == nil {
		t.Fatal("the fit finished before it was killed: give it more work")
	}
	code, stdout, stderr := runCLI(t, "fit", sc, "--truth", "platform.a.alpha=0.6,c=0.1", "--out", out, "--resume")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "in the journal before it") {
		t.Errorf("resume: %s", stdout)
	}
	for _, f := range []string{"posterior.csv", "populations.csv", "estimates.csv"} {
		want, _ := os.ReadFile(filepath.Join(ref, f))
		got, _ := os.ReadFile(filepath.Join(out, f))
		if !bytes.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s of the killed and resumed fit differs from the uninterrupted one", f)
		}
	}
}
