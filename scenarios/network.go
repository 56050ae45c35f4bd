package scenarios

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
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

// EdgeFile is an edge-list file a scenario reads: where it was found, its
// graph and the SHA-256 of its bytes (recorded with every output, as the
// scenario text is).
type EdgeFile struct {
	Name   string // as the scenario writes it
	Path   string // where it was read ("builtin:data/…" for the built-in data)
	SHA256 string
	Graph  *sim.Graph
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
	w.edges = map[string]*EdgeFile{}
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
		if _, done := w.edges[name]; done {
			continue
		}
		ef, err := p.readEdges(name)
		if err != nil {
			p.fail(a.key, "%v", err)
			continue
		}
		w.edges[name] = ef
	}
}

func (p *parser) readEdges(name string) (*EdgeFile, error) {
	var rd io.Reader
	path := name
	if strings.HasPrefix(p.file, "builtin:") && !filepath.IsAbs(name) {
		path = "builtin:" + name
		f, err := builtinData.Open(filepath.ToSlash(name))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	} else {
		if !filepath.IsAbs(name) {
			path = filepath.Join(filepath.Dir(p.file), name)
		}
		st, err := os.Stat(path)
		if os.IsNotExist(err) {
			return nil, &sim.EdgeListError{File: path, Msg: "no such file (a relative edges path is read from the scenario file's directory)"}
		}
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, &sim.EdgeListError{File: path, Msg: fileKind(st.Mode()) + ", not an edge-list file"}
		}
		if st.Size() > MaxEdgeFileBytes {
			return nil, &sim.EdgeListError{File: path, Msg: "larger than 1 GiB"}
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	}
	h := sha256.New()
	g, _, err := sim.ReadEdgeList(path, io.TeeReader(rd, h))
	if err != nil {
		return nil, err
	}
	return &EdgeFile{Name: name, Path: path, SHA256: hex.EncodeToString(h.Sum(nil)), Graph: g}, nil
}

// EdgeFiles lists the edge-list files the scenario read, by name.
func (sc *Scenario) EdgeFiles() map[string]*EdgeFile { return sc.world.edges }

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
		if ef := w.edges[pc.Network.EdgesFile]; ef != nil {
			pc.Network.EdgesGraph = ef.Graph
		}
		pc.Finish()
	}
}
