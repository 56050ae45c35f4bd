package scenarios

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// Network platforms' graphs: edge-list files are read once, when the
// scenario is decoded; generated graphs draw from a seed derived from the
// scenario's (see GraphSeed).

//go:embed data/*
var builtinData embed.FS

// DataFile is a file a scenario reads, an edge list or a sweep's design
// (points = FILE): where it was found and the SHA-256 of its bytes,
// recorded with every output as the scenario text is (its content is
// part of what the scenario means).
type DataFile struct {
	Name   string // as the scenario writes it
	Path   string // where it was read ("builtin:data/…" for the built-in data)
	SHA256 string
	Graph  *sim.Graph // an edge list's graph (nil for a design)

	content []byte // a design file's bytes
}

// MaxEdgeFileBytes bounds an edge-list file (before decompression).
const MaxEdgeFileBytes = 1 << 30

// GraphSeed is the seed of platform k's fixed graph: rng.StreamSeed(seed,
// −1−k, 0), a stream no run uses (runs have points ≥ 0), so that every
// point and replicate with the same graph settings shares one graph.
func GraphSeed(seed uint64, k int) uint64 { return rng.StreamSeed(seed, -1-k, 0) }

// loadEdges reads every edge-list file the scenario's layers name: paths
// relative to the scenario file's directory (built-in scenarios read
// their data from the embedded data directory).
func (p *parser) loadEdges(w *world) {
	w.files = map[string]*DataFile{}
	layers := []layer{w.defaults}
	for _, ps := range w.platforms {
		layers = append(layers, ps.own)
	}
	for _, l := range layers {
		a, ok := l["edges"]
		if !ok {
			continue
		}
		name := a.val.Str
		if _, done := w.files[name]; done {
			continue
		}
		ef, err := p.readEdges(name)
		if err != nil {
			p.fail(a.key, "%v", err)
			continue
		}
		w.files[name] = ef
	}
}

func (p *parser) readEdges(name string) (*DataFile, error) {
	return p.readDataFile(name, "an edge-list file", func(path string, r io.Reader) (*sim.Graph, error) {
		g, _, err := sim.ReadEdgeList(path, r)
		return g, err
	})
}

// MaxDesignFileBytes bounds a design file (10⁶ points of a few columns).
const MaxDesignFileBytes = 256 << 20

// readDataFile reads a file the scenario names: relative to the scenario
// file's directory (from the recorded path, for a recorded scenario; from
// the embedded data, for a built-in). parse decodes an edge list as it is
// read; without parse the bytes are kept (a design file).
func (p *parser) readDataFile(name, what string, parse func(path string, r io.Reader) (*sim.Graph, error)) (*DataFile, error) {
	if p.noFiles {
		return nil, &sim.EdgeListError{File: name, Msg: "an uploaded scenario cannot read files on the server; run it from the command line (culturesim serve FILE)"}
	}
	var rd io.Reader
	path := name
	recorded, isRecorded := p.edgePaths[name]
	switch {
	case isRecorded:
		path = recorded
	case strings.HasPrefix(p.file, "builtin:") && !filepath.IsAbs(name):
		path = "builtin:" + name
	case !filepath.IsAbs(name):
		// Relative to the scenario file; recorded absolute, so that its
		// outputs can be replotted and verified from anywhere.
		if abs, err := filepath.Abs(filepath.Join(filepath.Dir(p.file), name)); err == nil {
			path = abs
		}
	}
	limit := int64(MaxEdgeFileBytes)
	if parse == nil {
		limit = MaxDesignFileBytes
	}
	if strings.HasPrefix(path, "builtin:") {
		f, err := builtinData.Open(strings.TrimPrefix(path, "builtin:"))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	} else {
		st, err := os.Stat(path)
		if os.IsNotExist(err) {
			return nil, &sim.EdgeListError{File: path, Msg: "no such file (a relative path is read from the scenario file's directory)"}
		}
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, &sim.EdgeListError{File: path, Msg: fileKind(st.Mode()) + ", not " + what}
		}
		if st.Size() > limit {
			return nil, &sim.EdgeListError{File: path, Msg: fmt.Sprintf("larger than %d MiB", limit>>20)}
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	}
	h := sha256.New()
	df := &DataFile{Name: name, Path: path}
	if parse != nil {
		g, err := parse(path, io.TeeReader(rd, h))
		if err != nil {
			return nil, err
		}
		df.Graph = g
	} else {
		b, err := io.ReadAll(io.TeeReader(io.LimitReader(rd, limit+1), h))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return nil, &sim.EdgeListError{File: path, Msg: fmt.Sprintf("larger than %d MiB", limit>>20)}
		}
		df.content = b
	}
	df.SHA256 = hex.EncodeToString(h.Sum(nil))
	return df, nil
}

// Bytes reads the file's bytes again (for copying it with the scenario),
// checking that they are those the scenario read.
func (ef *DataFile) Bytes() ([]byte, error) {
	var b []byte
	var err error
	if rest, ok := strings.CutPrefix(ef.Path, "builtin:"); ok {
		b, err = builtinData.ReadFile(rest)
	} else {
		b, err = os.ReadFile(ef.Path)
	}
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	if hex.EncodeToString(h[:]) != ef.SHA256 {
		return nil, &sim.EdgeListError{File: ef.Path, Msg: "changed since the scenario was read"}
	}
	return b, nil
}

// DataFiles lists the files the scenario read (edge lists, a design), by
// name.
func (sc *Scenario) DataFiles() map[string]*DataFile { return sc.world.files }

// setGraphs gives every network platform of cfg its fixed graph's seed
// and its edge list's graph, then finishes it (its effective α is its
// graph's).
func (w *world) setGraphs(cfg *sim.WorldConfig) {
	for k := range cfg.Platforms {
		pc := &cfg.Platforms[k]
		if pc.Kind != sim.KindNetwork {
			continue
		}
		pc.Network.Seed = GraphSeed(w.seed, k)
		if ef := w.files[pc.Network.EdgesFile]; ef != nil {
			pc.Network.EdgesGraph = ef.Graph
		}
		if w.bounds != nil && w.bounds(*pc) != nil {
			continue // too costly to build: checkPoints reports it
		}
		pc.Finish()
	}
}

// familyOf is the graph family of a network platform's settings.
func familyOf(eff layer) string {
	if g, ok := eff["graph"]; ok {
		return g.val.Str
	}
	return sim.GraphRegular.String()
}

// familyUses reports whether a network platform's graph family reads
// key; a swept graph family (or key) may read it at some point.
func familyUses(eff layer, key string, swept func(string) bool) bool {
	if swept("graph") || swept(key) {
		return true
	}
	for i, f := range choicesOf("graph") {
		if f == familyOf(eff) {
			return sim.GraphFamily(i).Uses(key)
		}
	}
	return true // an invalid family is reported by itself
}

// anyUses reports whether some network platform's family reads a
// default-level key.
func anyUses(sc *Scenario, key string) bool {
	w := &sc.world
	for k, ps := range w.platforms {
		eff := w.effective(k, sc.axisSets(nil))
		if kindOf(eff) != sim.KindNetwork {
			continue
		}
		if _, own := ps.own[key]; own {
			continue // its own value is checked with it
		}
		if familyUses(eff, key, func(string) bool { return false }) {
			return true
		}
	}
	return false
}

// readers names the graph families that read key.
func readers(key string) string {
	var out []string
	for i, f := range choicesOf("graph") {
		if fam := sim.GraphFamily(i); fam.Uses(key) {
			out = append(out, `graph = "`+f+`"`)
		}
	}
	return strings.Join(out, " and ")
}

func choicesOf(key string) []string {
	s, _ := sim.LookupSetting(key)
	return s.Options
}

// blamedGraph reports whether key is a graph setting of a platform whose
// graph family or edge list is already reported as wrong: its other
// graph errors would follow from a family it did not ask for.
func blamedGraph(key string, blamed map[string]bool) bool {
	i := strings.LastIndex(key, "population.")
	if i < 0 {
		return false
	}
	s, ok := sim.LookupSetting(key[i+len("population."):])
	if !ok || !(s.NetworkOnly || s.Key == "size") {
		return false
	}
	prefix := key[:i]
	return blamed[displayKey(prefix+"population.graph")] || blamed[displayKey(prefix+"population.edges")]
}
