package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/culturesim/culturesim/internal/version"
	"github.com/culturesim/culturesim/sim"
)

// The paper-style NumPy lattice step (MODEL.md §6), run by bench when
// python3 with NumPy is present.
//
//go:embed bench_numpy.py
var benchNumpy []byte

// benchOptions are the flags of "culturesim bench".
type benchOptions struct {
	Runs   int
	MinRun time.Duration
	Quick  bool
	Only   string
	NumPy  string // "auto", "off", or the path of a python3 script of the same protocol
	Python string
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := benchOptions{}
	fs := newFlagSet("bench", "[--runs N] [--min-run D] [--quick] [--only NAME,…] [--numpy auto|off|SCRIPT.py]", stdout)
	fs.IntVar(&o.Runs, "runs", 6, "timed runs per case; the table gives their median")
	fs.DurationVar(&o.MinRun, "min-run", 300*time.Millisecond, "the least duration of one timed run (whole generations)")
	fs.BoolVar(&o.Quick, "quick", false, "skip the large cases (L = 4000, the 10⁶-node graphs: seconds to build, up to 306 MiB)")
	fs.StringVar(&o.Only, "only", "", "comma-separated case names (or parts of names) to run")
	fs.StringVar(&o.NumPy, "numpy", "auto", `time the paper-style NumPy lattice step too: "auto" (when python3 imports numpy), "off", or a script of your own taking SIDE GENERATIONS SEED and printing {"us_per_generation": t}`)
	fs.StringVar(&o.Python, "python", "python3", "the Python interpreter for --numpy")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("bench: takes no arguments, got %q", pos)
	}
	if o.Runs < 1 || o.Runs > 1000 {
		return usagef("bench: --runs = %d is outside its allowed range [1, 1000]", o.Runs)
	}
	if o.MinRun <= 0 || o.MinRun > time.Minute {
		return usagef("bench: --min-run = %s is outside its allowed range (0, 1m]", o.MinRun)
	}
	if o.NumPy != "auto" && o.NumPy != "off" {
		// Checked before the table runs, so that a typo costs nothing.
		if _, err := os.Stat(o.NumPy); err != nil {
			return usagef("bench: --numpy = %q: %v (want auto, off, or a script's path)", o.NumPy, err)
		}
	}
	return runBench(ctx, o, stdout, stderr)
}

func runBench(ctx context.Context, o benchOptions, stdout, stderr io.Writer) error {
	// One core, as the speed targets are stated: the engines are
	// single-threaded, and a second core would only add the garbage
	// collector's noise.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var cases []sim.BenchCase
	for _, c := range sim.BenchCases() {
		if (o.Quick && c.Large) || !benchSelected(c.Name, o.Only) {
			continue
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return usagef("bench: --only = %q matches no case (cases: %s)", o.Only, benchNames())
	}
	wordNs := sim.WordCost(o.Runs, o.MinRun)
	fmt.Fprintf(stdout, "culturesim %s\n", version.Long())
	fmt.Fprintf(stdout, "bench: one core; medians of %d runs of ≥ %s (whole generations)\n", o.Runs, o.MinRun)
	fmt.Fprintf(stdout, "one random word (xoshiro256++ Fill, blocks of 1024): %.3f ns; floor = words × %.3f ns\n", wordNs, wordNs)
	if big := slices.MaxFunc(cases, func(a, b sim.BenchCase) int { return a.Sites - b.Sites }); big.Sites >= 1_000_000 {
		// The memory side of the floor, for the cases too large for the
		// cache: their initiators' state lies at random sites.
		fmt.Fprintf(stdout, "one random load (16-bit counter among %d sites, independent loads): %.1f ns\n",
			big.Sites, sim.LoadCost(big.Sites, o.Runs, o.MinRun))
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| engine | sites | µs/generation | ns/site | words/generation | floor µs | ratio | MiB |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := sim.RunBench(c, o.Runs, o.MinRun, wordNs)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "| %s | %d | %s | %s | %d | %s | %.2f | %.0f |\n",
			res.Name, res.Sites, fixedOrSig(us(res.PerGen), 1), fixedOrSig(res.NsPerSite, 2), res.Words, fixedOrSig(us(res.Floor), 1), res.Ratio, float64(res.MemBytes)/(1<<20))
	}
	if o.NumPy == "off" {
		return nil
	}
	t, err := benchNumPy(ctx, o)
	if err != nil && o.NumPy == "auto" && o.Python == "python3" {
		// A python3 on PATH without NumPy (a virtual environment, pyenv)
		// may hide Debian's, which python3-numpy serves.
		if _, serr := os.Stat("/usr/bin/python3"); serr == nil {
			o.Python = "/usr/bin/python3"
			if t2, err2 := benchNumPy(ctx, o); err2 == nil {
				t, err = t2, nil
			}
		}
	}
	if err != nil {
		if o.NumPy == "auto" {
			fmt.Fprintf(stdout, "\nNumPy lattice step: skipped (%v)\n", err)
			return nil
		}
		return err
	}
	fmt.Fprintf(stdout, "| numpy-lattice-100-global (MODEL.md §6, Python loop over sites) | 10000 | %.1f | %.2f | | | | |\n", t, t*1000/10000)
	return nil
}

// benchNumPy runs the NumPy step on a 100 × 100 lattice and returns its µs
// per generation.
func benchNumPy(ctx context.Context, o benchOptions) (float64, error) {
	script := o.NumPy
	if script == "auto" {
		dir, err := os.MkdirTemp("", "culturesim-bench-")
		if err != nil {
			return 0, err
		}
		defer os.RemoveAll(dir)
		script = filepath.Join(dir, "bench_numpy.py")
		if err := os.WriteFile(script, benchNumpy, 0o644); err != nil {
			return 0, err
		}
	}
	cmd := exec.CommandContext(ctx, o.Python, script, "100", "3", "1")
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			lines := strings.Split(strings.TrimSpace(string(ee.Stderr)), "\n")
			msg = lines[len(lines)-1]
		}
		return 0, fmt.Errorf("%s %s: %s", o.Python, filepath.Base(script), msg)
	}
	var res struct {
		US float64 `json:"us_per_generation"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(string(out))), &res); err != nil || res.US <= 0 {
		return 0, fmt.Errorf("%s printed %q, not {\"us_per_generation\": t}", filepath.Base(script), strings.TrimSpace(string(out)))
	}
	return res.US, nil
}

func benchSelected(name, only string) bool {
	if only == "" {
		return true
	}
	for _, part := range strings.Split(only, ",") {
		if part = strings.TrimSpace(part); part != "" && strings.Contains(name, part) {
			return true
		}
	}
	return false
}

func benchNames() string {
	var names []string
	for _, c := range sim.BenchCases() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

// fixedOrSig formats x with d decimals, or, below 1 (a packed well-mixed
// generation, a fraction of a nanosecond an agent), with three
// significant digits, so that no row shows a cost of 0.
func fixedOrSig(x float64, d int) string {
	if x == 0 || math.Abs(x) >= 1 {
		return strconv.FormatFloat(x, 'f', d, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}
