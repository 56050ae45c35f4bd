package execute

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/version"
	"github.com/culturesim/culturesim/sim"
)

// reference runs the small sweep once into a fresh directory and returns
// its tables.
func reference(t *testing.T) (runs, summary []byte) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(context.Background(), scenario(t, small), sweep(ref)); err != nil {
		t.Fatal(err)
	}
	return tables(t, ref)
}

func sameTables(t *testing.T, dir string, runs, summary []byte) {
	t.Helper()
	r, s := tables(t, dir)
	if !bytes.Equal(r, runs) || !bytes.Equal(s, summary) {
		t.Errorf("%s: tables differ from an uninterrupted sweep's", dir)
	}
}

// Two executions on one directory at once: the second is refused while
// the first holds the lock, naming it, and the first's tables are whole.
func TestConcurrentWriterRefused(t *testing.T) {
	wantRuns, wantSummary := reference(t)
	sc := scenario(t, small)
	dir := filepath.Join(t.TempDir(), "s")
	attempt := make(chan error)
	first := sweep(dir)
	first.Workers = 1
	var once bool
	first.Progress = func(done, total int) {
		if done == 3 && !once {
			once = true
			o := sweep(dir)
			o.Resume = true
			_, err := Run(context.Background(), sc, o)
			attempt <- err
		}
	}
	go func() {
		if _, err := Run(context.Background(), sc, first); err != nil {
			t.Error(err)
		}
		close(attempt)
	}()
	err := <-attempt
	var le *artifact.LockedError
	if !errors.As(err, &le) || le.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "in use by another culturesim") {
		t.Fatalf("second writer: %v", err)
	}
	for range attempt {
	}
	sameTables(t, dir, wantRuns, wantSummary)
	if _, err := os.Stat(filepath.Join(dir, artifact.LockFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock outlived its holder: %v", err)
	}
}

// A lock whose holder is gone is taken over: a dead PID on this host, or
// no sign of life for the stale period on another; a live one on another
// host is not.
func TestStaleLocksTakenOver(t *testing.T) {
	wantRuns, wantSummary := reference(t)
	sc := scenario(t, small)
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1) to find a dead PID: ", err)
	}
	writeLock := func(dir string, h artifact.LockHolder, age time.Duration) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(h)
		path := filepath.Join(dir, artifact.LockFile)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		then := time.Now().Add(-age)
		if err := os.Chtimes(path, then, then); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		holder artifact.LockHolder
		age    time.Duration
		taken  bool
	}{
		{"dead PID here", artifact.LockHolder{Host: host, PID: dead.Process.Pid, Command: "culturesim sweep"}, 0, true},
		{"silent on another host", artifact.LockHolder{Host: "node-17", PID: 4242, Command: "culturesim sweep"}, 10 * time.Minute, true},
		{"alive on another host", artifact.LockHolder{Host: "node-17", PID: 4242, Command: "culturesim sweep"}, time.Second, false},
		{"killed while writing it", artifact.LockHolder{}, 10 * time.Minute, true},
	} {
		dir := filepath.Join(t.TempDir(), "s")
		writeLock(dir, c.holder, c.age)
		if c.holder.PID == 0 {
			os.WriteFile(filepath.Join(dir, artifact.LockFile), []byte(`{"host":`), 0o644)
			then := time.Now().Add(-c.age)
			os.Chtimes(filepath.Join(dir, artifact.LockFile), then, then)
		}
		o := sweep(dir)
		o.Resume = true
		_, err := Run(context.Background(), sc, o)
		var le *artifact.LockedError
		switch {
		case c.taken && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.taken:
			sameTables(t, dir, wantRuns, wantSummary)
		case !errors.As(err, &le) || le.Holder.Host != "node-17" || !strings.Contains(err.Error(), "pid 4242 on node-17"):
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// A creation killed at any step leaves a directory that --resume
// continues and --force replaces; temporary files of killed writes are
// removed.
func TestInterruptedCreationIsResumable(t *testing.T) {
	wantRuns, wantSummary := reference(t)
	sc := scenario(t, small)
	full := filepath.Join(t.TempDir(), "full")
	if _, err := Run(context.Background(), sc, sweep(full)); err != nil {
		t.Fatal(err)
	}
	// What each instant of a creation leaves: the manifest alone, the
	// manifest and scenario, a scenario alone (older builds wrote it
	// first), temporary files of the first atomic write.
	states := map[string][]string{
		"manifest":          {artifact.ManifestFile},
		"manifest+scenario": {artifact.ManifestFile, artifact.ScenarioFile},
		"scenario":          {artifact.ScenarioFile},
		"temp files":        {".manifest.json.tmp123", ".scenario.toml.tmp9"},
		"empty journal":     {artifact.ManifestFile, artifact.ScenarioFile, artifact.JournalFile}, // an older build's creation order
	}
	fresh := newManifest(sc, sweep(full))
	fresh.Sessions = []artifact.Session{{Status: "running"}}
	mb, _ := json.Marshal(fresh)
	for name, files := range states {
		for _, flag := range []string{"resume", "force"} {
			dir := filepath.Join(t.TempDir(), "s")
			os.MkdirAll(dir, 0o755)
			for _, f := range files {
				var b []byte
				switch f {
				case artifact.ManifestFile:
					b = mb
				case artifact.ScenarioFile:
					b = []byte(sc.Source)
				case artifact.JournalFile:
					b = nil
				default:
					b = []byte("partial")
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			o := sweep(dir)
			o.Resume, o.Force = flag == "resume", flag == "force"
			if _, err := Run(context.Background(), sc, o); err != nil {
				t.Errorf("%s, --%s: %v", name, flag, err)
				continue
			}
			sameTables(t, dir, wantRuns, wantSummary)
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.Contains(e.Name(), ".tmp") {
					t.Errorf("%s, --%s: %s left behind", name, flag, e.Name())
				}
			}
		}
	}
	// A user's dotfiles that merely contain ".tmp" are theirs.
	{
		dir := filepath.Join(t.TempDir(), "notes")
		if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{".my.tmpnotes", ".notes.tmpl"} {
			os.WriteFile(filepath.Join(dir, n), []byte("mine"), 0o644)
		}
		o := sweep(dir)
		o.Resume = true
		if _, err := Run(context.Background(), sc, o); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{".my.tmpnotes", ".notes.tmpl"} {
			if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
				t.Errorf("a user's %s was removed: %v", n, err)
			}
		}
	}
	// A journal with runs is never discarded, even without its manifest.
	{
		dir := filepath.Join(t.TempDir(), "orphan")
		if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, artifact.ManifestFile))
		for _, f := range []string{artifact.RunsFile, artifact.RunsParquetFile, artifact.SummaryFile, artifact.SummaryParquetFile, artifact.SeriesFile, artifact.SeriesCSVFile, "lines.png", "lines.svg", "heatmap.png", "heatmap.svg"} {
			os.Remove(filepath.Join(dir, f))
		}
		before, _ := os.ReadFile(filepath.Join(dir, artifact.JournalFile))
		o := sweep(dir)
		o.Resume = true
		if _, err := Run(context.Background(), sc, o); err == nil {
			t.Error("a directory of a journal with runs and no manifest was started afresh")
		}
		if after, _ := os.ReadFile(filepath.Join(dir, artifact.JournalFile)); !bytes.Equal(before, after) {
			t.Error("the orphaned journal was changed")
		}
	}
	// A user's own scenario.toml, of other text, is not taken for one.
	dir := filepath.Join(t.TempDir(), "mine")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, artifact.ScenarioFile), []byte("# my notes\n"), 0o644)
	o := sweep(dir)
	o.Resume = true
	var ie *InputError
	if _, err := Run(context.Background(), sc, o); !errors.As(err, &ie) || !strings.Contains(err.Error(), "not a culturesim output directory") {
		t.Errorf("a user's scenario.toml: %v", err)
	}
}

// Runs of another release are refused on resume and on merge, naming
// both releases.
func TestReleasesNotMixed(t *testing.T) {
	sc := scenario(t, small)
	setRelease := func(dir, release string) {
		t.Helper()
		path := filepath.Join(dir, artifact.JournalFile)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		old := []byte(`"release":"` + version.Release + `"`)
		if !bytes.Contains(b, old) {
			t.Fatalf("journal header has no %s", old)
		}
		if err := os.WriteFile(path, bytes.Replace(b, old, []byte(`"release":"`+release+`"`), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "s")
	if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
		t.Fatal(err)
	}
	setRelease(dir, "0.2.9")
	o := sweep(dir)
	o.Resume = true
	_, err := Run(context.Background(), sc, o)
	if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), "release 0.2.9; this is release "+version.Release) {
		t.Fatalf("resume of another release: %v", err)
	}
	var shards []string
	for i := range 2 {
		d := filepath.Join(t.TempDir(), "shard")
		so := sweep(d)
		so.Selection.Shard = artifact.Shard{Index: i, Count: 2}
		if _, err := Run(context.Background(), sc, so); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	setRelease(shards[1], "0.2.9")
	_, err = Merge(shards, filepath.Join(t.TempDir(), "m"), false, prov)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "release 0.2.9") || !strings.Contains(err.Error(), "release "+version.Release) {
		t.Fatalf("merge of two releases: %v", err)
	}
}

// A session that was killed (its manifest still says running when the
// next one takes the lock) is recorded as killed.
func TestKilledSessionRecorded(t *testing.T) {
	sc := scenario(t, small)
	dir := filepath.Join(t.TempDir(), "s")
	interrupted(sc, dir, 4)
	// As kill -9 would leave it: the manifest of a running session.
	m, err := artifact.ReadRunsManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Status = "running"
	m.Sessions[len(m.Sessions)-1].Status = "running"
	m.Sessions[len(m.Sessions)-1].End = time.Time{} // a killed session never writes its end
	if err := artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), m); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(filepath.Join(dir, artifact.JournalFile), old, old); err != nil {
		t.Fatal(err)
	}
	o := sweep(dir)
	o.Resume = true
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatal(err)
	}
	m, err = artifact.ReadRunsManifest(dir)
	if err != nil || len(m.Sessions) != 2 || m.Sessions[0].Status != "killed" || m.Sessions[1].Status != "complete" || !m.Sessions[0].End.Equal(old) {
		t.Fatalf("sessions %+v %v (the killed one ended at its last journalled run, %v)", m.Sessions, err, old)
	}
}

// A flipped journal byte: verify names the damage, --resume warns, keeps
// every intact run, computes the lost one again and writes the tables of
// an undamaged sweep.
func TestResumeRepairsADamagedJournal(t *testing.T) {
	wantRuns, wantSummary := reference(t)
	sc := scenario(t, small)
	dir := filepath.Join(t.TempDir(), "s")
	if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, artifact.JournalFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0xff // inside an entry a third of the way in
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Verify(context.Background(), dir, VerifyOptions{Sample: 1})
	mismatch(t, err, "journal.bin: 1 damaged region(s)", "--resume computes them again")
	var warned []string
	o := sweep(dir)
	o.Resume = true
	o.Warn = func(w string) { warned = append(warned, w) }
	out, err := Run(context.Background(), sc, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "damaged region(s) of the journal skipped") || !strings.Contains(warned[0], "1 run(s) lost (the manifest counted 27 done)") || out.Resumed != sc.NumRuns()-1 {
		t.Fatalf("warnings %q, %d runs kept of %d", warned, out.Resumed, sc.NumRuns())
	}
	sameTables(t, dir, wantRuns, wantSummary)
	m, _ := artifact.ReadRunsManifest(dir)
	if len(m.Warnings) == 0 || !strings.Contains(m.Warnings[len(m.Warnings)-1], "damaged") {
		t.Errorf("the manifest does not record the repair: %v", m.Warnings)
	}
	verifyOK(t, dir, VerifyOptions{}, sc.NumRuns())
}

// What cannot finish on the machine is refused before anything is
// written, naming the setting, the estimate and the limit.
func TestResourcesCheckedUpFront(t *testing.T) {
	defer func(m func() (int64, bool), f func(string) (int64, bool)) { availableMemory, freeSpace = m, f }(availableMemory, freeSpace)
	availableMemory = func() (int64, bool) { return 1 << 30, true } // 1 GB
	freeSpace = func(string) (int64, bool) { return 1 << 40, true }
	const header = `name = "big"
replicates = 4
generations = 10
[model]
b = 1.3
c = 0.1
v = 1
alpha = 0.2
ta = 0.3
tb = 0.3
`
	big := func(kind string, size int) string {
		return strings.NewReplacer("KIND", kind, "SIZE", strconv.Itoa(size)).Replace(header + `[population]
kind = "KIND"
size = SIZE
`)
	}
	// Two well-mixed platforms that a route links hold their agents one
	// by one (8 bytes each).
	linked := func(size int) string {
		return strings.NewReplacer("SIZE", strconv.Itoa(size)).Replace(header + `[[platform]]
name = "a"
[platform.population]
kind = "wellmixed"
size = SIZE
[[platform]]
name = "b"
[platform.population]
kind = "wellmixed"
size = SIZE
[[migration]]
from = "a"
to = "b"
rate = 0.01
`)
	}
	for _, c := range []struct {
		src     string
		workers int
		want    string
	}{
		{big("lattice", 8000), 1, "a 8000×8000 lattice with 8 neighbours a site): one run needs about 1.8 GB of memory, more than the 1.0 GB"},
		{linked(40_000_000), 2, "each run needs about 610 MB of memory, so 2 workers need 1.2 GB, more than the 1.0 GB this machine has available; use --workers 1"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		o := Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: -1}, Workers: c.workers, Provenance: prov}
		_, err := Run(context.Background(), scenario(t, c.src), o)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused run wrote %s", dir)
		}
	}
	// A single well-mixed population is packed (counts, not agents): the
	// largest one runs within the same 1 GB.
	dir := filepath.Join(t.TempDir(), "out")
	o := Options{Dir: dir, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 0, Replicate: -1}, Workers: 2, Provenance: prov}
	if _, err := Run(context.Background(), scenario(t, big("wellmixed", sim.MaxWellMixed)), o); err != nil {
		t.Errorf("2^31 well-mixed agents: %v", err)
	}
	// The outputs against the free space.
	freeSpace = func(string) (int64, bool) { return 1 << 10, true }
	_, err := Run(context.Background(), scenario(t, small), sweep(filepath.Join(t.TempDir(), "s")))
	if err == nil || !strings.Contains(err.Error(), "more than the 1 KB free") {
		t.Errorf("outputs beyond the free space: %v", err)
	}
}
