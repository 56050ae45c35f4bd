// Package sweep runs a scenario's parameter grid: every (point,
// replicate) run, in parallel, with results that survive a crash.
//
// # Determinism
//
// Run r = point·replicates + replicate draws from rng.Stream(seed, point,
// replicate) and nothing else; results are written in run order. The
// tables are therefore byte-identical for any number of workers, with or
// without interruptions, and sharded-then-merged or not.
//
// # Durability
//
// Each finished run is appended to DIR/journal.bin at once (see Journal).
// A killed sweep loses only the runs in flight; Run with Resume reads the
// journal, cuts off a torn last entry and computes only the missing runs.
// A directory that is not this scenario's sweep (another scenario, another
// shard, foreign files, a damaged manifest) is refused, never overwritten.
package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// Files of a sweep directory.
const (
	ManifestFile = "manifest.json"
	ScenarioFile = "scenario.toml"
	JournalFile  = "journal.bin"
	RunsFile     = "runs.csv"
	SummaryFile  = "summary.csv"
	SeriesFile   = "series.parquet"
	ManifestKind = "sweep"
)

// Shard selects the runs r with r mod Count = Index. The zero value (and
// Count 1) is the whole sweep.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Whole reports whether the shard is the whole sweep.
func (s Shard) Whole() bool { return s.Count <= 1 }

// Owns reports whether run r belongs to the shard.
func (s Shard) Owns(r int) bool { return s.Whole() || r%s.Count == s.Index }

func (s Shard) String() string {
	if s.Whole() {
		return "whole"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ParseShard reads "i/n" with 0 ≤ i < n.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || b < 1 || a < 0 || a >= b {
		return Shard{}, fmt.Errorf("--shard %q: want i/n with 0 ≤ i < n, e.g. 0/4", s)
	}
	return Shard{Index: a, Count: b}, nil
}

// Options configure Run.
type Options struct {
	Dir      string
	Workers  int // 0: one per CPU
	Shard    Shard
	Resume   bool // continue the sweep in Dir (or start it in a new or empty Dir)
	Force    bool // discard the sweep in Dir and start again
	Progress func(done, total int)
	// Provenance of this session, recorded in the manifest.
	Provenance artifact.Provenance
}

// Outcome summarises a session.
type Outcome struct {
	Total    int // runs in the shard
	Done     int // finished, including earlier sessions
	Resumed  int // finished before this session
	Complete bool
	Wall     time.Duration
	Files    []string
}

// ScenarioHash identifies a scenario's text.
func ScenarioHash(sc *scenarios.Scenario) string {
	h := sha256.Sum256([]byte(sc.Source))
	return hex.EncodeToString(h[:])
}

func recording(sc *scenarios.Scenario) int {
	if sc.RecordEverySet {
		return sc.RecordEvery
	}
	return 0
}

// Run executes the shard's missing runs of sc into opts.Dir. On
// cancellation it keeps every finished run, writes the tables of what is
// done, and returns ctx's error.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Outcome, error) {
	start := time.Now()
	hdr := JournalHeader{ScenarioSHA256: ScenarioHash(sc), Shard: opts.Shard, TotalRuns: sc.NumRuns(), Recording: recording(sc)}
	man, j, done, err := prepare(sc, opts, hdr)
	if err != nil {
		return nil, err
	}
	var pending []int
	total := 0
	for r := range sc.NumRuns() {
		if !opts.Shard.Owns(r) {
			continue
		}
		total++
		if !done[r] {
			pending = append(pending, r)
		}
	}
	out := &Outcome{Total: total, Resumed: total - len(pending)}
	count := out.Resumed
	var countMu sync.Mutex
	if opts.Progress != nil {
		opts.Progress(count, total)
	}

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	results := make(chan *RunResult, workers)
	var writeErr error
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for r := range results {
			if writeErr == nil {
				writeErr = j.Append(r)
			}
			if writeErr == nil {
				countMu.Lock()
				count++
				if opts.Progress != nil {
					opts.Progress(count, total)
				}
				countMu.Unlock()
			}
		}
	}()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, r := range pending {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			res, err := execute(gctx, sc, r)
			if err != nil {
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return nil // in flight: recomputed on resume
				}
				return fmt.Errorf("run %d (point %d: %s): %w", r, res.Point, sc.DescribePoint(res.Point), err)
			}
			results <- res // the writer always drains: never blocks for long
			return nil
		})
	}
	runErr := g.Wait()
	close(results)
	<-writerDone
	closeErr := j.Close()

	out.Done = count
	out.Complete = count == total
	out.Wall = time.Since(start)
	status := "complete"
	if !out.Complete {
		status = "interrupted"
	}
	session := Session{Start: start.UTC(), End: time.Now().UTC(), Command: opts.Provenance.Command, Workers: workers,
		RunsDone: count - out.Resumed, Status: status}
	man.Sessions = append(man.Sessions, session)
	files, outErr := WriteOutputs(opts.Dir, sc, man)
	out.Files = files
	for _, err := range []error{writeErr, closeErr, outErr} {
		if err != nil {
			return out, err
		}
	}
	if runErr != nil {
		return out, runErr
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	return out, nil
}

// execute plays run r.
func execute(ctx context.Context, sc *scenarios.Scenario, r int) (*RunResult, error) {
	point, rep := r/sc.Replicates, r%sc.Replicates
	seed := rng.StreamSeed(sc.Seed, point, rep)
	res := &RunResult{Run: r, Point: point, Rep: rep, Seed: seed}
	st := sc.PointSetup(point)
	st.Run.RecordEvery = recording(sc)
	src := rng.New(seed)
	pop, err := st.NewPopulation(src)
	if err != nil {
		return res, err
	}
	res.Result, err = sim.Run(ctx, pop, src, st.Run, func(rec sim.Record) { res.Records = append(res.Records, rec) })
	return res, err
}

// Session is one invocation that worked on the sweep.
type Session struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Command  string    `json:"command"`
	Workers  int       `json:"workers"`
	RunsDone int       `json:"runs_done"`
	Status   string    `json:"status"`
}

// Manifest is DIR/manifest.json.
type Manifest struct {
	Kind           string              `json:"kind"`
	Status         string              `json:"status"`
	Provenance     artifact.Provenance `json:"provenance"`
	Scenario       ScenarioInfo        `json:"scenario"`
	Seed           uint64              `json:"seed"`
	SeedDerivation string              `json:"seed_derivation"`
	Shard          Shard               `json:"shard"`
	MergedFrom     []string            `json:"merged_from,omitempty"`
	Points         int                 `json:"points"`
	Replicates     int                 `json:"replicates"`
	TotalRuns      int                 `json:"total_runs"`
	ShardRuns      int                 `json:"shard_runs"`
	DoneRuns       int                 `json:"done_runs"`
	Axes           []AxisInfo          `json:"axes"`
	Sessions       []Session           `json:"sessions"`
	Files          []string            `json:"files"`
	Warnings       []string            `json:"warnings,omitempty"`
}

// ScenarioInfo records the scenario in the manifest.
type ScenarioInfo struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Text   string `json:"text"`
}

// AxisInfo records a sweep axis.
type AxisInfo struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

func newManifest(sc *scenarios.Scenario, opts Options) *Manifest {
	m := &Manifest{
		Kind: ManifestKind, Status: "running", Provenance: opts.Provenance,
		Scenario: ScenarioInfo{Name: sc.Name, File: sc.File, SHA256: ScenarioHash(sc), Text: sc.Source},
		Seed:     sc.Seed, SeedDerivation: "run (point i, replicate j) draws from xoshiro256++ seeded by rng.StreamSeed(seed, i, j)",
		Shard: opts.Shard, Points: sc.NumPoints(), Replicates: sc.Replicates, TotalRuns: sc.NumRuns(),
		Warnings: sc.Warnings,
	}
	for r := range sc.NumRuns() {
		if opts.Shard.Owns(r) {
			m.ShardRuns++
		}
	}
	for _, a := range sc.Axes {
		ai := AxisInfo{Key: a.Key}
		for _, v := range a.Values {
			ai.Values = append(ai.Values, v.String())
		}
		m.Axes = append(m.Axes, ai)
	}
	return m
}

// ReadManifest reads DIR/manifest.json of a sweep.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: damaged manifest: %w", dir, err)
	}
	if m.Kind != ManifestKind {
		return nil, fmt.Errorf("%s holds a culturesim %q, not a sweep", dir, m.Kind)
	}
	return &m, nil
}

// prepare makes the directory ready: a new sweep, a resumed one, or a
// refusal. It returns the manifest, the open journal and the runs done.
func prepare(sc *scenarios.Scenario, opts Options, hdr JournalHeader) (*Manifest, *Journal, map[int]bool, error) {
	dir := opts.Dir
	jpath := filepath.Join(dir, JournalFile)
	fresh := func() (*Manifest, *Journal, map[int]bool, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, nil, err
		}
		if err := artifact.WriteFile(filepath.Join(dir, ScenarioFile), []byte(sc.Source)); err != nil {
			return nil, nil, nil, err
		}
		m := newManifest(sc, opts)
		if err := artifact.WriteJSON(filepath.Join(dir, ManifestFile), m); err != nil {
			return nil, nil, nil, err
		}
		j, err := CreateJournal(jpath, hdr)
		return m, j, map[int]bool{}, err
	}
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(ents) == 0):
		// Nothing to resume: start (so a requeued cluster task can always
		// pass --resume).
		return fresh()
	case err != nil:
		return nil, nil, nil, err
	}
	kind, kerr := artifact.ManifestKind(dir)
	switch {
	case kerr != nil:
		return nil, nil, nil, fmt.Errorf("%s is not empty and is not a culturesim sweep directory (%v); refusing to touch it: choose a new or empty directory with --out", dir, kerr)
	case kind != ManifestKind:
		return nil, nil, nil, fmt.Errorf("%s holds the output of a culturesim %s, not a sweep; choose another directory with --out", dir, kind)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	if opts.Force && !opts.Resume {
		for _, f := range append([]string{JournalFile, ScenarioFile, ManifestFile}, m.Files...) {
			if err := os.Remove(filepath.Join(dir, filepath.Base(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, nil, nil, err
			}
		}
		return fresh()
	}
	if !opts.Resume {
		return nil, nil, nil, fmt.Errorf("%s already holds a sweep (%s, %d of %d runs done); pass --resume to continue it or --force to start again", dir, m.Status, m.DoneRuns, m.ShardRuns)
	}
	if m.Scenario.SHA256 != hdr.ScenarioSHA256 {
		return nil, nil, nil, fmt.Errorf("--resume: %s holds a sweep of a different scenario (%s, sha256 %.12s…); the scenario given has sha256 %.12s…", dir, m.Scenario.File, m.Scenario.SHA256, hdr.ScenarioSHA256)
	}
	if m.Shard != opts.Shard {
		return nil, nil, nil, fmt.Errorf("--resume: %s holds shard %s, not %s", dir, m.Shard, opts.Shard)
	}
	done := map[int]bool{}
	scan, err := ReadJournal(jpath, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--resume: %s: %w", dir, err)
	}
	if scan.Header != hdr {
		return nil, nil, nil, fmt.Errorf("--resume: the journal in %s belongs to another sweep (%+v)", dir, scan.Header)
	}
	for r := range scan.Offsets {
		if !opts.Shard.Owns(r) {
			return nil, nil, nil, fmt.Errorf("--resume: the journal in %s holds run %d, outside shard %s: damaged", dir, r, opts.Shard)
		}
		done[r] = true
	}
	j, err := OpenJournal(jpath, scan.Valid)
	if err != nil {
		return nil, nil, nil, err
	}
	m.Provenance = opts.Provenance
	m.Status = "running"
	if err := artifact.WriteJSON(filepath.Join(dir, ManifestFile), m); err != nil {
		j.Close()
		return nil, nil, nil, err
	}
	return m, j, done, nil
}
