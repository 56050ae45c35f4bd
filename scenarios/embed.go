package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

//go:embed *.toml
var builtin embed.FS

// BuiltinNames lists the embedded scenarios, without ".toml".
func BuiltinNames() []string {
	ents, _ := fs.ReadDir(builtin, ".")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(names)
	return names
}

// Builtin returns an embedded scenario by name ("fig4c" or "fig4c.toml").
func Builtin(name string) (*Scenario, error) {
	name = strings.TrimSuffix(name, ".toml")
	src, err := builtin.ReadFile(name + ".toml")
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario %q (built-in: %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return Parse("builtin:"+name+".toml", src)
}

// Open loads a scenario from a file path, or, when no such file exists and
// the argument has no directory part, from the built-in scenarios.
func Open(arg string) (*Scenario, error) {
	if _, err := os.Stat(arg); err == nil || strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".toml") {
		return Load(arg) // a path: "no such file" if it is missing
	}
	return Builtin(arg)
}
