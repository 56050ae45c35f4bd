// Package artifact writes culturesim's output files: atomically (a reader
// or a crash never sees half a file), and each recording what made it.
//
// Every figure carries its provenance inside the file (PNG iTXt chunks,
// an SVG <metadata> element) and beside it in a JSON manifest: the
// version, the exact command and the parameters.
package artifact
