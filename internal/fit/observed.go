package fit

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
)

// WorldRow is the platform name of the world's own row in series tables.
const WorldRow = "all"

// Observation is one observed statistic: a platform's frequency of A
// (or size) at a generation.
type Observation struct {
	Generation int
	Platform   string
	Row        int // the row of the platform in a simulation's records (0: the world's)
	Stat       string
	Value      float64
}

// Observed is the data a fit compares its simulations with.
type Observed struct {
	File   string
	SHA256 string
	Obs    []Observation
}

// ObservedError is a problem of the observed data file, with its line.
type ObservedError struct {
	File string
	Line int
	Msg  string
}

func (e *ObservedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// MaxObservedBytes bounds the observed data file.
const MaxObservedBytes = 64 << 20

// statColumns are the columns each statistic reads, first match wins
// (n_agents is what culturesim's own series call a platform's size).
var statColumns = map[string][]string{"freq_a": {"freq_a"}, "size": {"size", "n_agents"}}

// ReadObserved reads observed data: a CSV with a header naming
// generation, platform (optional for a world of one platform) and the
// statistics' columns (freq_a; size or n_agents). culturesim's own
// series.csv is such a file. Several rows of one generation and platform
// (replicates) are averaged. Rows of other platforms than the
// scenario's are refused; the world's row is "all".
func ReadObserved(path string, platforms []string, generations int, stats []string) (*Observed, error) {
	fail := func(line int, format string, a ...any) error {
		return &ObservedError{File: path, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > MaxObservedBytes {
		return nil, fail(0, "not a regular file of at most %d MiB", MaxObservedBytes>>20)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	r := csv.NewReader(strings.NewReader(string(b)))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fail(0, "empty; the first line is a header (generation, platform, freq_a …)")
	}
	if err != nil {
		return nil, fail(0, "%v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	gi, ok := col["generation"]
	if !ok {
		return nil, fail(1, "no generation column (the header has %s)", strings.Join(header, ", "))
	}
	pi, hasPlatform := col["platform"]
	if !hasPlatform && len(platforms) > 1 {
		return nil, fail(1, "no platform column; the scenario has the platforms %s", strings.Join(platforms, ", "))
	}
	statCol := make([]int, len(stats))
	for k, s := range stats {
		statCol[k] = -1
		for _, name := range statColumns[s] {
			if i, ok := col[name]; ok {
				statCol[k] = i
				break
			}
		}
		if statCol[k] < 0 {
			return nil, fail(1, "no %s column for the statistic %s (the header has %s)", strings.Join(statColumns[s], " or "), s, strings.Join(header, ", "))
		}
	}
	rowOf := func(name string) (int, bool) {
		if name == WorldRow {
			return 0, true
		}
		i := slices.Index(platforms, name)
		if i < 0 {
			return 0, false
		}
		if len(platforms) == 1 {
			return 0, true
		}
		return i + 1, true
	}
	type cell struct {
		g    int
		plat string
		stat int
	}
	sums := map[cell]float64{}
	counts := map[cell]int{}
	rows := map[cell]int{}
	var order []cell
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fail(pe.Line, "%v", pe.Err)
			}
			return nil, fail(0, "%v", err)
		}
		line, _ := r.FieldPos(0)
		g, err := strconv.Atoi(strings.TrimSpace(rec[gi]))
		if err != nil || g < 0 || g > generations {
			return nil, fail(line, "generation = %q is not a whole number in [0, %d] (the scenario's generations)", rec[gi], generations)
		}
		plat := platforms[0]
		if hasPlatform {
			plat = strings.TrimSpace(rec[pi])
		}
		row, ok := rowOf(plat)
		if !ok {
			return nil, fail(line, "platform = %q is not one of the scenario's (%s, or %s for the world)", plat, strings.Join(platforms, ", "), WorldRow)
		}
		for k, s := range stats {
			text := strings.TrimSpace(rec[statCol[k]])
			if text == "" {
				continue // not observed here
			}
			x, err := strconv.ParseFloat(text, 64)
			switch {
			case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
				return nil, fail(line, "%s = %q is not a finite number", header[statCol[k]], text)
			case s == "freq_a" && (x < 0 || x > 1):
				return nil, fail(line, "freq_a = %s is outside [0, 1]", text)
			case s == "size" && x <= 0:
				return nil, fail(line, "%s = %s: a size is > 0", header[statCol[k]], text)
			}
			c := cell{g, plat, k}
			if counts[c] == 0 {
				order = append(order, c)
				rows[c] = row
			}
			sums[c] += x
			counts[c]++
		}
	}
	if len(order) == 0 {
		return nil, fail(0, "no observations below the header")
	}
	sort.SliceStable(order, func(a, b int) bool {
		if order[a].g != order[b].g {
			return order[a].g < order[b].g
		}
		return rows[order[a]] < rows[order[b]]
	})
	obs := &Observed{File: path, SHA256: hex.EncodeToString(sum[:])}
	for _, c := range order {
		obs.Obs = append(obs.Obs, Observation{Generation: c.g, Platform: c.plat, Row: rows[c], Stat: stats[c.stat], Value: sums[c] / float64(counts[c])})
	}
	return obs, nil
}

// Distance compares a simulation's records with the observations: the
// difference of each frequency of A, and the relative difference of each
// size, combined as distance says ("euclidean": the root of the sum of
// squares; "manhattan": the sum of absolute values; "max": the largest).
// A generation after the run stopped (fixation) reads its final state.
// It is NaN when a simulated statistic is undefined (an empty platform).
func (o *Observed) Distance(series []artifact.Record, distance string) float64 {
	m := o.Meter(distance)
	for _, rec := range series {
		m.Add(rec)
	}
	return m.Final()
}

// Meter accumulates a distance as a run's records arrive, generation by
// generation: its Bound never decreases and never exceeds the final
// distance, so a run whose bound passes the tolerance can stop early
// with the decision it would have reached at the end.
type Meter struct {
	o        *Observed
	distance string
	next     int // the first observation not yet compared
	total    float64
	last     *artifact.Record
	nan      bool
}

// Meter starts a distance meter.
func (o *Observed) Meter(distance string) *Meter { return &Meter{o: o, distance: distance} }

// Add compares the observations of rec's generation, and those of the
// generations between the previous record and this one, with rec (runs
// record every generation; a coarser series reads the latest record).
func (m *Meter) Add(rec artifact.Record) {
	for m.next < len(m.o.Obs) && m.o.Obs[m.next].Generation <= rec.Generation {
		if m.o.Obs[m.next].Generation < rec.Generation && m.last != nil {
			m.compare(m.o.Obs[m.next], *m.last)
		} else {
			m.compare(m.o.Obs[m.next], rec)
		}
		m.next++
	}
	m.last = &rec
}

func (m *Meter) compare(ob Observation, rec artifact.Record) {
	row := rec.Rows[ob.Row]
	var d float64
	if ob.Stat == "size" {
		d = (row.Size - ob.Value) / ob.Value
	} else {
		d = row.FreqA - ob.Value
	}
	if math.IsNaN(d) {
		m.nan = true
		return
	}
	switch m.distance {
	case "manhattan":
		m.total += math.Abs(d)
	case "max":
		m.total = math.Max(m.total, math.Abs(d))
	default:
		m.total += d * d
	}
}

// Bound is the distance so far: a lower bound of the final one.
func (m *Meter) Bound() float64 {
	if m.distance == "manhattan" || m.distance == "max" {
		return m.total
	}
	return math.Sqrt(m.total)
}

// Final compares the observations after the last record (a run that
// stopped at fixation) with its final state and returns the distance
// (NaN if a statistic was undefined, or no record came).
func (m *Meter) Final() float64 {
	if m.last == nil {
		return math.NaN()
	}
	for ; m.next < len(m.o.Obs); m.next++ {
		m.compare(m.o.Obs[m.next], *m.last)
	}
	if m.nan {
		return math.NaN()
	}
	return m.Bound()
}
