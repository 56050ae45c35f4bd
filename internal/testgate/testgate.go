// Package testgate names the test suites that need a service or a tool
// a machine may lack (a browser, a Slurm cluster, root, the readers of
// the outputs), and tells the person who ran plain "go test ./..." which
// of them were skipped and how to run them.
//
// go test shows nothing of a passing package but its "ok" line, so a
// skipped suite would go unnoticed. A package whose tests use a gate
// runs them through Main: after they ran, it writes one line for each
// suite skipped to the terminal (/dev/tty), where the person who started
// go test is looking; with no terminal (CI, an editor) it writes nothing.
// With CULTURESIM_SKIPS=FILE the lines are appended to FILE instead,
// which scripts/test.sh prints once at the end.
package testgate

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
)

// A Suite is a group of tests that runs only where Env is 1.
type Suite struct {
	Name string // what the tests check
	Env  string // the variable that enables them
	How  string // what they need, and how to run them
}

// The gated suites (.ci/run sets up and runs all of them).
var (
	Browser = Suite{"browser tests (headless Chromium)", "CULTURESIM_BROWSER", "apt-get install chromium (with it on PATH they run; CULTURESIM_BROWSER=1 requires it)"}
	Slurm   = Suite{"Slurm cluster tests", "CULTURESIM_SLURM", ".ci/slurm/start.sh, then CULTURESIM_SLURM=1"}
	Chaos   = Suite{"chaos tests (kills, a full tmpfs, damaged journals)", "CULTURESIM_CHAOS", "as root: CULTURESIM_CHAOS=1"}
	Readers = Suite{"readers of the outputs (DuckDB, pandas, R)", "CULTURESIM_READERS", "CULTURESIM_READERS=1 CULTURESIM_DUCKDB_NODE=DIR CULTURESIM_PYTHON=python3"}
	Exact   = Suite{"the exact finite chain against the engine at N = 60 and 61", "CULTURESIM_EXACT", "CULTURESIM_EXACT=1"}
)

// Enabled reports whether the suite's variable is set to 1.
func (s Suite) Enabled() bool { return os.Getenv(s.Env) == "1" }

var (
	mu      sync.Mutex
	skipped = map[Suite]bool{}
)

// Skipped records that the suite did not run here (Main reports it).
func Skipped(s Suite) {
	mu.Lock()
	skipped[s] = true
	mu.Unlock()
}

// Require skips t, and records the suite as skipped, unless the suite
// is enabled.
func Require(t *testing.T, s Suite) {
	t.Helper()
	if s.Enabled() {
		return
	}
	Skipped(s)
	t.Skipf("%s: %s", s.Name, s.How)
}

// Main runs the package's tests and reports the suites they skipped;
// use it as TestMain's os.Exit(testgate.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	var lines []string
	for s := range skipped {
		lines = append(lines, fmt.Sprintf("culturesim: skipped %s; to run them: %s\n", s.Name, s.How))
	}
	mu.Unlock()
	sort.Strings(lines)
	if len(lines) == 0 {
		return code
	}
	name, flags := "/dev/tty", os.O_WRONLY
	if f := os.Getenv("CULTURESIM_SKIPS"); f != "" {
		name, flags = f, os.O_WRONLY|os.O_APPEND|os.O_CREATE
	}
	if w, err := os.OpenFile(name, flags, 0o644); err == nil { // no terminal: nobody to tell
		for _, l := range lines {
			w.WriteString(l)
		}
		w.Close()
	}
	return code
}
