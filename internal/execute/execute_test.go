package execute

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
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

// twoPlatforms is a platform sweep: a ban fraction × the host's α.
const twoPlatforms = `name = "two"
seed = 5
generations = 30
replicates = 2
record_every = 0
[model]
b = 1.3
c = 0.1
v = 0.9
ta = 0.3
tb = 0.3
[population]
stop = "generations"
[[platform]]
name = "feed"
[platform.population]
kind = "wellmixed"
size = 400
[platform.model]
alpha = 0.05
[[platform]]
name = "host"
[platform.population]
kind = "wellmixed"
size = 200
[platform.model]
alpha = 0.6
[[event]]
generation = 10
from = "feed"
to = "host"
fraction = 0.4
[[migration]]
from = "host"
to = "feed"
rate = 0.01
start = 15
[sweep]
event.1.fraction = [0, 0.5]
platform.host.alpha = [0.1, 0.6]
`

func scenario(t *testing.T, src string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("small.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func read(t *testing.T, dir, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil && file != artifact.SummaryFile {
		t.Fatal(err)
	}
	return b
}

func tables(t *testing.T, dir string) (runs, summary []byte) {
	t.Helper()
	return read(t, dir, artifact.RunsFile), read(t, dir, artifact.SummaryFile)
}

var prov = artifact.Provenance{Tool: "culturesim", Version: "test", Command: "culturesim sweep small.toml"}

func sweep(dir string) Options {
	return Options{Dir: dir, Kind: artifact.KindSweep, Selection: artifact.All, RecordEvery: 50, Provenance: prov}
}

// interrupted runs sc's sweep into dir on two workers and cancels it, as
// Ctrl-C would, at its n-th progress report.
func interrupted(sc *scenarios.Scenario, dir string, n int32) (*Outcome, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen atomic.Int32
	o := sweep(dir)
	o.Workers = 2
	o.Progress = func(done, total int) {
		if seen.Add(1) == n {
			cancel()
		}
	}
	return Run(ctx, sc, o)
}

func TestWorkersDoNotChangeTables(t *testing.T) {
	sc := scenario(t, small)
	var want []byte
	for _, w := range []int{1, 2, 4} {
		dir := filepath.Join(t.TempDir(), "s")
		o := sweep(dir)
		o.Workers = w
		out, err := Run(context.Background(), sc, o)
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
		got := append(append(runs, summary...), read(t, dir, artifact.SeriesFile)...)
		if want == nil {
			want = got
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
	if _, err := Run(context.Background(), sc, sweep(ref)); err != nil {
		t.Fatal(err)
	}
	wantRuns, wantSummary := tables(t, ref)

	dir := filepath.Join(t.TempDir(), "s")
	out, err := interrupted(sc, dir, 8)
	if !errors.Is(err, context.Canceled) || out.Complete {
		t.Fatalf("interrupted sweep: %v %+v", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, artifact.SummaryFile)); err == nil {
		t.Error("an incomplete sweep wrote summary.csv")
	}
	m, err := artifact.ReadRunsManifest(dir)
	if err != nil || m.Status != "interrupted" || m.DoneRuns != out.Done {
		t.Fatalf("manifest %+v %v", m, err)
	}
	// Without --resume the directory is refused, as invalid input.
	var ie *InputError
	if _, err := Run(context.Background(), sc, sweep(dir)); !errors.As(err, &ie) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("rerun without --resume: %v", err)
	}
	o := sweep(dir)
	o.Resume, o.Workers = true, 1
	out2, err := Run(context.Background(), sc, o)
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

// A directory an older build wrote (an older output schema) whose
// journal holds what this build journals is resumed, not refused: its
// tables are written anew from the journal, identical to a fresh sweep's.
// One whose journal differs (schema 2's unrounded series) is refused as
// stale, and --force replaces it; a newer schema is refused. Reading an
// older directory's tables (verify) refuses it.
func TestResumeRewritesAnOlderSchema(t *testing.T) {
	sc := scenario(t, small)
	finals := func(dir string) Options { o := sweep(dir); o.RecordEvery = 0; return o }
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, finals(ref)); err != nil {
		t.Fatal(err)
	}
	wantRuns, wantSummary := tables(t, ref)
	setSchema := func(dir string, schema int) {
		t.Helper()
		path := filepath.Join(dir, artifact.ManifestFile)
		b := read(t, dir, artifact.ManifestFile)
		old := []byte(`"schema": ` + strconv.Itoa(artifact.Schema) + `,`)
		if !bytes.Contains(b, old) {
			t.Fatalf("manifest has no %s", old)
		}
		if err := os.WriteFile(path, bytes.Replace(b, old, []byte(`"schema": `+strconv.Itoa(schema)+`,`), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "old")
	if _, err := Run(context.Background(), sc, finals(dir)); err != nil {
		t.Fatal(err)
	}
	setSchema(dir, 2)
	for _, f := range []string{artifact.SummaryFile, artifact.SummaryParquetFile, artifact.RunsFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Verify(context.Background(), dir, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("verify of an older schema: %v", err)
	}
	o := finals(dir)
	o.Resume = true
	out, err := Run(context.Background(), sc, o)
	if err != nil || !out.Complete || out.Resumed != sc.NumRuns() {
		t.Fatalf("resume of an older schema: %+v %v", out, err)
	}
	if runs, summary := tables(t, dir); !bytes.Equal(runs, wantRuns) || !bytes.Equal(summary, wantSummary) {
		t.Error("tables rewritten from an older schema's journal differ from a fresh sweep's")
	}
	if m, err := artifact.ReadRunsManifest(dir); err != nil || m.Schema != artifact.Schema {
		t.Fatalf("manifest after the resume: %v %+v", err, m)
	}

	// Schema 2 journalled series unrounded: stale; --force starts again.
	series := filepath.Join(t.TempDir(), "series")
	if _, err := Run(context.Background(), sc, sweep(series)); err != nil {
		t.Fatal(err)
	}
	setSchema(series, 2)
	o = sweep(series)
	o.Resume = true
	var ie *InputError
	if _, err := Run(context.Background(), sc, o); !errors.Is(err, ErrStale) || !errors.As(err, &ie) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("resume of schema 2 with series: %v", err)
	}
	o = sweep(series)
	o.Force = true
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatalf("--force on an older schema: %v", err)
	}
	// A newer schema is refused, as invalid input.
	setSchema(series, artifact.Schema+1)
	o = sweep(series)
	o.Resume = true
	if _, err := Run(context.Background(), sc, o); !errors.As(err, &ie) || !strings.Contains(err.Error(), "newer culturesim") {
		t.Fatalf("resume of a newer schema: %v", err)
	}
}

// A torn last journal entry (a kill in mid-write) is cut off on resume.
func TestTornJournalEntry(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, sweep(ref)); err != nil {
		t.Fatal(err)
	}
	wantRuns, _ := tables(t, ref)
	jp := filepath.Join(ref, artifact.JournalFile)
	b, _ := os.ReadFile(jp)
	scan, err := artifact.ReadJournal(jp, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Keep the header and the entries of the first half, plus a torn
	// piece of the next.
	cut := scan.Valid
	for _, o := range scan.Offsets {
		if o < cut && o > scan.Valid/2 {
			cut = o
		}
	}
	if err := os.WriteFile(jp, b[:cut+10], 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := artifact.ReadJournal(jp, 0, nil)
	if err != nil || !s2.Torn || s2.Valid != cut {
		t.Fatalf("torn journal: %+v %v", s2, err)
	}
	o := sweep(ref)
	o.Resume = true
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatal(err)
	}
	if runs, _ := tables(t, ref); !bytes.Equal(runs, wantRuns) {
		t.Fatal("tables after repairing a torn journal differ")
	}
}

func TestShardsMergeToTheSameTables(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, sweep(ref)); err != nil {
		t.Fatal(err)
	}
	wantRuns, wantSummary := tables(t, ref)
	base := t.TempDir()
	var dirs []string
	for i := range 4 {
		d := filepath.Join(base, "shard"+string(rune('0'+i)))
		o := sweep(d)
		o.Selection.Shard = artifact.Shard{Index: i, Count: 4}
		out, err := Run(context.Background(), sc, o)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Complete {
			t.Fatalf("shard %d incomplete", i)
		}
		if _, err := os.Stat(filepath.Join(d, artifact.SummaryFile)); err == nil {
			t.Errorf("shard %d wrote a summary of part of the grid", i)
		}
		dirs = append(dirs, d)
	}
	var ie *InputError
	if _, err := Merge(dirs[:3], filepath.Join(base, "m0"), false, prov); !errors.As(err, &ie) || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("merge of 3 of 4 shards: %v", err)
	}
	if _, err := Merge(append(dirs, dirs[0]), filepath.Join(base, "m1"), false, prov); err == nil || !strings.Contains(err.Error(), "both") {
		t.Fatalf("duplicate shard: %v", err)
	}
	if _, err := Merge(dirs, dirs[0], true, prov); err == nil || !strings.Contains(err.Error(), "one of the directories") {
		t.Fatalf("merge into its own input: %v", err)
	}
	merged := filepath.Join(base, "merged")
	if _, err := Merge(dirs, merged, false, prov); err != nil {
		t.Fatal(err)
	}
	runs, summary := tables(t, merged)
	if !bytes.Equal(runs, wantRuns) || !bytes.Equal(summary, wantSummary) {
		t.Fatal("merged tables differ from an unsharded sweep's")
	}
	if !bytes.Equal(read(t, merged, artifact.SeriesFile), read(t, ref, artifact.SeriesFile)) {
		t.Fatal("merged series differ from an unsharded sweep's")
	}
	other := filepath.Join(base, "other")
	sc2 := scenario(t, strings.Replace(small, "seed = 11", "seed = 12", 1))
	o := sweep(other)
	o.Selection.Shard = artifact.Shard{Index: 0, Count: 4}
	if _, err := Run(context.Background(), sc2, o); err != nil {
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
	for _, mod := range []func(*Options){func(*Options) {}, func(o *Options) { o.Force = true }, func(o *Options) { o.Resume = true }} {
		o := sweep(foreign)
		mod(&o)
		var ie *InputError
		if _, err := Run(context.Background(), sc, o); !errors.As(err, &ie) || !strings.Contains(err.Error(), "not a culturesim output directory") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "data.csv")); string(b) != "precious" {
		t.Fatal("a foreign file was touched")
	}
	dir := filepath.Join(t.TempDir(), "s")
	o := sweep(dir)
	o.Selection.Shard = artifact.Shard{Index: 1, Count: 3}
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatal(err)
	}
	o2 := o
	o2.Selection.Shard, o2.Resume = artifact.Shard{Index: 2, Count: 3}, true
	if _, err := Run(context.Background(), sc, o2); err == nil || !strings.Contains(err.Error(), "shard") {
		t.Errorf("resume with another shard: %v", err)
	}
	o3 := o
	o3.Resume = true
	sc2 := scenario(t, strings.Replace(small, "replicates = 3", "replicates = 4", 1))
	if _, err := Run(context.Background(), sc2, o3); !errors.Is(err, ErrOtherScenario) || !strings.Contains(err.Error(), "different scenario") {
		t.Errorf("resume with another scenario: %v", err)
	}
	// A run directory is not resumed as a sweep.
	o4 := o3
	o4.Kind = artifact.KindRun
	if _, err := Run(context.Background(), sc, o4); err == nil || !strings.Contains(err.Error(), "not a run") {
		t.Errorf("a sweep resumed as a run: %v", err)
	}
	os.WriteFile(filepath.Join(dir, artifact.ManifestFile), []byte("{not json"), 0o644)
	if _, err := Run(context.Background(), sc, o3); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged manifest: %v", err)
	}
	d2 := filepath.Join(t.TempDir(), "s2")
	Run(context.Background(), sc, sweep(d2))
	o5 := sweep(d2)
	o5.Force = true
	if out, err := Run(context.Background(), sc, o5); err != nil || out.Resumed != 0 {
		t.Errorf("--force: %v %+v", err, out)
	}
}

// line returns the line of a CSV file whose first field is key.
func line(t *testing.T, csv []byte, key string) string {
	t.Helper()
	for _, l := range strings.Split(string(csv), "\n") {
		if strings.HasPrefix(l, key+",") {
			return l
		}
	}
	t.Fatalf("no row %s in\n%s", key, csv)
	return ""
}

// Replaying run (point i, replicate j) alone gives the very row the sweep
// wrote, and its full series: the sweep's recorded generations among
// them, value for value.
func TestReplayEqualsTheSweepsRun(t *testing.T) {
	sc := scenario(t, small)
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), sc, sweep(ref)); err != nil {
		t.Fatal(err)
	}
	const point, rep = 5, 2
	run := point*sc.Replicates + rep
	dir := filepath.Join(t.TempDir(), "replay")
	out, err := Run(context.Background(), sc, Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: point, Replicate: rep},
		RecordEvery: 1, Provenance: prov})
	if err != nil || out.Total != 1 || !out.Complete {
		t.Fatalf("%+v %v", out, err)
	}
	want := line(t, read(t, ref, artifact.RunsFile), strconv.Itoa(run))
	if got := line(t, read(t, dir, artifact.RunsFile), strconv.Itoa(run)); got != want {
		t.Fatalf("replayed row\n%s\nsweep's row\n%s", got, want)
	}
	full, err := artifact.ReadSeries(dir)
	if err != nil {
		t.Fatal(err)
	}
	swept, err := artifact.ReadSeries(ref)
	if err != nil {
		t.Fatal(err)
	}
	byGen := map[int32]artifact.SeriesRow{}
	for _, r := range full {
		byGen[r.Generation] = r
	}
	matched := 0
	for _, r := range swept {
		if int(r.Point) != point || int(r.Replicate) != rep {
			continue
		}
		g, ok := byGen[r.Generation]
		if !ok || strings.Join(g.CSV(), ",") != strings.Join(r.CSV(), ",") {
			t.Fatalf("generation %d: replay %v, sweep %v", r.Generation, g.CSV(), r.CSV())
		}
		matched++
	}
	if matched < 2 || len(full) < 100 {
		t.Fatalf("%d sweep records matched, %d replay records", matched, len(full))
	}
	if _, err := os.Stat(filepath.Join(dir, artifact.SeriesCSVFile)); err != nil {
		t.Error("a run directory has no series.csv")
	}
}

// A platform sweep carries every platform's outcome and every swept key
// as columns, and its per-platform columns agree with a run of the same
// point.
func TestPlatformSweepColumnsAgreeWithRun(t *testing.T) {
	sc := scenario(t, twoPlatforms)
	dir := filepath.Join(t.TempDir(), "s")
	o := sweep(dir)
	o.RecordEvery = 0
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatal(err)
	}
	runs, err := artifact.ReadTable(filepath.Join(dir, artifact.RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"axis_event.1.fraction", "axis_platform.host.alpha", "alpha_feed", "alpha_host", "size_host",
		"final_size_host", "final_freq_a_host", "final_freq_a_natives_host", "final_freq_a_migrants_host", "acculturation_host", "final_freq_a_feed"} {
		if runs.Col(col) < 0 {
			t.Errorf("runs.csv has no column %s: %v", col, runs.Header)
		}
	}
	summary, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"mean_final_freq_a_host", "mean_final_size_host", "frac_acculturated_host"} {
		if summary.Col(col) < 0 {
			t.Errorf("summary.csv has no column %s", col)
		}
	}
	// Point 3: fraction 0.5, host α 0.6. Its α column says so.
	row := 3*sc.Replicates + 1
	if a, _ := runs.Float(row, "alpha_host"); a != 0.6 {
		t.Errorf("alpha_host of point 3: %v", a)
	}
	if f, _ := runs.Float(row, "axis_event.1.fraction"); f != 0.5 {
		t.Errorf("fraction of point 3: %v", f)
	}
	rd := filepath.Join(t.TempDir(), "run")
	if _, err := Run(context.Background(), sc, Options{Dir: rd, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 3, Replicate: -1},
		RecordEvery: 1, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []int{3 * sc.Replicates, 3*sc.Replicates + 1} {
		if got, want := line(t, read(t, rd, artifact.RunsFile), strconv.Itoa(r)), line(t, read(t, dir, artifact.RunsFile), strconv.Itoa(r)); got != want {
			t.Errorf("run %d: run's row\n%s\nsweep's row\n%s", r, got, want)
		}
	}
	// The series names every platform, the world first.
	rows, err := artifact.ReadSeries(rd)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Platform] = true
	}
	if !seen["all"] || !seen["feed"] || !seen["host"] || len(seen) != 3 {
		t.Errorf("series platforms %v", seen)
	}
}

// The deterministic counterpart runs through the same executor, tables
// and all.
func TestDeterministicRun(t *testing.T) {
	src := strings.Replace(twoPlatforms, "[sweep]\nevent.1.fraction = [0, 0.5]\nplatform.host.alpha = [0.1, 0.6]\n", "", 1)
	sc := scenario(t, src)
	dir := filepath.Join(t.TempDir(), "det")
	out, err := Run(context.Background(), sc, Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: -1},
		RecordEvery: 1, Deterministic: true, Provenance: prov})
	if err != nil || out.Total != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	rows, err := artifact.ReadSeries(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3*(sc.Run.Generations+1) {
		t.Fatalf("%d series rows", len(rows))
	}
	last := rows[len(rows)-1]
	if last.Platform != "host" || last.Generation != int32(sc.Run.Generations) {
		t.Errorf("last row %+v", last)
	}
	// A lattice has no counterpart: an input error naming it.
	lat := strings.Replace(src, "[platform.population]\nkind = \"wellmixed\"\nsize = 200", "[platform.population]\nkind = \"lattice\"\nsize = 20", 1)
	var ie *InputError
	if _, err := Run(context.Background(), scenario(t, lat), Options{Dir: filepath.Join(t.TempDir(), "d2"), Kind: artifact.KindRun,
		Selection: artifact.Selection{Point: 0, Replicate: -1}, Deterministic: true, Provenance: prov}); !errors.As(err, &ie) || !strings.Contains(err.Error(), "host") {
		t.Errorf("lattice counterpart: %v", err)
	}
}

// A single population is a world of one platform: its tables have the
// single-population schema (unprefixed parameters, no platform columns).
func TestSinglePopulationSchema(t *testing.T) {
	sc := scenario(t, small)
	dir := filepath.Join(t.TempDir(), "s")
	if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
		t.Fatal(err)
	}
	_, summary := tables(t, dir)
	head := strings.SplitN(string(summary), "\n", 2)[0]
	if want := "point,axis_t,axis_c,b,c,v,alpha,ta,tb,kind,size,initial_a,neighborhood,radius,boundary,selection,fitness,initiation,rounds,runs,mean_final_freq_a,sd_final_freq_a,frac_fixed_a,frac_fixed_b,frac_neither,mean_generations," +
		"se_final_freq_a,frac_fixed_a_lo,frac_fixed_a_hi,frac_fixed_b_lo,frac_fixed_b_hi,outcome,pstar,beta1,beta3,theory,agreement"; head != want {
		t.Errorf("summary header\n%s\nwant\n%s", head, want)
	}
	runs, _ := tables(t, dir)
	if head := strings.SplitN(string(runs), "\n", 2)[0]; !strings.HasPrefix(head, "run,point,replicate,seed,axis_t,axis_c,b,c,v,alpha,") || !strings.HasSuffix(head, "final_freq_a,generations,stop_reason,clamped") {
		t.Errorf("runs header %s", head)
	}
}

func TestSelectionChecks(t *testing.T) {
	sc := scenario(t, small)
	for _, sel := range []artifact.Selection{{Point: 9, Replicate: -1}, {Point: 0, Replicate: 3}} {
		var ie *InputError
		if _, err := Run(context.Background(), sc, Options{Dir: t.TempDir(), Kind: artifact.KindRun, Selection: sel, Provenance: prov}); !errors.As(err, &ie) {
			t.Errorf("%+v: %v", sel, err)
		}
	}
}

// A directory that cannot hold runs (a manifest without its scenario, a
// scenario without a counterpart) is refused as input, before anything
// is written.
func TestRefusalsBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, artifact.ManifestFile), []byte(`{"schema": 3, "kind": "sweep"}`), 0o644)
	var ie *InputError
	if _, err := Merge([]string{dir}, filepath.Join(t.TempDir(), "m"), false, prov); !errors.As(err, &ie) || !strings.Contains(err.Error(), "no scenario") {
		t.Errorf("merge of a manifest without a scenario: %v", err)
	}
	out := filepath.Join(t.TempDir(), "det")
	_, err := Run(context.Background(), scenario(t, small), Options{Dir: out, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: -1},
		Deterministic: true, Provenance: prov})
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "lattice") {
		t.Errorf("deterministic lattice: %v", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused deterministic run left a directory behind")
	}
}

func TestCollidingColumnsRefused(t *testing.T) {
	src := strings.NewReplacer(`name = "feed"`, `name = "x"`, `name = "host"`, `name = "natives_x"`, `from = "feed"`, `from = "x"`,
		`to = "host"`, `to = "natives_x"`, `from = "host"`, `from = "natives_x"`, `to = "feed"`, `to = "x"`, "platform.host.alpha", "platform.natives_x.alpha").Replace(twoPlatforms)
	var ie *InputError
	if _, err := Run(context.Background(), scenario(t, src), sweep(t.TempDir())); !errors.As(err, &ie) || !strings.Contains(err.Error(), "final_freq_a_natives_x") {
		t.Errorf("colliding column names: %v", err)
	}
}
