// Command culturesim simulates the cultural transmission of cooperation:
// the model of Cohen, Lewin-Epstein, Feldman & Ram, Proc. R. Soc. B
// 288:20203162 (2021). Run "culturesim help" for the commands.
//
// Exit status: 0 on success, 1 when a run fails, 2 for invalid input or
// usage, 130 when interrupted (Ctrl-C).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/culturesim/culturesim/internal/artifact"
)

func main() { os.Exit(runMain()) }

// runMain runs the command line with SIGINT and SIGTERM cancelling the
// root context.
func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"analyze":   {"analyse one parameter set of the deterministic model", cmdAnalyze},
		"reproduce": {"regenerate the paper's figure panels", cmdReproduce},
		"run":       {"run the replicates of a scenario (agent-based)", cmdRun},
		"sweep":     {"run a scenario's parameter sweep in parallel, resumably", cmdSweep},
		"validate":  {"check a scenario and count its points and runs", cmdValidate},
		"merge":     {"combine the shards of a sweep", cmdMerge},
		"plot":      {"redraw the plots of saved sweep or run results", cmdPlot},
		"slurm":     {"write Slurm job-array scripts for a sweep", cmdSlurm},
		"serve":     {"teaching mode: a live simulation and its phase diagram in the browser", cmdServe},
		"version":   {"print the version", cmdVersion},
	}
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError marks errors caused by the command line or input files: exit
// status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// run dispatches args to a subcommand and maps its error to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ctx = artifact.WithCommand(ctx, args)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands()[args[1]]; ok {
				return exitCode(ctx, c.run(ctx, []string{"--help"}, stdout, stderr), stderr)
			}
		}
		printHelp(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "culturesim: unknown command %q\n\n", args[0])
		printHelp(stderr)
		return exitUsage
	}
	return exitCode(ctx, c.run(ctx, args[1:], stdout, stderr), stderr)
}

func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "culturesim: interrupted")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "culturesim: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "culturesim: %v\n", err)
		return exitFailure
	}
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "culturesim — cultural transmission of cooperation (Cohen, Lewin-Epstein, Feldman & Ram 2021)")
	fmt.Fprintln(w, "\nUsage: culturesim COMMAND [ARGS]\n\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"culturesim COMMAND --help\" for a command's flags.")
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}
