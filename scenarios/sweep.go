package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// Axis is one key of [sweep] with its values. It assigns one setting at
// one level of the scenario (every platform's default, or one platform's
// own), or one field of a migration table.
type Axis struct {
	Key    string // as [sweep] spells it: "c", "platform.xiaohongshu.alpha", "event.1.fraction"
	Values []sim.Value
	Type   sim.ValueType // of the values (and of the axis's table column)
	Line   int

	// Platform is the platform whose own setting the axis assigns, −1
	// for every platform's default (and for migration fields).
	Platform int
	// Setting is the sim.Settings key it assigns ("" for a migration
	// field).
	Setting string
	// Table, Index and Field name a migration field: "event", 0,
	// "fraction" for event.1.fraction.
	Table string
	Index int
	Field string

	label string
}

// Label is the axis as plots show it: the setting's label ("Cost of
// cooperation, c"), "α on xiaohongshu", "Fraction moved by event 1
// (tiktok → xiaohongshu)".
func (a Axis) Label() string { return a.label }

// Numeric reports whether the axis takes numbers (not choices).
func (a Axis) Numeric() bool { return len(a.Values) == 0 || a.Values[0].Str == "" }

// axisSet is one axis's assignment at one point.
type axisSet struct {
	platform int
	setting  string
	table    string
	index    int
	field    string
	at       setAt
}

func (a axisSet) setMigration(m *model.Migration) {
	x := a.at.val.Num
	switch a.table {
	case "migration":
		r := &m.Routes[a.index]
		switch a.field {
		case "rate":
			r.Rate = x
		case "start":
			r.Start = int(x)
		case "end":
			r.End = int(x)
		}
	case "event":
		e := &m.Events[a.index]
		if a.field == "generation" {
			e.Generation = int(x)
		} else {
			e.Fraction = x
		}
	case "cross_exposure":
		m.Exposures[a.index].Prob = x
	}
}

// axisSets returns every axis's assignment for the given values (nil:
// each axis's first value, when only what is set matters).
func (sc *Scenario) axisSets(vals []sim.Value) []axisSet {
	out := make([]axisSet, len(sc.Axes))
	for k, a := range sc.Axes {
		v := a.Values[0]
		if vals != nil {
			v = vals[k]
		}
		key := "sweep." + a.Key
		if sc.Design.Kind == DesignFile {
			key = "sweep.points" // the file's column has no key of its own
		}
		out[k] = axisSet{platform: a.Platform, setting: a.Setting, table: a.Table, index: a.Index, field: a.Field,
			at: setAt{val: v, key: key}}
	}
	return out
}

// NumPoints is the number of parameter points: the product of the axes'
// lengths for a grid (1 without a sweep), a design's rows otherwise.
func (sc *Scenario) NumPoints() int {
	if sc.rows != nil {
		return len(sc.rows)
	}
	n := 1
	for _, a := range sc.Axes {
		n *= len(a.Values)
	}
	return n
}

// pointCount is NumPoints, with ok false where the product overflows.
func (sc *Scenario) pointCount() (n int, ok bool) {
	if sc.rows != nil {
		return len(sc.rows), true
	}
	n = 1
	for _, a := range sc.Axes {
		k := len(a.Values)
		if k > 0 && n > math.MaxInt64/k {
			return 0, false
		}
		n *= k
	}
	return n, true
}

// NumRuns is points × replicates.
func (sc *Scenario) NumRuns() int { return sc.NumPoints() * sc.Replicates }

// PointValues returns the axis values of point i: a design's row i; on
// a grid, the first axis varies slowest.
func (sc *Scenario) PointValues(i int) []sim.Value {
	if sc.rows != nil {
		return slices.Clone(sc.rows[i])
	}
	vals := make([]sim.Value, len(sc.Axes))
	for k := len(sc.Axes) - 1; k >= 0; k-- {
		n := len(sc.Axes[k].Values)
		vals[k] = sc.Axes[k].Values[i%n]
		i /= n
	}
	return vals
}

// PointIndex inverts PointValues; ok is false if a value is not on its
// axis.
func (sc *Scenario) PointIndex(vals []sim.Value) (int, bool) {
	if sc.rows != nil {
		sc.indexOnce.Do(func() {
			sc.rowIndex = make(map[string]int, len(sc.rows))
			for i, r := range sc.rows {
				sc.rowIndex[rowID(r)] = i
			}
		})
		i, ok := sc.rowIndex[rowID(vals)]
		return i, ok
	}
	idx := 0
	for k, a := range sc.Axes {
		pos := -1
		for i, v := range a.Values {
			if v == vals[k] {
				pos = i
				break
			}
		}
		if pos < 0 {
			return 0, false
		}
		idx = idx*len(a.Values) + pos
	}
	return idx, true
}

// DescribePoint renders a point's axis values, "c = 0.1, t = 0.25" ("the
// scenario's only point" without a sweep).
func (sc *Scenario) DescribePoint(i int) string {
	if len(sc.Axes) == 0 {
		return "the scenario's only point"
	}
	vals := sc.PointValues(i)
	parts := make([]string, len(vals))
	for k, v := range vals {
		parts[k] = sc.Axes[k].Key + " = " + v.String()
	}
	return strings.Join(parts, ", ")
}

// MaxPoints bounds the size of a sweep's grid: every point is checked
// when the file is read (about 5 µs each), so a grid of 10⁶ points takes
// seconds to validate; more runs come from replicates (MaxRuns).
const MaxPoints = 1_000_000

// migrationFields are the sweepable fields of migration tables, with
// their value types.
var migrationFields = map[string]map[string]sim.ValueType{
	"migration":      {"rate": sim.Float, "start": sim.Int, "end": sim.Int},
	"event":          {"fraction": sim.Float, "generation": sim.Int},
	"cross_exposure": {"probability": sim.Float},
}

// sweepKeyHelp lists what [sweep] accepts, for messages.
func sweepKeyHelp(single bool) string {
	var ks []string
	for _, s := range sim.Settings {
		if s.Stage != sim.StageKind {
			ks = append(ks, s.Key)
		}
	}
	h := strings.Join(ks, ", ")
	if !single {
		h += " (every platform's default), platform.NAME.KEY, migration.N.rate|start|end, event.N.fraction|generation, cross_exposure.N.probability"
	}
	return h
}

// axisTarget works out what a sweep key assigns, or why it cannot be
// swept. It returns the axis (without values) and the setting that types
// its values.
func (p *parser) axisTarget(sc *Scenario, k string) (Axis, sim.Setting, string) {
	w := &sc.world
	a := Axis{Key: k, Platform: -1}
	parts := strings.Split(k, ".")
	fixed := sc.Point(0) // the file's values, to describe and check the target
	switch {
	case len(parts) == 1:
		s, ok := sim.LookupSetting(k)
		if !ok || s.Stage == sim.StageKind {
			return a, s, fmt.Sprintf("%q cannot be swept; sweepable keys: %s", k, sweepKeyHelp(w.single))
		}
		a.Setting, a.label = k, s.Label
		// Which platforms take this default?
		var takers, lattices, reading int
		for i, ps := range w.platforms {
			own := ps.own
			if _, ok := own[k]; ok && !(s.Stage >= sim.StageT) {
				continue
			}
			if ownsAny(own, s.Writes) {
				return a, s, fmt.Sprintf("platform %q sets its own ta or tb, which %s would not reach; sweep platform.%s.ta and platform.%s.tb instead", ps.name, k, ps.name, ps.name)
			}
			if s.NetworkOnly && fixed.Platforms[i].Kind != sim.KindNetwork {
				continue
			}
			if fixed.Platforms[i].Kind.Structured() {
				lattices++
			} else if s.StructuredOnly {
				continue
			}
			takers++
			if pc := fixed.Platforms[i]; pc.Kind != sim.KindNetwork || pc.Network.Graph.Uses(k) || p.swept["graph"] || p.swept["platform."+ps.name+".graph"] {
				reading++
			}
		}
		switch {
		case s.WellMixedOnly && takers > 0 && lattices == takers:
			return a, s, "alpha has no effect on lattices and networks (α emerges from the structure); sweep radius or neighborhood, or a graph's degree, instead"
		case s.Type == sim.Text:
			return a, s, fmt.Sprintf("%s cannot be swept (one file a platform); declare a platform per file", k)
		case s.NetworkOnly && takers == 0:
			return a, s, `applies to networks only (no platform has kind = "network")`
		case s.StructuredOnly && lattices == 0:
			return a, s, `applies to lattices and networks only (kind = "wellmixed")`
		case takers == 0:
			return a, s, fmt.Sprintf("every platform sets its own %s, which sweep.%s would not reach; sweep platform.NAME.%s instead", k, k, k)
		case reading == 0:
			return a, s, fmt.Sprintf("no platform's graph family reads %s (it is read by %s): every point would be the same", k, readers(k))
		}
		return a, s, ""
	case len(parts) == 3 && parts[0] == "platform":
		i := indexOfName(w.platforms, parts[1])
		if i < 0 {
			return a, sim.Setting{}, fmt.Sprintf("unknown platform %q; the platforms are %s", parts[1], model.QuoteList(sc.PlatformNames(), "and"))
		}
		s, ok := sim.LookupSetting(parts[2])
		if !ok || s.Stage == sim.StageKind {
			return a, s, fmt.Sprintf("%q of a platform cannot be swept; sweepable: %s", parts[2], sweepKeyHelp(true))
		}
		kind := fixed.Platforms[i].Kind
		switch {
		case s.Type == sim.Text:
			return a, s, fmt.Sprintf("%s cannot be swept (one file a platform)", parts[2])
		case s.WellMixedOnly && kind.Structured():
			return a, s, fmt.Sprintf("alpha has no effect on a %s platform (α emerges from its structure)", kind)
		case s.NetworkOnly && kind != sim.KindNetwork:
			return a, s, fmt.Sprintf("applies to network platforms only (%q is a %s)", parts[1], kind)
		case kind == sim.KindNetwork && !fixed.Platforms[i].Network.Graph.Uses(parts[2]) && !p.swept["graph"] && !p.swept["platform."+parts[1]+".graph"]:
			return a, s, fmt.Sprintf("%q's graph = %q does not read %s (it is read by %s): every point would be the same", parts[1], fixed.Platforms[i].Network.Graph, parts[2], readers(parts[2]))
		case s.StructuredOnly && !kind.Structured():
			return a, s, fmt.Sprintf("applies to lattice and network platforms only (%q is well-mixed)", parts[1])
		}
		a.Platform, a.Setting = i, parts[2]
		a.label = s.Label + " on " + parts[1]
		if pa, ok := model.LookupParam(parts[2]); ok {
			a.label = pa.Symbol + " on " + parts[1]
		}
		return a, s, ""
	case len(parts) == 3 && migrationFields[parts[0]] != nil:
		n, err := strconv.Atoi(parts[1])
		if err != nil || strconv.Itoa(n) != parts[1] {
			return a, sim.Setting{}, fmt.Sprintf("%q is not a table number (1, 2, …)", parts[1])
		}
		count := map[string]int{"migration": len(w.migration.Routes), "event": len(w.migration.Events), "cross_exposure": len(w.migration.Exposures)}[parts[0]]
		if n < 1 || n > count {
			return a, sim.Setting{}, fmt.Sprintf("there is no [[%s]] number %d (the file has %d)", parts[0], n, count)
		}
		t, ok := migrationFields[parts[0]][parts[2]]
		if !ok {
			var fs []string
			for f := range migrationFields[parts[0]] {
				fs = append(fs, parts[0]+"."+parts[1]+"."+f)
			}
			sort.Strings(fs)
			return a, sim.Setting{}, fmt.Sprintf("%q of [[%s]] cannot be swept; sweep %s", parts[2], parts[0], strings.Join(fs, " or "))
		}
		a.Table, a.Index, a.Field = parts[0], n-1, parts[2]
		domain := model.DomainProbability
		if t == sim.Int {
			domain = fmt.Sprintf("[0, %d)", sc.Run.Generations)
		}
		a.label = migrationLabel(sc, a)
		return a, sim.Setting{Key: parts[2], Table: parts[0], Type: t, Domain: domain}, ""
	}
	return a, sim.Setting{}, fmt.Sprintf("%q cannot be swept; sweepable keys: %s", k, sweepKeyHelp(w.single))
}

// ownsAny reports whether a platform's own layer sets any of keys.
func ownsAny(l layer, keys []string) bool {
	for _, k := range keys {
		if _, ok := l[k]; ok {
			return true
		}
	}
	return false
}

func indexOfName(ps []platformSpec, name string) int {
	for i, p := range ps {
		if p.name == name {
			return i
		}
	}
	return -1
}

// migrationLabel names a migration field for plots.
func migrationLabel(sc *Scenario, a Axis) string {
	all := sc.PlatformNames()
	// A route whose platforms did not decode (an error reported
	// elsewhere) is still labelled.
	names := func(i int) string {
		if i < 0 || i >= len(all) {
			return "?"
		}
		return all[i]
	}
	m := sc.world.migration
	n := a.Index + 1
	switch a.Table {
	case "migration":
		r := m.Routes[a.Index]
		what := map[string]string{"rate": "Rate", "start": "First generation", "end": "End generation"}[a.Field]
		return fmt.Sprintf("%s of migration %d (%s → %s)", what, n, names(r.From), names(r.To))
	case "event":
		e := m.Events[a.Index]
		if a.Field == "generation" {
			return fmt.Sprintf("Generation of event %d (%s → %s)", n, names(e.From), names(e.To))
		}
		return fmt.Sprintf("Fraction moved by event %d (%s → %s, generation %d)", n, names(e.From), names(e.To), e.Generation)
	}
	x := m.Exposures[a.Index]
	return fmt.Sprintf("Exposure of %s to %s (cross_exposure %d)", names(x.Learners), names(x.Donors), n)
}

// writes lists what an axis assigns, scoped by platform, to find two axes
// that set the same parameter.
func (a Axis) writes() []string {
	scope := strconv.Itoa(a.Platform) + ":"
	if a.Table != "" {
		return []string{fmt.Sprintf("%s[%d].%s", a.Table, a.Index, a.Field)}
	}
	s, _ := sim.LookupSetting(a.Setting)
	if len(s.Writes) > 0 {
		out := make([]string, len(s.Writes))
		for i, w := range s.Writes {
			out[i] = scope + w
		}
		return out
	}
	return []string{scope + a.Setting}
}

// sweep decodes [sweep]: axes in file order.
func (p *parser) sweep(raw map[string]any, sc *Scenario) {
	sc.Design = Design{Kind: DesignGrid}
	if len(raw) == 0 {
		return
	}
	raw = maps.Clone(raw)
	spec := p.designOf(raw)
	if spec.kind == DesignFile {
		if len(raw) > 0 {
			p.fail("sweep", "points = %q gives the axes (its header); [sweep] lists no other key, but has %s", spec.file, model.QuoteList(slices.Sorted(maps.Keys(flattenSweep("", raw))), "and"))
			return
		}
		p.importDesign(sc, spec)
		sc.Design = Design{Kind: DesignFile, File: spec.file}
		p.checkDesignSize(sc)
		return
	}
	random := spec.kind != DesignGrid && spec.kind != ""
	var ranges []axisRange
	raw = flattenSweep("", raw)
	keys := p.inFileOrder("sweep", raw)
	setBy := map[string]string{}
	for _, k := range keys {
		key := "sweep." + k
		a, s, msg := p.axisTarget(sc, k)
		if msg != "" {
			p.fail(key, "%s", msg)
			continue
		}
		clash := false
		for _, w := range a.writes() {
			if prev, dup := setBy[w]; dup {
				param := w[strings.IndexByte(w, ':')+1:]
				p.fail(key, "sets %s, which sweep.%s already sets; keep one of them", param, prev)
				clash = true
			}
			setBy[w] = k
		}
		if random {
			r, good := p.designRange(key, s, raw[k])
			if !good || clash {
				continue
			}
			// Until the design is drawn, a range stands at its lower end
			// (later keys are checked against the values so far).
			a.Values, a.Line, a.Type = r.list, p.keys.line(key), s.Type
			if r.list == nil {
				a.Values = []sim.Value{sim.Num(r.from)}
			}
			sc.Axes = append(sc.Axes, a)
			ranges = append(ranges, r)
			continue
		}
		vals, good := p.axisValues(key, s, raw[k])
		if !good || clash {
			continue
		}
		a.Values, a.Line, a.Type = vals, p.keys.line(key), s.Type
		sc.Axes = append(sc.Axes, a)
	}
	// A derived default (t, bias) is applied after the primary settings:
	// it would override a platform's own axis on a key it writes.
	for _, d := range sc.Axes {
		ds, _ := sim.LookupSetting(d.Setting)
		if d.Platform >= 0 || len(ds.Writes) == 0 {
			continue
		}
		for _, a := range sc.Axes {
			if a.Platform >= 0 && slices.Contains(ds.Writes, a.Setting) {
				name := sc.world.platforms[a.Platform].name
				p.fail("sweep."+a.Key, "sweep.%s sets %s on every platform after the platforms' own settings, so this axis would not reach %q; sweep platform.%s.%s instead of %s, or drop one",
					d.Key, a.Setting, name, name, d.Key, d.Key)
			}
		}
	}
	if random {
		p.designPoints(sc, spec, ranges)
		if sc.rows == nil {
			sc.Axes = nil // the design was not drawn: nothing below counts its points
		}
		return
	}
	p.checkDesignSize(sc)
}

// checkDesignSize refuses a grid of more than MaxPoints points.
func (p *parser) checkDesignSize(sc *Scenario) {
	if sc.rows != nil {
		return
	}
	n := 1
	for _, a := range sc.Axes {
		n *= len(a.Values)
		if n > MaxPoints {
			p.fail("sweep", "the grid has more than %d points", MaxPoints)
			sc.Axes = nil
			return
		}
	}
}

// inFileOrder lists the keys of the flattened table at prefix in the
// order the document writes them (a range by its first key).
func (p *parser) inFileOrder(prefix string, table map[string]any) []string {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	pos := func(k string) int {
		best := 0
		for full, i := range p.order {
			if (full == prefix+"."+k || strings.HasPrefix(full, prefix+"."+k+".")) && (best == 0 || i < best) {
				best = i
			}
		}
		return best
	}
	sort.Slice(keys, func(i, j int) bool {
		if pi, pj := pos(keys[i]), pos(keys[j]); pi != pj {
			return pi < pj
		}
		return keys[i] < keys[j]
	})
	return keys
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
func (p *parser) axisValues(key string, s sim.Setting, v any) ([]sim.Value, bool) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			p.fail(key, "the list is empty; give at least one value")
			return nil, false
		}
		out := make([]sim.Value, 0, len(x))
		for i, e := range x {
			av, err := s.Parse(e)
			if err != nil {
				msg := valueMessage(err)
				p.fail(key, "value %d: %s", i+1, msg)
				return nil, false
			}
			out = append(out, av)
		}
		return out, p.distinct(key, out)
	case map[string]any:
		if s.Type == sim.Choice {
			p.fail(key, "a choice takes a list of values, e.g. [%s]", model.QuoteList(s.Options, ""))
			return nil, false
		}
		vals, ok := p.rangeValues(key, s.Type, x)
		return vals, ok && p.distinct(key, vals)
	}
	p.fail(key, "must be a list of values or a range {from, to, step} or {from, to, n}, not %s", tomlType(v))
	return nil, false
}

// valueMessage is a setting's parse error as a message after its key:
// a *model.FieldError without its path, any other error whole.
func valueMessage(err error) string {
	if fe, ok := err.(*model.FieldError); ok {
		return fe.Message()
	}
	return err.Error()
}

// distinct reports an axis that repeats a value (a point would then be
// run twice and could not be told apart in the tables).
func (p *parser) distinct(key string, vals []sim.Value) bool {
	seen := map[sim.Value]bool{}
	for _, v := range vals {
		if seen[v] {
			p.fail(key, "the value %s appears twice; an axis lists each value once", v)
			return false
		}
		seen[v] = true
	}
	return true
}

func tomlType(v any) string {
	switch v.(type) {
	case int64, float64:
		return "a single number (write a list: [x])"
	}
	return model.TypeName(v)
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

// rangeValues expands {from, to, step} (step > 0 for from ≤ to, < 0 for
// from > to; "to" included when it falls on the grid within rounding) or
// {from, to, n} (n evenly spaced values, both ends included).
func (p *parser) rangeValues(key string, kind sim.ValueType, m map[string]any) ([]sim.Value, bool) {
	unknown := false
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "from" && k != "to" && k != "step" && k != "n" {
			p.fail(key+"."+k, "unknown range key; a range has from, to and either step or n")
			unknown = true
		}
	}
	if unknown {
		return nil, false
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
	out := make([]sim.Value, len(xs))
	for i, x := range xs {
		if kind == sim.Int && x != math.Trunc(x) {
			p.fail(key, "the range gives %s, not a whole number", model.FormatFloat(x))
			return nil, false
		}
		out[i] = sim.Num(x)
	}
	return out, true
}

// tidy rounds away the last bits of grid arithmetic (0.30000000000000004
// becomes 0.3) by keeping 12 significant digits.
func tidy(x float64) float64 {
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	return y
}
