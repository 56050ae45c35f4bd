package paper

import (
	"context"
	"github.com/culturesim/culturesim/model"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
)

// The model's payoffs (MODEL.md §1): φ_1 meeting φ_2 and its fitness.
var payoffRows = [][3]string{
	{"A", "A", "1 + b − c"}, {"A", "B", "1 − c"}, {"B", "A", "1 + b"}, {"B", "B", "1"},
}

// The transmission routes of one generation (MODEL.md §2).
var routeRows = [][4]string{
	{"1", "vertical", "the parent (parents drawn in proportion to fitness)", "v"},
	{"1", "oblique", "a uniformly random adult of the parents' generation", "1 − v"},
	{"3", "horizontal", "the social partner", "α"},
	{"3", "horizontal", "a uniformly random member of the generation", "1 − α"},
	{"3", "adoption of A", "a B receiver with an A donor adopts A", "T_A"},
	{"3", "adoption of B", "an A receiver with a B donor adopts B", "T_B"},
}

// generationCycle is one generation, step by step (MODEL.md §2).
var generationCycle = []string{
	"1. juveniles: vertical (v) or oblique (1 − v)",
	"2. random pairs play; payoff = fitness",
	"3. horizontal: partner (α) or random (1 − α)",
	"4. adults; parents drawn by fitness",
}

// fig1 is the model illustration: the payoff matrix (panel 1c), the
// transmission routes and rates (1a, 1b, 1d) and the generation cycle, as
// drawn tables.
func fig1() Panel {
	const id = "1"
	title := "Figure 1: the model — payoffs (c) and cultural transmission (a, b, d)"
	return Panel{ID: id, Description: "payoff matrix and transmission routes, drawn as tables", Make: func(ctx context.Context, out *Output) error {
		payoffs := &artifact.Table{Header: []string{"phi1", "phi2", "fitness"}}
		d := figures.ModelDiagram{Title: title, Footnote: footnote(id), Routes: routeRows, Cycle: generationCycle}
		for i, r := range payoffRows {
			payoffs.Add(r[0], r[1], r[2])
			d.Payoffs[i] = r[2]
		}
		routes := &artifact.Table{Header: []string{"step", "route", "source", "probability"}}
		for _, r := range routeRows {
			routes.Add(r[0], r[1], r[2], r[3])
		}
		if err := out.figure(d.Figure(), title); err != nil {
			return err
		}
		if err := out.table("payoffs", payoffs); err != nil {
			return err
		}
		if err := out.table("transmission", routes); err != nil {
			return err
		}
		symbols := map[string]string{}
		for _, pa := range model.Parameters[:model.PrimaryParameters] {
			symbols[pa.Key] = pa.Name + " (" + pa.Symbol + ", " + pa.Domain + ")"
		}
		return out.manifest(id, title, nil, map[string]any{"symbols": symbols})
	}}
}
