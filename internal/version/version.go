// Package version identifies the culturesim build that wrote an output file.
package version

import (
	"runtime/debug"
	"sync"
)

// Release is the version of culturesim's output formats and models. Bump
// it when results may change.
const Release = "0.3.0"

var (
	once   sync.Once
	cached string
)

// String returns the release, followed by the VCS revision (and "+dirty"
// for a modified tree) when the build recorded one, e.g. "0.1.0 (3f2a9c1)".
func String() string {
	once.Do(func() {
		cached = Release
		info, ok := debug.ReadBuildInfo()
		if !ok {
			return
		}
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			cached += " (" + rev + dirty + ")"
		}
	})
	return cached
}
