package artifact

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// JournalFile is the journal's name in a run or sweep directory.
const JournalFile = "journal.bin"

// The journal is the durable record of finished runs: a magic line, a
// JSON line describing the runs it may hold (JournalHeader), then one
// binary entry per run in the order runs finished. Each entry is
// [length uint32][CRC-32C uint32][payload], written with a single write
// call as soon as the run ends, so killing the process loses at most the
// runs still in flight; a torn last entry (a kill in mid-write) fails its
// checksum and is cut off on resume.
const journalMagic = "CULTURESIM JOURNAL 2\n"

// JournalHeader identifies the runs a journal belongs to.
type JournalHeader struct {
	ScenarioSHA256 string    `json:"scenario_sha256"`
	Selection      Selection `json:"selection"`
	TotalRuns      int       `json:"total_runs"`
	RecordEvery    int       `json:"record_every"` // 0: entries carry no series
	Deterministic  bool      `json:"deterministic,omitempty"`
	SeedDerivation string    `json:"seed_derivation"`
	// Release is the culturesim release that computed the runs
	// (version.Release, bumped whenever results may change); empty in
	// journals written before it was recorded.
	Release string `json:"release,omitempty"`
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Journal appends finished runs to the journal file.
type Journal struct {
	mu       sync.Mutex
	f        *os.File
	lastSync time.Time
}

// CreateJournal starts a journal at path with hdr, refusing an existing
// one. The header is written whole under a unique name and linked into
// place, so that a journal is never seen without its header (a kill in
// mid-creation leaves no journal, or a whole empty one).
func CreateJournal(path string, hdr JournalHeader) (*Journal, error) {
	h, _ := json.Marshal(hdr)
	tmp, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	if _, err := tmp.Write(append(append([]byte(journalMagic), h...), '\n')); err != nil {
		tmp.Abort()
		return nil, err
	}
	if err := tmp.CommitNew(); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &Journal{f: f, lastSync: time.Now()}, nil
}

// Scan is what ReadJournal finds.
type Scan struct {
	Header  JournalHeader
	Offsets map[int]int64 // run index → offset of its entry
	Valid   int64         // where the last intact entry ends: appends go here
	Torn    bool          // damaged bytes follow the last intact entry (a kill in mid-write)
	// Damaged lists the regions skipped before the last intact entry:
	// entries whose bytes changed on disk, kept out of every table (their
	// runs are computed again on resume).
	Damaged []Damage
}

// Damage is a region of a journal that holds no intact entry.
type Damage struct {
	Offset, Bytes int64
}

// DroppedBytes is the size of the damaged regions Scan skipped.
func (s *Scan) DroppedBytes() int64 {
	var n int64
	for _, d := range s.Damaged {
		n += d.Bytes
	}
	return n
}

// minPayload is the smallest entry payload (a run with no platforms'
// finals and no series: see RunResult.encode).
const minPayload = 69

// entryMax bounds an entry's payload (a run of 2¹⁰ platforms × 2¹⁰
// records would not reach it): a larger length is damage.
const entryMax = 1 << 30

// ReadJournal checks the journal's header and indexes its intact entries;
// visit, if not nil, sees each decoded entry (without its series: read
// those with ReadEntry). An entry is intact when its checksum holds and
// its values are possible: a run of the journal's runs (with replicates
// > 0, at its point and replicate), a known stop reason, frequencies in
// [0, 1]. A damaged entry does not hide the intact ones after it: the
// reader skips to the next offset where an intact entry starts, and
// records the region it skipped.
func ReadJournal(path string, replicates int, visit func(RunResult) error) (*Scan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	br := bufio.NewReader(io.LimitReader(f, 1<<20))
	magic := make([]byte, len(journalMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != journalMagic {
		return nil, fmt.Errorf("%s is not a culturesim journal", path)
	}
	line, err := br.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: damaged header: %w", path, err)
	}
	sc := &Scan{Offsets: map[int]int64{}}
	if err := json.Unmarshal(line, &sc.Header); err != nil {
		return nil, fmt.Errorf("%s: damaged header: %w", path, err)
	}
	if t := sc.Header.TotalRuns; t < 1 || t > scenarios.MaxRuns {
		return nil, fmt.Errorf("%s: damaged header: %d runs", path, t)
	}
	// Resyncing past damage checks checksums at candidate offsets; the
	// bytes it may check are bounded (a linear multiple of the file), so
	// that no damage makes reading quadratic.
	r := &entryReader{f: f, size: st.Size(), total: sc.Header.TotalRuns, replicates: replicates, budget: 16*st.Size() + 1<<20}
	off := int64(len(journalMagic) + len(line))
	sc.Valid = off
	for off < r.size {
		res, n, ok := r.at(off)
		if !ok {
			next := r.next(off + 1)
			if next < 0 {
				sc.Torn = true // the tail: cut off on resume
				return sc, r.err
			}
			sc.Damaged = append(sc.Damaged, Damage{Offset: off, Bytes: next - off})
			off = next
			continue
		}
		if _, dup := sc.Offsets[res.Run]; !dup {
			sc.Offsets[res.Run] = off
			if visit != nil {
				if err := visit(res); err != nil {
					return nil, err
				}
			}
		}
		off += n
		sc.Valid = off
	}
	return sc, r.err
}

// entryReader reads entries of a journal file through a window.
type entryReader struct {
	f                 *os.File
	size              int64
	total, replicates int
	win               []byte
	winOff            int64
	err               error
	budget            int64 // checksum bytes left for resyncing
	resyncing         bool
}

// bytes returns n bytes at off, or nil past the end (or on a read error,
// kept in r.err).
func (r *entryReader) bytes(off, n int64) []byte {
	if off < 0 || n < 0 || off+n > r.size {
		return nil
	}
	if off < r.winOff || off+n > r.winOff+int64(len(r.win)) {
		size := max(n, 1<<20)
		size = min(size, r.size-off)
		if cap(r.win) < int(size) {
			r.win = make([]byte, size)
		}
		r.win = r.win[:size]
		if _, err := r.f.ReadAt(r.win, off); err != nil && !errors.Is(err, io.EOF) {
			r.err, r.win = err, nil
			return nil
		}
		r.winOff = off
	}
	return r.win[off-r.winOff : off-r.winOff+n]
}

// at decodes the entry at off: the result, the entry's length, and
// whether it is intact.
func (r *entryReader) at(off int64) (RunResult, int64, bool) {
	head := r.bytes(off, 8)
	if head == nil {
		return RunResult{}, 0, false
	}
	n := int64(binary.LittleEndian.Uint32(head[:4]))
	sum := binary.LittleEndian.Uint32(head[4:])
	if n < minPayload || n > entryMax {
		return RunResult{}, 0, false
	}
	// The run, point and replicate lead the payload, and the counts of
	// platforms, records and rows fix its length: check them before the
	// checksum, so that scanning damage costs little.
	lead := r.bytes(off+8, minPayload)
	if lead == nil || !r.plausibleLead(lead) {
		return RunResult{}, 0, false
	}
	k := int64(binary.LittleEndian.Uint32(lead[57:]))
	if k > 1<<10 || 69+36*k > n {
		return RunResult{}, 0, false
	}
	counts := r.bytes(off+8+61+36*k, 8)
	if counts == nil {
		return RunResult{}, 0, false
	}
	recs, rows := int64(binary.LittleEndian.Uint32(counts)), int64(binary.LittleEndian.Uint32(counts[4:]))
	if rows > 1<<10 || recs > n || 69+36*k+recs*(4+rows*8*rowFloats) != n {
		return RunResult{}, 0, false
	}
	if r.resyncing {
		if r.budget < n {
			r.budget = -1
			return RunResult{}, 0, false
		}
		r.budget -= n
	}
	payload := r.bytes(off+8, n)
	if payload == nil || crc32.Checksum(payload, crcTable) != sum {
		return RunResult{}, 0, false
	}
	res, err := decodeResult(payload, false)
	if err != nil || !r.possible(res) {
		return RunResult{}, 0, false
	}
	return res, 8 + n, true
}

// next finds the first offset ≥ from where an intact entry starts (−1:
// none).
func (r *entryReader) next(from int64) int64 {
	r.resyncing = true
	defer func() { r.resyncing = false }()
	for p := from; p+8+25 <= r.size && r.err == nil && r.budget >= 0; p++ {
		if _, _, ok := r.at(p); ok {
			return p
		}
	}
	return -1
}

func (r *entryReader) plausibleLead(b []byte) bool {
	run, point, rep := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])
	t := uint64(r.total)
	return run < t && point < t && rep < t
}

// possible reports whether a decoded entry could have been written by a
// run of this journal.
func (r *entryReader) possible(res RunResult) bool {
	if res.Run < 0 || res.Run >= r.total || res.Point < 0 || res.Rep < 0 || res.Result.Generations < 0 || res.Result.Clamped < 0 {
		return false
	}
	if r.replicates > 0 && (res.Point != res.Run/r.replicates || res.Rep != res.Run%r.replicates) {
		return false
	}
	if res.Result.Reason > sim.StoppedCancelled || !(res.Result.FinalFreqA >= 0 && res.Result.FinalFreqA <= 1) {
		return false
	}
	freq := func(x float64) bool { return math.IsNaN(x) || (x >= 0 && x <= 1) }
	for _, p := range res.Platforms {
		if !(p.Size >= 0) || math.IsInf(p.Size, 0) || !freq(p.FreqA) || !freq(p.FreqNatives) || !freq(p.FreqMigrants) || p.Acculturation < -1 {
			return false
		}
	}
	return true
}

// CompactJournal rewrites a journal without its damaged regions and torn
// tail, atomically, so that appends follow its last intact entry.
func CompactJournal(path string, sc *Scan) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	h, _ := json.Marshal(sc.Header)
	if _, err := dst.Write(append(append([]byte(journalMagic), h...), '\n')); err != nil {
		dst.Abort()
		return err
	}
	offs := make([]int64, 0, len(sc.Offsets))
	for _, o := range sc.Offsets {
		offs = append(offs, o)
	}
	slices.Sort(offs)
	var head [8]byte
	for _, o := range offs {
		if _, err := src.ReadAt(head[:], o); err != nil {
			dst.Abort()
			return err
		}
		entry := make([]byte, 8+int64(binary.LittleEndian.Uint32(head[:4])))
		if _, err := src.ReadAt(entry, o); err != nil {
			dst.Abort()
			return err
		}
		if _, err := dst.Write(entry); err != nil {
			dst.Abort()
			return err
		}
	}
	return dst.Commit()
}

// OpenJournal reopens a journal for appending after cutting off a torn
// tail.
func OpenJournal(path string, valid int64) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(valid); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(valid, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &Journal{f: f, lastSync: time.Now()}, nil
}

// Append writes one finished run with one write call, and syncs to disk
// at most once a second (a killed process loses nothing written; the
// sync guards against a machine crash).
func (j *Journal) Append(r *RunResult) error {
	payload := r.encode()
	entry := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(entry[:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(entry[4:], crc32.Checksum(payload, crcTable))
	entry = append(entry, payload...)
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(entry); err != nil {
		return err
	}
	if time.Since(j.lastSync) > time.Second {
		j.lastSync = time.Now()
		return j.f.Sync()
	}
	return nil
}

// Close syncs and closes the journal.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		j.f.Close()
		return err
	}
	return j.f.Close()
}

// ReadEntry reads the entry at off (from a Scan).
func ReadEntry(f *os.File, off int64) (RunResult, error) {
	var head [8]byte
	if _, err := f.ReadAt(head[:], off); err != nil {
		return RunResult{}, err
	}
	payload := make([]byte, binary.LittleEndian.Uint32(head[:4]))
	if _, err := f.ReadAt(payload, off+8); err != nil {
		return RunResult{}, err
	}
	if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(head[4:]) {
		return RunResult{}, errors.New("journal entry changed on disk")
	}
	return decodeResult(payload, true)
}

// Shard selects the runs r with r mod Count = Index. The zero value (and
// Count 1) is every run.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Whole reports whether the shard is every run.
func (s Shard) Whole() bool { return s.Count <= 1 }

// Owns reports whether run r belongs to the shard.
func (s Shard) Owns(r int) bool { return s.Whole() || r%s.Count == s.Index }

func (s Shard) String() string {
	if s.Whole() {
		return "whole"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Selection is the runs a directory holds: a shard of every run, or of
// one point's runs (Point ≥ 0), or one run (Replicate ≥ 0 too).
type Selection struct {
	Shard     Shard `json:"shard"`
	Point     int   `json:"point"`     // −1: every point
	Replicate int   `json:"replicate"` // −1: every replicate
}

// All selects every run.
var All = Selection{Point: -1, Replicate: -1}

// Owns reports whether run r (of a scenario with the given replicates per
// point) is selected.
func (s Selection) Owns(r, replicates int) bool {
	if s.Point >= 0 && r/replicates != s.Point {
		return false
	}
	if s.Replicate >= 0 && r%replicates != s.Replicate {
		return false
	}
	return s.Shard.Owns(r)
}

// Whole reports whether every run is selected.
func (s Selection) Whole() bool { return s.Shard.Whole() && s.Point < 0 && s.Replicate < 0 }

func (s Selection) String() string {
	var parts []string
	if s.Point >= 0 {
		parts = append(parts, fmt.Sprintf("point %d", s.Point))
	}
	if s.Replicate >= 0 {
		parts = append(parts, fmt.Sprintf("replicate %d", s.Replicate))
	}
	if !s.Shard.Whole() {
		parts = append(parts, "shard "+s.Shard.String())
	}
	if len(parts) == 0 {
		return "every run"
	}
	return strings.Join(parts, ", ")
}
