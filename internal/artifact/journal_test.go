package artifact

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/culturesim/culturesim/sim"
)

const testReplicates = 3

// testJournal writes a journal of runs 0…n−1 (with a short series each)
// and returns its path and the offset where its entries start.
func testJournal(t *testing.T, n int) (string, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), JournalFile)
	body, err := writeTestJournal(path, n)
	if err != nil {
		t.Fatal(err)
	}
	return path, body
}

func writeTestJournal(path string, n int) (int64, error) {
	j, err := CreateJournal(path, JournalHeader{ScenarioSHA256: "abc", TotalRuns: n, RecordEvery: 10, SeedDerivation: "test", Release: "test"})
	if err != nil {
		return 0, err
	}
	st, _ := os.Stat(path)
	for r := range n {
		res := RunResult{Run: r, Point: r / testReplicates, Rep: r % testReplicates, Seed: uint64(1000 + r),
			Result: sim.Result{Generations: 50 + r, FinalFreqA: float64(r%5) / 4, Reason: sim.StoppedMaxGenerations}}
		for g := 0; g <= 50; g += 10 {
			res.Series = append(res.Series, Record{Generation: g, Rows: []Row{{Size: 100, FreqA: 0.5, FreqNatives: math.NaN(), FreqMigrants: math.NaN(), MeanFitness: 1.2}}})
		}
		if err := j.Append(&res); err != nil {
			return 0, err
		}
	}
	return st.Size(), j.Close()
}

func scanOf(t *testing.T, path string) *Scan {
	t.Helper()
	s, err := ReadJournal(path, testReplicates, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// One flipped byte anywhere in the entries costs at most the entry it is
// in: every intact entry after it is kept, and the damage is reported.
func TestJournalKeepsEntriesAfterDamage(t *testing.T) {
	const n = 40
	path, body := testJournal(t, n)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	worst, flips := 0, 0
	for pos := body; pos < int64(len(orig)); pos += 7 {
		b := append([]byte(nil), orig...)
		b[pos] ^= 0x5a
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s := scanOf(t, path)
		lost := n - len(s.Offsets)
		worst = max(worst, lost)
		flips++
		if lost > 1 {
			t.Fatalf("a flip at byte %d lost %d runs", pos, lost)
		}
		if lost == 1 && len(s.Damaged) == 0 && !s.Torn {
			t.Fatalf("a flip at byte %d lost a run silently", pos)
		}
		// Compacting keeps exactly the intact entries.
		if err := CompactJournal(path, s); err != nil {
			t.Fatal(err)
		}
		if c := scanOf(t, path); len(c.Offsets) != len(s.Offsets) || len(c.Damaged) != 0 || c.Torn {
			t.Fatalf("compacted after a flip at %d: %d runs, %d damaged, torn %v", pos, len(c.Offsets), len(c.Damaged), c.Torn)
		}
	}
	t.Logf("%d flips: at most %d run lost per flip", flips, worst)

	// Truncated anywhere: the intact prefix is kept; garbage appended:
	// every entry is kept and the tail is torn.
	for cut := body; cut < int64(len(orig)); cut += 131 {
		os.WriteFile(path, orig[:cut], 0o644)
		s := scanOf(t, path)
		if s.Valid > cut || (len(s.Offsets) < n && !s.Torn && s.Valid != cut) {
			t.Fatalf("cut at %d: %+v", cut, s)
		}
	}
	os.WriteFile(path, append(append([]byte(nil), orig...), []byte("garbage after the last entry")...), 0o644)
	if s := scanOf(t, path); len(s.Offsets) != n || !s.Torn || s.Valid != int64(len(orig)) {
		t.Fatalf("garbage appended: %d runs, torn %v, valid %d of %d", len(s.Offsets), s.Torn, s.Valid, len(orig))
	}
}

// An entry whose checksum holds but whose values are impossible (a point
// that is not its run's, a stop reason that does not exist, a frequency
// of NaN) is damage, not a run: readers never see it.
func TestJournalRefusesImpossibleEntries(t *testing.T) {
	path, _ := testJournal(t, 6)
	j, err := OpenJournal(path, func() int64 { st, _ := os.Stat(path); return st.Size() }())
	if err != nil {
		t.Fatal(err)
	}
	good := RunResult{Run: 5, Point: 1, Rep: 2, Result: sim.Result{FinalFreqA: 1}}
	for _, bad := range []RunResult{
		{Run: 4, Point: 7, Rep: 1, Result: sim.Result{FinalFreqA: 1}},                                           // the point of another run
		{Run: 9, Point: 3, Rep: 0, Result: sim.Result{FinalFreqA: 1}},                                           // beyond the journal's runs
		{Run: 3, Point: 1, Rep: 0, Result: sim.Result{FinalFreqA: math.NaN()}},                                  // no final frequency
		{Run: 2, Point: 0, Rep: 2, Result: sim.Result{FinalFreqA: 0.5, Reason: 200}},                            // no such stop reason
		{Run: 1, Point: 0, Rep: 1, Result: sim.Result{FinalFreqA: 0.5}, Platforms: []PlatformFinal{{Size: -3}}}, // a negative size
	} {
		if err := j.Append(&bad); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Append(&good); err != nil { // a duplicate of run 5, intact: ignored as a repeat
		t.Fatal(err)
	}
	j.Close()
	var seen []RunResult
	s, err := ReadJournal(path, testReplicates, func(r RunResult) error { seen = append(seen, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 6 || len(s.Damaged) != 1 || s.Torn {
		t.Fatalf("%d runs seen, damage %+v, torn %v", len(seen), s.Damaged, s.Torn)
	}
	for _, r := range seen {
		if r.Point != r.Run/testReplicates || r.Rep != r.Run%testReplicates || math.IsNaN(r.Result.FinalFreqA) {
			t.Errorf("an impossible entry was read: %+v", r)
		}
	}
}

// Many takers of one stale lock at once: exactly one holds it.
func TestStaleLockTakenByOne(t *testing.T) {
	for round := range 20 {
		dir := t.TempDir()
		host, _ := os.Hostname()
		stale := LockHolder{Host: host, PID: 1 << 22, Command: "dead", Nonce: "old"} // no such PID
		b, _ := json.Marshal(stale)
		if err := os.WriteFile(filepath.Join(dir, LockFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var won []*Lock
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l, err := LockDir(dir, "taker")
				var le *LockedError
				switch {
				case err == nil:
					mu.Lock()
					won = append(won, l)
					mu.Unlock()
				case !errors.As(err, &le):
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("round %d: %d takers hold the lock", round, len(won))
		}
		won[0].Release()
		if _, err := os.Stat(filepath.Join(dir, LockFile)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("round %d: the lock outlived its release", round)
		}
	}
}
