package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// A scenario is layered: the top-level [model] and [population] hold
// every platform's defaults, each [[platform]] its own settings, and each
// sweep axis assigns one setting at one of these levels. A platform's
// configuration is built from the settings in effect for it (its own over
// the defaults, an axis over the file's value at its level) applied in
// the order of sim.Settings' stages. A file without [[platform]] is a
// world of one platform, "population", that has no settings of its own.

// setAt is a value assigned to a setting, and the file key that assigned
// it (0-based array indices: "model.c", "platform.1.model.alpha",
// "sweep.c").
type setAt struct {
	val sim.Value
	key string
}

// layer is one level's assignments, by setting key.
type layer map[string]setAt

func (l layer) clone() layer {
	out := make(layer, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

type platformSpec struct {
	name string
	key  string // "platform.K" (0-based), "" for the single population
	own  layer
}

// world is a scenario's layered configuration.
type world struct {
	single    bool
	defaults  layer
	platforms []platformSpec
	migration model.Migration
	seed      uint64               // the scenario's seed, which fixed graphs derive theirs from
	files     map[string]*DataFile // edge-list files, by the name the scenario gives
	// bounds refuses platforms too costly to build (uploads): such a
	// platform's graph is never built.
	bounds func(sim.PlatformConfig) error
}

// settingsIn lists the keys of sim.Settings in one table, primary only.
func settingsIn(table string) []string {
	var out []string
	for _, s := range sim.Settings {
		if s.Table == table && s.Stage != sim.StageT && s.Stage != sim.StageBias {
			out = append(out, s.Key)
		}
	}
	return out
}

var (
	modelKeys      = settingsIn("model")
	populationKeys = settingsIn("population")
	kindSetting    = func() int {
		for i, s := range sim.Settings {
			if s.Stage == sim.StageKind {
				return i
			}
		}
		panic("scenarios: sim.Settings has no kind")
	}()
)

// layerOf decodes the settings of a [model] and a [population] table
// (prefix is "" at the top level, "platform.K." for a platform) into l.
func (p *parser) layerOf(prefix string, modelT, popT map[string]any, l layer) {
	for _, t := range []struct {
		name string
		m    map[string]any
	}{{"model", modelT}, {"population", popT}} {
		for k, raw := range t.m {
			s, ok := sim.LookupSetting(k)
			if !ok || s.Table != t.name || s.Stage == sim.StageT || s.Stage == sim.StageBias {
				continue // unknown keys are reported by known()
			}
			key := prefix + t.name + "." + k
			if v, ok := p.setting(key, s, raw); ok {
				l[k] = setAt{val: v, key: key}
			}
		}
	}
}

var platformKeys = []string{"name", "model", "population"}

// world decodes the platforms and their migration.
func (p *parser) world(tree map[string]any, w *world, generations int) {
	modelT, popT := p.table("model", tree), p.table("population", tree)
	p.known("model", modelT, modelKeys)
	p.known("population", popT, append(append([]string(nil), populationKeys...), "stop"))
	w.defaults = layer{}
	p.layerOf("", modelT, popT, w.defaults)

	plats := p.tables("platform", tree)
	if len(plats) == 0 {
		w.single = true
		w.platforms = []platformSpec{{name: SinglePlatform, own: layer{}}}
		for _, t := range []string{"migration", "event", "cross_exposure"} {
			if _, ok := tree[t]; ok {
				p.fail(t, "[[%s]] needs platforms: declare two or more [[platform]] tables", t)
			}
		}
		return
	}
	if len(plats) > model.MaxPlatforms {
		p.fail("platform", "%d platforms; at most %d", len(plats), model.MaxPlatforms)
		plats = plats[:model.MaxPlatforms]
	}
	names := map[string]int{}
	for i, t := range plats {
		key := fmt.Sprintf("platform.%d", i)
		p.known(key, t, platformKeys)
		spec := platformSpec{name: fmt.Sprintf("platform%d", i+1), key: key, own: layer{}}
		switch name, ok := p.str(key+".name", t); {
		case !ok:
			if _, present := t["name"]; !present {
				p.missing(key+".name", "every [[platform]] needs a name")
			}
		case name == sim.WorldName:
			p.fail(key+".name", "%q is reserved: it names the whole world in the series", name)
		case !sim.ValidName(name):
			p.fail(key+".name", "%q is not a usable name (1–40 letters, digits, _ or -)", name)
		default:
			if j, dup := names[name]; dup {
				p.fail(key+".name", "%q is already the name of platform %d", name, j+1)
				break
			}
			spec.name = name
			names[name] = i
		}
		pm, pp := p.table(key+".model", t), p.table(key+".population", t)
		p.known(key+".model", pm, modelKeys)
		p.known(key+".population", pp, append(append([]string(nil), populationKeys...), "stop"))
		if _, ok := pp["stop"]; ok {
			p.fail(key+".population.stop", "the stop rule is the world's: set stop in the top-level [population]")
		}
		p.layerOf(key+".", pm, pp, spec.own)
		w.platforms = append(w.platforms, spec)
	}
	p.migration(tree, w, names)
}

// kindOf returns the kind of the platform whose settings are eff.
func kindOf(eff layer) sim.Kind {
	switch eff[sim.Settings[kindSetting].Key].val.Str {
	case sim.KindLattice.String():
		return sim.KindLattice
	case sim.KindNetwork.String():
		return sim.KindNetwork
	}
	return sim.KindWellMixed
}

var (
	routeKeys    = []string{"from", "to", "rate", "rule", "start", "end"}
	eventKeys    = []string{"generation", "from", "to", "fraction", "phenotype"}
	exposureKeys = []string{"learners", "donors", "probability"}
)

// migration decodes [[migration]], [[event]] and [[cross_exposure]];
// ranges are checked with every point (model.Migration.Validate).
func (p *parser) migration(tree map[string]any, w *world, names map[string]int) {
	plat := func(key string, m map[string]any) int {
		s, ok := p.str(key, m)
		if !ok {
			if _, present := m[last(key)]; !present {
				p.missing(key, "the name of a platform")
			}
			return -1
		}
		i, ok := names[s]
		if !ok {
			p.fail(key, "unknown platform %q; the platforms are %s", s, model.QuoteList(sortedNames(names), "and"))
			return -1
		}
		return i
	}
	need := func(key string, m map[string]any, why string) float64 {
		x, ok := p.float(key, m)
		if !ok {
			if _, present := m[last(key)]; !present {
				p.missing(key, why)
			}
			return math.NaN()
		}
		return x
	}
	m := &w.migration
	for i, t := range p.tables("migration", tree) {
		key := fmt.Sprintf("migration.%d", i)
		p.known(key, t, routeKeys)
		rt := model.Route{From: plat(key+".from", t), To: plat(key+".to", t),
			Rate:          need(key+".rate", t, "the probability that an adult moves each generation, in [0, 1]"),
			PayoffSeeking: p.choice(key+".rule", t, "random", "payoff") == 1,
			Start:         int(p.intIn(key+".start", t, 0, 0, math.MaxInt32, "")),
			End:           int(p.intIn(key+".end", t, 0, 1, math.MaxInt32, "")),
		}
		m.Routes = append(m.Routes, rt)
	}
	for i, t := range p.tables("event", tree) {
		key := fmt.Sprintf("event.%d", i)
		p.known(key, t, eventKeys)
		ev := model.Event{From: plat(key+".from", t), To: plat(key+".to", t),
			Generation: int(p.intIn(key+".generation", t, 0, 0, math.MaxInt32, "")),
			Fraction:   need(key+".fraction", t, "the fraction of the platform's adults that move, in [0, 1]"),
			Phenotype:  model.EventPhenotype(p.choice(key+".phenotype", t, "any", "A", "B")),
		}
		if _, ok := t["generation"]; !ok {
			p.missing(key+".generation", "the generation at which the event happens")
		}
		m.Events = append(m.Events, ev)
	}
	for i, t := range p.tables("cross_exposure", tree) {
		key := fmt.Sprintf("cross_exposure.%d", i)
		p.known(key, t, exposureKeys)
		m.Exposures = append(m.Exposures, model.Exposure{Learners: plat(key+".learners", t), Donors: plat(key+".donors", t),
			Prob: need(key+".probability", t, "the probability that a random horizontal donor comes from the donors' platform")})
	}
}

// sortedNames lists the valid names in platform order.
func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return m[out[i]] < m[out[j]] })
	return out
}

// effective returns the settings in effect for platform k: the defaults
// and default-level axes, then its own settings and platform-level axes;
// lattice settings are inherited by lattices only.
func (w *world) effective(k int, axes []axisSet) layer {
	eff := w.defaults.clone()
	for _, a := range axes {
		if a.platform < 0 && a.setting != "" {
			eff[a.setting] = a.at
		}
	}
	own := w.platforms[k].own.clone()
	for _, a := range axes {
		if a.platform == k && a.setting != "" {
			own[a.setting] = a.at
		}
	}
	key := sim.Settings[kindSetting].Key
	kind := eff[key]
	if o, ok := own[key]; ok {
		kind = o
	}
	k2 := kindOf(layer{key: kind})
	for key := range eff {
		if s, _ := sim.LookupSetting(key); (s.StructuredOnly && !k2.Structured()) || (s.NetworkOnly && k2 != sim.KindNetwork) {
			delete(eff, key)
		}
	}
	for key, v := range own {
		eff[key] = v
	}
	return eff
}

// configOf applies the settings in effect, in stage order, to a platform
// with the defaults of optional settings.
func configOf(name string, eff layer) sim.PlatformConfig {
	cfg := sim.PlatformConfig{Name: name, InitialA: DefaultInitialA, Model: model.Params{V: 1}} // v = 1: the lattices' default
	for stage := sim.StageKind; stage <= sim.StageBias; stage++ {
		for _, s := range sim.Settings {
			if a, ok := eff[s.Key]; ok && s.Stage == stage {
				_ = cfg.Set(s.Key, a.val) // values were parsed against the setting
			}
		}
	}
	if cfg.Kind != sim.KindNetwork {
		cfg.Finish() // a network is finished with its graph (setGraphs)
	}
	return cfg
}

// resolve builds the engine's world for the given axis assignments, and
// the settings in effect on each platform.
func (w *world) resolve(axes []axisSet, generations int) (sim.WorldConfig, []layer) {
	cfg := sim.WorldConfig{Migration: w.migration, Generations: generations}
	effs := make([]layer, len(w.platforms))
	for k, ps := range w.platforms {
		effs[k] = w.effective(k, axes)
		cfg.Platforms = append(cfg.Platforms, configOf(ps.name, effs[k]))
	}
	w.setGraphs(&cfg)
	m := &cfg.Migration
	copied := false
	for _, a := range axes {
		if a.table == "" {
			continue
		}
		if !copied {
			m.Routes = append([]model.Route(nil), m.Routes...)
			m.Events = append([]model.Event(nil), m.Events...)
			m.Exposures = append([]model.Exposure(nil), m.Exposures...)
			copied = true
		}
		a.setMigration(m)
	}
	return cfg, effs
}

// checkRequired reports the settings no level gives a platform, and
// settings that cannot apply where they are set.
func (p *parser) checkRequired(sc *Scenario) {
	w := &sc.world
	axes := sc.axisSets(nil)
	lattices, networks := 0, 0
	for k := range w.platforms {
		switch kindOf(w.effective(k, axes)) {
		case sim.KindLattice:
			lattices++
		case sim.KindNetwork:
			lattices++ // structured
			networks++
		}
	}
	type gap struct{ platforms []string }
	missing := map[string]*gap{}
	blamed := map[string]bool{} // a value of the wrong type is not also missing
	for _, e := range p.errs {
		blamed[e.Key] = true
	}
	for k, ps := range w.platforms {
		eff := w.effective(k, axes)
		_, hasKind := eff[sim.Settings[kindSetting].Key]
		kind := kindOf(eff)
		lattice := kind.Structured()
		_, hasEdges := eff["edges"]
		hasEdges = hasEdges || blamed[displayKey(ps.key+".population.edges")] || blamed["population.edges"]
		swept := func(key string) bool { return p.swept[key] || p.swept["platform."+ps.name+"."+key] }
		given := func(s sim.Setting) bool {
			_, ok := eff[s.Key]
			return ok || swept(s.Key) || blamed[s.Path()] || blamed[displayKey(ps.key+"."+s.Path())]
		}
		for _, s := range sim.Settings {
			if !(s.Required || (s.RequiredWellMixed && !lattice && hasKind)) || given(s) {
				continue
			}
			if s.Key == "size" && kind == sim.KindNetwork && hasEdges {
				continue // the edge list gives the nodes
			}
			// A derived setting (t, bias) given anywhere gives what it writes.
			derived := false
			for _, d := range sim.Settings {
				if slices.Index(d.Writes, s.Key) >= 0 && given(d) {
					derived = true
				}
			}
			if derived {
				continue
			}
			g := missing[s.Key]
			if g == nil {
				g = &gap{}
				missing[s.Key] = g
			}
			g.platforms = append(g.platforms, ps.name)
		}
		// Settings a platform's own tables give that cannot apply.
		for key, a := range ps.own {
			s, _ := sim.LookupSetting(key)
			switch {
			case s.NetworkOnly && hasKind && kind != sim.KindNetwork && !strings.HasPrefix(a.key, "sweep."):
				p.fail(a.key, "applies to network platforms only (this platform is %s)", kind)
			case s.StructuredOnly && hasKind && !lattice && !strings.HasPrefix(a.key, "sweep."):
				p.fail(a.key, "applies to lattice and network platforms only (this platform is well-mixed)")
			case kind == sim.KindNetwork && !strings.HasPrefix(a.key, "sweep.") && !familyUses(eff, key, swept):
				p.warn(a.key, "ignored by graph = %q (it is read by %s)", familyOf(eff), readers(key))
			case s.WellMixedOnly && kind == sim.KindNetwork && !strings.HasPrefix(a.key, "sweep."):
				p.warn(a.key, "ignored for network platforms: α emerges from the graph (the chance that the donor is the partner)")
			case s.WellMixedOnly && lattice && !strings.HasPrefix(a.key, "sweep."):
				cfg := configOf(ps.name, eff)
				p.warn(a.key, "ignored for lattice platforms: α emerges from the neighbourhood (1/%d = %.4g for an interior site)",
					cfg.Lattice.MaxNeighbours(), cfg.Model.Alpha)
			}
		}
	}
	for _, s := range sim.Settings {
		g := missing[s.Key]
		if g == nil {
			continue
		}
		at := s.Path()
		why := "required"
		if s.Stage == sim.StageKind {
			why = fmt.Sprintf("set %s = %s in [population]", s.Key, model.QuoteList(s.Options, "or"))
		} else if s.Table == "population" {
			why = strings.ToLower(s.Label[:1]) + s.Label[1:]
		}
		switch {
		case w.single:
			p.missing(at, why)
		case len(g.platforms) == len(w.platforms):
			p.missing(at, fmt.Sprintf("set it in [%s] (the default of every platform) or in every [platform.%s]", s.Table, s.Table))
		default:
			p.missing(at, fmt.Sprintf("set it in [%s] (the default of every platform) or in [platform.%s] of %s", s.Table, s.Table, model.QuoteList(g.platforms, "and")))
		}
	}
	// Defaults that apply nowhere.
	for key, a := range w.defaults {
		s, _ := sim.LookupSetting(key)
		switch {
		case s.NetworkOnly && networks == 0:
			p.fail(a.key, "applies to networks only (no platform has kind = \"network\")")
		case networks > 0 && networks == lattices && !p.swept["graph"] && !anyUses(sc, key):
			p.warn(a.key, "ignored by every network's graph family here (it is read by %s)", readers(key))
		case s.StructuredOnly && lattices == 0:
			p.fail(a.key, "applies to lattices and networks only (kind = \"wellmixed\")")
		case s.WellMixedOnly && networks > 0 && lattices == len(w.platforms):
			p.warn(a.key, "ignored for networks and lattices: α emerges from the structure")
		case s.WellMixedOnly && lattices == len(w.platforms):
			p.warn(a.key, "ignored for lattices: α emerges from the neighbourhood (1/%d = %.4g for an interior site here)",
				sc.Point(0).Platforms[0].Lattice.MaxNeighbours(), sc.Point(0).Platforms[0].Model.Alpha)
		}
	}
}

// pathPattern splits a FieldError path: platform[k].TABLE.KEY or
// TABLE[i].FIELD.
var pathPattern = regexp.MustCompile(`^(platform|migration|event|cross_exposure)\[(\d+)\](?:\.(model|population))?\.?(.*)$`)

// keyOf maps a FieldError path of a point's world to the file key that
// set the offending value, and says whether a platform inherited it from
// the defaults.
func (sc *Scenario) keyOf(path string, effs []layer, axes []axisSet) (key string, inheritedBy string) {
	m := pathPattern.FindStringSubmatch(path)
	if m == nil {
		if path == "platform" { // the world has no agents: blame what set the sizes
			for _, a := range axes {
				if a.setting == "size" || a.setting == "agents" {
					return a.at.key, ""
				}
			}
			if sc.world.single {
				return "population.size", ""
			}
			return "platform", ""
		}
		return path, ""
	}
	i, _ := strconv.Atoi(m[2])
	if m[1] != "platform" {
		for _, a := range axes {
			if a.table == m[1] && a.index == i && a.field == m[4] {
				return a.at.key, ""
			}
		}
		return fmt.Sprintf("%s.%d.%s", m[1], i, m[4]), ""
	}
	table, setting := m[3], m[4]
	if i >= len(effs) || table == "" {
		return path, ""
	}
	eff := effs[i]
	a, ok := eff[setting]
	// Derived settings (t, bias) write after the primary ones, in stage
	// order: the last one that writes the setting set it.
	for _, d := range sim.Settings {
		if b, set := eff[d.Key]; set && slices.Index(d.Writes, setting) >= 0 {
			a, ok = b, true
		}
	}
	ps := sc.world.platforms[i]
	if !ok {
		// Set nowhere: a default's value is at fault, or a required key
		// reported missing at the default level.
		return table + "." + setting, ""
	}
	if !sc.world.single && !strings.HasPrefix(a.key, "platform.") && !strings.HasPrefix(a.key, "sweep.platform.") {
		return a.key, ps.name
	}
	return a.key, ""
}

// checkPoints validates every point's world with the engine's rules and
// reports each problem at the key that set the value. A problem that
// every point shares is reported once; one that depends on the point
// names the points that have it (the first five such problems, the rest
// counted after them).
func (p *parser) checkPoints(sc *Scenario) {
	const most = 5
	blamed := map[string]bool{}
	for _, e := range p.errs {
		blamed[e.Key] = true
	}
	// A problem is a key and a message (with its value): every point
	// whose world has it joins its group.
	type problem struct {
		key, msg string
		points   []int
	}
	var problems []*problem
	byID := map[[2]string]*problem{}
	n := sc.NumPoints()
	for i := range n {
		axes := sc.axisSets(sc.PointValues(i))
		cfg, effs := sc.world.resolve(axes, sc.Run.Generations)
		if sc.world.bounds != nil {
			over := false
			for _, pc := range cfg.Platforms {
				if err := sc.world.bounds(pc); err != nil {
					p.fail("population", "%s", err)
					over = true
				}
			}
			if over {
				return // nothing of it is built or checked
			}
		}
		err := cfg.Validate()
		if err == nil {
			continue
		}
		for _, fe := range model.FieldErrors(err) {
			key, by := sc.keyOf(fe.Path, effs, axes)
			if blamed[displayKey(key)] || (fe.Path == "platform" && blamedSize(blamed)) || blamedGraph(key, blamed) {
				continue
			}
			id := [2]string{key, fe.Message()}
			pr := byID[id]
			if pr == nil {
				msg := fe.Message()
				if by != "" {
					msg += fmt.Sprintf(" (inherited by platform %q)", by)
				}
				pr = &problem{key: key, msg: msg}
				byID[id] = pr
				problems = append(problems, pr)
			}
			if k := len(pr.points); k == 0 || pr.points[k-1] != i {
				pr.points = append(pr.points, i) // once per point: the same default inherited by two platforms
			}
		}
	}
	shown, hidden, last := 0, 0, ""
	for _, pr := range problems {
		switch {
		case len(pr.points) == n:
			p.fail(pr.key, "%s", pr.msg)
		case shown == most:
			hidden++
		default:
			shown++
			last = pr.key
			p.fail(pr.key, "%s: %s", atPoints(sc, pr.points), pr.msg)
		}
	}
	if hidden > 0 {
		p.fail(last, "and %d more problems like these at other sweep points", hidden)
	}
}

// atPoints names the sweep points a problem has: the first with its
// values, the others by number.
func atPoints(sc *Scenario, points []int) string {
	s := fmt.Sprintf("at sweep point %d (%s)", points[0], sc.DescribePoint(points[0]))
	if len(points) == 1 {
		return s
	}
	var rest []string
	for _, i := range points[1:] {
		if len(rest) == 8 {
			rest = append(rest, fmt.Sprintf("… (%d in all)", len(points)))
			break
		}
		rest = append(rest, strconv.Itoa(i))
	}
	if len(points) == 2 {
		return s + " and point " + rest[0]
	}
	return s + " and points " + strings.Join(rest, ", ")
}

// blamedSize reports whether a size of the world already has an error:
// then "the world has no agents" says nothing new.
func blamedSize(blamed map[string]bool) bool {
	for k := range blamed {
		if strings.HasSuffix(k, ".size") || strings.HasSuffix(k, ".agents") {
			return true
		}
	}
	return false
}

// Point returns the engine's world of point i (validated when the
// scenario was parsed): every platform fully resolved.
func (sc *Scenario) Point(i int) sim.WorldConfig {
	cfg, _ := sc.world.resolve(sc.axisSets(sc.PointValues(i)), sc.Run.Generations)
	return cfg
}

// PointWith returns the world for arbitrary axis values (one per axis, in
// order), e.g. between grid points for drawing curves. It does not
// validate.
func (sc *Scenario) PointWith(vals []sim.Value) sim.WorldConfig {
	cfg, _ := sc.world.resolve(sc.axisSets(vals), sc.Run.Generations)
	return cfg
}

// DetPlatforms is the deterministic counterpart's platforms of point i,
// or an error naming a lattice platform (the counterpart is for
// well-mixed ones).
func (sc *Scenario) DetPlatforms(i int) ([]model.DetPlatform, error) {
	var out []model.DetPlatform
	for _, pc := range sc.Point(i).Platforms {
		if pc.Kind.Structured() {
			return nil, fmt.Errorf("platform %q is a %s; the deterministic counterpart is for well-mixed populations and platforms only", pc.Name, pc.Kind)
		}
		out = append(out, model.DetPlatform{Name: pc.Name, Params: pc.Model, Size: float64(pc.Agents), InitialA: pc.InitialA})
	}
	return out, nil
}
