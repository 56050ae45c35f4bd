package artifact

import (
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
)

// ColType is a column's type: how Parquet stores it and how CSV writes
// it (CSV cells are text, written so that DuckDB, pandas and R read them
// back losslessly: see FormatSeed).
type ColType uint8

const (
	ColInt    ColType = iota // INT64
	ColIntOpt                // INT64, null for an empty cell
	ColUint                  // UINT64 (the seed; FormatSeed in CSV)
	ColFloat                 // DOUBLE, null for an empty cell (a value that does not exist)
	ColString                // a dictionary-encoded string (stop reasons, outcomes, choices)
	ColBool                  // BOOLEAN, null for an empty cell; TRUE or FALSE in CSV
)

func (c ColType) String() string {
	return [...]string{"int64", "int64 (nullable)", "uint64", "double (nullable)", "string", "boolean (nullable)"}[c]
}

// FormatSeed writes a 64-bit seed for CSV as "x" and its 16 hexadecimal
// digits (x0b1082f6c4a2c7eb): text that no reader takes for a number.
// Written as a decimal number, seeds above 2^53 lose their last digits in
// R's read.csv and DuckDB's read_csv_auto (both read them as doubles), and
// "0x…" is converted to a number by R; Parquet keeps the UINT64 itself.
func FormatSeed(seed uint64) string { return fmt.Sprintf("x%016x", seed) }

// ParseSeed reads a seed written by FormatSeed (or as a decimal number).
func ParseSeed(s string) (uint64, error) {
	if h, ok := strings.CutPrefix(s, "x"); ok {
		return strconv.ParseUint(h, 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}

// Encodings (measured on 10⁶-row series; see README "Reading results"):
// the series' counts and frequencies (ratios of counts, so few distinct
// values) are dictionary-encoded, falling back to PLAIN where a column's
// dictionary outgrows dictionaryMaxBytes (the deterministic
// counterpart's continuous values); mean fitness, a sum of floats, is
// dictionary-encoded too where it repeats and BYTE_STREAM_SPLIT where it
// takes a distinct value nearly every row (fitnessSplit decides), which
// lets zstd at its best level take the bytes that repeat (sign, exponent,
// leading mantissa).
var zstdBest = zstd.Codec{Level: zstd.SpeedBestCompression}

const dictionaryMaxBytes = 1 << 20

// pageBytes: pages of 1 MiB give zstd more context than the default
// 256 KiB (2 % smaller series).
const pageBytes = 1 << 20

// ParquetMeta is the key-value metadata every Parquet table carries: what
// made it.
type ParquetMeta struct {
	Provenance     Provenance
	Scenario       *ScenarioInfo
	SeedDerivation string
}

// createdBy sets the file's created_by in the Parquet format's
// "APP version VERSION (build BUILD)" form; parquet.CreatedBy leaves out
// the space before "(build".
type createdBy string

func (c createdBy) ConfigureWriter(cfg *parquet.WriterConfig) { cfg.CreatedBy = string(c) }

func (m ParquetMeta) options() []parquet.WriterOption {
	opts := []parquet.WriterOption{
		parquet.Compression(&zstdBest),
		parquet.DictionaryMaxBytes(dictionaryMaxBytes),
		parquet.PageBufferSize(pageBytes),
		createdBy("culturesim version " + m.Provenance.Version + " (build " + m.Provenance.Go + ")"),
		parquet.KeyValueMetadata("culturesim.schema", strconv.Itoa(Schema)),
		parquet.KeyValueMetadata("culturesim.version", m.Provenance.Version),
		parquet.KeyValueMetadata("culturesim.command", m.Provenance.Command),
		parquet.KeyValueMetadata("culturesim.seed_derivation", m.SeedDerivation),
	}
	if m.Scenario != nil {
		opts = append(opts,
			parquet.KeyValueMetadata("culturesim.scenario.name", m.Scenario.Name),
			parquet.KeyValueMetadata("culturesim.scenario.file", m.Scenario.File),
			parquet.KeyValueMetadata("culturesim.scenario.sha256", m.Scenario.SHA256),
			parquet.KeyValueMetadata("culturesim.scenario.text", m.Scenario.Text))
	}
	return opts
}

// fields are Go struct fields, one per column, which parquet-go turns
// into a schema (in field order).
func fields(header []string, types []ColType) []reflect.StructField {
	out := make([]reflect.StructField, len(header))
	for i, name := range header {
		var t reflect.Type
		tag := name
		switch types[i] {
		case ColInt:
			t = reflect.TypeFor[int64]()
		case ColIntOpt:
			t, tag = reflect.TypeFor[*int64](), name+",optional"
		case ColUint:
			t = reflect.TypeFor[uint64]()
		case ColFloat:
			t, tag = reflect.TypeFor[*float64](), name+",optional"
		case ColString:
			t, tag = reflect.TypeFor[string](), name+",dict"
		case ColBool:
			t, tag = reflect.TypeFor[*bool](), name+",optional"
		}
		out[i] = reflect.StructField{Name: "C" + strconv.Itoa(i), Type: t, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	return out
}

// schemaOf is the Parquet schema of struct fields, checked to list its
// columns in the fields' order (rows are built in that order).
func schemaOf(fs []reflect.StructField, header []string) *parquet.Schema {
	schema := parquet.SchemaOf(reflect.New(reflect.StructOf(fs)).Interface())
	cols := schema.Columns()
	if len(cols) != len(header) {
		panic("artifact: Parquet schema has the wrong number of columns")
	}
	for i, c := range cols {
		if len(c) != 1 || c[0] != header[i] {
			panic(fmt.Sprintf("artifact: Parquet column %d is %v, not %q", i, c, header[i]))
		}
	}
	return schema
}

// cellValue converts a CSV cell of a column of type typ into the Parquet
// value of column col.
func cellValue(typ ColType, cell string, col int) (parquet.Value, error) {
	if cell == "" && (typ == ColIntOpt || typ == ColFloat || typ == ColBool) {
		return parquet.NullValue().Level(0, 0, col), nil
	}
	def := 0
	if typ == ColIntOpt || typ == ColFloat || typ == ColBool {
		def = 1
	}
	var v parquet.Value
	switch typ {
	case ColInt, ColIntOpt:
		n, err := strconv.ParseInt(cell, 10, 64)
		if err != nil {
			return v, err
		}
		v = parquet.Int64Value(n)
	case ColUint:
		u, err := ParseSeed(cell)
		if err != nil {
			return v, err
		}
		v = parquet.Int64Value(int64(u)) // UINT64 is stored in an INT64
	case ColFloat:
		x, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			return v, err
		}
		if math.IsNaN(x) {
			return parquet.NullValue().Level(0, 0, col), nil
		}
		v = parquet.DoubleValue(x)
	case ColString:
		v = parquet.ByteArrayValue([]byte(cell))
	case ColBool:
		b, err := strconv.ParseBool(cell)
		if err != nil {
			return v, err
		}
		v = parquet.BooleanValue(b)
	}
	return v.Level(0, def, col), nil
}

// WriteParquet writes the table as Parquet, atomically, with the column
// types of t.Types and the metadata of what made it. The values are the
// CSV cells read back, so both files hold the same numbers.
func (t *Table) WriteParquet(path string, meta ParquetMeta) error {
	if len(t.Types) != len(t.Header) {
		panic("artifact: a table without column types cannot be written as Parquet")
	}
	schema := schemaOf(fields(t.Header, t.Types), t.Header)
	return writeParquetFile(path, schema, meta, func(emit func(parquet.Row) error) error {
		for i, cells := range t.Rows {
			row := make(parquet.Row, len(cells))
			for j, cell := range cells {
				v, err := cellValue(t.Types[j], cell, j)
				if err != nil {
					return fmt.Errorf("row %d, column %s: %w", i+1, t.Header[j], err)
				}
				row[j] = v
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeParquetFile writes a Parquet file atomically: fill emits the rows
// (buffered here and written in batches) into a temporary file, which is
// synced and renamed over path.
func writeParquetFile(path string, schema *parquet.Schema, meta ParquetMeta, fill func(emit func(parquet.Row) error) error) error {
	f, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	w := parquet.NewWriter(f, append([]parquet.WriterOption{schema}, meta.options()...)...)
	const batch = 1024
	buf := make([]parquet.Row, 0, batch)
	flush := func() error {
		_, err := w.WriteRows(buf)
		buf = buf[:0]
		return err
	}
	err = fill(func(r parquet.Row) error {
		if buf = append(buf, r); len(buf) == batch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// ParquetTable is a Parquet table read back: its columns' types, its
// cells rendered as the CSV writes them (FormatSeed for UINT64, "" for
// null, shortest round-trip floats), and its key-value metadata.
type ParquetTable struct {
	Table
	Meta      map[string]string
	CreatedBy string
}

// colTypeOf is the ColType of a Parquet leaf column.
func colTypeOf(n parquet.Node) (ColType, error) {
	lt := n.Type().LogicalType()
	switch n.Type().Kind() {
	case parquet.Int32, parquet.Int64:
		switch {
		case lt != nil && isUnsigned(lt.Value):
			return ColUint, nil
		case n.Optional():
			return ColIntOpt, nil
		}
		return ColInt, nil
	case parquet.Double:
		return ColFloat, nil
	case parquet.ByteArray:
		return ColString, nil
	case parquet.Boolean:
		return ColBool, nil
	}
	return 0, fmt.Errorf("unexpected type %s", n.Type().Kind())
}

func isUnsigned(v format.LogicalTypeValue) bool {
	it, ok := v.(*format.IntType)
	return ok && !it.IsSigned
}

// ReadParquet reads a flat Parquet table written by culturesim.
func ReadParquet(path string) (*ParquetTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &ParquetTable{Meta: map[string]string{}, CreatedBy: pf.Metadata().CreatedBy}
	out.path = path
	for _, kv := range pf.Metadata().KeyValueMetadata {
		out.Meta[kv.Key] = kv.Value
	}
	for _, fl := range pf.Schema().Fields() {
		if !fl.Leaf() {
			return nil, fmt.Errorf("%s: column %s is not flat", path, fl.Name())
		}
		t, err := colTypeOf(fl)
		if err != nil {
			return nil, fmt.Errorf("%s: column %s: %w", path, fl.Name(), err)
		}
		out.Header = append(out.Header, fl.Name())
		out.Types = append(out.Types, t)
	}
	r := parquet.NewReader(f, pf.Schema())
	defer r.Close()
	buf := make([]parquet.Row, 256)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			cells := make([]string, len(out.Header))
			for _, v := range row {
				cells[v.Column()] = valueCell(v, out.Types[v.Column()])
			}
			out.Rows = append(out.Rows, cells)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// valueCell renders a Parquet value as its CSV cell.
func valueCell(v parquet.Value, t ColType) string {
	if v.IsNull() {
		return ""
	}
	switch v.Kind() {
	case parquet.Int32:
		return strconv.FormatInt(int64(v.Int32()), 10)
	case parquet.Int64:
		if t == ColUint {
			return FormatSeed(v.Uint64())
		}
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Double:
		return F(v.Double())
	case parquet.Boolean:
		return boolCell(v.Boolean())
	}
	return string(v.ByteArray())
}

// Booleans as CSV writes them: upper case, which R's read.csv reads as
// logical (it leaves "true" as text), as pandas and DuckDB do.
const (
	CSVTrue  = "TRUE"
	CSVFalse = "FALSE"
)

func boolCell(b bool) string {
	if b {
		return CSVTrue
	}
	return CSVFalse
}

// SameCell reports whether a Parquet cell (as ReadParquet renders it) and
// a CSV cell of a column of type typ hold the same value: floats bit for
// bit (CSV writes some as whole numbers, Parquet reads back their
// shortest form), everything else as text.
func SameCell(typ ColType, pq, csv string) bool {
	if typ != ColFloat || pq == "" || csv == "" {
		return pq == csv
	}
	a, err1 := strconv.ParseFloat(pq, 64)
	b, err2 := strconv.ParseFloat(csv, 64)
	return err1 == nil && err2 == nil && math.Float64bits(a) == math.Float64bits(b)
}
