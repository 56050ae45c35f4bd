// Command culturesim simulates the cultural transmission of cooperation:
// the model of Cohen, Lewin-Epstein, Feldman & Ram, Proc. R. Soc. B
// 288:20203162 (2021). Run "culturesim help" for the commands.
//
// Each subcommand is one file: an options struct, its validate step and a
// runX(ctx, opts, stdout, stderr) error that tests call without the
// command line. One table, exitStatus, maps errors to exit statuses.
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
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/execute"
	"github.com/culturesim/culturesim/internal/paper"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
)

func main() { os.Exit(runMain()) }

// runMain runs the command line with SIGINT and SIGTERM cancelling the
// root context.
func runMain() int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) // SIGHUP: an ssh session closed
	defer signal.Stop(sigs)
	go func() {
		<-sigs
		cancel() // finish the generation in flight, keep every finished run, write the tables
		// A generation of a huge world can take many seconds: a second
		// signal, or signalGrace without an end while runs are still
		// computing, exits at once. That is safe: finished runs are in
		// the journal, every file is replaced atomically, and the next
		// --resume rewrites the tables.
		select {
		case <-sigs:
		case <-time.After(signalGrace):
			// The final tables: let them land, unless asked again.
			for again := false; execute.Writing() && !again; {
				select {
				case <-sigs:
					again = true
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
		fmt.Fprintln(os.Stderr, "culturesim: stopped at once: runs in flight are lost, finished runs are kept (continue with --resume)")
		artifact.ReleaseAll() // a requeued task can take the directory at once
		os.Exit(exitInterrupted)
	}()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// signalGrace is how long a stopped command may take to finish the
// generations in flight before it exits regardless.
const signalGrace = 5 * time.Second

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	args    argKind // what its positional arguments are (help and completion list them)
}

// argKind is what a command's positional arguments name.
type argKind uint8

const (
	argNone     argKind = iota
	argScenario         // a .toml file or a built-in scenario's name
	argPanels           // panel ids of reproduce
	argDirs             // directories culturesim wrote (or writes)
	argShell            // bash, zsh or fish
)

func commands() map[string]command {
	return map[string]command{
		"analyze":     {"analyse one parameter set of the deterministic model", cmdAnalyze, argNone},
		"reproduce":   {"regenerate the paper's figure panels", cmdReproduce, argPanels},
		"run":         {"run the replicates of one point of a scenario (agent-based or deterministic), resumably", cmdRun, argScenario},
		"sweep":       {"run a scenario's parameter sweep in parallel, resumably", cmdSweep, argScenario},
		"validate":    {"check a scenario and count its points and runs", cmdValidate, argScenario},
		"merge":       {"combine the shards of a sweep", cmdMerge, argDirs},
		"plot":        {"redraw the plots of any directory culturesim wrote", cmdPlot, argDirs},
		"slurm":       {"write Slurm job-array scripts for a sweep", cmdSlurm, argScenario},
		"status":      {"show how far a run, a sweep or a Slurm job's shards have come", cmdStatus, argDirs},
		"verify":      {"re-run a finished run or sweep's runs (or a sample) and check they reproduce bit for bit", cmdVerify, argDirs},
		"serve":       {"teaching mode: a live simulation and its phase diagram in the browser", cmdServe, argScenario},
		"version":     {"print the version and the commit it was built from", cmdVersion, argNone},
		"completion":  {"print a shell completion script (bash, zsh or fish)", cmdCompletion, argShell},
		"fit":         {"fit a scenario's [fit] priors to observed data by ABC-SMC, resumably", cmdFit, argScenario},
		"eval":        {"answer JSON-line requests to simulate a scenario at given parameters (for external samplers)", cmdEval, argScenario},
		"sensitivity": {"Sobol or Morris sensitivity indices of a saltelli or morris sweep's outputs", cmdSensitivity, argDirs},
		"bench":       {"time every engine against its random-number floor (and the paper-style NumPy step)", cmdBench, argNone},
		"site":        {"write the teaching page as a static site: the engine compiled to WebAssembly, nothing to install", cmdSite, argDirs},
	}
}

// Exit statuses. 2 is left to the Go runtime (a panic, running out of
// memory), so that a crash never reads as invalid input; 64 and 75 are
// sysexits.h's EX_USAGE and EX_TEMPFAIL.
const (
	exitOK          = 0
	exitFailure     = 1   // a run, a write or the machine failed; verify found results that do not reproduce
	exitUsage       = 64  // invalid input: the command line, a scenario file, an output directory that holds something else
	exitBusy        = 75  // another culturesim holds the output directory: try again when it is done
	exitInterrupted = 130 // SIGINT or SIGTERM: finished work is kept
)

// usageError marks errors caused by the command line: exit status 64.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitStatus is the one table from errors to exit statuses.
func exitStatus(ctx context.Context, err error) int {
	var (
		ue usageError
		se scenarios.Errors
		ie *execute.InputError
		fe *model.FieldError
		me *execute.MismatchError
		le *artifact.LockedError
		xe *scenarios.SetError
	)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &le):
		return exitBusy
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &me):
		return exitFailure
	case errors.As(err, &ue), errors.As(err, &se), errors.As(err, &ie), errors.As(err, &fe), errors.As(err, &xe), errors.Is(err, artifact.ErrNotRuns):
		return exitUsage
	}
	return exitFailure
}

// run dispatches args to a subcommand and maps its error to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ctx = artifact.WithCommand(ctx, args)
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands()[args[1]]; ok {
				return report(ctx, c.run(ctx, []string{"--help"}, stdout, stderr), stderr)
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
	return report(ctx, c.run(ctx, args[1:], stdout, stderr), stderr)
}

// report prints err (if any) and returns the exit status.
func report(ctx context.Context, err error, stderr io.Writer) int {
	code := exitStatus(ctx, err)
	switch {
	case code == exitInterrupted:
		fmt.Fprintln(stderr, "culturesim: interrupted")
	case err != nil && code != exitOK:
		var se scenarios.Errors
		if errors.As(err, &se) {
			fmt.Fprintf(stderr, "culturesim: invalid scenario:\n%s", indent(se.Error(), "  "))
		} else {
			fmt.Fprintf(stderr, "culturesim: %v\n", err)
		}
	}
	return code
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
	fmt.Fprintf(w, "\nBuilt-in scenarios (run, sweep, validate, serve, slurm take a name instead of a file):\n%s", wrapList(scenarios.BuiltinNames()))
	fmt.Fprintf(w, "\nPanels of culturesim reproduce:\n%s", wrapList(paper.SortedIDs(paper.Panels())))
	fmt.Fprintln(w, "\nExit status: 0 success, 1 failure, 64 invalid input, 75 output directory busy, 130 interrupted (never 2: that is a crash).")
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// openScenario loads a scenario (a path, or a built-in name) and prints
// its warnings.
func openScenario(arg string, stderr io.Writer) (*scenarios.Scenario, error) {
	sc, err := scenarios.Open(arg)
	if err != nil {
		var es scenarios.Errors
		if errors.As(err, &es) {
			return nil, err
		}
		return nil, usageError{err}
	}
	for _, w := range sc.Warnings {
		warner(stderr)(w)
	}
	return sc, nil
}

// warner prints warnings as every command does.
func warner(stderr io.Writer) func(string) {
	return func(w string) { fmt.Fprintln(stderr, "culturesim: warning:", w) }
}
