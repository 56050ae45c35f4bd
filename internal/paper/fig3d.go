package paper

import (
	"context"
	"fmt"
	"image/color"

	"gonum.org/v1/plot/plotter"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
)

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
	{Name: "orange", Params: model.Params{B: 12, C: 0.35, V: 1, Alpha: 0.45, TA: 0.4, TB: 0.9}, Color: figures.ColorOrange,
		Arrows: []float64{0.05, 0.17, 0.33, 0.55, 0.78}},
	{Name: "blue", Params: model.Params{B: 1.3, C: 0.904, V: 1, Alpha: 0.4, TA: 0.5, TB: 0.1}, Color: figures.ColorBlue,
		Arrows: []float64{0.08, 0.33, 0.67, 0.92}},
}

func describe(p model.Params) string {
	return fmt.Sprintf("T_A = %g, T_B = %g, b = %g, c = %g, v = %g, α = %g", p.TA, p.TB, p.B, p.C, p.V, p.Alpha)
}

// fig3dSamples is the number of p̂ values at which the curves are
// computed, ends included.
const fig3dSamples = 1001

// fig3d is the panel of p̂' − p̂ against p̂ with the equilibria.
func fig3d() Panel {
	const id = "3d"
	title := "Figure 3d: change in frequency p̂' − p̂"
	return Panel{ID: id, Description: "p̂' − p̂ against p̂ for the paper's two examples, with equilibria", Make: func(ctx context.Context, out *Output) error {
		const n = fig3dSamples
		data := &artifact.Table{Header: []string{"p_hat"}}
		eqs := &artifact.Table{Header: []string{"curve", "p_hat", "stability", "slope"}}
		cp := figures.ChangePlot{Title: title, XLabel: "Frequency of cooperation, p̂", YLabel: "Change in frequency, p̂' − p̂"}
		for _, cv := range Fig3dCurves {
			data.Header = append(data.Header, "change_"+cv.Name)
			c := figures.ChangeCurve{Color: cv.Color, Points: make(plotter.XYs, n)}
			for i := range n {
				x := float64(i) / (n - 1)
				c.Points[i] = plotter.XY{X: x, Y: cv.Params.Next(x) - x}
			}
			for _, x := range cv.Arrows {
				c.Arrows = append(c.Arrows, plotter.XY{X: x, Y: cv.Params.Next(x) - x})
			}
			for _, e := range cv.Params.Equilibria() {
				c.Equilibria = append(c.Equilibria, figures.Equilibrium{P: e.P, Stability: e.Stability})
				eqs.Add(cv.Name, artifact.F(e.P), e.Stability.String(), artifact.F(e.Slope))
			}
			o, _ := cv.Params.Classify()
			c.Label = fmt.Sprintf("%s: %s", figures.OutcomeLabel(o), describe(cv.Params))
			cp.Curves = append(cp.Curves, c)
		}
		for i := range n {
			row := []string{artifact.F(float64(i) / (n - 1))}
			for _, c := range cp.Curves {
				row = append(row, artifact.F(c.Points[i].Y))
			}
			data.Add(row...)
		}
		fig, err := cp.Figure(footnote(id))
		if err != nil {
			return err
		}
		if err := out.figure(fig, title); err != nil {
			return err
		}
		if err := out.table("", data); err != nil {
			return err
		}
		if err := out.table("equilibria", eqs); err != nil {
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
		return out.manifest(id, title, nil, map[string]any{"curves": curves, "samples": n})
	}}
}
