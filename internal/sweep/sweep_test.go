package sweep

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

const small = `name = "small"
seed = 11
generations = 200
replicates = 3
record_every = 50
[model]
b = 1.3
c = 0.05
ta = 0.4
tb = 0.4
[population]
kind = "lattice"
size = 12
[sweep]
t = [0.1, 0.3, 0.5]
c = {from = 0, to = 0.1, n = 3}
`

func scenario(t *testing.T, src string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("small.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func tables(t *testing.T, dir string) (runs, summary []byte) {
	t.Helper()
	runs, err := os.ReadFile(filepath.Join(dir, RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	summary, _ = os.ReadFile(filepath.Join(dir, SummaryFile))
	return runs, summary
}

var prov = artifact.Provenance{Tool: "culturesim", Version: "test", Command: "culturesim sweep small.toml"}

func TestWorkersDoNotChangeTables(t *testing.T) {
	sc := scenario(t, small)
	var want []byte
	for _, w := range []int{1, 2, 4} {
		dir := filepath.Join(t.TempDir(), "s")
		out, err := Run(context.Background(), sc, Options{Dir: dir, Workers: w, Provenance: prov})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Complete || out.Done != 27 {
			t.Fatalf("%+v", out)
		}
		runs, summary := tables(t, dir)
		if len(summary) == 0 {
			t.Fatal("no summary")
		}
		got := append(runs, summary...)
		if want == nil {
			want = got
			for _, f := range []string{SeriesFile, "heatmap.png", "heatmap.svg", ScenarioFile} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
		} else if !bytes.Equal(got, want) {
			t.Fatalf("%d workers: tables differ", w)
		}
	}
}

// Interrupting a sweep keeps finished runs; resuming computes only the
// rest, and the tables equal an uninterrupted sweep's.
func TestInterruptAndResume(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, Options{Dir: ref, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	wantRuns, wantSummary := tables(t, ref)

	dir := filepath.Join(t.TempDir(), "s")
	ctx, cancel := context.WithCancel(context.Background())
	var seen atomic.Int32
	out, err := Run(ctx, sc, Options{Dir: dir, Workers: 2, Provenance: prov, Progress: func(done, total int) {
		if seen.Add(1) == 8 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || out.Complete {
		t.Fatalf("interrupted sweep: %v %+v", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, SummaryFile)); err == nil {
		t.Error("an incomplete sweep wrote summary.csv")
	}
	m, err := ReadManifest(dir)
	if err != nil || m.Status != "interrupted" || m.DoneRuns != out.Done {
		t.Fatalf("manifest %+v %v", m, err)
	}
	// Without --resume the directory is refused.
	if _, err := Run(context.Background(), sc, Options{Dir: dir, Provenance: prov}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("rerun without --resume: %v", err)
	}
	out2, err := Run(context.Background(), sc, Options{Dir: dir, Resume: true, Workers: 1, Provenance: prov})
	if err != nil {
		t.Fatal(err)
	}
	if out2.Resumed != out.Done || !out2.Complete {
		t.Fatalf("resume: %+v after %+v", out2, out)
	}
	runs, summary := tables(t, dir)
	if !bytes.Equal(runs, wantRuns) || !bytes.Equal(summary, wantSummary) {
		t.Fatal("resumed tables differ from an uninterrupted sweep's")
	}
}

// A torn last journal entry (a kill in mid-write) is cut off on resume.
func TestTornJournalEntry(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, Options{Dir: ref, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	wantRuns, _ := tables(t, ref)
	jp := filepath.Join(ref, JournalFile)
	b, _ := os.ReadFile(jp)
	scan, err := ReadJournal(jp, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the header and the first few entries, plus half of the next.
	var offs []int64
	for _, o := range scan.Offsets {
		offs = append(offs, o)
	}
	cut := scan.Valid
	for _, o := range offs {
		if o > int64(len(journalMagic)) && o < cut && o > cut/2 {
			cut = o
		}
	}
	if err := os.WriteFile(jp, b[:cut+10], 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := ReadJournal(jp, nil)
	if err != nil || !s2.Torn || s2.Valid != cut {
		t.Fatalf("torn journal: %+v %v", s2, err)
	}
	if _, err := Run(context.Background(), sc, Options{Dir: ref, Resume: true, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	runs, _ := tables(t, ref)
	if !bytes.Equal(runs, wantRuns) {
		t.Fatal("tables after repairing a torn journal differ")
	}
}

func TestShardsMergeToTheSameTables(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, Options{Dir: ref, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	wantRuns, wantSummary := tables(t, ref)
	base := t.TempDir()
	var dirs []string
	for i := range 4 {
		d := filepath.Join(base, "shard"+string(rune('0'+i)))
		out, err := Run(context.Background(), sc, Options{Dir: d, Shard: Shard{Index: i, Count: 4}, Provenance: prov})
		if err != nil {
			t.Fatal(err)
		}
		if !out.Complete {
			t.Fatalf("shard %d incomplete", i)
		}
		dirs = append(dirs, d)
	}
	// Missing shard: refused.
	if _, err := Merge(dirs[:3], filepath.Join(base, "m0"), false, prov); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("merge of 3 of 4 shards: %v", err)
	}
	// Same shard twice: refused.
	if _, err := Merge(append(dirs, dirs[0]), filepath.Join(base, "m1"), false, prov); err == nil || !strings.Contains(err.Error(), "both") {
		t.Fatalf("duplicate shard: %v", err)
	}
	merged := filepath.Join(base, "merged")
	if _, err := Merge(dirs, merged, false, prov); err != nil {
		t.Fatal(err)
	}
	runs, summary := tables(t, merged)
	if !bytes.Equal(runs, wantRuns) || !bytes.Equal(summary, wantSummary) {
		t.Fatal("merged tables differ from an unsharded sweep's")
	}
	// A merge of another scenario's shard is refused.
	other := filepath.Join(base, "other")
	sc2 := scenario(t, strings.Replace(small, "seed = 11", "seed = 12", 1))
	if _, err := Run(context.Background(), sc2, Options{Dir: other, Shard: Shard{Index: 0, Count: 4}, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(append(dirs[1:], other), filepath.Join(base, "m2"), false, prov); err == nil || !strings.Contains(err.Error(), "another scenario") {
		t.Fatalf("foreign shard: %v", err)
	}
}

func TestRefusesForeignAndMismatchedDirs(t *testing.T) {
	sc := scenario(t, small)
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "data.csv"), []byte("precious"), 0o644)
	for _, o := range []Options{{Dir: foreign}, {Dir: foreign, Force: true}, {Dir: foreign, Resume: true}} {
		o.Provenance = prov
		if _, err := Run(context.Background(), sc, o); err == nil || !strings.Contains(err.Error(), "not a culturesim sweep") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "data.csv")); string(b) != "precious" {
		t.Fatal("a foreign file was touched")
	}
	dir := filepath.Join(t.TempDir(), "s")
	if _, err := Run(context.Background(), sc, Options{Dir: dir, Shard: Shard{1, 3}, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), sc, Options{Dir: dir, Shard: Shard{2, 3}, Resume: true, Provenance: prov}); err == nil || !strings.Contains(err.Error(), "shard") {
		t.Errorf("resume with another shard: %v", err)
	}
	sc2 := scenario(t, strings.Replace(small, "replicates = 3", "replicates = 4", 1))
	if _, err := Run(context.Background(), sc2, Options{Dir: dir, Shard: Shard{1, 3}, Resume: true, Provenance: prov}); err == nil || !strings.Contains(err.Error(), "different scenario") {
		t.Errorf("resume with another scenario: %v", err)
	}
	// A damaged manifest is refused with a clear message.
	os.WriteFile(filepath.Join(dir, ManifestFile), []byte("{not json"), 0o644)
	if _, err := Run(context.Background(), sc, Options{Dir: dir, Shard: Shard{1, 3}, Resume: true, Provenance: prov}); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("damaged manifest: %v", err)
	}
	// --force replaces an earlier sweep of the same kind.
	d2 := filepath.Join(t.TempDir(), "s2")
	Run(context.Background(), sc, Options{Dir: d2, Provenance: prov})
	if out, err := Run(context.Background(), sc, Options{Dir: d2, Force: true, Provenance: prov}); err != nil || out.Resumed != 0 {
		t.Errorf("--force: %v %+v", err, out)
	}
}

func TestParseShard(t *testing.T) {
	for _, bad := range []string{"", "1", "2/2", "-1/3", "a/b", "0/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	s, err := ParseShard("2/5")
	if err != nil || s != (Shard{2, 5}) || !s.Owns(7) || s.Owns(8) {
		t.Errorf("%v %v", s, err)
	}
}
