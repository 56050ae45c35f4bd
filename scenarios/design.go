package scenarios

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/design"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// Design kinds of [sweep] design.
const (
	DesignGrid     = "grid"     // the cartesian product of the axes' values (the default)
	DesignLHS      = "lhs"      // Latin hypercube: n points, each axis's n strata hit once
	DesignHalton   = "halton"   // Owen-scrambled Halton sequence: n points
	DesignSobol    = "sobol"    // Sobol sequence (Joe–Kuo directions, unscrambled): n points
	DesignSaltelli = "saltelli" // Saltelli 2010 matrices: n base rows, n(d+2) points, for Sobol indices
	DesignMorris   = "morris"   // Morris trajectories: n of them, n(d+1) points, for elementary effects
	DesignFile     = "file"     // points = "FILE.csv": any design, one point per row
)

// designKinds are the values design accepts.
var designKinds = []string{DesignGrid, DesignLHS, DesignHalton, DesignSobol, DesignSaltelli, DesignMorris}

// designKeys are the keys of [sweep] that shape the design rather than
// name an axis; no setting has these names.
var designKeys = []string{"design", "n", "levels", "points"}

// DefaultMorrisLevels is the grid of a Morris design without levels.
const DefaultMorrisLevels = 4

// Design is how a sweep's points are chosen. A grid's points are the
// cartesian product of its axes' values; every other design has its own
// rows of axis values (one per point, in point order), drawn
// deterministically from the scenario's seed (DesignSeed) or read from a
// file, so that every output, resume, shard and merge sees the same
// points.
type Design struct {
	Kind   string // one of the Design* kinds
	N      int    // lhs, halton, sobol: points; saltelli: base rows; morris: trajectories
	Levels int    // morris: the grid's levels (even)
	File   string // points = FILE, as the scenario writes it

	// Unit holds the points on the unit hypercube, one row per point and
	// one column per axis, before they are mapped to the axes' ranges
	// (nil for a grid and a file). Sensitivity analysis reads them.
	Unit [][]float64
}

// IsGrid reports whether the points are the grid of the axes' values
// (a grid design, or a design file that lists a grid).
func (sc *Scenario) IsGrid() bool { return sc.rows == nil }

// DesignSeed is the seed a scenario's random designs draw from:
// rng.StreamSeed(seed, −1, 1), a stream no run (points ≥ 0) and no graph
// (replicate 0) uses.
func DesignSeed(seed uint64) uint64 { return rng.StreamSeed(seed, -1, 1) }

// designSpec is what [sweep] says of its design, before the axes are
// decoded.
type designSpec struct {
	kind   string
	n      int
	levels int
	file   string
}

// designOf takes the design keys out of [sweep] (raw is modified) and
// checks them.
func (p *parser) designOf(raw map[string]any) designSpec {
	d := designSpec{kind: DesignGrid}
	if v, ok := raw["design"]; ok {
		delete(raw, "design")
		s, isStr := v.(string)
		if !isStr || !slices.Contains(designKinds, s) {
			p.fail("sweep.design", "%s is not a design; design is one of %s", model.FormatValue(v), model.QuoteList(designKinds, "or"))
			d.kind = ""
		} else {
			d.kind = s
		}
	}
	if v, ok := raw["points"]; ok {
		delete(raw, "points")
		s, isStr := v.(string)
		switch {
		case !isStr || s == "":
			p.fail("sweep.points", "%s is not a file name; points names a CSV file with a header of sweep keys and one point per row", model.FormatValue(v))
		case d.kind != DesignGrid:
			p.fail("sweep.points", "points = %q imports a design; it takes no design = %q (drop one of them)", s, d.kind)
		default:
			d.kind, d.file = DesignFile, s
		}
	}
	intKey := func(key string, lo, hi int, def int) int {
		v, ok := raw[key]
		if !ok {
			return def
		}
		delete(raw, key)
		n, isInt := v.(int64)
		if !isInt || n < int64(lo) || n > int64(hi) {
			p.fail("sweep."+key, "%s is not a whole number in [%d, %d]", model.FormatValue(v), lo, hi)
			return def
		}
		return int(n)
	}
	random := d.kind != DesignGrid && d.kind != DesignFile && d.kind != ""
	if _, ok := raw["n"]; ok && !random {
		p.fail("sweep.n", "n is the size of a design (design = %s); a grid's size is the product of its axes", model.QuoteList(designKinds[1:], "or"))
		delete(raw, "n")
	}
	if _, ok := raw["levels"]; ok && d.kind != DesignMorris {
		p.fail("sweep.levels", "levels is the grid of a Morris design (design = \"morris\")")
		delete(raw, "levels")
	}
	if random {
		if _, ok := raw["n"]; !ok {
			what := map[string]string{DesignSaltelli: "base rows (the design has n(d+2) points)", DesignMorris: "trajectories (the design has n(d+1) points)"}[d.kind]
			if what == "" {
				what = "points"
			}
			p.fail("sweep.design", "design = %q needs n, its number of %s", d.kind, what)
		}
		d.n = intKey("n", 1, MaxPoints, 0)
	}
	if d.kind == DesignMorris {
		d.levels = intKey("levels", 2, 1000, DefaultMorrisLevels)
		if d.levels%2 != 0 {
			p.fail("sweep.levels", "%d is odd; a Morris grid has an even number of levels (4 is usual), so that every jump of p/(2(p−1)) stays on it", d.levels)
		}
	}
	return d
}

// designPoints sets sc's design and draws its rows, once the axes are
// decoded (bounds holds each axis's range; nil entries are lists).
func (p *parser) designPoints(sc *Scenario, spec designSpec, bounds []axisRange) {
	sc.Design = Design{Kind: spec.kind, N: spec.n, Levels: spec.levels, File: spec.file}
	if spec.kind == DesignGrid || spec.kind == DesignFile || spec.kind == "" || len(p.errs) > 0 {
		return
	}
	d := len(sc.Axes)
	if d == 0 {
		p.fail("sweep.design", "design = %q has no axis to draw; give ranges such as c = {from = 0.1, to = 0.5}", spec.kind)
		return
	}
	size, ok := designSize(spec, d)
	if !ok || size > MaxPoints {
		p.fail("sweep.n", "design = %q with n = %d over %d axes has more than %d points", spec.kind, spec.n, d, MaxPoints)
		return
	}
	src := rng.New(DesignSeed(sc.Seed))
	var unit [][]float64
	var err error
	switch spec.kind {
	case DesignLHS:
		unit, err = design.LatinHypercube(spec.n, d, src)
	case DesignHalton:
		unit, err = design.Halton(spec.n, d, src)
	case DesignSobol:
		unit, err = design.Sobol(spec.n, d)
	case DesignSaltelli:
		unit, err = design.Saltelli(spec.n, d)
	case DesignMorris:
		unit, err = design.Morris(spec.n, d, spec.levels, src)
	}
	if err != nil {
		p.fail("sweep.design", "%v", err)
		return
	}
	if spec.kind == DesignSobol && spec.n&(spec.n-1) != 0 {
		p.warn("sweep.n", "n = %d is not a power of 2: a Sobol design is balanced (each axis's n strata hit once) only at powers of 2", spec.n)
	}
	sc.Design.Unit = unit
	sc.rows = make([][]sim.Value, len(unit))
	for i, u := range unit {
		row := make([]sim.Value, d)
		for k := range d {
			row[k] = bounds[k].at(sc.Axes[k], u[k])
		}
		sc.rows[i] = row
	}
	for k := range sc.Axes {
		if bounds[k].list == nil {
			sc.Axes[k].Values = distinctValues(sc.rows, k)
		}
	}
}

// designSize is the number of points a design of d axes has.
func designSize(spec designSpec, d int) (int, bool) {
	per := 1
	switch spec.kind {
	case DesignSaltelli:
		per = d + 2
	case DesignMorris:
		per = d + 1
	}
	if spec.n > math.MaxInt32/per {
		return 0, false
	}
	return spec.n * per, true
}

// axisRange is a design axis: a range {from, to} (scale = "log":
// evenly spread in log), or a list of values taken with equal
// probability.
type axisRange struct {
	from, to float64
	log      bool
	list     []sim.Value
}

// at maps a unit coordinate u in [0, 1] to the axis's value: a number
// between from and to (a whole number for an integer setting, each of
// from…to equally likely), or one of the list's values.
func (r axisRange) at(a Axis, u float64) sim.Value {
	if r.list != nil {
		return r.list[min(int(u*float64(len(r.list))), len(r.list)-1)]
	}
	if a.Type == sim.Int && r.log {
		return sim.Num(math.Round(r.from * math.Exp(u*math.Log(r.to/r.from))))
	}
	if a.Type == sim.Int {
		lo, hi := math.Round(r.from), math.Round(r.to)
		return sim.Num(min(lo+math.Floor(u*(hi-lo+1)), hi))
	}
	if r.log {
		return sim.Num(r.from * math.Exp(u*math.Log(r.to/r.from)))
	}
	return sim.Num(r.from + u*(r.to-r.from))
}

// distinctValues lists the distinct values of column k of rows,
// ascending.
func distinctValues(rows [][]sim.Value, k int) []sim.Value {
	out := firstSeen(rows, k)
	slices.SortFunc(out, func(a, b sim.Value) int {
		if a.Str != b.Str {
			return strings.Compare(a.Str, b.Str)
		}
		return cmp.Compare(a.Num, b.Num)
	})
	return out
}

// designRange decodes a design axis: {from, to} with an optional
// scale = "linear" | "log", or a list of values.
func (p *parser) designRange(key string, s sim.Setting, v any) (axisRange, bool) {
	switch x := v.(type) {
	case []any:
		vals, ok := p.axisValues(key, s, x)
		return axisRange{list: vals}, ok
	case map[string]any:
		if s.Type == sim.Choice {
			p.fail(key, "a choice takes a list of values, e.g. [%s]", model.QuoteList(s.Options, ""))
			return axisRange{}, false
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			switch k {
			case "from", "to", "scale":
			case "step", "n":
				p.fail(key+"."+k, "a design draws its own points; its axes are ranges {from, to} (optionally scale = \"log\"), without %s", k)
				return axisRange{}, false
			default:
				p.fail(key+"."+k, "unknown range key; a design's range has from, to and optionally scale")
				return axisRange{}, false
			}
		}
		var r axisRange
		var ok bool
		if r.from, r.to, r.log, ok = p.rangeEnds(key, s, x); !ok {
			return r, false
		}
		if r.from > r.to {
			p.fail(key, "from = %s is above to = %s", model.FormatFloat(r.from), model.FormatFloat(r.to))
			return r, false
		}
		return r, true
	}
	p.fail(key, "a design's axis is a range {from, to} (optionally scale = \"log\") or a list of values, not %s", tomlType(v))
	return axisRange{}, false
}

// rangeEnds reads from, to and scale of a range, checking both ends
// against the setting's domain (a domain is an interval, so every value
// between them is in it too).
func (p *parser) rangeEnds(key string, s sim.Setting, m map[string]any) (from, to float64, log bool, ok bool) {
	ok = true
	end := func(k string) float64 {
		v, present := m[k]
		if !present {
			p.fail(key, "the range lacks %q", k)
			ok = false
			return 0
		}
		x, isNum := number(v)
		if !isNum {
			p.fail(key+"."+k, "%v is not a finite number", v)
			ok = false
			return 0
		}
		if _, err := s.Parse(x); err != nil {
			msg := valueMessage(err)
			p.fail(key+"."+k, "%s", msg)
			ok = false
		}
		return x
	}
	from, to = end("from"), end("to")
	if sv, present := m["scale"]; present {
		switch sv {
		case "linear":
		case "log":
			log = true
			if ok && from <= 0 {
				p.fail(key+".from", "%s: a log scale needs from > 0", model.FormatFloat(from))
				ok = false
			}
		default:
			p.fail(key+".scale", "%s is not a scale; scale is \"linear\" or \"log\"", model.FormatValue(sv))
			ok = false
		}
	}
	return from, to, log, ok
}

// DesignFileError is a problem of a design file, with its line.
type DesignFileError struct {
	File string
	Line int // 0: the file as a whole
	Msg  string
}

func (e *DesignFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// importDesign reads points = FILE: a CSV header of sweep keys, then one
// point per row. A file whose rows are exactly a grid (every
// combination, the first column varying slowest) becomes that grid, so
// that it is the same sweep as the grid written in [sweep].
func (p *parser) importDesign(sc *Scenario, spec designSpec) {
	df, err := p.readDataFile(spec.file, "a design file", nil)
	if err != nil {
		p.fail("sweep.points", "%v", err)
		return
	}
	sc.world.files[spec.file] = df
	var rows [][]sim.Value
	r := csv.NewReader(bytes.NewReader(df.content))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty; its first line is a header of sweep keys")
		}
		p.fail("sweep.points", "%v", designErr(df.Path, err))
		return
	}
	var settings []sim.Setting
	var axes []Axis // set on sc once the rows are read: axisTarget reads sc's points
	for k, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		header[k] = h
		if slices.Contains(header[:k], h) {
			p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Line: 1, Msg: fmt.Sprintf("column %q appears twice", h)})
			return
		}
		a, s, msg := p.axisTarget(sc, h)
		if msg != "" {
			p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Line: 1, Msg: fmt.Sprintf("column %d (%s): %s", k+1, h, msg)})
			return
		}
		a.Type, a.Line = s.Type, p.keys.line("sweep.points")
		axes = append(axes, a)
		settings = append(settings, s)
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.fail("sweep.points", "%v", designErr(df.Path, err))
			return
		}
		line, _ := r.FieldPos(0)
		if len(rows) == MaxPoints {
			p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Line: line, Msg: fmt.Sprintf("more than %d points", MaxPoints)})
			return
		}
		row := make([]sim.Value, len(rec))
		for k, cell := range rec {
			v, err := settings[k].Parse(csvCell(strings.TrimSpace(cell), settings[k].Type))
			if err != nil {
				msg := valueMessage(err)
				p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Line: line, Msg: fmt.Sprintf("%s = %q: %s", header[k], cell, msg)})
				return
			}
			row[k] = v
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Msg: "no points below the header"})
		return
	}
	seen := make(map[string]int, len(rows))
	for i, row := range rows {
		id := rowID(row)
		if j, dup := seen[id]; dup {
			p.fail("sweep.points", "%v", &DesignFileError{File: df.Path, Msg: fmt.Sprintf("points %d and %d are the same (%s); a design lists each point once", j, i, describeRow(axes, row))})
			return
		}
		seen[id] = i
	}
	sc.Axes, sc.rows = axes, rows
	for k := range sc.Axes {
		sc.Axes[k].Values = firstSeen(sc.rows, k)
	}
	if isGrid(sc.Axes, sc.rows) {
		sc.rows = nil
	} else {
		for k := range sc.Axes {
			sc.Axes[k].Values = distinctValues(sc.rows, k)
		}
	}
}

// csvCell is a CSV cell as a TOML value would be: a number for numeric
// settings when it reads as one, else the text.
func csvCell(s string, t sim.ValueType) any {
	if t == sim.Choice || t == sim.Text {
		return s
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x
	}
	return s
}

func designErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &DesignFileError{File: file, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &DesignFileError{File: file, Msg: err.Error()}
}

// firstSeen lists the distinct values of column k in order of first
// appearance.
func firstSeen(rows [][]sim.Value, k int) []sim.Value {
	seen := map[sim.Value]bool{}
	var out []sim.Value
	for _, r := range rows {
		if !seen[r[k]] {
			seen[r[k]] = true
			out = append(out, r[k])
		}
	}
	return out
}

// isGrid reports whether rows are the cartesian product of the axes'
// values in grid order (first axis slowest).
func isGrid(axes []Axis, rows [][]sim.Value) bool {
	n := 1
	for _, a := range axes {
		n *= len(a.Values)
		if n > len(rows) {
			return false
		}
	}
	if n != len(rows) {
		return false
	}
	g := &Scenario{Axes: axes}
	for i, r := range rows {
		if !slices.Equal(g.PointValues(i), r) {
			return false
		}
	}
	return true
}

// rowID is a point's values as one map key.
func rowID(vals []sim.Value) string {
	var b strings.Builder
	for _, v := range vals {
		b.WriteString(v.Str)
		b.WriteByte(0)
		b.WriteString(strconv.FormatUint(math.Float64bits(v.Num), 16))
		b.WriteByte(0)
	}
	return b.String()
}

func describeRow(axes []Axis, vals []sim.Value) string {
	parts := make([]string, len(vals))
	for k, v := range vals {
		parts[k] = axes[k].Key + " = " + v.String()
	}
	return strings.Join(parts, ", ")
}
