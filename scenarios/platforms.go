package scenarios

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// Platforms is the Kind of a scenario that declares [[platform]] tables:
// a world of platforms with migration (see sim.World).
const Platforms Kind = 2

// PlatformSetup is one [[platform]]: its population and its overrides of
// the top-level [model].
type PlatformSetup struct {
	Name     string
	Kind     Kind // WellMixed or Lattice
	Size     int  // agents (well-mixed) or lattice side L
	Agents   int  // lattice: occupied sites at the start (0: all)
	InitialA float64
	Lattice  sim.LatticeConfig
	Override ModelOverride
}

// ModelOverride holds the [platform.model] keys a platform sets.
type ModelOverride struct {
	Set  [6]bool // b, c, v, alpha, ta, tb
	Vals [6]float64
}

var modelKeys = [6]string{"b", "c", "v", "alpha", "ta", "tb"}

// ModelKeyIndex is the index of a [model] key in ModelOverride, or -1.
func ModelKeyIndex(k string) int { return modelKeyIndex(k) }

func modelKeyIndex(k string) int {
	for i, m := range modelKeys {
		if m == k {
			return i
		}
	}
	return -1
}

// Put overrides the [model] key (b, c, v, alpha, ta, tb) with x, and
// reports whether the key is one.
func (o *ModelOverride) Put(key string, x float64) bool {
	i := modelKeyIndex(key)
	if i < 0 {
		return false
	}
	o.Set[i], o.Vals[i] = true, x
	return true
}

// Sets reports whether the override holds a [model] key.
func (o ModelOverride) Sets(key string) bool {
	i := modelKeyIndex(key)
	return i >= 0 && o.Set[i]
}

// Apply returns base with the overrides.
func (o ModelOverride) Apply(base model.Params) model.Params {
	ptr := [6]*float64{&base.B, &base.C, &base.V, &base.Alpha, &base.TA, &base.TB}
	for i, set := range o.Set {
		if set {
			*ptr[i] = o.Vals[i]
		}
	}
	return base
}

// PlatformModel is platform k's effective parameters: the top-level model
// with the platform's overrides (α from the neighbourhood on a lattice).
func (s Setup) PlatformModel(k int) model.Params {
	ps := s.Platforms[k]
	m := ps.Override.Apply(s.Model)
	if ps.Kind == Lattice {
		m.Alpha = ps.Lattice.EffectiveAlpha()
		if math.IsNaN(m.V) {
			m.V = 1 // the paper's lattices are purely vertical
		}
	}
	return m
}

// PlatformIndex returns the index of the platform named name, or -1.
func (s Setup) PlatformIndex(name string) int {
	for i, p := range s.Platforms {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// AsWorld returns the setup as a world: a setup without platforms becomes
// a world of one platform named "population" (which draws exactly like
// the single population).
func (s Setup) AsWorld() Setup {
	if s.Kind == Platforms {
		return s
	}
	s.Platforms = []PlatformSetup{{Name: "population", Kind: s.Kind, Size: s.Size, InitialA: s.InitialA, Lattice: s.Lattice}}
	s.Kind = Platforms
	return s
}

// WorldConfig is the engine's configuration of a platform setup.
func (s Setup) WorldConfig() sim.WorldConfig {
	cfg := sim.WorldConfig{Migration: s.Migration, Generations: s.Run.Generations}
	for k, ps := range s.Platforms {
		cfg.Platforms = append(cfg.Platforms, sim.PlatformConfig{
			Name: ps.Name, Model: s.PlatformModel(k), Lattice: ps.Kind == Lattice,
			Size: ps.Size, Agents: ps.Agents, InitialA: ps.InitialA, LatticeConfig: ps.Lattice,
		})
	}
	return cfg
}

// DetPlatforms is the deterministic counterpart's platforms, or an error
// naming a lattice platform (the counterpart is for well-mixed ones).
func (s Setup) DetPlatforms() ([]model.DetPlatform, error) {
	var out []model.DetPlatform
	for k, ps := range s.Platforms {
		if ps.Kind == Lattice {
			return nil, fmt.Errorf("platform %q is a lattice; the deterministic counterpart is for well-mixed platforms only", ps.Name)
		}
		out = append(out, model.DetPlatform{Params: s.PlatformModel(k), Size: float64(ps.Size), InitialA: ps.InitialA})
	}
	return out, nil
}

// worldSize is the number of agents of a platform setup.
func worldSize(ps []PlatformSetup) int {
	n := 0
	for _, p := range ps {
		switch {
		case p.Kind == WellMixed:
			n += p.Size
		case p.Agents > 0:
			n += p.Agents
		default:
			n += p.Size * p.Size
		}
	}
	return n
}

type rawPlatform struct {
	Name       *string  `toml:"name"`
	Population rawPop   `toml:"population"`
	Model      rawModel `toml:"model"`
}

type rawMigration struct {
	From  *string  `toml:"from"`
	To    *string  `toml:"to"`
	Rate  *float64 `toml:"rate"`
	Rule  *string  `toml:"rule"`
	Start *int64   `toml:"start"`
	End   *int64   `toml:"end"`
}

type rawEvent struct {
	Generation *int64   `toml:"generation"`
	From       *string  `toml:"from"`
	To         *string  `toml:"to"`
	Fraction   *float64 `toml:"fraction"`
	Phenotype  *string  `toml:"phenotype"`
}

type rawExposure struct {
	Learners    *string  `toml:"learners"`
	Donors      *string  `toml:"donors"`
	Probability *float64 `toml:"probability"`
}

var platformName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// merged returns the platform's population keys over the top-level
// [population]'s (the defaults of every platform).
func merged(top, own rawPop) rawPop {
	inherit(&own.Kind, top.Kind)
	inherit(&own.Size, top.Size)
	inherit(&own.InitialA, top.InitialA)
	inherit(&own.Neighborhood, top.Neighborhood)
	inherit(&own.Radius, top.Radius)
	inherit(&own.Boundary, top.Boundary)
	inherit(&own.Selection, top.Selection)
	inherit(&own.Fitness, top.Fitness)
	inherit(&own.Initiation, top.Initiation)
	inherit(&own.Rounds, top.Rounds)
	inherit(&own.Agents, top.Agents)
	return own
}

// inherit sets an unset key to its default.
func inherit[T any](own **T, def *T) {
	if *own == nil {
		*own = def
	}
}

// platforms decodes [[platform]], [[migration]], [[event]] and
// [[cross_exposure]] into st (already holding the top-level model and
// run settings).
func (p *parser) platforms(r *raw, st *Setup) {
	st.Kind = Platforms
	names := map[string]int{}
	for i, rp := range r.Platform {
		key := fmt.Sprintf("platform.%d", i)
		ps := PlatformSetup{Name: fmt.Sprintf("platform%d", i+1)}
		if rp.Name == nil {
			p.fail(key+".name", "missing: every [[platform]] needs a name")
		} else if !platformName.MatchString(*rp.Name) {
			p.fail(key+".name", "%q is not a usable name (1–40 letters, digits, _ or -)", *rp.Name)
		} else if j, dup := names[*rp.Name]; dup {
			p.fail(key+".name", "%q is already the name of platform %d", *rp.Name, j+1)
		} else {
			ps.Name = *rp.Name
			names[ps.Name] = i
		}
		if rp.Population.Stop != nil {
			p.fail(key+".population.stop", "the stop rule is the world's: set stop in the top-level [population]")
		}
		pop := merged(r.Population, rp.Population)
		pop.Stop = nil
		sub := Setup{Run: st.Run}
		saved := p.kindOK
		p.populationAt(key+".population", &pop, &sub)
		p.kindOK = saved
		ps.Kind, ps.Size, ps.InitialA, ps.Lattice = sub.Kind, sub.Size, sub.InitialA, sub.Lattice
		if pop.Agents != nil {
			if ps.Kind != Lattice {
				p.fail(key+".population.agents", "applies to lattice platforms only (a well-mixed platform has size agents)")
			} else if *pop.Agents < 1 || *pop.Agents > int64(ps.Size)*int64(ps.Size) {
				p.fail(key+".population.agents", "%d is outside its allowed range [1, %d] (sites of the %d×%d lattice)", *pop.Agents, ps.Size*ps.Size, ps.Size, ps.Size)
			} else {
				ps.Agents = int(*pop.Agents)
			}
		}
		for j, v := range []*float64{rp.Model.B, rp.Model.C, rp.Model.V, rp.Model.Alpha, rp.Model.TA, rp.Model.TB} {
			if v != nil {
				ps.Override.Set[j], ps.Override.Vals[j] = true, *v
			}
		}
		if ps.Kind == Lattice && rp.Model.Alpha != nil {
			p.warn(key+".model.alpha", "ignored for lattice platforms: α emerges from the neighbourhood")
		}
		st.Platforms = append(st.Platforms, ps)
	}
	st.Size = worldSize(st.Platforms)
	// Route and event ends, by name.
	plat := func(key string, v *string) int {
		if v == nil {
			p.fail(key, "missing: the name of a platform")
			return -1
		}
		i, ok := names[*v]
		if !ok {
			p.fail(key, "unknown platform %q; the platforms are %s", *v, quoteList(sortedNames(names)))
			return -1
		}
		return i
	}
	for i, rm := range r.Migration {
		key := fmt.Sprintf("migration.%d", i)
		rt := model.Route{From: plat(key+".from", rm.From), To: plat(key+".to", rm.To)}
		if rm.Rate == nil {
			p.fail(key+".rate", "missing: the probability that an adult moves each generation, in [0, 1]")
		} else {
			rt.Rate = *rm.Rate
		}
		rt.PayoffSeeking = p.choice(key+".rule", rm.Rule, "random", "payoff") == 1
		if rm.Start != nil {
			if *rm.Start < 0 || *rm.Start >= int64(st.Run.Generations) {
				p.fail(key+".start", "%d is outside its allowed range [0, %d) (the run's generations)", *rm.Start, st.Run.Generations)
			} else {
				rt.Start = int(*rm.Start)
			}
		}
		if rm.End != nil {
			if *rm.End <= int64(rt.Start) || *rm.End > math.MaxInt32 {
				p.fail(key+".end", "%d is outside its allowed range (%d, 2^31) (after start; the route is open in [start, end))", *rm.End, rt.Start)
			} else {
				rt.End = int(*rm.End)
			}
		}
		st.Migration.Routes = append(st.Migration.Routes, rt)
	}
	for i, re := range r.Event {
		key := fmt.Sprintf("event.%d", i)
		ev := model.Event{From: plat(key+".from", re.From), To: plat(key+".to", re.To), Generation: -1}
		if re.Generation == nil {
			p.fail(key+".generation", "missing: the generation at which the event happens")
		} else if *re.Generation >= 0 && *re.Generation <= math.MaxInt32 {
			ev.Generation = int(*re.Generation)
		} else {
			p.fail(key+".generation", "%d is outside its allowed range [0, %d)", *re.Generation, st.Run.Generations)
			ev.Generation = 0
		}
		if re.Fraction == nil {
			p.fail(key+".fraction", "missing: the fraction of the platform's adults that move, in [0, 1]")
		} else {
			ev.Fraction = *re.Fraction
		}
		ev.Phenotype = model.EventPhenotype(p.choice(key+".phenotype", re.Phenotype, "any", "A", "B"))
		st.Migration.Events = append(st.Migration.Events, ev)
	}
	for i, rx := range r.CrossExposure {
		key := fmt.Sprintf("cross_exposure.%d", i)
		x := model.Exposure{Learners: plat(key+".learners", rx.Learners), Donors: plat(key+".donors", rx.Donors)}
		if rx.Probability == nil {
			p.fail(key+".probability", "missing: the probability that a random horizontal donor comes from the donors' platform")
		} else {
			x.Prob = *rx.Probability
		}
		st.Migration.Exposures = append(st.Migration.Exposures, x)
	}
	p.checkPlatforms(st)
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

// checkPlatforms validates the effective parameters of every platform and
// the migration, naming keys (also used for every sweep point).
func (p *parser) checkPlatforms(st *Setup) {
	inherited := map[string]bool{} // report a bad [model] value once
	cfg := st.WorldConfig()
	for k, ps := range st.Platforms {
		key := fmt.Sprintf("platform.%d", k)
		m := st.PlatformModel(k)
		if ps.Kind == WellMixed {
			if math.IsNaN(m.V) {
				p.fail(key+".model.v", "missing: set v in [model] or in this platform's [platform.model]")
			}
			if math.IsNaN(m.Alpha) {
				p.fail(key+".model.alpha", "missing: set alpha in [model] or in this platform's [platform.model]")
			}
		}
		if !math.IsNaN(m.V) && !math.IsNaN(m.Alpha) && !math.IsNaN(m.B) && !math.IsNaN(m.C) && !math.IsNaN(m.TA) && !math.IsNaN(m.TB) {
			// A bad value the platform inherits is reported at [model].
			sub := &parser{file: p.file, keys: p.keys}
			sub.checkModel(key+".model", m, nil)
			for _, e := range sub.errs {
				name := e.Key[strings.LastIndexByte(e.Key, '.')+1:]
				if modelKeyIndex(name) >= 0 && !ps.Override.Sets(name) {
					if inherited[name] {
						continue
					}
					inherited[name] = true
					e.Key, e.Line = "model."+name, p.lineOf("model."+name)
					e.Msg += fmt.Sprintf(" (inherited by platform %q)", ps.Name)
				}
				p.errs = append(p.errs, e)
			}
		}
		if !(ps.InitialA >= 0 && ps.InitialA <= 1) {
			p.failOnce(key+".population.initial_a", "%s is outside its allowed range [0, 1]", model.FormatFloat(ps.InitialA))
		}
		// The engine's own checks of the structure (size, lattice
		// settings, agents), as a sweep point may change them.
		var ce *sim.ConfigError
		if err := cfg.Platforms[k].Validate(); errors.As(err, &ce) && ce.Field != "initial_a" {
			p.failOnce(key+".population."+ce.Field, "%v is outside its allowed range %s", ce.Value, ce.Allowed)
		}
	}
	if worldSize(st.Platforms) == 0 {
		p.fail("platform", "the world has no agents: give some platform a size")
	}
	out := map[int]float64{}
	for i, rt := range st.Migration.Routes {
		key := fmt.Sprintf("migration.%d", i)
		if rt.From >= 0 && rt.From == rt.To {
			p.fail(key+".to", "is the same platform as from")
		}
		if !(rt.Rate >= 0 && rt.Rate <= 1) {
			p.fail(key+".rate", "%s is outside its allowed range [0, 1]", model.FormatFloat(rt.Rate))
		} else if rt.From >= 0 {
			out[rt.From] += rt.Rate
			if out[rt.From] > 1+1e-12 {
				p.fail(key+".rate", "the rates of migration from %q sum to %s, above 1 (an adult takes at most one route a generation)",
					st.Platforms[rt.From].Name, model.FormatFloat(out[rt.From]))
			}
		}
	}
	for i, ev := range st.Migration.Events {
		key := fmt.Sprintf("event.%d", i)
		if ev.From >= 0 && ev.From == ev.To {
			p.fail(key+".to", "is the same platform as from")
		}
		if !(ev.Fraction >= 0 && ev.Fraction <= 1) {
			p.fail(key+".fraction", "%s is outside its allowed range [0, 1]", model.FormatFloat(ev.Fraction))
		}
		if ev.Generation < 0 {
			p.fail(key+".generation", "%d is outside its allowed range [0, %d)", ev.Generation, st.Run.Generations)
		}
		if ev.Generation >= st.Run.Generations {
			p.fail(key+".generation", "%d is after the last generation (%d): the run has generations 0 to %d", ev.Generation, st.Run.Generations-1, st.Run.Generations-1)
		}
	}
	in := map[int]float64{}
	for i, x := range st.Migration.Exposures {
		key := fmt.Sprintf("cross_exposure.%d", i)
		if x.Learners >= 0 && x.Learners == x.Donors {
			p.fail(key+".donors", "is the same platform as learners")
		}
		if !(x.Prob >= 0 && x.Prob <= 1) {
			p.fail(key+".probability", "%s is outside its allowed range [0, 1]", model.FormatFloat(x.Prob))
		} else if x.Learners >= 0 {
			in[x.Learners] += x.Prob
			if in[x.Learners] > 1+1e-12 {
				p.fail(key+".probability", "the exposure probabilities of %q sum to %s, above 1", st.Platforms[x.Learners].Name, model.FormatFloat(in[x.Learners]))
			}
		}
	}
}

// failOnce reports an error unless the key already has one (the same
// setting is checked by the decoder and again by the engine's rules).
func (p *parser) failOnce(key, format string, a ...any) {
	for _, e := range p.errs {
		if e.Key == displayKey(key) {
			return
		}
	}
	p.fail(key, format, a...)
}

// platformSweepKey parses a platform-scenario sweep key:
// platform.NAME.KEY (KEY a model key, initial_a or size),
// migration.N.rate, event.N.fraction, event.N.generation or
// cross_exposure.N.probability (N counts tables from 1, in file order).
// It returns the key's kind and an error message.
func platformSweepKey(st *Setup, key string) (sweepKind, string) {
	parts := strings.Split(key, ".")
	if len(parts) != 3 {
		return 0, "not a platform key"
	}
	switch parts[0] {
	case "platform":
		k := st.PlatformIndex(parts[1])
		if k < 0 {
			return 0, fmt.Sprintf("unknown platform %q", parts[1])
		}
		switch {
		case modelKeyIndex(parts[2]) >= 0:
			if parts[2] == "alpha" && st.Platforms[k].Kind == Lattice {
				return 0, "alpha has no effect on a lattice platform (α emerges from the neighbourhood)"
			}
			return axisFloat, ""
		case parts[2] == "initial_a":
			return axisFloat, ""
		case parts[2] == "size":
			return axisInt, ""
		}
		return 0, fmt.Sprintf("%q of a platform cannot be swept; sweepable: b, c, v, alpha, ta, tb, initial_a, size", parts[2])
	case "migration", "event", "cross_exposure":
		n := 0
		if _, err := fmt.Sscanf(parts[1], "%d", &n); err != nil || fmt.Sprint(n) != parts[1] {
			return 0, fmt.Sprintf("%q is not a table number (1, 2, …)", parts[1])
		}
		count := map[string]int{"migration": len(st.Migration.Routes), "event": len(st.Migration.Events), "cross_exposure": len(st.Migration.Exposures)}[parts[0]]
		if n < 1 || n > count {
			return 0, fmt.Sprintf("there is no [[%s]] number %d (the file has %d)", parts[0], n, count)
		}
		want := map[string]string{"migration": "rate", "event": "fraction", "cross_exposure": "probability"}[parts[0]]
		if parts[0] == "event" && parts[2] == "generation" {
			return axisInt, ""
		}
		if parts[2] != want {
			return 0, fmt.Sprintf("sweep %s.%d.%s", parts[0], n, want)
		}
		return axisFloat, ""
	}
	return 0, "not a platform key"
}

// setPlatformKey sets a platform-scenario sweep key (see
// platformSweepKey) on st, whose slices it copies first.
func setPlatformKey(st *Setup, key string, v AxisValue) {
	parts := strings.Split(key, ".")
	switch parts[0] {
	case "platform":
		st.Platforms = append([]PlatformSetup(nil), st.Platforms...)
		ps := &st.Platforms[st.PlatformIndex(parts[1])]
		switch {
		case ps.Override.Put(parts[2], v.Num):
		case parts[2] == "initial_a":
			ps.InitialA = v.Num
		case parts[2] == "size":
			ps.Size = int(v.Num)
		}
		st.Size = worldSize(st.Platforms)
		return
	}
	var n int
	fmt.Sscanf(parts[1], "%d", &n)
	m := &st.Migration
	switch parts[0] {
	case "migration":
		m.Routes = append([]model.Route(nil), m.Routes...)
		m.Routes[n-1].Rate = v.Num
	case "event":
		m.Events = append([]model.Event(nil), m.Events...)
		if parts[2] == "generation" {
			m.Events[n-1].Generation = int(v.Num)
		} else {
			m.Events[n-1].Fraction = v.Num
		}
	case "cross_exposure":
		m.Exposures = append([]model.Exposure(nil), m.Exposures...)
		m.Exposures[n-1].Prob = v.Num
	}
}
