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
	"strings"

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
	SHA256      string `json:"sha256"` // ScenarioHash: the text's, with its edge files' when it has any
	Text        string `json:"text"`
	// Networks are the graphs of the network platforms, one entry per
	// platform and distinct graph (a sweep over graph settings has
	// several; FirstPoint is the first point that uses it).
	Networks []NetworkInfo `json:"networks,omitempty"`
	// DataFiles are the edge-list files the scenario read, with their
	// hashes: the scenario text alone does not fix their content.
	DataFiles []DataFileInfo `json:"edge_files,omitempty"`
}

// NetworkInfo is one network platform's graph.
type NetworkInfo struct {
	Platform   string `json:"platform"`
	FirstPoint int    `json:"first_point"`
	sim.GraphSummary
}

// DataFileInfo is an edge-list file a scenario read.
type DataFileInfo struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// ScenarioHash identifies a scenario: the sha256 of its text, and, when
// it reads edge-list files, of its text followed by each file's name and
// sha256 (in name order), so that a changed edge list is another
// scenario (resume refuses it, verify reports it). A scenario without
// edge lists keeps the text's hash.
func ScenarioHash(sc *scenarios.Scenario) string {
	files := sc.DataFiles()
	if len(files) == 0 {
		return TextHash(sc.Source)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	text := sc.Source
	for _, n := range names {
		text += "\x00edges " + n + " " + files[n].SHA256
	}
	return TextHash(text)
}

// Parse parses the recorded scenario, reading its edge-list files from
// where they were read when it ran (a relative name in the text would
// otherwise be looked for beside the recorded file name, which may be
// relative to another directory).
func (info *ScenarioInfo) Parse() (*scenarios.Scenario, error) {
	paths := map[string]string{}
	for _, ef := range info.DataFiles {
		paths[ef.Name] = ef.Path
	}
	sc, err := scenarios.ParseWithEdges(info.File, []byte(info.Text), paths)
	if err != nil {
		return nil, fmt.Errorf("the recorded scenario no longer parses: %w", err)
	}
	if len(info.DataFiles) > 0 && ScenarioHash(sc) != info.SHA256 {
		var changed []string
		for _, ef := range info.DataFiles {
			if now := sc.DataFiles()[ef.Name]; now != nil && now.SHA256 != ef.SHA256 {
				changed = append(changed, fmt.Sprintf("%s (sha256 %.12s… when it ran, %.12s… now)", ef.Path, ef.SHA256, now.SHA256))
			}
		}
		return nil, fmt.Errorf("edge-list files changed since the runs: %s", strings.Join(changed, ", "))
	}
	return sc, nil
}

// NewScenarioInfo records a scenario's name, file and text.
func NewScenarioInfo(name, description, file, text string) *ScenarioInfo {
	return &ScenarioInfo{Name: name, Description: description, File: file, SHA256: TextHash(text), Text: text}
}

// ScenarioOf records a scenario: its name, file and text, its network
// platforms' graphs and the edge-list files it read.
func ScenarioOf(sc *scenarios.Scenario) *ScenarioInfo {
	info := NewScenarioInfo(sc.Name, sc.Description, sc.File, sc.Source)
	info.SHA256 = ScenarioHash(sc)
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
	names := make([]string, 0, len(sc.DataFiles()))
	for n := range sc.DataFiles() {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		ef := sc.DataFiles()[n]
		info.DataFiles = append(info.DataFiles, DataFileInfo{Name: ef.Name, Path: ef.Path, SHA256: ef.SHA256})
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
