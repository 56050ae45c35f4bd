// Package design builds space-filling experimental designs on the unit
// hypercube [0,1)^d for parameter sweeps of the simulator. It is pure
// arithmetic: no I/O, no global state, and every random choice comes from
// the Source the caller passes, so a seed fixes the design.
//
// # Unit points
//
// Every design is returned as rows of d coordinates in [0,1] (the Morris
// grid includes 1; every other design stays in [0,1)). Column i is
// parameter i. Mapping a unit coordinate to a parameter's real range
// (linear, logarithmic, integer, categorical) is the caller's job; this
// package knows nothing about parameters. The rows of one result share a
// single backing array but are capped, so appending to a row never
// overwrites its neighbour.
//
// # Designs
//
//   - Sobol: the first n points of the unscrambled Sobol sequence with
//     Joe & Kuo's direction numbers, in Gray-code order, starting at the
//     origin. For n = 2^m every coordinate has exactly one point in each
//     interval [k/n, (k+1)/n).
//   - Halton: Owen-scrambled Halton points (gonum's samplemv.Halton).
//   - LatinHypercube: each axis's n strata [k/n, (k+1)/n) hold exactly one
//     point, where x lies in stratum floor(x·n).
//   - Saltelli: the sampling matrix for first-order and total Sobol indices.
//   - Morris: elementary-effects trajectories.
//
// # Saltelli row layout
//
// A and B are n×d; row j of A is the first d coordinates, and row j of B
// the last d, of point j+1 of the 2d-dimensional Sobol sequence (point 0,
// the origin, is skipped). The result has n blocks of d+2 rows:
//
//	block j: A_j, AB_j^(1), …, AB_j^(d), B_j
//
// where AB^(i) is A with column i replaced by column i of B. So row
// j·(d+2) is A_j, row j·(d+2)+i is AB_j^(i) for i = 1..d, and row
// j·(d+2)+d+1 is B_j. Total n·(d+2) rows.
//
// # Morris row layout
//
// r trajectories of d+1 rows each, trajectory t occupying rows
// t·(d+1) … t·(d+1)+d. Values lie on the p-level grid {0, 1/(p−1), …, 1}.
// Row t·(d+1)+s+1 differs from row t·(d+1)+s in exactly one coordinate, by
// +Δ or −Δ with Δ = p/(2(p−1)), and every coordinate changes exactly once
// per trajectory. The elementary effect of the coordinate changed at step s
// is (f(row s+1) − f(row s))/(±Δ), the sign being that of the change.
package design
