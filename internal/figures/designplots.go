package figures

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/scenarios"
)

// DesignBase is the figure of a sweep drawn by a design (not a grid).
const DesignBase = "design"

// DesignScatter draws a design's points: the mean final frequency of A
// in the world (and, for several platforms, on each) against each
// numeric axis, one panel per axis side by side. A design has no grid to
// draw heatmaps or lines over; these are the usual first look at one
// (the scatter plots of a global sensitivity analysis).
func DesignScatter(sc *scenarios.Scenario, summary *artifact.Table, title, footnote string) ([]NamedFigure, error) {
	axes := plotAxes(sc)
	if len(axes) == 0 {
		return nil, nil
	}
	idx, err := indexSummary(summary)
	if err != nil {
		return nil, err
	}
	names := sc.PlatformNames()
	type series struct {
		col   string
		label string
		color color.Color
	}
	ss := []series{{"mean_final_freq_a", "world", colorMeanA}}
	if len(names) > 1 {
		for k, n := range names {
			ss = append(ss, series{"mean_final_freq_a_" + n, Literal(n), platformColor(k)})
		}
	} else {
		ss[0].label = "mean of the replicates"
	}
	var plots []*plot.Plot
	for _, k := range axes {
		a := sc.Axes[k]
		p := NewPlot()
		p.X.Label.Text = axisLabel(sc, a)
		p.Y.Min, p.Y.Max = 0, 1
		if len(plots) == 0 {
			p.Y.Label.Text = "Mean final frequency of A"
		}
		for _, s := range ss {
			var pts plotter.XYs
			for point := range sc.NumPoints() {
				y, err := idx.value(point, s.col)
				if err != nil {
					return nil, err
				}
				if math.IsNaN(y) {
					continue
				}
				pts = append(pts, plotter.XY{X: sc.PointValues(point)[k].Num, Y: y})
			}
			if len(pts) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: withAlpha(s.color, 0xb0), Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
		plots = append(plots, p)
	}
	var entries []LegendEntry
	for _, s := range ss {
		entries = append(entries, LegendEntry{Text: s.label, Thumb: Swatch{Color: s.color}})
	}
	const panel = 3.2 // inches a panel
	lw := vg.Points(110)
	w := vg.Length(float64(len(plots))*panel)*vg.Inch + lw
	h := 3.6 * vg.Inch
	draw1 := func(c draw.Canvas) {
		fill(c, color.White)
		drawFootnote(c, footnote)
		body := draw.Crop(c, 0, -lw, vg.Points(14), -vg.Points(24))
		c.FillText(TextStyle(11, color.Black), vg.Point{X: c.Min.X + vg.Points(8), Y: c.Max.Y - vg.Points(16)}, title)
		tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Points(10), PadTop: vg.Points(4), PadBottom: vg.Points(4)}
		grid := [][]*plot.Plot{plots}
		for i, cv := range plot.Align(grid, tiles, body)[0] {
			plots[i].Draw(cv)
		}
		l := legend(entries, vg.Points(4))
		l.Draw(draw.Crop(c, c.Max.X-c.Min.X-lw+vg.Points(8), 0, 0, -vg.Points(40)))
	}
	return []NamedFigure{{Base: DesignBase, Title: title, Figure: Figure{Width: w, Height: h, Draw: draw1}}}, nil
}

// withAlpha is c made translucent (alpha a of 255), for overlapping
// points.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
