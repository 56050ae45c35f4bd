// Package figures draws culturesim's figures with gonum/plot: phase
// diagrams, heatmaps and line plots of sweeps, the dynamics of runs and
// of worlds of platforms, and the paper's illustration panels, each
// rendered to PNG and SVG with its provenance embedded in the file.
//
// It draws; it computes nothing about the model. What it draws comes
// from its callers (package paper computes the paper's panels and hands
// over the results) or from the tables of a run or sweep directory
// (PlotDir, which reads the summary or series tables through package
// artifact and the scenario recorded in the manifest). The one
// exception is sampling: threshold curves are handed over as functions
// of x (or built from package model's thresholds for a sweep's plane),
// and the figure samples them where it draws, breaking lines where a
// curve is undefined or jumps across a pole.
//
// # Conventions
//
//   - Colours follow the paper (MODEL.md §8): green cooperation (A), red
//     defection (B), gold stable coexistence, light blue bistability;
//     frequencies of A run red → green (FreqColor). Platforms are told
//     apart by PlatformColors, never by the phenotype colours.
//   - Every text goes through one text handler that typesets subscripts:
//     "T_A" and "T_{AB}" set the A (AB) smaller and lower, and combining
//     circumflexes (p̂) are placed by hand. Names from files (scenarios,
//     platforms, commands) must be passed through Literal, which escapes
//     their underscores.
//   - Legends sit in a column beside the plot (WithLegend) or below it,
//     never over data; a footnote in small grey type names the command
//     and the model's source (Citation).
//   - Sizes are in inches at DPI = 150 for PNG: region maps 7.4 × 5,
//     heatmaps 7.6 × 5, a sweep's lines 8.5 × 5, the dynamics of one
//     population 8.5 × 4, platform dynamics 9 × 8, the p̂' − p̂ panel
//     6.5 × 6, the invasion panel 11 × 3.9, the model illustration
//     12 × 6.2.
//   - Rendering is deterministic: the same data give the same bytes
//     (the paper's analytic panels are checked byte for byte against
//     the committed results).
//
// # Errors
//
// Drawing functions return gonum's errors (a line with a NaN point, an
// empty grid). PlotDir returns ErrNothingToPlot (wrapped, with the
// reason) when a directory has no figure to draw, and ErrIncomplete
// when a sweep directory has no summary yet (a shard, an interrupted
// sweep).
package figures
