package figures

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/internal/artifact"
)

func TestWeightedQuantile(t *testing.T) {
	x := []float64{4, 1, 3, 2}
	for _, tc := range []struct {
		w    []float64
		q    float64
		want float64
	}{
		{nil, 0, 1},
		{nil, 0.25, 1},
		{nil, 0.26, 2},
		{nil, 0.5, 2},
		{nil, 0.51, 3},
		{nil, 0.75, 3},
		{nil, 1, 4},
		// sorted: 1 (0.1), 2 (0.2), 3 (0.3), 4 (0.4)
		{[]float64{0.4, 0.1, 0.3, 0.2}, 0.1, 1},
		{[]float64{0.4, 0.1, 0.3, 0.2}, 0.3, 2},
		{[]float64{0.4, 0.1, 0.3, 0.2}, 0.31, 3},
		{[]float64{0.4, 0.1, 0.3, 0.2}, 0.6, 3},
		{[]float64{0.4, 0.1, 0.3, 0.2}, 0.61, 4},
		// unnormalized weights give the same quantiles
		{[]float64{4, 1, 3, 2}, 0.3, 2},
		// zero weights do not count, even at q = 0
		{[]float64{1, 0, 0, 1}, 0, 2},
		{[]float64{1, 0, 0, 1}, 0.5, 2},
		{[]float64{1, 0, 0, 1}, 0.51, 4},
	} {
		if got := WeightedQuantile(x, tc.w, tc.q); got != tc.want {
			t.Errorf("WeightedQuantile(%v, %v, %v) = %v, want %v", x, tc.w, tc.q, got, tc.want)
		}
	}
	// ten weights of 0.1: the cumulative sums are not exact in floating
	// point, yet q = 0.3 is the third point.
	xs := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	ws := make([]float64, 10)
	for i := range ws {
		ws[i] = 0.1
	}
	for k := 1; k <= 10; k++ {
		if got := WeightedQuantile(xs, ws, float64(k)/10); got != float64(k-1) {
			t.Errorf("q = %v: %v, want %v", float64(k)/10, got, k-1)
		}
	}
	if x[0] != 4 || x[1] != 1 {
		t.Errorf("x was modified: %v", x)
	}
	for _, bad := range []struct {
		x, w []float64
		q    float64
	}{
		{nil, nil, 0.5},
		{x, []float64{1, 2}, 0.5},
		{x, []float64{0, 0, 0, 0}, 0.5},
		{x, []float64{1, -1, 1, 1}, 0.5},
		{x, []float64{1, math.Inf(1), 1, 1}, 0.5},
		{x, nil, 1.5},
		{x, nil, math.NaN()},
		{[]float64{1, math.NaN()}, nil, 0.5},
	} {
		if got := WeightedQuantile(bad.x, bad.w, bad.q); !math.IsNaN(got) {
			t.Errorf("WeightedQuantile(%v, %v, %v) = %v, want NaN", bad.x, bad.w, bad.q, got)
		}
	}
}

// posteriorSample draws n particles around centre (spread sd) with
// correlated first two coordinates and random weights.
func posteriorSample(n int, centre, sd []float64, seed uint64) ([][]float64, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	samples := make([][]float64, n)
	weights := make([]float64, n)
	for i := range samples {
		s := make([]float64, len(centre))
		z0 := rng.NormFloat64()
		for k := range s {
			z := rng.NormFloat64()
			if k == 1 {
				z = 0.8*z0 + 0.6*z
			} else if k == 0 {
				z = z0
			}
			s[k] = centre[k] + sd[k]*z
		}
		samples[i] = s
		weights[i] = rng.ExpFloat64()
	}
	return samples, weights
}

// renderBoth renders f to PNG and SVG and, when CULTURESIM_FIGS is set,
// writes the PNG as name.png in that directory for a look.
func renderBoth(t *testing.T, f Figure, name string) {
	t.Helper()
	md := artifact.Metadata{{"Title", name}}
	for _, format := range []string{"png", "svg"} {
		b, err := f.Render(format, md)
		if err != nil {
			t.Fatalf("%s: render %s: %v", name, format, err)
		}
		if len(b) == 0 {
			t.Fatalf("%s: empty %s", name, format)
		}
		if dir := os.Getenv("CULTURESIM_FIGS"); dir != "" && format == "png" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCorner(t *testing.T) {
	names := []string{"T_A", "α", Literal("switch_rate")}
	samples, weights := posteriorSample(600, []float64{0.5, 0.7, 0.002}, []float64{0.1, 0.05, 0.0004}, 1)
	// a true value outside the sample widens its axis
	f, g, err := corner(names, samples, weights, []float64{0.55, 0.68, 0.0035}, "Posterior of the test scenario", "culturesim test · "+Citation)
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "3 parameters", g)
	if math.Abs(float64(f.Width-6.6*vg.Inch)) > 1e-9 || f.Height <= f.Width {
		t.Errorf("3 parameters: %v × %v", f.Width, f.Height)
	}
	renderBoth(t, f, "corner3")

	var samples1 [][]float64
	for _, s := range samples[:50] {
		samples1 = append(samples1, s[:1])
	}
	one, g1, err := corner([]string{"b"}, samples1, nil, []float64{math.NaN()}, "One parameter", "")
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "1 parameter", g1)
	renderBoth(t, one, "corner1")

	centre, sd := make([]float64, 8), make([]float64, 8)
	names8 := make([]string, 8)
	truth := make([]float64, 8)
	for k := range centre {
		centre[k], sd[k] = float64(k+1)*10, float64(k+1)
		names8[k] = Literal("param_" + string(rune('a'+k)))
		truth[k] = centre[k] + sd[k]/2
	}
	truth[3] = math.NaN()
	samples8, weights8 := posteriorSample(3000, centre, sd, 2)
	f8, g8, err := corner(names8, samples8, weights8, truth, "Eight parameters", "culturesim test")
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "8 parameters", g8)
	if math.Abs(float64(f8.Width-17.6*vg.Inch)) > 1e-9 {
		t.Errorf("8 parameters: width %v", f8.Width)
	}
	renderBoth(t, f8, "corner8")

	// long tick labels are slanted, apart from their neighbours'
	wide, _ := posteriorSample(400, []float64{1234567, 0.5, 2e-7}, []float64{300, 0.1, 3e-8}, 5)
	fw, gw, err := corner([]string{"population size", "b", "mutation rate per site"}, wide, nil, nil, "Long tick labels", "")
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "long tick labels", gw)
	renderBoth(t, fw, "corner_wideticks")

	// every particle at the same point: degenerate ranges still draw
	same := [][]float64{{1, 0}, {1, 0}, {1, 0}}
	fs, err := Corner([]string{"x", "y"}, same, nil, nil, "degenerate", "")
	if err != nil {
		t.Fatal(err)
	}
	renderBoth(t, fs, "corner_degenerate")
}

func TestCornerErrors(t *testing.T) {
	ok := [][]float64{{1, 2}, {2, 3}}
	names := []string{"a", "b"}
	for _, tc := range []struct {
		name    string
		names   []string
		samples [][]float64
		weights []float64
		truth   []float64
	}{
		{"no parameters", nil, [][]float64{{}}, nil, nil},
		{"no particles", names, nil, nil, nil},
		{"short particle", names, [][]float64{{1, 2}, {3}}, nil, nil},
		{"weights length", names, ok, []float64{1}, nil},
		{"truth length", names, ok, nil, []float64{1}},
		{"NaN value", names, [][]float64{{1, math.NaN()}, {2, 3}}, nil, nil},
		{"infinite value", names, [][]float64{{1, math.Inf(1)}, {2, 3}}, nil, nil},
		{"negative weight", names, ok, []float64{1, -1}, nil},
		{"NaN weight", names, ok, []float64{1, math.NaN()}, nil},
		{"zero weights", names, ok, []float64{0, 0}, nil},
		{"infinite truth", names, ok, nil, []float64{1, math.Inf(-1)}},
	} {
		if _, err := Corner(tc.names, tc.samples, tc.weights, tc.truth, "", ""); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// The names of a fit of the tiktok_refugees scenario, which used to
// misalign the panels and run into each other.
var longNames3 = []string{
	"α on xiaohongshu",
	"Fraction moved by event 1 (tiktok → xiaohongshu, generation 30)",
	"Cost of cooperation, c",
}

func TestCornerLongNames(t *testing.T) {
	samples, weights := posteriorSample(100, []float64{0.6, 0.3, 0.2}, []float64{0.15, 0.05, 0.05}, 3)
	f, g, err := corner(longNames3, samples, weights, []float64{0.45, 0.3, 0.15},
		Literal("tiktok_refugees")+": posterior of population 4 (ε = 1.73, 1167 simulations)", "culturesim fit tiktok\\_refugees")
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "3 long names", g)
	renderBoth(t, f, "corner_long3")

	names6 := append(slices.Clone(longNames3),
		"Fraction moved by event 2 (xiaohongshu → rednote, generation 45)",
		Literal("tiktok_refugees_switching_rate_per_generation_per_capita"),
		"T_A, the transmission rate of trait A from parents to their offspring in the host population",
	)
	centre := []float64{0.6, 0.3, 0.2, 0.05, 0.002, 120}
	sd := []float64{0.15, 0.05, 0.05, 0.01, 0.0005, 30}
	truth := []float64{0.45, 0.3, 0.15, 0.055, math.NaN(), 100}
	samples6, weights6 := posteriorSample(800, centre, sd, 4)
	f6, g6, err := corner(names6, samples6, weights6, truth, "Six long names", "culturesim test")
	if err != nil {
		t.Fatal(err)
	}
	checkCornerGrid(t, "6 long names", g6)
	renderBoth(t, f6, "corner_long6")
}

// checkCornerGrid checks the layout of a corner plot: data areas of one
// size aligned in rows and columns, panels that do not overlap, names and
// heads that fit their panels on at most three lines, and bottom tick
// labels inside their panels, at least 4 points apart.
func checkCornerGrid(t *testing.T, name string, g *cornerGrid) {
	t.Helper()
	const tol = 0.05 // points
	d := len(g.plots)
	cs := g.align(draw.Canvas{Rectangle: g.rect})
	dc := g.dataCanvases(cs)
	size := dc[0][0].Size()
	for i := range d {
		for j := 0; j <= i; j++ {
			r := dc[i][j].Rectangle
			if s := r.Size(); math.Abs(float64(s.X-size.X)) > tol || math.Abs(float64(s.Y-size.Y)) > tol {
				t.Errorf("%s: panel (%d, %d) is %v, panel (0, 0) %v", name, i, j, s, size)
			}
			if dx := r.Min.X - dc[j][j].Min.X; math.Abs(float64(dx)) > tol {
				t.Errorf("%s: panel (%d, %d) is %v right of its column", name, i, j, dx)
			}
			if dy := r.Min.Y - dc[i][0].Min.Y; math.Abs(float64(dy)) > tol {
				t.Errorf("%s: panel (%d, %d) is %v above its row", name, i, j, dy)
			}
			// the grid's outer pads (a few points) allow the corrections
			// of plot.Align's layout a fraction of a point
			c := cs[i][j].Rectangle
			if out := vg.Points(1); c.Min.X < g.rect.Min.X-out || c.Min.Y < g.rect.Min.Y-out || c.Max.X > g.rect.Max.X+out || c.Max.Y > g.rect.Max.Y+out {
				t.Errorf("%s: panel (%d, %d) at %v leaves the grid %v", name, i, j, c, g.rect)
			}
			for k := range d {
				for l := 0; l <= k; l++ {
					if (k > i || (k == i && l > j)) && cornerOverlap(c, cs[k][l].Rectangle, tol) {
						t.Errorf("%s: panels (%d, %d) and (%d, %d) overlap", name, i, j, k, l)
					}
				}
			}
		}
	}
	fits := func(what, s string, f font.Font, width vg.Length) {
		lines := strings.Split(s, "\n")
		if len(lines) > cornerLabelLines {
			t.Errorf("%s: %s %q has %d lines", name, what, s, len(lines))
		}
		for _, l := range lines {
			if w, _, _ := handler.Box(l, f); w > width {
				t.Errorf("%s: %s line %q is %v wide, the panel %v", name, what, l, w, width)
			}
		}
	}
	for k := range d {
		x := g.plots[d-1][k].X
		fits("x label", x.Label.Text, x.Label.TextStyle.Font, size.X)
		fits("head", g.heads[k], g.plots[k][k].Title.TextStyle.Font, size.X)
		if k > 0 {
			y := g.plots[k][0].Y
			fits("y label", y.Label.Text, y.Label.TextStyle.Font, size.Y)
		}
	}
	// the bottom row's tick labels, left to right, do not overlap
	var boxes []vg.Rectangle
	for j := range d {
		p, c := g.plots[d-1][j], dc[d-1][j]
		for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if tk.Label == "" {
				continue
			}
			x := c.X(p.X.Norm(tk.Value))
			b := p.X.Tick.Label.Rectangle(tk.Label).Add(vg.Point{X: x, Y: c.Min.Y})
			if b.Min.X < cs[d-1][j].Min.X-tol || b.Max.X > cs[d-1][j].Max.X+tol {
				t.Errorf("%s: tick label %q of column %d leaves its panel", name, tk.Label, j)
			}
			boxes = append(boxes, b)
		}
	}
	for k := 1; k < len(boxes); k++ {
		if boxes[k].Min.X < boxes[k-1].Max.X+vg.Points(4) && boxes[k].Min.Y < boxes[k-1].Max.Y && boxes[k-1].Min.Y < boxes[k].Max.Y {
			t.Errorf("%s: bottom tick labels %d and %d overlap: %v, %v", name, k-1, k, boxes[k-1], boxes[k])
		}
	}
}

func cornerOverlap(a, b vg.Rectangle, tol vg.Length) bool {
	return a.Min.X < b.Max.X-tol && b.Min.X < a.Max.X-tol && a.Min.Y < b.Max.Y-tol && b.Min.Y < a.Max.Y-tol
}

func TestCornerWrap(t *testing.T) {
	f := Font(cornerLabelPt)
	width := func(s string) vg.Length {
		w, _, _ := handler.Box(s, f)
		return w
	}
	long := "Fraction moved by event 1 (tiktok → xiaohongshu, generation 30)"
	for _, tc := range []struct {
		s     string
		width vg.Length
		lines int
		cut   bool
	}{
		{"Cost of cooperation, c", vg.Points(300), 1, false},
		{long, vg.Points(150), 2, false},
		{long, vg.Points(130), 3, false},
		{long, vg.Points(110), 3, true},
		{long, vg.Points(60), 3, true},
		{Literal("tiktok_refugees_switching_rate_per_generation"), vg.Points(80), 3, false},
		{"T_{AB} and T_A and p̂ and w̄ together in a long name of many words", vg.Points(50), 3, true},
	} {
		got := cornerWrap(tc.s, f, tc.width, 3)
		lines := strings.Split(got, "\n")
		if len(lines) != tc.lines {
			t.Errorf("cornerWrap(%q, %v): %d lines %q, want %d", tc.s, tc.width, len(lines), got, tc.lines)
		}
		for _, l := range lines {
			if width(l) > tc.width {
				t.Errorf("cornerWrap(%q, %v): line %q is %v wide", tc.s, tc.width, l, width(l))
			}
			if strings.HasSuffix(l, `\`) || strings.HasPrefix(l, "_") || strings.HasPrefix(l, "\u0302") {
				t.Errorf("cornerWrap(%q, %v): markup split at %q", tc.s, tc.width, l)
			}
		}
		if cut := strings.HasSuffix(got, "…"); cut != tc.cut {
			t.Errorf("cornerWrap(%q, %v) = %q: cut %v, want %v", tc.s, tc.width, got, cut, tc.cut)
		}
		if !tc.cut && strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(tc.s), "") {
			t.Errorf("cornerWrap(%q, %v) = %q lost text", tc.s, tc.width, got)
		}
	}
}
