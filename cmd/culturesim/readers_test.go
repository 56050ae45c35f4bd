package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/culturesim/culturesim/internal/testgate"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/internal/artifact"
)

// The README's "Reading results" recipes, run by the readers they name
// (DuckDB through its Node client, Debian's pandas, R) on the sweep the
// README makes, must read the values culturesim wrote: every cell of every
// table, the seeds exactly, the provenance metadata. They need programs Go
// does not have, so they run when CULTURESIM_READERS=1 (.ci/run installs
// the readers and sets it); a reader missing then fails the test.
//
//	CULTURESIM_DUCKDB_NODE  a directory whose node_modules holds @duckdb/node-api
//	CULTURESIM_PYTHON       the Python with pandas (default python3)
//	CULTURESIM_RSCRIPT      Rscript (default Rscript)
//
// The polars recipe is not run: no polars for Python can be installed
// from the registries CI reaches.
func TestReadmeRecipes(t *testing.T) {
	testgate.Require(t, testgate.Readers)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	recipes := readmeRecipes(string(readme))
	for _, name := range []string{"duckdb", "pandas", "polars", "r", "replay"} {
		if recipes[name] == "" {
			t.Fatalf("README has no recipe %q", name)
		}
	}
	duckModules := os.Getenv("CULTURESIM_DUCKDB_NODE")
	if duckModules != "" {
		if duckModules, err = filepath.Abs(duckModules); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(t.TempDir())
	if code, _, stderr := runCLI(t, "sweep", "demo_sweep", "--out", "out/demo_sweep", "--quiet"); code != exitOK {
		t.Fatalf("sweep demo_sweep: %d %s", code, stderr)
	}
	const dir = "out/demo_sweep/"
	tables := map[string]*artifact.Table{}
	for _, name := range []string{"runs", "summary", "series"} {
		if tables[name], err = artifact.ReadTable(dir + name + ".csv"); err != nil {
			t.Fatal(err)
		}
	}
	// The integer columns (non-null INT64/INT32 in Parquet), which every
	// reader must type as integers, not doubles.
	ints := map[string][]string{}
	for _, name := range []string{"runs", "summary", "series"} {
		pt, err := artifact.ReadParquet(dir + name + ".parquet")
		if err != nil {
			t.Fatal(err)
		}
		for j, ty := range pt.Types {
			if ty == artifact.ColInt {
				ints[name] = append(ints[name], pt.Header[j])
			}
		}
	}
	t.Logf("integer columns %v", ints)
	if len(ints["runs"]) < 5 || len(ints["series"]) < 3 {
		t.Fatalf("integer columns %v", ints)
	}
	var m struct {
		Scenario struct{ SHA256 string }
	}
	if err := artifact.ReadManifest(dir, &m); err != nil || m.Scenario.SHA256 == "" {
		t.Fatalf("manifest: %v %+v", err, m)
	}

	t.Run("duckdb", func(t *testing.T) { duckdbRecipe(t, duckModules, recipes["duckdb"], tables, ints, m.Scenario.SHA256) })
	t.Run("pandas", func(t *testing.T) { pandasRecipe(t, recipes["pandas"], tables, ints) })
	t.Run("r", func(t *testing.T) { rRecipe(t, recipes["r"], tables, ints) })
	t.Run("replay", func(t *testing.T) { replayRecipe(t, recipes["replay"], tables) })
}

// readmeRecipes returns the fenced blocks whose first line is a
// "recipe: NAME" comment, by name, without that line.
func readmeRecipes(readme string) map[string]string {
	out := map[string]string{}
	var name string
	var body []string
	in := false
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```") && !in:
			in, name, body = true, "", nil
		case strings.HasPrefix(line, "```"):
			if name != "" {
				out[name] = strings.Join(body, "\n") + "\n"
			}
			in = false
		case in && name == "" && len(body) == 0 && strings.Contains(line, "recipe: "):
			name = strings.TrimSpace(line[strings.Index(line, "recipe: ")+len("recipe: "):])
		case in:
			body = append(body, line)
		}
	}
	return out
}

// sameCell reports whether a reader's value (JSON-decoded: nil, bool,
// float64, string) is the CSV cell culturesim wrote. Floats must be equal
// to the last bit; the seed, text "x…" in the CSV, may come as its
// decimal UINT64.
func sameCell(v any, cell string) bool {
	switch x := v.(type) {
	case nil:
		return cell == ""
	case bool:
		return (x && cell == artifact.Agrees) || (!x && cell == artifact.Disagrees)
	case float64:
		f, err := strconv.ParseFloat(cell, 64)
		return err == nil && f == x
	case string:
		if x == cell {
			return true
		}
		if s, err := artifact.ParseSeed(cell); err == nil {
			return strconv.FormatUint(s, 10) == x
		}
		if i, err := strconv.ParseInt(x, 10, 64); err == nil {
			j, err := strconv.ParseInt(cell, 10, 64)
			return err == nil && i == j
		}
	}
	return false
}

// frame is a reader's table: its column names, the reader's types and
// its rows.
type frame struct {
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	Rows    [][]any  `json:"rows"`
}

func (f *frame) col(t *testing.T, name string) int {
	t.Helper()
	for j, c := range f.Columns {
		if c == name {
			return j
		}
	}
	t.Fatalf("no column %q in %v", name, f.Columns)
	return -1
}

func (f *frame) typeOf(t *testing.T, name string) string { return f.Types[f.col(t, name)] }

// sameTable compares every cell of f with the CSV table, in the CSV's row
// order, by column name; f must have every CSV column.
func sameTable(t *testing.T, label string, f *frame, want *artifact.Table) {
	t.Helper()
	if len(f.Rows) != len(want.Rows) {
		t.Fatalf("%s: %d rows, culturesim wrote %d", label, len(f.Rows), len(want.Rows))
	}
	bad := 0
	for j, name := range want.Header {
		k := f.col(t, name)
		for i, row := range want.Rows {
			if !sameCell(f.Rows[i][k], row[j]) {
				if bad++; bad <= 5 {
					t.Errorf("%s row %d %s: reader has %#v (%s), culturesim wrote %q", label, i, name, f.Rows[i][k], f.Types[k], row[j])
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d cells differ", label, bad)
	}
}

// intTypes checks that the reader typed each integer column of a table
// (those of cols the frame has) as one of the integer types it names.
func intTypes(t *testing.T, label string, f *frame, cols []string, integer ...string) {
	t.Helper()
	for _, c := range cols {
		for k, name := range f.Columns {
			if name == c && !slices.Contains(integer, f.Types[k]) {
				t.Errorf("%s: integer column %s read as %s, want one of %v", label, c, f.Types[k], integer)
			}
		}
	}
}

// pick returns the CSV rows (as maps) for which keep is true.
func pick(tab *artifact.Table, keep func(get func(string) string) bool) []map[string]string {
	var out []map[string]string
	for _, row := range tab.Rows {
		get := func(c string) string { return row[tab.Col(c)] }
		if keep(get) {
			r := map[string]string{}
			for j, h := range tab.Header {
				r[h] = row[j]
			}
			out = append(out, r)
		}
	}
	return out
}

func needProgram(t *testing.T, env, def string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		p = def
	}
	path, err := exec.LookPath(p)
	if err != nil {
		t.Fatalf("CULTURESIM_READERS=1 but %s (%s=%q) is not installed: %v", def, env, p, err)
	}
	return path
}

func runReader(t *testing.T, stdin string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s\n--- stdout\n%s", name, args, err, stderr.String(), out)
	}
	return out
}

// duckdbQuery returns a function that runs SQL statements in DuckDB
// (its Node client, from CULTURESIM_DUCKDB_NODE) and returns their frames.
func duckdbQuery(t *testing.T, modules string) func(stmts ...string) []frame {
	node := needProgram(t, "CULTURESIM_NODE", "node")
	if modules == "" {
		t.Fatal("CULTURESIM_READERS=1 but CULTURESIM_DUCKDB_NODE (a directory with node_modules/@duckdb/node-api) is not set")
	}
	if _, err := os.Stat(filepath.Join(modules, "node_modules", "@duckdb", "node-api")); err != nil {
		t.Fatalf("CULTURESIM_DUCKDB_NODE: %v", err)
	}
	// Node resolves an ES module's imports from its own directory up.
	client := filepath.Join(t.TempDir(), "client")
	if err := os.MkdirAll(client, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(modules, "node_modules"), filepath.Join(client, "node_modules")); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(client, "query.mjs")
	if err := os.WriteFile(script, []byte(duckdbClient), 0o644); err != nil {
		t.Fatal(err)
	}
	return func(stmts ...string) []frame {
		t.Helper()
		in, _ := json.Marshal(stmts)
		var fs []frame
		if err := json.Unmarshal(runReader(t, string(in), node, script), &fs); err != nil {
			t.Fatal(err)
		}
		return fs
	}
}

// duckdbClient runs each SQL statement of its stdin (a JSON array) and
// prints a JSON array of frames; 64-bit integers come as decimal text,
// doubles as JSON numbers in their shortest round-trip form.
const duckdbClient = `import { DuckDBInstance } from '@duckdb/node-api';
let text = '';
for await (const chunk of process.stdin) text += chunk;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const out = [];
for (const sql of JSON.parse(text)) {
  const r = await con.runAndReadAll(sql);
  out.push({columns: r.columnNames(), types: r.columnTypes().map(String), rows: r.getRowsJson()});
}
console.log(JSON.stringify(out));
`

func duckdbRecipe(t *testing.T, modules, recipe string, tables map[string]*artifact.Table, ints map[string][]string, sha string) {
	query := duckdbQuery(t, modules)
	var stmts []string
	for _, s := range strings.Split(recipe, ";") {
		if s = strings.TrimSpace(s); s != "" && !strings.HasPrefix(s, "--") {
			stmts = append(stmts, s)
		}
	}
	if len(stmts) != 4 {
		t.Fatalf("the duckdb recipe has %d statements, this test knows 4: %q", len(stmts), stmts)
	}
	fs := query(stmts...)

	// 1: the summary's columns, every point.
	sum := tables["summary"]
	if len(fs[0].Rows) != len(sum.Rows) {
		t.Fatalf("summary: %d rows, want %d", len(fs[0].Rows), len(sum.Rows))
	}
	for i, row := range fs[0].Rows {
		for k, c := range fs[0].Columns {
			if want := sum.Rows[i][sum.Col(c)]; !sameCell(row[k], want) {
				t.Errorf("summary point %d %s: DuckDB %#v, culturesim %q", i, c, row[k], want)
			}
		}
	}
	// 2: point 4's runs, their seeds exact.
	runs := pick(tables["runs"], func(get func(string) string) bool { return get("point") == "4" })
	if len(fs[1].Rows) != len(runs) || fs[1].typeOf(t, "seed") != "UBIGINT" {
		t.Fatalf("runs of point 4: %d rows, seed %s; want %d, UBIGINT", len(fs[1].Rows), fs[1].typeOf(t, "seed"), len(runs))
	}
	for i, row := range fs[1].Rows {
		for k, c := range fs[1].Columns {
			if !sameCell(row[k], runs[i][c]) {
				t.Errorf("run %s %s: DuckDB %#v, culturesim %q", runs[i]["run"], c, row[k], runs[i][c])
			}
		}
	}
	// 3: point 4's mean trajectory, computed here from series.csv.
	type acc struct {
		sum float64
		n   int
	}
	mean := map[string]*acc{}
	for _, r := range pick(tables["series"], func(get func(string) string) bool { return get("point") == "4" }) {
		f, _ := strconv.ParseFloat(r["freq_a"], 64)
		if mean[r["generation"]] == nil {
			mean[r["generation"]] = &acc{}
		}
		mean[r["generation"]].sum += f
		mean[r["generation"]].n++
	}
	if len(fs[2].Rows) != len(mean) || len(mean) == 0 {
		t.Fatalf("trajectory: %d generations, want %d", len(fs[2].Rows), len(mean))
	}
	for _, row := range fs[2].Rows {
		g := fmt.Sprint(row[0])
		a := mean[g]
		// Four doubles summed in another order differ by a few ulps at most.
		if f, _ := row[1].(float64); a == nil || math.Abs(f-a.sum/float64(a.n)) > 1e-14 || fmt.Sprint(row[2]) != strconv.Itoa(a.n) {
			t.Errorf("generation %s: DuckDB %v over %v runs, culturesim %+v", g, row[1], row[2], a)
		}
	}
	// 4: the scenario's hash, as the manifest has it.
	if len(fs[3].Rows) != 1 || fs[3].Rows[0][0] != sha {
		t.Errorf("culturesim.scenario.sha256: DuckDB %v, manifest %s", fs[3].Rows, sha)
	}

	// Beyond the recipe, what the README promises: every table read from
	// Parquet and from CSV (read_csv_auto's guesses) equals what
	// culturesim wrote, with the types it names and the metadata keys.
	var all []string
	for _, name := range []string{"runs", "summary", "series"} {
		all = append(all,
			fmt.Sprintf("SELECT * FROM '%s%s.parquet'", "out/demo_sweep/", name),
			fmt.Sprintf("SELECT * FROM read_csv_auto('%s%s.csv')", "out/demo_sweep/", name),
			fmt.Sprintf("SELECT key::VARCHAR AS key, value::VARCHAR AS value FROM parquet_kv_metadata('%s%s.parquet') ORDER BY key", "out/demo_sweep/", name),
			fmt.Sprintf("SELECT created_by FROM parquet_file_metadata('%s%s.parquet')", "out/demo_sweep/", name))
	}
	fs = query(all...)
	types := map[string]map[string]string{
		"runs":    {"seed": "UBIGINT", "stop_reason": "VARCHAR", "final_freq_a": "DOUBLE", "generations": "BIGINT", "run": "BIGINT"},
		"summary": {"agreement": "BOOLEAN", "outcome": "VARCHAR", "pstar": "DOUBLE", "frac_fixed_a_lo": "DOUBLE"},
		"series":  {"point": "INTEGER", "replicate": "INTEGER", "generation": "INTEGER", "freq_a": "DOUBLE", "platform": "VARCHAR"},
	}
	csvTypes := map[string]map[string]string{
		"runs":    {"seed": "VARCHAR"},
		"summary": {"agreement": "BOOLEAN"},
	}
	keys := []string{"culturesim.command", "culturesim.scenario.file", "culturesim.scenario.name", "culturesim.scenario.sha256",
		"culturesim.scenario.text", "culturesim.schema", "culturesim.seed_derivation", "culturesim.version"}
	for i, name := range []string{"runs", "summary", "series"} {
		pq, csv, kv, created := &fs[4*i], &fs[4*i+1], &fs[4*i+2], &fs[4*i+3]
		sameTable(t, name+".parquet", pq, tables[name])
		sameTable(t, name+".csv (read_csv_auto)", csv, tables[name])
		intTypes(t, name+".parquet", pq, ints[name], "BIGINT", "INTEGER")
		intTypes(t, name+".csv (read_csv_auto)", csv, ints[name], "BIGINT", "INTEGER")
		for c, want := range types[name] {
			if got := pq.typeOf(t, c); got != want {
				t.Errorf("%s.parquet %s: DuckDB type %s, want %s", name, c, got, want)
			}
		}
		for c, want := range csvTypes[name] {
			if got := csv.typeOf(t, c); got != want {
				t.Errorf("%s.csv %s: read_csv_auto guesses %s, want %s", name, c, got, want)
			}
		}
		var got []string
		for _, row := range kv.Rows {
			got = append(got, row[0].(string))
			if row[0] == "culturesim.scenario.sha256" && row[1] != sha {
				t.Errorf("%s.parquet sha256 %v, manifest %s", name, row[1], sha)
			}
		}
		if strings.Join(got, " ") != strings.Join(keys, " ") {
			t.Errorf("%s.parquet metadata keys %v, want %v", name, got, keys)
		}
		if cb, _ := created.Rows[0][0].(string); !strings.HasPrefix(cb, "culturesim version ") {
			t.Errorf("%s.parquet created_by %q", name, cb)
		}
	}
}

// pandasDump, appended to the pandas recipe, prints its three frames as
// JSON: Python's float repr round-trips, NaN becomes null.
const pandasDump = `
import json, sys
def frame(df):
    return {"columns": list(df.columns), "types": [str(t) for t in df.dtypes],
            "rows": df.astype(object).where(df.notna(), None).values.tolist()}
json.dump({"summary": frame(summary), "runs": frame(runs), "series": frame(series)},
          sys.stdout, default=lambda o: o.item())
`

func pandasRecipe(t *testing.T, recipe string, tables map[string]*artifact.Table, ints map[string][]string) {
	python := needProgram(t, "CULTURESIM_PYTHON", "python3")
	out := runReader(t, recipe+pandasDump, python, "-")
	// The recipe's print comes first, then the JSON on the last line.
	checkReaderDump(t, "pandas", out, tables, ints, readerTypes{integer: []string{"int64"}, seed: []string{"object"}, boolean: []string{"bool", "object"}})
}

// readerTypes are the names a reader gives the types that must survive:
// integers, the seed's text, booleans.
type readerTypes struct{ integer, seed, boolean []string }

// checkReaderDump checks what a recipe printed (its own output, then the
// appended dump of its frames as JSON on the last line): every cell of
// the summary and runs, the integer, seed and boolean types, and the
// series joined with the runs.
func checkReaderDump(t *testing.T, reader string, out []byte, tables map[string]*artifact.Table, ints map[string][]string, types readerTypes) {
	t.Helper()
	printed, dump, _ := cutLast(string(out))
	if !strings.Contains(printed, "mean_final_freq_a") {
		t.Errorf("the recipe printed %q", printed)
	}
	var fs map[string]*frame
	if err := json.Unmarshal([]byte(dump), &fs); err != nil {
		t.Fatalf("%v: %.2000s", err, dump)
	}
	sameTable(t, "summary", fs["summary"], tables["summary"])
	sameTable(t, "runs", fs["runs"], tables["runs"])
	for _, name := range []string{"summary", "runs", "series"} {
		intTypes(t, name, fs[name], ints[name], types.integer...)
	}
	if ty := fs["runs"].typeOf(t, "seed"); !slices.Contains(types.seed, ty) {
		t.Errorf("%s: runs seed type %s, want %v (text)", reader, ty, types.seed)
	}
	if ty := fs["summary"].typeOf(t, "agreement"); !slices.Contains(types.boolean, ty) {
		t.Errorf("%s: summary agreement type %s, want %v", reader, ty, types.boolean)
	}
	checkSeriesJoin(t, reader, fs["series"], tables)
}

// checkSeriesJoin checks a reader's series joined with its runs' seed and
// stop reason: every series row once, its own cells and its run's.
func checkSeriesJoin(t *testing.T, label string, f *frame, tables map[string]*artifact.Table) {
	t.Helper()
	series, runs := tables["series"], tables["runs"]
	key := func(p, r, g any) string { return fmt.Sprint(p, "/", r, "/", g) }
	byKey := map[string]int{}
	for i, row := range series.Rows {
		byKey[key(row[series.Col("point")], row[series.Col("replicate")], row[series.Col("generation")])] = i
	}
	runOf := map[string]int{}
	for i, row := range runs.Rows {
		runOf[row[runs.Col("point")]+"/"+row[runs.Col("replicate")]] = i
	}
	if len(f.Rows) != len(series.Rows) {
		t.Fatalf("%s series joined with runs: %d rows, want %d", label, len(f.Rows), len(series.Rows))
	}
	p, r, g := f.col(t, "point"), f.col(t, "replicate"), f.col(t, "generation")
	num := func(v any) string {
		if x, ok := v.(float64); ok {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return fmt.Sprint(v)
	}
	bad := 0
	seen := map[int]bool{}
	for _, row := range f.Rows {
		i, ok := byKey[key(num(row[p]), num(row[r]), num(row[g]))]
		if !ok || seen[i] {
			t.Fatalf("%s: series row %v is not one of culturesim's, or twice", label, row[:3])
		}
		seen[i] = true
		ri := runOf[num(row[p])+"/"+num(row[r])]
		for k, c := range f.Columns {
			var want string
			if j := series.Col(c); j >= 0 {
				want = series.Rows[i][j]
			} else if j := runs.Col(c); j >= 0 {
				want = runs.Rows[ri][j]
			} else {
				t.Fatalf("%s: column %q is in neither table", label, c)
			}
			if !sameCell(row[k], want) {
				if bad++; bad <= 5 {
					t.Errorf("%s series %v %s: %#v, culturesim %q", label, row[:3], c, row[k], want)
				}
			}
		}
	}
	for _, c := range []string{"seed", "stop_reason", "freq_a"} {
		f.col(t, c)
	}
}

func cutLast(s string) (before, last string, ok bool) {
	s = strings.TrimRight(s, "\n")
	i := strings.LastIndex(s, "\n")
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

// rDump, appended to the R recipe, prints its three data frames as JSON
// lines (jsonlite is not in base R): doubles with 17 significant digits,
// which round-trip.
const rDump = `
cell <- function(x) {
  if (is.na(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.numeric(x)) return(sprintf("%.17g", x))
  paste0('"', gsub('"', '\\\\"', x), '"')
}
frame <- function(df) {
  rows <- vapply(seq_len(nrow(df)), function(i)
    paste0("[", paste(vapply(df[i, , drop = FALSE], cell, ""), collapse = ","), "]"), "")
  paste0('{"columns":[', paste0('"', names(df), '"', collapse = ","), '],"types":[',
         paste0('"', vapply(df, function(c) class(c)[1], ""), '"', collapse = ","), '],"rows":[',
         paste(rows, collapse = ","), "]}")
}
cat("\n", '{"summary":', frame(summary), ',"runs":', frame(runs), ',"series":', frame(series), "}\n", sep = "")
`

func rRecipe(t *testing.T, recipe string, tables map[string]*artifact.Table, ints map[string][]string) {
	rscript := needProgram(t, "CULTURESIM_RSCRIPT", "Rscript")
	script := filepath.Join(t.TempDir(), "recipe.R")
	if err := os.WriteFile(script, []byte(recipe+rDump), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runReader(t, "", rscript, script)
	checkReaderDump(t, "R", out, tables, ints, readerTypes{integer: []string{"integer"}, seed: []string{"character"}, boolean: []string{"logical"}})
}

// replayRecipe runs the README's culturesim commands: the replayed run's
// row and series are the sweep's, and verify passes.
func replayRecipe(t *testing.T, recipe string, tables map[string]*artifact.Table) {
	var lines [][]string
	for _, line := range strings.Split(strings.TrimSpace(recipe), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "culturesim" {
			t.Fatalf("replay recipe line %q is not a culturesim command", line)
		}
		lines = append(lines, f[1:])
	}
	if len(lines) != 2 || lines[0][0] != "run" || lines[1][0] != "verify" {
		t.Fatalf("replay recipe %q: this test knows run, then verify", recipe)
	}
	if code, _, stderr := runCLI(t, append(lines[0], "--quiet")...); code != exitOK {
		t.Fatalf("%v: %d %s", lines[0], code, stderr)
	}
	got, err := artifact.ReadTable("out/replay/runs.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := pick(tables["runs"], func(get func(string) string) bool { return get("run") == "18" })
	if len(got.Rows) != 1 || len(want) != 1 || want[0]["point"] != "4" || want[0]["replicate"] != "2" {
		t.Fatalf("replay: %d rows; the sweep's run 18 is %v", len(got.Rows), want)
	}
	for j, c := range got.Header {
		if got.Rows[0][j] != want[0][c] {
			t.Errorf("replayed run %s: %q, the sweep has %q", c, got.Rows[0][j], want[0][c])
		}
	}
	gs, err := artifact.ReadTable("out/replay/series.csv")
	if err != nil {
		t.Fatal(err)
	}
	ws := pick(tables["series"], func(get func(string) string) bool { return get("point") == "4" && get("replicate") == "2" })
	if len(gs.Rows) != len(ws) || len(ws) == 0 {
		t.Fatalf("replayed series: %d rows, the sweep has %d", len(gs.Rows), len(ws))
	}
	for i, row := range gs.Rows {
		for j, c := range gs.Header {
			if row[j] != ws[i][c] {
				t.Errorf("replayed series row %d %s: %q, the sweep has %q", i, c, row[j], ws[i][c])
			}
		}
	}
	code, out, stderr := runCLI(t, append(lines[1], "--quiet")...)
	if code != exitOK || out != "" {
		t.Errorf("%v: %d %q %q", lines[1], code, out, stderr)
	}
	if code, out, _ := runCLI(t, lines[1]...); code != exitOK || !strings.Contains(out, "all reproduce") {
		t.Errorf("%v: %d %q", lines[1], code, out)
	}
}

// The tables of a sensitivity analysis and a fit, read from Parquet by
// DuckDB, hold what their CSV twins hold, cell for cell, with integer
// columns typed as integers.
func TestFitAndSensitivityTablesReadByDuckDB(t *testing.T) {
	testgate.Require(t, testgate.Readers)
	modules := os.Getenv("CULTURESIM_DUCKDB_NODE")
	if modules != "" {
		var err error
		if modules, err = filepath.Abs(modules); err != nil {
			t.Fatal(err)
		}
	}
	query := duckdbQuery(t, modules)
	dir := t.TempDir()
	world := strings.Replace(twoApart, "generations = 30", "generations = 15", 1)
	swept := writeFile(t, dir, "swept.toml", world+`[sweep]
design = "saltelli"
n = 8
c = {from = 0.02, to = 0.3}
"platform.a.alpha" = {from = 0.1, to = 0.9}
`)
	fitted := writeFile(t, dir, "fitted.toml", world+`[fit]
particles = 12
generations = 1
[fit.prior]
"platform.a.alpha" = {from = 0.1, to = 0.9}
`)
	sweep, fitDir := filepath.Join(dir, "sweep"), filepath.Join(dir, "fit")
	for _, args := range [][]string{
		{"sweep", swept, "--out", sweep, "--quiet"},
		{"sensitivity", sweep, "--quiet"},
		{"fit", fitted, "--truth", "platform.a.alpha=0.5", "--out", fitDir, "--quiet"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	bases := []string{filepath.Join(sweep, "sensitivity"), filepath.Join(fitDir, "posterior")}
	fs := query("SELECT * FROM '"+bases[0]+".parquet'", "SELECT * FROM '"+bases[1]+".parquet'")
	for i, base := range bases {
		want, err := artifact.ReadTable(base + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		sameTable(t, filepath.Base(base)+".parquet (DuckDB)", &fs[i], want)
	}
	intTypes(t, "posterior.parquet", &fs[1], []string{"generation", "particle"}, "BIGINT", "INTEGER")
}
