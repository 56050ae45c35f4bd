package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// ManifestFile is the manifest's name in every output directory.
const ManifestFile = "manifest.json"

// Schema is the version of the output formats (tables, journal,
// manifests). Bump it when a reader of the old files would misread new
// ones.
const Schema = 3

// Kinds of output directory, as manifests name them.
const (
	KindRun    = "run"   // culturesim run: the replicates of one point
	KindSweep  = "sweep" // culturesim sweep (a shard, or merged)
	KindPanel  = "panel" // one panel of culturesim reproduce
	KindScript = "slurm" // culturesim slurm's job scripts
)

// Manifest is what every manifest.json holds; each kind of output embeds
// it and adds its own fields.
type Manifest struct {
	Schema     int           `json:"schema"`
	Kind       string        `json:"kind"`
	Provenance Provenance    `json:"provenance"`
	Scenario   *ScenarioInfo `json:"scenario,omitempty"`
	Files      []string      `json:"files"`
}

// ScenarioInfo records the scenario an output was made from.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file"`
	SHA256      string `json:"sha256"`
	Text        string `json:"text"`
	// Networks are the graphs of the network platforms, one entry per
	// platform and distinct graph (a sweep over graph settings has
	// several; FirstPoint is the first point that uses it).
	Networks []NetworkInfo `json:"networks,omitempty"`
	// EdgeFiles are the edge-list files the scenario read, with their
	// hashes: the scenario text alone does not fix their content.
	EdgeFiles []EdgeFileInfo `json:"edge_files,omitempty"`
}

// NetworkInfo is one network platform's graph.
type NetworkInfo struct {
	Platform   string `json:"platform"`
	FirstPoint int    `json:"first_point"`
	sim.GraphSummary
}

// EdgeFileInfo is an edge-list file a scenario read.
type EdgeFileInfo struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// NewScenarioInfo records a scenario's name, file and text.
func NewScenarioInfo(name, description, file, text string) *ScenarioInfo {
	return &ScenarioInfo{Name: name, Description: description, File: file, SHA256: TextHash(text), Text: text}
}

// ScenarioOf records a scenario: its name, file and text, its network
// platforms' graphs and the edge-list files it read.
func ScenarioOf(sc *scenarios.Scenario) *ScenarioInfo {
	info := NewScenarioInfo(sc.Name, sc.Description, sc.File, sc.Source)
	type seen struct {
		k int
		g *sim.Graph
	}
	done := map[seen]bool{}
	for i := range sc.NumPoints() {
		cfg := sc.Point(i)
		for k, pc := range cfg.Platforms {
			g := pc.Graph()
			if g == nil || done[seen{k, g}] {
				continue
			}
			done[seen{k, g}] = true
			if sum, ok := pc.Summary(); ok {
				info.Networks = append(info.Networks, NetworkInfo{Platform: pc.Name, FirstPoint: i, GraphSummary: sum})
			}
		}
		if len(info.Networks) == 0 && i == 0 {
			break // no network platform: nothing to record
		}
	}
	names := make([]string, 0, len(sc.EdgeFiles()))
	for n := range sc.EdgeFiles() {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ef := sc.EdgeFiles()[n]
		info.EdgeFiles = append(info.EdgeFiles, EdgeFileInfo{Name: ef.Name, Path: ef.Path, SHA256: ef.SHA256})
	}
	return info
}

// TextHash is the hex sha256 of a text.
func TextHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}

// ReadManifest reads dir/manifest.json into m (any type embedding
// Manifest) and returns its base.
func ReadManifest(dir string, m any) error {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, m); err != nil {
		return fmt.Errorf("%s: damaged %s: %w", dir, ManifestFile, err)
	}
	return nil
}

// ManifestKind reads the kind of dir/manifest.json.
func ManifestKind(dir string) (string, error) {
	var m Manifest
	if err := ReadManifest(dir, &m); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("no %s: %w", ManifestFile, err)
		}
		return "", err
	}
	if m.Kind == "" {
		return "", fmt.Errorf(`%s has no "kind"`, ManifestFile)
	}
	return m.Kind, nil
}

// JSONNumber is x for a JSON document: nil (null) for NaN and ±Inf, which
// JSON cannot hold, and 0 for −0.
func JSONNumber(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	x += 0
	return &x
}
