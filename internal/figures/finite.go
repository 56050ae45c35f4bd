package figures

import (
	"errors"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/model"
)

// FiniteSeries is one parameter set of a FinitePlot: ρ_A·N against N,
// exact (points) and by the diffusion approximation (lines).
type FiniteSeries struct {
	Label     string        // the legend's line
	Detail    string        // a second, smaller legend line (the parameters)
	Outcome   model.Outcome // colours the series
	Exact     plotter.XYs
	Diffusion plotter.XYs // with the finite population's pairing
	Recursion plotter.XYs // with the infinite recursion's drift; nil: not drawn
}

// FinitePlot is the finite-population panel: the fixation probability of
// one cooperator times N, on log–log axes, where 1 is neutral drift.
type FinitePlot struct {
	Title      string
	Series     []FiniteSeries
	YMin, YMax float64 // the y range; values outside are clipped
}

// OutcomeLineColor is a region's colour dark enough for a line on white:
// the paper's gold and light blue are fills.
func OutcomeLineColor(o model.Outcome) color.RGBA {
	switch o {
	case model.Coexistence:
		return colorNeither
	case model.Bistable:
		return ColorBlue
	case model.Cooperation:
		return colorMeanA
	}
	return OutcomeColor(o)
}

// Figure draws the series with the neutral line ρ_A·N = 1.
func (fp FinitePlot) Figure(footnote string) (Figure, error) {
	if len(fp.Series) == 0 || !(fp.YMin > 0 && fp.YMax > fp.YMin) {
		return Figure{}, errors.New("figures: a finite-population plot needs series and a positive y range")
	}
	p := NewPlot()
	p.Title.Text = fp.Title
	p.X.Label.Text = "Population size, N"
	p.Y.Label.Text = "ρ_A·N (one cooperator's fixation probability × N)"
	// Both axes are logarithmic: the plot draws log10 of the values on
	// linear axes labelled in powers of ten (gonum/plot's LogScale
	// misplaces the y label's glyph box and pads the plot from the top).
	p.X.Tick.Marker, p.Y.Tick.Marker = decadeTicks{}, decadeTicks{}
	clip := func(xy plotter.XYs) plotter.XYs {
		out := make(plotter.XYs, 0, len(xy))
		for _, pt := range xy {
			if pt.Y >= fp.YMin && pt.Y <= fp.YMax {
				out = append(out, plotter.XY{X: math.Log10(pt.X), Y: math.Log10(pt.Y)})
			}
		}
		return out
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	var entries []LegendEntry
	neutral := draw.LineStyle{Color: color.Black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
	for _, s := range fp.Series {
		col := OutcomeLineColor(s.Outcome)
		diff := draw.LineStyle{Color: col, Width: vg.Points(1.8)}
		rec := draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		for _, ln := range []struct {
			pts plotter.XYs
			sty draw.LineStyle
		}{{s.Diffusion, diff}, {s.Recursion, rec}} {
			if pts := clip(ln.pts); len(pts) > 1 {
				l, err := plotter.NewLine(pts)
				if err != nil {
					return Figure{}, err
				}
				l.LineStyle = ln.sty
				p.Add(l)
			}
		}
		var dots *plotter.Scatter
		if pts := clip(s.Exact); len(pts) > 0 {
			var err error
			if dots, err = plotter.NewScatter(pts); err != nil {
				return Figure{}, err
			}
			dots.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
			p.Add(dots)
		}
		for _, xy := range [][]plotter.XY{s.Exact, s.Diffusion, s.Recursion} {
			for _, pt := range xy {
				xmin, xmax = math.Min(xmin, pt.X), math.Max(xmax, pt.X)
			}
		}
		entries = append(entries, LegendEntry{Text: s.Label, Thumb: LineThumb(diff)})
		if s.Detail != "" {
			entries = append(entries, LegendEntry{Text: s.Detail, Thumb: blankThumb{}})
		}
	}
	if math.IsInf(xmin, 0) {
		return Figure{}, errors.New("figures: no points to draw")
	}
	xmin, xmax = math.Log10(xmin), math.Log10(xmax)
	l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: 0}, {X: xmax, Y: 0}})
	if err != nil {
		return Figure{}, err
	}
	l.LineStyle = neutral
	p.Add(l)
	grey := color.Gray{Y: 0x50}
	entries = append(entries,
		LegendEntry{Text: "exact Markov chain", Thumb: glyphThumb{draw.GlyphStyle{Color: grey, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}}},
		LegendEntry{Text: "diffusion (finite pairing)", Thumb: LineThumb(draw.LineStyle{Color: grey, Width: vg.Points(1.8)})},
		LegendEntry{Text: "diffusion (recursion's drift)", Thumb: LineThumb(draw.LineStyle{Color: grey, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}})},
		LegendEntry{Text: "neutral: ρ_A = 1/N", Thumb: LineThumb(neutral)},
	)
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = math.Log10(fp.YMin), math.Log10(fp.YMax)
	return Figure{Width: 10 * vg.Inch, Height: 5.6 * vg.Inch, Draw: WithLegend(p, entries, 3.4*vg.Inch, footnote)}, nil
}

// blankThumb is an empty legend thumbnail, for a line continuing the one
// above.
type blankThumb struct{}

func (blankThumb) Thumbnail(*draw.Canvas) {}

// decadeTicks marks an axis of log10 values: the powers of ten
// labelled, 2…9 times them not.
type decadeTicks struct{}

func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(min); e <= math.Ceil(max); e++ {
		for i := 1; i < 10; i++ {
			v := e + math.Log10(float64(i))
			if v < min-1e-9 || v > max+1e-9 {
				continue
			}
			t := plot.Tick{Value: v}
			if i == 1 {
				t.Label = strconv.FormatFloat(math.Pow(10, e), 'g', -1, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}
