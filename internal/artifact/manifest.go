package artifact

import (
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

// NewProvenance describes this process: culturesim's version and the
// command line it was started with (argv[0] shown as "culturesim", since
// `go run` gives it a temporary name).
func NewProvenance() Provenance {
	return Provenance{
		Tool:    "culturesim",
		Version: version.String(),
		Go:      runtime.Version(),
		Command: CommandLine(os.Args[1:]),
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
