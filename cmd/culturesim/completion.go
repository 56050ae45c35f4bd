package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/internal/paper"
	"github.com/culturesim/culturesim/scenarios"
)

// completionOptions are the flags of "culturesim completion".
type completionOptions struct{ Shell string }

func cmdCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("completion", "bash|zsh|fish", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("completion: name one shell: bash, zsh or fish (e.g. source <(culturesim completion bash))")
	}
	return runCompletion(ctx, completionOptions{Shell: pos[0]}, stdout)
}

// completionData is what the scripts complete: the subcommands, each
// one's flags (read from its own --help, so they cannot drift), the
// built-in scenarios and the panels.
type completionData struct {
	commands  []string
	flags     map[string][]string
	scenarios []string
	panels    []string
}

var helpFlag = regexp.MustCompile(`(?m)^  --([a-z][a-z0-9-]*)`)

func newCompletionData(ctx context.Context) completionData {
	d := completionData{flags: map[string][]string{}, scenarios: scenarios.BuiltinNames(), panels: paper.SortedIDs(paper.Panels())}
	for name, c := range commands() {
		d.commands = append(d.commands, name)
		var buf bytes.Buffer
		_ = c.run(ctx, []string{"--help"}, &buf, io.Discard)
		for _, m := range helpFlag.FindAllStringSubmatch(buf.String(), -1) {
			d.flags[name] = append(d.flags[name], "--"+m[1])
		}
	}
	sort.Strings(d.commands)
	return d
}

func runCompletion(ctx context.Context, o completionOptions, stdout io.Writer) error {
	d := newCompletionData(ctx)
	var script string
	switch o.Shell {
	case "bash":
		script = d.bash()
	case "zsh":
		script = d.zsh()
	case "fish":
		script = d.fish()
	default:
		return usagef("completion: unknown shell %q: bash, zsh or fish", o.Shell)
	}
	_, err := io.WriteString(stdout, script)
	return err
}

// words of one command's positional candidates.
func (d completionData) positional(cmd string) string {
	if cmd == "help" {
		return strings.Join(d.commands, " ")
	}
	switch commands()[cmd].args {
	case argScenario:
		return strings.Join(d.scenarios, " ")
	case argPanels:
		return strings.Join(d.panels, " ")
	case argShell:
		return "bash zsh fish"
	}
	return ""
}

// shq quotes s for bash, zsh and fish alike: in single quotes, each
// single quote in s closed, escaped with a backslash and reopened.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (d completionData) bash() string {
	var b strings.Builder
	b.WriteString("# bash completion for culturesim (culturesim completion bash); source it, e.g. from ~/.bashrc:\n#   source <(culturesim completion bash)\n")
	b.WriteString("_culturesim() {\n\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n")
	fmt.Fprintf(&b, "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))\n\t\treturn\n\tfi\n", shq(strings.Join(append(append([]string{}, d.commands...), "help", "--help", "--version"), " ")))
	b.WriteString("\tlocal flags= words=\n\tcase $cmd in\n")
	for _, c := range d.commands {
		fmt.Fprintf(&b, "\t%s) flags=%s; words=%s ;;\n", c, shq(strings.Join(d.flags[c], " ")), shq(d.positional(c)))
	}
	fmt.Fprintf(&b, "\thelp) words=%s ;;\n", shq(d.positional("help")))
	// Names and flags have no spaces; file names may: when nothing of
	// ours matches, "-o default" hands the word to readline's own file
	// completion, which quotes them.
	b.WriteString("\tesac\n\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n\telse\n\t\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n\tfi\n}\n")
	b.WriteString("complete -o default -F _culturesim culturesim\n")
	return b.String()
}

func (d completionData) zsh() string {
	var b strings.Builder
	b.WriteString("#compdef culturesim\n# zsh completion for culturesim (culturesim completion zsh): put it on $fpath as _culturesim, or\n#   source <(culturesim completion zsh)\n")
	b.WriteString("_culturesim() {\n\tlocal -a cmds\n\tif (( CURRENT == 2 )); then\n\t\tcmds=(")
	cmds := commands()
	for _, c := range d.commands {
		fmt.Fprintf(&b, "%s ", shq(c+":"+cmds[c].summary))
	}
	b.WriteString(shq("help:list the commands, or one command's flags") + ")\n\t\t_describe command cmds\n\t\treturn\n\tfi\n\tcase $words[2] in\n")
	for _, c := range append(append([]string{}, d.commands...), "help") {
		fmt.Fprintf(&b, "\t%s) compadd -- %s %s; _files ;;\n", c, strings.Join(d.flags[c], " "), d.positional(c))
	}
	// Autoloaded from $fpath as _culturesim, the file is the function's
	// body's first call: complete now; sourced, register the function.
	b.WriteString("\tesac\n}\nif [ \"$funcstack[1]\" = _culturesim ]; then\n\t_culturesim \"$@\"\nelse\n\tcompdef _culturesim culturesim\nfi\n")
	return b.String()
}

func (d completionData) fish() string {
	var b strings.Builder
	b.WriteString("# fish completion for culturesim (culturesim completion fish > ~/.config/fish/completions/culturesim.fish)\n")
	b.WriteString("complete -c culturesim -f\n")
	cmds := commands()
	for _, c := range d.commands {
		fmt.Fprintf(&b, "complete -c culturesim -n __fish_use_subcommand -a %s -d %s\n", c, shq(cmds[c].summary))
	}
	for _, c := range d.commands {
		for _, f := range d.flags[c] {
			fmt.Fprintf(&b, "complete -c culturesim -n '__fish_seen_subcommand_from %s' -l %s\n", c, strings.TrimPrefix(f, "--"))
		}
		if w := d.positional(c); w != "" {
			fmt.Fprintf(&b, "complete -c culturesim -n '__fish_seen_subcommand_from %s' -a %s\n", c, shq(w))
		}
		if a := cmds[c].args; a == argScenario || a == argDirs {
			fmt.Fprintf(&b, "complete -c culturesim -n '__fish_seen_subcommand_from %s' -F\n", c)
		}
	}
	return b.String()
}
