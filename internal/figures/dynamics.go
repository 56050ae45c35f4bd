package figures

import (
	"context"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

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

// Fig3dCurve is one curve of panel 3d.
type Fig3dCurve struct {
	Name   string
	Params model.Params
	Color  color.RGBA
	// Arrows: p̂ values where an arrow shows the direction of change.
	Arrows []float64
}

// Fig3dCurves are the paper's two example parameter sets (MODEL.md §8).
var Fig3dCurves = []Fig3dCurve{
	{Name: "orange", Params: model.Params{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9}, Color: ColorOrange,
		Arrows: []float64{0.05, 0.17, 0.33, 0.55, 0.78}},
	{Name: "blue", Params: model.Params{B: 1.3, C: 0.904, V: 1, Alpha: 0.4, TA: 0.5, TB: 0.1}, Color: ColorBlue,
		Arrows: []float64{0.08, 0.33, 0.67, 0.92}},
}

func describe(p model.Params) string {
	return fmt.Sprintf("T_A = %g, T_B = %g, b = %g, c = %g, v = %g, α = %g", p.TA, p.TB, p.B, p.C, p.V, p.Alpha)
}

// Fig3d is the panel of p̂' − p̂ against p̂ with the equilibria.
func Fig3d() Panel {
	const id = "3d"
	title := "Figure 3d: change in frequency p̂' − p̂"
	return Panel{ID: id, Description: "p̂' − p̂ against p̂ for the paper's two examples, with equilibria", Make: func(ctx context.Context, out *Output) error {
		const n = 1001
		data := &artifact.Table{Header: []string{"p_hat"}}
		eqs := &artifact.Table{Header: []string{"curve", "p_hat", "stability", "slope"}}
		p := NewPlot()
		p.Title.Text = title
		p.X.Label.Text = "Frequency of cooperation, p̂"
		p.Y.Label.Text = "Change in frequency, p̂' − p̂"
		var entries []LegendEntry
		ymax := 0.0
		cols := make([][]float64, len(Fig3dCurves))
		for k, cv := range Fig3dCurves {
			data.Header = append(data.Header, "change_"+cv.Name)
			xy := make(plotter.XYs, n)
			cols[k] = make([]float64, n)
			for i := range n {
				x := float64(i) / (n - 1)
				y := cv.Params.Next(x) - x
				xy[i] = plotter.XY{X: x, Y: y}
				cols[k][i] = y
				ymax = math.Max(ymax, math.Abs(y))
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return err
			}
			l.LineStyle = draw.LineStyle{Color: cv.Color, Width: vg.Points(1.6)}
			p.Add(l)
			for _, x := range cv.Arrows {
				y := cv.Params.Next(x) - x
				s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
				if err != nil {
					return err
				}
				s.GlyphStyle = draw.GlyphStyle{Color: cv.Color, Radius: vg.Points(4.5), Shape: arrowGlyph{Dir: y}}
				p.Add(s)
			}
			o, _ := cv.Params.Classify()
			entries = append(entries, LegendEntry{Text: fmt.Sprintf("%s: %s", OutcomeLabel(o), describe(cv.Params)), Thumb: LineThumb(l.LineStyle)})
		}
		zero := draw.LineStyle{Color: color.Black, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		zl, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 0}})
		if err != nil {
			return err
		}
		zl.LineStyle = zero
		p.Add(zl)
		// Rings first, discs on top: a stable and an unstable equilibrium
		// at the same point show as a disc inside a ring.
		for _, wantStable := range []bool{false, true} {
			for _, cv := range Fig3dCurves {
				for _, e := range cv.Params.Equilibria() {
					if (e.Stability == model.Stable) != wantStable {
						continue
					}
					s, err := plotter.NewScatter(plotter.XYs{{X: e.P, Y: 0}})
					if err != nil {
						return err
					}
					s.GlyphStyle = equilibriumStyle(e.Stability, cv.Color)
					p.Add(s)
				}
			}
		}
		for _, cv := range Fig3dCurves {
			for _, e := range cv.Params.Equilibria() {
				eqs.Add(cv.Name, artifact.F(e.P), e.Stability.String(), artifact.F(e.Slope))
			}
		}
		grey := color.Gray{Y: 0x50}
		entries = append(entries,
			LegendEntry{Text: "stable equilibrium (disc, in the curve's colour)", Thumb: glyphThumb{equilibriumStyle(model.Stable, grey)}},
			LegendEntry{Text: "unstable equilibrium (ring)", Thumb: glyphThumb{equilibriumStyle(model.Unstable, grey)}},
			LegendEntry{Text: "direction of change", Thumb: glyphThumb{draw.GlyphStyle{Color: grey, Radius: vg.Points(4), Shape: arrowGlyph{Dir: 1}}}},
		)
		for i := range n {
			row := []string{artifact.F(float64(i) / (n - 1))}
			for k := range Fig3dCurves {
				row = append(row, artifact.F(cols[k][i]))
			}
			data.Add(row...)
		}
		p.X.Min, p.X.Max = 0, 1
		lim := math.Ceil(ymax*1.25*100) / 100
		p.Y.Min, p.Y.Max = -lim, lim
		p.X.Tick.Marker = stepTicks(0.2)
		p.Y.Tick.Marker = stepTicks(tickStep(2 * lim))
		// The legend goes below the plot: its entries are long.
		fig := Figure{Width: 6.5 * vg.Inch, Height: 6 * vg.Inch, Draw: withLegendBelow(p, entries, footnote(id))}
		if err := out.Figure(fig, title); err != nil {
			return err
		}
		if err := out.Table("", data); err != nil {
			return err
		}
		if err := out.Table("equilibria", eqs); err != nil {
			return err
		}
		curves := map[string]any{}
		for _, cv := range Fig3dCurves {
			a, err := model.Analyze(cv.Params)
			if err != nil {
				return err
			}
			curves[cv.Name] = map[string]any{
				"parameters": paramsMap(cv.Params), "outcome": a.Outcome.String(),
				"beta1": a.Beta1, "beta3": a.Beta3, "pstar": a.PStar,
			}
		}
		return out.Manifest(title, map[string]any{"curves": curves, "samples": n})
	}}
}

// withLegendBelow draws p above a legend of one entry per line.
func withLegendBelow(p *plot.Plot, entries []LegendEntry, foot string) func(draw.Canvas) {
	return func(c draw.Canvas) {
		fill(c, color.White)
		body := draw.Crop(c, 0, 0, vg.Points(14), 0)
		drawFootnote(c, foot)
		lh := vg.Points(14) * vg.Length(len(entries))
		p.Draw(draw.Crop(body, 0, 0, lh+vg.Points(10), 0))
		l := plot.NewLegend()
		l.TextStyle = TextStyle(9, color.Black)
		l.Left, l.Top = true, true
		l.Padding = vg.Points(3)
		l.ThumbnailWidth = vg.Points(18)
		for _, e := range entries {
			l.Add(e.Text, e.Thumb)
		}
		area := body
		area.Max.Y = body.Min.Y + lh + vg.Points(4)
		area.Min.X += vg.Points(50)
		l.Draw(area)
	}
}

// FigureS1Config returns the paper's modifier experiment (MODEL.md §5):
// α steps down in four equal steps from 0.7 to a2, over 250,000
// generations.
func FigureS1Config() model.InvasionConfig {
	m := model.Modifier{B: 1.3, C: 0.05, TA: 0.4, TB: 0.7}
	a2 := m.Params(0.7).A2()
	alphas := make([]float64, 4)
	for i := range alphas {
		alphas[i] = 0.7 + float64(i)*(a2-0.7)/3
	}
	return model.InvasionConfig{Modifier: m, Alphas: alphas, Entry: 0.005, Fixation: 0.005,
		MaxGenerations: 250_000, RecordEvery: 100}
}

// FigS1 is the panel of modifier invasions.
func FigS1() Panel {
	const id = "S1"
	cfg := FigureS1Config()
	title := fmt.Sprintf("Figure S1: invasions of modifiers lowering α (b = %g, c = %g, T_A = %g, T_B = %g, v = 1)", cfg.B, cfg.C, cfg.TA, cfg.TB)
	return Panel{ID: id, Description: "modifier invasions lowering α: cooperation, invader and mean fitness", Make: func(ctx context.Context, out *Output) error {
		res, pts, err := model.RunInvasions(cfg)
		if err != nil {
			return err
		}
		series := &artifact.Table{Header: []string{"generation", "invasion", "alpha_resident", "alpha_invader", "cooperators", "invader", "mean_fitness"}}
		for _, pt := range pts {
			series.Add(artifact.I(pt.Generation), artifact.I(pt.Invasion), artifact.F(pt.Resident), artifact.F(res[pt.Invasion].Invader),
				artifact.F(pt.Cooperators), artifact.F(pt.Invader), artifact.F(pt.MeanFitness))
		}
		inv := &artifact.Table{Header: []string{"invasion", "alpha_resident", "alpha_invader", "start", "end", "invaded", "lost", "final_invader"}}
		for k, r := range res {
			inv.Add(artifact.I(k), artifact.F(r.Resident), artifact.F(r.Invader), artifact.I(r.Start), artifact.I(r.End),
				fmt.Sprint(r.Invaded), fmt.Sprint(r.Lost), artifact.F(r.FinalInvader))
		}

		coop, fit := NewPlot(), NewPlot()
		invp := NewPlot()
		coop.Title.Text, invp.Title.Text, fit.Title.Text = "(a) cooperators", "(b) invader allele", "(c) mean fitness"
		coop.Y.Label.Text, invp.Y.Label.Text, fit.Y.Label.Text = "Cooperator frequency", "Invader frequency", "Population mean fitness"
		for _, q := range []*plot.Plot{coop, invp, fit} {
			q.X.Label.Text = "Generations"
			q.X.Min, q.X.Max = 0, float64(cfg.MaxGenerations)
			q.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 125000, Label: "125000"}, {Value: 250000, Label: "250000"}})
		}
		coop.Y.Min, coop.Y.Max = 0, 1
		invp.Y.Min, invp.Y.Max = 0, 1
		var cxy, fxy plotter.XYs
		perInv := make([]plotter.XYs, len(res))
		for _, pt := range pts {
			cxy = append(cxy, plotter.XY{X: float64(pt.Generation), Y: pt.Cooperators})
			fxy = append(fxy, plotter.XY{X: float64(pt.Generation), Y: pt.MeanFitness})
			perInv[pt.Invasion] = append(perInv[pt.Invasion], plotter.XY{X: float64(pt.Generation), Y: pt.Invader})
		}
		add := func(q *plot.Plot, xy plotter.XYs, col color.Color) (*plotter.Line, error) {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6)}
			q.Add(l)
			return l, nil
		}
		if _, err := add(coop, cxy, ColorCooperation); err != nil {
			return err
		}
		if _, err := add(fit, fxy, ColorDefection); err != nil {
			return err
		}
		blues := []color.RGBA{{0x1f, 0x5f, 0x9f, 0xff}, {0x4a, 0x90, 0xc8, 0xff}, {0x8f, 0xc1, 0xe3, 0xff}, {0xb8, 0xd8, 0xee, 0xff}}
		invp.Legend.Top = false // bottom right is empty: the last invasion starts late
		invp.Legend.Left = false
		invp.Legend.TextStyle.Font = Font(8)
		for k, xy := range perInv {
			l, err := add(invp, xy, blues[k%len(blues)])
			if err != nil {
				return err
			}
			invp.Legend.Add(fmt.Sprintf("α_2 = %.2f", res[k].Invader), l)
		}
		for _, r := range res {
			if !r.Invaded {
				continue
			}
			for _, q := range []*plot.Plot{coop, invp, fit} {
				l, err := plotter.NewLine(plotter.XYs{{X: float64(r.End), Y: -1e3}, {X: float64(r.End), Y: 1e3}})
				if err != nil {
					return err
				}
				l.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
				q.Add(l)
			}
		}
		coop.Y.Min, coop.Y.Max = 0, 1
		invp.Y.Min, invp.Y.Max = 0, 1
		fit.Y.Min, fit.Y.Max = 1, math.Ceil(fxy[0].Y*20)/20+0.03
		for _, q := range []*plot.Plot{coop, invp, fit} {
			q.X.Min, q.X.Max = 0, float64(cfg.MaxGenerations)
		}
		foot := footnote(id)
		fig := Figure{Width: 11 * vg.Inch, Height: 3.9 * vg.Inch, Draw: func(c draw.Canvas) {
			fill(c, color.White)
			head := TextStyle(10, color.Black)
			head.XAlign = draw.XCenter
			head.YAlign = draw.YTop
			c.FillText(head, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(4)}, title)
			drawFootnote(c, foot)
			body := draw.Crop(c, 0, 0, vg.Points(14), -vg.Points(20))
			tiles := draw.Tiles{Rows: 1, Cols: 3, PadX: vg.Points(18), PadLeft: vg.Points(4), PadRight: vg.Points(10)}
			canvases := plot.Align([][]*plot.Plot{{coop, invp, fit}}, tiles, body)
			for i, q := range []*plot.Plot{coop, invp, fit} {
				q.Draw(canvases[0][i])
			}
		}}
		if err := out.Figure(fig, title); err != nil {
			return err
		}
		if err := out.Table("", series); err != nil {
			return err
		}
		if err := out.Table("invasions", inv); err != nil {
			return err
		}
		return out.Manifest(title, map[string]any{
			"parameters": map[string]any{"b": cfg.B, "c": cfg.C, "ta": cfg.TA, "tb": cfg.TB, "v": 1,
				"alphas": cfg.Alphas, "entry": cfg.Entry, "fixation": cfg.Fixation, "max_generations": cfg.MaxGenerations},
			"record_every": cfg.RecordEvery,
			"note":         "α steps from 0.7 to a2 in equal steps (MODEL.md §5); the resident starts at its stable p̂*; each invader enters at 0.005, split equally over A and B",
		})
	}}
}
