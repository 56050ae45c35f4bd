package figures

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
)

// RunFigure draws the dynamics of one point of sc from its series rows
// (rows of other points are ignored): Dynamics for a world of one
// platform (base "dynamics"), PlatformDynamics for several ("platforms").
func RunFigure(sc *scenarios.Scenario, point int, deterministic bool, rows []artifact.SeriesRow, footnote string) (NamedFigure, error) {
	w := sc.Point(point)
	title := RunTitle(sc, point, deterministic)
	if len(w.Platforms) == 1 {
		ts := Trajectories(rows, point)
		if len(ts) == 0 {
			return NamedFigure{}, fmt.Errorf("%w: the series has no rows of point %d", ErrNothingToPlot, point)
		}
		fig, err := Dynamics(title, ts, w.Generations, footnote)
		return NamedFigure{Base: DynamicsBase, Title: title, Figure: fig}, err
	}
	series := PlatformSeriesOf(rows, point, w.Names())
	if len(series) == 0 || len(series[0].Generation) == 0 {
		return NamedFigure{}, fmt.Errorf("%w: the series has no rows of point %d", ErrNothingToPlot, point)
	}
	fig, err := PlatformDynamics(title, series, EventMarks(w), w.Generations, footnote)
	return NamedFigure{Base: PlatformsBase, Title: title, Figure: fig}, err
}

// RunTitle names the scenario (and the point, for a sweep's) and each
// platform's parameters, on two or more lines.
func RunTitle(sc *scenarios.Scenario, point int, deterministic bool) string {
	w := sc.Point(point)
	name := Literal(sc.Name)
	if len(sc.Axes) > 0 {
		name += " (" + Literal(sc.DescribePoint(point)) + ")"
	}
	if deterministic {
		name += " — deterministic counterpart"
	}
	if len(w.Platforms) == 1 {
		pc := w.Platforms[0]
		m := pc.Model
		pop := fmt.Sprintf("well-mixed, N = %d", pc.Agents)
		alpha := fmt.Sprintf("α = %g", m.Alpha)
		if pc.Kind == sim.KindLattice {
			lc := pc.Lattice
			pop = fmt.Sprintf("%d×%d lattice (%s r = %d, %s), %s selection", lc.Side, lc.Side, lc.Neighborhood, lc.Radius, lc.Boundary, lc.Selection)
			if !pc.Full() {
				pop += fmt.Sprintf(", %d agents", pc.StartAgents())
			}
			alpha = fmt.Sprintf("α_{eff} = %.4g", m.Alpha)
		}
		if pc.Kind == sim.KindNetwork {
			pop = fmt.Sprintf("%s, %s selection", Literal(pc.GraphDescription()), pc.Lattice.Selection)
			if pc.Lattice.Feed > 0 {
				pop += fmt.Sprintf(", feed %g (%s)", pc.Lattice.Feed, pc.Lattice.FeedBias)
			}
			alpha = fmt.Sprintf("α_{eff} = %.4g", m.Alpha)
		}
		return fmt.Sprintf("%s: %s\nb = %g, c = %g, v = %g, %s, T_A = %g, T_B = %g", name, pop, m.B, m.C, m.V, alpha, m.TA, m.TB)
	}
	parts := make([]string, len(w.Platforms))
	for k, pc := range w.Platforms {
		m := pc.Model
		kind := fmt.Sprintf("N = %d", pc.Agents)
		switch pc.Kind {
		case sim.KindLattice:
			kind = fmt.Sprintf("%d×%d lattice", pc.Lattice.Side, pc.Lattice.Side)
		case sim.KindNetwork:
			kind = Literal(pc.Network.Graph.String()) + " graph"
			if pc.Lattice.Feed > 0 {
				kind += fmt.Sprintf(", feed %g", pc.Lattice.Feed)
				if pc.Lattice.FeedBias != sim.FeedUniform {
					kind += " by " + pc.Lattice.FeedBias.String()
				}
			}
		}
		parts[k] = fmt.Sprintf("%s: %s, b = %g, c = %g, v = %g, α = %.3g, T_A = %g, T_B = %g", Literal(pc.Name), kind, m.B, m.C, m.V, m.Alpha, m.TA, m.TB)
	}
	return name + "\n" + strings.Join(parts, "\n")
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// Trajectories extracts each replicate's frequency of A in the world
// from the series rows of one point, replicates in order of appearance.
func Trajectories(rows []artifact.SeriesRow, point int) []Trajectory {
	var ts []Trajectory
	index := map[int32]int{}
	for _, r := range rows {
		if int(r.Point) != point || r.Platform != artifact.WorldPlatformName {
			continue
		}
		i, ok := index[r.Replicate]
		if !ok {
			i = len(ts)
			index[r.Replicate] = i
			ts = append(ts, Trajectory{})
		}
		ts[i].Generation = append(ts[i].Generation, int(r.Generation))
		ts[i].FreqA = append(ts[i].FreqA, deref(r.FreqA))
	}
	return ts
}

// PlatformSeriesOf averages the replicates' rows of each named platform
// at one point, generation by generation (a replicate that stopped early
// contributes until it stopped; an empty platform contributes its size
// only).
func PlatformSeriesOf(rows []artifact.SeriesRow, point int, names []string) []PlatformSeries {
	var gens []int
	seenGen := map[int]bool{}
	var reps []int32
	seenRep := map[int32]bool{}
	for _, r := range rows {
		if int(r.Point) != point {
			continue
		}
		if g := int(r.Generation); !seenGen[g] {
			seenGen[g] = true
			gens = append(gens, g)
		}
		if !seenRep[r.Replicate] {
			seenRep[r.Replicate] = true
			reps = append(reps, r.Replicate)
		}
	}
	slices.Sort(gens)
	at := make(map[int]int, len(gens))
	for i, g := range gens {
		at[g] = i
	}
	repAt := make(map[int32]int, len(reps))
	for i, r := range reps {
		repAt[r] = i
	}
	platform := make(map[string]int, len(names))
	for k, n := range names {
		platform[n] = k
	}
	type acc struct{ sum, n float64 }
	cols := make([][][4]acc, len(names)) // platform, generation, quantity
	perRep := make([][][]float64, len(names))
	for k := range names {
		cols[k] = make([][4]acc, len(gens))
		perRep[k] = make([][]float64, len(reps))
		for j := range reps {
			perRep[k][j] = make([]float64, len(gens))
			for i := range gens {
				perRep[k][j][i] = math.NaN()
			}
		}
	}
	for _, r := range rows {
		k, ok := platform[r.Platform]
		if int(r.Point) != point || !ok || r.Platform == artifact.WorldPlatformName {
			continue
		}
		i := at[int(r.Generation)]
		for j, v := range [4]float64{deref(r.FreqA), deref(r.FreqNatives), deref(r.FreqMigrants), r.Size} {
			if !math.IsNaN(v) && (j == 3 || r.Size > 0) {
				cols[k][i][j].sum += v
				cols[k][i][j].n++
			}
		}
		if r.Size > 0 {
			perRep[k][repAt[r.Replicate]][i] = deref(r.FreqA)
		}
	}
	mean := func(a acc) float64 {
		if a.n == 0 {
			return math.NaN()
		}
		return a.sum / a.n
	}
	out := make([]PlatformSeries, len(names))
	for k, name := range names {
		s := &out[k]
		s.Name = name
		s.Replicates = perRep[k]
		for i, g := range gens {
			s.Generation = append(s.Generation, float64(g))
			s.FreqA = append(s.FreqA, mean(cols[k][i][0]))
			s.Natives = append(s.Natives, mean(cols[k][i][1]))
			s.Migrants = append(s.Migrants, mean(cols[k][i][2]))
			s.Size = append(s.Size, mean(cols[k][i][3]))
		}
	}
	return out
}

// EventMarks labels a world's migration events for PlatformDynamics.
func EventMarks(w sim.WorldConfig) []EventMark {
	var out []EventMark
	for _, e := range w.Migration.Events {
		who := ""
		if e.Phenotype != model.AnyPhenotype {
			who = e.Phenotype.String() + " of "
		}
		out = append(out, EventMark{Generation: float64(e.Generation),
			Label: fmt.Sprintf("g %d: %g%% %s%s → %s", e.Generation, 100*e.Fraction, who,
				Literal(w.Platforms[e.From].Name), Literal(w.Platforms[e.To].Name))})
	}
	return out
}
