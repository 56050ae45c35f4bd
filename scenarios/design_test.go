package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/culturesim/culturesim/sim"
)

const designBase = `seed = 7
generations = 10
[model]
b = 1.3
c = 0.05
v = 0.9
ta = 0.3
tb = 0.3
alpha = 0.5
[population]
kind = "wellmixed"
size = 100
[sweep]
`

func TestDesignLHSStrata(t *testing.T) {
	sc, err := Parse("d.toml", []byte(designBase+`design = "lhs"
n = 40
c = {from = 0.01, to = 0.41}
alpha = {from = 0.1, to = 0.9}
size = {from = 10, to = 49}
`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.NumPoints() != 40 || sc.Design.Kind != DesignLHS || len(sc.Design.Unit) != 40 {
		t.Fatalf("%d points, design %+v", sc.NumPoints(), sc.Design.Kind)
	}
	// Each axis's 40 strata of its range are hit once: for c, the strata
	// [0.01 + 0.01k, 0.01 + 0.01(k+1)); for the integer size, the 40
	// whole numbers 10…49.
	hits := make([][]int, 3)
	for k := range hits {
		hits[k] = make([]int, 40)
	}
	for i := range sc.NumPoints() {
		v := sc.PointValues(i)
		hits[0][int((v[0].Num-0.01)/0.01)]++
		hits[1][int((v[1].Num-0.1)/0.02)]++
		hits[2][int(v[2].Num)-10]++
		if pc := sc.Point(i).Platforms[0]; pc.Model.C != v[0].Num || pc.Model.Alpha != v[1].Num || pc.Agents != int(v[2].Num) {
			t.Fatalf("point %d: world %+v for values %v", i, pc.Model, v)
		}
	}
	for k := range hits {
		for s, h := range hits[k] {
			if h != 1 {
				t.Errorf("axis %d: stratum %d hit %d times", k, s, h)
			}
		}
	}
	// The same file gives the same design; another seed another one.
	again, _ := Parse("d.toml", []byte(designBase+"design = \"lhs\"\nn = 40\nc = {from = 0.01, to = 0.41}\nalpha = {from = 0.1, to = 0.9}\nsize = {from = 10, to = 49}\n"))
	other, _ := Parse("d.toml", []byte(strings.Replace(designBase, "seed = 7", "seed = 8", 1)+"design = \"lhs\"\nn = 40\nc = {from = 0.01, to = 0.41}\nalpha = {from = 0.1, to = 0.9}\nsize = {from = 10, to = 49}\n"))
	for i := range 40 {
		if !slices.Equal(again.PointValues(i), sc.PointValues(i)) {
			t.Fatalf("point %d differs between two parses", i)
		}
	}
	if slices.Equal(other.PointValues(0), sc.PointValues(0)) && slices.Equal(other.PointValues(1), sc.PointValues(1)) {
		t.Error("seed 8 draws the same design as seed 7")
	}
	// PointIndex inverts PointValues on a design too.
	for i := range 40 {
		if j, ok := sc.PointIndex(sc.PointValues(i)); !ok || j != i {
			t.Fatalf("PointIndex(point %d) = %d, %v", i, j, ok)
		}
	}
}

func TestDesignLogScaleAndSizes(t *testing.T) {
	sc, err := Parse("d.toml", []byte(designBase+`design = "sobol"
n = 16
c = {from = 0.001, to = 1, scale = "log"}
alpha = {from = 0.1, to = 0.9}
`))
	if err != nil {
		t.Fatal(err)
	}
	// Sobol point 1 is (0.5, 0.5): the log scale's middle is √(0.001·1).
	if v := sc.PointValues(1); math.Abs(v[0].Num-math.Sqrt(0.001)) > 1e-12 || v[1].Num != 0.5 {
		t.Errorf("point 1 = %v", v)
	}
	for _, c := range []struct {
		design string
		n, pts int
	}{{"saltelli", 8, 8 * 4}, {"morris", 5, 5 * 3}, {"halton", 9, 9}} {
		src := designBase + "design = \"" + c.design + "\"\nn = " + itoa(c.n) + "\nc = {from = 0.01, to = 0.5}\nalpha = {from = 0.1, to = 0.9}\n"
		sc, err := Parse("d.toml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", c.design, err)
		}
		if sc.NumPoints() != c.pts || sc.NumRuns() != c.pts*sc.Replicates {
			t.Errorf("%s n = %d: %d points, want %d", c.design, c.n, sc.NumPoints(), c.pts)
		}
	}
}

func itoa(n int) string { return sim.FormatNum(float64(n)) }

func TestDesignErrors(t *testing.T) {
	for _, c := range []struct{ sweep, want string }{
		{`design = "latin"` + "\nn = 4\nc = {from = 0, to = 1}", `sweep.design: "latin" is not a design`},
		{`design = "lhs"` + "\nc = {from = 0, to = 0.5}", `design = "lhs" needs n`},
		{`design = "lhs"` + "\nn = 0\nc = {from = 0, to = 0.5}", `sweep.n: 0 is not a whole number in [1, 1000000]`},
		{`design = "lhs"` + "\nn = 4\nc = {from = 0, to = 0.5, step = 0.1}", `sweep.c.step: a design draws its own points`},
		{`design = "lhs"` + "\nn = 4\nc = {from = 0, to = 2}", `sweep.c: at sweep point 0 (c = 1.18`},
		{`design = "lhs"` + "\nn = 4\nc = {from = 0.5, to = 0.1}", `from = 0.5 is above to = 0.1`},
		{`design = "lhs"` + "\nn = 4\nc = {from = 0, to = 0.5, scale = \"log\"}", `a log scale needs from > 0`},
		{`design = "lhs"` + "\nn = 4\nc = {from = 0.1, to = 0.5, scale = \"ln\"}", `"ln" is not a scale`},
		{`design = "morris"` + "\nn = 4\nlevels = 3\nc = {from = 0.1, to = 0.5}", `3 is odd`},
		{"n = 4\nc = [0.1, 0.2]", `sweep.n: n is the size of a design`},
		{`design = "lhs"` + "\nn = 4", `has no axis to draw`},
		{`points = "x.csv"` + "\nc = [0.1]", `gives the axes (its header)`},
	} {
		_, err := Parse("d.toml", []byte(designBase+c.sweep+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.sweep, err, c.want)
		}
	}
}

// An imported design that is a grid is the grid written in [sweep]; one
// that is not keeps its rows in file order.
func TestDesignFileImport(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("grid.csv", "c,alpha\n0.1,0.2\n0.1,0.5\n0.3,0.2\n0.3,0.5\n0.5,0.2\n0.5,0.5\n")
	scenario := write("f.toml", designBase+`points = "grid.csv"`+"\n")
	byFile, err := Load(scenario)
	if err != nil {
		t.Fatal(err)
	}
	byHand, err := Parse("h.toml", []byte(designBase+"c = [0.1, 0.3, 0.5]\nalpha = [0.2, 0.5]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if byFile.NumPoints() != 6 || len(byFile.Axes) != 2 {
		t.Fatalf("imported: %d points, %d axes", byFile.NumPoints(), len(byFile.Axes))
	}
	for k := range byHand.Axes {
		a, b := byFile.Axes[k], byHand.Axes[k]
		if a.Key != b.Key || !slices.Equal(a.Values, b.Values) || a.Label() != b.Label() || a.Type != b.Type {
			t.Errorf("axis %d: imported %+v, by hand %+v", k, a, b)
		}
	}
	for i := range 6 {
		if !slices.Equal(byFile.PointValues(i), byHand.PointValues(i)) {
			t.Errorf("point %d: %v vs %v", i, byFile.PointValues(i), byHand.PointValues(i))
		}
	}
	if f := byFile.DataFiles()["grid.csv"]; f == nil || len(f.SHA256) != 64 {
		t.Errorf("the design file is not recorded: %+v", byFile.DataFiles())
	}

	write("rows.csv", "# a SALib design\nplatform.population.c,alpha\n0.3,0.2\n0.1,0.9\n")
	sc, err := Load(write("r.toml", designBase+`points = "rows.csv"`+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.NumPoints() != 2 || sc.PointValues(0)[0].Num != 0.3 || sc.Point(1).Platforms[0].Model.Alpha != 0.9 {
		t.Errorf("rows: %d points, %v %v", sc.NumPoints(), sc.PointValues(0), sc.PointValues(1))
	}

	for _, c := range []struct{ file, text, want string }{
		{"e1.csv", "", "the file is empty"},
		{"e2.csv", "c,alpha\n", "no points below the header"},
		{"e3.csv", "c,zeta\n0.1,0.2\n", `e3.csv:1: column 2 (zeta): "zeta" cannot be swept`},
		{"e4.csv", "c,alpha\n0.1,0.2\n0.1,2\n", `sweep.points: at sweep point 1 (c = 0.1, alpha = 2): 2 is outside its allowed range [0, 1]`},
		{"e8.csv", "c,selection\n0.1,global\n", `e8.csv:1: column 2 (selection): applies to lattices and networks only`},
		{"e5.csv", "c,alpha\n0.1,0.2\n0.1,0.2\n", "points 0 and 1 are the same"},
		{"e6.csv", "c,c\n0.1,0.2\n", `column "c" appears twice`},
		{"e7.csv", "c,alpha\n0.1\n", "e7.csv:2: wrong number of fields"},
		{"e9.csv", "c,alpha\n0.1,0.2\n\"0.2\n", "e9.csv:3: extraneous or missing \" in quoted-field"},
	} {
		write(c.file, c.text)
		_, err := Load(write("e.toml", designBase+`points = "`+c.file+`"`+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.file, err, c.want)
		}
	}
	if _, err := Load(write("m.toml", designBase+`points = "missing.csv"`+"\n")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestSetter(t *testing.T) {
	sc, err := Open("tiktok_refugees")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sc.NewSetter(0, []string{"platform.xiaohongshu.alpha", "event.1.fraction"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Parse(0, 0.35)
	f, _ := s.Parse(1, 0.25)
	w, err := s.World([]sim.Value{a, f})
	if err != nil {
		t.Fatal(err)
	}
	if w.Platforms[1].Model.Alpha != 0.35 || w.Migration.Events[0].Fraction != 0.25 || w.Platforms[0].Model.Alpha != 0.05 {
		t.Errorf("world %+v %+v", w.Platforms[1].Model, w.Migration.Events[0])
	}
	// The scenario's own world is untouched.
	if sc.Point(0).Platforms[1].Model.Alpha != 0.6 {
		t.Error("NewSetter changed the scenario")
	}
	big, _ := s.Parse(0, 1.5)
	if _, err := s.World([]sim.Value{big, f}); err == nil || !strings.Contains(err.Error(), "platform.xiaohongshu.alpha = 1.5") || !strings.Contains(err.Error(), "[0, 1]") {
		t.Errorf("alpha 1.5: %v", err)
	}
	if _, err := s.Parse(1, "half"); err == nil || !strings.Contains(err.Error(), "event.1.fraction") {
		t.Errorf("fraction \"half\": %v", err)
	}
	for _, c := range []struct {
		keys []string
		want string
	}{
		{[]string{"platform.myspace.alpha"}, `unknown platform "myspace"`},
		{[]string{"zeta"}, `"zeta" cannot be swept`},
		{[]string{"ta", "t"}, "already sets"},
	} {
		if _, err := sc.NewSetter(0, c.keys); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.keys, err, c.want)
		}
	}
}
