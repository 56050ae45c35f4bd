package artifact

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"gonum.org/v1/gonum/stat"

	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// Files of a run or sweep directory.
const (
	RunsFile           = "runs.csv"
	RunsParquetFile    = "runs.parquet"
	SummaryFile        = "summary.csv"
	SummaryParquetFile = "summary.parquet"
	SeriesFile         = "series.parquet"
	SeriesCSVFile      = "series.csv"
	ScenarioFile       = "scenario.toml"
	WorldPlatformName  = "all" // the series' platform column for the whole world
)

// The tables have one schema each, whatever wrote them (run, sweep,
// merge, reproduce), written as CSV and typed Parquet with the same
// values:
//
//	runs     run, point, replicate, seed, axis_KEY…, PARAMS…, final_freq_a,
//	         generations, stop_reason, clamped, and for worlds of several
//	         platforms per platform final_size_P, final_freq_a_P,
//	         final_freq_a_natives_P, final_freq_a_migrants_P, acculturation_P
//	summary  point, axis_KEY…, PARAMS…, runs, mean_final_freq_a,
//	         sd_final_freq_a, frac_fixed_a, frac_fixed_b, frac_neither,
//	         mean_generations, per platform mean_final_size_P,
//	         mean_final_freq_a_P, sd_final_freq_a_P,
//	         mean_final_freq_a_natives_P, mean_final_freq_a_migrants_P,
//	         mean_acculturation_P, frac_acculturated_P; then
//	         se_final_freq_a, frac_fixed_{a,b}_{lo,hi} (Wilson 95%),
//	         outcome, pstar, beta1, beta3, theory (suffixed _P per platform
//	         for several) and, for one platform, agreement
//	series   point, replicate, generation, platform, n_agents, freq_a,
//	         freq_a_natives, freq_a_migrants, mean_fitness, moved_in,
//	         moved_out, refused, clamped, axis_KEY…, PARAMS… (platform
//	         "all" for the world, one row per platform as well when there
//	         are several; a single population omits the natives, migrants
//	         and moves columns: see SeriesColumns)
//
// PARAMS are the columns of sim.Settings for every platform: b, c, v,
// alpha, ta, tb, kind, size, initial_a (and the lattice settings for a
// lattice), unprefixed for a world of one platform, suffixed _P for
// platform P otherwise. CSV cells: floats in shortest round-trip form,
// sums rounded by Tidy, empty for a value that does not exist, booleans
// TRUE/FALSE, the seed FormatSeed's text.

// pointColumns lists the columns that describe a point, the sweep's axes
// (axis_KEY) and every platform's settings (PARAMS), with their types,
// and a function giving their cells at a point.
func pointColumns(sc *scenarios.Scenario) (names []string, types []ColType, cells func(point int) []string) {
	for _, a := range sc.Axes {
		names = append(names, "axis_"+a.Key)
		types = append(types, colOf(a.Type))
	}
	base := sc.Point(0)
	type col struct {
		platform int
		key      string
	}
	var cols []col
	single := len(base.Platforms) == 1
	for k, pc := range base.Platforms {
		for _, s := range sim.Settings {
			lattice := pc.Kind.Structured()
			switch {
			case s.Key == "agents":
				if !lattice || pc.Agents == 0 {
					continue
				}
			case s.Key == "feed" || s.Key == "feed_bias":
				// Columns where they can matter: networks (the source
				// paper's feeds), and lattices with a feed.
				if pc.Kind != sim.KindNetwork && !(lattice && pc.Lattice.Feed > 0) {
					continue
				}
			case !s.Column, !s.AppliesTo(pc):
				continue
			}
			cols = append(cols, col{k, s.Key})
			types = append(types, colOf(s.Type))
			if single {
				names = append(names, s.Key)
			} else {
				names = append(names, s.Key+"_"+pc.Name)
			}
		}
	}
	return names, types, func(point int) []string {
		var row []string
		for _, v := range sc.PointValues(point) {
			row = append(row, v.String())
		}
		w := sc.Point(point)
		for _, c := range cols {
			v, _ := w.Platforms[c.platform].Get(c.key)
			row = append(row, v.String())
		}
		return row
	}
}

// colOf is the column type of a setting's values.
func colOf(t sim.ValueType) ColType {
	switch t {
	case sim.Int:
		return ColInt
	case sim.Choice:
		return ColString
	}
	return ColFloat
}

// schema builds a table's header and column types together.
type schema struct {
	names []string
	types []ColType
}

func (s *schema) add(t ColType, names ...string) {
	for _, n := range names {
		s.names = append(s.names, n)
		s.types = append(s.types, t)
	}
}

func (s *schema) table() *Table { return &Table{Header: s.names, Types: s.types} }

// Num formats a number as F does, NaN as an empty cell.
func Num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return F(x)
}

// RunsTable is runs.csv: one row per finished run, in run order.
func RunsTable(sc *scenarios.Scenario, rs []RunResult) *Table {
	pn, pt, point := pointColumns(sc)
	names := sc.PlatformNames()
	var h schema
	h.add(ColInt, "run", "point", "replicate")
	h.add(ColUint, "seed")
	h.names, h.types = append(h.names, pn...), append(h.types, pt...)
	h.add(ColFloat, "final_freq_a")
	h.add(ColInt, "generations")
	h.add(ColString, "stop_reason")
	h.add(ColInt, "clamped")
	if len(names) > 1 {
		for _, n := range names {
			h.add(ColFloat, "final_size_"+n, "final_freq_a_"+n, "final_freq_a_natives_"+n, "final_freq_a_migrants_"+n)
			h.add(ColIntOpt, "acculturation_"+n)
		}
	}
	t := h.table()
	for _, r := range rs {
		row := append([]string{I(r.Run), I(r.Point), I(r.Rep), FormatSeed(r.Seed)}, point(r.Point)...)
		row = append(row, F(r.Result.FinalFreqA), I(r.Result.Generations), r.Result.Reason.String(), I(r.Result.Clamped))
		if len(names) > 1 {
			for _, p := range r.Platforms {
				acc := ""
				if p.Acculturation >= 0 {
					acc = I(p.Acculturation)
				}
				row = append(row, Num(p.Size), Num(p.FreqA), Num(p.FreqNatives), Num(p.FreqMigrants), acc)
			}
		}
		t.Add(row...)
	}
	return t
}

// CheckColumns reports a scenario whose tables would have two columns of
// one name (platforms "x" and "natives_x" both give
// final_freq_a_natives_x): readers would silently take one for the other.
func CheckColumns(sc *scenarios.Scenario) error {
	for _, h := range [][]string{RunsTable(sc, nil).Header, SummaryTable(sc, nil).Header} {
		seen := map[string]bool{}
		for _, c := range h {
			if seen[c] {
				return fmt.Errorf("the platforms' names give two table columns named %q; rename a platform", c)
			}
			seen[c] = true
		}
	}
	return nil
}

// PointSummary aggregates the runs of one point.
type PointSummary struct {
	Point                               int
	Runs                                int
	MeanFreqA, SDFreqA, SEFreqA         float64 // SE: SD/√runs (NaN for one run)
	FracFixedA, FracFixedB, FracNeither float64
	FixedA, FixedB                      Interval // Wilson 95% intervals of the fixation fractions
	MeanGenerations                     float64
	Platforms                           []PlatformSummary // for worlds of several platforms
	// Theory is each platform's analytic outcome; Agreement (Agrees,
	// Disagrees or "" when no test applies) says whether the simulation is
	// consistent with it (a world of one platform only; see agree).
	Theory    []Theory
	Agreement string
}

// PlatformSummary aggregates one platform's final state over a point's
// runs. Means skip runs where the value does not exist (an empty
// platform, no migrants); NaN when no run has one.
type PlatformSummary struct {
	MeanSize, MeanFreqA, SDFreqA   float64
	MeanNatives, MeanMigrants      float64
	MeanAcculturation, Acculturate float64 // mean time over acculturated runs; fraction of runs acculturated
}

// meanSD is the mean and sample standard deviation of the non-NaN values
// (NaN for the SD of fewer than two).
func meanSD(xs []float64) (mean, sd float64) {
	var ok []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return math.NaN(), math.NaN()
	}
	mean, sd = stat.MeanStdDev(ok, nil)
	if len(ok) < 2 {
		sd = math.NaN()
	}
	return mean, sd
}

// Summarise aggregates results by point, in point order.
func Summarise(sc *scenarios.Scenario, rs []RunResult) []PointSummary {
	byPoint := make(map[int][]RunResult)
	var points []int
	for _, r := range rs {
		if _, ok := byPoint[r.Point]; !ok {
			points = append(points, r.Point)
		}
		byPoint[r.Point] = append(byPoint[r.Point], r)
	}
	sort.Ints(points)
	K := len(sc.PlatformNames())
	out := make([]PointSummary, 0, len(points))
	for _, p := range points {
		runs := byPoint[p]
		freqs := make([]float64, len(runs))
		gens := make([]float64, len(runs))
		s := PointSummary{Point: p, Runs: len(runs)}
		var fixedA, fixedB, neither int
		for i, r := range runs {
			freqs[i], gens[i] = r.Result.FinalFreqA, float64(r.Result.Generations)
			switch r.Result.FinalFreqA {
			case 1:
				fixedA++
			case 0:
				fixedB++
			default:
				neither++
			}
		}
		n := float64(len(runs))
		s.FracFixedA, s.FracFixedB, s.FracNeither = float64(fixedA)/n, float64(fixedB)/n, float64(neither)/n
		s.MeanFreqA, s.SDFreqA = stat.MeanStdDev(freqs, nil)
		if len(runs) < 2 {
			s.SDFreqA = math.NaN()
		}
		s.MeanGenerations = stat.Mean(gens, nil)
		s.SEFreqA = s.SDFreqA / math.Sqrt(n)
		s.FixedA, s.FixedB = Wilson(fixedA, len(runs)), Wilson(fixedB, len(runs))
		world := sc.Point(p)
		for _, pc := range world.Platforms {
			s.Theory = append(s.Theory, TheoryOf(pc, len(world.Platforms)).tidy())
		}
		if K > 1 {
			s.Platforms = make([]PlatformSummary, K)
			for k := range K {
				col := func(f func(PlatformFinal) float64) []float64 {
					xs := make([]float64, len(runs))
					for i, r := range runs {
						xs[i] = f(r.Platforms[k])
					}
					return xs
				}
				ps := &s.Platforms[k]
				ps.MeanSize, _ = meanSD(col(func(p PlatformFinal) float64 { return p.Size }))
				ps.MeanFreqA, ps.SDFreqA = meanSD(col(func(p PlatformFinal) float64 { return p.FreqA }))
				ps.MeanNatives, _ = meanSD(col(func(p PlatformFinal) float64 { return p.FreqNatives }))
				ps.MeanMigrants, _ = meanSD(col(func(p PlatformFinal) float64 { return p.FreqMigrants }))
				acc := col(func(p PlatformFinal) float64 {
					if p.Acculturation < 0 {
						return math.NaN()
					}
					return float64(p.Acculturation)
				})
				ps.MeanAcculturation, _ = meanSD(acc)
				for _, a := range acc {
					if !math.IsNaN(a) {
						ps.Acculturate++
					}
				}
				ps.Acculturate /= n
			}
		}
		s.tidy()
		if K == 1 {
			// On the numbers as stored, so that a reader applying the
			// rule to the table gets the same answer.
			s.Agreement = agree(s, s.Theory[0], world.Platforms[0])
		}
		out = append(out, s)
	}
	return out
}

// tidy rounds the statistics, sums of floats, as they are stored (see
// Tidy); the fractions are exact ratios and stay.
func (s *PointSummary) tidy() {
	for _, x := range []*float64{&s.MeanFreqA, &s.SDFreqA, &s.SEFreqA, &s.MeanGenerations, &s.FixedA.Lo, &s.FixedA.Hi, &s.FixedB.Lo, &s.FixedB.Hi} {
		*x = Tidy(*x)
	}
	for i := range s.Platforms {
		p := &s.Platforms[i]
		for _, x := range []*float64{&p.MeanSize, &p.MeanFreqA, &p.SDFreqA, &p.MeanNatives, &p.MeanMigrants, &p.MeanAcculturation} {
			*x = Tidy(*x)
		}
	}
}

// SummaryTable is summary.csv: one row per point.
func SummaryTable(sc *scenarios.Scenario, ss []PointSummary) *Table {
	pn, pt, point := pointColumns(sc)
	names := sc.PlatformNames()
	var h schema
	h.add(ColInt, "point")
	h.names, h.types = append(h.names, pn...), append(h.types, pt...)
	h.add(ColInt, "runs")
	h.add(ColFloat, "mean_final_freq_a", "sd_final_freq_a", "frac_fixed_a", "frac_fixed_b", "frac_neither", "mean_generations")
	if len(names) > 1 {
		for _, n := range names {
			h.add(ColFloat, "mean_final_size_"+n, "mean_final_freq_a_"+n, "sd_final_freq_a_"+n, "mean_final_freq_a_natives_"+n,
				"mean_final_freq_a_migrants_"+n, "mean_acculturation_"+n, "frac_acculturated_"+n)
		}
	}
	// The standard error, the fixation fractions' Wilson intervals and
	// the theory (see theory.go).
	h.add(ColFloat, "se_final_freq_a", "frac_fixed_a_lo", "frac_fixed_a_hi", "frac_fixed_b_lo", "frac_fixed_b_hi")
	for _, n := range names {
		suffix := ""
		if len(names) > 1 {
			suffix = "_" + n
		}
		h.add(ColString, "outcome"+suffix)
		h.add(ColFloat, "pstar"+suffix, "beta1"+suffix, "beta3"+suffix)
		h.add(ColString, "theory"+suffix)
	}
	if len(names) == 1 {
		h.add(ColBool, "agreement")
	}
	t := h.table()
	// Summarise and TheoryOf(…).tidy() stored the numbers rounded; a
	// value that does not exist is an empty cell.
	stat := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return F(x)
	}
	for _, s := range ss {
		row := append([]string{I(s.Point)}, point(s.Point)...)
		row = append(row, I(s.Runs), stat(s.MeanFreqA), stat(s.SDFreqA), F(s.FracFixedA), F(s.FracFixedB), F(s.FracNeither), stat(s.MeanGenerations))
		for _, p := range s.Platforms {
			row = append(row, stat(p.MeanSize), stat(p.MeanFreqA), stat(p.SDFreqA), stat(p.MeanNatives), stat(p.MeanMigrants),
				stat(p.MeanAcculturation), F(p.Acculturate))
		}
		row = append(row, stat(s.SEFreqA), stat(s.FixedA.Lo), stat(s.FixedA.Hi), stat(s.FixedB.Lo), stat(s.FixedB.Hi))
		for _, th := range s.Theory {
			row = append(row, th.OutcomeName(), stat(th.PStar), stat(th.Beta1), stat(th.Beta3), th.Kind)
		}
		if len(names) == 1 {
			row = append(row, s.Agreement)
		}
		t.Add(row...)
	}
	return t
}

// SeriesRow is a row of series.parquet (long format; see the schema
// above). Pointers are null where the CSV cell is empty.
type SeriesRow struct {
	Point        int32    `parquet:"point"`
	Replicate    int32    `parquet:"replicate"`
	Generation   int32    `parquet:"generation"`
	Platform     string   `parquet:"platform,dict"`
	Size         float64  `parquet:"n_agents,dict"`
	FreqA        *float64 `parquet:"freq_a,optional,dict"`
	FreqNatives  *float64 `parquet:"freq_a_natives,optional,dict"`
	FreqMigrants *float64 `parquet:"freq_a_migrants,optional,dict"`
	MeanFitness  *float64 `parquet:"mean_fitness,optional,dict"` // or split: see fitnessSplit
	MovedIn      float64  `parquet:"moved_in,dict"`
	MovedOut     float64  `parquet:"moved_out,dict"`
	Refused      float64  `parquet:"refused,dict"`
	Clamped      float64  `parquet:"clamped,dict"`
}

// SeriesHeader lists every column a series row has; SeriesColumns says
// which a table writes.
var SeriesHeader = []string{"point", "replicate", "generation", "platform", "n_agents", "freq_a", "freq_a_natives", "freq_a_migrants",
	"mean_fitness", "moved_in", "moved_out", "refused", "clamped"}

// SeriesColumns are the indices in SeriesHeader of the columns the series
// of a world of platforms platforms has. A single population has no
// migrants, its natives are everyone and nothing moves: it omits
// freq_a_natives, freq_a_migrants, moved_in, moved_out and refused.
func SeriesColumns(platforms int) []int {
	if platforms == 1 {
		return []int{0, 1, 2, 3, 4, 5, 8, 12}
	}
	return []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
}

// SeriesHeaderOf is the header of the series columns of a world of
// platforms platforms (before its point columns).
func SeriesHeaderOf(platforms int) []string {
	var h []string
	for _, j := range SeriesColumns(platforms) {
		h = append(h, SeriesHeader[j])
	}
	return h
}

func opt(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// SeriesRows converts one run's records into series rows (names: the
// scenario's platforms).
func SeriesRows(r RunResult, names []string) []SeriesRow { return seriesRows(r, names, nil) }

// seriesRows converts one run's records into series rows.
func seriesRows(r RunResult, names []string, out []SeriesRow) []SeriesRow {
	for _, rec := range r.Series {
		for j, row := range rec.Rows {
			name := WorldPlatformName
			if j > 0 {
				name = names[j-1]
			}
			out = append(out, SeriesRow{Point: int32(r.Point), Replicate: int32(r.Rep), Generation: int32(rec.Generation), Platform: name,
				Size: row.Size, FreqA: opt(row.FreqA), FreqNatives: opt(row.FreqNatives), FreqMigrants: opt(row.FreqMigrants),
				MeanFitness: opt(row.MeanFitness), MovedIn: row.MovedIn, MovedOut: row.MovedOut, Refused: row.Refused, Clamped: row.Clamped})
		}
	}
	return out
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// Cells renders the columns cols (indices in SeriesHeader) of a series
// row as series.csv writes them.
func (s SeriesRow) Cells(cols []int) []string {
	all := s.CSV()
	out := make([]string, len(cols))
	for i, j := range cols {
		out[i] = all[j]
	}
	return out
}

// CSV renders every column of a series row (SeriesHeader) as series.csv
// writes them.
func (s SeriesRow) CSV() []string {
	return []string{I(int(s.Point)), I(int(s.Replicate)), I(int(s.Generation)), s.Platform, Num(s.Size), Num(deref(s.FreqA)),
		Num(deref(s.FreqNatives)), Num(deref(s.FreqMigrants)), Num(deref(s.MeanFitness)), Num(s.MovedIn), Num(s.MovedOut), Num(s.Refused), Num(s.Clamped)}
}

// Results reads the finished runs of sc in dir's journal, in run order,
// without their series, and the journal's scan (damaged entries are
// skipped: see ReadJournal).
func Results(dir string, sc *scenarios.Scenario) ([]RunResult, *Scan, error) {
	var rs []RunResult
	scan, err := ReadJournal(filepath.Join(dir, JournalFile), sc.Replicates, func(r RunResult) error {
		rs = append(rs, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Run < rs[j].Run })
	return rs, scan, nil
}

// TableOptions say which tables WriteTables writes.
type TableOptions struct {
	// Summary: the runs cover whole points (every replicate of each),
	// so summary.csv can be written.
	Summary bool
	// SeriesCSVRows: write series.csv beside series.parquet when the
	// series has at most this many rows (−1: always; 0: never). Runs of
	// one point always have it; a sweep's only when small, for readers
	// without Parquet (R's read.csv, pandas without pyarrow).
	SeriesCSVRows int
	// Meta is what made the tables, for the Parquet files' metadata.
	Meta ParquetMeta
}

// WriteTables writes the tables of dir from its journal: runs.csv,
// summary.csv (with opts.Summary; otherwise a stale one is removed) and,
// when the runs recorded series, series.parquet (and series.csv). It
// returns the files written.
func WriteTables(dir string, sc *scenarios.Scenario, opts TableOptions) ([]string, error) {
	rs, scan, err := Results(dir, sc)
	if err != nil {
		return nil, err
	}
	var files []string
	// The Parquet twin first: it is the one that can fail on a value (a
	// cell its column type refuses), and then the CSV stays as it was,
	// still its old twin's.
	write := func(t *Table, csvName, pqName string) error {
		if err := t.WriteParquet(filepath.Join(dir, pqName), opts.Meta); err != nil {
			return err
		}
		if err := t.Write(filepath.Join(dir, csvName)); err != nil {
			return err
		}
		files = append(files, csvName, pqName)
		return nil
	}
	if err := write(RunsTable(sc, rs), RunsFile, RunsParquetFile); err != nil {
		return files, err
	}
	if opts.Summary {
		if err := write(SummaryTable(sc, Summarise(sc, rs)), SummaryFile, SummaryParquetFile); err != nil {
			return files, err
		}
	} else {
		for _, f := range []string{SummaryFile, SummaryParquetFile} {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return files, err
			}
		}
	}
	if scan.Header.RecordEvery > 0 {
		written, err := writeSeries(dir, sc, scan, opts.SeriesCSVRows, opts.Meta)
		files = append(files, written...)
		if err != nil {
			return files, fmt.Errorf("writing %s: %w", SeriesFile, err)
		}
	}
	return files, nil
}

// seriesColumns are the columns of the series tables: SeriesHeader,
// then the point's columns (axis_KEY…, PARAMS…), so that a series needs no
// join to say what made it. pointValues gives the point columns' Parquet
// values at a point, cells their CSV cells.
type seriesColumns struct {
	base      []int // the series columns written (SeriesColumns)
	header    []string
	schema    *parquet.Schema
	cells     func(point int) []string
	types     []ColType
	cache     map[int][]parquet.Value
	cellCache map[int][]string
}

// pointCells are the CSV cells of the point columns at point.
func (c *seriesColumns) pointCells(point int) []string {
	if cs, ok := c.cellCache[point]; ok {
		return cs
	}
	cs := c.cells(point)
	c.cellCache[point] = cs
	return cs
}

// newSeriesColumns lays out sc's series; with split, mean fitness is
// BYTE_STREAM_SPLIT-encoded instead of dictionary-encoded (see
// fitnessSplit).
func newSeriesColumns(sc *scenarios.Scenario, split bool) (*seriesColumns, error) {
	pn, pt, cells := pointColumns(sc)
	base := SeriesColumns(len(sc.PlatformNames()))
	header := append(SeriesHeaderOf(len(sc.PlatformNames())), pn...)
	var fs []reflect.StructField
	all := reflect.VisibleFields(reflect.TypeFor[SeriesRow]())
	for _, j := range base {
		f := all[j]
		tag := f.Tag
		if f.Name == "MeanFitness" && split {
			tag = `parquet:"mean_fitness,optional,split"`
		}
		fs = append(fs, reflect.StructField{Name: f.Name, Type: f.Type, Tag: tag})
	}
	for i, f := range fields(pn, pt) {
		f.Name = "P" + strconv.Itoa(i)
		fs = append(fs, f)
	}
	return &seriesColumns{base: base, header: header, schema: schemaOf(fs, header), cells: cells, types: pt, cache: map[int][]parquet.Value{}, cellCache: map[int][]string{}}, nil
}

// pointValues are the Parquet values of the point columns at point.
func (c *seriesColumns) pointValues(point int) ([]parquet.Value, error) {
	if vs, ok := c.cache[point]; ok {
		return vs, nil
	}
	cells := c.pointCells(point)
	vs := make([]parquet.Value, len(cells))
	for j, cell := range cells {
		v, err := cellValue(c.types[j], cell, len(c.base)+j)
		if err != nil {
			return nil, fmt.Errorf("point %d, column %s: %w", point, c.header[len(c.base)+j], err)
		}
		vs[j] = v
	}
	c.cache[point] = vs
	return vs, nil
}

// optValue is a nullable double (its levels are set by parquetRow).
func optValue(p *float64) parquet.Value {
	if p == nil {
		return parquet.NullValue()
	}
	return parquet.DoubleValue(*p)
}

// seriesOptional marks the nullable series columns: SeriesRow's pointer
// fields (its tags say "optional").
var seriesOptional = func() []bool {
	fs := reflect.VisibleFields(reflect.TypeFor[SeriesRow]())
	o := make([]bool, len(fs))
	for j, f := range fs {
		o[j] = f.Type.Kind() == reflect.Pointer
	}
	return o
}()

// parquetRow is a series row's columns base (SeriesColumns) with its
// point's values, in schema order.
func (s SeriesRow) parquetRow(base []int, point []parquet.Value) parquet.Row {
	all := [...]parquet.Value{
		parquet.Int32Value(s.Point),
		parquet.Int32Value(s.Replicate),
		parquet.Int32Value(s.Generation),
		parquet.ByteArrayValue([]byte(s.Platform)),
		parquet.DoubleValue(s.Size),
		optValue(s.FreqA), optValue(s.FreqNatives), optValue(s.FreqMigrants), optValue(s.MeanFitness),
		parquet.DoubleValue(s.MovedIn),
		parquet.DoubleValue(s.MovedOut),
		parquet.DoubleValue(s.Refused),
		parquet.DoubleValue(s.Clamped),
	}
	row := make(parquet.Row, 0, len(base)+len(point))
	for col, j := range base {
		def := 0
		if seriesOptional[j] && !all[j].IsNull() {
			def = 1
		}
		row = append(row, all[j].Level(0, def, col))
	}
	return append(row, point...)
}

// fitnessSplit decides how to encode mean fitness from the first rows of
// the series (measured on 10⁶-row series): where a distinct value comes
// every few rows (a lattice), BYTE_STREAM_SPLIT lets zstd take the
// repeating sign, exponent and leading bytes (a third smaller than
// PLAIN); where values repeat (a well-mixed population's mean fitness is
// set by a few pair counts), a dictionary is smaller still, and split
// would be three times larger.
func fitnessSplit(jf *os.File, scan *Scan, runs []int) (bool, error) {
	const sample = 20_000
	seen := map[uint64]bool{}
	rows := 0
	for _, r := range runs {
		rr, err := ReadEntry(jf, scan.Offsets[r])
		if err != nil {
			return false, err
		}
		for _, rec := range rr.Series {
			for _, row := range rec.Rows {
				seen[math.Float64bits(row.MeanFitness)] = true
				rows++
			}
		}
		if rows >= sample {
			break
		}
	}
	return len(seen) > rows/4, nil
}

// SweepSeriesCSVRows is the largest series a sweep also writes as
// series.csv (some 5 MB).
const SweepSeriesCSVRows = 100_000

// writeSeries streams the journal's series into series.parquet, and into
// series.csv while it has at most csvRows rows (see TableOptions), in
// run order.
func writeSeries(dir string, sc *scenarios.Scenario, scan *Scan, csvRows int, meta ParquetMeta) ([]string, error) {
	runs := make([]int, 0, len(scan.Offsets))
	for r := range scan.Offsets {
		runs = append(runs, r)
	}
	sort.Ints(runs)
	jf, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, err
	}
	defer jf.Close()
	split, err := fitnessSplit(jf, scan, runs)
	if err != nil {
		return nil, err
	}
	cols, err := newSeriesColumns(sc, split)
	if err != nil {
		return nil, err
	}
	csvPath := filepath.Join(dir, SeriesCSVFile)
	var csvFile *AtomicFile
	var cw *csv.Writer
	if csvRows != 0 {
		if csvFile, err = CreateAtomic(csvPath); err != nil {
			return nil, err
		}
		defer func() {
			if csvFile != nil {
				csvFile.Abort()
			}
		}()
		cw = csv.NewWriter(csvFile) // buffered
		cw.Write(cols.header)       // errors surface at Flush
	}
	names := sc.PlatformNames()
	n := 0
	err = writeParquetFile(filepath.Join(dir, SeriesFile), cols.schema, meta, func(emit func(parquet.Row) error) error {
		var rows []SeriesRow
		for _, r := range runs {
			rr, err := ReadEntry(jf, scan.Offsets[r])
			if err != nil {
				return err
			}
			point, err := cols.pointValues(rr.Point)
			if err != nil {
				return err
			}
			rows = seriesRows(rr, names, rows[:0])
			for _, row := range rows {
				if err := emit(row.parquetRow(cols.base, point)); err != nil {
					return err
				}
				if n++; cw != nil && csvRows > 0 && n > csvRows {
					csvFile.Abort() // too large for CSV
					csvFile, cw = nil, nil
				}
				if cw != nil {
					cw.Write(append(row.Cells(cols.base), cols.pointCells(rr.Point)...))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	files := []string{SeriesFile}
	if cw == nil {
		// No CSV, or too large: none may be left from an earlier, smaller
		// series.
		if err := os.Remove(csvPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return files, err
		}
		return files, nil
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return files, err
	}
	f := csvFile
	csvFile = nil
	if err := f.Commit(); err != nil {
		return files, err
	}
	return append(files, SeriesCSVFile), nil
}

// ReadSeries reads dir's series (series.parquet, or series.csv where
// there is no Parquet file: committed results keep only the CSV).
func ReadSeries(dir string) ([]SeriesRow, error) {
	path := filepath.Join(dir, SeriesFile)
	if _, err := os.Stat(path); err == nil {
		rows, err := parquet.ReadFile[SeriesRow](path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return rows, nil
	}
	return ReadSeriesCSV(filepath.Join(dir, SeriesCSVFile))
}

// EachSeries calls f with every row of dir's series in file order,
// streaming series.parquet (or reading series.csv where there is none),
// so that a large series need not fit in memory.
func EachSeries(dir string, f func(SeriesRow) error) error {
	path := filepath.Join(dir, SeriesFile)
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		rows, err := ReadSeriesCSV(filepath.Join(dir, SeriesCSVFile))
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := f(r); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	defer file.Close()
	r := parquet.NewGenericReader[SeriesRow](file)
	defer r.Close()
	buf := make([]SeriesRow, 1024)
	for {
		n, err := r.Read(buf)
		for _, row := range buf[:n] {
			// The reader may reuse what the pointers point to.
			row.FreqA, row.FreqNatives, row.FreqMigrants, row.MeanFitness = opt(deref(row.FreqA)), opt(deref(row.FreqNatives)),
				opt(deref(row.FreqMigrants)), opt(deref(row.MeanFitness))
			if err := f(row); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

// ReadSeriesCSV reads a series table in CSV (series.csv, or a panel's
// copy of one).
func ReadSeriesCSV(path string) ([]SeriesRow, error) {
	t, err := ReadTable(path)
	if err != nil {
		return nil, err
	}
	cols := SeriesColumns(2)
	if t.Col(SeriesHeader[cols[6]]) < 0 { // freq_a_natives: a single population's series
		cols = SeriesColumns(1)
	}
	for _, j := range cols {
		if t.Col(SeriesHeader[j]) < 0 {
			return nil, fmt.Errorf("%s: no column %q: not a series table of this culturesim's schema", path, SeriesHeader[j])
		}
	}
	out := make([]SeriesRow, 0, len(t.Rows))
	for i := range t.Rows {
		var row SeriesRow
		fields := reflect.ValueOf(&row).Elem()
		for _, j := range cols {
			f, name := fields.Field(j), SeriesHeader[j]
			switch f.Kind() {
			case reflect.Int32:
				n, err := t.Int(i, name)
				if err != nil {
					return nil, err
				}
				f.SetInt(int64(n))
			case reflect.String:
				f.SetString(t.Rows[i][t.Col(name)])
			default:
				x, err := t.Float(i, name)
				if err != nil {
					return nil, err
				}
				if f.Kind() == reflect.Pointer {
					f.Set(reflect.ValueOf(opt(x)))
				} else {
					f.SetFloat(x)
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}
