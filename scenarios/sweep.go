package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// AxisValue is one value of a sweep axis: a number or, for the lattice's
// string settings, a string.
type AxisValue struct {
	Num float64
	Str string // non-empty for string axes
}

func (v AxisValue) String() string {
	if v.Str != "" {
		return v.Str
	}
	return strconv.FormatFloat(v.Num, 'g', -1, 64)
}

// Axis is one key of [sweep] with its values.
type Axis struct {
	Key    string // a parameter key (see SweepKeys) or a derived axis: t, bias
	Values []AxisValue
	Line   int
}

// sweepKind says how an axis key is set.
type sweepKind uint8

const (
	axisFloat sweepKind = iota
	axisInt
	axisString
)

// sweepKeys are the keys [sweep] accepts, with their types. t sets
// ta = tb = t; bias sets tb = ta − bias.
var sweepKeys = map[string]sweepKind{
	"b": axisFloat, "c": axisFloat, "v": axisFloat, "alpha": axisFloat, "ta": axisFloat, "tb": axisFloat,
	"t": axisFloat, "bias": axisFloat,
	"initial_a": axisFloat, "size": axisInt, "radius": axisInt, "initiation": axisFloat, "rounds": axisInt,
	"selection": axisString, "fitness": axisString, "neighborhood": axisString, "boundary": axisString,
}

var stringOptions = map[string][]string{
	"selection": {"global", "local"}, "fitness": {"mean", "sum"},
	"neighborhood": {"moore", "vonneumann"}, "boundary": {"bounded", "torus"},
}

// SweepKeys lists the keys [sweep] accepts.
func SweepKeys() []string {
	ks := make([]string, 0, len(sweepKeys))
	for k := range sweepKeys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// sets lists the parameters an axis key writes, to find two axes that set
// the same one.
func sets(key string) []string {
	switch key {
	case "t":
		return []string{"ta", "tb"}
	case "bias":
		return []string{"tb"}
	}
	return []string{key}
}

// NumPoints is the number of parameter points: the product of the axes'
// lengths (1 without a sweep).
func (s *Scenario) NumPoints() int {
	n := 1
	for _, a := range s.Axes {
		n *= len(a.Values)
	}
	return n
}

// NumRuns is points × replicates.
func (s *Scenario) NumRuns() int { return s.NumPoints() * s.Replicates }

// PointValues returns the axis values of point i: the first axis varies
// slowest.
func (s *Scenario) PointValues(i int) []AxisValue {
	vals := make([]AxisValue, len(s.Axes))
	for k := len(s.Axes) - 1; k >= 0; k-- {
		n := len(s.Axes[k].Values)
		vals[k] = s.Axes[k].Values[i%n]
		i /= n
	}
	return vals
}

// PointSetup returns the setup of point i (validated when the scenario
// was parsed).
func (s *Scenario) PointSetup(i int) Setup {
	return applyAxes(s.Base, s.Axes, s.PointValues(i))
}

// SetupWith returns the setup for arbitrary axis values (one per axis, in
// order), e.g. between grid points for drawing curves. It does not
// validate.
func (s *Scenario) SetupWith(vals []AxisValue) Setup {
	return applyAxes(s.Base, s.Axes, vals)
}

// DescribePoint renders a point's axis values, "c = 0.1, t = 0.25".
func (s *Scenario) DescribePoint(i int) string {
	vals := s.PointValues(i)
	parts := make([]string, len(vals))
	for k, v := range vals {
		parts[k] = s.Axes[k].Key + " = " + v.String()
	}
	return strings.Join(parts, ", ")
}

// applyAxes sets one point's values on a copy of base: parameters first,
// then t, then bias (which reads ta).
func applyAxes(base Setup, axes []Axis, vals []AxisValue) Setup {
	st := base
	for pass := range 3 {
		for k, a := range axes {
			v := vals[k]
			switch {
			case pass == 0 && strings.Contains(a.Key, "."):
				setPlatformKey(&st, a.Key, v)
			case pass == 0 && a.Key != "t" && a.Key != "bias":
				setKey(&st, a.Key, v)
			case pass == 1 && a.Key == "t":
				st.Model.TA, st.Model.TB = v.Num, v.Num
			case pass == 2 && a.Key == "bias":
				st.Model.TB = st.Model.TA - v.Num
			}
		}
	}
	if st.Kind == Lattice {
		st.Model.Alpha = st.Lattice.EffectiveAlpha()
	}
	return st
}

func setKey(st *Setup, key string, v AxisValue) {
	m, lc := &st.Model, &st.Lattice
	switch key {
	case "b":
		m.B = v.Num
	case "c":
		m.C = v.Num
	case "v":
		m.V = v.Num
	case "alpha":
		m.Alpha = v.Num
	case "ta":
		m.TA = v.Num
	case "tb":
		m.TB = v.Num
	case "initial_a":
		st.InitialA = v.Num
	case "size":
		st.Size = int(v.Num)
	case "radius":
		lc.Radius = int(v.Num)
	case "initiation":
		lc.Initiation = v.Num
	case "rounds":
		lc.Rounds = int(v.Num)
	case "selection":
		lc.Selection = sim.Selection(indexOf(stringOptions[key], v.Str))
	case "fitness":
		lc.Fitness = sim.FitnessMode(indexOf(stringOptions[key], v.Str))
	case "neighborhood":
		lc.Neighborhood = sim.Neighborhood(indexOf(stringOptions[key], v.Str))
	case "boundary":
		lc.Boundary = sim.Boundary(indexOf(stringOptions[key], v.Str))
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// MaxPoints bounds the size of a sweep's grid.
const MaxPoints = 10_000_000

// sweep decodes [sweep]: axes in file order, then checks every point.
func (p *parser) sweep(raw map[string]any, sc *Scenario) {
	if len(raw) == 0 {
		return
	}
	raw = flattenSweep("", raw)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		li, lj := p.keys.line("sweep."+keys[i]), p.keys.line("sweep."+keys[j])
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	setBy := map[string]string{}
	ok := true
	for _, k := range keys {
		key := "sweep." + k
		kind, known := sweepKeys[k]
		if sc.Base.Kind == Platforms {
			if k == "t" || k == "bias" {
				for _, ps := range sc.Base.Platforms {
					if ps.Override.Sets("ta") || ps.Override.Sets("tb") {
						p.fail(key, "platform %q sets its own ta or tb, which %s would not reach; sweep platform.%s.ta and platform.%s.tb instead", ps.Name, k, ps.Name, ps.Name)
						ok = false
					}
				}
			}
			if known && modelKeyIndex(k) < 0 && k != "t" && k != "bias" {
				p.fail(key, "with platforms, sweep a platform's population key as platform.NAME.%s", k)
				ok = false
				continue
			}
			if !known {
				var msg string
				if kind, msg = platformSweepKey(&sc.Base, k); msg != "" {
					p.fail(key, "%s; with platforms, sweepable keys are b, c, v, alpha, ta, tb, t, bias (every platform's default), platform.NAME.KEY, migration.N.rate, event.N.fraction, event.N.generation and cross_exposure.N.probability", msg)
					ok = false
					continue
				}
				known = true
			}
		}
		if !known {
			p.fail(key, "%q cannot be swept; sweepable keys: %s", k, strings.Join(SweepKeys(), ", "))
			ok = false
			continue
		}
		if sc.Base.Kind == Lattice && k == "alpha" {
			p.fail(key, "alpha has no effect on lattices (α emerges from the neighbourhood); sweep radius or neighborhood instead")
			ok = false
			continue
		}
		if sc.Base.Kind == WellMixed && p.kindOK && (kind == axisString || k == "radius" || k == "initiation" || k == "rounds") {
			p.fail(key, "applies to lattices only (kind = \"wellmixed\")")
			ok = false
			continue
		}
		for _, param := range sets(k) {
			if prev, dup := setBy[param]; dup {
				p.fail(key, "sets %s, which sweep.%s already sets; keep one of them", param, prev)
				ok = false
			}
			setBy[param] = k
		}
		vals, good := p.axisValues(key, kind, raw[k])
		if !good {
			ok = false
			continue
		}
		sc.Axes = append(sc.Axes, Axis{Key: k, Values: vals, Line: p.keys.line(key)})
	}
	if !ok {
		return
	}
	n := 1
	for _, a := range sc.Axes {
		n *= len(a.Values)
		if n > MaxPoints {
			p.fail("sweep", "the grid has more than %d points", MaxPoints)
			return
		}
	}
	p.checkPoints(sc)
}

// flattenSweep turns dotted sweep keys written unquoted
// (platform.x.alpha = …, which TOML nests as tables) into flat keys;
// tables with range keys are values.
func flattenSweep(prefix string, raw map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range raw {
		if m, isMap := v.(map[string]any); isMap && !isRange(m) {
			for fk, fv := range flattenSweep(prefix+k+".", m) {
				out[fk] = fv
			}
			continue
		}
		out[prefix+k] = v
	}
	return out
}

func isRange(m map[string]any) bool {
	for _, k := range []string{"from", "to", "step", "n"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return len(m) == 0
}

// axisValues decodes a list, {from, to, step} or {from, to, n}.
func (p *parser) axisValues(key string, kind sweepKind, v any) ([]AxisValue, bool) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			p.fail(key, "the list is empty; give at least one value")
			return nil, false
		}
		out := make([]AxisValue, 0, len(x))
		for i, e := range x {
			av, err := axisValue(kind, key, e)
			if err != "" {
				p.fail(key, "value %d: %s", i+1, err)
				return nil, false
			}
			out = append(out, av)
		}
		return out, true
	case map[string]any:
		if kind == axisString {
			p.fail(key, "a string setting takes a list of values, e.g. [%s]", quoteList(stringOptions[strings.TrimPrefix(key, "sweep.")]))
			return nil, false
		}
		return p.rangeValues(key, kind, x)
	}
	p.fail(key, "must be a list of values or a range {from, to, step} or {from, to, n}, not %s", tomlType(v))
	return nil, false
}

func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a single number (write a list: [x])"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

func axisValue(kind sweepKind, key string, v any) (AxisValue, string) {
	if kind == axisString {
		s, isStr := v.(string)
		opts := stringOptions[strings.TrimPrefix(key, "sweep.")]
		if !isStr || indexOf(opts, strings.ToLower(s)) < 0 {
			return AxisValue{}, fmt.Sprintf("%v is not one of %s", v, quoteList(opts))
		}
		return AxisValue{Str: strings.ToLower(s)}, ""
	}
	x, isNum := number(v)
	if !isNum {
		return AxisValue{}, fmt.Sprintf("%v is not a finite number", v)
	}
	if kind == axisInt && x != math.Trunc(x) {
		return AxisValue{}, fmt.Sprintf("%v is not a whole number", v)
	}
	return AxisValue{Num: x}, ""
}

// rangeValues expands {from, to, step} (step > 0 for from ≤ to, < 0 for
// from > to; "to" included when it falls on the grid within rounding) or
// {from, to, n} (n evenly spaced values, both ends included).
func (p *parser) rangeValues(key string, kind sweepKind, m map[string]any) ([]AxisValue, bool) {
	for k := range m {
		if k != "from" && k != "to" && k != "step" && k != "n" {
			p.fail(key+"."+k, "unknown range key; a range has from, to and either step or n")
			return nil, false
		}
	}
	get := func(k string) (float64, bool) {
		v, present := m[k]
		if !present {
			p.fail(key, "the range lacks %q", k)
			return 0, false
		}
		x, ok := number(v)
		if !ok {
			p.fail(key+"."+k, "%v is not a finite number", v)
			return 0, false
		}
		return x, true
	}
	from, ok1 := get("from")
	to, ok2 := get("to")
	if !ok1 || !ok2 {
		return nil, false
	}
	_, hasStep := m["step"]
	_, hasN := m["n"]
	var xs []float64
	switch {
	case hasStep == hasN:
		p.fail(key, "a range takes exactly one of step and n")
		return nil, false
	case hasStep:
		step, ok := get("step")
		if !ok {
			return nil, false
		}
		switch {
		case step == 0:
			p.fail(key+".step", "0: the step must not be zero")
			return nil, false
		case (to-from)*step < 0:
			p.fail(key+".step", "%s has the wrong sign: from %s to %s needs a %s step", model.FormatFloat(step),
				model.FormatFloat(from), model.FormatFloat(to), map[bool]string{true: "positive", false: "negative"}[to > from])
			return nil, false
		}
		count := math.Floor((to-from)/step+1e-9) + 1
		if count > MaxPoints {
			p.fail(key, "%g values; at most %d", count, MaxPoints)
			return nil, false
		}
		for k := 0; k < int(count); k++ {
			xs = append(xs, tidy(from+float64(k)*step))
		}
	default:
		nv, present := m["n"]
		n, isInt := nv.(int64)
		if !present || !isInt || n < 1 || n > MaxPoints {
			p.fail(key+".n", "%v is not a whole number in [1, %d]", nv, MaxPoints)
			return nil, false
		}
		if n == 1 && from != to {
			p.fail(key+".n", "1 value cannot span from %s to %s; use n ≥ 2 or from = to", model.FormatFloat(from), model.FormatFloat(to))
			return nil, false
		}
		for k := range int(n) {
			x := from
			if n > 1 {
				x = from + (to-from)*float64(k)/float64(n-1)
			}
			xs = append(xs, tidy(x))
		}
	}
	out := make([]AxisValue, len(xs))
	for i, x := range xs {
		if kind == axisInt && x != math.Trunc(x) {
			p.fail(key, "the range gives %s, not a whole number", model.FormatFloat(x))
			return nil, false
		}
		out[i] = AxisValue{Num: x}
	}
	return out, true
}

// tidy rounds away the last bits of grid arithmetic (0.30000000000000004
// becomes 0.3) by keeping 12 significant digits.
func tidy(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return y
}

// checkPoints validates every point of the grid and reports the first few
// that fall outside a domain, naming the point.
func (p *parser) checkPoints(sc *Scenario) {
	const most = 5
	bad := 0
	for i := range sc.NumPoints() {
		st := sc.PointSetup(i)
		sub := &parser{file: p.file, keys: p.keys, kindOK: p.kindOK}
		if st.Kind == Platforms {
			sub.checkPlatforms(&st)
		} else {
			sub.checkSetup("population", &st)
			sub.checkModel("model", st.Model, nil)
		}
		if len(sub.errs) == 0 {
			continue
		}
		bad++
		if bad > most {
			continue
		}
		for _, e := range sub.errs {
			// Attribute the error to the axis that sets the parameter, if any.
			param := e.Key[strings.LastIndexByte(e.Key, '.')+1:]
			line := e.Line
			for _, a := range sc.Axes {
				for _, s := range sets(a.Key) {
					if s[strings.LastIndexByte(s, '.')+1:] == param {
						line = a.Line
					}
				}
			}
			p.errs = append(p.errs, &Error{File: p.file, Line: line, Key: e.Key,
				Msg: fmt.Sprintf("at sweep point %d (%s): %s", i, sc.DescribePoint(i), e.Msg)})
		}
	}
	if bad > most {
		p.fail("sweep", "%d more of the %d points are invalid", bad-most, sc.NumPoints())
	}
}
