package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestBenchTable runs the smallest case and checks the row's arithmetic:
// the floor is the words times the word's cost, and the ratio is the
// generation's time over the floor.
func TestBenchTable(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "--only", "lattice-100-global", "--runs", "1", "--min-run", "20ms", "--numpy", "off")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var wordNs float64
	var row []string
	for _, line := range strings.Split(stdout, "\n") {
		if rest, ok := strings.CutPrefix(line, "one random word (xoshiro256++ Fill, blocks of 1024): "); ok {
			wordNs, _ = strconv.ParseFloat(strings.Fields(rest)[0], 64)
		}
		if strings.HasPrefix(line, "| lattice-100-global |") {
			row = strings.Split(strings.Trim(line, "| "), " | ")
		}
	}
	if wordNs <= 0 || len(row) != 8 {
		t.Fatalf("no word cost or no row in:\n%s", stdout)
	}
	num := func(i int) float64 {
		x, err := strconv.ParseFloat(row[i], 64)
		if err != nil {
			t.Fatalf("column %d = %q: %v", i, row[i], err)
		}
		return x
	}
	perGen, words, floor, ratio := num(2), num(4), num(5), num(6)
	// A 100 × 100 generation draws about 1.75 words a site: half the
	// sites initiate (two words each), the shuffle takes half a word an
	// initiator, selection half a word a site, the initiation coins 1/64.
	if words < 15_000 || words > 20_000 {
		t.Errorf("words per generation = %v, want about 17,600", words)
	}
	if got := words * wordNs / 1000; got < floor-0.1 || got > floor+0.1 {
		t.Errorf("floor = %v µs, want words × word cost = %v µs", floor, got)
	}
	if got := perGen / floor; got < ratio*0.99-0.01 || got > ratio*1.01+0.01 {
		t.Errorf("ratio = %v, want µs/generation ÷ floor = %v", ratio, got)
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "--runs", "0"}, "--runs = 0 is outside its allowed range [1, 1000]"},
		{[]string{"bench", "--only", "nosuchengine"}, `--only = "nosuchengine" matches no case`},
		{[]string{"bench", "--min-run", "0s"}, "--min-run = 0s is outside its allowed range"},
		{[]string{"bench", "--numpy", "/no/such/script.py"}, `--numpy = "/no/such/script.py"`},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, exitUsage, c.want)
		}
	}
}
