package paper

import (
	"context"
	"fmt"

	"gonum.org/v1/plot/plotter"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
)

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

// figS1 is the panel of modifier invasions.
func figS1() Panel {
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

		ip := figures.InvasionPlot{Title: title, MaxGenerations: cfg.MaxGenerations, Invaders: make([]figures.InvaderLine, len(res))}
		for _, pt := range pts {
			g := float64(pt.Generation)
			ip.Cooperators = append(ip.Cooperators, plotter.XY{X: g, Y: pt.Cooperators})
			ip.MeanFitness = append(ip.MeanFitness, plotter.XY{X: g, Y: pt.MeanFitness})
			ip.Invaders[pt.Invasion].Points = append(ip.Invaders[pt.Invasion].Points, plotter.XY{X: g, Y: pt.Invader})
		}
		for k, r := range res {
			ip.Invaders[k].Label = fmt.Sprintf("α_2 = %.2f", r.Invader)
			if r.Invaded {
				ip.Ends = append(ip.Ends, float64(r.End))
			}
		}
		fig, err := ip.Figure(footnote(id))
		if err != nil {
			return err
		}
		if err := out.figure(fig, title); err != nil {
			return err
		}
		if err := out.table("", series); err != nil {
			return err
		}
		if err := out.table("invasions", inv); err != nil {
			return err
		}
		return out.manifest(id, title, nil, map[string]any{
			"parameters":   figS1Parameters(cfg),
			"record_every": cfg.RecordEvery,
			"note":         "α steps from 0.7 to a2 in equal steps (MODEL.md §5); the resident starts at its stable p̂*; each invader enters at 0.005 on each of its two types (0.01 in total), taken from each of the resident's two types, as the authors' notebook does; an invasion ends when the invader exceeds 0.995",
		})
	}}
}

// figS1Parameters lists the fixed parameters of the invasions (those of
// the modifier's model, α aside) and the invasion settings.
func figS1Parameters(cfg model.InvasionConfig) map[string]any {
	out := map[string]any{"alphas": cfg.Alphas, "entry": cfg.Entry, "fixation": cfg.Fixation, "max_generations": cfg.MaxGenerations}
	p := cfg.Params(cfg.Alphas[0])
	for _, pa := range model.Parameters[:model.PrimaryParameters] {
		if pa.Key != "alpha" { // each allele has its own α
			out[pa.Key], _ = p.Get(pa.Key)
		}
	}
	return out
}
