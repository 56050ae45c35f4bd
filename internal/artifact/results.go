package artifact

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"github.com/culturesim/culturesim/sim"
)

// RunResult is one finished run, as the journal stores it and the tables
// show it.
type RunResult struct {
	Run   int // point·replicates + replicate
	Point int
	Rep   int
	Seed  uint64 // the run's stream seed, rng.StreamSeed(scenario seed, point, replicate)
	// Result: generations played, final frequency of A in the world,
	// why the run stopped, fitness values clamped.
	Result sim.Result
	// Platforms holds each platform's final state; nil for a world of
	// one platform, whose state is the world's.
	Platforms []PlatformFinal
	// Series holds the recorded generations (none without record_every).
	Series []Record
}

// PlatformFinal is one platform at the end of a run.
type PlatformFinal struct {
	Size, FreqA               float64
	FreqNatives, FreqMigrants float64 // NaN where there are none
	// Acculturation: generations from the first with migrants until
	// migrants' frequency of A came within sim.AcculturationTolerance of
	// natives'; −1 for never.
	Acculturation int
}

// Record is one recorded generation: the world's row, then (for worlds of
// several platforms) one row per platform in file order.
type Record struct {
	Generation int
	Rows       []Row
}

// Row is the world or one platform in one generation: the state at the
// start of the generation, the mean fitness earned and the moves made in
// it. Counts are floats so that the deterministic counterpart's expected
// values fit.
type Row struct {
	Size, FreqA               float64
	FreqNatives, FreqMigrants float64 // NaN where there are none
	MeanFitness               float64 // NaN for the final record, of a generation not played
	MovedIn, MovedOut         float64
	Refused, Clamped          float64
}

const rowFloats = 9

// TidyDigits is the precision of the statistics that are sums of floats.
const TidyDigits = 12

// Tidy rounds x to TidyDigits significant digits. Statistics computed
// as sums of floats (mean fitness; every number of the deterministic
// counterpart) are tidied before they are stored: their last digits are
// rounding noise (1.6057599999999999 for 1.60576, 19999.999999999993 for
// 20000), far below any precision a run has, and printing them would
// suggest otherwise. Exact values (ratios of counts) are not tidied.
func Tidy(x float64) float64 {
	switch {
	case x == 0:
		return 0 // and not −0
	case math.IsNaN(x) || math.IsInf(x, 0):
		return x
	}
	y, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', TidyDigits, 64), 64)
	return y
}

// Tidy tidies every number of the row (see Tidy).
func (r *Row) Tidy() {
	f := r.floats()
	for i := range f {
		f[i] = Tidy(f[i])
	}
	*r = rowOf(f)
}

func (r Row) floats() [rowFloats]float64 {
	return [rowFloats]float64{r.Size, r.FreqA, r.FreqNatives, r.FreqMigrants, r.MeanFitness, r.MovedIn, r.MovedOut, r.Refused, r.Clamped}
}

func rowOf(f [rowFloats]float64) Row {
	return Row{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]}
}

// encode writes the run as a journal payload (little-endian).
func (r *RunResult) encode() []byte {
	rows := 0
	if len(r.Series) > 0 {
		rows = len(r.Series[0].Rows)
	}
	b := make([]byte, 0, 64+len(r.Platforms)*36+len(r.Series)*(4+rows*8*rowFloats))
	u64 := func(x uint64) { b = binary.LittleEndian.AppendUint64(b, x) }
	u32 := func(x uint32) { b = binary.LittleEndian.AppendUint32(b, x) }
	f64 := func(x float64) { u64(math.Float64bits(x)) }
	u64(uint64(r.Run))
	u64(uint64(r.Point))
	u64(uint64(r.Rep))
	u64(r.Seed)
	u64(uint64(r.Result.Generations))
	f64(r.Result.FinalFreqA)
	b = append(b, byte(r.Result.Reason))
	u64(uint64(r.Result.Clamped))
	u32(uint32(len(r.Platforms)))
	for _, p := range r.Platforms {
		f64(p.Size)
		f64(p.FreqA)
		f64(p.FreqNatives)
		f64(p.FreqMigrants)
		u32(uint32(int32(p.Acculturation)))
	}
	u32(uint32(len(r.Series)))
	u32(uint32(rows))
	for _, rec := range r.Series {
		u32(uint32(rec.Generation))
		for _, row := range rec.Rows {
			for _, x := range row.floats() {
				f64(x)
			}
		}
	}
	return b
}

var errShort = errors.New("short journal entry")

// decodeResult reads a journal payload; series are skipped unless
// withSeries.
func decodeResult(b []byte, withSeries bool) (RunResult, error) {
	var r RunResult
	short := false
	u64 := func() uint64 {
		if len(b) < 8 {
			short, b = true, nil
			return 0
		}
		x := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return x
	}
	u32 := func() uint32 {
		if len(b) < 4 {
			short, b = true, nil
			return 0
		}
		x := binary.LittleEndian.Uint32(b)
		b = b[4:]
		return x
	}
	f64 := func() float64 { return math.Float64frombits(u64()) }
	r.Run, r.Point, r.Rep = int(u64()), int(u64()), int(u64())
	r.Seed = u64()
	r.Result.Generations = int(u64())
	r.Result.FinalFreqA = f64()
	if len(b) < 1 {
		return r, errShort
	}
	r.Result.Reason = sim.StopReason(b[0])
	b = b[1:]
	r.Result.Clamped = int(u64())
	k := int(u32())
	if short || k > 1<<10 || len(b) < k*36 {
		return r, errShort
	}
	if k > 0 {
		r.Platforms = make([]PlatformFinal, k)
	}
	for i := range r.Platforms {
		r.Platforms[i] = PlatformFinal{Size: f64(), FreqA: f64(), FreqNatives: f64(), FreqMigrants: f64(), Acculturation: int(int32(u32()))}
	}
	n, rows := int(u32()), int(u32())
	if short || rows > 1<<10 || len(b) != n*(4+rows*8*rowFloats) {
		return r, errShort
	}
	if !withSeries {
		return r, nil
	}
	r.Series = make([]Record, n)
	for i := range r.Series {
		rec := Record{Generation: int(u32()), Rows: make([]Row, rows)}
		for j := range rec.Rows {
			var f [rowFloats]float64
			for x := range f {
				f[x] = f64()
			}
			rec.Rows[j] = rowOf(f)
		}
		r.Series[i] = rec
	}
	return r, nil
}
