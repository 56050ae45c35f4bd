// Package paper holds every panel of the source paper that culturesim
// reproduces (Cohen, Lewin-Epstein, Feldman & Ram 2021; MODEL.md §8) and
// backs "culturesim reproduce" and "culturesim plot" on its output.
//
// Each Panel computes its data and hands it to package figures, which
// draws; the panel then writes the figure (PNG and SVG, provenance
// embedded), its data tables (CSV) and a manifest (PanelManifest: the
// artifact.Manifest base of kind "panel", plus what the panel is) into
// its own directory DIR/fig<ID>/ (Output).
//
//   - Analytic panels (1, 2a–2d, 3a–3d, S1) are formulas: the region maps
//     classify MODEL.md §4 at the centre of 400 × 400 cells, 3d evaluates
//     the recursion, S1 iterates the deterministic modifier model. They
//     are deterministic to the byte: the same build gives the very files
//     committed under results/.
//   - Sweep panels (4a, 4b, S2a, S2b) run a built-in lattice sweep through
//     package execute into DIR/fig<ID>/sweep (a resumable journal: an
//     interrupted --full run continues where it stopped) and draw its
//     summary as a heatmap. By default they run a quick variant (fewer
//     replicates and generations, the scenario's text rewritten so that
//     the recorded text is what ran); Output.Full runs the paper's size.
//   - 4c runs the built-in scenario fig4c as "culturesim run" would, into
//     DIR/fig4c/run, and draws its dynamics.
//
// Replot redraws a reproduce directory without simulating: analytic
// panels are recomputed, the others redrawn from their tables.
//
// Simulated panels own no randomness: every run's stream is derived by
// package execute from the scenario's seed, point and replicate, so the
// panels' tables do not depend on the number of workers.
package paper
