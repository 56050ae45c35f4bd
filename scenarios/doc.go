// Package scenarios holds culturesim's scenario files and decodes them.
//
// A scenario is a TOML file (keys documented in scenarios/README.md). The
// built-in ones (this directory's *.toml, including the paper's figure
// panels) are embedded in the binary, so "culturesim run fig4c" and
// "culturesim reproduce" work from any directory.
//
// # Errors
//
// Parse reports every problem at once, as Errors: each names the file,
// the line, the key, the offending value and the allowed range. Unknown
// keys are errors (with a suggestion for near misses), never ignored.
// Settings that are accepted but have no effect (α on a lattice) become
// Warnings.
//
// # Seeds
//
// The run of parameter point i, replicate j draws from
// rng.Stream(seed, i, j): nothing depends on how runs are scheduled.
package scenarios
