package paper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
)

// Panel is one reproducible panel of the paper's figures.
type Panel struct {
	ID          string // as the paper numbers it: "2a", "S1"
	Description string
	// Sweep marks panels made by long parameter sweeps: they have a quick
	// variant (the default) and the paper's full size (Output.Full).
	Sweep bool
	// Make computes the panel and writes its files through out.
	Make func(ctx context.Context, out *Output) error

	// redraw redraws the panel's figure from the files Make wrote, for
	// Replot; nil for analytic panels, which Replot recomputes.
	redraw func(out *Output, man *PanelManifest) error
}

// Output collects the files of one panel in its own directory,
// DIR/fig<ID>/, and writes the manifest that lists them.
type Output struct {
	Dir     string // the panel's directory
	ID      string // names the files: fig<ID>.png, fig<ID>_<table>.csv
	Full    bool   // for sweep panels: the paper's full size, not the quick variant
	Workers int    // for simulated panels: parallel runs (0: one per CPU)
	// Progress, if set, receives the progress of simulated panels.
	Progress   func(done, total int)
	Provenance artifact.Provenance
	Files      []string // written so far, relative to Dir
}

// BaseName names a panel's directory and files: fig<ID> for the paper's
// panels ("fig2a", "fig4b_quick"), the ID itself for culturesim's own
// ("finite-n").
func BaseName(id string) string {
	if id != "" && (id[0] >= '0' && id[0] <= '9' || len(id) > 1 && id[0] == 'S' && id[1] >= '0' && id[1] <= '9') {
		return "fig" + id
	}
	return id
}

// NewOutput creates the panel's directory, root/BaseName(id).
func NewOutput(root, id string, prov artifact.Provenance) (*Output, error) {
	dir := filepath.Join(root, BaseName(id))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("panel %s: %w", id, err)
	}
	return &Output{Dir: dir, ID: id, Provenance: prov}, nil
}

func (o *Output) add(path string) {
	rel, err := filepath.Rel(o.Dir, path)
	if err != nil {
		rel = path
	}
	o.Files = append(o.Files, rel)
}

// tableName is the file of the panel's table name: fig<ID>_<name>.csv,
// or fig<ID>.csv for an empty name (see BaseName).
func (o *Output) tableName(name string) string {
	base := BaseName(o.ID)
	if name != "" {
		base += "_" + name
	}
	return base + ".csv"
}

// table writes a CSV table of the panel.
func (o *Output) table(name string, t *artifact.Table) error {
	path := filepath.Join(o.Dir, o.tableName(name))
	if err := t.Write(path); err != nil {
		return err
	}
	o.add(path)
	return nil
}

// copyTable copies a table the executor wrote (src) into the panel, byte
// for byte.
func (o *Output) copyTable(name, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	path := filepath.Join(o.Dir, o.tableName(name))
	if err := artifact.WriteFile(path, b); err != nil {
		return err
	}
	o.add(path)
	return nil
}

// figure writes fig<ID>.png and fig<ID>.svg, with the provenance and
// caption embedded.
func (o *Output) figure(f figures.Figure, caption string) error {
	md := artifact.Metadata{
		{"Title", "culturesim panel " + o.ID},
		{"Description", caption},
		{"Source", "After " + figures.Citation},
		{"Software", o.Provenance.Tool + " " + o.Provenance.Version},
		{"Command", o.Provenance.Command},
	}
	files, err := f.Save(filepath.Join(o.Dir, BaseName(o.ID)), md)
	for _, p := range files {
		o.add(p)
	}
	return err
}

// manifest writes manifest.json: what the panel is, how it was made (and
// from which scenario, for a simulated panel), its files, and the
// panel's own fields.
func (o *Output) manifest(panel, title string, sc *artifact.ScenarioInfo, extra map[string]any) error {
	m := PanelManifest{
		Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: artifact.KindPanel, Provenance: o.Provenance, Scenario: sc,
			Files: append([]string(nil), o.Files...)},
		Panel: panel, Title: title, Source: figures.Citation, Regenerate: regenerate(panel, o.Full),
		Extra: extra,
	}
	return artifact.WriteJSON(filepath.Join(o.Dir, artifact.ManifestFile), m)
}

// regenerate is the command that makes a panel again.
func regenerate(panel string, full bool) string {
	cmd := "culturesim reproduce " + panel
	if full {
		cmd += " --full"
	}
	return cmd
}

// PanelManifest is a panel's manifest.json: the base every output has
// (schema, kind "panel", provenance, the scenario of a simulated panel,
// files), what the panel is, and the panel's own fields.
type PanelManifest struct {
	artifact.Manifest
	Panel      string `json:"panel"` // the panel's ID: "2a", "4a"
	Title      string `json:"title"`
	Source     string `json:"source"`     // the paper
	Regenerate string `json:"regenerate"` // the command that makes it again
	// Extra holds the panel's own fields (parameters, grid, data, …),
	// written after the others in key order. Read back, each is its raw
	// JSON (json.RawMessage).
	Extra map[string]any `json:"-"`
}

type panelManifestFields PanelManifest // without the methods

// MarshalJSON writes the common fields, then Extra's in key order.
func (m PanelManifest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(panelManifestFields(m))
	if err != nil {
		return nil, err
	}
	if len(m.Extra) == 0 {
		return b, nil
	}
	var fixed map[string]json.RawMessage
	if err := json.Unmarshal(b, &fixed); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m.Extra))
	for k := range m.Extra {
		if _, clash := fixed[k]; clash {
			return nil, fmt.Errorf("paper: manifest field %q is set twice", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m.Extra[k])
		if err != nil {
			return nil, fmt.Errorf("paper: manifest field %q: %w", k, err)
		}
		buf.WriteByte(',')
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads the common fields and keeps the others in Extra.
func (m *PanelManifest) UnmarshalJSON(b []byte) error {
	var f panelManifestFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	known, _ := json.Marshal(panelManifestFields{Manifest: artifact.Manifest{Scenario: &artifact.ScenarioInfo{}}})
	var fixed map[string]json.RawMessage
	_ = json.Unmarshal(known, &fixed)
	f.Extra = map[string]any{}
	for k, v := range all {
		if _, ok := fixed[k]; !ok {
			f.Extra[k] = v
		}
	}
	*m = PanelManifest(f)
	return nil
}

// extraString reads a string field of Extra ("" if absent).
func (m *PanelManifest) extraString(key string) string {
	var s string
	if raw, ok := m.Extra[key].(json.RawMessage); ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// extraJSON decodes a field of Extra into v.
func (m *PanelManifest) extraJSON(key string, v any) error {
	raw, ok := m.Extra[key].(json.RawMessage)
	if !ok {
		return fmt.Errorf("the manifest has no %s: make the panel again with %s", key, m.Regenerate)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the manifest's %s: %w", key, err)
	}
	return nil
}

// SortedIDs returns panel IDs in the paper's order (1, 2a…, 3d, 4a…, S1…),
// then culturesim's own panels (finite-n).
func SortedIDs[T any](m map[string]T) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	// The paper's main panels, its supplement's, then culturesim's own.
	rank := func(id string) int {
		switch {
		case BaseName(id) == id:
			return 2
		case id[0] == 'S':
			return 1
		}
		return 0
	}
	sort.Slice(ids, func(i, j int) bool {
		if ri, rj := rank(ids[i]), rank(ids[j]); ri != rj {
			return ri < rj
		}
		return ids[i] < ids[j]
	})
	return ids
}

// Panels returns every reproducible panel by ID.
func Panels() map[string]Panel {
	ps := map[string]Panel{}
	for _, p := range AnalyticPanels() {
		ps[p.ID] = p
	}
	for _, p := range append(append(sweepPanels(), fig4c()), networkPanels()...) {
		ps[p.ID] = p
	}
	return ps
}

// AnalyticPanels returns the panels computed from the deterministic
// model (formulas and the modifier recursion: no simulation), by ID.
func AnalyticPanels() map[string]Panel {
	out := map[string]Panel{}
	for _, nm := range regionMaps() {
		out[nm.id] = regionPanel(nm.id, nm.desc, nm.m)
	}
	for _, p := range []Panel{fig1(), fig3d(), figS1(), finiteN()} {
		out[p.ID] = p
	}
	return out
}

// footnote is the source line printed under each reproduced panel.
func footnote(id string) string {
	return "culturesim reproduce " + id + " — after " + figures.Citation + ", Fig. " + id
}
