package paper

import (
	"context"
	"fmt"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
)

// Replot redraws one panel of a reproduce directory without running any
// simulation, with the provenance its manifest records (a redrawn panel
// is the same files, not a new result). Analytic panels are recomputed
// and all their files rewritten, manifest included: they are formulas
// and a deterministic recursion, the same computation as their first
// making, seconds long. Sweep panels (4a, 4b, S2a, S2b) are redrawn from
// their fig<ID>_summary.csv and 4c from its fig4c.csv, with the scenario
// their manifest records; their tables and manifest, which describe the
// runs that made them, are left as they are. It returns the files
// written, relative to dir.
func Replot(dir string) ([]string, error) {
	return replotPanel(dir)
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
func replotPanel(dir string) ([]string, error) {
	man, err := readPanelManifest(dir)
	if err != nil {
		return nil, err
	}
	p, ok := Panels()[man.Panel]
	if !ok {
		return nil, fmt.Errorf("%s: unknown panel %q", dir, man.Panel)
	}
	out := &Output{Dir: dir, ID: fileID(man), Provenance: man.Provenance}
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
