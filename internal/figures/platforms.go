package figures

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlatformSeries is one platform's recorded dynamics: means over
// replicates (NaN where no replicate had a value) and, for thin lines,
// each replicate's frequency of A.
type PlatformSeries struct {
	Name       string
	Generation []float64
	FreqA      []float64
	Natives    []float64 // frequency of A among natives
	Migrants   []float64 // among migrants (movers and their descendants)
	Size       []float64
	Replicates [][]float64 // each replicate's FreqA, same generations
}

// EventMark is a migration event drawn as a vertical line.
type EventMark struct {
	Generation float64
	Label      string
}

// PlatformColors distinguish platforms (the cooperation/defection
// colours are kept for phenotypes elsewhere).
var PlatformColors = []color.RGBA{
	{R: 0x1f, G: 0x4e, B: 0x9c, A: 0xff}, // blue
	{R: 0xd9, G: 0x5f, B: 0x02, A: 0xff}, // orange
	{R: 0x6a, G: 0x3d, B: 0x9a, A: 0xff}, // purple
	{R: 0x1b, G: 0x9e, B: 0x77, A: 0xff}, // teal
	{R: 0x66, G: 0x66, B: 0x66, A: 0xff}, // grey
	{R: 0xb8, G: 0x86, B: 0x0b, A: 0xff}, // dark gold
}

func platformColor(k int) color.RGBA { return PlatformColors[k%len(PlatformColors)] }

// PlatformDynamics draws three aligned panels over generations: the
// frequency of A on each platform, natives (solid) against migrants
// (dashed), and platform sizes; events are dotted vertical lines.
func PlatformDynamics(title string, series []PlatformSeries, events []EventMark, generations int, footnote string) (Figure, error) {
	freq, cult, size := NewPlot(), NewPlot(), NewPlot()
	freq.Title.Text = title
	freq.Y.Label.Text = "Frequency of A"
	cult.Y.Label.Text = "A: natives — migrants - -"
	size.Y.Label.Text = "Platform size"
	size.X.Label.Text = "Generation"
	var maxSize float64
	for _, s := range series {
		for _, v := range s.Size {
			if v > maxSize { // NaN (no value) never is: the axis stays finite
				maxSize = v
			}
		}
	}
	for _, p := range []*plot.Plot{freq, cult, size} {
		p.X.Min, p.X.Max = 0, float64(generations)
		p.X.Tick.Marker = stepTicks(tickStep(float64(generations)))
	}
	for _, p := range []*plot.Plot{freq, cult} {
		p.Y.Min, p.Y.Max = 0, 1
		p.Y.Tick.Marker = stepTicks(0.2)
	}
	size.Y.Min, size.Y.Max = 0, max(1, maxSize*1.05)
	add := func(p *plot.Plot, gen, ys []float64, sty draw.LineStyle) error {
		return addLines(p, definedRuns(gen, ys), sty)
	}
	var entries []LegendEntry
	for k, s := range series {
		col := platformColor(k)
		thin := color.NRGBA{R: col.R, G: col.G, B: col.B, A: 0x50}
		if len(s.Replicates) > 1 {
			for _, rep := range s.Replicates {
				if err := add(freq, s.Generation, rep, draw.LineStyle{Color: thin, Width: vg.Points(0.6)}); err != nil {
					return Figure{}, err
				}
			}
		}
		solid := draw.LineStyle{Color: col, Width: vg.Points(2)}
		dashed := draw.LineStyle{Color: col, Width: vg.Points(1.6), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		for _, l := range []struct {
			p   *plot.Plot
			ys  []float64
			sty draw.LineStyle
		}{{freq, s.FreqA, solid}, {cult, s.Natives, solid}, {cult, s.Migrants, dashed}, {size, s.Size, solid}} {
			if err := add(l.p, s.Generation, l.ys, l.sty); err != nil {
				return Figure{}, err
			}
		}
		entries = append(entries, LegendEntry{Text: Literal(s.Name), Thumb: LineThumb(solid)})
	}
	if n := len(series); n > 0 && len(series[0].Replicates) > 1 {
		entries = append(entries, LegendEntry{Text: "thin: each replicate", Thumb: LineThumb(draw.LineStyle{Color: color.Gray{Y: 0xa0}, Width: vg.Points(0.8)})})
	}
	entries = append(entries,
		LegendEntry{Text: "natives", Thumb: LineThumb(draw.LineStyle{Color: color.Black, Width: vg.Points(1.6)})},
		LegendEntry{Text: "migrants (and descendants)", Thumb: LineThumb(draw.LineStyle{Color: color.Black, Width: vg.Points(1.6), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}})})
	if len(events) > 0 {
		evSty := draw.LineStyle{Color: color.Gray{Y: 0x40}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2)}}
		for _, e := range events {
			for _, p := range []*plot.Plot{freq, cult, size} {
				if err := add(p, []float64{e.Generation, e.Generation}, []float64{p.Y.Min, p.Y.Max}, evSty); err != nil {
					return Figure{}, err
				}
			}
		}
		entries = append(entries, LegendEntry{Text: "migration event", Thumb: LineThumb(evSty)})
		for _, e := range events {
			entries = append(entries, LegendEntry{Text: e.Label, Thumb: LineThumb(draw.LineStyle{})})
		}
	}
	const lw = 2.6 * vg.Inch
	return Figure{Width: 9 * vg.Inch, Height: 8 * vg.Inch, Draw: func(c draw.Canvas) {
		fill(c, color.White)
		body := c
		if footnote != "" {
			body = draw.Crop(c, 0, 0, vg.Points(14), 0)
			drawFootnote(c, footnote)
		}
		plots := [][]*plot.Plot{{freq}, {cult}, {size}}
		area := draw.Crop(body, 0, -lw, 0, 0)
		tiles := draw.Tiles{Rows: 3, Cols: 1, PadY: vg.Points(6), PadTop: vg.Points(2), PadBottom: vg.Points(2)}
		canvases := plot.Align(plots, tiles, area)
		for i := range plots {
			plots[i][0].Draw(canvases[i][0])
		}
		legendArea := draw.Crop(body, body.Max.X-body.Min.X-lw+vg.Points(8), 0, 0, -vg.Points(30))
		l := legend(entries, vg.Points(4))
		l.Draw(legendArea)
	}}, nil
}
