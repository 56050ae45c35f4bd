package artifact

import (
	"bytes"
	"encoding/csv"
	"strconv"
)

// Table is a CSV table held in memory until written.
type Table struct {
	Header []string
	Rows   [][]string
}

// Add appends a row; it panics if the row's width differs from the
// header's, which is a programmer error.
func (t *Table) Add(row ...string) {
	if len(row) != len(t.Header) {
		panic("artifact: row width differs from header")
	}
	t.Rows = append(t.Rows, row)
}

// Bytes encodes the table as CSV (RFC 4180, "\n" line ends).
func (t *Table) Bytes() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(t.Header)
	w.WriteAll(t.Rows) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// Write writes the table to path atomically.
func (t *Table) Write(path string) error { return WriteFile(path, t.Bytes()) }

// F formats a float for CSV: the shortest representation that reads back
// to the same float64, "NaN" for NaN.
func F(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// I formats an integer for CSV.
func I(x int) string { return strconv.Itoa(x) }
