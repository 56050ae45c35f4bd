// Package artifact is culturesim's store: everything that goes to disk and
// comes back. It holds the durable journal of finished runs, the result
// tables built from it (runs, summary and series, in CSV and Parquet, one
// schema each), the manifests, and the figures' files.
//
// # Invariants
//
//   - Files are written atomically (WriteFile: a temporary file, synced,
//     renamed): a reader or a crash never sees half a file. The journal is
//     the exception by design: it is appended one checksummed entry at a
//     time; a torn last entry is cut off, and a damaged one skipped without
//     hiding the intact entries after it (ReadJournal resyncs, Scan.Damaged
//     says what it skipped). An entry with impossible values is damage.
//   - One writer per output directory: LockDir's lock file (O_EXCL, with
//     host, PID and command, refreshed) is held from before the first
//     read to after the last write, and taken over only from a holder
//     that is gone.
//   - A journal records the release and seed derivation that computed its
//     runs; runs of two releases are never mixed (JournalCompatible judges
//     journals older than the field).
//   - Every output records what made it: a manifest beside it (Manifest:
//     schema version, kind, version, command, the scenario's text and
//     sha256), and figures carry their provenance inside the file (PNG
//     iTXt chunks, an SVG <metadata> element).
//   - Tables are written in run (or point) order from the journal, never
//     in the order runs finished: the same runs give the same bytes
//     whatever the workers, shards or restarts.
//   - Floats are written in their shortest round-trip form (whole numbers
//     without an exponent), so reading a table back gives the very numbers
//     written.
package artifact
