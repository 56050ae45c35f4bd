package execute

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// checkParquet compares dir's Parquet file with its CSV twin and checks
// the metadata; want gives the expected type of some columns.
func checkParquet(t *testing.T, sc *scenarios.Scenario, dir, pqFile, csvFile string, want map[string]artifact.ColType) *artifact.ParquetTable {
	t.Helper()
	pt, err := artifact.ReadParquet(filepath.Join(dir, pqFile))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := artifact.ReadTable(filepath.Join(dir, csvFile))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pt.Header, ct.Header) {
		t.Fatalf("%s columns\n%v\n%s columns\n%v", pqFile, pt.Header, csvFile, ct.Header)
	}
	if len(pt.Rows) != len(ct.Rows) || len(ct.Rows) == 0 {
		t.Fatalf("%s has %d rows, %s %d", pqFile, len(pt.Rows), csvFile, len(ct.Rows))
	}
	for i := range ct.Rows {
		for j, typ := range pt.Types {
			if !artifact.SameCell(typ, pt.Rows[i][j], ct.Rows[i][j]) {
				t.Fatalf("%s row %d, %s: Parquet %q, CSV %q", pqFile, i+1, pt.Header[j], pt.Rows[i][j], ct.Rows[i][j])
			}
		}
	}
	for col, typ := range want {
		j := pt.Col(col)
		if j < 0 || pt.Types[j] != typ {
			t.Errorf("%s: column %s has type %v, want %v", pqFile, col, pt.Types[max(j, 0)], typ)
		}
	}
	meta := map[string]string{
		"culturesim.schema":          strconv.Itoa(artifact.Schema),
		"culturesim.version":         prov.Version,
		"culturesim.command":         prov.Command,
		"culturesim.seed_derivation": SeedDerivation,
		"culturesim.scenario.sha256": artifact.TextHash(sc.Source),
		"culturesim.scenario.text":   sc.Source,
		"culturesim.scenario.name":   sc.Name,
	}
	for k, v := range meta {
		if pt.Meta[k] != v {
			t.Errorf("%s: metadata %s = %q, want %q", pqFile, k, pt.Meta[k], v)
		}
	}
	if pt.CreatedBy != "culturesim version "+prov.Version+" (build "+prov.Go+")" {
		t.Errorf("%s: created_by %q", pqFile, pt.CreatedBy)
	}
	return pt
}

// dictionaryEncoded reports whether every chunk of a column uses a
// dictionary.
func dictionaryEncoded(t *testing.T, path, col string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	leaf, ok := pf.Schema().Lookup(col)
	if !ok {
		t.Fatalf("%s: no column %s", path, col)
	}
	for _, rg := range pf.Metadata().RowGroups {
		if !slices.Contains(rg.Columns[leaf.ColumnIndex].MetaData.Encoding, format.RLEDictionary) {
			return false
		}
	}
	return len(pf.Metadata().RowGroups) > 0
}

// Every table is written as Parquet too, typed, with what made it, and
// with the values of its CSV twin.
func TestParquetTablesEqualCSV(t *testing.T) {
	// A world of platforms (nullable acculturation, per-platform
	// columns, swept migration and platform keys).
	two := scenario(t, twoPlatforms)
	dir := filepath.Join(t.TempDir(), "two")
	if _, err := Run(context.Background(), two, sweep(dir)); err != nil {
		t.Fatal(err)
	}
	checkParquet(t, two, dir, artifact.RunsParquetFile, artifact.RunsFile, map[string]artifact.ColType{
		"run": artifact.ColInt, "seed": artifact.ColUint, "stop_reason": artifact.ColString, "final_freq_a": artifact.ColFloat,
		"acculturation_host": artifact.ColIntOpt, "axis_event.1.fraction": artifact.ColFloat, "size_host": artifact.ColInt, "kind_feed": artifact.ColString})
	checkParquet(t, two, dir, artifact.SummaryParquetFile, artifact.SummaryFile, map[string]artifact.ColType{
		"point": artifact.ColInt, "outcome_host": artifact.ColString, "pstar_host": artifact.ColFloat, "theory_feed": artifact.ColString})
	for _, c := range []string{"stop_reason"} {
		if !dictionaryEncoded(t, filepath.Join(dir, artifact.RunsParquetFile), c) {
			t.Errorf("runs.parquet: %s is not dictionary-encoded", c)
		}
	}
	// A well-mixed population of a million, swept over T_B: integers
	// stay integers (no 1e+06), and agreement is typed with both values:
	// the coexistence cell starts at p̂* and stays (TRUE), the cooperation
	// cell cannot fix A in two generations (FALSE).
	wm := scenario(t, `name = "wm"
seed = 7
generations = 2
replicates = 4
[model]
b = 12
c = 0.35
v = 1
alpha = 0.45
ta = 0.4
[population]
kind = "wellmixed"
initial_a = 0.4924
stop = "generations"
[sweep]
tb = [0.9, 0.1]
size = [1000000]
`)
	big := filepath.Join(t.TempDir(), "big")
	if _, err := Run(context.Background(), wm, Options{Dir: big, Kind: artifact.KindSweep, Selection: artifact.All, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	checkParquet(t, wm, big, artifact.RunsParquetFile, artifact.RunsFile, map[string]artifact.ColType{"size": artifact.ColInt, "axis_size": artifact.ColInt})
	ws := checkParquet(t, wm, big, artifact.SummaryParquetFile, artifact.SummaryFile, map[string]artifact.ColType{"agreement": artifact.ColBool, "size": artifact.ColInt})
	if got := []string{ws.Rows[0][ws.Col("outcome")], ws.Rows[0][ws.Col("agreement")], ws.Rows[1][ws.Col("outcome")], ws.Rows[1][ws.Col("agreement")],
		ws.Rows[0][ws.Col("size")]}; !slices.Equal(got, []string{"coexistence", artifact.Agrees, "cooperation", artifact.Disagrees, "1000000"}) {
		t.Errorf("outcome, agreement and size of the two points: %v", got)
	}

	// One population on a lattice, swept: the series.
	sc := scenario(t, small)
	one := filepath.Join(t.TempDir(), "one")
	if _, err := Run(context.Background(), sc, sweep(one)); err != nil {
		t.Fatal(err)
	}
	checkParquet(t, sc, one, artifact.SummaryParquetFile, artifact.SummaryFile, map[string]artifact.ColType{
		"agreement": artifact.ColBool, "outcome": artifact.ColString, "theory": artifact.ColString, "frac_fixed_a_lo": artifact.ColFloat, "axis_t": artifact.ColFloat, "radius": artifact.ColInt})
	if !dictionaryEncoded(t, filepath.Join(one, artifact.SummaryParquetFile), "outcome") {
		t.Error("summary.parquet: outcome is not dictionary-encoded")
	}
	// A run's series, beside its series.csv.
	run := filepath.Join(t.TempDir(), "run")
	if _, err := Run(context.Background(), sc, Options{Dir: run, Kind: artifact.KindRun, Selection: artifact.Selection{Point: 4, Replicate: -1},
		RecordEvery: 10, Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	st := checkParquet(t, sc, run, artifact.SeriesFile, artifact.SeriesCSVFile, map[string]artifact.ColType{
		"generation": artifact.ColInt, "platform": artifact.ColString, "freq_a": artifact.ColFloat, "axis_c": artifact.ColFloat, "b": artifact.ColFloat})
	if st.Col("axis_t") < 0 || st.Rows[0][st.Col("axis_t")] != "0.3" {
		t.Errorf("series: the point's axis_t is not a column: %v", st.Header)
	}
	if !dictionaryEncoded(t, filepath.Join(run, artifact.SeriesFile), "platform") {
		t.Error("series.parquet: platform is not dictionary-encoded")
	}
	// The typed reader of the series reads the same rows.
	rows, err := artifact.ReadSeries(run)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(st.Rows) {
		t.Fatalf("ReadSeries: %d rows, want %d", len(rows), len(st.Rows))
	}
	for i, r := range rows {
		for j, cell := range r.Cells(artifact.SeriesColumns(1)) {
			if !artifact.SameCell(st.Types[j], st.Rows[i][j], cell) {
				t.Fatalf("ReadSeries row %d, %s: %s, want %s", i, st.Header[j], cell, st.Rows[i][j])
			}
		}
	}
}
