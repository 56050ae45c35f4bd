package artifact

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"sync"
	"time"
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
// visit, if not nil, sees each decoded entry (without its series: read
// those with ReadEntry).
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
		r, err := decodeResult(payload, false)
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
