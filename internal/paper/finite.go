package paper

import (
	"context"
	"fmt"
	"math"
	"strings"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/plot/plotter"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
)

// The finite-population panel is culturesim's, not the paper's: ρ_A·N
// against N in each region (model.FiniteRegions), from the exact chain
// at small N and the diffusion approximation along all N.
var (
	// finiteExactN are the population sizes of the exact points, up to
	// model.FiniteMax; above 35 only even sizes, which cost a third of odd
	// ones (on two cores the panel takes about 15 s).
	finiteExactN = []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 50, 60, 80, 100}
	// finiteMaxN is the largest N of the diffusion curves; they are
	// sampled at finiteCurvePoints sizes, evenly in log N.
	finiteMaxN        = 1000
	finiteCurvePoints = 60
)

const finiteID = "finite-n"

// finiteCurveN are the population sizes the curves are sampled at: every
// integer up to 10, then evenly in log N up to finiteMaxN.
func finiteCurveN() []int {
	var ns []int
	for n := 2; n <= 10; n++ {
		ns = append(ns, n)
	}
	for i := 1; i <= finiteCurvePoints; i++ {
		n := int(math.Round(10 * math.Pow(float64(finiteMaxN)/10, float64(i)/float64(finiteCurvePoints))))
		if n > ns[len(ns)-1] {
			ns = append(ns, n)
		}
	}
	return ns
}

// finiteExact is (ρ_A, ρ_B) of the exact chain of every region and size
// of finiteExactN, computed on two goroutines (the chains are
// independent; the result does not depend on their order).
func finiteExact(ctx context.Context) ([][][2]float64, error) {
	out := make([][][2]float64, len(model.FiniteRegions))
	for ri := range out {
		out[ri] = make([][2]float64, len(finiteExactN))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for ri, reg := range model.FiniteRegions {
		for i, n := range finiteExactN {
			g.Go(func() error {
				if err := ctx.Err(); err != nil {
					return err
				}
				c, err := model.NewFiniteChain(reg.Params, n)
				if err != nil {
					return err
				}
				a, err := c.Analyze()
				if err != nil {
					return fmt.Errorf("%s, N = %d: %w", reg.Name, n, err)
				}
				out[ri][i] = [2]float64{a.RhoA, a.RhoB}
				return nil
			})
		}
	}
	return out, g.Wait()
}

func finiteN() Panel {
	title := "Finite well-mixed populations (v = 1): fixation probability of one cooperator, ρ_A·N against N"
	return Panel{ID: finiteID, Description: "ρ_A·N against N in the four regions: exact Markov chain and diffusion approximation", Make: func(ctx context.Context, out *Output) error {
		data := &artifact.Table{Header: []string{"region", "n", "method", "rho_a", "rho_a_times_n", "rho_b", "rho_b_times_n"}}
		fp := figures.FinitePlot{Title: title, YMin: 1e-3, YMax: 30}
		regions := map[string]any{}
		exact, err := finiteExact(ctx)
		if err != nil {
			return err
		}
		for ri, reg := range model.FiniteRegions {
			if err := ctx.Err(); err != nil {
				return err
			}
			o, _ := reg.Params.Classify()
			pr := reg.Params
			s := figures.FiniteSeries{Label: fmt.Sprintf("%s%s (β_1 = %.3g, β_3 = %.3g)", strings.ToUpper(reg.Name[:1]), reg.Name[1:], pr.Beta1()+0, pr.Beta3()+0),
				Detail: fmt.Sprintf("   T_A = %g, T_B = %g, b = %g, c = %g, α = %g", pr.TA, pr.TB, pr.B, pr.C, pr.Alpha), Outcome: o}
			row := func(n int, method string, rhoA, rhoB float64) {
				nf := float64(n)
				data.Add(reg.Name, artifact.I(n), method, artifact.F(rhoA), artifact.F(rhoA*nf), artifact.F(rhoB), artifact.F(rhoB*nf))
			}
			for i, n := range finiteExactN {
				rho := exact[ri][i]
				s.Exact = append(s.Exact, plotter.XY{X: float64(n), Y: rho[0] * float64(n)})
				row(n, "exact", rho[0], rho[1])
			}
			for _, rec := range []bool{false, true} {
				method := "diffusion"
				if rec {
					method = "diffusion_recursion_drift"
				}
				for _, n := range finiteCurveN() {
					d, err := model.NewDiffusion(reg.Params, n, rec)
					if err != nil {
						return err
					}
					rhoA, rhoB := d.RhoA(), d.RhoB()
					pt := plotter.XY{X: float64(n), Y: rhoA * float64(n)}
					if rec {
						s.Recursion = append(s.Recursion, pt)
					} else {
						s.Diffusion = append(s.Diffusion, pt)
					}
					row(n, method, rhoA, rhoB)
				}
			}
			fp.Series = append(fp.Series, s)
			a, err := model.Analyze(reg.Params)
			if err != nil {
				return err
			}
			regions[reg.Name] = map[string]any{"parameters": paramsMap(reg.Params), "outcome": a.Outcome.String(), "beta1": a.Beta1, "beta3": a.Beta3, "pstar": artifact.JSONNumber(a.PStar)}
		}
		fig, err := fp.Figure("culturesim reproduce " + finiteID + " — culturesim's extension of " + figures.Citation + ": the exact finite-N chain of its well-mixed model")
		if err != nil {
			return err
		}
		if err := out.figure(fig, title); err != nil {
			return err
		}
		if err := out.table("", data); err != nil {
			return err
		}
		return out.manifest(finiteID, title, nil, map[string]any{
			"regions":     regions,
			"exact_n":     finiteExactN,
			"diffusion_n": finiteCurveN(),
			"methods": map[string]string{
				"exact":                     "model.FiniteChain: the exact Markov chain of the number of A juveniles",
				"diffusion":                 "model.Diffusion: drift of the recursion with the finite population's pairing, one generation's sampling variance",
				"diffusion_recursion_drift": "model.Diffusion with the infinite recursion's drift (Recursion): misses the O(1/N) negative assortment of pairing",
			},
			"data": map[string]string{BaseName(finiteID) + ".csv": "ρ_A and ρ_B (and times N) for each region, N and method"},
		})
	}}
}
