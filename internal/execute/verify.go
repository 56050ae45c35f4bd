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
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim/rng"
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Sample re-runs that many runs chosen at random (0, or at least
	// the number of runs: every run).
	Sample int
	// Seed chooses the sample; the same seed picks the same runs.
	Seed     uint64
	Workers  int // 0: one per CPU
	Progress func(done, total int)
}

// Difference is one stored run that its re-run does not reproduce.
type Difference struct {
	Run, Point, Replicate int
	Where                 string // "runs.csv", "series", …
	Detail                string // the first cells that differ
}

func (d Difference) String() string {
	return fmt.Sprintf("run %d (point %d, replicate %d): %s: %s", d.Run, d.Point, d.Replicate, d.Where, d.Detail)
}

// Verification is what Verify checked and found.
type Verification struct {
	Stored  int   // runs in runs.csv
	Checked []int // the runs re-run, in order
	Series  bool  // the re-runs' series were compared too
	// Tables lists the tables compared with what the journal gives
	// (runs.csv, summary.csv), Twins the Parquet tables compared cell by
	// cell with their CSV twins.
	Tables, Twins []string
	// Done and Selected are the manifest's count of finished runs and of
	// the runs the directory is for: Done < Selected for an unfinished
	// run or sweep, of which only what is stored is verified.
	Done, Selected int
	Differences    []Difference
}

// MismatchError says that stored results are not what the scenario
// gives: some re-runs differ, or a table differs from the journal or
// from its twin.
type MismatchError struct{ Differences []Difference }

// notInJournal is the detail of a runs.csv row whose run the journal
// lacks (damaged, or the row is not what culturesim wrote).
const notInJournal = "a row the journal does not hold"

// maxListed bounds the differences an error message lists; the
// Verification holds them all.
const maxListed = 20

func (e *MismatchError) Error() string {
	var b strings.Builder
	runs, missing, tables := map[int]bool{}, map[int]bool{}, map[string]bool{}
	for _, d := range e.Differences {
		switch {
		case d.Run < 0:
			tables[d.Where] = true
		case d.Detail == notInJournal:
			missing[d.Run] = true
		default:
			runs[d.Run] = true
		}
	}
	var parts []string
	if n := len(runs); n > 0 {
		parts = append(parts, plural(n, "stored run does not reproduce", "stored runs do not reproduce"))
	}
	if n := len(missing); n > 0 {
		parts = append(parts, plural(n, "run is missing from the journal", "runs are missing from the journal"))
	}
	if n := len(tables); n > 0 {
		parts = append(parts, plural(n, "table disagrees", "tables disagree"))
	}
	b.WriteString(strings.Join(parts, "; "))
	b.WriteString(":")
	for i, d := range e.Differences {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Differences)-i)
			break
		}
		if d.Run < 0 {
			fmt.Fprintf(&b, "\n  %s: %s", d.Where, d.Detail)
		} else {
			fmt.Fprintf(&b, "\n  %s", d)
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Verify re-runs runs of a run or sweep directory (a shard, a merge,
// committed results; of an unfinished one, the runs stored) from the
// scenario and seed its manifest records and checks that they reproduce
// the stored rows bit for bit: their runs.csv rows and, when the runs
// recorded series, their series rows. It checks every Parquet table
// against its CSV twin cell by cell (so the re-runs' runs.parquet rows
// too) and, where the journal is present, that runs.csv and summary.csv
// are what the journal gives. It returns a *MismatchError naming every
// difference.
func Verify(ctx context.Context, dir string, opts VerifyOptions) (*Verification, error) {
	man, err := readManifest(dir, false)
	if err != nil {
		return nil, err
	}
	// A directory being written has tables a moment behind its journal:
	// verify it when its writer is done.
	if h, alive, ok := artifact.Holder(dir); ok {
		return nil, &artifact.LockedError{Dir: dir, Holder: h, Alive: alive}
	}
	sc, err := man.ParseScenario()
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("%s: the recorded scenario: %w", dir, err)}
	}
	stored, err := artifact.ReadTable(filepath.Join(dir, artifact.RunsFile))
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("%s has no runs table to verify: %w", dir, err)}
	}
	v := &Verification{Done: man.DoneRuns, Selected: man.SelectedRuns}
	var diffs []Difference
	want := artifact.RunsTable(sc, nil).Header
	if !slices.Equal(stored.Header, want) {
		return nil, &InputError{Err: fmt.Errorf("%s: runs.csv has columns %s; this scenario's runs table has %s",
			dir, strings.Join(stored.Header, ","), strings.Join(want, ","))}
	}
	rowOf := map[int][]string{}
	var runs []int
	for i, row := range stored.Rows {
		r, err := strconv.Atoi(row[0])
		if err != nil || r < 0 || r >= sc.NumRuns() {
			return nil, &InputError{Err: fmt.Errorf("%s: runs.csv row %d: run %q is not a run of this scenario (0 to %d)", dir, i+2, row[0], sc.NumRuns()-1)}
		}
		if _, dup := rowOf[r]; dup {
			diffs = append(diffs, Difference{Run: r, Point: r / sc.Replicates, Replicate: r % sc.Replicates, Where: artifact.RunsFile, Detail: "the run has two rows"})
		}
		rowOf[r] = row
		runs = append(runs, r)
	}
	sort.Ints(runs)
	v.Stored = len(runs)
	twin := func(name string, csv *artifact.Table) {
		d, ok := checkParquetTwin(dir, name, csv)
		if ok {
			v.Twins = append(v.Twins, name)
		}
		diffs = append(diffs, d...)
	}
	twin(artifact.RunsParquetFile, stored)
	if sum, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile)); err == nil {
		twin(artifact.SummaryParquetFile, sum)
	}
	if series, err := artifact.ReadTable(filepath.Join(dir, artifact.SeriesCSVFile)); err == nil {
		twin(artifact.SeriesFile, series)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	tables, tdiffs, err := checkAgainstJournal(dir, sc, stored)
	if err != nil {
		return nil, err
	}
	v.Tables, diffs = tables, append(diffs, tdiffs...)

	v.Checked = sample(runs, opts.Sample, opts.Seed)
	every := man.RecordEvery
	v.Series = every > 0
	// The stored series of the checked runs are read first, in one pass;
	// each re-run is compared as it finishes and dropped, so memory holds
	// the stored rows only.
	var storedSeries map[int][]artifact.SeriesRow
	if v.Series {
		var missing []Difference
		storedSeries, missing, err = readSeriesOf(dir, sc, v.Checked)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			storedSeries = nil // one difference, not one per run
		}
		diffs = append(diffs, missing...)
	}
	var mu sync.Mutex
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	done := 0
	if opts.Progress != nil {
		opts.Progress(0, len(v.Checked))
	}
	header := stored.Header
	for _, r := range v.Checked {
		g.Go(func() error {
			res, err := cell(gctx, sc, r/sc.Replicates, r%sc.Replicates, every, man.Deterministic)
			if err != nil {
				return fmt.Errorf("re-running run %d: %w", r, err)
			}
			var found []Difference
			at := Difference{Run: r, Point: r / sc.Replicates, Replicate: r % sc.Replicates, Where: artifact.RunsFile}
			got := artifact.RunsTable(sc, []artifact.RunResult{res}).Rows[0]
			if d := cellDiff(header, rowOf[r], got); d != "" {
				at.Detail = d
				found = append(found, at)
			}
			if storedSeries != nil {
				if d := seriesDiff(sc, storedSeries[r], res); d != "" {
					at.Where, at.Detail = "series", d
					found = append(found, at)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			diffs = append(diffs, found...)
			done++
			if opts.Progress != nil {
				opts.Progress(done, len(v.Checked))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return v, err
	}
	sort.SliceStable(diffs, func(i, j int) bool { return diffs[i].Run < diffs[j].Run })
	v.Differences = diffs
	if len(diffs) > 0 {
		return v, &MismatchError{Differences: diffs}
	}
	return v, nil
}

// sample picks k of runs at random with a stream of seed (all of them
// for k ≤ 0 or k ≥ len(runs)), in increasing order.
func sample(runs []int, k int, seed uint64) []int {
	out := slices.Clone(runs)
	if k <= 0 || k >= len(runs) {
		return out
	}
	r := rng.New(seed)
	for i := range k { // a partial Fisher–Yates shuffle
		j := i + r.IntN(len(out)-i)
		out[i], out[j] = out[j], out[i]
	}
	out = out[:k]
	sort.Ints(out)
	return out
}

// cellDiff describes the first three cells in which two rows differ ("" if
// none). Cells are the shortest round-trip renderings of the values, so
// equal cells are equal bits.
func cellDiff(header, stored, fresh []string) string {
	var parts []string
	for j := range header {
		if j >= len(stored) || j >= len(fresh) {
			return fmt.Sprintf("%d cells stored, %d re-run", len(stored), len(fresh))
		}
		if stored[j] != fresh[j] {
			parts = append(parts, fmt.Sprintf("%s stored %q, re-run %q", header[j], stored[j], fresh[j]))
			if len(parts) == 3 {
				break
			}
		}
	}
	return strings.Join(parts, "; ")
}

// checkParquetTwin compares a Parquet table with the CSV table it
// mirrors; ok is false where there is no Parquet table (committed results
// keep the CSV only).
func checkParquetTwin(dir, name string, csv *artifact.Table) (diffs []Difference, ok bool) {
	pt, err := artifact.ReadParquet(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	bad := func(detail string) []Difference { return []Difference{{Run: -1, Where: name, Detail: detail}} }
	if err != nil {
		return bad(err.Error()), true
	}
	if !slices.Equal(pt.Header, csv.Header) || len(pt.Rows) != len(csv.Rows) {
		return bad(fmt.Sprintf("%d columns × %d rows, its CSV twin %d × %d", len(pt.Header), len(pt.Rows), len(csv.Header), len(csv.Rows))), true
	}
	for i := range csv.Rows {
		for j, typ := range pt.Types {
			if !artifact.SameCell(typ, pt.Rows[i][j], csv.Rows[i][j]) {
				return bad(fmt.Sprintf("%s, column %s: %q, but %q in the CSV", rowKey(csv.Header, csv.Rows[i]), pt.Header[j], pt.Rows[i][j], csv.Rows[i][j])), true
			}
		}
	}
	return nil, true
}

// rowKey names a table row by its leading key columns ("run 7", "point
// 3", "point 3, replicate 1, generation 20").
func rowKey(header, row []string) string {
	var parts []string
	for j, h := range header {
		if h != "run" && h != "point" && h != "replicate" && h != "generation" {
			break
		}
		parts = append(parts, h+" "+row[j])
	}
	return strings.Join(parts, ", ")
}

// checkAgainstJournal compares runs.csv and summary.csv, row by row,
// with the tables the journal gives (nothing to compare without a
// journal: committed results).
func checkAgainstJournal(dir string, sc *scenarios.Scenario, stored *artifact.Table) ([]string, []Difference, error) {
	if _, err := os.Stat(filepath.Join(dir, artifact.JournalFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	rs, scan, err := artifact.Results(dir, sc)
	if err != nil {
		return nil, nil, err
	}
	names := []string{artifact.RunsFile}
	var diffs []Difference
	if h := scan.Header; h.ScenarioSHA256 != artifact.ScenarioHash(sc) || h.TotalRuns != sc.NumRuns() {
		diffs = append(diffs, Difference{Run: -1, Where: artifact.JournalFile, Detail: fmt.Sprintf(
			"its header names another sweep (scenario sha256 %.12s…, %d runs; the manifest's scenario has %.12s…, %d): damaged, --resume refuses it",
			h.ScenarioSHA256, h.TotalRuns, artifact.ScenarioHash(sc), sc.NumRuns())})
	}
	if len(scan.Damaged) > 0 {
		diffs = append(diffs, Difference{Run: -1, Where: artifact.JournalFile, Detail: fmt.Sprintf(
			"%d damaged region(s) (%d bytes, the first at byte %d): the runs in them are missing from the journal (--resume computes them again)",
			len(scan.Damaged), scan.DroppedBytes(), scan.Damaged[0].Offset)})
	}
	runDiff := func(r int, detail string) {
		diffs = append(diffs, Difference{Run: r, Point: r / sc.Replicates, Replicate: r % sc.Replicates, Where: artifact.RunsFile, Detail: detail})
	}
	journal := artifact.RunsTable(sc, rs)
	fromJournal := map[string][]string{}
	for _, row := range journal.Rows {
		fromJournal[row[0]] = row
	}
	for _, row := range stored.Rows {
		r, _ := strconv.Atoi(row[0])
		j, ok := fromJournal[row[0]]
		switch {
		case !ok:
			runDiff(r, notInJournal)
		default:
			if d := cellDiff(stored.Header, row, j); d != "" {
				runDiff(r, "differs from the journal: "+strings.ReplaceAll(d, "re-run", "journal"))
			}
			delete(fromJournal, row[0])
		}
	}
	for _, row := range journal.Rows {
		if _, missing := fromJournal[row[0]]; missing {
			r, _ := strconv.Atoi(row[0])
			runDiff(r, "the journal holds the run, runs.csv has no row for it")
		}
	}
	summary, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return names, diffs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	names = append(names, artifact.SummaryFile)
	want := artifact.SummaryTable(sc, artifact.Summarise(sc, rs))
	if !slices.Equal(summary.Header, want.Header) || len(summary.Rows) != len(want.Rows) {
		diffs = append(diffs, Difference{Run: -1, Where: artifact.SummaryFile, Detail: fmt.Sprintf("%d columns × %d rows; the journal gives %d × %d",
			len(summary.Header), len(summary.Rows), len(want.Header), len(want.Rows))})
		return names, diffs, nil
	}
	for i := range want.Rows {
		if d := cellDiff(want.Header, summary.Rows[i], want.Rows[i]); d != "" {
			diffs = append(diffs, Difference{Run: -1, Where: artifact.SummaryFile,
				Detail: "point " + want.Rows[i][0] + " differs from the journal's: " + strings.ReplaceAll(d, "re-run", "journal")})
		}
	}
	return names, diffs, nil
}

// readSeriesOf reads the stored series rows of the runs checked, in one
// streaming pass over the series; a directory without its series is a
// difference.
func readSeriesOf(dir string, sc *scenarios.Scenario, checked []int) (map[int][]artifact.SeriesRow, []Difference, error) {
	got := make(map[int][]artifact.SeriesRow, len(checked))
	for _, r := range checked {
		got[r] = nil
	}
	err := artifact.EachSeries(dir, func(row artifact.SeriesRow) error {
		r := int(row.Point)*sc.Replicates + int(row.Replicate)
		if rows, ok := got[r]; ok {
			got[r] = append(rows, row)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return got, []Difference{{Run: -1, Where: "series", Detail: "the runs recorded series, but " + dir + " has neither " + artifact.SeriesFile + " nor " + artifact.SeriesCSVFile}}, nil
	}
	return got, nil, err
}

// seriesDiff describes the first difference between a run's stored
// series rows and its re-run's ("" if none).
func seriesDiff(sc *scenarios.Scenario, stored []artifact.SeriesRow, fresh artifact.RunResult) string {
	names := sc.PlatformNames()
	cols, header := artifact.SeriesColumns(len(names)), artifact.SeriesHeaderOf(len(names))
	want := artifact.SeriesRows(fresh, names)
	if len(want) != len(stored) {
		return fmt.Sprintf("%d rows stored, %d re-run", len(stored), len(want))
	}
	for i := range want {
		if s := cellDiff(header, stored[i].Cells(cols), want[i].Cells(cols)); s != "" {
			return fmt.Sprintf("generation %d, platform %s: %s", want[i].Generation, want[i].Platform, s)
		}
	}
	return ""
}
