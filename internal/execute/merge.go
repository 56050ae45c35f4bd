package execute

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
)

// Merge combines the directories of shards (or of any partition of one
// sweep's runs) into out, which must be new or empty, or an earlier merge
// replaced with force. Every run of the sweep must be present exactly
// once. The merged tables equal those of an unsharded sweep byte for
// byte.
func Merge(dirs []string, out string, force bool, prov artifact.Provenance) ([]string, error) {
	if len(dirs) == 0 {
		return nil, inputf("merge: no sweep directories given")
	}
	var first *artifact.RunsManifest
	owner := map[int]string{}
	type source struct {
		dir  string
		scan *artifact.Scan
	}
	var sources []source
	var sessions []artifact.Session
	for _, d := range dirs {
		m, err := readManifest(d, false)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("merge: %s: %w", d, err)}
		}
		if first == nil {
			first = m
		} else if m.Scenario.SHA256 != first.Scenario.SHA256 {
			return nil, inputf("merge: %s holds runs of another scenario (%s) than %s (%s)", d, m.Scenario.File, dirs[0], first.Scenario.File)
		} else if m.RecordEvery != first.RecordEvery || m.Deterministic != first.Deterministic {
			return nil, inputf("merge: %s recorded its runs differently (record_every %d, deterministic %v) from %s (record_every %d, deterministic %v)",
				d, m.RecordEvery, m.Deterministic, dirs[0], first.RecordEvery, first.Deterministic)
		}
		scan, err := artifact.ReadJournal(filepath.Join(d, artifact.JournalFile), m.Replicates, nil)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if scan.Header.ScenarioSHA256 != m.Scenario.SHA256 || scan.Header.Selection != m.Selection {
			return nil, inputf("merge: the journal in %s does not match its manifest", d)
		}
		// Every shard's runs must come from one release and one seed
		// derivation, or the merged table matches no single sweep.
		if len(sources) > 0 {
			h0 := sources[0].scan.Header
			if h := scan.Header; h.Release != h0.Release || h.SeedDerivation != h0.SeedDerivation {
				return nil, inputf("merge: %s holds runs of culturesim release %s (seeds: %s), %s of release %s (seeds: %s); shards must come from one release",
					d, orUnknown(h.Release), h.SeedDerivation, sources[0].dir, orUnknown(h0.Release), h0.SeedDerivation)
			}
		}
		for r := range scan.Offsets {
			if prev, dup := owner[r]; dup {
				return nil, inputf("merge: run %d is in both %s and %s (the same shard given twice?)", r, prev, d)
			}
			owner[r] = d
		}
		if len(scan.Offsets) < m.SelectedRuns {
			return nil, inputf("merge: %s (%s) has %d of its %d runs; finish it with culturesim sweep --resume", d, m.Selection, len(scan.Offsets), m.SelectedRuns)
		}
		sources = append(sources, source{d, scan})
		sessions = append(sessions, m.Sessions...)
	}
	if missing := first.TotalRuns - len(owner); missing > 0 {
		return nil, inputf("merge: %d of the sweep's %d runs are in none of the %d directories (a shard is missing)", missing, first.TotalRuns, len(dirs))
	}
	sc, err := first.ParseScenario()
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	for _, d := range dirs {
		if same(d, out) {
			return nil, inputf("merge: --out %s is one of the directories to merge; choose another", out)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	lock, err := artifact.LockDir(out, prov.Command)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if err := prepareMergeDir(out, force); err != nil {
		return nil, err
	}
	opts := Options{Kind: artifact.KindSweep, Selection: artifact.All, RecordEvery: first.RecordEvery, Deterministic: first.Deterministic, Provenance: prov}
	m := newManifest(sc, opts)
	m.MergedFrom = append([]string(nil), dirs...)
	sort.Strings(m.MergedFrom)
	m.Sessions = sessions
	// The manifest first, as for a sweep, so that a merge killed midway
	// leaves a directory merge --force replaces.
	if err := artifact.WriteJSON(filepath.Join(out, artifact.ManifestFile), m); err != nil {
		return nil, err
	}
	if err := artifact.WriteFile(filepath.Join(out, artifact.ScenarioFile), []byte(sc.Source)); err != nil {
		return nil, err
	}
	// The merged journal keeps the shards' release and seed derivation:
	// it holds their runs.
	hdr := sources[0].scan.Header
	hdr.Selection = artifact.All
	j, err := artifact.CreateJournal(filepath.Join(out, artifact.JournalFile), hdr)
	if err != nil {
		return nil, err
	}
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, s := range sources {
		f, err := os.Open(filepath.Join(s.dir, artifact.JournalFile))
		if err != nil {
			j.Close()
			return nil, err
		}
		files[s.dir] = f
	}
	offsets := map[string]map[int]int64{}
	for _, s := range sources {
		offsets[s.dir] = s.scan.Offsets
	}
	for r := range first.TotalRuns {
		d := owner[r]
		rr, err := artifact.ReadEntry(files[d], offsets[d][r])
		if err != nil {
			j.Close()
			return nil, fmt.Errorf("merge: %s: run %d: %w", d, r, err)
		}
		if err := j.Append(&rr); err != nil {
			j.Close()
			return nil, err
		}
	}
	if err := j.Close(); err != nil {
		return nil, err
	}
	return writeOutputs(out, sc, m)
}

func orUnknown(release string) string {
	if release == "" {
		return "(unrecorded, before 0.3.0)"
	}
	return release
}

func prepareMergeDir(out string, force bool) error {
	names, err := artifact.Contents(out)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	m, err := readManifest(out, false)
	if err != nil || len(m.MergedFrom) == 0 {
		return inputf("merge: %s is not empty and is not an earlier merge; choose a new or empty directory with --out", out)
	}
	if !force {
		return inputf("merge: %s already holds a merged sweep (of %s); pass --force to replace it", out, strings.Join(m.MergedFrom, ", "))
	}
	for _, f := range append([]string{artifact.JournalFile, artifact.ScenarioFile, artifact.ManifestFile}, m.Files...) {
		if err := os.Remove(filepath.Join(out, filepath.Base(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// same reports whether two paths name the same directory.
func same(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	ab, _ := filepath.Abs(b)
	return aa == ab
}
