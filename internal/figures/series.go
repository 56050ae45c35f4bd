package figures

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Trajectory is one replicate's frequency of A over generations; after
// its last point the run had stopped (a phenotype fixed).
type Trajectory struct {
	Generation []int
	FreqA      []float64
}

// MeanTrajectory averages trajectories at every generation any of them
// recorded, carrying a stopped run's last value forward (a fixed
// population stays fixed).
func MeanTrajectory(ts []Trajectory) Trajectory {
	gens := map[int]bool{}
	for _, t := range ts {
		for _, g := range t.Generation {
			gens[g] = true
		}
	}
	var all []int
	for g := range gens {
		all = append(all, g)
	}
	sort.Ints(all)
	out := Trajectory{Generation: all, FreqA: make([]float64, len(all))}
	for _, t := range ts {
		k := 0
		for i, g := range all {
			for k+1 < len(t.Generation) && t.Generation[k+1] <= g {
				k++
			}
			out.FreqA[i] += t.FreqA[k] / float64(len(ts))
		}
	}
	return out
}

func xys(t Trajectory, b bool) plotter.XYs {
	pts := make(plotter.XYs, len(t.Generation))
	for i, g := range t.Generation {
		y := t.FreqA[i]
		if b {
			y = 1 - y
		}
		pts[i] = plotter.XY{X: float64(g), Y: y}
	}
	return pts
}

// Dynamics draws the frequencies of A (green) and B (red) over
// generations in the style of the paper's Figure 4c: each replicate thin,
// their mean bold.
func Dynamics(title string, ts []Trajectory, generations int, footnote string) (Figure, error) {
	p := NewPlot()
	p.Title.Text = title
	p.X.Label.Text = "Generation"
	p.Y.Label.Text = "Frequency"
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min, p.X.Max = 0, float64(generations)
	p.Y.Tick.Marker = stepTicks(0.2)
	p.X.Tick.Marker = stepTicks(tickStep(float64(generations)))
	thinA := color.NRGBA{R: 0x9a, G: 0xcd, B: 0x32, A: 0x80}
	thinB := color.NRGBA{R: 0xcd, G: 0x5c, B: 0x5c, A: 0x80}
	boldA := color.RGBA{R: 0x4f, G: 0x8a, B: 0x10, A: 0xff}
	boldB := color.RGBA{R: 0xa5, G: 0x2a, B: 0x2a, A: 0xff}
	add := func(pts plotter.XYs, c color.Color, w float64) (*plotter.Line, error) {
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(w)}
		p.Add(l)
		return l, nil
	}
	var entries []LegendEntry
	for _, t := range ts {
		if len(t.Generation) == 0 {
			continue
		}
		if _, err := add(xys(t, true), thinB, 0.7); err != nil {
			return Figure{}, err
		}
		if _, err := add(xys(t, false), thinA, 0.7); err != nil {
			return Figure{}, err
		}
	}
	if len(ts) > 1 {
		entries = append(entries,
			LegendEntry{Text: "A (cooperators), each replicate", Thumb: LineThumb(draw.LineStyle{Color: thinA, Width: vg.Points(1.5)})},
			LegendEntry{Text: "B (defectors), each replicate", Thumb: LineThumb(draw.LineStyle{Color: thinB, Width: vg.Points(1.5)})})
		m := MeanTrajectory(ts)
		lb, err := add(xys(m, true), boldB, 2.2)
		if err != nil {
			return Figure{}, err
		}
		la, err := add(xys(m, false), boldA, 2.2)
		if err != nil {
			return Figure{}, err
		}
		entries = append(entries,
			LegendEntry{Text: fmt.Sprintf("A, mean of %d replicates", len(ts)), Thumb: LineThumb(la.LineStyle)},
			LegendEntry{Text: fmt.Sprintf("B, mean of %d replicates", len(ts)), Thumb: LineThumb(lb.LineStyle)})
	} else {
		entries = append(entries,
			LegendEntry{Text: "A (cooperators)", Thumb: LineThumb(draw.LineStyle{Color: thinA, Width: vg.Points(1.5)})},
			LegendEntry{Text: "B (defectors)", Thumb: LineThumb(draw.LineStyle{Color: thinB, Width: vg.Points(1.5)})})
	}
	return Figure{Width: 8.5 * vg.Inch, Height: 4 * vg.Inch, Draw: WithLegend(p, entries, 2.3*vg.Inch, footnote)}, nil
}
