package fit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sync"
)

// JournalFile is the fit's journal in its output directory.
const JournalFile = "fit-journal.jsonl"

// journalMagic opens every fit journal.
const journalMagic = "culturesim fit journal"

// Journal is the fit's Store on disk: a header line naming the fit (its
// fingerprint: scenario, data, priors, settings and seed), then one JSON
// line per finished simulation, each written with one write call as soon
// as the simulation ends. A kill loses only the simulations in flight; a
// torn last line (a kill in mid-write) is cut off when the journal is
// reopened.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	done map[[2]int]Attempt
}

type journalHeader struct {
	Magic       string `json:"magic"`
	Fingerprint string `json:"fingerprint"`
}

type journalEntry struct {
	G    int       `json:"g"`
	K    int       `json:"k"`
	Z    []float64 `json:"z"`
	D    *float64  `json:"d"`              // null: NaN or +Inf
	Over bool      `json:"over,omitempty"` // +Inf: stopped once above the tolerance
}

// ErrOtherFit: the directory's journal belongs to another fit.
var ErrOtherFit = errors.New("the journal belongs to another fit")

// OpenJournal opens path for a fit with the given fingerprint: a new
// journal unless resume, in which case an existing one must be this
// fit's and its simulations are kept.
func OpenJournal(path, fingerprint string, resume bool) (*Journal, error) {
	j := &Journal{done: map[[2]int]Attempt{}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && !resume):
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		hdr, _ := json.Marshal(journalHeader{Magic: journalMagic, Fingerprint: fingerprint})
		if _, err := f.Write(append(hdr, '\n')); err != nil {
			f.Close()
			return nil, err
		}
		j.f = f
		return j, nil
	case err != nil:
		return nil, err
	}
	valid, err := j.scan(b, fingerprint, path)
	if err != nil {
		return nil, err
	}
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
	j.f = f
	return j, nil
}

// scan reads a journal's entries and returns the length of its intact
// part.
func (j *Journal) scan(b []byte, fingerprint, path string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var off int64
	line := 0
	for sc.Scan() {
		text := sc.Bytes()
		line++
		end := off + int64(len(text)) + 1
		complete := end <= int64(len(b))
		if line == 1 {
			var h journalHeader
			if json.Unmarshal(text, &h) != nil || h.Magic != journalMagic {
				return 0, fmt.Errorf("%s is not a culturesim fit journal", path)
			}
			if h.Fingerprint != fingerprint {
				return 0, fmt.Errorf("%s: %w (another scenario, data file, prior or setting): run without --resume to start again, or choose another --out", path, ErrOtherFit)
			}
			off = end
			continue
		}
		var e journalEntry
		if !complete || json.Unmarshal(text, &e) != nil {
			if end >= int64(len(b)) {
				break // a torn last line
			}
			return 0, fmt.Errorf("%s:%d: a damaged entry in the middle of the journal", path, line)
		}
		d := math.NaN()
		switch {
		case e.D != nil:
			d = *e.D
		case e.Over:
			d = math.Inf(1)
		}
		j.done[[2]int{e.G, e.K}] = Attempt{Generation: e.G, Index: e.K, Z: e.Z, Distance: d}
		off = end
	}
	if line == 0 {
		return 0, fmt.Errorf("%s is empty, not a culturesim fit journal", path)
	}
	return off, sc.Err()
}

// Resumed is the number of simulations the journal held when opened.
func (j *Journal) Resumed() int { return len(j.done) }

// Lookup implements Store.
func (j *Journal) Lookup(g, k int) (Attempt, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	a, ok := j.done[[2]int{g, k}]
	return a, ok
}

// Record implements Store: one line, one write.
func (j *Journal) Record(a Attempt) error {
	e := journalEntry{G: a.Generation, K: a.Index, Z: a.Z, Over: math.IsInf(a.Distance, 1)}
	if !math.IsNaN(a.Distance) && !math.IsInf(a.Distance, 0) {
		e.D = &a.Distance
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("fit journal: %w", err)
	}
	j.done[[2]int{a.Generation, a.Index}] = a
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
