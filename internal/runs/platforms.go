package runs

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/culturesim/culturesim/internal/artifact"
	"github.com/culturesim/culturesim/internal/figures"
	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/scenarios"
	"github.com/culturesim/culturesim/sim"
	"github.com/culturesim/culturesim/sim/rng"
)

// WorldName is the platform column's value for the whole world.
const WorldName = "all"

// PlatformRow is one platform (or the world) in one generation: the
// columns of series.csv for scenarios with platforms. Counts are floats
// so that the deterministic counterpart's expected values fit.
type PlatformRow struct {
	Platform                         string
	Size, FreqA                      float64
	FreqNatives, FreqMigrants        float64 // NaN where there are none
	MeanFitness                      float64 // NaN for a generation not played
	MovedIn, MovedOut, Refused, Clam float64
}

// PlatformRecord is every platform in one generation; Rows[0] is the
// world ("all"), then the platforms in file order.
type PlatformRecord struct {
	Generation int
	Rows       []PlatformRow
}

// PlatformNames lists a scenario's platforms (one "population" for a
// scenario without platforms).
func PlatformNames(sc *scenarios.Scenario) []string {
	ps := sc.Base.AsWorld().Platforms
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return math.NaN()
	}
	return a / b
}

// worldRows builds a record's rows from per-platform values, adding the
// world row: natives are then agents on their platform of origin.
func worldRows(gen int, names []string, rows []PlatformRow, natives, nativesA, migrants, migrantsA []float64) PlatformRecord {
	all := PlatformRow{Platform: WorldName}
	var nat, natA, mig, migA, W float64
	fitted := true
	for k, r := range rows {
		all.Size += r.Size
		if r.Size > 0 { // an empty platform's frequency is NaN
			all.FreqA += float64(r.FreqA * r.Size)
		}
		all.MovedIn += r.MovedIn
		all.MovedOut += r.MovedOut
		all.Refused += r.Refused
		all.Clam += r.Clam
		nat, natA, mig, migA = nat+natives[k], natA+nativesA[k], mig+migrants[k], migA+migrantsA[k]
		if r.Size > 0 {
			if math.IsNaN(r.MeanFitness) {
				fitted = false
			}
			W += float64(r.MeanFitness * r.Size)
		}
		rows[k].Platform = names[k]
	}
	all.FreqA = ratio(all.FreqA, all.Size)
	all.FreqNatives, all.FreqMigrants = ratio(natA, nat), ratio(migA, mig)
	all.MeanFitness = math.NaN()
	if fitted {
		all.MeanFitness = ratio(W, all.Size)
	}
	if len(rows) == 1 {
		all.MeanFitness, all.FreqA = rows[0].MeanFitness, rows[0].FreqA
	}
	return PlatformRecord{Generation: gen, Rows: append([]PlatformRow{all}, rows...)}
}

// statsRecord converts the engine's statistics.
func statsRecord(gen int, names []string, st []sim.PlatformStats) PlatformRecord {
	K := len(st)
	rows := make([]PlatformRow, K)
	nat, natA, mig, migA := make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K)
	for k, s := range st {
		n := float64(s.Size)
		rows[k] = PlatformRow{Size: n, FreqA: ratio(float64(s.CountA), n),
			FreqNatives: ratio(float64(s.NativesA), float64(s.Natives)), FreqMigrants: ratio(float64(s.MigrantsA), float64(s.Migrants)),
			MeanFitness: s.MeanFitness, MovedIn: float64(s.MovedIn), MovedOut: float64(s.MovedOut), Refused: float64(s.Refused), Clam: float64(s.Clamped)}
		nat[k], natA[k], mig[k], migA[k] = float64(s.Natives), float64(s.NativesA), float64(s.Migrants), float64(s.MigrantsA)
	}
	return worldRows(gen, names, rows, nat, natA, mig, migA)
}

// detRecord converts the deterministic counterpart's statistics.
func detRecord(gen int, names []string, st []model.DetStats) PlatformRecord {
	K := len(st)
	rows := make([]PlatformRow, K)
	nat, natA, mig, migA := make([]float64, K), make([]float64, K), make([]float64, K), make([]float64, K)
	for k, s := range st {
		rows[k] = PlatformRow{Size: s.Size, FreqA: s.FreqA, FreqNatives: s.FreqNatives, FreqMigrants: s.FreqMigrants,
			MeanFitness: s.MeanFitness, MovedIn: s.MovedIn, MovedOut: s.MovedOut}
		nat[k], mig[k] = s.Natives, s.Migrants
		if s.Natives > 0 {
			natA[k] = float64(s.Natives * s.FreqNatives)
		}
		if s.Migrants > 0 {
			migA[k] = float64(s.Migrants * s.FreqMigrants)
		}
	}
	return worldRows(gen, names, rows, nat, natA, mig, migA)
}

// runWorld plays one replicate of a platform scenario, recording every
// platform and measuring acculturation every generation.
func runWorld(ctx context.Context, sc *scenarios.Scenario, w *sim.World, r *rng.Xoshiro, out *Replicate) (sim.Result, error) {
	names := PlatformNames(sc)
	acc := sim.NewAcculturation(len(names))
	cfg := sc.Base.Run
	every := cfg.RecordEvery
	cfg.RecordEvery = 1 // observe every generation; keep every "every"th
	res, err := sim.Run(ctx, w, r, cfg, func(rec sim.Record) {
		var st []sim.PlatformStats
		final := rec.Generation == w.Generation()
		if final {
			st = w.State()
		} else {
			st = w.LastStats()
		}
		acc.ObserveStats(rec.Generation, st)
		if every > 0 && (final || rec.Generation%every == 0) {
			out.Records = append(out.Records, rec)
			out.Platforms = append(out.Platforms, statsRecord(rec.Generation, names, st))
		}
	})
	out.Acculturation = acc.Times()
	out.FinalPlatforms = statsRecord(w.Generation(), names, w.State()).Rows
	return res, err
}

// Deterministic iterates the deterministic counterpart of a scenario of
// well-mixed platforms (or of one well-mixed population) for all its
// generations, as one replicate with the same records as a simulation.
func Deterministic(sc *scenarios.Scenario) (*Execution, error) {
	st := sc.Base.AsWorld()
	plats, err := st.DetPlatforms()
	if err != nil {
		return nil, err
	}
	// NewDetWorld refuses payoff-seeking routes.
	dw, err := model.NewDetWorld(plats, st.Migration, st.Run.Generations)
	if err != nil {
		return nil, err
	}
	names := PlatformNames(sc)
	ex := &Execution{Scenario: sc, Replicates: make([]Replicate, 1), Workers: 1, Deterministic: true, Start: time.Now()}
	rep := &ex.Replicates[0]
	acc := sim.NewAcculturation(len(plats))
	every := st.Run.RecordEvery
	observe := func(rec PlatformRecord) {
		for k, r := range rec.Rows[1:] {
			acc.Observe(rec.Generation, k, r.FreqNatives, r.FreqMigrants)
		}
		all := rec.Rows[0]
		if every > 0 && (rec.Generation%every == 0 || rec.Generation == st.Run.Generations) {
			rep.Records = append(rep.Records, sim.Record{Generation: rec.Generation, FreqA: all.FreqA, MeanFitness: all.MeanFitness})
			rep.Platforms = append(rep.Platforms, rec)
		}
	}
	for g := range st.Run.Generations {
		observe(detRecord(g, names, dw.Step()))
	}
	final := detRecord(st.Run.Generations, names, dw.State())
	observe(final)
	rep.FinalPlatforms = final.Rows
	rep.Acculturation = acc.Times()
	rep.Result = sim.Result{Generations: st.Run.Generations, FinalFreqA: final.Rows[0].FreqA, Reason: sim.StoppedMaxGenerations}
	rep.Done = true
	ex.End = time.Now()
	return ex, nil
}

// num formats a count (whole numbers without an exponent) or a float;
// NaN is an empty cell.
func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return ""
	case x == math.Trunc(x) && math.Abs(x) < 1e15:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return artifact.F(x)
}

// PlatformSeriesTable is series.csv of a scenario with platforms (or of a
// deterministic run): one row per recorded generation, replicate and
// platform, the world first.
func PlatformSeriesTable(ex *Execution) *artifact.Table {
	t := &artifact.Table{Header: []string{"replicate", "generation", "platform", "size", "freq_a", "freq_a_natives", "freq_a_migrants",
		"mean_fitness", "moved_in", "moved_out", "refused", "clamped"}}
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		for _, rec := range r.Platforms {
			for _, row := range rec.Rows {
				t.Add(artifact.I(r.Index), artifact.I(rec.Generation), row.Platform, num(row.Size), num(row.FreqA),
					num(row.FreqNatives), num(row.FreqMigrants), num(row.MeanFitness), num(row.MovedIn), num(row.MovedOut),
					num(row.Refused), num(row.Clam))
			}
		}
	}
	return t
}

// PlatformSeries averages the finished replicates' platform records for
// plotting (by generation; a replicate that stopped early contributes
// until it stopped).
func PlatformSeries(ex *Execution) []figures.PlatformSeries {
	names := PlatformNames(ex.Scenario)
	type acc struct{ sum, n float64 }
	out := make([]figures.PlatformSeries, len(names))
	var gens []int
	seen := map[int]int{}
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		for _, rec := range r.Platforms {
			if _, ok := seen[rec.Generation]; !ok {
				seen[rec.Generation] = len(gens)
				gens = append(gens, rec.Generation)
			}
		}
	}
	slices.Sort(gens)
	for i, g := range gens {
		seen[g] = i
	}
	for k, name := range names {
		s := &out[k]
		s.Name = name
		cols := make([][4]acc, len(gens))
		for _, r := range ex.Replicates {
			if !r.Done {
				continue
			}
			rep := make([]float64, len(gens))
			for i := range rep {
				rep[i] = math.NaN()
			}
			for _, rec := range r.Platforms {
				i, row := seen[rec.Generation], rec.Rows[k+1]
				for j, v := range [4]float64{row.FreqA, row.FreqNatives, row.FreqMigrants, row.Size} {
					if !math.IsNaN(v) && (j == 3 || row.Size > 0) {
						cols[i][j].sum += v
						cols[i][j].n++
					}
				}
				if row.Size > 0 {
					rep[i] = row.FreqA
				}
			}
			s.Replicates = append(s.Replicates, rep)
		}
		mean := func(a acc) float64 {
			if a.n == 0 {
				return math.NaN()
			}
			return a.sum / a.n
		}
		for i, g := range gens {
			s.Generation = append(s.Generation, float64(g))
			s.FreqA = append(s.FreqA, mean(cols[i][0]))
			s.Natives = append(s.Natives, mean(cols[i][1]))
			s.Migrants = append(s.Migrants, mean(cols[i][2]))
			s.Size = append(s.Size, mean(cols[i][3]))
		}
	}
	return out
}

// EventMarks labels a scenario's events for plots.
func EventMarks(sc *scenarios.Scenario) []figures.EventMark {
	var out []figures.EventMark
	for _, e := range sc.Base.Migration.Events {
		who := ""
		if e.Phenotype != model.AnyPhenotype {
			who = e.Phenotype.String() + " of "
		}
		out = append(out, figures.EventMark{Generation: float64(e.Generation),
			Label: fmt.Sprintf("g %d: %g%% %s%s → %s", e.Generation, 100*e.Fraction, who,
				figures.Literal(sc.Base.Platforms[e.From].Name), figures.Literal(sc.Base.Platforms[e.To].Name))})
	}
	return out
}

// PlatformRunsTable is runs.csv for platform scenarios and deterministic
// runs: the usual columns, then for each platform its final size and
// frequency of A and its acculturation time (empty: none).
func PlatformRunsTable(ex *Execution) *artifact.Table {
	names := PlatformNames(ex.Scenario)
	t := RunsTable(ex)
	for _, n := range names {
		t.Header = append(t.Header, "final_size_"+n, "final_freq_a_"+n, "acculturation_"+n)
	}
	row := 0
	for _, r := range ex.Replicates {
		if !r.Done {
			continue
		}
		for k := range names {
			fr := r.FinalPlatforms[k+1]
			acc := ""
			if r.Acculturation[k] >= 0 {
				acc = artifact.I(r.Acculturation[k])
			}
			t.Rows[row] = append(t.Rows[row], num(fr.Size), num(fr.FreqA), acc)
		}
		row++
	}
	return t
}
