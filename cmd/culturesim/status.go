package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
)

func cmdStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("status", "DIR (a run or sweep directory, or the directory culturesim slurm wrote)", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("status: need exactly one directory, got %d arguments", len(pos))
	}
	return runStatus(pos[0], stdout)
}

// statusLine describes one run or sweep directory: its runs done, its
// status, and who is working on it.
func statusLine(dir string) (line string, done, selected int, complete bool) {
	m, err := artifact.ReadResumableManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "not started", 0, 0, false
	case err != nil:
		return "unreadable: " + err.Error(), 0, 0, false
	}
	line = fmt.Sprintf("%d of %d runs, %s", m.DoneRuns, m.SelectedRuns, m.Status)
	if h, alive, ok := artifact.Holder(dir); ok {
		line += fmt.Sprintf(", running now (pid %d on %s, since %s, alive %s ago)", h.PID, h.Host, h.Since.Format(time.RFC3339), alive.Round(time.Second))
	} else if m.Status == "running" {
		line += " (its process is gone: --resume continues it)"
	}
	return line, m.DoneRuns, m.SelectedRuns, m.Status == "complete"
}

func runStatus(dir string, stdout io.Writer) error {
	kind, err := artifact.ManifestKind(dir)
	if err != nil {
		return usagef("status: %s is not a directory culturesim wrote: %v", dir, err)
	}
	if kind != artifact.KindScript {
		line, _, _, _ := statusLine(dir)
		fmt.Fprintf(stdout, "%s (%s): %s\n", dir, kind, line)
		return nil
	}
	var m slurmManifest
	if err := artifact.ReadManifest(dir, &m); err != nil {
		return usagef("status: %s: %v", dir, err)
	}
	complete, done, total := 0, 0, 0
	for i := range m.Tasks {
		line, d, sel, ok := statusLine(filepath.Join(dir, "shards", fmt.Sprintf("shard-%d", i)))
		fmt.Fprintf(stdout, "shard %-4d %s\n", i, line)
		done += d
		total += sel
		if ok {
			complete++
		}
	}
	merged, _, _, _ := statusLine(filepath.Join(dir, "merged"))
	fmt.Fprintf(stdout, "merged     %s\n", merged)
	fmt.Fprintf(stdout, "%d of %d shards complete; %d of the sweep's %d runs done", complete, m.Tasks, done, m.Runs)
	if complete < m.Tasks {
		fmt.Fprintf(stdout, " (%s/resubmit.sh queues the unfinished shards)", dir)
	}
	fmt.Fprintln(stdout)
	return nil
}
