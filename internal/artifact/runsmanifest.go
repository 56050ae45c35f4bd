package artifact

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/culturesim/culturesim/scenarios"
)

// Session is one invocation that worked on a directory.
type Session struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Command  string    `json:"command"`
	Workers  int       `json:"workers"`
	RunsDone int       `json:"runs_done"`
	Status   string    `json:"status"`
}

// RunsManifest is DIR/manifest.json of a run or sweep directory.
type RunsManifest struct {
	Manifest
	Status         string     `json:"status"`
	Seed           uint64     `json:"seed"`
	SeedDerivation string     `json:"seed_derivation"`
	Selection      Selection  `json:"selection"`
	MergedFrom     []string   `json:"merged_from,omitempty"`
	Points         int        `json:"points"`
	Replicates     int        `json:"replicates"`
	TotalRuns      int        `json:"total_runs"`
	SelectedRuns   int        `json:"selected_runs"`
	DoneRuns       int        `json:"done_runs"`
	RecordEvery    int        `json:"record_every"`
	Deterministic  bool       `json:"deterministic,omitempty"`
	Axes           []AxisInfo `json:"axes"`
	Platforms      []string   `json:"platforms"`
	Sessions       []Session  `json:"sessions"`
	Warnings       []string   `json:"warnings,omitempty"`
}

// AxisInfo records a sweep axis.
type AxisInfo struct {
	Key    string   `json:"key"`
	Label  string   `json:"label"`
	Values []string `json:"values"`
}

// ErrNotRuns is returned by ReadRunsManifest for a directory that does
// not hold runs (or holds them in another schema).
var ErrNotRuns = errors.New("not a directory of runs")

// ReadRunsManifest reads the manifest of a run or sweep directory whose
// tables are in this build's schema.
func ReadRunsManifest(dir string) (*RunsManifest, error) { return readRunsManifest(dir, false) }

// ReadResumableManifest reads the manifest of a run or sweep directory to
// resume or replace it, accepting an older output schema: a resume reads
// only the journal, whose own format line and header ReadJournal checks,
// and writes every table anew in Schema, so a sweep made by an older
// build is finished (or its tables rewritten) rather than run again.
func ReadResumableManifest(dir string) (*RunsManifest, error) { return readRunsManifest(dir, true) }

// JournalCompatible reports (nil) whether a journal that a build of
// output schema schema wrote for the runs hdr describes holds what this
// build journals for them, so that resuming it gives a fresh run's
// tables; the error says what differs. Every bump of Schema adds what
// older journals lack here.
func JournalCompatible(schema int, hdr JournalHeader) error {
	switch {
	case schema == Schema:
		return nil
	case schema == 2 && hdr.RecordEvery == 0 && !hdr.Deterministic:
		// Schema 3 changed the tables, and two recorded values: series'
		// mean fitness and every number of the deterministic counterpart,
		// now rounded to TidyDigits. Runs without either are the same.
		return nil
	case schema == 2:
		return fmt.Errorf("its journal holds series values (mean fitness, the deterministic counterpart) unrounded, which this build rounds to %d digits", TidyDigits)
	}
	return fmt.Errorf("its journal may hold runs this build computes differently (schema %d, this build writes %d)", schema, Schema)
}

func readRunsManifest(dir string, older bool) (*RunsManifest, error) {
	var m RunsManifest
	if err := ReadManifest(dir, &m); err != nil {
		return nil, err
	}
	if m.Kind != KindRun && m.Kind != KindSweep {
		return nil, fmt.Errorf("%s holds a culturesim %q: %w", dir, m.Kind, ErrNotRuns)
	}
	if m.Schema > Schema || (m.Schema != Schema && !older) || m.Schema < 1 {
		return nil, fmt.Errorf("%s was written with output schema %d; this culturesim reads schema %d (a newer schema needs a newer culturesim; an older one is rewritten from its journal by --resume, or by reproduce): %w", dir, m.Schema, Schema, ErrNotRuns)
	}
	if m.Scenario == nil {
		return nil, fmt.Errorf("%s: the manifest records no scenario: %w", dir, ErrNotRuns)
	}
	return &m, nil
}

// ResumeCommand is the command that continues the directory: the one
// that made it, with --resume (and without --force), or as it was for
// culturesim reproduce, which resumes its panels' directories itself;
// "" where the manifest records none.
func (m *RunsManifest) ResumeCommand() string {
	if len(m.Sessions) == 0 || m.Sessions[0].Command == "" {
		return ""
	}
	var out []string
	fields := strings.Fields(m.Sessions[0].Command)
	for _, a := range fields {
		if a != "--force" && a != "-force" && a != "--resume" && a != "-resume" {
			out = append(out, a)
		}
	}
	if len(fields) > 1 && fields[1] == "reproduce" {
		// A panel's work directory: reproduce resumes it by itself.
		return strings.Join(out, " ")
	}
	return strings.Join(append(out, "--resume"), " ")
}

// ParseScenario parses the scenario a manifest recorded, reading its
// edge-list files where they were read when it ran.
func (m *Manifest) ParseScenario() (*scenarios.Scenario, error) {
	if m.Scenario == nil {
		return nil, errors.New("the manifest records no scenario")
	}
	return m.Scenario.Parse()
}
