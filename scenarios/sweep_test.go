package scenarios

import (
	"strings"
	"testing"
)

const sweepBase = `seed = 1
[model]
b = 1.3
c = 0.05
ta = 0.4
tb = 0.4
[population]
kind = "lattice"
size = 20
[sweep]
`

func TestSweepGrid(t *testing.T) {
	sc, err := Parse("s.toml", []byte(sweepBase+`t = {from = 0, to = 0.5, step = 0.1}
c = {from = 0, to = 0.2, n = 3}
selection = ["global", "local"]
size = [10, 20]
`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.NumPoints() != 6*3*2*2 || len(sc.Axes) != 4 || sc.Axes[0].Key != "t" || sc.Axes[3].Key != "size" {
		t.Fatalf("%d points, axes %+v", sc.NumPoints(), sc.Axes)
	}
	// 0.1·3 accumulates rounding; the grid value is tidy.
	if v := sc.Axes[0].Values[3].Num; v != 0.3 {
		t.Errorf("t[3] = %v", v)
	}
	if v := sc.Axes[1].Values[1].Num; v != 0.1 {
		t.Errorf("c[1] = %v", v)
	}
	// The first axis varies slowest.
	last := sc.NumPoints() - 1
	st := sc.Point(last).Platforms[0]
	if st.Model.TA != 0.5 || st.Model.TB != 0.5 || st.Model.C != 0.2 || st.Lattice.Selection.String() != "local" || st.Lattice.Side != 20 {
		t.Errorf("last point %+v", st)
	}
	if got := sc.DescribePoint(1); got != "t = 0, c = 0, selection = global, size = 20" {
		t.Errorf("point 1: %s", got)
	}
	if sc.NumRuns() != sc.NumPoints() {
		t.Errorf("runs %d", sc.NumRuns())
	}
}

func TestSweepBiasUsesSweptTA(t *testing.T) {
	sc, err := Parse("s.toml", []byte(sweepBase+"ta = [0.3, 0.5]\nbias = [0.1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m := sc.Point(1).Platforms[0].Model; m.TA != 0.5 || m.TB != 0.4 {
		t.Errorf("ta 0.5, bias 0.1: %+v", m)
	}
}

func TestSweepErrors(t *testing.T) {
	cases := []struct {
		sweep, key, frag string
		line             int
	}{
		{"c = []\n", "sweep.c", "empty", 11},
		{"c = {from = 0, to = 0.2, step = -0.01}\n", "sweep.c.step", "wrong sign", 11},
		{"c = {from = 0.2, to = 0, step = 0.01}\n", "sweep.c.step", "needs a negative step", 11},
		{"c = {from = 0, to = 0.2, step = 0}\n", "sweep.c.step", "must not be zero", 11},
		{"c = {from = 0, to = 0.2}\n", "sweep.c", "exactly one of step and n", 11},
		{"c = {from = 0, to = 0.2, step = 0.1, n = 3}\n", "sweep.c", "exactly one of step and n", 11},
		{"c = {from = 0, to = 0.2, n = 0}\n", "sweep.c.n", "whole number in [1,", 11},
		{"c = {from = 0, to = 0.2, stp = 0.1}\n", "sweep.c.stp", "unknown range key", 11},
		{"c = {to = 0.2, n = 3}\n", "sweep.c", `lacks "from"`, 11},
		{"c = 0.1\n", "sweep.c", "single number", 11},
		{"c = [0.1, \"x\"]\n", "sweep.c", "value 2", 11},
		{"t = [0.1]\nta = [0.2]\n", "sweep.ta", "sweep.t already sets", 12},
		{"bias = [0.1]\ntb = [0.2]\n", "sweep.tb", "sweep.bias already sets", 12},
		{"gamma = [1]\n", "sweep.gamma", "cannot be swept", 11},
		{"alpha = [0.1]\n", "sweep.alpha", "no effect on lattices", 11},
		{"size = [10.5]\n", "sweep.size", "not a whole number", 11},
		{"selection = [\"nearby\"]\n", "sweep.selection", "not one of", 11},
		{"c = {from = 0, to = 2, step = 0.5}\n", "sweep.c", "at sweep point 2 (c = 1)", 11},
		{"t = {from = 0.5, to = 1.5, step = 0.5}\n", "sweep.t", "at sweep point 2 (t = 1.5)", 11},
		{"size = [1, 10]\n", "sweep.size", "at sweep point 0 (size = 1)", 11},
		{"b = [0.01, 1.3]\n", "sweep.b", "at sweep point 0 (b = 0.01): 0.01 is outside its allowed range c < b ≤ 10⁶", 11},
	}
	for _, tc := range cases {
		_, err := Parse("s.toml", []byte(sweepBase+tc.sweep))
		es, _ := err.(Errors)
		found := false
		for _, e := range es {
			if e.Key == tc.key && strings.Contains(e.Msg, tc.frag) && e.Line == tc.line {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: want %s at line %d saying %q; got:\n%v", tc.sweep, tc.key, tc.line, tc.frag, err)
		}
	}
	// Many problems: the first few are named, the rest counted after
	// them; one problem at several points names them all.
	errs := errorsOf(t, sweepBase+"c = {from = 1, to = 2, n = 20}\n")
	if e := errs["sweep.c"]; e == nil || e.Msg != "and 15 more problems like these at other sweep points" {
		t.Errorf("summary of invalid points: %v", errs)
	}
	_, err := Parse("s.toml", []byte(sweepBase+"c = [0.05, 0.1]\nt = [0.3, 1.5]\n"))
	if es, _ := err.(Errors); len(es) != 1 || es[0].Key != "sweep.t" || !strings.Contains(es[0].Msg, "at sweep point 1 (c = 0.05, t = 1.5) and point 3: ") {
		t.Errorf("one problem at two points: %v", err)
	}
	// Well-mixed populations cannot sweep lattice settings.
	wm := strings.Replace(sweepBase, `kind = "lattice"`, `kind = "wellmixed"`, 1)
	wm = strings.Replace(wm, "tb = 0.4\n", "tb = 0.4\nv = 1\nalpha = 0.2\n", 1)
	if e := errorsOf(t, wm+"radius = [1, 2]\n")["sweep.radius"]; e == nil || !strings.Contains(e.Msg, "lattices and networks only") {
		t.Errorf("well-mixed radius sweep: %v", e)
	}
}

// More runs than one sweep can hold are refused at validation, naming
// the product and the limit, before anything counts them one by one.
func TestTooManyRuns(t *testing.T) {
	src := "replicates = 1000000\n" + sweepBase + "c = [0.01, 0.02, 0.03, 0.04]\nt = [0.1, 0.2, 0.3]\n"
	e := errorsOf(t, src)["replicates"]
	if e == nil || !strings.Contains(e.Msg, "12 points × 1000000 replicates = 12000000 runs: more than the 10000000 runs") {
		t.Fatalf("too many runs: %v", errorsOf(t, src))
	}
}

// Messages of defect 13: a huge size is reported as given, not as an
// overflowed integer; a torus radius too large for its side is blamed on
// the radius, with its range.
func TestMessagesNameTheValueAndKey(t *testing.T) {
	wm := strings.Replace(sweepBase, `kind = "lattice"`, `kind = "wellmixed"`, 1)
	wm = strings.Replace(wm, "tb = 0.4\n", "tb = 0.4\nv = 1\nalpha = 0.2\n", 1)
	e := errorsOf(t, wm+"size = [1e300]\n")["sweep.size"]
	if e == nil || !strings.Contains(e.Msg, "1e+300 is outside its allowed range") || strings.Contains(e.Msg, "-9223372036854775808") {
		t.Errorf("size = [1e300]: %v", e)
	}
	torus := strings.Replace(sweepBase, "size = 20\n", "size = 10\nboundary = \"torus\"\nradius = 6\n", 1)
	errs := errorsOf(t, torus)
	if e := errs["population.radius"]; e == nil || !strings.Contains(e.Msg, "6 is outside its allowed range [1, 4] on a torus of side 10") || errs["population.rounds"] != nil {
		t.Errorf("torus radius: %v", errs)
	}
}
