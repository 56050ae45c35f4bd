package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// Merge combines the sweep directories of shards (or of any partition of
// one sweep's runs) into out, which must be new or empty, or a merge
// target replaced with force. Every run of the sweep must be present
// exactly once. The merged tables equal those of an unsharded sweep byte
// for byte.
func Merge(dirs []string, out string, force bool, prov artifact.Provenance) ([]string, error) {
	if len(dirs) == 0 {
		return nil, errors.New("merge: no sweep directories given")
	}
	var first *Manifest
	owner := map[int]string{}
	type source struct {
		dir  string
		scan *Scan
	}
	var sources []source
	var sessions []Session
	for _, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return nil, fmt.Errorf("merge: %s: %w", d, err)
		}
		if first == nil {
			first = m
		} else if m.Scenario.SHA256 != first.Scenario.SHA256 {
			return nil, fmt.Errorf("merge: %s is a sweep of another scenario (%s) than %s (%s)", d, m.Scenario.File, dirs[0], first.Scenario.File)
		}
		scan, err := ReadJournal(filepath.Join(d, JournalFile), nil)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if scan.Header.ScenarioSHA256 != m.Scenario.SHA256 || scan.Header.Shard != m.Shard {
			return nil, fmt.Errorf("merge: the journal in %s does not match its manifest", d)
		}
		for r := range scan.Offsets {
			if prev, dup := owner[r]; dup {
				return nil, fmt.Errorf("merge: run %d is in both %s and %s (the same shard given twice?)", r, prev, d)
			}
			owner[r] = d
		}
		if len(scan.Offsets) < m.ShardRuns {
			return nil, fmt.Errorf("merge: %s (shard %s) has %d of its %d runs; finish it with culturesim sweep --resume", d, m.Shard, len(scan.Offsets), m.ShardRuns)
		}
		sources = append(sources, source{d, scan})
		sessions = append(sessions, m.Sessions...)
	}
	if missing := first.TotalRuns - len(owner); missing > 0 {
		return nil, fmt.Errorf("merge: %d of the sweep's %d runs are in none of the %d directories (a shard is missing)", missing, first.TotalRuns, len(dirs))
	}
	sc, err := scenarios.Parse(first.Scenario.File, []byte(first.Scenario.Text))
	if err != nil {
		return nil, fmt.Errorf("merge: the recorded scenario no longer parses: %w", err)
	}
	if err := prepareMergeDir(out, force); err != nil {
		return nil, err
	}
	if err := artifact.WriteFile(filepath.Join(out, ScenarioFile), []byte(sc.Source)); err != nil {
		return nil, err
	}
	hdr := JournalHeader{ScenarioSHA256: first.Scenario.SHA256, TotalRuns: first.TotalRuns, Recording: recording(sc)}
	j, err := CreateJournal(filepath.Join(out, JournalFile), hdr)
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
		f, err := os.Open(filepath.Join(s.dir, JournalFile))
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
		rr, err := ReadEntry(files[d], offsets[d][r])
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
	m := newManifest(sc, Options{Provenance: prov})
	m.MergedFrom = append([]string(nil), dirs...)
	sort.Strings(m.MergedFrom)
	m.Sessions = sessions
	return WriteOutputs(out, sc, m)
}

func prepareMergeDir(out string, force bool) error {
	ents, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(out, 0o755)
	case err != nil:
		return err
	case len(ents) == 0:
		return nil
	}
	m, err := ReadManifest(out)
	if err != nil || len(m.MergedFrom) == 0 {
		return fmt.Errorf("merge: %s is not empty and is not an earlier merge; choose a new or empty directory with --out", out)
	}
	if !force {
		return fmt.Errorf("merge: %s already holds a merged sweep (of %s); pass --force to replace it", out, strings.Join(m.MergedFrom, ", "))
	}
	for _, f := range append([]string{JournalFile, ScenarioFile, ManifestFile}, m.Files...) {
		if err := os.Remove(filepath.Join(out, filepath.Base(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
