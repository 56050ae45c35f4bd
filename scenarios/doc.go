// Package scenarios holds culturesim's scenario files and decodes them.
//
// A scenario is a TOML file (keys documented in scenarios/README.md). The
// built-in ones (this directory's *.toml, including the paper's figure
// panels) are embedded in the binary, so "culturesim run fig4c" and
// "culturesim reproduce" work from any directory.
//
// # One world
//
// Every scenario is a world of platforms: a file without [[platform]]
// tables is a world of one platform named "population". The top-level
// [model] and [population] hold every platform's defaults, a platform's
// own tables override them, and a sweep axis assigns one setting at one
// of these levels (or one field of a migration table). Scenario.Point(i)
// resolves point i to the engine's configuration, sim.WorldConfig, with
// every setting applied through sim.PlatformConfig.Set in the order of
// the settings' stages; nothing downstream knows about layers.
//
// # Errors
//
// The decoder reads the document as a tree of TOML values and checks
// each value against the table of settings (sim.Settings, whose model
// part is model.Parameters): unknown keys (with a suggestion for near
// misses), values of the wrong type and missing required keys are
// reported by the decoder; ranges are checked once, by the engine's own
// validation (sim.WorldConfig.Validate, returning *model.FieldError with
// paths such as platform[1].model.alpha or migration[0].rate), at every
// sweep point, and each path is mapped back to the file key (or sweep
// axis) that set the value, with its line. Parse reports every problem at
// once, as Errors. Settings that are accepted but have no effect (α on a
// lattice) become Warnings.
//
// # Seeds
//
// The run of parameter point i, replicate j draws from
// rng.Stream(seed, i, j): nothing depends on how runs are scheduled.
package scenarios
