package execute

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

func verifyOK(t *testing.T, dir string, opts VerifyOptions, wantChecked int) *Verification {
	t.Helper()
	v, err := Verify(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("verify %s: %v", dir, err)
	}
	if wantChecked >= 0 && len(v.Checked) != wantChecked {
		t.Fatalf("verify %s checked %d runs, want %d", dir, len(v.Checked), wantChecked)
	}
	return v
}

// alter replaces the first cell of column col in a run's row of a CSV
// table.
func alter(t *testing.T, path, col, run, value string) {
	t.Helper()
	tab, err := artifact.ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range tab.Rows {
		if row[0] == run {
			row[tab.Col(col)] = value
			if err := tab.Write(path); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%s: no row %s", path, run)
}

func mismatch(t *testing.T, err error, want ...string) {
	t.Helper()
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("want a mismatch, got %v", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("mismatch does not say %q:\n%v", w, err)
		}
	}
}

func TestVerifySweepResumedMergedAndAltered(t *testing.T) {
	sc := scenario(t, small)
	n := sc.NumRuns()
	dir := filepath.Join(t.TempDir(), "sweep")
	if _, err := Run(context.Background(), sc, sweep(dir)); err != nil {
		t.Fatal(err)
	}
	v := verifyOK(t, dir, VerifyOptions{}, n)
	if !v.Series || len(v.Tables) != 2 || v.Stored != n || v.Done != n || v.Selected != n ||
		!slices.Equal(v.Twins, []string{artifact.RunsParquetFile, artifact.SummaryParquetFile, artifact.SeriesFile}) {
		t.Errorf("verification %+v", v)
	}
	// A sample: the same seed picks the same runs.
	a := verifyOK(t, dir, VerifyOptions{Sample: 5, Seed: 9}, 5)
	b := verifyOK(t, dir, VerifyOptions{Sample: 5, Seed: 9}, 5)
	for i := range a.Checked {
		if a.Checked[i] != b.Checked[i] {
			t.Fatalf("samples of one seed differ: %v %v", a.Checked, b.Checked)
		}
	}

	// series.csv altered: its Parquet twin disagrees, naming the row.
	{
		path := filepath.Join(dir, artifact.SeriesCSVFile)
		tab, err := artifact.ReadTable(path)
		if err != nil {
			t.Fatal(err)
		}
		tab.Rows[3][tab.Col("freq_a")] = "0.25"
		if err := tab.Write(path); err != nil {
			t.Fatal(err)
		}
		_, err = Verify(context.Background(), dir, VerifyOptions{Sample: 1})
		key := "point " + tab.Rows[3][0] + ", replicate " + tab.Rows[3][1] + ", generation " + tab.Rows[3][2] + ", column freq_a"
		mismatch(t, err, "series.parquet: "+key, `"0.25" in the CSV`)
	}

	// Interrupted, then resumed.
	resumed := filepath.Join(t.TempDir(), "resumed")
	if _, err := interrupted(sc, resumed, 8); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupt: %v", err)
	}
	// Unfinished: what is stored verifies, and the verification says so.
	if v := verifyOK(t, resumed, VerifyOptions{}, -1); v.Done >= v.Selected || v.Selected != n || v.Stored != v.Done {
		t.Errorf("unfinished verification %+v", v)
	}
	o := sweep(resumed)
	o.Resume = true
	if _, err := Run(context.Background(), sc, o); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, resumed, VerifyOptions{}, n)

	// Shards and their merge.
	base := t.TempDir()
	var shards []string
	for i := range 3 {
		d := filepath.Join(base, "shard"+string(rune('0'+i)))
		o := sweep(d)
		o.Selection.Shard = artifact.Shard{Index: i, Count: 3}
		if _, err := Run(context.Background(), sc, o); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	verifyOK(t, shards[1], VerifyOptions{}, n/3)
	merged := filepath.Join(base, "merged")
	if _, err := Merge(shards, merged, false, prov); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, merged, VerifyOptions{Sample: 4, Seed: 1}, 4)

	// One stored value altered: named whether or not the run is in the
	// sample (the journal disagrees), and by its re-run when it is.
	alter(t, filepath.Join(merged, artifact.RunsFile), "final_freq_a", "13", "0.123")
	_, err := Verify(context.Background(), merged, VerifyOptions{Sample: 2, Seed: 1})
	mismatch(t, err, "run 13 (point 4, replicate 1): runs.csv", `final_freq_a stored "0.123"`)
	_, err = Verify(context.Background(), merged, VerifyOptions{})
	mismatch(t, err, "re-run", "runs.parquet") // the Parquet twin no longer matches either

	// Committed results keep neither journal nor Parquet: the re-runs
	// are compared with the CSV tables alone, series included.
	bare := filepath.Join(t.TempDir(), "bare")
	if _, err := Run(context.Background(), sc, Options{Dir: bare, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 2, Replicate: -1},
		RecordEvery: 10, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{artifact.JournalFile, artifact.SeriesFile, artifact.RunsParquetFile, artifact.SummaryParquetFile} {
		if err := os.Remove(filepath.Join(bare, f)); err != nil {
			t.Fatal(err)
		}
	}
	v = verifyOK(t, bare, VerifyOptions{}, sc.Replicates)
	if v.Tables != nil || !v.Series {
		t.Errorf("bare verification %+v", v)
	}
	series := filepath.Join(bare, artifact.SeriesCSVFile)
	tab, err := artifact.ReadTable(series)
	if err != nil {
		t.Fatal(err)
	}
	tab.Rows[7][tab.Col("freq_a")] = "0.5000001"
	if err := tab.Write(series); err != nil {
		t.Fatal(err)
	}
	_, err = Verify(context.Background(), bare, VerifyOptions{})
	mismatch(t, err, "run 6 (point 2, replicate 0): series: generation", `freq_a stored "0.5000001"`)
}
