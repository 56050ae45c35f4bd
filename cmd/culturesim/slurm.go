package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// slurmOptions are the flags of "culturesim slurm".
type slurmOptions struct {
	Scenario  string
	Tasks     int
	Out       string
	Binary    string
	Workers   int
	Partition string
	Time      string
	Mem       string
	Account   string
	QOS       string
	MaxRun    int
	Sbatch    []string // further #SBATCH options, verbatim
	Force     bool
}

// sbatchList collects repeated --sbatch options.
type sbatchList struct{ opts *[]string }

func (l sbatchList) String() string { return "" }
func (l sbatchList) Set(v string) error {
	*l.opts = append(*l.opts, v)
	return nil
}

// signalLead is how long before its time limit Slurm sends a task
// SIGTERM: culturesim stops within a second, keeping every finished run.
const signalLead = 120

func (o *slurmOptions) validate() error {
	switch {
	case o.Tasks < 1 || o.Tasks > 100000:
		return usagef("slurm: --tasks = %d is outside its allowed range [1, 100000]", o.Tasks)
	case o.Workers < 1:
		return usagef("slurm: --workers = %d is outside its allowed range ≥ 1 (CPUs per task)", o.Workers)
	case o.MaxRun < 0:
		return usagef("slurm: --max-running = %d is outside its allowed range ≥ 0 (0: no limit)", o.MaxRun)
	case strings.ContainsAny(o.Partition+o.Time+o.Mem+o.Account+o.QOS, " \n\t'\""):
		return usagef("slurm: --partition, --time, --mem, --account and --qos must be single words")
	}
	for _, opt := range o.Sbatch {
		if !strings.HasPrefix(opt, "--") || strings.ContainsAny(opt, "\n\r") {
			return usagef("slurm: --sbatch %q is not one sbatch option (e.g. --sbatch --constraint=avx2)", opt)
		}
		for _, own := range []string{"--array", "--output", "--error", "--job-name", "--dependency", "--signal", "--cpus-per-task"} {
			if opt == own || strings.HasPrefix(opt, own+"=") {
				return usagef("slurm: --sbatch %s: culturesim sets %s itself (it would break the array or the merge)", opt, own)
			}
		}
	}
	if o.Time != "" {
		secs, ok := slurmSeconds(o.Time)
		switch {
		case !ok:
			return usagef("slurm: --time = %q is not a Slurm time (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)", o.Time)
		case secs <= 2*signalLead:
			return usagef("slurm: --time = %s leaves no time to run: tasks are asked to stop %d s before their limit (give more than %d s)", o.Time, signalLead, 2*signalLead)
		}
	}
	return nil
}

// slurmSeconds parses a Slurm time limit.
func slurmSeconds(t string) (int, bool) {
	days := 0
	if d, rest, ok := strings.Cut(t, "-"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, false
		}
		days, t = n, rest
	}
	var f []int
	for _, p := range strings.Split(t, ":") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, false
		}
		f = append(f, n)
	}
	var secs int
	switch {
	case days > 0 && len(f) == 1: // D-HH
		secs = f[0] * 3600
	case days > 0 && len(f) == 2: // D-HH:MM
		secs = f[0]*3600 + f[1]*60
	case len(f) == 1: // MM
		secs = f[0] * 60
	case len(f) == 2: // MM:SS
		secs = f[0]*60 + f[1]
	case len(f) == 3: // HH:MM:SS
		secs = f[0]*3600 + f[1]*60 + f[2]
	default:
		return 0, false
	}
	return days*86400 + secs, true
}

func cmdSlurm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o slurmOptions
	fs := newFlagSet("slurm", "SCENARIO.toml|BUILTIN --tasks N [--out DIR] [--binary PATH] [--workers W] [--partition P] [--time T] [--mem M] [--account A] [--qos Q] [--max-running K] [--sbatch OPT]…", stdout)
	fs.IntVar(&o.Tasks, "tasks", 0, "array tasks: the sweep is split into this many shards [required]")
	fs.StringVar(&o.Out, "out", "", "directory for the scripts, shards and merged result (default out/NAME-slurm)")
	fs.StringVar(&o.Binary, "binary", "", "culturesim binary the jobs run (default: this one; build it with go build -o culturesim ./cmd/culturesim)")
	fs.IntVar(&o.Workers, "workers", 1, "CPUs (and sweep workers) per task")
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition (default: the cluster's)")
	fs.StringVar(&o.Time, "time", "", "Slurm time limit per task, e.g. 04:00:00 (default: the partition's); tasks get SIGTERM 120 s before it and stop cleanly")
	fs.StringVar(&o.Mem, "mem", "", "memory per task, e.g. 4G (sbatch --mem)")
	fs.StringVar(&o.Account, "account", "", "Slurm account to charge")
	fs.StringVar(&o.QOS, "qos", "", "Slurm quality of service")
	fs.IntVar(&o.MaxRun, "max-running", 0, "run at most this many array tasks at once (0: no limit)")
	fs.BoolVar(&o.Force, "force", false, "replace the scripts of another job in --out, discarding its shards and merge")
	fs.Var(sbatchList{&o.Sbatch}, "sbatch", "a further sbatch option for every job, e.g. --sbatch --constraint=avx2 (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("slurm: need exactly one scenario, got %d arguments", len(pos))
	}
	o.Scenario = pos[0]
	if err := o.validate(); err != nil {
		return err
	}
	return runSlurm(ctx, o, stdout, stderr)
}

// slurmManifest is the manifest of a directory of job scripts.
type slurmManifest struct {
	artifact.Manifest
	Tasks        int    `json:"tasks"`
	Runs         int    `json:"runs"`
	Binary       string `json:"binary"`
	BinarySHA256 string `json:"binary_sha256"`
}

// installBinary writes the binary's bytes to dst, executable.
// stageDataFiles copies the edge-list files the scenario names by a
// relative path beside the job's scenario.toml, at that path, so that the
// tasks' copy of the scenario reads the same graphs (the journal's
// scenario hash covers their content: a different file would be refused
// at merge). Absolute paths are left to the cluster's shared file system.
// It returns the copies, relative to dir.
func stageDataFiles(sc *scenarios.Scenario, dir string) ([]string, error) {
	var out []string
	for name, ef := range sc.DataFiles() {
		if filepath.IsAbs(name) {
			continue
		}
		rel := filepath.Clean(name)
		if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, usagef("slurm: edges = %q leaves the scenario's directory; the job cannot copy it beside its scenario: give an absolute path (on a file system the nodes share) or one below the scenario's directory", name)
		}
		b, err := ef.Bytes()
		if err != nil {
			return nil, fmt.Errorf("slurm: %w", err)
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := artifact.WriteFile(dst, b); err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	sort.Strings(out)
	return out, nil
}

func installBinary(exe []byte, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := artifact.WriteFile(dst, exe); err != nil {
		return err
	}
	return os.Chmod(dst, 0o755)
}

func runSlurm(ctx context.Context, o slurmOptions, stdout, stderr io.Writer) error {
	sc, err := openScenario(o.Scenario, stderr)
	if err != nil {
		return err
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		if strings.Contains(exe, "go-build") {
			return usagef("slurm: this culturesim runs from a temporary go run build that jobs cannot use; build one (go build -o culturesim ./cmd/culturesim) and pass --binary ./culturesim")
		}
		o.Binary = exe
	}
	bin, err := filepath.Abs(o.Binary)
	if err != nil {
		return err
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return usagef("slurm: --binary %s is not an executable file", o.Binary)
	}
	if o.Tasks > sc.NumRuns() {
		return usagef("slurm: --tasks = %d is more than the sweep's %d runs (each task needs at least one)", o.Tasks, sc.NumRuns())
	}
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name+"-slurm")
	}
	dir, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	// The path goes into #SBATCH lines (which cannot quote) and is
	// expanded by Slurm's filename patterns (%): refuse what would break
	// or inject into them.
	if i := strings.IndexFunc(dir, func(r rune) bool { return r <= ' ' || r == 0x7f || strings.ContainsRune("%'\"\\$`!;&|<>*?[]{}()#~", r) }); i >= 0 {
		return usagef("slurm: --out %q: %q cannot appear in a path that Slurm scripts name (use letters, digits, / . _ - + , = @ :)", o.Out, dir[i:i+1])
	}
	if err := artifact.PrepareDir(dir, artifact.KindScript, true); err != nil {
		return usageError{fmt.Errorf("slurm: %w", err)}
	}
	// Scripts of another job over its shards would merge two jobs' runs:
	// the same job is rewritten, another only with --force, which
	// discards the shards and the merge.
	exe, err := os.ReadFile(bin)
	if err != nil {
		return fmt.Errorf("slurm: reading %s: %w", bin, err)
	}
	h := sha256.Sum256(exe)
	sum := hex.EncodeToString(h[:])
	var old slurmManifest
	if artifact.ReadManifest(dir, &old) == nil && old.Scenario != nil {
		same := old.Scenario.SHA256 == artifact.ScenarioHash(sc) && old.Tasks == o.Tasks && old.BinarySHA256 == sum
		if shards, _ := filepath.Glob(filepath.Join(dir, "shards", "shard-*")); !same && len(shards) > 0 {
			if !o.Force {
				return usagef("slurm: %s holds the shards of another job (scenario %s, %d tasks, binary %.12s…); choose another --out, or pass --force to discard them",
					dir, old.Scenario.Name, old.Tasks, old.BinarySHA256)
			}
			for _, d := range []string{"shards", "merged"} {
				if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
					return err
				}
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	// The jobs run a copy of the binary beside their scripts: rebuilding
	// culturesim while tasks are queued cannot mix two builds' runs.
	stable := filepath.Join(dir, "bin", "culturesim")
	if err := installBinary(exe, stable); err != nil {
		return fmt.Errorf("slurm: copying %s: %w", bin, err)
	}
	bin = stable
	if err := artifact.WriteFile(filepath.Join(dir, "scenario.toml"), []byte(sc.Source)); err != nil {
		return err
	}
	staged, err := stageDataFiles(sc, dir)
	if err != nil {
		return err
	}
	q := artifact.ShellQuote
	opt := func(flag, v string) string {
		if v == "" {
			return ""
		}
		return "#SBATCH " + flag + "=" + v + "\n"
	}
	header := func(name string) string {
		h := "#!/bin/bash\n" + "#SBATCH --job-name=" + name + "\n" + opt("--partition", o.Partition) + opt("--time", o.Time) +
			opt("--mem", o.Mem) + opt("--account", o.Account) + opt("--qos", o.QOS)
		for _, extra := range o.Sbatch {
			h += "#SBATCH " + extra + "\n"
		}
		return h
	}
	throttle := ""
	if o.MaxRun > 0 {
		throttle = fmt.Sprintf("%%%d", o.MaxRun)
	}
	job := "culturesim-" + strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r|0x20 >= 'a' && r|0x20 <= 'z')) {
			return r
		}
		return '_'
	}, sc.Name)
	array := header(job) +
		fmt.Sprintf("#SBATCH --array=0-%d%s\n#SBATCH --cpus-per-task=%d\n#SBATCH --output=%s/logs/shard-%%a.out\n", o.Tasks-1, throttle, o.Workers, dir) +
		fmt.Sprintf("#SBATCH --signal=B:TERM@%d\n", signalLead) +
		"set -euo pipefail\n" +
		"# Each task runs one shard; --resume makes a requeued task continue, not restart.\n" +
		"# SIGTERM before the time limit stops it cleanly (exit 130, every finished run kept):\n" +
		"# resubmit.sh queues what is unfinished. A task requeued while its killed predecessor's\n" +
		"# lock is fresh (exit 75, busy) waits for the lock to go stale (90 s) and tries again.\n" +
		"pid=\n" +
		"trap '[ -n \"$pid\" ] && kill -TERM \"$pid\" 2>/dev/null' TERM\n" +
		"shard() {\n" +
		fmt.Sprintf("  %s sweep %s --shard \"${SLURM_ARRAY_TASK_ID}/%d\" --out %s/shards/shard-\"${SLURM_ARRAY_TASK_ID}\" --workers %d --resume --quiet &\n",
			q(bin), q(dir+"/scenario.toml"), o.Tasks, q(dir), o.Workers) +
		"  pid=$!\n" +
		"  local rc=0\n" +
		"  wait \"$pid\" || rc=$?\n" +
		"  while kill -0 \"$pid\" 2>/dev/null; do rc=0; wait \"$pid\" || rc=$?; done # a trapped TERM interrupts wait\n" +
		"  return \"$rc\"\n" +
		"}\n" +
		"for attempt in 1 2 3 4 5 6; do\n" +
		"  rc=0\n" +
		"  shard || rc=$?\n" +
		"  [ \"$rc\" -ne 75 ] && exit \"$rc\"\n" +
		"  echo \"shard ${SLURM_ARRAY_TASK_ID} is busy (exit 75); trying again in 30 s\" >&2\n" +
		"  sleep 30\n" +
		"done\n" +
		"exit 75\n"
	merge := header(job+"-merge") +
		fmt.Sprintf("#SBATCH --output=%s/logs/merge.out\n", dir) +
		"set -euo pipefail\n" +
		fmt.Sprintf("exec %s merge %s/shards/shard-* --out %s/merged --force\n", q(bin), q(dir), q(dir))
	// The merge waits for every task to succeed; if one fails, Slurm
	// cancels the merge instead of leaving it pending for ever.
	mergeAfter := fmt.Sprintf("merge=$(sbatch --parsable --kill-on-invalid-dep=yes --dependency=afterok:\"${array%%%%;*}\" %s/merge.sbatch)\n", q(dir))
	submit := "#!/bin/bash\n# Submits the job array, then the merge, which runs when every task has succeeded.\nset -euo pipefail\n" +
		fmt.Sprintf("array=$(sbatch --parsable %s/array.sbatch)\n", q(dir)) + mergeAfter +
		"echo \"array job ${array}, merge job ${merge}\"\n"
	resubmit := "#!/bin/bash\n# Queues again only the shards that are neither complete nor running (a task that\n# failed, was cancelled or hit its time limit), then the merge once every shard is\n# queued or done. Run it as often as needed.\nset -euo pipefail\n" +
		fmt.Sprintf("dir=%s\nbin=%s\n", q(dir), q(bin)) +
		"list=$(\"$bin\" status --queue \"$dir\")\n" +
		"running=$(\"$bin\" status --running \"$dir\")\n" +
		"if [ -z \"$list\" ] && [ -n \"$running\" ]; then\n" +
		"  echo \"shards $running are running; nothing to queue (run this again when they end, if the merge does not follow)\"\n  exit 0\nfi\n" +
		"if [ -z \"$list\" ]; then\n" +
		"  echo \"every shard is complete; queueing the merge\"\n" +
		"  sbatch --parsable \"$dir/merge.sbatch\"\n  exit 0\nfi\n" +
		fmt.Sprintf("array=$(sbatch --parsable --array=\"$list%s\" \"$dir/array.sbatch\")\n", throttle) +
		"if [ -n \"$running\" ]; then\n" +
		"  # The merge must wait for those too, whose jobs this script does not know.\n" +
		"  echo \"shards $list queued again as job ${array}; shards $running are running: run this again when all have ended, to queue the merge\"\n  exit 0\nfi\n" +
		mergeAfter +
		"echo \"shards $list queued again as job ${array}; merge job ${merge}\"\n"
	for name, text := range map[string]string{"array.sbatch": array, "merge.sbatch": merge, "submit.sh": submit, "resubmit.sh": resubmit} {
		if err := artifact.WriteFile(filepath.Join(dir, name), []byte(text)); err != nil {
			return err
		}
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			return err
		}
	}
	man := slurmManifest{Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: artifact.KindScript, Provenance: artifact.NewProvenance(ctx),
		Scenario: artifact.ScenarioOf(sc),
		Files:    append([]string{"scenario.toml", "array.sbatch", "merge.sbatch", "submit.sh", "resubmit.sh", "bin/culturesim"}, staged...)},
		Tasks: o.Tasks, Runs: sc.NumRuns(), Binary: bin, BinarySHA256: sum}
	if err := artifact.WriteJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs in %d array tasks. Submit with:\n  %s/submit.sh\n"+
		"The merged sweep will be in %s/merged; culturesim status %s shows the shards, %s/resubmit.sh queues the unfinished ones.\n",
		sc.Name, sc.NumRuns(), o.Tasks, dir, dir, dir, dir)
	return nil
}
