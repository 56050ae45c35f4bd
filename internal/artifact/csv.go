package artifact

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/culturesim/culturesim/sim"
)

// Table is a CSV table held in memory until written.
type Table struct {
	Header []string
	// Types are the columns' types, for Parquet (nil for a table read
	// from CSV, or never written as Parquet).
	Types []ColType
	Rows  [][]string
	path  string // where it was read from, for messages
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

// F formats a float for CSV: sim.FormatNum (whole numbers without an
// exponent, others the shortest text that reads back to the same
// float64), "NaN" for NaN.
func F(x float64) string { return sim.FormatNum(x) }

// I formats an integer for CSV.
func I(x int) string { return strconv.Itoa(x) }

// ReadTable reads a CSV table written by Table.Write.
func ReadTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty (no header)", path)
	}
	return &Table{Header: rows[0], Rows: rows[1:], path: path}, nil
}

// Col is the index of a column, or −1.
func (t *Table) Col(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	return -1
}

// Float reads a cell as a float (an empty cell is NaN); a missing column
// or a malformed cell is an error naming the file, row and column.
func (t *Table) Float(row int, col string) (float64, error) {
	j := t.Col(col)
	if j < 0 {
		return 0, fmt.Errorf("%s: no column %q", t.path, col)
	}
	s := t.Rows[row][j]
	if s == "" {
		return math.NaN(), nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: row %d, column %s: %q is not a number", t.path, row+2, col, s)
	}
	return x, nil
}

// Int reads a cell as a whole number.
func (t *Table) Int(row int, col string) (int, error) {
	j := t.Col(col)
	if j < 0 {
		return 0, fmt.Errorf("%s: no column %q", t.path, col)
	}
	n, err := strconv.Atoi(t.Rows[row][j])
	if err != nil {
		return 0, fmt.Errorf("%s: row %d, column %s: %q is not a whole number", t.path, row+2, col, t.Rows[row][j])
	}
	return n, nil
}
