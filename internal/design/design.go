package design

import (
	"errors"
	"fmt"
	"math/rand/v2"
)

// Source is the random source of the randomised designs. culturesim's
// sim/rng.Xoshiro implements it, and so does any math/rand/v2 Source.
type Source interface{ Uint64() uint64 }

// Source and math/rand/v2's Source have the same method set.
var _ rand.Source = Source(nil)

// MaxPoints bounds the number of rows of any design.
const MaxPoints = 1 << 30

// ErrNilSource is returned by the randomised designs when src is nil.
var ErrNilSource = errors.New("design: src is nil")

// ArgError reports an argument out of its allowed range.
type ArgError struct {
	Func  string // the function called, e.g. "Sobol"
	Arg   string // the offending argument, e.g. "d" or "n*(d+2)"
	Value int    // its value
	Want  string // the allowed range, e.g. "1 <= d <= 1111"
}

func (e *ArgError) Error() string {
	return fmt.Sprintf("design: %s: %s = %d, want %s", e.Func, e.Arg, e.Value, e.Want)
}

// checkRange returns an *ArgError unless lo <= v <= hi.
func checkRange(fn, arg string, v, lo, hi int) error {
	if v < lo || v > hi {
		return &ArgError{Func: fn, Arg: arg, Value: v, Want: fmt.Sprintf("%d <= %s <= %d", lo, arg, hi)}
	}
	return nil
}

// checkRows checks that a design of blocks·perBlock rows stays within
// MaxPoints; both factors must already lie in [1, MaxPoints]. An oversized
// product is reported as MaxPoints+1 where int cannot hold it.
func checkRows(fn, arg string, blocks, perBlock int) error {
	rows := int64(blocks) * int64(perBlock)
	if rows <= MaxPoints {
		return nil
	}
	v := MaxPoints + 1
	if rows == int64(int(rows)) {
		v = int(rows)
	}
	return &ArgError{Func: fn, Arg: arg, Value: v, Want: fmt.Sprintf("%s <= %d", arg, MaxPoints)}
}

// newRows returns n rows of d zeros sharing one backing array; each row is
// capped at d so that appending to it cannot overwrite the next.
func newRows(n, d int) ([][]float64, []float64) {
	data := make([]float64, n*d)
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = data[i*d : (i+1)*d : (i+1)*d]
	}
	return rows, data
}
