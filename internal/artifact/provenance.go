package artifact

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strings"

	"github.com/culturesim/culturesim/internal/version"
)

// Provenance says what made an output file.
type Provenance struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	Go      string `json:"go"`
	Command string `json:"command"`
}

type commandKey struct{}

// WithCommand records in ctx the arguments culturesim was invoked with
// (without argv[0]), for the provenance of the files it writes.
func WithCommand(ctx context.Context, args []string) context.Context {
	return context.WithValue(ctx, commandKey{}, append([]string(nil), args...))
}

// NewProvenance describes this build and the command recorded in ctx by
// WithCommand (or, failing that, os.Args), with argv[0] shown as
// "culturesim" since `go run` gives it a temporary name.
func NewProvenance(ctx context.Context) Provenance {
	args, ok := ctx.Value(commandKey{}).([]string)
	if !ok {
		args = os.Args[1:]
	}
	return Provenance{
		Tool:    "culturesim",
		Version: version.String(),
		Go:      runtime.Version(),
		Command: CommandLine(args),
	}
}

// CommandLine renders "culturesim" followed by args, each quoted for a
// POSIX shell where needed, so the line can be pasted back to rerun.
func CommandLine(args []string) string {
	parts := []string{"culturesim"}
	for _, a := range args {
		parts = append(parts, ShellQuote(a))
	}
	return strings.Join(parts, " ")
}

// ShellQuote quotes s for a POSIX shell unless it is made only of safe
// characters.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteJSON writes v as indented JSON, atomically, with a final newline.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(b, '\n'))
}
