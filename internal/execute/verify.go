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
	// Tables lists the derived tables compared with what the journal
	// gives (runs.csv, summary.csv and their Parquet twins).
	Tables      []string
	Differences []Difference
}

// MismatchError says that stored results are not what the scenario
// gives: some re-runs differ, or a table differs from the journal.
type MismatchError struct{ Differences []Difference }

func (e *MismatchError) Error() string {
	var b strings.Builder
	runs := map[int]bool{}
	for _, d := range e.Differences {
		if d.Run >= 0 {
			runs[d.Run] = true
		}
	}
	fmt.Fprintf(&b, "%d difference(s) in %d run(s):", len(e.Differences), len(runs))
	for i, d := range e.Differences {
		if i == 20 {
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

// Verify re-runs runs of a finished run or sweep directory (a shard, a
// merge, committed results) from the scenario and seed its manifest
// records and checks that they reproduce the stored rows bit for bit:
// their runs.csv rows, their runs.parquet rows and, when the runs
// recorded series, their series rows. Where the journal is present it
// also checks that the tables are what the journal gives. It returns
// a *MismatchError naming every difference.
func Verify(ctx context.Context, dir string, opts VerifyOptions) (*Verification, error) {
	man, err := readManifest(dir, false)
	if err != nil {
		return nil, err
	}
	sc, err := man.ParseScenario()
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("%s: the recorded scenario: %w", dir, err)}
	}
	stored, err := artifact.ReadTable(filepath.Join(dir, artifact.RunsFile))
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("%s has no runs table to verify: %w", dir, err)}
	}
	v := &Verification{}
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
	diffs = append(diffs, checkParquetTwin(dir, artifact.RunsParquetFile, stored)...)
	if sum, err := artifact.ReadTable(filepath.Join(dir, artifact.SummaryFile)); err == nil {
		diffs = append(diffs, checkParquetTwin(dir, artifact.SummaryParquetFile, sum)...)
	}
	tables, tdiffs, err := checkAgainstJournal(dir, sc, stored)
	if err != nil {
		return nil, err
	}
	v.Tables, diffs = tables, append(diffs, tdiffs...)

	v.Checked = sample(runs, opts.Sample, opts.Seed)
	every := man.RecordEvery
	v.Series = every > 0
	fresh := make(map[int]artifact.RunResult, len(v.Checked))
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
	for _, r := range v.Checked {
		g.Go(func() error {
			res, err := cell(gctx, sc, r/sc.Replicates, r%sc.Replicates, every, man.Deterministic)
			if err != nil {
				return fmt.Errorf("re-running run %d: %w", r, err)
			}
			if !v.Series {
				res.Series = nil // only the row is compared: do not hold every series
			}
			mu.Lock()
			defer mu.Unlock()
			fresh[r] = res
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
	header := stored.Header
	for _, r := range v.Checked {
		got := artifact.RunsTable(sc, []artifact.RunResult{fresh[r]}).Rows[0]
		if d := cellDiff(header, rowOf[r], got); d != "" {
			diffs = append(diffs, Difference{Run: r, Point: r / sc.Replicates, Replicate: r % sc.Replicates, Where: artifact.RunsFile, Detail: d})
		}
	}
	if v.Series {
		sd, err := checkSeries(dir, sc, v.Checked, fresh)
		if err != nil {
			return v, err
		}
		diffs = append(diffs, sd...)
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
// mirrors, where it exists.
func checkParquetTwin(dir, name string, csv *artifact.Table) []Difference {
	pt, err := artifact.ReadParquet(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // committed results keep the CSV only
	}
	bad := func(detail string) []Difference { return []Difference{{Run: -1, Where: name, Detail: detail}} }
	if err != nil {
		return bad(err.Error())
	}
	if !slices.Equal(pt.Header, csv.Header) || len(pt.Rows) != len(csv.Rows) {
		return bad(fmt.Sprintf("%d columns × %d rows, its CSV twin %d × %d", len(pt.Header), len(pt.Rows), len(csv.Header), len(csv.Rows)))
	}
	for i := range csv.Rows {
		for j, typ := range pt.Types {
			if !artifact.SameCell(typ, pt.Rows[i][j], csv.Rows[i][j]) {
				return bad(fmt.Sprintf("row %d, column %s: %q, but %q in the CSV", i+1, pt.Header[j], pt.Rows[i][j], csv.Rows[i][j]))
			}
		}
	}
	return nil
}

// checkAgainstJournal compares runs.csv and summary.csv, row by row,
// with the tables the journal gives (nothing to compare without a
// journal: committed results).
func checkAgainstJournal(dir string, sc *scenarios.Scenario, stored *artifact.Table) ([]string, []Difference, error) {
	if _, err := os.Stat(filepath.Join(dir, artifact.JournalFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	rs, _, err := artifact.Results(dir)
	if err != nil {
		return nil, nil, err
	}
	names := []string{artifact.RunsFile}
	var diffs []Difference
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
			runDiff(r, "a row the journal does not hold")
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

// checkSeries compares the stored series rows of the checked runs with
// their re-runs', streaming the stored series.
func checkSeries(dir string, sc *scenarios.Scenario, checked []int, fresh map[int]artifact.RunResult) ([]Difference, error) {
	names := sc.PlatformNames()
	cols, header := artifact.SeriesColumns(len(names)), artifact.SeriesHeaderOf(len(names))
	want := map[int][]artifact.SeriesRow{}
	for _, r := range checked {
		want[r] = artifact.SeriesRows(fresh[r], names)
	}
	got := map[int][]artifact.SeriesRow{}
	err := artifact.EachSeries(dir, func(row artifact.SeriesRow) error {
		r := int(row.Point)*sc.Replicates + int(row.Replicate)
		if _, ok := want[r]; ok {
			got[r] = append(got[r], row)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return []Difference{{Run: -1, Where: "series", Detail: "the runs recorded series, but " + dir + " has neither " + artifact.SeriesFile + " nor " + artifact.SeriesCSVFile}}, nil
	}
	if err != nil {
		return nil, err
	}
	var diffs []Difference
	for _, r := range checked {
		d := Difference{Run: r, Point: r / sc.Replicates, Replicate: r % sc.Replicates, Where: "series"}
		w, g := want[r], got[r]
		if len(w) != len(g) {
			d.Detail = fmt.Sprintf("%d rows stored, %d re-run", len(g), len(w))
			diffs = append(diffs, d)
			continue
		}
		for i := range w {
			if s := cellDiff(header, g[i].Cells(cols), w[i].Cells(cols)); s != "" {
				d.Detail = fmt.Sprintf("generation %d, platform %s: %s", w[i].Generation, w[i].Platform, s)
				diffs = append(diffs, d)
				break
			}
		}
	}
	return diffs, nil
}
