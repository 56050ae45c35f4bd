package sim

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/model"
)

// Kind is the structure of a platform's population.
type Kind uint8

const (
	KindWellMixed Kind = iota // random pairs (MODEL.md §2)
	KindLattice               // an L×L lattice (MODEL.md §6)
	KindNetwork               // a graph's nodes, with the lattice's dynamics on its neighbourhoods
)

// String is the scenario-file spelling.
func (k Kind) String() string { return [...]string{"wellmixed", "lattice", "network"}[k] }

// Structured reports whether agents have neighbours (a lattice or a
// network): the lattice engine runs them.
func (k Kind) Structured() bool { return k != KindWellMixed }

// PlatformConfig is one platform of a world, fully resolved: every value
// the engine uses, with nothing left to defaults. A single population is a
// world of one platform.
type PlatformConfig struct {
	Name  string
	Model model.Params // the platform's culture; on a lattice Alpha is the neighbourhood's effective α (see Finish)
	Kind  Kind
	// Agents at the start: the population size N of a well-mixed
	// platform (0 for an empty one); the occupied sites of a lattice or
	// network, at most its sites, 0 meaning every site.
	Agents   int
	InitialA float64 // each agent starts A with this probability; [0, 1]
	// Lattice holds a lattice's settings, and the dynamics' settings
	// (selection, fitness, initiation, rounds, feed) of a network.
	Lattice LatticeConfig
	Network NetworkConfig // the graph (Kind KindNetwork only)
}

// WorldConfig is a world of platforms and the migration between them.
type WorldConfig struct {
	Platforms   []PlatformConfig
	Migration   model.Migration
	Generations int // the run's length, which events must fall within
}

// StartAgents returns the number of agents the platform starts with.
func (p PlatformConfig) StartAgents() int {
	if p.Kind.Structured() && p.Agents == 0 {
		return p.Sites()
	}
	return p.Agents
}

// Sites is a structured platform's capacity: L² sites of a lattice, the
// nodes of a network (0 for a well-mixed platform).
func (p PlatformConfig) Sites() int {
	switch p.Kind {
	case KindLattice:
		return p.Lattice.Side * p.Lattice.Side
	case KindNetwork:
		return p.NodeCount()
	}
	return 0
}

// Full reports whether every site of a lattice or network platform is
// occupied at the start (always true for a well-mixed one).
func (p PlatformConfig) Full() bool {
	return !p.Kind.Structured() || p.StartAgents() == p.Sites()
}

// Finish sets what a platform's settings imply: on a lattice or a
// network, α is the structure's effective α (the model parameter alpha
// has no effect there: see LatticeConfig.EffectiveAlpha), and the
// lattice settings' zero values take their defaults. A network's α is
// its fixed graph's, built here (cached) when its settings are valid.
func (p *PlatformConfig) Finish() {
	switch p.Kind {
	case KindLattice:
		p.Lattice = p.Lattice.WithDefaults()
		p.Model.Alpha = p.Lattice.EffectiveAlpha()
	case KindNetwork:
		p.Lattice = p.Lattice.WithDefaults()
		if len(p.validateNetwork()) > 0 {
			return
		}
		if g, err := p.BuildGraph(p.Network.Seed, true); err == nil {
			lc := p.Lattice
			lc.Graph = g
			p.Model.Alpha = lc.EffectiveAlpha()
		}
	}
}

// Graph returns a network platform's fixed graph (nil otherwise, or
// when its settings are invalid).
func (p PlatformConfig) Graph() *Graph {
	if p.Kind != KindNetwork || len(p.validateNetwork()) > 0 {
		return nil
	}
	g, _ := p.BuildGraph(p.Network.Seed, true)
	return g
}

// platformName: 1–40 letters, digits, _ and -, so that names fit file
// names and table columns.
var platformName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// WorldName names the whole world where platforms are listed (the
// series' platform column): no platform may take it.
const WorldName = "all"

// ValidName reports whether s can name a platform: 1–40 letters, digits,
// _ or -, and not WorldName.
func ValidName(s string) bool { return platformName.MatchString(s) && s != WorldName }

// Validate checks one platform's settings. Problems are *model.FieldError
// with paths model.KEY and population.KEY (the keys of Settings).
func (p PlatformConfig) Validate() error {
	errs := []error{model.Within("model", p.Model.Validate())}
	bad := func(key string, v any, domain string) {
		errs = append(errs, &model.FieldError{Path: "population." + key, Value: v, Domain: domain})
	}
	if !(p.InitialA >= 0 && p.InitialA <= 1) {
		bad("initial_a", p.InitialA, model.DomainProbability)
	}
	switch p.Kind {
	case KindWellMixed:
		if p.Agents < 0 || p.Agents > MaxWellMixed {
			bad("size", p.Agents, "[0, 2^31] (agents)")
		}
	case KindLattice:
		errs = append(errs, model.Within("population", p.Lattice.Validate()))
		if side := p.Lattice.Side; side < 2 || side > MaxLatticeSide {
			break // agents are checked against a valid side
		}
		if n := p.Lattice.Side * p.Lattice.Side; p.Agents < 0 || p.Agents > n {
			bad("agents", p.Agents, fmt.Sprintf("[0, %d] (sites of the %d×%d lattice; 0: every site)", n, p.Lattice.Side, p.Lattice.Side))
		}
	case KindNetwork:
		lc := p.Lattice
		lc.Side = 2 // unused on a graph; its own checks are the network's
		lc.Graph = &Graph{Start: []int32{0}}
		errs = append(errs, model.Within("population", lc.Validate()))
		if nerrs := p.validateNetwork(); len(nerrs) > 0 {
			errs = append(errs, nerrs...)
			break
		}
		g, err := p.BuildGraph(p.Network.Seed, true)
		if err != nil {
			errs = append(errs, &model.FieldError{Path: "population.graph", Detail: err.Error()})
			break
		}
		if err := graphCheck(g, p.Lattice.WithDefaults().Rounds); err != nil {
			errs = append(errs, model.Within("population", err))
		}
		if n := g.Nodes(); p.Agents < 0 || p.Agents > n {
			bad("agents", p.Agents, fmt.Sprintf("[0, %d] (the graph's nodes; 0: every node)", n))
		}
	default:
		bad("kind", int(p.Kind), `"wellmixed", "lattice" or "network"`)
	}
	return errors.Join(errs...)
}

// Validate checks every platform and the migration; problems are
// *model.FieldError with paths platform[k].model.KEY,
// platform[k].population.KEY, platform[k].name, migration[i].rate, ….
func (c WorldConfig) Validate() error {
	if len(c.Platforms) < 1 || len(c.Platforms) > model.MaxPlatforms {
		return &model.FieldError{Path: "platform", Value: len(c.Platforms), Domain: fmt.Sprintf("[1, %d] platforms", model.MaxPlatforms)}
	}
	var errs []error
	names := make([]string, len(c.Platforms))
	seen := map[string]int{}
	total := 0
	unread := false // a network whose edge list is missing reports that instead
	for k, p := range c.Platforms {
		at := fmt.Sprintf("platform[%d]", k)
		names[k] = p.Name
		switch j, dup := seen[p.Name]; {
		case !ValidName(p.Name):
			errs = append(errs, &model.FieldError{Path: at + ".name", Value: p.Name, Domain: fmt.Sprintf("1–40 letters, digits, _ or -, not %q", WorldName)})
		case dup:
			errs = append(errs, &model.FieldError{Path: at + ".name", Detail: fmt.Sprintf("%q is already the name of platform %d", p.Name, j+1)})
		default:
			seen[p.Name] = k
		}
		errs = append(errs, model.Within(at, p.Validate()))
		total += p.StartAgents()
		unread = unread || (p.Kind == KindNetwork && p.Network.Graph == GraphEdges && p.Network.EdgesGraph == nil)
	}
	switch p := c.Platforms[0]; {
	case len(c.Platforms) == 1 && p.Kind == KindWellMixed && p.Agents < 2:
		// A single population needs a pair to play; platforms may start
		// small or empty and fill by migration.
		errs = append(errs, &model.FieldError{Path: "platform[0].population.size", Value: p.Agents, Domain: "[2, 2^31] (a single well-mixed population needs a pair)"})
	case total < 1 && !unread:
		errs = append(errs, &model.FieldError{Path: "platform", Detail: "the world has no agents: give some platform a size"})
	}
	if c.Generations < 1 {
		errs = append(errs, &model.FieldError{Path: "generations", Value: c.Generations, Domain: "≥ 1"})
	}
	errs = append(errs, c.Migration.Validate(names, max(c.Generations, 1)))
	return errors.Join(errs...)
}

// Names lists the platforms' names.
func (c WorldConfig) Names() []string {
	out := make([]string, len(c.Platforms))
	for k, p := range c.Platforms {
		out[k] = p.Name
	}
	return out
}

// ValueType is the type of a setting's values.
type ValueType uint8

const (
	Float  ValueType = iota // a real number
	Int                     // a whole number
	Choice                  // one of Setting.Options
	Text                    // a string (a file name)
)

// Value is one value of a setting: a number, or a string for choices.
type Value struct {
	Num float64
	Str string // non-empty for choices and text
}

// Num is a numeric value.
func Num(x float64) Value { return Value{Num: x} }

// String renders the value as tables and axes show it (FormatNum).
func (v Value) String() string {
	if v.Str != "" {
		return v.Str
	}
	return FormatNum(v.Num)
}

// FormatNum is how every number is written as text: whole numbers below
// 2⁵³ as integers (1000000, never 1e+06, so that readers type integer
// columns as integers), others in their shortest round-trip form.
func FormatNum(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Setting describes one key of a platform's configuration: the model's
// parameters (model.Parameters) and the population's structure. It is the
// single description of each key that scenario files, sweep axes, table
// columns, plot labels and the teaching page's controls use.
type Setting struct {
	Key     string // the key in its table: "alpha", "size"
	Table   string // "model" or "population"
	Label   string // for axes, legends and controls
	Domain  string // the allowed values, as messages and documentation give them
	Type    ValueType
	Options []string // for choices: the allowed values, the default first
	// Min and Max bound numeric values (±Inf where open-ended; Domain
	// says whether an end is included).
	Min, Max float64
	// StructuredOnly settings mean nothing on a well-mixed platform (they
	// apply to lattices and networks); WellMixedOnly ones nothing on a
	// lattice or network (α: there it emerges from the neighbourhood);
	// NetworkOnly ones (the graph's) only on a network.
	StructuredOnly, WellMixedOnly, NetworkOnly bool
	// LatticeShape settings (neighborhood, radius, boundary) shape a
	// lattice, and a network only with graph = "lattice".
	LatticeShape bool
	// Live settings can change between generations of a running world
	// (World.SetPlatform) without rebuilding its population.
	Live bool
	// Culture settings are the live ones a platform's users shape, not
	// the game's payoffs or the platform's structure: α, T_A, T_B and
	// the feed (a classroom's students control these of their platform).
	Culture bool
	// ZeroIsDefault settings read 0 as "the default" in LatticeConfig, so
	// Parse refuses an explicit 0 (it is outside their range).
	ZeroIsDefault bool
	// Required settings have no default: a scenario must give them (for
	// well-mixed platforms only, with RequiredWellMixed: on a lattice v
	// defaults to 1 and α is the neighbourhood's).
	Required, RequiredWellMixed bool
	// Writes lists the settings a derived setting (t, bias) sets.
	Writes []string
	// Stage orders the settings when a configuration is built from
	// several: kind first (size means N or L by kind), then the primary
	// settings, then the derived t and bias (bias reads T_A).
	Stage int
	// Column says whether the setting is a column of result tables.
	Column bool
	set    func(*PlatformConfig, Value)
	get    func(PlatformConfig) Value
}

// AppliesTo reports whether the setting means something on platform p:
// structured-only settings on lattices and networks, network-only ones on
// networks, and on a network only those its graph family reads (the
// lattice's shape only with graph = "lattice"). Well-mixed-only settings
// (α) still apply: a structure's α is its effective α, reported as such.
func (s Setting) AppliesTo(p PlatformConfig) bool {
	switch {
	case s.StructuredOnly && !p.Kind.Structured(), s.NetworkOnly && p.Kind != KindNetwork:
		return false
	case p.Kind == KindNetwork:
		return p.Network.Graph.Uses(s.Key)
	}
	return true
}

// Path is the setting's path in a platform's configuration, as
// Validate's errors name it: "model.c", "population.size".
func (s Setting) Path() string { return s.Table + "." + s.Key }

// Stages of Setting.Stage.
const (
	StageKind = iota
	StagePrimary
	StageT
	StageBias
)

var choices = map[string][]string{
	"kind": {"wellmixed", "lattice", "network"}, "neighborhood": {"moore", "vonneumann"}, "boundary": {"bounded", "torus"},
	"selection": {"global", "local"}, "fitness": {"mean", "sum"},
	"graph":      {"regular", "gnp", "gnm", "smallworld", "ba", "holme_kim", "lattice", "edges"},
	"graph_seed": {"fixed", "replicate"}, "feed_bias": {"uniform", "degree", "fitness"},
}

// Settings lists every setting: the model's parameters in the order of
// model.Parameters, then the population's. Table columns follow this
// order.
var Settings = func() []Setting {
	var out []Setting
	for _, pa := range model.Parameters {
		pa := pa
		stage := StagePrimary
		switch pa.Key {
		case "t":
			stage = StageT
		case "bias":
			stage = StageBias
		}
		wmOnly := pa.Key == "alpha"     // on a lattice α emerges from the neighbourhood
		latticeDefault := pa.Key == "v" // the paper's lattices are purely vertical
		out = append(out, Setting{Key: pa.Key, Table: "model", Label: pa.Label(), Domain: pa.Domain, Type: Float,
			Min: pa.Min, Max: pa.Max, WellMixedOnly: wmOnly, Live: !pa.Derived, Stage: stage, Column: !pa.Derived,
			Culture:  pa.Key == "alpha" || pa.Key == "ta" || pa.Key == "tb",
			Required: !pa.Derived && !wmOnly && !latticeDefault, RequiredWellMixed: wmOnly || latticeDefault, Writes: pa.Writes,
			set: func(c *PlatformConfig, v Value) { _ = c.Model.Set(pa.Key, v.Num) },
			get: func(c PlatformConfig) Value { x, _ := c.Model.Get(pa.Key); return Num(x) }})
	}
	choice := func(key, label string, lattice bool, set func(*PlatformConfig, int), get func(PlatformConfig) int) Setting {
		return Setting{Key: key, Table: "population", Label: label, Domain: model.QuoteList(choices[key], "or"), Type: Choice, Options: choices[key],
			StructuredOnly: lattice, Stage: StagePrimary, Column: true,
			set: func(c *PlatformConfig, v Value) { set(c, slices.Index(choices[key], v.Str)) },
			get: func(c PlatformConfig) Value { return Value{Str: choices[key][get(c)]} }}
	}
	num := func(key, label, domain string, lo, hi float64, t ValueType, lattice, column bool, set func(*PlatformConfig, float64), get func(PlatformConfig) float64) Setting {
		return Setting{Key: key, Table: "population", Label: label, Domain: domain, Min: lo, Max: hi, Type: t, StructuredOnly: lattice, Stage: StagePrimary, Column: column,
			set: func(c *PlatformConfig, v Value) { set(c, v.Num) }, get: func(c PlatformConfig) Value { return Num(get(c)) }}
	}
	initiation := num("initiation", "Initiation probability", "(0, 1]", 0, 1, Float, true, true,
		func(c *PlatformConfig, x float64) { c.Lattice.Initiation = x }, func(c PlatformConfig) float64 { return c.Lattice.WithDefaults().Initiation })
	initiation.Live, initiation.ZeroIsDefault = true, true
	radius := num("radius", "Neighbourhood radius r", "[1, 1000]", 1, 1000, Int, true, true,
		func(c *PlatformConfig, x float64) { c.Lattice.Radius = int(x) }, func(c PlatformConfig) float64 { return float64(c.Lattice.WithDefaults().Radius) })
	rounds := num("rounds", "Rounds per generation", "≥ 1", 1, math.MaxUint16, Int, true, true,
		func(c *PlatformConfig, x float64) { c.Lattice.Rounds = int(x) }, func(c PlatformConfig) float64 { return float64(c.Lattice.WithDefaults().Rounds) })
	radius.ZeroIsDefault, rounds.ZeroIsDefault = true, true
	neighborhood := choice("neighborhood", "Neighbourhood", true, func(c *PlatformConfig, i int) { c.Lattice.Neighborhood = Neighborhood(i) }, func(c PlatformConfig) int { return int(c.Lattice.Neighborhood) })
	boundary := choice("boundary", "Boundary", true, func(c *PlatformConfig, i int) { c.Lattice.Boundary = Boundary(i) }, func(c PlatformConfig) int { return int(c.Lattice.Boundary) })
	neighborhood.LatticeShape, radius.LatticeShape, boundary.LatticeShape = true, true, true
	selection := choice("selection", "Selection", true, func(c *PlatformConfig, i int) { c.Lattice.Selection = Selection(i) }, func(c PlatformConfig) int { return int(c.Lattice.Selection) })
	selection.Live = true
	kind := choice("kind", "Population structure", false, func(c *PlatformConfig, i int) { c.Kind = Kind(i) }, func(c PlatformConfig) int { return int(c.Kind) })
	kind.Stage, kind.Required = StageKind, true
	size := num("size", "Population size (agents, the lattice side L, or the network's nodes)", "[0, 2^31] agents, [2, 40000] for the lattice side, or [2, 2^27] nodes", 0, MaxWellMixed, Int, false, true,
		func(c *PlatformConfig, x float64) {
			switch c.Kind {
			case KindLattice:
				c.Lattice.Side = int(x)
			case KindNetwork:
				c.Network.Nodes = int(x) // the side, for graph = "lattice"
			default:
				c.Agents = int(x)
			}
		},
		func(c PlatformConfig) float64 {
			switch c.Kind {
			case KindLattice:
				return float64(c.Lattice.Side)
			case KindNetwork:
				if c.Network.Graph == GraphEdges {
					return float64(c.NodeCount()) // the file's nodes
				}
				return float64(c.Network.Nodes)
			}
			return float64(c.Agents)
		})
	size.Required = true
	feed := num("feed", "Feed: probability the donor comes from the whole platform", model.DomainProbability, 0, 1, Float, true, false,
		func(c *PlatformConfig, x float64) { c.Lattice.Feed = x }, func(c PlatformConfig) float64 { return c.Lattice.Feed })
	feedBias := choice("feed_bias", "Feed bias", true, func(c *PlatformConfig, i int) { c.Lattice.FeedBias = FeedBias(i) }, func(c PlatformConfig) int { return int(c.Lattice.FeedBias) })
	feed.Live, feedBias.Live, feedBias.Column = true, true, false
	feed.Culture, feedBias.Culture = true, true
	netNum := func(key, label, domain string, lo, hi float64, t ValueType, set func(*NetworkConfig, float64), get func(NetworkConfig) float64) Setting {
		// Not columns of every table (they are the family's; swept ones
		// are axis columns): the manifest records the graph.
		s := num(key, label, domain, lo, hi, t, true, false, func(c *PlatformConfig, x float64) { set(&c.Network, x) }, func(c PlatformConfig) float64 { return get(c.Network) })
		s.NetworkOnly, s.ZeroIsDefault = true, true
		return s
	}
	graphChoice := choice("graph", "Graph family", true, func(c *PlatformConfig, i int) { c.Network.Graph = GraphFamily(i) }, func(c PlatformConfig) int { return int(c.Network.Graph) })
	graphSeed := choice("graph_seed", "Graph per replicate", true, func(c *PlatformConfig, i int) { c.Network.SeedMode = GraphSeedMode(i) }, func(c PlatformConfig) int { return int(c.Network.SeedMode) })
	graphChoice.NetworkOnly, graphSeed.NetworkOnly, graphSeed.Column = true, true, false
	rewire := netNum("rewire", "Rewiring probability", model.DomainProbability, 0, 1, Float, func(n *NetworkConfig, x float64) { n.Rewire = x }, func(n NetworkConfig) float64 { return n.Rewire })
	triad := netNum("triad", "Triad formation probability", model.DomainProbability, 0, 1, Float, func(n *NetworkConfig, x float64) { n.Triad = x }, func(n NetworkConfig) float64 { return n.Triad })
	rewire.ZeroIsDefault, triad.ZeroIsDefault = false, false
	edges := Setting{Key: "edges", Table: "population", Label: "Edge-list file", Domain: "a file name (an undirected edge list)", Type: Text,
		StructuredOnly: true, NetworkOnly: true, Stage: StagePrimary,
		set: func(c *PlatformConfig, v Value) { c.Network.EdgesFile = v.Str },
		get: func(c PlatformConfig) Value { return Value{Str: c.Network.EdgesFile} }}
	out = append(out, kind, size,
		num("agents", "Occupied sites at the start", "[0, sites] (0: every site or node)", 0, MaxLatticeSide*MaxLatticeSide, Int, true, false,
			func(c *PlatformConfig, x float64) { c.Agents = int(x) }, func(c PlatformConfig) float64 { return float64(c.StartAgents()) }),
		num("initial_a", "Initial frequency of A", model.DomainProbability, 0, 1, Float, false, true,
			func(c *PlatformConfig, x float64) { c.InitialA = x }, func(c PlatformConfig) float64 { return c.InitialA }),
		neighborhood,
		radius,
		boundary,
		selection,
		choice("fitness", "Fitness", true, func(c *PlatformConfig, i int) { c.Lattice.Fitness = FitnessMode(i) }, func(c PlatformConfig) int { return int(c.Lattice.Fitness) }),
		initiation,
		rounds,
		feed, feedBias,
		graphChoice,
		netNum("degree", "Degree k", "[1, nodes − 1]", 1, MaxGraphNodes, Int, func(n *NetworkConfig, x float64) { n.Degree = int(x) }, func(n NetworkConfig) float64 { return float64(n.Degree) }),
		netNum("mean_degree", "Mean degree", "(0, nodes − 1]", 0, MaxGraphNodes, Float, func(n *NetworkConfig, x float64) { n.MeanDegree = x }, func(n NetworkConfig) float64 { return n.MeanDegree }),
		netNum("p", "Edge probability p", "(0, 1]", 0, 1, Float, func(n *NetworkConfig, x float64) { n.P = x }, func(n NetworkConfig) float64 { return n.P }),
		netNum("m", "Edges per new node m", "[1, nodes − 1]", 1, MaxGraphNodes, Int, func(n *NetworkConfig, x float64) { n.M = int(x) }, func(n NetworkConfig) float64 { return float64(n.M) }),
		rewire, triad, edges, graphSeed,
	)
	return out
}()

// LookupSetting returns the setting with the given key ("c", "size").
func LookupSetting(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// SettingKeys lists the keys of Settings.
func SettingKeys() []string {
	out := make([]string, len(Settings))
	for i, s := range Settings {
		out[i] = s.Key
	}
	return out
}

// Parse converts a value as a decoder delivers it (int64, int, float64 or
// string, e.g. from TOML or JSON) to the setting's type. It checks the
// type, whole numbers and choices; ranges are Validate's.
func (s Setting) Parse(x any) (Value, error) {
	fail := func(detail string) (Value, error) {
		return Value{}, &model.FieldError{Path: s.Path(), Value: x, Domain: s.Domain, Detail: detail}
	}
	wrongType := func(want string) (Value, error) {
		return Value{}, &model.FieldError{Path: s.Path(), Detail: fmt.Sprintf("%s is %s; %s is needed", model.FormatValue(x), model.TypeName(x), want)}
	}
	switch s.Type {
	case Text:
		str, ok := x.(string)
		switch {
		case !ok:
			return wrongType("a file name")
		case str == "":
			return Value{}, &model.FieldError{Path: s.Path(), Detail: "an empty file name; give the path of an edge list"}
		}
		return Value{Str: str}, nil
	case Choice:
		str, ok := x.(string)
		if !ok {
			return wrongType("one of " + model.QuoteList(s.Options, "or"))
		}
		for _, o := range s.Options {
			if strings.EqualFold(o, str) {
				return Value{Str: o}, nil
			}
		}
		return Value{}, &model.FieldError{Path: s.Path(), Value: x, Detail: fmt.Sprintf("%q is not one of %s", str, model.QuoteList(s.Options, "or"))}
	}
	var f float64
	switch n := x.(type) {
	case int64:
		f = float64(n)
	case int:
		f = float64(n)
	case float64:
		if s.Type == Int {
			if n != math.Trunc(n) || math.IsInf(n, 0) {
				return fail("not a whole number")
			}
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return fail("not a finite number")
		}
		f = n
	default:
		if s.Type == Int {
			return wrongType("a whole number")
		}
		return wrongType("a number")
	}
	// Whole numbers beyond 2^40 are refused here, before any conversion
	// to int could overflow; Validate checks the ranges.
	if (s.Type == Int && math.Abs(f) > 1<<40) || (s.ZeroIsDefault && f == 0) {
		return Value{}, &model.FieldError{Path: s.Path(), Value: x, Domain: s.Domain}
	}
	return Num(f), nil
}

// Set sets one setting from a parsed value (see Setting.Parse). It does
// not validate: Validate checks the whole platform, whose ranges depend on
// each other (b > c, agents ≤ L²).
func (p *PlatformConfig) Set(key string, v Value) error {
	s, ok := LookupSetting(key)
	if !ok {
		return fmt.Errorf("sim: unknown setting %q; the settings are %s", key, strings.Join(SettingKeys(), ", "))
	}
	if s.Type == Choice && slices.Index(s.Options, v.Str) < 0 {
		return &model.FieldError{Path: s.Path(), Value: v.Str, Detail: fmt.Sprintf("%q is not one of %s", v.Str, model.QuoteList(s.Options, "or"))}
	}
	s.set(p, v)
	return nil
}

// Get returns one setting's value (for size, N or L by kind).
func (p PlatformConfig) Get(key string) (Value, bool) {
	s, ok := LookupSetting(key)
	if !ok {
		return Value{}, false
	}
	return s.get(p), true
}
