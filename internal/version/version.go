// Package version identifies the culturesim build that wrote an output file.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Commit is the commit a release build was made from, set by the release
// script (-ldflags "-X github.com/culturesim/culturesim/internal/version.Commit=…");
// empty otherwise, when the build's VCS information (if any) gives it.
var Commit string

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

// Long describes the build for "culturesim version": the release, the
// commit (from the release script, or the build's VCS information), the
// Go version and the platform.
func Long() string {
	commit := Commit
	if commit == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					commit = s.Value
				}
			}
		}
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if commit == "" {
		commit = "unknown (a build without VCS information: scripts/release.sh records it)"
	}
	return fmt.Sprintf("%s\ncommit %s\n%s %s/%s", Release, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
