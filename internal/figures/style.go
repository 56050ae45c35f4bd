package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
)

// The paper's colours (MODEL.md §8): green cooperation, red defection,
// yellow stable coexistence, light blue bistable.
var (
	ColorCooperation = color.RGBA{R: 0x9a, G: 0xcd, B: 0x32, A: 0xff} // yellowgreen
	ColorDefection   = color.RGBA{R: 0xcd, G: 0x5c, B: 0x5c, A: 0xff} // indianred
	ColorCoexistence = color.RGBA{R: 0xff, G: 0xd7, B: 0x00, A: 0xff} // gold
	ColorBistable    = color.RGBA{R: 0xad, G: 0xd8, B: 0xe6, A: 0xff} // lightblue
	ColorNeutral     = color.RGBA{R: 0xd3, G: 0xd3, B: 0xd3, A: 0xff}
	ColorBoundary    = color.RGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff}
	// Line colours of the p̂' − p̂ panel (3d).
	ColorOrange = color.RGBA{R: 0xf5, G: 0xa6, B: 0x23, A: 0xff}
	ColorBlue   = color.RGBA{R: 0x46, G: 0x82, B: 0xb4, A: 0xff}
)

// OutcomeColor is the colour of a region of the phase diagram.
func OutcomeColor(o model.Outcome) color.RGBA {
	switch o {
	case model.Cooperation:
		return ColorCooperation
	case model.Defection:
		return ColorDefection
	case model.Coexistence:
		return ColorCoexistence
	case model.Bistable:
		return ColorBistable
	case model.Neutral:
		return ColorNeutral
	}
	return ColorBoundary
}

// OutcomeLabel is the legend text of a region, in the paper's words.
func OutcomeLabel(o model.Outcome) string {
	switch o {
	case model.Cooperation:
		return "Cooperation"
	case model.Defection:
		return "Defection"
	case model.Coexistence:
		return "Stable coexistence"
	case model.Bistable:
		return "Bistable (unstable coexistence)"
	case model.Neutral:
		return "Neutral"
	}
	return "Boundary"
}

// Citation names the source of every reproduced panel.
const Citation = "Cohen, Lewin-Epstein, Feldman & Ram (2021) Proc. R. Soc. B 288:20203162"

// handler typesets every text of culturesim's figures.
var handler = subText{}

func init() { handler.Fonts = font.DefaultCache }

var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
)

// Font returns the figures' sans-serif font at size pt (points).
func Font(pt float64) font.Font {
	f := sansFont
	f.Size = vg.Points(pt)
	return f
}

// NewPlot returns a gonum plot in the project's style: sans-serif texts
// that accept subscripts (T_A).
func NewPlot() *plot.Plot {
	p := plot.New()
	p.TextHandler = handler
	p.Title.TextStyle.Handler = handler
	p.Title.TextStyle.Font = Font(11)
	p.Title.Padding = vg.Points(6)
	p.Legend.TextStyle.Handler = handler
	p.Legend.TextStyle.Font = Font(9)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Handler = handler
		a.Label.TextStyle.Font = Font(11)
		a.Tick.Label.Handler = handler
		a.Tick.Label.Font = Font(9)
	}
	return p
}

// TextStyle returns a text style of size pt in the figures' font.
func TextStyle(pt float64, c color.Color) draw.TextStyle {
	return draw.TextStyle{Color: c, Font: Font(pt), Handler: handler}
}

// Swatch is a legend thumbnail: a filled rectangle with a thin outline.
type Swatch struct{ Color color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s Swatch) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	pts := []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}, r.Min}
	c.FillPolygon(s.Color, pts)
	c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 0x60}, Width: vg.Points(0.5)}, pts)
}

// LegendEntry is one line of a legend drawn beside a plot.
type LegendEntry struct {
	Text  string
	Thumb plot.Thumbnailer
}

// LineThumb returns a thumbnail for a line of the given style.
func LineThumb(sty draw.LineStyle) plot.Thumbnailer {
	l := &plotter.Line{LineStyle: sty}
	return l
}

// Figure is a drawing of a given size, rendered to PNG and SVG.
type Figure struct {
	Width, Height vg.Length
	Draw          func(c draw.Canvas)
}

// DPI of the PNG renderings.
const DPI = 150

// Render draws the figure as "png" or "svg" with md embedded in the file.
func (f Figure) Render(format string, md artifact.Metadata) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI))
		f.Draw(draw.New(c))
		if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
			return nil, err
		}
		return artifact.PNGWithMetadata(buf.Bytes(), md)
	case "svg":
		c := vgsvg.New(f.Width, f.Height)
		f.Draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return nil, err
		}
		return artifact.SVGWithMetadata(buf.Bytes(), md)
	}
	return nil, fmt.Errorf("figures: unknown format %q", format)
}

// Save writes the figure as base.png and base.svg.
func (f Figure) Save(base string, md artifact.Metadata) ([]string, error) {
	var files []string
	for _, format := range []string{"png", "svg"} {
		b, err := f.Render(format, md)
		if err != nil {
			return files, fmt.Errorf("render %s.%s: %w", base, format, err)
		}
		path := base + "." + format
		if err := artifact.WriteFile(path, b); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

// WithLegend draws p on the left of c and a legend column of width lw on
// the right, so the legend never hides data. A footnote, when given, is
// set small at the bottom left.
func WithLegend(p *plot.Plot, entries []LegendEntry, lw vg.Length, footnote string) func(draw.Canvas) {
	return func(c draw.Canvas) {
		fill(c, color.White)
		body := c
		if footnote != "" {
			body = draw.Crop(c, 0, 0, vg.Points(14), 0)
			drawFootnote(c, footnote)
		}
		if lw == 0 {
			p.Draw(body)
			return
		}
		// The column is kept even without entries (a heatmap's colour
		// bar lives there).
		plotArea := draw.Crop(body, 0, -lw, 0, 0)
		p.Draw(plotArea)
		legendArea := draw.Crop(body, body.Max.X-body.Min.X-lw+vg.Points(8), 0, 0, -vg.Points(30))
		l := legend(entries, vg.Points(4))
		l.Draw(legendArea)
	}
}

// legend is the figures' legend: 9 pt text, 18 pt thumbnails, anchored at
// the top left of its area.
func legend(entries []LegendEntry, padding vg.Length) plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = TextStyle(9, color.Black)
	l.Left, l.Top = true, true
	l.Padding = padding
	l.ThumbnailWidth = vg.Points(18)
	for _, e := range entries {
		l.Add(e.Text, e.Thumb)
	}
	return l
}

// addLines adds one line of the given style per piece.
func addLines(p *plot.Plot, pieces []plotter.XYs, sty draw.LineStyle) error {
	for _, pts := range pieces {
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.LineStyle = sty
		p.Add(l)
	}
	return nil
}

func drawFootnote(c draw.Canvas, s string) {
	sty := TextStyle(6.5, color.Gray{Y: 0x70})
	c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(4), Y: c.Min.Y + vg.Points(4)}, s)
}

func fill(c draw.Canvas, col color.Color) {
	r := c.Rectangle
	c.FillPolygon(col, []vg.Point{r.Min, {X: r.Min.X, Y: r.Max.Y}, r.Max, {X: r.Max.X, Y: r.Min.Y}})
}

// tickStep picks a labelled tick step giving 4 to 10 intervals over span.
func tickStep(span float64) float64 {
	step := math.Pow(10, math.Floor(math.Log10(span)))
	for _, f := range []float64{1, 0.5, 0.2, 0.1} {
		if span/(step*f) >= 4-1e-9 {
			return step * f
		}
	}
	return step / 20
}

// stepTicks labels every multiple of step and adds four unlabelled minor
// ticks between labels.
func stepTicks(step float64) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		minor := step / 5
		for k := math.Ceil(min/minor - 1e-9); k*minor <= max+1e-9*step; k++ {
			x := k * minor
			if math.Abs(x) < 1e-12*step {
				x = 0
			}
			label := ""
			if r := math.Round(x / step); math.Abs(x/step-r) < 1e-6 {
				label = strconv.FormatFloat(r*step, 'f', decimals(step), 64)
			}
			ts = append(ts, plot.Tick{Value: x, Label: label})
		}
		return ts
	})
}

// decimals is the number of decimals that shows multiples of step exactly.
func decimals(step float64) int {
	d := 0
	for d < 10 && math.Abs(step*math.Pow(10, float64(d))-math.Round(step*math.Pow(10, float64(d)))) > 1e-9 {
		d++
	}
	return d
}

// definedRuns splits (xs[i], ys[i]) into the maximal runs of points whose
// y is not NaN: a NaN (an empty platform, a missing value) breaks a line.
func definedRuns(xs, ys []float64) []plotter.XYs {
	var runs []plotter.XYs
	var cur plotter.XYs
	for i, y := range ys {
		if math.IsNaN(y) {
			if len(cur) > 0 {
				runs = append(runs, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: xs[i], Y: y})
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}
