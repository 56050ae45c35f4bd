package execute

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// Estimate is what the selected runs of a scenario need, roughly (the
// per-agent and per-row costs were measured on this engine: a well-mixed
// agent 6 bytes where migration can reach its platform, and nothing per
// agent where none can; a lattice's or network's memory is sim.LatticeConfig.Bytes,
// 20 bytes a site for the paper's lattice).
type Estimate struct {
	Runs int
	// RunBytes is the largest run's memory (its world and the series it
	// holds until it is journalled); Key names the setting that makes it.
	RunBytes int64
	Key      string
	// TableBytes is the memory of the tables, built at the end.
	TableBytes int64
	// OutputBytes is the size of the files written.
	OutputBytes int64
}

const (
	wellMixedAgentBytes = 8 // measured 6
	// A packed well-mixed platform holds its random-word buffer and little
	// else (sim.TestWellMixedMemory: 2^31 agents step in under 1 MiB).
	wellMixedPackedBytes = 64 << 10
	// A graph drawn per replicate is not built to be estimated: its
	// adjacency is taken at this many bytes a node (a mean degree of 24),
	// its counters at 64 bits.
	unbuiltGraphNodeBytes = 96
	seriesRowBytes        = 80 // a Row of 9 floats and its share of a Record
	tableRunBytes         = 1500
	tablePlatformBytes    = 200
	parquetRowBytes       = 8  // series.parquet: 2.6–7.7 MB per 10⁶ rows
	csvRowBytes           = 80 // series.csv
	runRowBytes           = 400
	journalRowBytes       = 72
	estimatePoints        = 100_000 // points beyond this are sampled
)

// EstimateRuns estimates what opts' selection of sc's runs needs.
func EstimateRuns(sc *scenarios.Scenario, opts Options) Estimate {
	e := Estimate{Runs: len(selected(sc, opts.Selection))}
	points := []int{opts.Selection.Point}
	if opts.Selection.Point < 0 {
		n := sc.NumPoints()
		stride := max(1, n/estimatePoints)
		points = points[:0]
		for i := 0; i < n; i += stride {
			points = append(points, i)
		}
		if last := n - 1; points[len(points)-1] != last {
			points = append(points, last)
		}
	}
	K := len(sc.PlatformNames())
	rowsPerRecord := int64(1)
	if K > 1 {
		rowsPerRecord = int64(K + 1)
	}
	var seriesRows int64
	if opts.RecordEvery > 0 {
		seriesRows = (int64(sc.Run.Generations)/int64(opts.RecordEvery) + 1) * rowsPerRecord
	}
	for _, i := range points {
		var world int64 = 4096
		key := ""
		var biggest int64
		cfg := sc.Point(i)
		for k, pc := range cfg.Platforms {
			b := platformBytes(pc, cfg.Migration.Reaches(k, 0))
			if opts.Deterministic {
				b = 0 // expected frequencies, no agents
			}
			world += b
			if b > biggest {
				biggest, key = b, platformKey(sc, pc)
			}
		}
		if b := world + seriesRows*seriesRowBytes; b > e.RunBytes {
			e.RunBytes, e.Key = b, key
		}
	}
	e.TableBytes = int64(e.Runs) * (tableRunBytes + tablePlatformBytes*int64(K))
	// The journal (every series row as 9 doubles), the tables, the series
	// in Parquet and, where it is written, in CSV.
	e.OutputBytes = int64(e.Runs) * (runRowBytes + seriesRows*(journalRowBytes+parquetRowBytes))
	if opts.Kind == "run" || int64(e.Runs)*seriesRows <= 100_000 {
		e.OutputBytes += int64(e.Runs) * seriesRows * csvRowBytes
	}
	return e
}

// platformBytes is a platform's memory; reachable says whether migration
// can reach it (a well-mixed platform that nothing reaches is packed: its
// agents are counts, at any size).
func platformBytes(pc sim.PlatformConfig, reachable bool) int64 {
	if pc.Kind == sim.KindNetwork {
		// The sites' state, plus the adjacency (shared by the runs of a
		// fixed graph, counted once a worker all the same).
		if g := pc.Graph(); g != nil {
			c := pc.Lattice
			c.Graph = g
			return c.Bytes()
		}
		n := int64(pc.Sites())
		c := pc.Lattice.WithDefaults()
		return n * (sim.SiteBytes(1<<10, c.Rounds, c.Selection) + unbuiltGraphNodeBytes)
	}
	if pc.Kind == sim.KindLattice {
		return pc.Lattice.Bytes()
	}
	if !reachable {
		return wellMixedPackedBytes
	}
	return int64(pc.Agents) * wellMixedAgentBytes
}

func platformKey(sc *scenarios.Scenario, pc sim.PlatformConfig) string {
	what := fmt.Sprintf("%d agents", pc.Agents)
	switch pc.Kind {
	case sim.KindLattice:
		what = fmt.Sprintf("a %d×%d lattice with %d neighbours a site", pc.Lattice.Side, pc.Lattice.Side, pc.Lattice.WithDefaults().MaxNeighbours())
	case sim.KindNetwork:
		what = fmt.Sprintf("a network of %d nodes", pc.Sites())
	}
	if sc.Single() {
		return "population.size (" + what + ")"
	}
	return fmt.Sprintf("platform %q's size (%s)", pc.Name, what)
}

// checkResources refuses what cannot finish on this machine: runs whose
// worlds do not fit in memory with this many workers, tables that do not
// fit at the end, outputs larger than the free space of the directory's
// file system. Where the machine does not say (no /proc/meminfo, no
// statfs), nothing is refused.
func checkResources(sc *scenarios.Scenario, opts Options, workers int) error {
	e := EstimateRuns(sc, opts)
	workers = max(1, min(workers, e.Runs))
	if avail, ok := availableMemory(); ok {
		limit := avail * 9 / 10
		need := int64(workers)*e.RunBytes + e.TableBytes
		switch {
		case e.RunBytes > limit:
			return inputf("%s: one run needs about %s of memory, more than the %s this machine has available (the limit is 90%%); choose a smaller size",
				e.Key, Bytes(e.RunBytes), Bytes(avail))
		case need > limit && e.TableBytes > limit/2:
			return inputf("the tables of %d runs need about %s of memory to write, more than the %s available; split the sweep (fewer points or replicates)",
				e.Runs, Bytes(e.TableBytes), Bytes(avail))
		case need > limit:
			fit := max(1, (limit-e.TableBytes)/e.RunBytes)
			use := fmt.Sprintf("--workers %d or fewer", fit)
			if fit == 1 {
				use = "--workers 1"
			}
			return inputf("%s: each run needs about %s of memory, so %d workers need %s, more than the %s this machine has available; use %s",
				e.Key, Bytes(e.RunBytes), workers, Bytes(need), Bytes(avail), use)
		}
	}
	if free, ok := freeSpace(opts.Dir); ok && e.OutputBytes > free {
		return inputf("the outputs of %d runs need about %s, more than the %s free where %s is; free some space or choose another --out",
			e.Runs, Bytes(e.OutputBytes), Bytes(free), opts.Dir)
	}
	return nil
}

// Bytes renders a size as estimates are given (GB, MB or KB).
func Bytes(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d KB", (b+1023)/1024)
}

// availableMemory and freeSpace are variables so that tests can set the
// machine.
var availableMemory, freeSpace = meminfoAvailable, statfsFree

// meminfoAvailable is the memory this process can have: MemAvailable of
// /proc/meminfo, or less where a cgroup limits it (a Slurm task's --mem,
// a container): memory.max − memory.current (cgroup v2) or
// memory.limit_in_bytes − memory.usage_in_bytes (v1).
func meminfoAvailable() (int64, bool) {
	avail, ok := procMemAvailable()
	if limit, used, cok := cgroupMemory(); cok && (!ok || limit-used < avail) {
		return max(0, limit-used), true
	}
	return avail, ok
}

func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n, err == nil
}

// cgroupMemory is the memory limit and use of this process's cgroup.
func cgroupMemory() (limit, used int64, ok bool) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0, 0, false
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "": // v2
			dir := filepath.Join("/sys/fs/cgroup", parts[2])
			l, lok := readInt(filepath.Join(dir, "memory.max")) // "max" does not parse: no limit
			u, uok := readInt(filepath.Join(dir, "memory.current"))
			if lok && uok {
				return l, u, true
			}
		case strings.Contains(parts[1], "memory"): // v1
			dir := filepath.Join("/sys/fs/cgroup/memory", parts[2])
			l, lok := readInt(filepath.Join(dir, "memory.limit_in_bytes"))
			u, uok := readInt(filepath.Join(dir, "memory.usage_in_bytes"))
			if lok && uok && l < 1<<60 {
				return l, u, true
			}
		}
	}
	return 0, 0, false
}

// procMemAvailable is MemAvailable of /proc/meminfo, in bytes.
func procMemAvailable() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}

// statfsFree is the space free to unprivileged users on the file system
// of dir (or of its nearest existing parent).
func statfsFree(dir string) (int64, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if free, ok := artifact.FreeSpace(d); ok {
			return free, true
		}
		if p := filepath.Dir(d); p == d {
			return 0, false
		}
	}
}
