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
)

// InvasionPlot is the modifier-invasion panel (the paper's Figure S1):
// three aligned plots over generations of successive invasions,
// computed by the caller.
type InvasionPlot struct {
	Title          string
	MaxGenerations int
	Cooperators    plotter.XYs // frequency of A
	MeanFitness    plotter.XYs // the population's mean fitness; its first point sets the y range
	Invaders       []InvaderLine
	// Ends are the generations at which an invader took over: a dashed
	// vertical line on every plot.
	Ends []float64
}

// InvaderLine is one invasion's invader frequency.
type InvaderLine struct {
	Label  string // e.g. "α_2 = 0.67"
	Points plotter.XYs
}

// invaderBlues colour successive invasions, dark to light.
var invaderBlues = []color.RGBA{{0x1f, 0x5f, 0x9f, 0xff}, {0x4a, 0x90, 0xc8, 0xff}, {0x8f, 0xc1, 0xe3, 0xff}, {0xb8, 0xd8, 0xee, 0xff}}

// Figure draws (a) cooperators, (b) the invader allele and (c) mean
// fitness side by side under one title.
func (ip InvasionPlot) Figure(footnote string) (Figure, error) {
	if len(ip.MeanFitness) == 0 {
		return Figure{}, errors.New("figures: invasion plot without mean fitness")
	}
	coop, fit := NewPlot(), NewPlot()
	invp := NewPlot()
	coop.Title.Text, invp.Title.Text, fit.Title.Text = "(a) cooperators", "(b) invader allele", "(c) mean fitness"
	coop.Y.Label.Text, invp.Y.Label.Text, fit.Y.Label.Text = "Cooperator frequency", "Invader frequency", "Population mean fitness"
	maxGen := float64(ip.MaxGenerations)
	for _, q := range []*plot.Plot{coop, invp, fit} {
		q.X.Label.Text = "Generations"
		q.X.Min, q.X.Max = 0, maxGen
		q.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: maxGen / 2, Label: formatGen(maxGen / 2)}, {Value: maxGen, Label: formatGen(maxGen)}})
	}
	coop.Y.Min, coop.Y.Max = 0, 1
	invp.Y.Min, invp.Y.Max = 0, 1
	add := func(q *plot.Plot, xy plotter.XYs, col color.Color) (*plotter.Line, error) {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6)}
		q.Add(l)
		return l, nil
	}
	if _, err := add(coop, ip.Cooperators, ColorCooperation); err != nil {
		return Figure{}, err
	}
	if _, err := add(fit, ip.MeanFitness, ColorDefection); err != nil {
		return Figure{}, err
	}
	invp.Legend.Top = false // bottom right is empty: the last invasion starts late
	invp.Legend.Left = false
	invp.Legend.TextStyle.Font = Font(8)
	for k, inv := range ip.Invaders {
		l, err := add(invp, inv.Points, invaderBlues[k%len(invaderBlues)])
		if err != nil {
			return Figure{}, err
		}
		invp.Legend.Add(inv.Label, l)
	}
	for _, end := range ip.Ends {
		for _, q := range []*plot.Plot{coop, invp, fit} {
			l, err := plotter.NewLine(plotter.XYs{{X: end, Y: -1e3}, {X: end, Y: 1e3}})
			if err != nil {
				return Figure{}, err
			}
			l.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
			q.Add(l)
		}
	}
	coop.Y.Min, coop.Y.Max = 0, 1
	invp.Y.Min, invp.Y.Max = 0, 1
	fit.Y.Min, fit.Y.Max = 1, math.Ceil(ip.MeanFitness[0].Y*20)/20+0.03
	for _, q := range []*plot.Plot{coop, invp, fit} {
		q.X.Min, q.X.Max = 0, maxGen
	}
	title := ip.Title
	return Figure{Width: 11 * vg.Inch, Height: 3.9 * vg.Inch, Draw: func(c draw.Canvas) {
		fill(c, color.White)
		head := TextStyle(10, color.Black)
		head.XAlign = draw.XCenter
		head.YAlign = draw.YTop
		c.FillText(head, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(4)}, title)
		drawFootnote(c, footnote)
		body := draw.Crop(c, 0, 0, vg.Points(14), -vg.Points(20))
		tiles := draw.Tiles{Rows: 1, Cols: 3, PadX: vg.Points(18), PadLeft: vg.Points(4), PadRight: vg.Points(10)}
		canvases := plot.Align([][]*plot.Plot{{coop, invp, fit}}, tiles, body)
		for i, q := range []*plot.Plot{coop, invp, fit} {
			q.Draw(canvases[0][i])
		}
	}}, nil
}

// formatGen labels a generation tick: a whole number without exponent.
func formatGen(g float64) string { return strconv.FormatFloat(g, 'f', -1, 64) }
