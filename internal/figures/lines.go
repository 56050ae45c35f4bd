package figures

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Line is one line of a FrequencyLines figure: values in [0, 1] against
// x, optionally with symmetric error bars.
type Line struct {
	Label  string
	Color  color.Color
	Dashed bool
	Bold   bool // a thicker line with a dot at each point (the main quantity)
	X, Y   []float64
	// Err holds the error bars' half-heights (nil: no bars; NaN: no bar
	// at that x).
	Err []float64
}

// errorPoints is what plotter.NewYErrorBars reads: points and their
// errors.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// FrequencyLines draws frequencies and fractions in [0, 1] against a
// swept parameter, with a legend column on the right.
func FrequencyLines(title, xlabel, ylabel string, lines []Line, footnote string) (Figure, error) {
	p := NewPlot()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	xmin, xmax := math.Inf(1), math.Inf(-1)
	var entries []LegendEntry
	for _, ln := range lines {
		if len(ln.X) != len(ln.Y) || (ln.Err != nil && len(ln.Err) != len(ln.X)) {
			return Figure{}, errors.New("figures: a line's x, y and errors differ in length")
		}
		sty := draw.LineStyle{Color: ln.Color, Width: vg.Points(1.4)}
		if ln.Bold {
			sty.Width = vg.Points(2.2)
		}
		if ln.Dashed {
			sty.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		// NaN breaks the line (a platform empty at some x).
		for _, pts := range definedRuns(ln.X, ln.Y) {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return Figure{}, err
			}
			l.LineStyle = sty
			p.Add(l)
			if ln.Bold {
				s, err := plotter.NewScatter(pts)
				if err != nil {
					return Figure{}, err
				}
				s.GlyphStyle = draw.GlyphStyle{Color: ln.Color, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				p.Add(s)
			}
		}
		var bars errorPoints
		for i, x := range ln.X {
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			if y := ln.Y[i]; !math.IsNaN(y) && ln.Err != nil && !math.IsNaN(ln.Err[i]) {
				bars.XYs = append(bars.XYs, plotter.XY{X: x, Y: y})
				// clipped to [0, 1], the plot's range
				bars.YErrors = append(bars.YErrors, struct{ Low, High float64 }{math.Min(ln.Err[i], y), math.Min(ln.Err[i], 1-y)})
			}
		}
		if len(bars.XYs) > 0 {
			eb, err := plotter.NewYErrorBars(bars)
			if err != nil {
				return Figure{}, err
			}
			eb.LineStyle = draw.LineStyle{Color: ln.Color, Width: vg.Points(1)}
			eb.CapWidth = vg.Points(5)
			p.Add(eb)
		}
		entries = append(entries, LegendEntry{Text: ln.Label, Thumb: LineThumb(sty)})
	}
	if math.IsInf(xmin, 0) {
		return Figure{}, errors.New("figures: no points to draw")
	}
	if xmin == xmax {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	pad := (xmax - xmin) * 0.03
	p.X.Min, p.X.Max = xmin-pad, xmax+pad
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Tick.Marker = stepTicks(tickStep(xmax - xmin))
	p.Y.Tick.Marker = stepTicks(0.2)
	return Figure{Width: 8.5 * vg.Inch, Height: 5 * vg.Inch, Draw: WithLegend(p, entries, 2.3*vg.Inch, footnote)}, nil
}
