package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
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
}

func (o *slurmOptions) validate() error {
	switch {
	case o.Tasks < 1 || o.Tasks > 100000:
		return usagef("slurm: --tasks = %d is outside its allowed range [1, 100000]", o.Tasks)
	case o.Workers < 1:
		return usagef("slurm: --workers = %d is outside its allowed range ≥ 1 (CPUs per task)", o.Workers)
	case strings.ContainsAny(o.Partition+o.Time, " \n\t'\""):
		return usagef("slurm: --partition and --time must be single words")
	}
	return nil
}

func cmdSlurm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o slurmOptions
	fs := newFlagSet("slurm", "SCENARIO.toml|BUILTIN --tasks N [--out DIR] [--binary PATH] [--workers W] [--partition P] [--time T]", stdout)
	fs.IntVar(&o.Tasks, "tasks", 0, "array tasks: the sweep is split into this many shards [required]")
	fs.StringVar(&o.Out, "out", "", "directory for the scripts, shards and merged result (default out/NAME-slurm)")
	fs.StringVar(&o.Binary, "binary", "", "culturesim binary the jobs run (default: this one; build it with go build -o culturesim ./cmd/culturesim)")
	fs.IntVar(&o.Workers, "workers", 1, "CPUs (and sweep workers) per task")
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition (default: the cluster's)")
	fs.StringVar(&o.Time, "time", "", "Slurm time limit per task, e.g. 04:00:00 (default: the partition's)")
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
	Tasks  int    `json:"tasks"`
	Runs   int    `json:"runs"`
	Binary string `json:"binary"`
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
	if o.Out == "" {
		o.Out = filepath.Join("out", sc.Name+"-slurm")
	}
	dir, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	if err := artifact.PrepareDir(dir, artifact.KindScript, true); err != nil {
		return usageError{fmt.Errorf("slurm: %w", err)}
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return err
	}
	if err := artifact.WriteFile(filepath.Join(dir, "scenario.toml"), []byte(sc.Source)); err != nil {
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
		return "#!/bin/bash\n" + "#SBATCH --job-name=" + name + "\n" + opt("--partition", o.Partition) + opt("--time", o.Time)
	}
	array := header("culturesim-"+sc.Name) +
		fmt.Sprintf("#SBATCH --array=0-%d\n#SBATCH --cpus-per-task=%d\n#SBATCH --output=%s/logs/shard-%%a.out\n", o.Tasks-1, o.Workers, dir) +
		"set -euo pipefail\n" +
		"# Each task runs one shard; --resume makes a requeued task continue, not restart.\n" +
		fmt.Sprintf("exec %s sweep %s --shard \"${SLURM_ARRAY_TASK_ID}/%d\" --out %s/shards/shard-\"${SLURM_ARRAY_TASK_ID}\" --workers %d --resume --quiet\n",
			q(bin), q(dir+"/scenario.toml"), o.Tasks, q(dir), o.Workers)
	merge := header("culturesim-"+sc.Name+"-merge") +
		fmt.Sprintf("#SBATCH --output=%s/logs/merge.out\n", dir) +
		"set -euo pipefail\n" +
		fmt.Sprintf("exec %s merge %s/shards/shard-* --out %s/merged --force\n", q(bin), q(dir), q(dir))
	submit := "#!/bin/bash\n# Submits the job array, then the merge, which waits for every task to succeed.\nset -euo pipefail\n" +
		fmt.Sprintf("array=$(sbatch --parsable %s/array.sbatch)\n", q(dir)) +
		fmt.Sprintf("merge=$(sbatch --parsable --dependency=afterok:\"${array%%%%;*}\" %s/merge.sbatch)\n", q(dir)) +
		"echo \"array job ${array}, merge job ${merge}\"\n"
	for name, text := range map[string]string{"array.sbatch": array, "merge.sbatch": merge, "submit.sh": submit} {
		if err := artifact.WriteFile(filepath.Join(dir, name), []byte(text)); err != nil {
			return err
		}
		if err := os.Chmod(filepath.Join(dir, name), 0o755); err != nil {
			return err
		}
	}
	man := slurmManifest{Manifest: artifact.Manifest{Schema: artifact.Schema, Kind: artifact.KindScript, Provenance: artifact.NewProvenance(ctx),
		Scenario: artifact.NewScenarioInfo(sc.Name, sc.Description, sc.File, sc.Source),
		Files:    []string{"scenario.toml", "array.sbatch", "merge.sbatch", "submit.sh"}},
		Tasks: o.Tasks, Runs: sc.NumRuns(), Binary: bin}
	if err := artifact.WriteJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs in %d array tasks. Submit with:\n  %s/submit.sh\nThe merged sweep will be in %s/merged.\n", sc.Name, sc.NumRuns(), o.Tasks, dir, dir)
	return nil
}
