package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/culturesim/culturesim/internal/paper"
	"github.com/culturesim/culturesim/internal/progress"
	"github.com/culturesim/culturesim/scenarios"
)

// errHelp is returned after a command printed its help on request.
var errHelp = errors.New("help requested")

// flagSet is a flag set that reports errors instead of exiting, and prints
// its usage only when asked (--help).
type flagSet struct {
	*flag.FlagSet
	name, synopsis string
	w              io.Writer
}

// Help (--help) goes to w, normally stdout.
func newFlagSet(name, synopsis string, w io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once, by run
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, name: name, synopsis: synopsis, w: w}
}

func (fs *flagSet) printUsage() {
	fmt.Fprintf(fs.w, "Usage: culturesim %s %s\n", fs.name, fs.synopsis)
	if s := commands()[fs.name].summary; s != "" {
		fmt.Fprintf(fs.w, "\n%s%s.\n", strings.ToUpper(s[:1]), s[1:])
	}
	fmt.Fprintln(fs.w, "\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintf(fs.w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		if d := f.DefValue; d != "" && d != "false" && d != "0" {
			fmt.Fprintf(fs.w, " (default %s)", d)
		}
		fmt.Fprintln(fs.w)
	})
	if strings.Contains(fs.synopsis, "BUILTIN") {
		fmt.Fprintf(fs.w, "\nBuilt-in scenarios (a name instead of a file):\n%s", wrapList(scenarios.BuiltinNames()))
	}
	if commands()[fs.name].args == argPanels {
		fmt.Fprintf(fs.w, "\nPanels:\n%s", wrapList(paper.SortedIDs(paper.Panels())))
	}
}

// wrapList prints names in indented lines of at most 78 characters.
func wrapList(names []string) string {
	var b strings.Builder
	line := " "
	for _, n := range names {
		if len(line)+1+len(n) > 78 {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + n
	}
	return b.String() + line + "\n"
}

// parseArgs parses flags that may come before, between or after positional
// arguments ("run SCENARIO.toml --out DIR") and returns the positionals.
// "--" ends flag parsing.
func parseArgs(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return nil, errHelp
			}
			return nil, usagef("%s: %v (see culturesim %s --help)", fs.name, err, fs.name)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first non-flag, or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// floatFlag is a required or optional float flag that rejects NaN and
// infinities and remembers whether it was given.
type floatFlag struct {
	v   float64
	set bool
}

func (f *floatFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.v, 'g', -1, 64)
}

func (f *floatFlag) Set(s string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%q is not a finite number", s)
	}
	f.v, f.set = x, true
	return nil
}

// countFlag is an optional whole-number flag that remembers whether it
// was given (so that an explicit 0 is judged, not taken for absence);
// domain ("a whole number in [2, 1000000]") ends its parse errors.
type countFlag struct {
	v      int
	set    bool
	domain string
}

func (f *countFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.Itoa(f.v)
}

func (f *countFlag) Set(s string) error {
	t := strings.TrimSpace(s)
	x, err := strconv.Atoi(t)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return fmt.Errorf("%q is too large: %s", s, f.domain)
	case err != nil:
		if _, ferr := strconv.ParseFloat(t, 64); ferr == nil {
			return fmt.Errorf("%q is not written as a whole number in digits: %s", s, f.domain)
		}
		return fmt.Errorf("%q is not a number: %s", s, f.domain)
	}
	f.v, f.set = x, true
	return nil
}

// progressOption is --progress and --quiet, for the commands that run
// simulations; --quiet implies --progress=none unless --progress is given.
type progressOption struct {
	Progress string // auto, json or none ("": auto)
	Quiet    bool
	mode     progress.Mode
}

func (p *progressOption) register(fs *flagSet, quietHelp string) {
	fs.StringVar(&p.Progress, "progress", "",
		"progress on stderr: auto (a bar on a terminal, a line every 10 s otherwise; the default), json (one JSON object a second: label, done, total, rate, eta_seconds, elapsed_seconds; given with --quiet, JSON progress and nothing else) or none (the default with --quiet)")
	fs.BoolVar(&p.Quiet, "quiet", false, quietHelp)
}

// check validates --progress for command cmd and settles the mode: an
// explicit --progress wins over --quiet (a wrapper that wants JSON
// progress and no chatter passes both).
func (p *progressOption) check(cmd string) error {
	p.mode = progress.Auto
	if p.Quiet {
		p.mode = progress.None
	}
	if p.Progress == "" {
		return nil
	}
	m, ok := progress.ParseMode(p.Progress)
	if !ok {
		var names []string
		for _, m := range progress.Modes {
			names = append(names, string(m))
		}
		return usagef("%s: --progress = %q is not one of %s", cmd, p.Progress, strings.Join(names, ", "))
	}
	p.mode = m
	return nil
}

// reporter is the progress reporter the flags ask for (nil: none); check
// must have run.
func (p *progressOption) reporter(stderr io.Writer, label string) *progress.Reporter {
	if p.mode == "" {
		panic("progressOption.reporter called before check")
	}
	return progress.NewMode(stderr, label, p.mode)
}

// flagGiven reports whether the command line set the named flag.
func flagGiven(fs *flagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
