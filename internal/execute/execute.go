// Package execute runs a scenario's runs: every (point, replicate) cell,
// or a selection of them, in parallel, with results that survive a crash.
// "culturesim run" (the replicates of one point), "sweep" (every point,
// or a shard) and "reproduce" all go through Run; a run is a sweep of
// one point.
//
// # Determinism
//
// Run r = point·replicates + replicate draws from rng.Stream(seed, point,
// replicate) and nothing else, and tables are written in run order from
// the journal: the same runs give byte-identical tables for any number of
// workers, with or without interruptions, sharded-then-merged or not,
// and a run replayed alone (Selection{Point, Replicate}) gives the very
// row and series it has in the sweep.
//
// # Durability
//
// Each finished run is appended to DIR/journal.bin at once
// (artifact.Journal). A killed execution loses only the runs in flight;
// Run with Resume reads the journal, cuts off a torn last entry and
// computes only the missing runs. A directory that is not this scenario's
// (another scenario, another selection, foreign files, a damaged
// manifest) is refused, never overwritten.
//
// # Errors
//
// Problems with what was asked (a directory holding something else, a
// missing shard, shards of another scenario) are *InputError; anything
// else (a full disk, a failed run) is returned as it is, with context.
// The command line maps the former to exit status 64, the latter to 1.
package execute

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/version"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
)

// InputError is a problem with what the user asked for, not with the
// machine: the command line maps it to exit status 64.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputf(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

// ErrStale marks a directory an older build wrote whose journal this
// build cannot continue (see artifact.JournalCompatible): only --force,
// starting again, makes its runs.
var ErrStale = errors.New("made by an older culturesim")

// ErrOtherScenario marks a directory whose runs are another scenario's:
// --resume cannot continue them.
var ErrOtherScenario = errors.New("holds another scenario's runs")

// Options configure Run.
type Options struct {
	Dir string
	// Kind is what the directory is: artifact.KindRun (culturesim run)
	// or artifact.KindSweep.
	Kind      string
	Workers   int // 0: one per CPU
	Selection artifact.Selection
	// RecordEvery records every that many generations (0: no series).
	RecordEvery int
	// Deterministic iterates the deterministic counterpart instead of
	// simulating (one replicate per point).
	Deterministic bool
	Resume        bool // continue the runs in Dir (or start them in a new or empty Dir)
	Force         bool // discard what Dir holds and start again
	Progress      func(done, total int)
	Provenance    artifact.Provenance
	// Warn, if set, hears what the user should know at once (a damaged
	// journal repaired); the manifest records it too.
	Warn func(string)
}

func (o Options) warn(m *artifact.RunsManifest, msg string) {
	m.Warnings = append(m.Warnings, msg)
	if o.Warn != nil {
		o.Warn(msg)
	}
}

// Outcome summarises a session.
type Outcome struct {
	Total    int // runs selected
	Done     int // finished, including earlier sessions
	Resumed  int // finished before this session
	Complete bool
	Wall     time.Duration
	Files    []string
}

func newManifest(sc *scenarios.Scenario, opts Options) *artifact.RunsManifest {
	m := &artifact.RunsManifest{
		Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: opts.Kind, Provenance: opts.Provenance,
			Scenario: artifact.ScenarioOf(sc)},
		Status: "running", Seed: sc.Seed, SeedDerivation: SeedDerivation, Selection: opts.Selection,
		Points: sc.NumPoints(), Replicates: sc.Replicates, TotalRuns: sc.NumRuns(), SelectedRuns: len(selected(sc, opts.Selection)),
		RecordEvery: opts.RecordEvery, Deterministic: opts.Deterministic, Platforms: sc.PlatformNames(), Warnings: sc.Warnings,
	}
	for _, a := range sc.Axes {
		ai := artifact.AxisInfo{Key: a.Key, Label: a.Label()}
		for _, v := range a.Values {
			ai.Values = append(ai.Values, v.String())
		}
		m.Axes = append(m.Axes, ai)
	}
	return m
}

// selected lists the runs of a selection, in run order.
func selected(sc *scenarios.Scenario, sel artifact.Selection) []int {
	var out []int
	lo, hi := 0, sc.NumRuns()
	if sel.Point >= 0 {
		lo, hi = sel.Point*sc.Replicates, (sel.Point+1)*sc.Replicates
	}
	for r := lo; r < hi; r++ {
		if sel.Owns(r, sc.Replicates) {
			out = append(out, r)
		}
	}
	return out
}

// CheckSelection reports a selection outside the scenario.
func CheckSelection(sc *scenarios.Scenario, sel artifact.Selection) error {
	if sel.Point >= sc.NumPoints() {
		return inputf("--point %d: the scenario has points 0 to %d", sel.Point, sc.NumPoints()-1)
	}
	if sel.Replicate >= sc.Replicates {
		return inputf("--replicate %d: the scenario has replicates 0 to %d", sel.Replicate, sc.Replicates-1)
	}
	return nil
}

// RunRecording is how often "culturesim run" records: record_every when
// the file sets it above 0, otherwise every generation (a run is always
// recorded, so that it can be plotted and replayed in full).
func RunRecording(sc *scenarios.Scenario) int {
	if sc.RecordEverySet && sc.RecordEvery > 0 {
		return sc.RecordEvery
	}
	return 1
}

// SweepRecording is how often a sweep records: only when the file sets
// record_every (the series of every run of a grid are large).
func SweepRecording(sc *scenarios.Scenario) int {
	if sc.RecordEverySet {
		return sc.RecordEvery
	}
	return 0
}

func header(sc *scenarios.Scenario, opts Options) artifact.JournalHeader {
	return artifact.JournalHeader{ScenarioSHA256: artifact.ScenarioHash(sc), Selection: opts.Selection, TotalRuns: sc.NumRuns(),
		RecordEvery: opts.RecordEvery, Deterministic: opts.Deterministic, SeedDerivation: SeedDerivation, Release: version.Release}
}

// releaseMismatch refuses runs computed by another release than this
// build's: mixing them would give a table that matches neither. A journal
// from before releases were recorded is judged by its schema (see
// artifact.JournalCompatible).
func releaseMismatch(dir string, got artifact.JournalHeader) error {
	if got.Release == "" || got.Release == version.Release {
		return nil
	}
	return &InputError{Err: fmt.Errorf("%s holds runs computed by culturesim release %s; this is release %s, whose runs may differ: "+
		"finish it with release %s, or pass --force to start it again with this one: %w", dir, got.Release, version.Release, got.Release, ErrStale)}
}

// Run executes the selected runs of sc that Dir does not hold yet, then
// writes the tables of what is done. On cancellation it keeps every
// finished run, writes the tables, and returns ctx's error.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Outcome, error) {
	start := time.Now()
	if err := CheckSelection(sc, opts.Selection); err != nil {
		return nil, err
	}
	if err := artifact.CheckColumns(sc); err != nil {
		return nil, &InputError{Err: err}
	}
	if opts.Deterministic {
		if sc.Replicates != 1 && opts.Selection.Replicate < 0 {
			opts.Selection.Replicate = 0 // the counterpart has one "replicate"
		}
		// Refuse what has no counterpart before anything is written.
		if err := checkDeterministic(sc, opts.Selection); err != nil {
			return nil, err
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := checkResources(sc, opts, workers); err != nil {
		return nil, err
	}
	man, j, done, lock, err := prepare(sc, opts, header(sc, opts))
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	all := selected(sc, opts.Selection)
	var pending []int
	for _, r := range all {
		if !done[r] {
			pending = append(pending, r)
		}
	}
	out := &Outcome{Total: len(all), Resumed: len(all) - len(pending)}
	count := out.Resumed
	var countMu sync.Mutex
	if opts.Progress != nil {
		opts.Progress(count, out.Total)
	}

	results := make(chan *artifact.RunResult, workers)
	var writeErr error
	writerDone := make(chan struct{})
	// The first failed journal write (a full disk) stops the workers: a
	// run that cannot be kept is not worth computing.
	runCtx, stopRuns := context.WithCancel(ctx)
	defer stopRuns()
	// A holder judged dead by another (a machine paused past the lock's
	// stale period) stops at once and writes nothing more.
	var lockLost atomic.Bool
	go func() {
		select {
		case <-lock.Lost():
			lockLost.Store(true)
			stopRuns()
		case <-runCtx.Done():
		}
	}()
	go func() {
		defer close(writerDone)
		for r := range results {
			if writeErr == nil {
				if writeErr = j.Append(r); writeErr != nil {
					stopRuns()
				}
			}
			if writeErr == nil {
				countMu.Lock()
				count++
				if opts.Progress != nil {
					opts.Progress(count, out.Total)
				}
				countMu.Unlock()
			}
		}
	}()
	g, gctx := errgroup.WithContext(runCtx)
	g.SetLimit(workers)
	for _, r := range pending {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			point, rep := r/sc.Replicates, r%sc.Replicates
			res, err := cell(gctx, sc, point, rep, opts.RecordEvery, opts.Deterministic)
			if err != nil {
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return nil // in flight: recomputed on resume
				}
				return fmt.Errorf("run %d (point %d: %s): %w", r, point, sc.DescribePoint(point), err)
			}
			results <- &res // the writer always drains: never blocks for long
			return nil
		})
	}
	runErr := g.Wait()
	close(results)
	<-writerDone
	closeErr := j.Close()
	if lockLost.Load() {
		return out, fmt.Errorf("%s: another culturesim took this directory's lock while this one was silent (a paused machine?); stopped without writing its tables: the other one writes them", opts.Dir)
	}

	out.Done = count
	out.Complete = count == out.Total
	out.Wall = time.Since(start)
	status := "complete"
	if !out.Complete {
		status = "interrupted"
	}
	man.Sessions[len(man.Sessions)-1] = artifact.Session{Start: start.UTC(), End: time.Now().UTC(), Command: opts.Provenance.Command, Workers: workers,
		RunsDone: count - out.Resumed, Status: status}
	files, outErr := writeOutputs(opts.Dir, sc, man)
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

// checkDeterministic reports the selected points that have no
// deterministic counterpart (a lattice platform, a payoff-seeking route).
func checkDeterministic(sc *scenarios.Scenario, sel artifact.Selection) error {
	points := []int{sel.Point}
	if sel.Point < 0 {
		points = points[:0]
		for i := range sc.NumPoints() {
			points = append(points, i)
		}
	}
	for _, i := range points {
		plats, err := sc.DetPlatforms(i)
		if err == nil {
			cfg := sc.Point(i)
			_, err = model.NewDetWorld(plats, cfg.Migration, cfg.Generations)
		}
		if err != nil {
			return &InputError{Err: fmt.Errorf("--deterministic: %s, point %d (%s): %w", sc.Name, i, sc.DescribePoint(i), err)}
		}
	}
	return nil
}

// writing counts the final writes in progress (Writing).
var writing atomic.Int32

// Writing reports whether tables are being written from a journal: a
// process stopping at once should let them land.
func Writing() bool { return writing.Load() > 0 }

// writeOutputs writes the tables from the journal and updates the
// manifest.
func writeOutputs(dir string, sc *scenarios.Scenario, man *artifact.RunsManifest) ([]string, error) {
	writing.Add(1)
	defer writing.Add(-1)
	rs, _, err := artifact.Results(dir, sc)
	if err != nil {
		return nil, err
	}
	man.DoneRuns = len(rs)
	complete := man.DoneRuns == man.SelectedRuns
	sel := man.Selection
	// A summary of part of a point, or of part of the grid's runs (a
	// shard), would mislead: it waits for the whole points (or merge).
	files, err := artifact.WriteTables(dir, sc, artifact.TableOptions{
		// The deterministic counterpart's one replicate is its point.
		Summary:       complete && (sel.Replicate < 0 || man.Deterministic) && sel.Shard.Whole(),
		SeriesCSVRows: seriesCSVRows(man.Kind),
		Meta:          artifact.ParquetMeta{Provenance: man.Provenance, Scenario: man.Scenario, SeedDerivation: man.SeedDerivation},
	})
	man.Status = "interrupted"
	if complete {
		man.Status = "complete"
	}
	man.Files = append(files, artifact.ScenarioFile, artifact.JournalFile, artifact.ManifestFile)
	if err != nil {
		return files, err
	}
	return files, artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), man)
}

// seriesCSVRows is how large a series may be to be written as CSV too:
// always for a run, up to artifact.SweepSeriesCSVRows for a sweep.
func seriesCSVRows(kind string) int {
	if kind == artifact.KindRun {
		return -1
	}
	return artifact.SweepSeriesCSVRows
}

// RecordFiles adds files (written beside the tables, e.g. plots) to the
// manifest of a run or sweep directory.
func RecordFiles(dir string, files []string) error {
	m, err := readManifest(dir, false)
	if err != nil {
		return err
	}
	for _, f := range files {
		if slices.Index(m.Files, f) < 0 {
			m.Files = append(m.Files, f)
		}
	}
	return artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), m)
}

// readManifest reads a run or sweep manifest (resumable: of an older
// schema too); a directory of something else is an input error.
func readManifest(dir string, resumable bool) (*artifact.RunsManifest, error) {
	read := artifact.ReadRunsManifest
	if resumable {
		read = artifact.ReadResumableManifest
	}
	if st, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, inputf("%s does not exist", dir)
	} else if err == nil && !st.IsDir() {
		return nil, inputf("%s is a file, not a run or sweep directory", dir)
	}
	m, err := read(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, inputf("%s is not a run or sweep directory: it has no %s", dir, artifact.ManifestFile)
	case errors.Is(err, artifact.ErrNotRuns):
		return nil, &InputError{Err: err}
	}
	return m, err
}

// prepare makes the directory ready, under its lock: new runs, resumed
// ones, or a refusal. It returns the manifest, the open journal and the
// runs done; the caller releases the lock after its last write.
//
// A new directory is written in an order that can be resumed at every
// instant: the manifest first (what marks the directory as culturesim's),
// then the scenario, then the journal. A directory holding only some of
// them, or temporary files of a killed write, is a creation that was
// interrupted, and starts again.
func prepare(sc *scenarios.Scenario, opts Options, hdr artifact.JournalHeader) (*artifact.RunsManifest, *artifact.Journal, map[int]bool, *artifact.Lock, error) {
	dir := opts.Dir
	jpath := filepath.Join(dir, artifact.JournalFile)
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, nil, nil, nil, inputf("%s is a file; choose a directory (new or empty) with --out", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, nil, nil, err
	}
	lock, err := artifact.LockDir(dir, opts.Provenance.Command)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	m, j, done, err := prepareLocked(sc, opts, hdr, jpath)
	if err != nil {
		lock.Release()
		return nil, nil, nil, nil, err
	}
	return m, j, done, lock, nil
}

func prepareLocked(sc *scenarios.Scenario, opts Options, hdr artifact.JournalHeader, jpath string) (*artifact.RunsManifest, *artifact.Journal, map[int]bool, error) {
	dir := opts.Dir
	fresh := func() (*artifact.RunsManifest, *artifact.Journal, map[int]bool, error) {
		m := newManifest(sc, opts)
		m.Sessions = []artifact.Session{running(opts)}
		if err := artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), m); err != nil {
			return nil, nil, nil, err
		}
		if err := artifact.WriteFile(filepath.Join(dir, artifact.ScenarioFile), []byte(sc.Source)); err != nil {
			return nil, nil, nil, err
		}
		os.Remove(jpath) // an interrupted creation's
		j, err := artifact.CreateJournal(jpath, hdr)
		return m, j, map[int]bool{}, err
	}
	names, err := artifact.Contents(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	kind, kerr := artifact.ManifestKind(dir)
	if len(names) == 0 || (kerr != nil && interruptedCreation(dir, sc.Source, names)) {
		// Nothing to resume: start (so a requeued cluster task can always
		// pass --resume).
		return fresh()
	}
	switch {
	case kerr != nil:
		return nil, nil, nil, inputf("%s is not empty and is not a culturesim output directory (%v); refusing to touch it: choose a new or empty directory with --out", dir, kerr)
	case kind != opts.Kind:
		return nil, nil, nil, inputf("%s holds the output of a culturesim %s, not a %s; choose another directory with --out", dir, kind, opts.Kind)
	}
	m, err := readManifest(dir, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if opts.Force && !opts.Resume {
		for _, f := range append([]string{artifact.JournalFile, artifact.ScenarioFile, artifact.ManifestFile}, m.Files...) {
			if err := os.Remove(filepath.Join(dir, filepath.Base(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, nil, nil, err
			}
		}
		return fresh()
	}
	if !opts.Resume {
		if m.Scenario.SHA256 != hdr.ScenarioSHA256 {
			return nil, nil, nil, inputf("%s already holds runs of another scenario (%s); choose another directory with --out, or pass --force to discard them", dir, m.Scenario.File)
		}
		return nil, nil, nil, inputf("%s already holds %s (%s, %d of %d runs done); pass --resume to continue or --force to start again", dir, what(opts.Kind), m.Status, m.DoneRuns, m.SelectedRuns)
	}
	if m.Scenario == nil || m.Scenario.SHA256 != hdr.ScenarioSHA256 {
		file := ""
		if m.Scenario != nil {
			file = m.Scenario.File
		}
		if m.Scenario != nil && m.Scenario.Text == sc.Source {
			return nil, nil, nil, &InputError{Err: fmt.Errorf("--resume: %s holds runs of the same scenario text read with other edge-list files (%s): they ran on another graph (%w)", dir, edgeChanges(m.Scenario, sc), ErrOtherScenario)}
		}
		return nil, nil, nil, &InputError{Err: fmt.Errorf("--resume: %s holds runs of a different scenario (%s); the scenario given has sha256 %.12s… (%w)", dir, file, hdr.ScenarioSHA256, ErrOtherScenario)}
	}
	if m.Selection != opts.Selection {
		hint := ""
		if c := m.ResumeCommand(); c != "" {
			hint = "; continue it with the selection of the command that made it: " + c
		}
		return nil, nil, nil, inputf("--resume: %s holds %s, not %s%s", dir, m.Selection, opts.Selection, hint)
	}
	if st, err := os.Stat(jpath); m.DoneRuns == 0 && (errors.Is(err, fs.ErrNotExist) || (err == nil && st.Size() < 64)) {
		// Created up to its manifest, then killed (an older culturesim
		// could leave a journal without its header): nothing to keep.
		return fresh()
	}
	scan, err := artifact.ReadJournal(jpath, sc.Replicates, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--resume: %s: %w", dir, err)
	}
	if err := releaseMismatch(dir, scan.Header); err != nil {
		return nil, nil, nil, err
	}
	got := scan.Header
	got.Release = hdr.Release // judged above
	if got != hdr {
		return nil, nil, nil, inputf("--resume: the journal in %s belongs to other runs: %s", dir, headerDiff(scan.Header, hdr))
	}
	if err := artifact.JournalCompatible(m.Schema, scan.Header); err != nil {
		return nil, nil, nil, &InputError{Err: fmt.Errorf("--resume: %s was written by an older culturesim (output schema %d) and %v; pass --force to start it again: %w", dir, m.Schema, err, ErrStale)}
	}
	done := map[int]bool{}
	for r := range scan.Offsets {
		if !opts.Selection.Owns(r, sc.Replicates) {
			return nil, nil, nil, fmt.Errorf("--resume: the journal in %s holds run %d, outside %s: damaged", dir, r, opts.Selection)
		}
		done[r] = true
	}
	// Every refusal is behind us: from here the directory is this
	// session's. A session still "running" held the lock and never wrote
	// its end: it was killed, after its last journalled run (read before
	// anything below touches the journal).
	if m.Status == "running" {
		before := 0 // the runs that earlier sessions recorded
		for _, ses := range m.Sessions {
			if ses.Status != "running" {
				before += ses.RunsDone
			}
		}
		for i := range m.Sessions {
			if m.Sessions[i].Status == "running" {
				m.Sessions[i].Status = "killed"
				m.Sessions[i].RunsDone = max(0, len(scan.Offsets)-before) // what it journalled
				if st, err := os.Stat(jpath); err == nil {
					m.Sessions[i].End = st.ModTime().UTC()
				}
			}
		}
	}
	if len(scan.Damaged) > 0 {
		// Keep every intact entry, drop the damage, so that appends
		// follow the last intact entry and no reader meets it again (a
		// torn tail alone is cut off by OpenJournal, without a copy).
		lost := ""
		if n := m.DoneRuns - len(scan.Offsets); n > 0 {
			lost = fmt.Sprintf("%d run(s) lost (the manifest counted %d done) are", n, m.DoneRuns)
		} else {
			lost = "the runs that were in them are"
		}
		opts.warn(m, fmt.Sprintf("%s: %d damaged region(s) of the journal skipped (%d bytes, the first at byte %d); the %d intact runs are kept, %s computed again",
			jpath, len(scan.Damaged), scan.DroppedBytes(), scan.Damaged[0].Offset, len(scan.Offsets), lost))
		if err := artifact.CompactJournal(jpath, scan); err != nil {
			return nil, nil, nil, fmt.Errorf("--resume: repairing %s: %w", jpath, err)
		}
		if scan, err = artifact.ReadJournal(jpath, sc.Replicates, nil); err != nil {
			return nil, nil, nil, fmt.Errorf("--resume: %s: %w", dir, err)
		}
	}
	j, err := artifact.OpenJournal(jpath, scan.Valid)
	if err != nil {
		return nil, nil, nil, err
	}
	m.Provenance = opts.Provenance
	m.Status = "running"
	m.Sessions = append(m.Sessions, running(opts))
	m.Schema = artifact.Schema // the tables are written anew from the journal
	if err := artifact.WriteJSON(filepath.Join(dir, artifact.ManifestFile), m); err != nil {
		j.Close()
		return nil, nil, nil, err
	}
	return m, j, done, nil
}

// running is the session a process records when it starts, replaced by
// its outcome at its end; one still "running" in a manifest whose lock
// its holder lost was killed.
func running(opts Options) artifact.Session {
	return artifact.Session{Start: time.Now().UTC(), Command: opts.Provenance.Command, Status: "running"}
}

// interruptedCreation reports whether a directory without a readable
// manifest holds only what a killed creation leaves (the scenario, an
// empty journal): then it is started again.
func interruptedCreation(dir, source string, names []string) bool {
	for _, n := range names {
		if n != artifact.ScenarioFile && n != artifact.JournalFile {
			return false
		}
	}
	// A journal with runs is never discarded, whatever else is missing.
	if s, err := artifact.ReadJournal(filepath.Join(dir, artifact.JournalFile), 0, nil); err == nil && len(s.Offsets) > 0 {
		return false
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	// A scenario.toml is only ours to replace if it is the text we would
	// write: a user's own file of that name is kept.
	b, err := os.ReadFile(filepath.Join(dir, artifact.ScenarioFile))
	return errors.Is(err, fs.ErrNotExist) || (err == nil && string(b) == source)
}

// edgeChanges lists the edge-list files whose content differs between a
// recorded scenario and sc.
func edgeChanges(was *artifact.ScenarioInfo, sc *scenarios.Scenario) string {
	var out []string
	for _, ef := range was.DataFiles {
		if now := sc.DataFiles()[ef.Name]; now == nil || now.SHA256 != ef.SHA256 {
			cur := "none"
			if now != nil {
				cur = fmt.Sprintf("%.12s…", now.SHA256)
			}
			out = append(out, fmt.Sprintf("%s: sha256 %.12s… then, %s now", ef.Name, ef.SHA256, cur))
		}
	}
	if len(out) == 0 {
		return "their names changed"
	}
	return strings.Join(out, "; ")
}

// headerDiff names what differs between a journal's header and the one
// a resumed execution needs.
func headerDiff(got, want artifact.JournalHeader) string {
	var d []string
	if got.ScenarioSHA256 != want.ScenarioSHA256 {
		d = append(d, "another scenario")
	}
	if got.Selection != want.Selection {
		d = append(d, fmt.Sprintf("%s, not %s", got.Selection, want.Selection))
	}
	if got.RecordEvery != want.RecordEvery {
		d = append(d, fmt.Sprintf("recorded every %d generations, not %d", got.RecordEvery, want.RecordEvery))
	}
	if got.Deterministic != want.Deterministic {
		d = append(d, fmt.Sprintf("deterministic %v, not %v", got.Deterministic, want.Deterministic))
	}
	if got.TotalRuns != want.TotalRuns || got.SeedDerivation != want.SeedDerivation {
		d = append(d, "another sweep's runs or seed derivation")
	}
	return strings.Join(d, "; ")
}

func what(kind string) string {
	if kind == artifact.KindRun {
		return "a run"
	}
	return "a sweep"
}
