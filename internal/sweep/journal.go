package sweep

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
	"sync"
	"time"

	"github.com/culturesim/culturesim/sim"
)

// The journal is the durable record of finished runs: a header line, a
// JSON line describing the sweep, then one binary entry per run in the
// order runs finished. Each entry is [length uint32][CRC-32C uint32]
// [payload], written with a single write call as soon as the run ends, so
// killing the process loses at most the runs still in flight; a torn last
// entry (a kill in mid-write) fails its checksum and is cut off on resume.
const journalMagic = "CULTURESIM JOURNAL 1\n"

// JournalHeader identifies the sweep a journal belongs to.
type JournalHeader struct {
	ScenarioSHA256 string `json:"scenario_sha256"`
	Shard          Shard  `json:"shard"`
	TotalRuns      int    `json:"total_runs"`
	Recording      int    `json:"record_every"` // 0: entries carry no series
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// RunResult is one finished run, as the journal stores it.
type RunResult struct {
	Run     int // point·replicates + replicate
	Point   int
	Rep     int
	Seed    uint64
	Result  sim.Result
	Records []sim.Record
}

func (r *RunResult) encode() []byte {
	b := make([]byte, 0, 48+len(r.Records)*24)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Run))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Point))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Rep))
	b = binary.LittleEndian.AppendUint64(b, r.Seed)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Result.Generations))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Result.FinalFreqA))
	b = append(b, byte(r.Result.Reason))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Result.Clamped))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(r.Records)))
	for _, rec := range r.Records {
		b = binary.LittleEndian.AppendUint32(b, uint32(rec.Generation))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(rec.FreqA))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(rec.MeanFitness))
		b = binary.LittleEndian.AppendUint32(b, uint32(rec.Clamped))
	}
	return b
}

var errShort = errors.New("short journal entry")

func decodeResult(b []byte) (RunResult, error) {
	var r RunResult
	u64 := func() uint64 {
		if len(b) < 8 {
			b = nil
			return 0
		}
		x := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return x
	}
	u32 := func() uint32 {
		if len(b) < 4 {
			b = nil
			return 0
		}
		x := binary.LittleEndian.Uint32(b)
		b = b[4:]
		return x
	}
	r.Run, r.Point, r.Rep = int(u64()), int(u64()), int(u64())
	r.Seed = u64()
	r.Result.Generations = int(u64())
	r.Result.FinalFreqA = math.Float64frombits(u64())
	if len(b) < 1 {
		return r, errShort
	}
	r.Result.Reason = sim.StopReason(b[0])
	b = b[1:]
	r.Result.Clamped = int(u64())
	n := int(u32())
	if b == nil || len(b) != n*24 {
		return r, errShort
	}
	r.Records = make([]sim.Record, n)
	for i := range r.Records {
		r.Records[i] = sim.Record{Generation: int(u32()), FreqA: math.Float64frombits(u64()), MeanFitness: math.Float64frombits(u64()), Clamped: int(u32())}
	}
	return r, nil
}

// Journal appends finished runs to the journal file.
type Journal struct {
	mu       sync.Mutex
	f        *os.File
	lastSync time.Time
}

// CreateJournal starts a journal at path with hdr.
func CreateJournal(path string, hdr JournalHeader) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	h, _ := json.Marshal(hdr)
	if _, err := f.Write(append(append([]byte(journalMagic), h...), '\n')); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return &Journal{f: f, lastSync: time.Now()}, nil
}

// Scan is what ReadJournal finds.
type Scan struct {
	Header  JournalHeader
	Offsets map[int]int64 // run index → offset of its entry
	Valid   int64         // length of the intact prefix
	Torn    bool          // a damaged entry followed the intact prefix
}

// ReadJournal checks the journal's header and indexes its intact entries;
// visit, if not nil, sees each decoded entry.
func ReadJournal(path string, visit func(RunResult) error) (*Scan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
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
	off := int64(len(journalMagic) + len(line))
	sc.Valid = off
	var head [8]byte
	for {
		if _, err := io.ReadFull(br, head[:]); err != nil {
			sc.Torn = err != io.EOF
			return sc, nil
		}
		n := binary.LittleEndian.Uint32(head[:4])
		if n > 1<<30 {
			sc.Torn = true
			return sc, nil
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil || crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(head[4:]) {
			sc.Torn = true
			return sc, nil
		}
		r, err := decodeResult(payload)
		if err != nil || r.Run < 0 || r.Run >= sc.Header.TotalRuns {
			sc.Torn = true
			return sc, nil
		}
		if _, dup := sc.Offsets[r.Run]; !dup {
			sc.Offsets[r.Run] = off
			if visit != nil {
				if err := visit(r); err != nil {
					return nil, err
				}
			}
		}
		off += 8 + int64(n)
		sc.Valid = off
	}
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
	return decodeResult(payload)
}
