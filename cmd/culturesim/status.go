package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
)

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("status", "DIR (a run or sweep directory, or the directory culturesim slurm wrote) [--queue|--running]", stdout)
	queue := fs.Bool("queue", false, "for a Slurm job: print only the shards to queue again (not complete, no live process), comma-separated (resubmit.sh uses it)")
	running := fs.Bool("running", false, "for a Slurm job: print only the shards running now, comma-separated")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("status: need exactly one directory, got %d arguments", len(pos))
	}
	if *queue || *running {
		var m slurmManifest
		if kind, err := artifact.ManifestKind(pos[0]); err != nil || kind != artifact.KindScript || artifact.ReadManifest(pos[0], &m) != nil {
			return usagef("status: --queue and --running need the directory culturesim slurm wrote; %s is not one", pos[0])
		}
		q, r := shardStates(pos[0], m.Tasks)
		if *queue {
			fmt.Fprintln(stdout, strings.Join(q, ","))
		} else {
			fmt.Fprintln(stdout, strings.Join(r, ","))
		}
		return nil
	}
	return runStatus(pos[0], stdout)
}

// statusLine describes one run or sweep directory: its runs done, its
// status, and who is working on it (live: a process holds it now).
func statusLine(dir string) (line string, done, selected int, complete, live bool) {
	m, err := artifact.ReadResumableManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "not started", 0, 0, false, false
	case err != nil:
		return "unreadable: " + err.Error(), 0, 0, false, false
	}
	// The journal is ahead of the manifest while a session runs (and after
	// a kill): count its intact entries.
	done = m.DoneRuns
	if sc, err := m.ParseScenario(); err == nil {
		if s, err := artifact.ReadJournal(filepath.Join(dir, artifact.JournalFile), sc.Replicates, nil); err == nil {
			done = len(s.Offsets)
		}
	}
	h, alive, live := artifact.Holder(dir)
	state := m.Status
	switch {
	case live:
		state = fmt.Sprintf("running now (pid %d on %s, since %s, alive %s ago)", h.PID, h.Host, h.Since.Format(time.RFC3339), alive.Round(time.Second))
	case m.Status == "running":
		state = "stopped (its process is gone: --resume continues it)"
	}
	return fmt.Sprintf("%d of %d runs, %s", done, m.SelectedRuns, state), done, m.SelectedRuns, m.Status == "complete" && !live, live
}

// shardStates sorts a Slurm job's shards: those to queue again (not
// complete, no live process) and those running now.
func shardStates(dir string, tasks int) (queue, running []string) {
	for i := range tasks {
		_, _, _, complete, live := statusLine(filepath.Join(dir, "shards", fmt.Sprintf("shard-%d", i)))
		switch {
		case live:
			running = append(running, strconv.Itoa(i))
		case !complete:
			queue = append(queue, strconv.Itoa(i))
		}
	}
	return queue, running
}

func runStatus(dir string, stdout io.Writer) error {
	kind, err := artifact.ManifestKind(dir)
	if err != nil {
		return usagef("status: %s is not a directory culturesim wrote: %v", dir, err)
	}
	if kind != artifact.KindScript {
		line, _, _, _, _ := statusLine(dir)
		fmt.Fprintf(stdout, "%s (%s): %s\n", dir, kind, line)
		return nil
	}
	var m slurmManifest
	if err := artifact.ReadManifest(dir, &m); err != nil {
		return usagef("status: %s: %v", dir, err)
	}
	complete, done, total := 0, 0, 0
	for i := range m.Tasks {
		line, d, sel, ok, _ := statusLine(filepath.Join(dir, "shards", fmt.Sprintf("shard-%d", i)))
		fmt.Fprintf(stdout, "shard %-4d %s\n", i, line)
		done += d
		total += sel
		if ok {
			complete++
		}
	}
	merged, _, _, _, _ := statusLine(filepath.Join(dir, "merged"))
	fmt.Fprintf(stdout, "merged     %s\n", merged)
	fmt.Fprintf(stdout, "%d of %d shards complete; %d of the sweep's %d runs done", complete, m.Tasks, done, m.Runs)
	if complete < m.Tasks {
		fmt.Fprintf(stdout, " (%s/resubmit.sh queues the unfinished shards)", dir)
	}
	fmt.Fprintln(stdout)
	return nil
}
