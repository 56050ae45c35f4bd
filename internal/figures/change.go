package figures

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/model"
)

// ChangeCurve is one curve of a change-in-frequency plot (the paper's
// Figure 3d): p̂' − p̂ against p̂, computed by the caller.
type ChangeCurve struct {
	Label  string // legend text
	Color  color.RGBA
	Points plotter.XYs // (p̂, p̂' − p̂), increasing p̂
	// Arrows are points on the curve where an arrow shows the direction
	// of change: right where y > 0, left otherwise.
	Arrows     plotter.XYs
	Equilibria []Equilibrium
}

// Equilibrium is a fixed point on the p̂ axis.
type Equilibrium struct {
	P         float64
	Stability model.Stability
}

// ChangePlot is the change-in-frequency panel: curves over p̂ ∈ [0, 1]
// with their equilibria, a zero line and a legend below the plot.
type ChangePlot struct {
	Title, XLabel, YLabel string
	Curves                []ChangeCurve
}

// arrowGlyph is a filled triangle pointing right (Dir > 0) or left.
type arrowGlyph struct{ Dir float64 }

func (a arrowGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	s := vg.Length(1)
	if a.Dir < 0 {
		s = -1
	}
	c.FillPolygon(sty.Color, []vg.Point{
		{X: pt.X + s*r, Y: pt.Y},
		{X: pt.X - s*r, Y: pt.Y + r*0.8},
		{X: pt.X - s*r, Y: pt.Y - r*0.8},
	})
}

// equilibriumStyle marks an equilibrium of a curve of colour col: a filled
// disc if stable, a larger open ring if not, so that two curves'
// equilibria at the same point stay distinguishable.
func equilibriumStyle(st model.Stability, col color.Color) draw.GlyphStyle {
	if st == model.Stable {
		return draw.GlyphStyle{Color: col, Radius: vg.Points(4), Shape: discGlyph{}}
	}
	return draw.GlyphStyle{Color: col, Radius: vg.Points(7), Shape: ringGlyph{}}
}

// discGlyph is a filled disc with a thin black outline.
type discGlyph struct{}

func (discGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.FillPolygon(sty.Color, circle(pt, sty.Radius))
	c.StrokeLines(draw.LineStyle{Color: color.Black, Width: vg.Points(0.6)}, circle(pt, sty.Radius))
}

// ringGlyph is a thick open circle.
type ringGlyph struct{}

func (ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.StrokeLines(draw.LineStyle{Color: sty.Color, Width: vg.Points(2)}, circle(pt, sty.Radius))
}

// circle approximates a circle by a closed polygon.
func circle(pt vg.Point, r vg.Length) []vg.Point {
	const n = 48
	pts := make([]vg.Point, n+1)
	for i := range pts {
		s, c := math.Sincos(2 * math.Pi * float64(i) / n)
		pts[i] = vg.Point{X: pt.X + r*vg.Length(c), Y: pt.Y + r*vg.Length(s)}
	}
	return pts
}

// glyphThumb is a legend thumbnail showing one glyph.
type glyphThumb struct{ sty draw.GlyphStyle }

func (g glyphThumb) Thumbnail(c *draw.Canvas) { c.DrawGlyph(g.sty, c.Center()) }

// Figure draws the curves, their direction arrows and equilibria (rings
// for unstable ones under discs for stable ones), with the y range fitted
// symmetrically to the curves.
func (cp ChangePlot) Figure(footnote string) (Figure, error) {
	if len(cp.Curves) == 0 {
		return Figure{}, errors.New("figures: change plot without curves")
	}
	p := NewPlot()
	p.Title.Text = cp.Title
	p.X.Label.Text = cp.XLabel
	p.Y.Label.Text = cp.YLabel
	var entries []LegendEntry
	ymax := 0.0
	for _, cv := range cp.Curves {
		for _, pt := range cv.Points {
			ymax = math.Max(ymax, math.Abs(pt.Y))
		}
		l, err := plotter.NewLine(cv.Points)
		if err != nil {
			return Figure{}, err
		}
		l.LineStyle = draw.LineStyle{Color: cv.Color, Width: vg.Points(1.6)}
		p.Add(l)
		for _, a := range cv.Arrows {
			s, err := plotter.NewScatter(plotter.XYs{a})
			if err != nil {
				return Figure{}, err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: cv.Color, Radius: vg.Points(4.5), Shape: arrowGlyph{Dir: a.Y}}
			p.Add(s)
		}
		entries = append(entries, LegendEntry{Text: cv.Label, Thumb: LineThumb(l.LineStyle)})
	}
	zero := draw.LineStyle{Color: color.Black, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
	zl, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}})
	if err != nil {
		return Figure{}, err
	}
	zl.LineStyle = zero
	p.Add(zl)
	// Rings first, discs on top: a stable and an unstable equilibrium
	// at the same point show as a disc inside a ring.
	for _, wantStable := range []bool{false, true} {
		for _, cv := range cp.Curves {
			for _, e := range cv.Equilibria {
				if (e.Stability == model.Stable) != wantStable {
					continue
				}
				s, err := plotter.NewScatter(plotter.XYs{{X: e.P, Y: 0}})
				if err != nil {
					return Figure{}, err
				}
				s.GlyphStyle = equilibriumStyle(e.Stability, cv.Color)
				p.Add(s)
			}
		}
	}
	grey := color.Gray{Y: 0x50}
	entries = append(entries,
		LegendEntry{Text: "stable equilibrium (disc, in the curve's colour)", Thumb: glyphThumb{equilibriumStyle(model.Stable, grey)}},
		LegendEntry{Text: "unstable equilibrium (ring)", Thumb: glyphThumb{equilibriumStyle(model.Unstable, grey)}},
		LegendEntry{Text: "direction of change", Thumb: glyphThumb{draw.GlyphStyle{Color: grey, Radius: vg.Points(4), Shape: arrowGlyph{Dir: 1}}}},
	)
	p.X.Min, p.X.Max = 0, 1
	// Symmetric, in steps of 0.025 with a quarter's headroom: the
	// paper's ±0.075 for its two curves.
	lim := math.Max(0.025, math.Ceil(ymax*1.25/0.025-1e-9)*0.025) // flat curves: ±0.025
	p.Y.Min, p.Y.Max = -lim, lim
	p.X.Tick.Marker = stepTicks(0.2)
	p.Y.Tick.Marker = stepTicks(tickStep(2 * lim))
	// The legend goes below the plot: its entries are long.
	return Figure{Width: 6.5 * vg.Inch, Height: 6 * vg.Inch, Draw: WithLegendBelow(p, entries, footnote)}, nil
}

// WithLegendBelow draws p above a legend of one entry per line, and a
// footnote at the bottom left.
func WithLegendBelow(p *plot.Plot, entries []LegendEntry, footnote string) func(draw.Canvas) {
	return func(c draw.Canvas) {
		fill(c, color.White)
		body := draw.Crop(c, 0, 0, vg.Points(14), 0)
		drawFootnote(c, footnote)
		lh := vg.Points(14) * vg.Length(len(entries))
		// A right margin keeps glyphs at the last x (a ring at p̂ = 1)
		// inside the image and clear of the last tick label.
		p.Draw(draw.Crop(body, 0, -vg.Points(18), lh+vg.Points(10), 0))
		l := legend(entries, vg.Points(3))
		area := body
		area.Max.Y = body.Min.Y + lh + vg.Points(4)
		area.Min.X += vg.Points(50)
		l.Draw(area)
	}
}
