package scenarios

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// SinglePlatform is the name of the one platform of a scenario without
// [[platform]] tables: a single population is a world of one platform.
const SinglePlatform = "population"

// Scenario is a decoded, validated scenario file: a world of platforms
// (one, named "population", for a file without [[platform]]), the run's
// length and stop rule, and the sweep's axes. Point(i) resolves point i
// to the engine's configuration.
type Scenario struct {
	Name        string // from the file, or its base name
	Description string
	File        string // path as given, or "builtin:NAME.toml"
	Source      string // the file's text, recorded in every output

	Seed       uint64
	Replicates int
	// RecordEvery: record the dynamics every that many generations; 0
	// means no series. RecordEverySet says whether the file set it.
	RecordEvery    int
	RecordEverySet bool
	// Run holds the generations and the stop rule (RecordEvery is the
	// executor's: see RecordEvery above).
	Run sim.RunConfig

	// Axes of [sweep], in file order; the first varies slowest. Empty
	// without a sweep: one point.
	Axes []Axis

	// Design is how the points were chosen: a grid of the axes' values,
	// or a design's rows (then each axis's Values are the distinct values
	// its rows take, ascending).
	Design Design

	// Fit is the [fit] table (nil without one): the priors and settings
	// of "culturesim fit".
	Fit *FitSpec

	// Warnings are accepted but suspicious settings, for the user.
	Warnings []string

	rows      [][]sim.Value // a design's points (nil for a grid)
	indexOnce sync.Once
	rowIndex  map[string]int // PointIndex of a design's rows

	world world // the layered configuration every point is resolved from
}

// Stream returns the random source of one run of this scenario.
func (s *Scenario) Stream(point, replicate int) *rng.Xoshiro {
	return rng.Stream(s.Seed, point, replicate)
}

// Single reports whether the scenario is a single population (no
// [[platform]] tables): a world of one platform named "population".
func (s *Scenario) Single() bool { return s.world.single }

// PlatformNames lists the platforms in file order.
func (s *Scenario) PlatformNames() []string {
	out := make([]string, len(s.world.platforms))
	for k, p := range s.world.platforms {
		out[k] = p.name
	}
	return out
}

// Load reads and validates a scenario file.
func Load(path string) (*Scenario, error) {
	// A scenario is a small text file: a device (/dev/zero), a FIFO or a
	// huge file is refused before it is read, not read until memory or
	// patience runs out.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a file; a scenario is a .toml file", path, fileKind(st.Mode()))
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s has %d bytes; a scenario file has at most %d", path, st.Size(), MaxFileBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileBytes {
		return nil, fmt.Errorf("%s has more than %d bytes; a scenario file has at most %d", path, MaxFileBytes, MaxFileBytes)
	}
	return Parse(path, src)
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// MaxFileBytes bounds a scenario file (the largest built-in has ~2 KB).
const MaxFileBytes = 1 << 20

// Error is a problem at a key of a scenario file.
type Error struct {
	File string
	Line int    // 0 if unknown
	Key  string // dotted key as the file spells it, tables numbered from 1 (platform.2.name); empty for the whole file
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a file, in line order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Defaults of optional keys (documented in scenarios/README.md).
const (
	DefaultSeed        = 1
	DefaultGenerations = 10_000
	DefaultReplicates  = 1
	DefaultRecordEvery = 1
	DefaultInitialA    = 0.5
)

// parser collects errors and warnings while decoding one file. Keys are
// written with 0-based array indices inside ("platform.0.name") and shown
// numbered from 1 (displayKey).
type parser struct {
	file  string
	keys  keyLines
	errs  Errors
	warns []string
	swept map[string]bool // the keys of [sweep], valid or not
	order map[string]int  // every key's position in the document, from 1
	// edgePaths: where a recorded scenario's edge lists were read.
	edgePaths map[string]string
	noFiles   bool // an uploaded scenario: reading files is refused
	// bounds, if set, refuses a platform too costly to build (checked at
	// every point before its graphs are built or its world validated).
	bounds func(sim.PlatformConfig) error
}

func (p *parser) fail(key, format string, a ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: p.lineOf(key), Key: displayKey(key), Msg: fmt.Sprintf(format, a...)})
}

// failField reports a *model.FieldError found at key.
func (p *parser) failField(key string, fe *model.FieldError) { p.fail(key, "%s", fe.Message()) }

func (p *parser) warn(key, format string, a ...any) {
	loc := p.file
	if l := p.lineOf(key); l > 0 {
		loc += fmt.Sprintf(":%d", l)
	}
	p.warns = append(p.warns, fmt.Sprintf("%s: %s: %s", loc, displayKey(key), fmt.Sprintf(format, a...)))
}

var arrayIndex = regexp.MustCompile(`^(platform|migration|event|cross_exposure)\.(\d+)(\.|$)`)

// displayKey numbers array-of-tables elements from 1 for people
// (platform.0.name is the first platform's, shown as platform.1.name), as
// sweep keys count them.
func displayKey(key string) string {
	m := arrayIndex.FindStringSubmatchIndex(key)
	if m == nil {
		return key
	}
	n, _ := strconv.Atoi(key[m[4]:m[5]])
	return key[:m[4]] + strconv.Itoa(n+1) + key[m[5]:]
}

// lineOf finds a key's line, or its nearest enclosing table's (for keys
// reported missing).
func (p *parser) lineOf(key string) int {
	for k := key; k != ""; {
		if l := p.keys.line(k); l > 0 {
			return l
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// Parse decodes and validates a scenario; name is its path or label for
// messages. Every problem is reported at once, with its line: unknown
// keys, values of the wrong type, missing keys and values outside their
// ranges at every sweep point.
func Parse(name string, src []byte) (*Scenario, error) {
	return ParseWithEdges(name, src, nil)
}

// ParseUpload is Parse for a scenario that came from elsewhere (the
// teaching page's upload): it may not name files on this machine, so an
// edges key is refused.
func ParseUpload(name string, src []byte, bounds func(sim.PlatformConfig) error) (*Scenario, error) {
	p := &parser{file: name, keys: scanKeys(string(src)), noFiles: true, bounds: bounds}
	return p.parse(src)
}

// MaxUploadPoints bounds an uploaded scenario's sweep: every point is
// checked when it is read.
const MaxUploadPoints = 1000

// ParseWithEdges is Parse, reading the edge-list files the scenario
// names from the paths edges gives (by the name the scenario writes), as
// a recorded scenario read them when it ran; names it does not give are
// resolved as Parse does.
func ParseWithEdges(name string, src []byte, edges map[string]string) (*Scenario, error) {
	p := &parser{file: name, keys: scanKeys(string(src)), edgePaths: edges}
	return p.parse(src)
}

func (p *parser) parse(src []byte) (*Scenario, error) {
	name := p.file
	var tree map[string]any
	md, err := toml.Decode(string(src), &tree)
	if err != nil {
		// A syntax error leaves nothing to check.
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Errors{{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}}
		}
		return nil, Errors{{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}}
	}
	// Keys in document order (inline tables included), for the order of
	// sweep axes.
	p.order = map[string]int{}
	for i, k := range md.Keys() {
		// Joined unquoted: "platform.x.alpha" = … and platform.x.alpha = …
		// are the same sweep key.
		if s := strings.Join(k, "."); p.order[s] == 0 {
			p.order[s] = i + 1
		}
	}
	sc := &Scenario{File: name, Source: string(src)}
	p.scenario(tree, sc)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			if p.errs[i].Line != p.errs[j].Line {
				return p.errs[i].Line < p.errs[j].Line
			}
			return p.errs[i].Key < p.errs[j].Key
		})
		return nil, p.errs
	}
	sort.Strings(p.warns) // file:line first: line order, the same every time
	sc.Warnings = p.warns
	return sc, nil
}

// topKeys are the keys a scenario file may have at its top level.
var topKeys = []string{"name", "description", "seed", "generations", "replicates", "record_every",
	"model", "population", "platform", "migration", "event", "cross_exposure", "sweep", "fit"}

// usableName reports whether s can name a scenario, and so its default
// output directory out/NAME: no path separators, no "." or ".." (which
// would write into out/ or the working directory), no control
// characters.
func usableName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 100 || strings.HasPrefix(s, ".") || strings.ContainsAny(s, "/\\") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func (p *parser) scenario(tree map[string]any, sc *Scenario) {
	p.known("", tree, topKeys)
	sc.Name = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	if s, ok := p.str("name", tree); ok {
		if !usableName(s) {
			p.fail("name", "%q is not a usable name (1–100 printable characters, no slashes, not starting with a dot: it names the output directory)", s)
		}
		sc.Name = s
	}
	if s, ok := p.str("description", tree); ok {
		sc.Description = s
	}
	sc.Seed = uint64(p.intIn("seed", tree, DefaultSeed, 0, math.MaxInt64, "[0, 2^63)"))
	sc.Replicates = int(p.intIn("replicates", tree, DefaultReplicates, 1, 1_000_000, ""))
	_, sc.RecordEverySet = tree["record_every"]
	sc.RecordEvery = int(p.intIn("record_every", tree, DefaultRecordEvery, 0, math.MaxInt32, ""))
	sc.Run.Generations = int(p.intIn("generations", tree, DefaultGenerations, 1, math.MaxInt32, ""))
	sc.Run.RecordEvery = sc.RecordEvery

	pop := p.table("population", tree)
	sc.Run.Stop = sim.StopRule(p.choice("population.stop", pop, "fixation", "generations"))
	sc.world.seed, sc.world.bounds = sc.Seed, p.bounds
	p.world(tree, &sc.world, sc.Run.Generations)
	p.loadEdges(&sc.world)
	p.swept = map[string]bool{}
	for k := range flattenSweep("", p.table("sweep", tree)) {
		p.swept[k] = true
	}
	// The axes are decoded whatever else is wrong, so that every problem
	// is reported at once and points are checked with their values.
	p.sweep(p.table("sweep", tree), sc)
	p.fit(p.table("fit", tree), sc)
	p.checkRequired(sc)
	// A grid too large to run (or to check point by point) is refused
	// before anything counts its points one by one.
	if points, ok := sc.pointCount(); !ok || points > MaxRuns || points*sc.Replicates > MaxRuns {
		what := "more than 2⁶³ points"
		if ok {
			what = fmt.Sprintf("%d points × %d replicates = %d runs", points, sc.Replicates, points*sc.Replicates)
			if points*sc.Replicates/sc.Replicates != points {
				what = fmt.Sprintf("%d points × %d replicates", points, sc.Replicates)
			}
		}
		key := "sweep"
		if ok && points <= MaxRuns {
			key = "replicates"
		}
		p.fail(key, "%s: more than the %d runs one sweep can hold (split it into several scenarios)", what, MaxRuns)
		sc.Axes, sc.rows = nil, nil // nothing below counts the points
		return
	}
	if p.noFiles && sc.NumPoints() > MaxUploadPoints {
		p.fail("sweep", "%d points; an uploaded scenario has at most %d", sc.NumPoints(), MaxUploadPoints)
		sc.Axes, sc.rows = nil, nil
		return
	}
	// Ranges are checked even when something else is wrong (every
	// problem at once); a key that already has an error is not blamed
	// twice.
	p.checkPoints(sc)
}

// MaxRuns bounds points × replicates: the tables of 10⁷ runs take ~15 GB
// to write (about 1.5 KB a run), the most a workstation or a cluster
// node can hold.
const MaxRuns = 10_000_000
