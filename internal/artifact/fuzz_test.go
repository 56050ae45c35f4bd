package artifact

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadJournal: no journal bytes make the reader panic; every entry it
// reports is possible, and compacting keeps exactly those entries. The
// seeds are a valid journal and a torn one; the corpus is in
// testdata/fuzz/FuzzReadJournal.
func FuzzReadJournal(f *testing.F) {
	dir, err := os.MkdirTemp("", "culturesim-fuzz")
	if err != nil {
		f.Fatal(err)
	}
	defer os.RemoveAll(dir)
	seed := filepath.Join(dir, JournalFile)
	if _, err := writeTestJournal(seed, 5); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), JournalFile)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var seen []RunResult
		s, err := ReadJournal(path, testReplicates, func(r RunResult) error { seen = append(seen, r); return nil })
		if err != nil {
			return
		}
		if len(seen) != len(s.Offsets) || s.Valid > int64(len(b)) {
			t.Fatalf("%d entries seen, %d indexed, valid %d of %d bytes", len(seen), len(s.Offsets), s.Valid, len(b))
		}
		for _, r := range seen {
			if r.Run < 0 || r.Run >= s.Header.TotalRuns || r.Point != r.Run/testReplicates || r.Rep != r.Run%testReplicates || !(r.Result.FinalFreqA >= 0 && r.Result.FinalFreqA <= 1) {
				t.Fatalf("an impossible entry was read: %+v", r)
			}
		}
		if err := CompactJournal(path, s); err != nil {
			t.Fatal(err)
		}
		c, err := ReadJournal(path, testReplicates, nil)
		if err != nil || len(c.Offsets) != len(s.Offsets) || len(c.Damaged) != 0 || c.Torn {
			t.Fatalf("compacted: %v, %d of %d entries, damage %v, torn %v", err, len(c.Offsets), len(s.Offsets), c.Damaged, c.Torn)
		}
	})
}
