package paper

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
)

// ErrNoPanels is Replot's error for a directory that holds no panels.
var ErrNoPanels = errors.New("not a reproduce directory")

// Replot redraws the panels of a reproduce directory (the fig<ID>/
// directories under dir), or of one panel's directory, without running
// any simulation. Analytic panels are recomputed and all their files
// rewritten, manifest included: they are formulas and a deterministic
// recursion, the same computation as their first making, seconds long.
// Sweep panels (4a, 4b, S2a, S2b) are redrawn from their
// fig<ID>_summary.csv and 4c from its fig4c.csv, with the scenario their
// manifest records; their tables and manifest, which describe the runs
// that made them, are left as they are. It returns the files written,
// relative to dir.
func Replot(dir string, prov artifact.Provenance) ([]string, error) {
	if kind, err := artifact.ManifestKind(dir); err == nil {
		if kind != artifact.KindPanel {
			return nil, fmt.Errorf("%s holds a culturesim %s, not a panel of culturesim reproduce", dir, kind)
		}
		return replotPanel(dir, prov)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var panels []string
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if kind, err := artifact.ManifestKind(filepath.Join(dir, e.Name())); err == nil && kind == artifact.KindPanel {
			panels = append(panels, e.Name())
		}
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("%s holds no panels of culturesim reproduce (no fig<ID>/%s of kind %q): %w", dir, artifact.ManifestFile, artifact.KindPanel, ErrNoPanels)
	}
	sort.Strings(panels)
	var files []string
	for _, p := range panels {
		written, err := replotPanel(filepath.Join(dir, p), prov)
		for _, f := range written {
			files = append(files, filepath.Join(p, f))
		}
		if err != nil {
			return files, fmt.Errorf("%s: %w", p, err)
		}
	}
	return files, nil
}

// readPanelManifest reads a panel's manifest in this culturesim's schema.
func readPanelManifest(dir string) (*PanelManifest, error) {
	var m PanelManifest
	if err := artifact.ReadManifest(dir, &m); err != nil {
		return nil, err
	}
	if m.Kind != artifact.KindPanel {
		return nil, fmt.Errorf("%s holds a culturesim %q, not a panel", dir, m.Kind)
	}
	if m.Schema != artifact.Schema {
		return nil, fmt.Errorf("%s was written with output schema %d; this culturesim reads schema %d: make the panel again with %s",
			dir, m.Schema, artifact.Schema, m.Regenerate)
	}
	return &m, nil
}

// replotPanel redraws one panel's directory.
func replotPanel(dir string, prov artifact.Provenance) ([]string, error) {
	man, err := readPanelManifest(dir)
	if err != nil {
		return nil, err
	}
	p, ok := Panels()[man.Panel]
	if !ok {
		return nil, fmt.Errorf("%s: unknown panel %q", dir, man.Panel)
	}
	out := &Output{Dir: dir, ID: fileID(man), Provenance: prov}
	if p.redraw == nil {
		err = p.Make(context.Background(), out)
		if err == nil {
			out.Files = append(out.Files, artifact.ManifestFile)
		}
	} else {
		err = p.redraw(out, man)
	}
	return out.Files, err
}

// fileID is the ID a panel's files are named by (fig<ID>.png): the
// panel's, or its directory's for a quick variant (4a_quick).
func fileID(man *PanelManifest) string {
	for _, f := range man.Files {
		if strings.HasPrefix(f, "fig") && strings.HasSuffix(f, ".png") {
			return strings.TrimSuffix(strings.TrimPrefix(f, "fig"), ".png")
		}
	}
	return man.Panel
}
